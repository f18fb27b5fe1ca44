"""Redirects to a URL taken from the request: `res.redirect(...)`, `location.href = ...`.

A redirect target from the request (`?next=https://evil.example`) sends users to a phishing
page with your domain in the link. Only request data, and in the browser the URL and
`postMessage` data, are reported. `location` assignments are found as assignments; a value
checked against an allow-list before (`if (!ALLOWED.includes(next)) return`) is clean.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ..analysis.bindings import first_binding
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


def _fixed_path(match: Match, value: Node, depth: int = 0) -> bool:
    """The URL's start is fixed by this site: a literal path (`/control/login?...`, `./callback?`,
    not `//host`), `https://` + the host the client asked for (a scheme upgrade), `//` + the
    page's own host, the page's own `location.pathname`/`location.href`, or a `new URL` of the
    page's own address; also through a `const` holding one of those."""
    first, second = _leading_parts(value)
    if first.type == "identifier" and depth < _MAX_CONST_HOPS:
        declared = _declaration(match, match.ctx.text(first))
        if declared is not None and _fixed_path(match, declared, depth + 1):
            return True
    if first.type == "template_string" and match.ctx.text(first).startswith("`${"):
        first = next((c.named_children[0] for c in first.named_children if c.type == "template_substitution"), first)
    if first.type in ("member_expression", "identifier"):
        name = match.ctx.qualified_name(first) or ""
        return name.endswith(_OWN_PAGE) or name == "location" and not _shadowed(match) or _own_page_url(match, first)
    if first.type == "call_expression":  # `url.toString()` of a `new URL(window.location)`
        callee = first.child_by_field_name("function")
        owner = (
            callee.child_by_field_name("object") if callee is not None and callee.type == "member_expression" else None
        )
        return owner is not None and match.ctx.text(callee).endswith(".toString") and _own_page_url(match, owner)
    if first.type not in ("string", "template_string"):
        return False
    text = match.ctx.text(first)[1:-1] if first.type == "string" else match.ctx.text(first)[1:]
    if text == "//" and second is not None:  # `"//" + location.host + location.pathname`: this very host
        return (match.ctx.qualified_name(second) or "").endswith(_OWN_HOST)
    if text.startswith(("http://", "https://")) and len(text.split("$", 1)[0]) in (7, 8):
        host = second if first.type == "string" else first
        return host is not None and "host" in match.ctx.text(host).lower()  # `https://${req.hostname}${req.url}`
    if text.startswith(("./", "../", "?", "#")):
        return True
    return text.startswith("/") and not text.startswith(("//", "/\\"))


# The page's own address: assigning it (or a path under it) to `location` stays on this site;
# `location = location` reloads the page.
_OWN_PAGE = ("location.pathname", "location.href", "location.origin", "window.location", "document.location")
_OWN_HOST = ("location.host", "location.hostname")
_MAX_CONST_HOPS = 3  # `const a = b` chains followed back to a value
# The parts of a `URL` object that move it to another site when assigned.
_URL_ORIGIN_PARTS = ("href", "host", "hostname", "origin", "protocol")


def _shadowed(match: Match) -> bool:
    """The enclosing function (or the module) declares a variable or parameter named `location`."""
    scope = match.target.parent
    while scope is not None and scope.type not in _FUNCTIONS:
        scope = scope.parent
    if scope is not None:
        source = match.ctx.text(scope)
        return any(m in source for m in (*_DECLARATIONS, "(location", ", location"))
    root = match.target
    while root.parent is not None:
        root = root.parent
    return any(match.ctx.text(child).startswith(_DECLARATIONS) for child in root.named_children)


_DECLARATIONS = ("let location", "var location", "const location")


_FUNCTIONS = frozenset({"function_declaration", "function_expression", "arrow_function", "method_definition"})


def _own_page_url(match: Match, name: Node) -> bool:
    """`url` is `const url = new URL(window.location)` (the page's own address, its query or hash
    changed at most) and nothing assigns its host or href afterwards."""
    if name.type != "identifier":
        return False
    declared = _declaration(match, match.ctx.text(name))
    if declared is None or declared.type != "new_expression":
        return False
    constructor, args = declared.child_by_field_name("constructor"), declared.child_by_field_name("arguments")
    parts = args.named_children if args is not None else []
    if constructor is None or match.ctx.text(constructor) != "URL" or len(parts) != 1:
        return False
    page = match.ctx.qualified_name(parts[0]) or match.ctx.text(parts[0])
    moved = (f"{match.ctx.text(name)}.{part} =" for part in _URL_ORIGIN_PARTS)
    return page.endswith(("location", "location.href")) and not any(match.ctx.contains(m.encode()) for m in moved)


def _declaration(match: Match, name: str) -> Node | None:
    """The value a `const` declaration of `name` in the enclosing blocks gives it (never reassigned)."""
    scope = match.target.parent
    while scope is not None:
        declared = first_binding(scope, name.encode(), _constants_declared_in)
        if declared is not None:
            return declared
        scope = scope.parent
    return None


def _constants_declared_in(block: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """Each `const name = value` that is a statement of `block` itself."""
    for child in block.named_children:
        if child.type != "lexical_declaration" or not (child.text or b"").startswith(b"const "):
            continue
        for declarator in child.named_children:
            named = declarator.child_by_field_name("name")
            value = declarator.child_by_field_name("value")
            if declarator.type == "variable_declarator" and named is not None and named.text and value is not None:
                yield declarator.start_byte, named.text, value


def _leading_parts(value: Node) -> tuple[Node, Node | None]:
    """The leftmost operand of a `+` chain and the operand right after it."""
    node, following = value, None
    while node.type in ("binary_expression", "parenthesized_expression") and node.named_children:
        left = node.child_by_field_name("left")
        if node.type == "binary_expression" and left is not None:
            following = node.child_by_field_name("right")
        node = left or node.named_children[0]
    return node, following


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
  // ok: js-open-redirect
  res.redirect(303, `./callback?${new URLSearchParams(req.body)}`);
  // ok: js-open-redirect
  res.redirect("https://" + req.hostname + req.originalUrl);
  // ok: js-open-redirect
  res.redirect(`https://${req.headers.host}:${httpsPort}${req.url}`);
  // ruleid: js-open-redirect
  res.redirect("https://" + req.query.target + "/welcome");
});
app.get("/logout", (req, res) => {
  const requested = req.query.redirect;
  const next = isSafeRelativeUrl(requested) ? requested : "/";
  // ok: js-open-redirect
  res.redirect(next);
  // ruleid: js-open-redirect
  res.redirect(requested.length < 200 ? requested : "/");
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
// ok: js-open-redirect
document.location = `${document.location.pathname}/timeslider`;
// ok: js-open-redirect
location = location;
// ok: js-open-redirect
window.location.href = window.location;
// ruleid: js-open-redirect
location = location.hash.substring(1);
function follow() {
  let location = new URLSearchParams(window.location.search).get("next");
  // ruleid: js-open-redirect
  window.location = location;
}
$(".filters").on("change", function () {
  const hostPath = "//" + location.host + location.pathname;
  // ok: js-open-redirect
  window.location.href = hostPath;
  // ruleid: js-open-redirect
  window.location.href = "//" + params.get("host") + location.pathname;
});
function goToPage(page) {
  const url = new URL(window.location);
  url.searchParams.set("page", page);
  // ok: js-open-redirect
  window.location.assign(url);
  // ok: js-open-redirect
  window.open(url.toString());
  const target = new URL(location.hash.substring(1), window.location);
  // ruleid: js-open-redirect
  window.open(target.toString());
}
""",
)
