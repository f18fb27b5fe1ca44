"""Request data used as the target of an HTTP redirect (Flask, Django, Starlette/FastAPI).

Only tainted targets are reported: redirecting to values of unknown origin is everyday code.
A target is clean when it is constant or a `url_for`/`reverse` call, when its fixed prefix pins
the host (`"/profile/" + name`, `f"https://app.example.com/{path}"`), when the taint analysis
saw an allow-list or equality check, or when an earlier statement of the same function checks
one of its variables with `url_has_allowed_host_and_scheme`/`is_safe_url` (or a project helper
named so: `safe_for_redirect`, `is_local_url`) or compares the `netloc` of its parse (a
heuristic: which branch redirects is not checked), when the request only fills the placeholder
of a URL template the application stores (`repository.bug_tracker % bug_id`), when the URL is the current request's own
path (`request.path`, `get_full_path()`) or starts with one or with `reverse(...)`/`url_for(...)`,
and when it is returned by a helper that checks it (`safe_referrer(...)`, an in-file function
calling a guard).
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, enclosing_function
from ..analysis.sinks import bound_value, taint_verdict
from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._expressions import definition
from ._redirect_targets import HEADER_CALLS, QUERY, header_target, not_a_redirect_response, refresh_target
from ._url_pieces import url_pieces

REDIRECTS = {
    "flask.redirect": "location",
    "quart.redirect": "location",
    "werkzeug.utils.redirect": "location",
    "werkzeug.redirect": "location",
    "django.shortcuts.redirect": "to",
    "django.http.HttpResponseRedirect": "redirect_to",
    "django.http.HttpResponsePermanentRedirect": "redirect_to",
    "django.http.response.HttpResponseRedirect": "redirect_to",
    "starlette.responses.RedirectResponse": "url",
    "fastapi.responses.RedirectResponse": "url",
    **{
        f"aiohttp.{module}.{name}": "location"
        for module in ("web", "web_exceptions")
        for name in (
            "HTTPFound",
            "HTTPMovedPermanently",
            "HTTPSeeOther",
            "HTTPTemporaryRedirect",
            "HTTPPermanentRedirect",
        )
    },
}
URL_BUILDERS = ("url_for", "reverse", "reverse_lazy")
GUARDS = ("url_has_allowed_host_and_scheme", "is_safe_url", "is_safe_redirect_url", "is_safe_redirect")
# A project's own guard (`safe_for_redirect`, `is_local_url`, `validate_redirect_url`), by name.
GUARD_NAME = linear(r"safe|allowed_host|is_local|same_origin|same_site|validate_redirect|check_redirect", re.IGNORECASE)
# The current request's own path or URL: a redirect there stays on this site.
SAME_ORIGIN_SOURCES = frozenset(
    {
        "request.path",
        "request.path_info",
        "request.full_path",
        "request.get_full_path",
        "request.get_full_path()",
        "request.url",
        "request.base_url",
        "request.url_root",
        "request.build_absolute_uri",
        "request.build_absolute_uri()",
        "request.script_root",  # the application's mount point, set by the server
        "request.root_path",
    }
)
# A fixed prefix that already decides the host: a same-site path, or a full origin and a slash.
FIXED_HOST = linear(r"^(/[^/\\]|https?://[^/\s{%]+/)")


def _prefix(match: Match, node: Node) -> str:
    """The literal text the URL starts with (f-string head, left operand, format template, or a
    module constant it starts with: `KOBO_IMAGEHOST_URL + "/{id}"`)."""
    while node.type in ("binary_operator", "call", "concatenated_string"):
        if node.type == "call":
            callee = node.child_by_field_name("function")
            receiver = callee.child_by_field_name("object") if callee and callee.type == "attribute" else None
            if receiver is None:
                return ""
            node = receiver
        else:
            node = node.named_children[0]
    if node.type == "identifier":
        return match.ctx.taint.module_string(match.ctx.text(node)) or ""
    if node.type != "string":
        return ""
    head = []
    for child in node.named_children:
        if child.type == "interpolation":
            break
        if child.type in ("string_content", "escape_sequence"):
            head.append((child.text or b"").decode("utf-8", "replace"))
    return "".join(head)


def _variables(node: Node) -> set[bytes]:
    stack, found = [node], set()
    while stack:
        current = stack.pop()
        if current.type == "identifier" and current.text:
            found.add(current.text)
        stack.extend(current.named_children)
    return found


_CARRIERS = frozenset({b"request", b"req", b"self"})


def _guarded(match: Match, url: Node) -> bool:
    """An earlier guard call or `.netloc` comparison in the function mentions the URL's variables."""
    scope = enclosing_function(match.target)
    names = _variables(url) | (_aliased(scope, url) if scope is not None else set())
    names -= _CARRIERS  # `allowed_hosts={request.get_host()}` checks the host list, not the request
    stack = list(scope.named_children) if scope is not None and names else []
    while stack:
        node = stack.pop()
        if node.start_byte >= match.target.start_byte:
            continue
        checked = _checked_part(match, node)
        if checked is not None and names & _variables(checked):
            return True
        stack.extend(node.named_children)
    return False


