"""When a JavaScript value is HTML markup: the shared test of the XSS rules and their fixes.

A value is reported when it is not constant and not cleaned by an HTML sanitizer
(`DOMPurify.sanitize`, `sanitize-html`, `escape-html`, `he.encode`...). URL, message and request
data are reported wherever they go; a value of unknown origin only where the code's shape
suggests content someone else wrote: markup assembled right there (`<li>${item.title}</li>`)
or a value named as visitor-written text (`comment.body`). A function that assigns the HTML
it was handed (`el.innerHTML = html`, HTML fetched from the application's own endpoint) is an
HTML-taking helper; its callers are where data would be judged. The `textContent`
quick fix is safe only when the value carries no markup of its own: a template or
concatenation with a `<` in its literal parts is HTML on purpose and needs a sanitizer.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..context import Match
from ..model import Confidence, Report
from ._frameworks import HTML_SANITIZERS
from ._nodes import string_value, unwrap
from ._sinks import taint_verdict

_CONSEQUENCE = "the browser runs any script it contains"
# Names of text visitors write: the same words the template rule treats as user content.
VISITOR_TEXT = re.compile(r"comment|review|reply|feedback|bio\b|message|post|note|body|signature", re.IGNORECASE)


def html_verdict(match: Match, value: Node | None, sink: str) -> Report | None:
    """None for constant or sanitised markup; high for request/URL data, medium for suggestive unknowns."""
    verdict = taint_verdict(match, value, sink, sanitizers=tuple(HTML_SANITIZERS), consequence=_CONSEQUENCE)
    if verdict is None or verdict.confidence is not Confidence.MEDIUM or value is None:
        return verdict
    if builds_markup(match, value) or VISITOR_TEXT.search(match.ctx.text(value)):
        return verdict
    return None


def builds_markup(match: Match, value: Node | None) -> bool:
    """True when the literal pieces of the value hold a tag (`<b>${name}</b>`)."""
    value = unwrap(value)
    if value is None:
        return False
    stack = [value]
    while stack:
        node = stack.pop()
        text = string_value(node)
        if text is not None and "<" in text:
            return True
        if node.type in ("string_fragment",) and "<" in match.ctx.text(node):
            return True
        stack.extend(node.named_children)
    return False
