"""A literal Flask/Django `SECRET_KEY` or JWT signing secret."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan

message = _scan.advice("anyone with the code can forge sessions and tokens; read it from the environment.")


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message)


RULE = Rule(
    id="hardcoded-signing-key",
    title="Hard-coded signing key",
    category=Category.SECRETS,
    cwe=(321, 798),
    owasp=("A02:2021", "A07:2021"),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    aliases=("B105", "S105"),  # Bandit's / Ruff's hardcoded-password-string: their noqa comments apply
    fixable=True,
    message="A session or token signing key is written into the code.",
    docs="""## Why is this bad?
Flask and Django sign session cookies, password-reset links and CSRF tokens with `SECRET_KEY`;
JWT libraries sign tokens with the key passed to `jwt.encode`/`jwt.sign`. With the key in the
code, anyone who reads it can mint a session or a token for any user, and the
`django-insecure-...` key Django generates for development ends up in production.
Checked: `SECRET_KEY`, `app.secret_key`, `app.config["SECRET_KEY"]`, `JWT_SECRET`,
`signing_key` and friends (any name containing `secret_key`, such as
`app.config["SECRET_KEY_HMAC"]`), the key argument of `jwt.encode`/`decode` (PyJWT,
python-jose) and `jwt.sign`/`verify` (jsonwebtoken), and the key that `Fernet(...)`,
`hmac.new(...)` and the `itsdangerous` signers and serializers take first. A check that refuses
a shipped default (`if SECRET_KEY == "changeme": raise ImproperlyConfigured(...)`) is not a key.

## How to fix
Generate a long random key (`secrets.token_urlsafe(50)`), keep it in the environment or a
secret store, and rotate the leaked one (existing sessions become invalid).

## Fix safety
"Move to environment variable" is unsafe: the program now needs the variable set.
""",
    references=(
        "https://docs.djangoproject.com/en/stable/ref/settings/#secret-key",
        "https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY",
        "https://cwe.mitre.org/data/definitions/321.html",
    ),
    examples="""
import hmac
import os
import jwt
from cryptography.fernet import Fernet
from flask import Flask
from itsdangerous import URLSafeTimedSerializer
app = Flask(__name__)
# ruleid: hardcoded-signing-key
SECRET_KEY = "django-insecure-k3y"
# ruleid: hardcoded-signing-key
app.secret_key = "dev"
# ruleid: hardcoded-signing-key
app.config["SECRET_KEY"] = "super-secret"
# ruleid: hardcoded-signing-key
token = jwt.encode(payload, "my-jwt-secret", algorithm="HS256")
# ruleid: hardcoded-signing-key
JWT_SECRET = "changeme"
# ruleid: hardcoded-signing-key
app.config["SECRET_KEY_HMAC"] = "secret"
# ruleid: hardcoded-signing-key
FERNET = Fernet(b"ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=")
# ruleid: hardcoded-signing-key
digest = hmac.new(b"hmac-signing-key-2024", message, "sha256").hexdigest()
# ruleid: hardcoded-signing-key
serializer = URLSafeTimedSerializer("reset-password-salt-key")
# ok: hardcoded-signing-key
serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"])
# ok: hardcoded-signing-key
digest = hmac.new(key, b"constant message", "sha256")
# ok: hardcoded-signing-key
SECRET_KEY = os.environ["SECRET_KEY"]
# ok: hardcoded-signing-key
if app.config["SECRET_KEY"] == "devel0pment-key": raise RuntimeError("set SECRET_KEY")
# ok: hardcoded-signing-key
token = jwt.encode(payload, key, algorithm="HS256")
# ok: hardcoded-signing-key
SECRET_KEY_FILE = "/run/secrets/django"
# ok: hardcoded-signing-key
SECRET_KEY_CHARSET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*(-_=+)"
""",
)