def _aliased(scope: Node, url: Node) -> set[bytes]:
    """Names the URL variable was made from (`validated = target` inside `if is_safe_url(target):`,
    `path = urlparse(target).path` under `safe = url_has_allowed_host_and_scheme(target)`)."""
    if url.type != "identifier":
        return set()
    assignments: list[tuple[bytes, Node]] = []
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type == "assignment":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.type == "identifier" and right is not None:
                assignments.append((left.text or b"", right))
        stack.extend(node.named_children)
    found: set[bytes] = set()
    wanted = {url.text or b""}
    for _ in range(3):  # names of names, a few steps back
        made_from = {name for left, right in assignments if left in wanted for name in _variables(right)}
        wanted = made_from - found
        found |= made_from
    return found


def _checked_part(match: Match, node: Node) -> Node | None:
    """What a guard call's arguments or a `urlparse(x).netloc` look at; None for other nodes."""
    if node.type == "call":
        callee = match.ctx.text(node.child_by_field_name("function")).rsplit(".", 1)[-1]
        if callee.endswith(GUARDS) or GUARD_NAME.search(callee):
            return node.child_by_field_name("arguments")
    if node.type == "attribute" and match.ctx.text(node.child_by_field_name("attribute")) == "netloc":
        return node.child_by_field_name("object")
    return None


def _leftmost(node: Node) -> Node:
    """The first piece of a built URL: the left operand, the first f-string field, or the node."""
    while True:
        if node.type == "binary_operator":
            left = node.child_by_field_name("left")
            if left is None:
                return node
            node = left  # on to its first piece: `f"{request.script_root}/app/" + rest`
        elif node.type == "string" and node.named_children and node.named_children[0].type == "string_start":
            pieces = [c for c in node.named_children if c.type not in ("string_start", "string_end")]
            if pieces and pieces[0].type == "interpolation" and pieces[0].named_children:
                node = pieces[0].named_children[0]
            else:
                return node
        else:
            return node


def stays_on_site(match: Match, url: Node, depth: int = 0) -> bool:
    """A URL builder, a guarding helper, a URL starting on this site; for `a or b`, every side;
    for a local name, the value it was assigned (`url = reverse(...)`, then `url += "?" + query`:
    appending never changes the host a same-site path starts with)."""
    if url.type == "identifier" and depth < 3:
        value = definition(url)
        return value is not None and value is not url and stays_on_site(match, value, depth + 1)
    if url.type == "boolean_operator":
        sides = [url.child_by_field_name("left"), url.child_by_field_name("right")]
        return all(side is not None and (stays_on_site(match, side) or side.type == "string") for side in sides)
    if url.type == "call" and match.ctx.text(url.child_by_field_name("function")).endswith(URL_BUILDERS):
        return True
    return starts_on_this_site(match, url) or is_guarding_call(match, url)


