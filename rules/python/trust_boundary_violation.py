"""Request data stored in the server-side session as if it had been checked (trust boundary, CWE-501).

The session is where an application keeps what it has established about a visitor (who they
are, what they may do). Copying a request value into it unchecked (`session["role"] =
request.form["role"]`) lets later code trust what the client chose. Only tainted values are
reported: a value the analysis saw validated (an allow-list, an equality check, `int(...)`) or
of unknown origin (a user loaded from the database) is not.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.sinks import taint_verdict
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

# The session objects of Flask/Quart (`session`), Django (`request.session`), aiohttp_session
# (`session = await get_session(request)`) and Starlette (`request.session`).
SESSION_NAMES = frozenset({"session", "request.session", "self.request.session", "req.session"})
STORE_METHODS = frozenset({"setdefault", "update", "__setitem__"})


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
    return values[-1] if method == "setdefault" and len(values) == 2 else (args if method == "update" else None)


def crosses_boundary(match: Match) -> Report | None:
    value = stored_value(match)
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
`session`, Django and Starlette `request.session`, aiohttp_session's `get_session`). Values
the analysis saw checked (`if role in ALLOWED_ROLES`, `int(...)`) or of unknown origin are not
reported.

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
    session.setdefault("name", request.args.get("name"))
    role = request.form["role"]
    if role in ROLES:
        # ok: trust-boundary-violation
        session["role"] = role
    # ok: trust-boundary-violation
    session["visits"] = int(request.form["visits"])
    # ok: trust-boundary-violation
    cache["role"] = request.form["role"]
    return "ok"
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
