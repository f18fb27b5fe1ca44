"""A password or key literal bound to a credential-named variable, attribute, argument or key."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan

message = _scan.advice("it ships with the code and cannot be rotated; read it from the environment.")


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message)


RULE = Rule(
    id="hardcoded-password",
    title="Hard-coded password",
    category=Category.SECRETS,
    cwe=(259,),
    owasp=("A07:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    fixable=True,
    aliases=("B105", "B106", "B107", "S105", "S106", "S107"),
    message="A password or key is written into the code as a literal.",
    docs="""## Why is this bad?
A literal bound to a credential name (`password`, `db_pass`, `api_key`, `client_secret`,
`token`) is a credential everyone with the code shares, that cannot be rotated without a
release. vetline checks variables, attributes (`self.password`), keyword arguments
(`connect(password=...)`), dictionary keys, default parameters (`def connect(password="admin123")`),
comparisons (`if pwd == "..."`, `headers.get("X-API-Key") != "..."`) and the keys of `.env`, INI, YAML, JSON, TOML and Dockerfile
`ENV` lines. Names that describe a credential rather than hold it (`PASSWORD_FIELD`,
`TOKEN_HEADER`, `password_url`), empty strings, prompts with spaces and references such as
`${DB_PASSWORD}` or `os.environ[...]` are not reported. A name is judged by its last word, so
`password_keyword` and `basic_auth_encoding` are not credentials, and values that are code rather
than secrets (regexes, `#rrggbb` colours, `****` masks, dotted or constant names) are skipped, as
are identifier dictionary keys (`{Token: ...}`) and `in` tests. An event map's keys
(`'click .js-copy-token': '_onCopyClicked'`) name a DOM event and a selector, and a bare `token`
holding a kebab-case CSS class (`token: 'rb-cm-codeblock-plain'`) is a syntax highlighter's token
type: neither is reported. A comparison is reported only when
the value looks like a key (8 or more characters mixing letters, digits or symbols), so a parser's
`token == "with"` stays quiet, and not when the comparison refuses the value: a check for a
shipped default that then raises, exits, warns or logs (`if settings.DB_PASSWORD == "changeme":
raise ...`, `assert SECRET_KEY != "changeme"`) holds no secret. Not credentials either: a password-like literal (8 or more
characters) that an application file writes three or more times, which is sample data (the
same example order's secret in every preview of a mail template; a real credential is written
once and read by name); a snake_case value with a credential word in it, which names a field
or a sentinel (`{"bark_api_token": "auth_token"}`, `api_key = "no_api_key"`); a URL without a
password (`"device_auth": "https://.../v1/auth/device"`), which says where to authenticate. Vendored
JavaScript (`static/vendor/`, content-hashed or `/*!`-bannered files) and package managers' lock
files (`package-lock.json`, `yarn.lock`, `poetry.lock`, ...: package names such as `parse-passwd`)
report only provider-format keys.

## How to fix
Read the password from the environment or a secret manager.

## Fix safety
"Move to environment variable" is unsafe: the program now needs the variable set (and a
default parameter becomes an environment read at definition time).
""",
    references=(
        "https://cwe.mitre.org/data/definitions/259.html",
        "https://bandit.readthedocs.io/en/latest/plugins/b105_hardcoded_password_string.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
    examples="""
import os
import psycopg2 as pg
# ruleid: hardcoded-password
DB_PASSWORD = "s3cr3t-Pa55"
class DefaultConfig:
    # ruleid: hardcoded-password
    WTF_CSRF_SECRET_KEY = "reallyhardtoguess"
    # ok: hardcoded-password
    ACTIVATION_TOKEN = "activation"
    # ok: hardcoded-password
    AUTH_EVENT_TYPE_KEY = "authentication_event_type"
    # ok: hardcoded-password
    CLIENT_SECRET_MASK = "__CENSORED__"
    # ok: hardcoded-password
    ADMIN_AUTH_URL = "{base}auth/"