def starts_on_this_site(match: Match, url: Node) -> bool:
    """`reverse(...) + "?" + query`, `f"{url}?{q}"` with `url = reverse(...)`, `request.path + ...`:
    the built URL begins with a path of this site, so the rest cannot change the host."""
    first = _leftmost(url)
    if first is url:
        return False
    first = definition(first) or first
    text = match.ctx.text(first.child_by_field_name("function") if first.type == "call" else first)
    return text.endswith(URL_BUILDERS) or text in SAME_ORIGIN_SOURCES


def is_guarding_call(match: Match, url: Node) -> bool:
    """`safe_referrer(request, default)`, or an in-file helper whose body checks the URL with a guard."""
    if url.type != "call":
        return False
    callee = match.ctx.text(url.child_by_field_name("function")).rsplit(".", 1)[-1]
    if GUARD_NAME.search(callee):
        return True
    root = url
    while root.parent is not None:
        root = root.parent
    for statement in root.named_children:
        function = (
            statement.child_by_field_name("definition") if statement.type == "decorated_definition" else statement
        )
        if (
            function is not None
            and function.type == "function_definition"
            and match.ctx.text(function.child_by_field_name("name")) == callee
        ):
            body = match.ctx.text(function.child_by_field_name("body"))
            return any(guard in body for guard in GUARDS) or GUARD_NAME.search(body) is not None
    return False


def redirect_target(match: Match) -> Node | None:
    """The URL the browser is sent to: a redirect call's argument, a `Location` header, a meta refresh."""
    if match.node("url") is not None:
        return match.node("url")
    if match.node("fn") is None:
        return refresh_target(match)
    if match.text("fn").endswith(tuple(HEADER_CALLS)):
        return header_target(match)
    name = match.ctx.qualified_name(match.node("fn")) or ""
    return argument(match.node("args"), 0, REDIRECTS.get(name))


def tainted_redirect(match: Match) -> Report | None:
    url = redirect_target(match)
    if url is None or FIXED_HOST.match(_prefix(match, url)) or not_a_redirect_response(match):
        return None
    if stays_on_site(match, url):
        return None
    verdict = taint_verdict(
        match,
        url,
        "a redirect",
        report_unknown=False,
        consequence="an attacker can send users to a site of their choice",
    )
    if verdict is None or (verdict.data or {}).get("source") in SAME_ORIGIN_SOURCES or _goes_back(match, url):
        return None
    if _only_in_query(match, url) or _appended_in_query(match, url) or _fills_stored_template(match, url):
        return None
    return None if _guarded(match, url) else verdict


def _fills_stored_template(match: Match, url: Node) -> bool:
    """`repository.bug_tracker % bug_id`, `settings.TRACKER_URL.format(bug_id)`: a URL template the
    application stores (a model field, a setting) chooses the site; the request only fills its
    placeholder. A literal template is judged by its prefix instead, and a tainted one is reported."""
    if url.type == "binary_operator" and match.ctx.text(url.child_by_field_name("operator")) == "%":
        template = url.child_by_field_name("left")
    elif url.type == "call" and match.ctx.text(url.child_by_field_name("function")).endswith(".format"):
        callee = url.child_by_field_name("function")
        template = callee.child_by_field_name("object") if callee is not None else None
    else:
        return False
    if template is None or template.type not in ("attribute", "subscript"):
        return False
    return match.ctx.taint.origin(template).kind is not Kind.TAINTED


