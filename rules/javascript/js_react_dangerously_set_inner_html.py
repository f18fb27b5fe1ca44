"""React's `dangerouslySetInnerHTML={{ __html: value }}` with markup that is not constant or sanitised.

React escapes everything it renders except this prop. A value from props, state or a fetch
response is markup an attacker may write (a comment, a profile field). Constant markup and
`DOMPurify.sanitize(...)` are clean; data flow sets confidence.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._html import html_verdict
from ._nodes import property_value

_QUERY = """(jsx_attribute (property_identifier) @prop (#eq? @prop "dangerouslySetInnerHTML")
  (jsx_expression (object) @value)) @target"""


def sets_untrusted_html(match: Match) -> Report | None:
    html = property_value(match.node("value"), "__html")
    return html_verdict(match, html, "`dangerouslySetInnerHTML`") if html is not None else None


RULE = Rule(
    id="js-react-dangerously-set-inner-html",
    title="React renders unsanitised HTML",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescriptreact"}),
    query=_QUERY,
    where=sets_untrusted_html,
    aliases=("react/no-danger", "javascript.react.security.audit.react-dangerouslysetinnerhtml"),
    message="`dangerouslySetInnerHTML` renders markup unescaped: script in the data runs in the page.",
    docs="""## Why is this bad?
React escapes every string it renders, except `dangerouslySetInnerHTML`. Markup from props,
state, a CMS or an API passed there runs its `<script>`-equivalents (`onerror=`, `javascript:`
links) in your origin. Render text as children (`<div>{text}</div>`), convert Markdown with a
sanitizing renderer, or wrap the value in `DOMPurify.sanitize(...)`.
""",
    references=(
        "https://react.dev/reference/react-dom/components/common#dangerously-setting-the-inner-html",
        "https://github.com/cure53/DOMPurify",
    ),
    examples="""
import DOMPurify from "dompurify";
export function Comment({ comment }) {
  // ruleid: js-react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: comment.html }} />;
}
export function Safe({ comment }) {
  // ok: js-react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(comment.html) }} />;
}
export function Static() {
  // ok: js-react-dangerously-set-inner-html
  return <div dangerouslySetInnerHTML={{ __html: "<b>hello</b>" }} />;
}
export function Text({ text }) {
  // ok: js-react-dangerously-set-inner-html
  return <div>{text}</div>;
}
""",
)
