"""Cookies set without `Secure`/`HttpOnly`, and settings that switch those flags off."""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import (
    argument,
    enclosing_function,
    has_splat,
    is_false,
    keyword_arg,
    positional_args,
    string_value,
)
from ..analysis.web import builds_response, is_response_parameter, is_web_module, parameter_names, route_of
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ..patterns import linear
from ._edits import append_keyword
from ._expressions import definition

FLAGS = ("secure", "httponly")
FLAG_SETTINGS = '"SESSION_COOKIE_SECURE" "SESSION_COOKIE_HTTPONLY" "CSRF_COOKIE_SECURE" "REMEMBER_COOKIE_SECURE" "REMEMBER_COOKIE_HTTPONLY"'
_SENSITIVE_NAME = linear(r"sess|sid|auth|token|jwt|remember|login|user|csrf|xsrf", re.IGNORECASE)
# Cookies page scripts must read: preferences and yes/no flags (`is_logged_in` only tells the UI).
_SCRIPT_COOKIE = linear(
    r"^(?:is|has|show)_|lang|locale|theme|timezone|tz$|consent|currency|dark|font|sidebar|layout|pref", re.IGNORECASE
)
# aiohttp_session storages: their session cookie is HttpOnly unless `httponly=False` turns it off.
SESSION_STORAGES = frozenset(
    {
        f"aiohttp_session.{module}{name}"
        for module in ("", "redis_storage.", "cookie_storage.", "memcached_storage.", "nacl_storage.")
        for name in (
            "RedisStorage",
            "EncryptedCookieStorage",
            "MemcachedStorage",
            "NaClCookieStorage",
            "SimpleCookieStorage",
        )
    }
)
_FLAG_POSITION = 6  # Flask, Django and Starlette all take `secure` after key, value, max_age, expires, path, domain


def weak_flags(match: Match) -> dict[str, Node | None]:
    """The flags that are missing (None) or literally False, by keyword name."""
    args = match.node("args")
    if has_splat(args) or len(positional_args(args)) > _FLAG_POSITION:
        return {}
    values = {flag: keyword_arg(args, flag) for flag in FLAGS}
    return {flag: value for flag, value in values.items() if value is None or is_false(value)}


def is_deletion(match: Match) -> bool:
    """`set_cookie("sid", "", max_age=0)` expires a cookie; its flags do not matter."""
    args = match.node("args")
    value = argument(args, 1, "value")
    expiry = keyword_arg(args, "max_age") or keyword_arg(args, "expires")
    return string_value(value) == "" and expiry is not None and match.ctx.text(expiry) == "0"


def is_server_cookie(match: Match) -> bool:
    """`set_cookie(key, value, ...)` on a server response; a client `CookieJar.set_cookie(cookie)` is not."""
    args = match.node("args")
    lone = args is None or len(args.named_children) < 2  # `jar.set_cookie(cookie)`: a Cookie object, no key
    has_key = keyword_arg(args, "key") is not None or (bool(positional_args(args)) and not lone)
    fn = match.node("fn")
    receiver = fn.child_by_field_name("object") if fn is not None else None
    if not has_key or receiver is None or not is_web_module(match.ctx):
        return False
    function = enclosing_function(match.target)
    if builds_response(match.ctx, receiver) or (function is not None and route_of(match.ctx, function) is not None):
        return True
    if receiver.type != "identifier":
        return False
    return builds_response(match.ctx, definition(receiver)) or is_response_parameter(
        match.ctx, function, match.ctx.text(receiver)
    )


def _named_by_caller(match: Match, key: Node | None) -> bool:
    """The cookie's name is a parameter of the enclosing helper, which is no route: a wrapper."""
    function = enclosing_function(match.target)
    while key is not None and key.type in ("call", "attribute"):  # `name.encode("utf-8")`
        key = key.child_by_field_name("function" if key.type == "call" else "object")
    if key is None or key.type != "identifier" or function is None or route_of(match.ctx, function) is not None:
        return False
    return match.ctx.text(key) in parameter_names(match.ctx, function)


def storage_flags_off(match: Match) -> dict[str, Node]:
    """`RedisStorage(redis, httponly=False)`: the flags a session storage literally switches off."""
    if (match.ctx.qualified_name(match.node("fn")) or "") not in SESSION_STORAGES:
        return {}
    found = {flag: keyword_arg(match.node("args"), flag) for flag in FLAGS}
    return {flag: value for flag, value in found.items() if value is not None and is_false(value)}