def _appended_in_query(match: Match, url: Node) -> bool:
    """`url = page.get_redirect(); url += "?" + request.META["QUERY_STRING"]`: the request data is
    only ever appended after a `?` to a URL the request did not choose."""
    scope = enclosing_function(match.target)
    if url.type != "identifier" or scope is None:
        return False
    base = definition(url)
    if base is url or base is None or match.ctx.taint.origin(base).kind is Kind.TAINTED:
        return False
    appended: list[Node] = []
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type == "augmented_assignment" and node.start_byte < match.target.start_byte:
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None and left.text == url.text:
                appended.append(right)
        stack.extend(node.named_children)
    return bool(appended) and all(_only_in_query(match, right) for right in appended)


def _only_in_query(match: Match, url: Node) -> bool:
    """`f"{location}?parent={parent}"`, `login_url + f"?next={quote(path)}" + params`: request
    data only after the `?` cannot choose the host."""
    for piece in url_pieces(url):
        if piece.type == "string_content" and "?" in match.ctx.text(piece):
            return True
        if piece.type != "string_content" and match.ctx.taint.origin(piece).kind is Kind.TAINTED:
            return False
    return False


# `redirect(request.referrer)`, `request.headers.get("Referer")`, `request.META["HTTP_REFERER"]`.
_REFERRER = linear(r"refer+er", re.IGNORECASE)


def _goes_back(match: Match, url: Node) -> bool:
    """A redirect back to the referring page: a visitor who followed an attacker's link is only
    sent back to the page that linked, where they already were (no open redirect to sign)."""
    value = bound_value(url) if url.type == "identifier" else url
    return value is not None and _REFERRER.search(match.ctx.text(value)) is not None


