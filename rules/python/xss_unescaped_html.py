"""Data placed into HTML without escaping: raw templates, `Markup`/`mark_safe`, hand-built HTML responses."""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, is_string_literal, keyword_arg, string_value
from ..analysis.sinks import is_string_building, taint_verdict
from ..analysis.web import enclosing_handler, is_built_string, looks_like_html
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._html_output import accumulated_name, written_to_wfile

TEMPLATE_CALLS = frozenset({"flask.render_template_string", "quart.render_template_string"})
TRUSTING_CALLS = frozenset(
    {  # mark a string as already-safe HTML: it is never escaped again
        "markupsafe.Markup",
        "flask.Markup",
        "jinja2.Markup",
        "django.utils.safestring.mark_safe",
        "django.utils.safestring.SafeString",
        "django.utils.html.format_html",
    }
)
HTML_RESPONSES = frozenset(
    {
        "fastapi.responses.HTMLResponse",
        "starlette.responses.HTMLResponse",
        "django.http.HttpResponse",
        "flask.Response",
        "flask.make_response",
        "aiohttp.web.Response",
        "aiohttp.web_response.Response",
    }
)


def html_value(match: Match) -> tuple[Node | None, str]:
    """The expression that becomes HTML, and the sink's name for the message."""
    if match.node("fn") is None:
        return match.node("value"), "an HTML response"
    name = match.ctx.qualified_name(match.node("fn")) or ""
    args = match.node("args")
    short = name.rsplit(".", 1)[-1]
    if name in TEMPLATE_CALLS:
        return argument(args, 0, "source"), f"`{short}` as template code"
    if name in TRUSTING_CALLS:
        value = argument(args, 0, "format_string" if short == "format_html" else None)
        return (value if short != "format_html" or is_built_string(value) else None), f"`{short}`"
    if name.startswith("aiohttp."):  # `web.Response(text=..., content_type="text/html")`
        kind = string_value(keyword_arg(args, "content_type")) or ""
        value = keyword_arg(args, "text") or keyword_arg(args, "body")
        return (value if "html" in kind and is_built_string(value) else None), "an HTML response"
    value = argument(args, 0, "content" if "HTMLResponse" in name else "response")
    if "HTMLResponse" not in name and (value is None or not looks_like_html(value)):
        return None, ""
    return (value if is_built_string(value) else None), "an HTML response"


def unescaped(match: Match) -> Report | None:
    written = written_to_wfile(match) if match.node("fn") is not None else None
    if written is not None:  # an `http.server` handler writing its page
        sink = f"HTML written by `{match.text('fn')}`"
        return taint_verdict(match, written, sink, report_unknown=False, consequence=_XSS)
    if match.node("fn") is not None and match.text("fn").endswith(".write"):
        return None
    if match.node("fn") is None and _returns_accumulated_html(match):
        return taint_verdict(match, match.node("value"), "a returned HTML page", report_unknown=False, consequence=_XSS)
    if match.node("fn") is None and not _returns_flask_html(match):
        return None
    value, sink = html_value(match)
    if value is None or is_string_literal(value) or _converted_back(match):
        return None
    # `mark_safe(widget.render(...))`, `Markup(markdown(text))`: trusting a value of unknown origin
    # that was built elsewhere is how escaping code hands over its result. Report it only when the
    # HTML is assembled right here from a part named as visitor-written text
    # (`mark_safe(f"<p>{user.bio}</p>")`), or the value is request data.
    assembled = match.node("fn") is None or not _trusts(match) or is_string_building(value)
    return taint_verdict(
        match,
        value,
        sink,
        report_unknown=assembled and _names_visitor_text(match, value),
        consequence="it can inject script into the page (cross-site scripting)",
    )


# Parts of a page that visitors write. Timestamps, counts, URLs, translations, settings dumps
# and already-escaped fragments are what real applications interpolate into `mark_safe`/`Markup`
# (pretix, superset, oscar); a value of unknown origin is only worth a reviewer's time when its
# name says someone else wrote it.
# Whole parts of a snake_case name only: `preview_item` is no review, `nobody` no body.
VISITOR_TEXT = linear(
    r"(?:^|_)(?:comment|review|repl(?:y|ie)|feedback|bio|about_me|signature|message|post|note|body|search|query|"
    r"user_input|guestbook|q|term|keyword)(?:s|es)?(?:_|$)",
    re.IGNORECASE,
)


