"""Redirects to a URL taken from the request: `res.redirect(...)`, `location.href = ...`.

A redirect target from the request (`?next=https://evil.example`) sends users to a phishing
page with your domain in the link. Only request data, and in the browser the URL and
`postMessage` data, are reported. `location` assignments are found as assignments; a value
checked against an allow-list before (`if (!ALLOWED.includes(next)) return`) is clean.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._http import RESPONSE_NAMES
from ._nodes import argument, arguments, receiver
from ._sinks import taint_verdict

LOCATION_TARGETS = frozenset(
    {
        "location",
        "window.location",
        "document.location",
        "location.href",
        "window.location.href",
        "document.location.href",
    }
)
LOCATION_CALLS = frozenset(
    {"location.assign", "location.replace", "window.location.assign", "window.location.replace", "window.open"}
)
_QUERY = "(assignment_expression left: (_) @left right: (_) @value) @target"


def redirects_to_request_url(match: Match) -> Report | None:
    if match.node("left") is not None:
        if match.ctx.qualified_name(match.node("left")) not in LOCATION_TARGETS:
            return None
        value, sink = match.node("value"), "the page's location"
    else:
        name = match.ctx.qualified_name(match.node("fn")) or ""
        if name not in LOCATION_CALLS:
            owner = receiver(match)
            if owner is None or match.ctx.text(owner) not in RESPONSE_NAMES:
                return None
            name = "res.redirect"
        args = arguments(match.target)
        value = args[-1] if name == "res.redirect" and args else argument(match.target, 0)  # `redirect(301, url)`
        sink = f"a redirect (`{name}`)"
    if value is not None and _fixed_path(match, value):
        return None  # `"/login?next=" + location.pathname`: the data only fills this site's query
    return taint_verdict(
        match,
        value,
        sink,
        local_input=False,
        report_unknown=False,
        sanitizers=("encodeURIComponent",),
        consequence="users can be sent to any site",
    )


def _fixed_path(match: Match, value: Node) -> bool:
    """The URL starts with a literal path of this site (`/control/login?...`, not `//host`)."""
    node = value
    while node.type in ("binary_expression", "parenthesized_expression") and node.named_children:
        node = node.child_by_field_name("left") or node.named_children[0]
    if node.type not in ("string", "template_string"):
        return False
    text = match.ctx.text(node)[1:]
    return text.startswith("/") and not text.startswith(("//", "/\\"))


RULE = Rule(
    id="js-open-redirect",
    title="Redirect to a URL from the request (JavaScript)",
    category=Category.INJECTION,
    cwe=(601,),
    owasp=("A01:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({".redirect"}) | LOCATION_CALLS,
    query=_QUERY,
    where=redirects_to_request_url,
    aliases=("javascript.express.security.audit.express-open-redirect.express-open-redirect",),
    message="A redirect target taken from the request can send users to any site.",
    docs="""## Why is this bad?
`res.redirect(req.query.next)` turns a link on your domain into a redirect to an attacker's
page, and `location.href = params.get("url")` in the browser can also run `javascript:` URLs.
Redirect only to relative paths you check (`next.startsWith("/") && !next.startsWith("//")`)
or to an allow-list.
""",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",),
    examples="""
app.get("/login/done", (req, res) => {
  // ruleid: js-open-redirect
  res.redirect(req.query.next);
  // ruleid: js-open-redirect
  res.redirect(302, req.body.returnTo);
  // ok: js-open-redirect
  res.redirect("/dashboard");
  // ok: js-open-redirect
  res.redirect("/login?next=" + encodeURIComponent(req.originalUrl) + req.query.extra);
  // ruleid: js-open-redirect
  res.redirect("//" + req.query.host + "/welcome");
});
app.get("/go", (req, res) => {
  const next = req.query.next;
  if (!ALLOWED.includes(next)) {
    return res.status(400).end();
  }
  // ok: js-open-redirect
  res.redirect(next);
});
const params = new URLSearchParams(location.search);
// ruleid: js-open-redirect
window.location.href = params.get("url");
// ok: js-open-redirect
window.location.href = "/home";
""",
)