# ok: hardcoded-password
FACTORIES = {"api-token": "ckan.tests.factories:APIToken"}
# ruleid: hardcoded-password
def connect(password="admin123"): ...
# ruleid: hardcoded-password
conn = pg.connect(host="db", user="app", password="Tr0ub4dor")
# ruleid: hardcoded-password
settings = {"db_pass": "hunter2!"}
# ruleid: hardcoded-password
if pwd == "0pen-sesame": ...
# ruleid: hardcoded-password
if request.headers.get("X-API-Key") != "secret-api-key-123": abort(401)
# ok: hardcoded-password
if settings.DB_PASSWORD == "change-me-123": raise ImproperlyConfigured("set DB_PASSWORD")
# ok: hardcoded-password
assert settings.DB_PASSWORD != "insecure-default9"
class Service:
    def __init__(self):
        # ruleid: hardcoded-password
        self.client_secret = "abc-def-ghi"
# ok: hardcoded-password
PASSWORD_FIELD = "password"
# ok: hardcoded-password
TOKEN_HEADER = "Authorization"
# ok: hardcoded-password
password = os.environ["DB_PASSWORD"]
# ok: hardcoded-password
password = os.getenv("DB_PASSWORD", "")
# ok: hardcoded-password
password = ""
# ok: hardcoded-password
password = input("Enter your password: ")
# ok: hardcoded-password
db_password = "${DB_PASSWORD}"
# ok: hardcoded-password
author = "Ada Lovelace"
# ok: hardcoded-password
password_keyword = r"(?:password|passwd|pwd)"
# ok: hardcoded-password
cl_pw = r"([0-9a-f]{64})"
# ok: hardcoded-password
_TOKEN_REF = r"[A-Z]\\w*"
# ok: hardcoded-password
basic_auth_encoding = "latin-1"
# ok: hardcoded-password
styles = {Token: "#d0d0d0", Comment: "italic #888"}
# ok: hardcoded-password
stubs = {"auth0": "types-auth0-python", "generate_private_key": "DSA"}
# ok: hardcoded-password
if token == "with": ...
# ok: hardcoded-password
if "license_file" in secrets: ...
# ok: hardcoded-password
password = ":****"
SAMPLE_ORDERS = [
    # ok: hardcoded-password
    {"code": "F8VVL", "secret": "6zzjnumtsx136ddy"},
    # ok: hardcoded-password
    {"code": "HIDHK", "secret": "6zzjnumtsx136ddy"},
]
# ok: hardcoded-password
preview_url = build_url(order="F8VVL", secret="6zzjnumtsx136ddy")
# ruleid: hardcoded-password
SMTP_PASSWORD = "mail-relay-2024"
# ok: hardcoded-password
FUNDING_FIELDS = {"bark_api_token": "auth_token"}
# ok: hardcoded-password
api_key = "no_api_key"
# ok: hardcoded-password
ENDPOINTS = {"device_auth": "https://storeapi.example.com/v1/auth/device"}
# ok: hardcoded-password
SHARE_TOKEN = "RADICALE:share-token"
# ok: hardcoded-password
SENSITIVE_PREFIXES = {"secrets": "backend_kwarg__"}
# ok: hardcoded-password
NAV = {"Token": "models/users/token.md"}
# ruleid: hardcoded-password
SHARE_TOKEN = "RADICALE:9f3kq2mzl"
# ok: hardcoded-password
events = {"click .js-copy-token": "_onCopyClicked", "submit form.api-token": "_onSubmit"}
# ruleid: hardcoded-password
accounts = {"api token": "Tr0ub4dor-99"}
# ok: hardcoded-password
mode = {"regex": ".*", "token": "rb-cm-codeblock-plain"}
# ruleid: hardcoded-password
client = {"token": "ghp-live-9xk2q"}
""",
)