def _names_visitor_text(match: Match, value: Node) -> bool:
    """True when a name in the non-literal parts of `value` says visitor-written text."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and VISITOR_TEXT.search(match.ctx.text(node)):
            return True
        if node.type not in ("string_content", "string_start", "string_end", "escape_sequence"):
            stack.extend(node.named_children)
    return False


def _converted_back(match: Match) -> bool:
    """`Markup(text).unescape()` / `.striptags()`: the markup is turned back into text, never output."""
    parent = match.target.parent
    if parent is None or parent.type != "attribute":
        return False
    return match.ctx.text(parent.child_by_field_name("attribute")) in ("unescape", "striptags")


def _trusts(match: Match) -> bool:
    return (match.ctx.qualified_name(match.node("fn")) or "") in TRUSTING_CALLS


_XSS = "it can inject script into the page (cross-site scripting)"


def _returns_accumulated_html(match: Match) -> bool:
    """`RESPONSE += f"<p>{bar}</p>"; return RESPONSE` (or `buf.getvalue()`) from a Flask view."""
    ctx = match.ctx
    value = match.node("value")
    if value is None or value.type not in ("identifier", "call") or not ctx.names.imports_module("flask"):
        return False
    return enclosing_handler(ctx, value) is not None and accumulated_name(match, value) is not None


def _returns_flask_html(match: Match) -> bool:
    """Flask and Quart send a returned `str` as `text/html`; FastAPI would JSON-encode it."""
    ctx = match.ctx
    value = match.node("value")
    if value is None or not (ctx.names.imports_module("flask") or ctx.names.imports_module("quart")):
        return False
    return looks_like_html(value) and is_built_string(value) and enclosing_handler(ctx, value) is not None


RULE = Rule(
    id="xss-unescaped-html",
    title="Cross-site scripting through unescaped HTML",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=TEMPLATE_CALLS | TRUSTING_CALLS | HTML_RESPONSES | {".write"},
    query="""