def flags_missing(match: Match) -> bool | Report:
    if match.node("setting") is not None:
        return Report(message=f"`{match.text('setting')} = False` lets the cookie leak over plain HTTP or to scripts.")
    if (match.ctx.qualified_name(match.node("fn")) or "") in SESSION_STORAGES:
        off = storage_flags_off(match)
        shown = " and ".join(f"`{flag}=False`" for flag in off)
        return bool(off) and Report(
            message=f"The session storage sets {shown}: the session cookie leaks over plain HTTP or to injected scripts.",
            confidence=Confidence.HIGH,
        )
    weak = weak_flags(match)
    if not weak or is_deletion(match) or not is_server_cookie(match):
        return False
    key = argument(match.node("args"), 0, "key")
    if _named_by_caller(match, key):
        return False  # `def set_cookie(response, name, value, secure=False)`: each caller names and flags it
    name = string_value(key)
    constant = (
        match.ctx.text(key).rsplit(".", 1)[-1] if key is not None and key.type in ("identifier", "attribute") else ""
    )
    if name is None and constant and _SCRIPT_COOKIE.search(constant):
        return False  # `settings.LANGUAGE_COOKIE_NAME`, `settings.SHUUP_GDPR_CONSENT_COOKIE_NAME`
    shown = " and ".join(f"`{flag}=True`" for flag in weak)
    label = f"Cookie `{name}`" if name else "This cookie"
    sensitive = name is not None and _SENSITIVE_NAME.search(name) is not None
    if name is not None and (not sensitive or _SCRIPT_COOKIE.search(name)):
        return False  # a language or theme cookie: scripts read it, and it grants nothing
    return Report(
        message=f"{label} is set without {shown}: it can be sent over plain HTTP or read by injected scripts.",
        confidence=Confidence.HIGH if sensitive else None,
    )


def set_flags(match: Match) -> Fix | None:
    if match.node("setting") is not None:
        value = match.node("value")
        assert value is not None
        return Fix("Set the flag to `True`", (Edit(value.start_byte, value.end_byte, "True"),), safe=False)
    off = storage_flags_off(match)
    if off:
        flipped = tuple(Edit(v.start_byte, v.end_byte, "True") for v in off.values())
        return Fix("Turn the session cookie flags back on", flipped, safe=False)
    weak = weak_flags(match)
    edits = [Edit(v.start_byte, v.end_byte, "True") for v in weak.values() if v is not None]
    added = [f"{flag}=True" for flag, value in weak.items() if value is None]
    if keyword_arg(match.node("args"), "samesite") is None:
        added.append('samesite="Lax"')
    if added:
        edits.append(append_keyword(match, ", ".join(added)))
    return Fix("Set `secure`, `httponly` and `samesite` on the cookie", tuple(edits), safe=False) if edits else None


