"""Who the visitor is, decoded from a cookie nobody signed (CWE-565).

`user = json.loads(base64.b64decode(request.cookies["user"]))` trusts a structure the browser
sends back verbatim: the client edits it (`{"role": "admin"}`) and becomes anyone. Reported
when data flow traces the decoded text to a request cookie; a cookie checked by a signature
(`itsdangerous`, Django's `get_signed_cookie`, a JWT library) never reaches these decoders raw.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.crypto_names import destination_names, name_words
from ..analysis.nodes import argument
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

DECODERS = frozenset(
    {"json.loads", "ujson.loads", "orjson.loads", "simplejson.loads", "ast.literal_eval", "yaml.safe_load"}
)
# Origins (`Origin.source`) that are a cookie the client sent.
COOKIE_SOURCES = frozenset({"request.cookies", "request.COOKIES", "self.get_cookie()", "request.get_cookie()"})
# Words of the variable (or cookie) that say the decoded object says who the visitor is.
IDENTITY_WORDS = frozenset(
    {
        "user",
        "username",
        "role",
        "roles",
        "admin",
        "auth",
        "identity",
        "account",
        "profile",
        "login",
        "member",
        "owner",
        "principal",
        "claims",
        "perms",
        "permissions",
        "group",
        "groups",
        "uid",
        "whoami",
        "me",
        "session",
    }
)
# aiohttp_session's storage that keeps the whole session as plain JSON in the cookie.
PLAIN_COOKIE_SESSIONS = frozenset(
    {"aiohttp_session.SimpleCookieStorage", "aiohttp_session.cookie_storage.SimpleCookieStorage"}
)
BASE64_DECODERS = ("b64decode", "urlsafe_b64decode", "decodebytes", "standard_b64decode")


def _about_identity(match: Match, data: Node) -> bool:
    """A base64-wrapped object, or names (target, cookie key) that speak of the user or their role."""
    text = match.ctx.text(data)
    if any(decoder in text for decoder in BASE64_DECODERS):
        return True
    words = set().union(*(name_words(name.strip("\"'")) for name in destination_names(match.ctx, match.target)))
    return bool(words & IDENTITY_WORDS) or bool(name_words(text) & IDENTITY_WORDS)


def decodes_cookie(match: Match) -> Report | None:
    if match.ctx.qualified_name(match.node("fn")) in PLAIN_COOKIE_SESSIONS:
        return Report(
            message="`SimpleCookieStorage` keeps the session (and the signed-in user) as plain JSON in a cookie "
            "the client can edit; use `EncryptedCookieStorage` or a server-side storage."
        )
    data = argument(match.node("args"), 0)
    if data is None:
        return None
    origin = match.ctx.taint.origin(data)
    if origin.sanitized_by is not None or origin.source not in COOKIE_SOURCES or not _about_identity(match, data):
        return None  # `ids = json.loads(request.COOKIES["history"])`: a preference, not an identity
    decoder = match.ctx.text(match.node("fn"))
    return Report(
        message=f"`{decoder}` decodes `{origin.source}` that nobody signed: "
        "the client can edit it to claim another identity or role.",
    )


RULE = Rule(
    id="unsigned-cookie-identity",
    title="Identity decoded from an unsigned cookie",
    category=Category.ACCESS_CONTROL,
    cwe=(565,),
    owasp=("A07:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=DECODERS | PLAIN_COOKIE_SESSIONS,
    where=decodes_cookie,
    message="Data decoded from an unsigned cookie is trusted as the visitor's identity.",
    docs="""## Why is this bad?
A cookie is whatever the browser sends: its owner can read and rewrite it. Base64 and JSON are
encodings, not protection, so `json.loads(base64.b64decode(request.cookies["user"]))` hands the
client control of the decoded object: change `"role": "user"` to `"admin"` or the user id to
someone else's and the application believes it. Deliberately vulnerable training apps use this
pattern for "remember me" and profile cookies (CWE-565: reliance on cookies without validation).

Reported when the decoded text comes from a request cookie (Flask, Django, Starlette/FastAPI,
aiohttp, Tornado) and is an identity: base64-wrapped, or held in or read from a name about the
user (`user`, `role`, `auth`, `profile`, ...). A plain preference list (`ids =
json.loads(request.COOKIES["history"])`) is not reported. `pickle.loads` of a cookie is worse still (code execution) and is reported by
`pickle-deserialization`. aiohttp_session's `SimpleCookieStorage` is the same thing built
in: the session, user id included, is plain JSON in the cookie.

## How to fix
Keep identity server-side (the framework's session, keyed by a random session id), or sign the
cookie and verify the signature before decoding: `itsdangerous.URLSafeSerializer(SECRET).loads(...)`,
Django's `request.get_signed_cookie(...)`, or a JWT verified with `jwt.decode(..., key,
algorithms=[...])`.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/565.html",
        "https://itsdangerous.palletsprojects.com/en/stable/serializer/",
        "https://docs.djangoproject.com/en/stable/ref/request-response/#django.http.HttpRequest.get_signed_cookie",
    ),
    examples="""
import base64
import json
from flask import Flask, request
from itsdangerous import URLSafeSerializer
app = Flask(__name__)
@app.get("/me")
def me():
    raw = request.cookies.get("user", "")
    # ruleid: unsigned-cookie-identity
    user = json.loads(base64.b64decode(raw))
    # ruleid: unsigned-cookie-identity
    claims = json.loads(request.cookies["session_claims"])
    # ok: unsigned-cookie-identity
    signed = URLSafeSerializer(app.config["SECRET_KEY"]).loads(request.cookies["user"])
    # ok: unsigned-cookie-identity
    body = json.loads(request.get_data())
    # ok: unsigned-cookie-identity
    ids = json.loads(request.cookies["recently_viewed"])
    return {"admin": user.get("admin")}
from aiohttp_session import SimpleCookieStorage, setup
from aiohttp_session.cookie_storage import EncryptedCookieStorage
# ruleid: unsigned-cookie-identity
setup(app, SimpleCookieStorage())
# ok: unsigned-cookie-identity
setup(app, EncryptedCookieStorage(secret_key))
def django_view(request):
    # ruleid: unsigned-cookie-identity
    user = json.loads(base64.b64decode(request.COOKIES["auth"]))
    # ok: unsigned-cookie-identity
    user = json.loads(request.get_signed_cookie("auth", salt="auth"))
""",
)