RULE = Rule(
    id="open-redirect",
    title="Redirect to a URL taken from the request",
    category=Category.INJECTION,
    cwe=(601,),
    owasp=("A01:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset(REDIRECTS) | HEADER_CALLS,
    query=QUERY,
    where=tainted_redirect,
    message="Redirecting to a URL taken from the request lets an attacker send users to a site of their choice.",
    docs="""## Why is this bad?
`/login?next=https://evil.example` looks like your site in a phishing mail, then bounces the
user to the attacker's copy of your login page. Besides redirect calls (Flask, Django,
Starlette/FastAPI, aiohttp's `HTTPFound`), a `Location` header set by hand
(`response.headers["Location"] = url`, `self.send_header("Location", url)` in an `http.server`
handler) and a `<meta http-equiv="refresh" content="0; url=...">` page redirect the same way. Redirects that carry tokens (OAuth
`redirect_uri`) can leak them to the attacker's host.

Not reported: targets checked by `url_has_allowed_host_and_scheme`/`is_safe_url` or a project
helper named like one (`safe_for_redirect`), the current request's own path (`request.path`,
`request.get_full_path()`), the referring page (`request.referrer`, the `Referer` header:
the visitor is only sent back where they came from), URLs that start with `reverse(...)`/`url_for(...)` or such a path,
and values returned by a helper that checks them.

## How to fix
Redirect to names, not URLs (`url_for("profile")`, `reverse("profile")`), or check the target
first: Django's `url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
require_https=True)`, or `urlparse(url)` with an empty `netloc` and `scheme` (a same-site
path; reject `//` and `\\` prefixes), or membership in an allow-list. Fall back to a fixed
page when the check fails.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
        "https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.http.url_has_allowed_host_and_scheme",
        "https://flask.palletsprojects.com/en/stable/api/#flask.redirect",
        "https://cwe.mitre.org/data/definitions/601.html",
    ),
    examples="""
import flask
from flask import Flask, request, redirect, url_for
from flask import redirect as go
from django.shortcuts import redirect as django_redirect
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi.responses import RedirectResponse
from urllib.parse import parse_qs, quote, urlparse
from django.urls import reverse
from django.views import View
from people.models import Ticket, User
from http.server import BaseHTTPRequestHandler
from aiohttp import web
app = Flask(__name__)
ALLOWED = {"/", "/home"}
@app.route("/login")
def login():
    target = request.args.get("next")
    # ruleid: open-redirect
    return redirect(target)
@app.route("/out")
def out():
    # ruleid: open-redirect
    resp = go(request.args["url"] or url_for("index"))
    # ruleid: open-redirect
    return flask.redirect(f"{request.args['host']}/landing")
@app.route("/bugs/<bug_id>")
def bug(bug_id):
    repository = Repository.objects.get(pk=1)
    # ok: open-redirect
    go(repository.bug_tracker % bug_id)
    # ok: open-redirect
    go(app.config["TRACKER_URL"].format(bug_id))
    # ruleid: open-redirect
    go("%s" % bug_id)
    # ruleid: open-redirect
    go(request.args["template"] % bug_id)
@app.route("/safe")
def safe():
    nxt = request.args.get("next", "/")
    if nxt not in ALLOWED:
        nxt = "/"
    # ok: open-redirect
    go(nxt)
    # ok: open-redirect
    go(url_for("profile", name=request.args["name"]))
    # ok: open-redirect
    go(request.headers.get("Referer") or url_for("index"))
    back = request.referrer
    # ok: open-redirect
    go(back)
    # ok: open-redirect
    go(f"{url_for('pages')}?parent={request.args['parent']}")
    target = request.args.get("next")
    if target and is_safe_url(target):
        validated = target
    else:
        validated = url_for("index")
    # ok: open-redirect
    go(validated)
    # ok: open-redirect
    return go("/profile/" + request.args["name"])
@app.route("/relative")
def relative():
    nxt = request.args["next"]
    if urlparse(nxt).netloc or nxt.startswith("//"):
        abort(400)
    # ok: open-redirect
    return redirect(nxt)
def form_processor(request, page):
    url = page.get_absolute_url() + "?sent=1"
    # ok: open-redirect
    return django_redirect(url)
def django_view(request):
    # ruleid: open-redirect
    return django_redirect(request.GET.get("next"))
def django_checked(request):
    url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        url = "/"
    # ok: open-redirect
    return HttpResponseRedirect(url)
@app.get("/go")
async def fastapi_go(to: str):
    # ruleid: open-redirect
    return RedirectResponse(url=to)
@app.get("/login")
def fastapi_login(auth_manager: AuthManagerDep, session: Annotated[Session, Depends(get_session)]):
    # ok: open-redirect
    return RedirectResponse(auth_manager.get_url_login())
@app.get("/continue")
def fastapi_continue(auth_manager: AuthManagerDep, to: Annotated[str, Query()]):
    # ruleid: open-redirect
    return RedirectResponse(to)
class LocaleSwitch(View):
    def post(self, request):
        target = request.POST.get("next", "/")
        if not safe_for_redirect(target):
            target = "/"
        # ok: open-redirect
        return django_redirect(target)
    def get(self, request):
        # ok: open-redirect
        return HttpResponseRedirect(request.path + "?lang=" + request.GET["lang"])
    def put(self, request):
        # ok: open-redirect
        return django_redirect(request.get_full_path())
    def patch(self, request):
        listing = reverse("orders:list")
        # ok: open-redirect
        return django_redirect(f"{listing}?{request.GET.urlencode()}")
    def delete(self, request):
        # ok: open-redirect
        return django_redirect(safe_referrer(request, "orders:list"))
def redirect_url(target):
    if target and is_safe_url(target, ALLOWED_HOSTS):
        return target
@app.route("/back")
def back():
    # ok: open-redirect
    return redirect(redirect_url(request.args.get("next")) or url_for("index"))
@app.route("/header")
def header_redirect():
    response = flask.make_response("", 302)
    # ruleid: open-redirect
    response.headers["Location"] = request.args["next"]
    # ok: open-redirect
    response.headers["Location"] = url_for("index")
    created = flask.make_response(flask.jsonify(profile), 201)
    # ok: open-redirect
    created.headers["Location"] = request.args["resource"]
    # ruleid: open-redirect
    return f'<meta http-equiv="refresh" content="0; url={request.args["next"]}">'
@app.route("/refresh")
def refresh_fixed():
    # ok: open-redirect
    return f'<meta http-equiv="refresh" content="5"><p>{request.args["msg"]}</p>'
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        target = parse_qs(urlparse(self.path).query)["next"][0]
        self.send_response(302)
        # ruleid: open-redirect
        self.send_header("Location", target)
        # ok: open-redirect
        self.send_header("Content-Type", target)
async def aiohttp_login(request):
    # ruleid: open-redirect
    raise web.HTTPFound(request.query.get("next", "/"))
# A check in a branch that still redirects is taken as a guard: which branch redirects is not checked.
@app.route("/weak")
def weak():
    nxt = request.args["next"]
    if urlparse(nxt).netloc != "":
        print("external redirect")
    # todoruleid: open-redirect
    return redirect(nxt)
KOBO_IMAGEHOST_URL = "https://cdn.kobo.com/book-images"
@app.route("/cover/<book_uuid>/<width>")
def cover(book_uuid, width):
    # A module constant that names the host: the route parameter only picks a path there.
    # ok: open-redirect
    return redirect(KOBO_IMAGEHOST_URL + "/{uuid}/{w}/image.jpg".format(uuid=book_uuid, w=width), 307)
@app.route("/app/v2/<locale>/<path:subpath>")
def spa(locale, subpath):
    path = f"{request.script_root}/app/v2/{locale}/" + (subpath or "")
    if request.query_string:
        path += "?" + request.query_string.decode()
    # ok: open-redirect
    return redirect(path)
@app.route("/next/<path:rest>")
def joined(rest):
    base = request.args["base"]
    # ruleid: open-redirect
    return redirect(base + "/" + rest)
class SubmitStartView(View):
    def get(self, request, *args, **kwargs):
        url = reverse("cfp:event.submit", kwargs={"event": request.event.slug})
        if request.GET:
            url += f"?{request.GET.urlencode()}"
        # ok: open-redirect
        return django_redirect(url)
def details(request, page):  # django-cms: the page's own redirect, the visitor's query string after `?`
    redirect_url = page.get_redirect(request.LANGUAGE_CODE) or ""
    if redirect_url:
        query_string = request.META.get("QUERY_STRING")
        if query_string:
            redirect_url += "?" + query_string
        # ok: open-redirect
        return HttpResponseRedirect(redirect_url)
def appended_path(request, page):
    target = page.get_redirect(request.LANGUAGE_CODE)
    target += request.GET["rest"]
    # ruleid: open-redirect
    return HttpResponseRedirect(target)
def get_login_redirect(request):
    params = f"?next={quote(request.path)}&{request.GET.urlencode()}"
    # ok: open-redirect
    return django_redirect(request.event.urls.login.full() + params)
def login_view(request):
    redirect_to = request.POST.get("redirect_to")
    is_redirect_safe = url_has_allowed_host_and_scheme(url=redirect_to, allowed_hosts={request.get_host()})
    if is_redirect_safe:
        redirect_to_path = urlparse(redirect_to).path + "?ref=login"
        # ok: open-redirect
        return django_redirect(redirect_to_path)
    target = request.POST["next"] + "?ref=login"
    # ruleid: open-redirect
    return django_redirect(target)
def public_ticket(request):
    ticket = Ticket.objects.get(id=request.GET["ticket"], submitter_email=request.GET["email"])
    # The looked-up ticket's own URL: the query only picks which record, the record names the URL.
    # ok: open-redirect
    return HttpResponseRedirect(ticket.ticket_url)
def consent(request):
    # Back to the referring page (django-helpdesk, shuup): the visitor only returns where they came from.
    # ok: open-redirect
    return django_redirect(request.META.get("HTTP_REFERER", "/"))
def shortlink_view(request, code):
    user = User.objects.get(code=code)
    # A record looked up by the route parameter: its URLs are the application's, not the key.
    # ok: open-redirect
    return HttpResponseRedirect(user.orga_urls.admin)
""",
)
