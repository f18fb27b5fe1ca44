"""When a JavaScript value is HTML markup: the shared test of the XSS rules and their fixes.

A value is reported when it is not constant and not cleaned by an HTML sanitizer
(`DOMPurify.sanitize`, `sanitize-html`, `escape-html`, `he.encode`...). URL, message and request
data are reported wherever they go; a value of unknown origin only where a part of it is named
as visitor-written text (`comment.body`, `<li>${reply.message}</li>`). A function that assigns
the HTML it was handed (`el.innerHTML = html`, HTML fetched from the application's own
endpoint) is an HTML-taking helper, and markup assembled from the page's own settings and URLs
(`<img src="${url}">`, a dialog's `${options.title}`) is the application's; neither is what a
reviewer would sign. The `textContent`
quick fix is safe only when the value carries no markup of its own: a template or
concatenation with a `<` in its literal parts is HTML on purpose and needs a sanitizer.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..context import Match
from ..model import Confidence, Report
from ..patterns import linear
from ._frameworks import HTML_SANITIZERS
from ._nodes import string_value, unwrap
from ._sinks import taint_verdict

_CONSEQUENCE = "the browser runs any script it contains"
# Names of text visitors write: the same words the template rule treats as user content.
VISITOR_TEXT = linear(r"comment|review|reply|feedback|bio\b|message|post|note|body|signature", re.IGNORECASE)


def html_verdict(match: Match, value: Node | None, sink: str, *, visitor_text_only: bool = False) -> Report | None:
    """None for constant or sanitised markup; high for request/URL data, medium otherwise (with
    `visitor_text_only`, the DOM sinks' policy: medium only when a part is named as visitor text)."""
    verdict = taint_verdict(match, value, sink, sanitizers=tuple(HTML_SANITIZERS), consequence=_CONSEQUENCE)
    if verdict is None or verdict.confidence is not Confidence.MEDIUM or value is None or not visitor_text_only:
        return verdict
    return verdict if _names_visitor_text(match, value) else None


def _names_visitor_text(match: Match, value: Node) -> bool:
    """A name in the non-literal parts of the value says visitor-written text (`reply.body`)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "property_identifier") and VISITOR_TEXT.search(match.ctx.text(node)):
            return True
        if node.type not in ("string_fragment", "comment"):
            stack.extend(node.named_children)
    return False


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