(return_statement (identifier) @value) @target
(return_statement (call function: (attribute attribute: (identifier) @gv (#eq? @gv "getvalue"))) @value) @target
(return_statement (string (interpolation)) @value) @target
(return_statement (binary_operator) @value) @target
(return_statement (call function: (attribute attribute: (identifier) @m (#eq? @m "format"))) @value) @target
""",
    where=unescaped,
    aliases=("B308", "S308", "B703", "S703", "S704"),  # Bandit's / Ruff's mark_safe and Markup checks
    message="Data reaches HTML without escaping, so it can inject script into the page (cross-site scripting).",
    docs="""## Why is this bad?
Template engines escape `{{ value }}`; these APIs do not. `render_template_string` with a
template assembled from data runs that data as template code (XSS and server-side template
injection). `Markup`, `mark_safe` and the format string of `format_html` declare their text
already safe. An HTML response (`HTMLResponse`, `HttpResponse`, a `str` returned from a Flask
view) built with an f-string or `+` sends the data as markup, and so does HTML written to an
`http.server` handler's `self.wfile` (or by a Tornado handler's `self.write`), an aiohttp
`web.Response(text=..., content_type="text/html")`, or a page accumulated in a variable or an
`io.StringIO` and returned from a Flask view (written and accumulated pages are reported only
when data flow traces request data into them). A value from the request that
contains `<script>` then runs in the visitor's browser with their session.

Not reported: `mark_safe`/`Markup` over escaped values (`conditional_escape`, `escape`,
`format_html`, `bleach.clean`, `render_to_string`, translations) or constant HTML, and over a
value of unknown origin built elsewhere (`mark_safe(widget.render(...))`). Request data is
reported wherever it goes; a value of unknown origin only when the HTML is assembled in the call
itself from a part named as visitor-written text (`user.bio`, `comment.body`, `review.text`,
a search query). Timestamps, counts, URLs, translations and settings
dumps are what real applications interpolate there, and a reviewer does not sign those. The aliases `S308`/`B308`/`B703`/`S704` let
existing `# noqa`/`# nosec` comments for those checks apply.

## How to fix
Render a template file with `render_template(...)` and pass data as variables, keep
`render_template_string` templates constant, build safe HTML with `format_html("<b>{}</b>",
value)` or `Markup("<b>{}</b>").format(value)`, or escape each value with `html.escape` /
`markupsafe.escape` before it is joined into HTML.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
        "https://flask.palletsprojects.com/en/stable/security/#cross-site-scripting-xss",
        "https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.html.format_html",
        "https://markupsafe.palletsprojects.com/en/stable/escaping/",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    examples="""
import html
import io
import flask
import tornado.web
from aiohttp import web
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse
from django.http import HttpResponse
import bleach
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.safestring import mark_safe as safe
from fastapi.responses import HTMLResponse
from flask import Flask, request, render_template_string
from markupsafe import Markup, escape
app = Flask(__name__)
@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    # ruleid: xss-unescaped-html
    return f"<h1>Hello {name}</h1>"
@app.route("/page")
def page():
    # ruleid: xss-unescaped-html
    return render_template_string("<p>" + request.args["msg"] + "</p>")
def comment(request, text):
    # ruleid: xss-unescaped-html
    body = safe(text)
    # ruleid: xss-unescaped-html
    link = format_html(f"<a href='{request.GET['u']}'>go</a>")
    # ruleid: xss-unescaped-html
    return HttpResponse(f"<p>{request.GET.get('q')}</p>")
async def search(q: str):
    # ruleid: xss-unescaped-html
    return HTMLResponse(content=f"<h2>Results for {q}</h2>")
def safe_views(user):
    # ok: xss-unescaped-html
    a = render_template_string("<p>{{ name }}</p>", name=request.args["n"])
    # ok: xss-unescaped-html
    b = Markup("<b>{}</b>").format(request.args["n"])
    # ok: xss-unescaped-html
    c = format_html("<a href='{}'>{}</a>", url, label)
    # ok: xss-unescaped-html
    d = HTMLResponse(content=f"<h2>Results for {html.escape(user)}</h2>")
    # ok: xss-unescaped-html
    e = flask.Markup("<br>")
    # ok: xss-unescaped-html
    return f"<p>{request.args['n']}</p>"
@app.route("/safe")
def safe_page():
    # ok: xss-unescaped-html
    return f"<p>{escape(request.args['n'])}</p>"
class PriceWidget(Widget):
    def render(self, name, value, attrs=None, renderer=None):
        label = conditional_escape(self.choices_label)
        # ok: xss-unescaped-html
        return mark_safe(f"<span class='price'>{label}</span>")
    def help_text(self, event):
        # ok: xss-unescaped-html
        return mark_safe(format_html("<a href='{}'>{}</a>", event.url, event.name))
    def comment_html(self, comment):
        cleaned = bleach.clean(comment.body, tags=["b", "i"])
        # ok: xss-unescaped-html
        return Markup(f"<div class='comment'>{cleaned}</div>")
    def badge(self):
        # ok: xss-unescaped-html
        return mark_safe('<span class="badge">new</span>')
    def bio_html(self, user):
        # ruleid: xss-unescaped-html
        return mark_safe(f"<p>{user.bio}</p>")
    def rendered(self, name, value):
        # ok: xss-unescaped-html
        return mark_safe(self.format_output(super().render(name, value)))
    def changed_on_(self):
        # ok: xss-unescaped-html
        return Markup(f'<span class="no-wrap">{self.changed_on}</span>')
    def count_badge(self, value, places):
        # ok: xss-unescaped-html
        return mark_safe('<span class="count">{0}</span>'.format(round(value, places)))
    def save_comments(self, form):
        # ok: xss-unescaped-html
        return Markup(f"<p>{form.get('comments')}</p>").unescape()
    def review_excerpt(self, product):
        # ruleid: xss-unescaped-html
        return Markup("<blockquote>" + product.latest_review.text + "</blockquote>")
    def mail_preview(self, request, preview_item, text):
        # The visitor's text is escaped; the placeholders are the server's sample values.
        # ok: xss-unescaped-html
        return mark_safe(format_map(conditional_escape(text), self.placeholders(preview_item)))
def powered_by(request):
    msg = gettext("<a>ticketing powered by pretix</a>")
    msg += ' (<a href="{}">{}</a>)'.format(request.build_absolute_uri(reverse("source")), gettext("source code"))
    # A path the site reversed, on the host Django checked: no client data.
    # ok: xss-unescaped-html
    return mark_safe(msg)
def share_link(request):
    # The request's own path and query string are client data.
    # ruleid: xss-unescaped-html
    return mark_safe('<a href="{}">share</a>'.format(request.build_absolute_uri()))
def feature_flags(request):
    flags = all_flags(request.user)
    # ok: xss-unescaped-html
    return HttpResponse("<pre>" + json.dumps(flags, indent=4) + "</pre>")
@app.route("/benchmark")
def benchmark_style():
    RESPONSE = ""
    bar = request.args.get("q", "")
    RESPONSE += f"<p>{bar}</p>"
    # ruleid: xss-unescaped-html
    return RESPONSE
@app.route("/buffer")
def buffered():
    buffer = io.StringIO()
    buffer.write("<div>")
    buffer.write(request.args.get("q", ""))
    # ruleid: xss-unescaped-html
    return buffer.getvalue()
@app.route("/escaped")
def escaped_accumulator():
    RESPONSE = ""
    RESPONSE += f"<p>{escape(request.args.get('q', ''))}</p>"
    # ok: xss-unescaped-html
    return RESPONSE
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        name = parse_qs(urlparse(self.path).query).get("name", [""])[0]
        # ruleid: xss-unescaped-html
        self.wfile.write(f"<h1>Hello {name}</h1>".encode())
        # ok: xss-unescaped-html
        self.wfile.write(f"<h1>Hello {html.escape(name)}</h1>".encode())
class TornadoPage(tornado.web.RequestHandler):
    def get(self):
        name = self.get_argument("name")
        # ruleid: xss-unescaped-html
        self.write(f"<h1>Hello {name}</h1>")
        # ok: xss-unescaped-html
        self.write({"name": name})
async def aiohttp_search(request: web.Request):
    term = request.query.get("q", "")
    # ruleid: xss-unescaped-html
    return web.Response(text=f"<h2>Results for {term}</h2>", content_type="text/html")
async def aiohttp_text(request: web.Request):
    # ok: xss-unescaped-html
    return web.Response(text=f"Results for {request.query['q']}")
def not_html():
    # ok: xss-unescaped-html
    return HttpResponse(f"count={total}", content_type="text/plain")
    # todoruleid: xss-unescaped-html
    return HTMLResponse(content=page_html)  # HTML assembled earlier into a variable is not followed
""",
)
