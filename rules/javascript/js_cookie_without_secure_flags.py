"""Session and auth cookies set without `httpOnly` or `secure`: `res.cookie(...)`, express-session,
cookie-session.

Only cookies that authenticate (names with session/sid/token/auth/jwt...) and session
middleware are judged: a theme or language cookie must be readable by scripts. `httpOnly`
keeps XSS from stealing the cookie; `secure` keeps it off plain HTTP.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._http import RESPONSE_NAMES, SESSION_COOKIE_WORDS
from ._nodes import argument, is_false, property_value, receiver, string_value, unwrap

SESSION_MIDDLEWARE = frozenset({"express-session", "cookie-session", "koa-session"})


def _missing_flags(options: Node) -> list[str]:
    missing = []
    for flag in ("httpOnly", "secure"):
        value = property_value(options, flag)
        if value is None or is_false(value):
            missing.append(flag)
    return missing


def weak_session_cookie(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in SESSION_MIDDLEWARE:
        cookie = property_value(argument(match.target, 0), "cookie")
        flags = [f for f in ("httpOnly", "secure") if is_false(property_value(cookie, f))]
        return (
            Report(
                node=cookie,
                message=f"The session cookie is configured without {' and '.join(f'`{f}`' for f in flags)}.",
            )
            if flags
            else None
        )
    owner = receiver(match)
    if owner is None or match.ctx.text(owner).split(".")[0] not in RESPONSE_NAMES:
        return None
    cookie_name = (string_value(argument(match.target, 0)) or "").lower()
    if not any(word in cookie_name for word in SESSION_COOKIE_WORDS):
        return None
    options = unwrap(argument(match.target, 2))
    if options is not None and options.type not in ("object",):
        return None  # options built elsewhere: cannot tell
    missing = _missing_flags(options) if options is not None else ["httpOnly", "secure"]
    if not missing:
        return None
    return Report(
        message=f"Cookie `{cookie_name}` is set without {' and '.join(f'`{f}`' for f in missing)}: scripts or plain HTTP can expose it."
    )


RULE = Rule(
    id="js-cookie-without-secure-flags",
    title="Session cookie without HttpOnly or Secure (JavaScript)",
    category=Category.EXPOSURE,
    cwe=(614, 1004),
    owasp=("A05:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({".cookie"}) | SESSION_MIDDLEWARE,
    where=weak_session_cookie,
    aliases=("javascript.express.security.audit.express-cookie-settings.express-cookie-session-no-httponly",),
    message="A session cookie without HttpOnly/Secure can be read by scripts or sent over plain HTTP.",
    docs="""## Why is this bad?
A session or auth cookie readable from JavaScript is stolen by any XSS (`document.cookie`);
one without `secure` is sent over plain HTTP where anyone on the network reads it. Set
`{ httpOnly: true, secure: true, sameSite: "lax" }` for cookies that authenticate. Cookies that
scripts must read (theme, language) are not reported.
""",
    references=(
        "https://expressjs.com/en/api.html#res.cookie",
        "https://owasp.org/www-community/HttpOnly",
    ),
    examples="""
const session = require("express-session");
app.post("/login", (req, res) => {
  // ruleid: js-cookie-without-secure-flags
  res.cookie("session_id", id);
  // ruleid: js-cookie-without-secure-flags
  res.cookie("auth_token", token, { httpOnly: false, secure: true });
  // ok: js-cookie-without-secure-flags
  res.cookie("session_id", id, { httpOnly: true, secure: true, sameSite: "lax" });
  // ok: js-cookie-without-secure-flags
  res.cookie("theme", "dark");
});
// ruleid: js-cookie-without-secure-flags
app.use(session({ secret: process.env.SESSION_SECRET, cookie: { httpOnly: false } }));
app.use(session({
  secret: process.env.SESSION_SECRET,
  // ruleid: js-cookie-without-secure-flags
  cookie: { httpOnly: false, secure: false },
}));
// ok: js-cookie-without-secure-flags
app.use(session({ secret: process.env.SESSION_SECRET, cookie: { secure: true } }));
""",
)
