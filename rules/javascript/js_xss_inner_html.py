"""DOM XSS sinks: `innerHTML`/`outerHTML =`, `insertAdjacentHTML`, `document.write(ln)`, and
Angular's `DomSanitizer.bypassSecurityTrustHtml`/`Script`, which lets a template insert the value raw.

Markup assigned to these is parsed as HTML, and `<img src=x onerror=...>` in data runs
script. Constant markup and sanitised markup (`DOMPurify.sanitize`) are clean; data flow sets
confidence. The quick fix assigns `textContent` instead, the safe sink for text.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._html import builds_markup, html_verdict
from ._nodes import argument, method_name

HTML_PROPERTIES = frozenset({"innerHTML", "outerHTML"})
WRITE_CALLS = frozenset({"document.write", "document.writeln"})
# Angular's `DomSanitizer` marks a value as trusted markup: the template then inserts it unsanitised.
BYPASS_METHODS = frozenset({"bypassSecurityTrustHtml", "bypassSecurityTrustScript"})
_QUERY = """(assignment_expression
  left: (member_expression property: (property_identifier) @prop (#any-of? @prop "innerHTML" "outerHTML"))
  right: (_) @value) @target
(augmented_assignment_expression
  left: (member_expression property: (property_identifier) @prop (#any-of? @prop "innerHTML" "outerHTML"))
  right: (_) @value) @target"""


def writes_untrusted_html(match: Match) -> Report | None:
    if match.node("prop") is not None:
        value = match.node("value")
        if value is not None and value.type == "member_expression" and match.ctx.text(value).endswith(".__html"):
            return None  # a renderer applying React's own `dangerouslySetInnerHTML` (judged where it is set)
        return html_verdict(match, value, f"`{match.text('prop')}`", visitor_text_only=True)
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in WRITE_CALLS:
        return html_verdict(match, argument(match.target, 0), f"`{name}`", visitor_text_only=True)
    if method_name(match) in BYPASS_METHODS:
        return html_verdict(match, argument(match.target, 0), f"`{method_name(match)}`", visitor_text_only=True)
    return html_verdict(match, argument(match.target, 1), "`insertAdjacentHTML`", visitor_text_only=True)


def use_text_content(match: Match) -> Fix | None:
    prop = match.node("prop")
    if prop is None or match.text("prop") != "innerHTML" or match.target.type != "assignment_expression":
        return None
    markup = builds_markup(match, match.node("value"))
    return Fix(
        title="Assign `textContent` (text, never parsed as HTML)",
        edits=(Edit(prop.start_byte, prop.end_byte, "textContent"),),
        safe=not markup,
    )


RULE = Rule(
    id="js-xss-inner-html",
    title="HTML from data written into the DOM",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    query=_QUERY,
    calls=WRITE_CALLS | frozenset({".insertAdjacentHTML", *(f".{m}" for m in BYPASS_METHODS)}),
    where=writes_untrusted_html,
    fix=use_text_content,
    fixable=True,
    aliases=(
        "no-unsanitized/property",
        "no-unsanitized/method",
        "javascript.browser.security.insecure-document-method",
    ),
    message="Markup built from data is parsed as HTML: script in the data runs in the page.",
    docs="""## Why is this bad?
`el.innerHTML = comment.text` parses the text as HTML; `<img src=x onerror=alert(document.cookie)>`
in it runs script with the page's rights (DOM XSS). Assign `textContent` for text; build
elements with `document.createElement`; or sanitize markup with `DOMPurify.sanitize` first.

Confidence is high when URL data, `postMessage` data or request data reaches the sink
(reported everywhere). Values of unknown origin are medium and reported only where a part is named as visitor
text (`comment.body`, `<li>${reply.message}</li>`). A helper assigning the HTML it was given
(`div.innerHTML = html`) and markup assembled from the page's own settings
(`${options.title}`) are not reported, nor are unknown values in vendored libraries
and build output (`static/vendor/`, content-hashed `app.3f9a1c2e.js`, files with a `/*!` or
`@license` banner, lines over 1,000 characters).

## Fix safety
`innerHTML =` becomes `textContent =`. It is safe when the value is plain text (a variable,
a template without tags): the page then shows the same text, escaped. It is unsafe when the
value builds markup (`<b>${name}</b>`): the tags would show as text, so sanitize instead.
""",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/API/Element/innerHTML#security_considerations",
        "https://cheatsheetseries.owasp.org/cheatsheets/DOM_based_XSS_Prevention_Cheat_Sheet.html",
    ),
    examples="""
import DOMPurify from "dompurify";
const params = new URLSearchParams(location.search);
// ruleid: js-xss-inner-html
document.getElementById("greeting").innerHTML = params.get("name");
// ruleid: js-xss-inner-html
list.innerHTML += `<li>${params.get("item")}</li>`;
// ruleid: js-xss-inner-html
document.write("<h1>" + location.hash.slice(1) + "</h1>");
// ruleid: js-xss-inner-html
el.insertAdjacentHTML("beforeend", params.get("html"));
// ok: js-xss-inner-html
el.innerHTML = DOMPurify.sanitize(params.get("html"));
// ok: js-xss-inner-html
el.textContent = params.get("name");
// ok: js-xss-inner-html
el.innerHTML = "<p>Loading...</p>";
function render(comment) {
  // ruleid: js-xss-inner-html
  box.innerHTML = comment.body;
}
function showReplies(replies) {
  for (const reply of replies) {
    // ruleid: js-xss-inner-html
    list.innerHTML += `<li class="reply">${reply.message}</li>`;
  }
}
function openDialog(options) {
  // ok: js-xss-inner-html
  dialog.innerHTML = `<div class="modal-header"><h2>${options.title}</h2></div>`;
}
function stripHTML(html) {
  const div = document.createElement("div");
  // ok: js-xss-inner-html
  div.innerHTML = html;
  return div.textContent;
}
class SearchResultComponent {
  constructor(route, sanitizer) {
    this.route = route;
    this.sanitizer = sanitizer;
  }
  filterTable() {
    const query = this.route.snapshot.queryParams.q.trim();
    // ruleid: js-xss-inner-html
    this.searchValue = this.sanitizer.bypassSecurityTrustHtml(query);
    // ok: js-xss-inner-html
    this.icon = this.sanitizer.bypassSecurityTrustHtml("<svg><path d='M0 0'/></svg>");
  }
}
fetch("/api/panel").then((r) => r.text()).then((html) => {
  // ok: js-xss-inner-html
  panel.innerHTML = html.trim();
});
""",
)
