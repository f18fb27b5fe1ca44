"""Request data stored in the server-side session as if it had been checked (trust boundary, CWE-501).

The session is where an application keeps what it has established about a visitor (who they
are, what they may do). Copying a request value into it unchecked (`session["role"] =
request.form["role"]`) lets later code trust what the client chose. Only tainted values are
reported: a value the analysis saw validated (an allow-list, an equality check, `int(...)`) or
of unknown origin (a user loaded from the database) is not.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.sinks import taint_verdict
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear

# The session objects of Flask/Quart (`session`), Django (`request.session`), aiohttp_session
# (`session = await get_session(request)`) and Starlette (`request.session`).
SESSION_NAMES = frozenset({"session", "request.session", "self.request.session", "req.session"})
STORE_METHODS = frozenset({"setdefault", "update", "__setitem__"})
# Words of a session key that hold identity or privilege (`user_id`, `is_admin`, `role`).
IDENTITY_KEY = linear(
    r"(?:^|[^a-z])(?:user|users|user_?id|user_?name|uid|login|logged_?in|authenticated|role|roles|"
    r"admin|is_admin|superuser|staff|permissions?|perms|privileges?|groups?|account|account_?id|"
    r"owner|identity|principal|tenant|access_?level|level)(?:$|[^a-z])",
    re.IGNORECASE,
)


def _is_session(match: Match, node: Node | None) -> bool:
    if node is None:
        return False
    text = match.ctx.text(node)
    return text in SESSION_NAMES or (match.ctx.qualified_name(node) or "") in ("flask.session", "quart.session")


def stored_value(match: Match) -> Node | None:
    """The value put into the session by `session[k] = v`, `session.setdefault(k, v)` or `.update(...)`."""
    if match.node("value") is not None:
        return match.node("value") if _is_session(match, match.node("container")) else None
    callee = match.node("fn")
    receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
    if not _is_session(match, receiver):
        return None
    args = match.node("args")
    values = [c for c in args.named_children if c.type != "comment"] if args is not None else []
    method = match.ctx.text(callee.child_by_field_name("attribute")) if callee is not None else ""
    if method == "update" and values:  # `update(request.form)`, `update(role=...)`
        first = values[0]
        return first.child_by_field_name("value") if first.type == "keyword_argument" else first
    return values[-1] if method == "setdefault" and len(values) == 2 else None


def names_identity(match: Match) -> bool:
    """True when the key stored under names identity or privilege, or the whole mapping is copied."""
    target = match.target
    if target.type == "assignment":
        subscript = target.child_by_field_name("left")
        key = subscript.child_by_field_name("subscript") if subscript is not None else None
    else:
        callee = match.node("fn")
        if callee is not None and match.ctx.text(callee.child_by_field_name("attribute")) == "update":
            return True
        args = match.node("args")
        key = args.named_children[0] if args is not None and args.named_children else None
    if key is None or key.type not in ("string", "concatenated_string"):
        return False
    literal = "".join(match.ctx.text(c) for c in key.named_children if c.type == "string_content")
    return IDENTITY_KEY.search(literal.lower().replace("-", "_")) is not None


def crosses_boundary(match: Match) -> Report | None:
    value = stored_value(match)
    if value is None or not names_identity(match):
        return None
    return taint_verdict(
        match,
        value,
        "the session",
        report_unknown=False,
        consequence="later code trusts a value the client chose; validate it before storing it",
    )


RULE = Rule(
    id="trust-boundary-violation",
    title="Request data stored in the session unchecked",
    category=Category.ACCESS_CONTROL,
    cwe=(501,),
    owasp=("A04:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    query="(assignment left: (subscript value: (_) @container) right: (_) @value) @target",
    calls=frozenset({".setdefault", ".update"}),
    where=crosses_boundary,
    message="Request data is stored in the session without validation.",
    docs="""## Why is this bad?
Code reads the session as the server's own record of what it has verified: the user id set
at login, the role, the cart's price. `session["role"] = request.form["role"]` or
`request.session["user"] = request.GET["user"]` moves client-chosen data across that trust
boundary, so any later `if session["role"] == "admin"` trusts the client. OWASP's Benchmark
scores this as a trust-boundary violation (CWE-501).

Reported with high confidence when data flow traces the stored value to the request (Flask
`session`, Django and Starlette `request.session`, aiohttp_session's `get_session`) and the key
names identity or privilege (`user`, `user_id`, `username`, `role`, `is_admin`, `permissions`,
`account`, `tenant`...), or a whole mapping is copied in with `update`. Values the analysis
saw checked (`if role in ALLOWED_ROLES`, `if lang in app.config["LANGUAGES"]`, `int(...)`) or
of unknown origin are not reported, and neither are the visitor's own choices under other
keys (`session["lang"]`, `request.session["payment_paypal_token"]`, a saved filter): reading
those back trusts nothing.

## How to fix
Validate the value against what the server allows (an allow-list, a lookup in the database
for the signed-in user) before storing it, or keep it out of the session and pass it as an
ordinary parameter.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/501.html",
        "https://owasp.org/www-project-benchmark/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html",
    ),
    examples="""
from aiohttp_session import get_session
from flask import Flask, request, session
app = Flask(__name__)
ROLES = {"reader", "editor"}
@app.post("/prefs")
def prefs():
    # ruleid: trust-boundary-violation
    session["role"] = request.form["role"]
    # ruleid: trust-boundary-violation
    session.setdefault("username", request.args.get("name"))
    role = request.form["role"]
    if role in ROLES:
        # ok: trust-boundary-violation
        session["role"] = role
    # ok: trust-boundary-violation
    session["visits"] = int(request.form["visits"])
    # ok: trust-boundary-violation
    cache["role"] = request.form["role"]
    # ruleid: trust-boundary-violation
    session.update(request.form)
    return "ok"
@app.route("/lang/<lang>")
def change_lang(lang):
    if lang in app.config["SUPPORTED_LANGUAGES"]:
        # ok: trust-boundary-violation
        session["lang"] = lang
    return "ok"
def paypal_return(request):
    # ok: trust-boundary-violation
    request.session["payment_paypal_token"] = request.GET.get("token")
    # ok: trust-boundary-violation
    request.session["requested_consent_from_widget"] = request.GET["consent"]
    # ruleid: trust-boundary-violation
    request.session["is_admin"] = request.GET.get("admin") == "1" or request.GET["admin"]
def django_view(request):
    # ruleid: trust-boundary-violation
    request.session["user"] = request.GET.get("user")
    # ok: trust-boundary-violation
    request.session["user_id"] = user.pk
async def aiohttp_login(request):
    session = await get_session(request)
    # ruleid: trust-boundary-violation
    session["username"] = request.query["user"]
""",
)