RULE = Rule(
    id="cookie-without-secure-flags",
    title="Cookie without Secure or HttpOnly flag",
    category=Category.EXPOSURE,
    cwe=(614, 1004),
    owasp=("A05:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=frozenset({".set_cookie", ".set_signed_cookie"}) | SESSION_STORAGES,
    query=f"""
(assignment left: (identifier) @setting (#any-of? @setting {FLAG_SETTINGS}) right: (false) @value) @target
(assignment
  left: (subscript value: (attribute attribute: (identifier) @c (#eq? @c "config"))
                   subscript: (string (string_content) @setting (#any-of? @setting {FLAG_SETTINGS})))
  right: (false) @value) @target
""",
    where=flags_missing,
    fix=set_flags,
    message="A cookie is set without the Secure and HttpOnly flags.",
    docs="""## Why is this bad?
Without `Secure` the browser also sends the cookie over plain HTTP, where anyone on the
network path can read a session id. Without `HttpOnly` any injected script can read it with
`document.cookie` and hijack the session. Flask's and Starlette's `set_cookie` default both
flags to off, and AI-written code rarely passes them.

Only cookies that carry identity are reported: a session, auth, token, `remember`, CSRF or user
cookie by name, or a cookie whose name is not a literal (unless the constant naming it says
what it is: `settings.GDPR_CONSENT_COOKIE_NAME`, `settings.LANGUAGE_COOKIE_NAME`, or it is a
parameter of a helper that is no route: `def set_cookie(response, name, value, secure=False)`
leaves name and flags to each caller). Cookies page scripts must read
(language, locale, theme, timezone, consent, UI preferences, yes/no flags such as
`is_logged_in`) grant nothing and are not reported.

## How to fix
Pass `secure=True, httponly=True, samesite="Lax"` to `set_cookie`, and keep Django's/Flask's
`SESSION_COOKIE_SECURE` and `SESSION_COOKIE_HTTPONLY` settings `True` in production.
aiohttp_session storages (`RedisStorage`, `EncryptedCookieStorage`, ...) are HttpOnly by
default: do not pass `httponly=False` or `secure=False`.

## Fix safety
Unsafe: adds (or turns on) `secure=True`, `httponly=True` and `samesite="Lax"`. Over plain
`http://` in local development the browser stops sending the cookie, front-end code that
reads the cookie stops seeing it, and cross-site requests no longer carry it.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies",
        "https://flask.palletsprojects.com/en/stable/security/#set-cookie-options",
        "https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure",
        "https://cwe.mitre.org/data/definitions/614.html",
        "https://cwe.mitre.org/data/definitions/1004.html",
    ),
    examples="""
from flask import Flask, make_response, redirect
from django.http import HttpResponse as HR
app = Flask(__name__)
@app.post("/login")
def login():
    resp = make_response({"ok": True})
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("session_id", token)
    # ruleid: cookie-without-secure-flags
    resp.set_cookie("auth", token, httponly=True)
    # ruleid: cookie-without-secure-flags
    redirect("/").set_cookie(key="jwt", value=jwt, secure=False, httponly=True, samesite="Strict")
    # ok: cookie-without-secure-flags
    resp.set_cookie("session_id", token, secure=True, httponly=True, samesite="Lax")
    # ok: cookie-without-secure-flags
    resp.set_cookie("session_id", "", max_age=0)
    # ok: cookie-without-secure-flags
    resp.set_cookie("theme", theme, secure=settings.SECURE_COOKIES, httponly=True)
    # ok: cookie-without-secure-flags
    resp.set_cookie("session_id", token, **COOKIE_OPTIONS)
def remember(request, user):
    response = HR("ok")
    # ruleid: cookie-without-secure-flags
    response.set_signed_cookie("remember", user.pk, salt="x", secure=True)
async def add_session(request, call_next):
    response = await call_next(request)
    # ruleid: cookie-without-secure-flags
    response.set_cookie("sid", new_sid())
def set_theme(resp, theme):
    # ok: cookie-without-secure-flags
    resp.set_cookie("theme", theme)
class LanguageView(View):
    def post(self, request):
        response = HttpResponseRedirect(request.POST.get("next", "/"))
        # ok: cookie-without-secure-flags
        response.set_cookie("django_language", request.POST["language"])
        # ok: cookie-without-secure-flags
        response.set_cookie("is_logged_in", "1", secure=True)
        # ruleid: cookie-without-secure-flags
        response.set_cookie("sessionid", request.session.session_key)
        # ruleid: cookie-without-secure-flags
        response.set_cookie(cookie_name, value)
        # ruleid: cookie-without-secure-flags
        response.set_cookie(settings.SESSION_COOKIE_NAME, request.session.session_key)
        return response
def add_consent_to_response_cookie(response, cookie_data):
    # ok: cookie-without-secure-flags
    response.set_cookie(
        key=settings.SHOP_GDPR_CONSENT_COOKIE_NAME,
        value=json.dumps(cookie_data),
        domain=settings.SESSION_COOKIE_DOMAIN,
        secure=settings.SESSION_COOKIE_SECURE or None,
    )
    # ok: cookie-without-secure-flags
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language)
class RequestsCookieJar(cookielib.CookieJar):
    def update(self, other):
        for cookie in other:
            # ok: cookie-without-secure-flags
            self.set_cookie(copy.copy(cookie))
def merge_cookies(cookiejar, cookies):
    # ok: cookie-without-secure-flags
    cookiejar.set_cookie(cookie_in_jar)
def set_cookie(response, name, value, expiry_seconds=None, secure=False):
    expires = cookie_date(expiry_seconds)
    # ok: cookie-without-secure-flags
    response.set_cookie(name, value, expires=expires, secure=secure)
    # ok: cookie-without-secure-flags
    response.set_cookie(name.encode("utf-8"), value, expires=expires, secure=secure)
def copy_into(jar, name, value):
    # ok: cookie-without-secure-flags
    jar.set_cookie(name, value)
# ruleid: cookie-without-secure-flags
SESSION_COOKIE_SECURE = False
# ruleid: cookie-without-secure-flags
app.config["SESSION_COOKIE_HTTPONLY"] = False
# ok: cookie-without-secure-flags
SESSION_COOKIE_SECURE = True
# ok: cookie-without-secure-flags
CSRF_COOKIE_HTTPONLY = False
from aiohttp_session.redis_storage import RedisStorage
from aiohttp_session import cookie_storage
# ruleid: cookie-without-secure-flags
storage = RedisStorage(redis_pool, httponly=False)
# ruleid: cookie-without-secure-flags
storage = cookie_storage.EncryptedCookieStorage(key, secure=False, max_age=3600)
# ok: cookie-without-secure-flags
storage = RedisStorage(redis_pool, secure=True)
# todoruleid: cookie-without-secure-flags
resp.headers["Set-Cookie"] = f"session={token}"  # raw Set-Cookie headers are not parsed
""",
)
