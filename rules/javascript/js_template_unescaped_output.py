"""Unescaped output in EJS and Handlebars/Mustache templates: `<%- value %>`, `{{{ value }}}`, `{{& value }}`.

These tags copy a value into the page without HTML escaping, so markup in it (a comment, a
user name, a query parameter) runs as script. Escaped output (`<%= %>`, `{{ }}`) is the default
for a reason. EJS `<%- include(...) %>` inserts another template and is not reported, nor are values whose
name says they are markup by design (`commentHtml`, `customCSSTags`, `footerContent`) and
Handlebars helper calls (`{{{t "By {authors}" authors=post.authors}}}`, `{{{asset "x.css"}}}`),
whose helper decides what is escaped. A value repeated in one template is reported once, and a
template that writes more than `MAX_PER_TEMPLATE` values raw gets one finding that lists them.
Minified templates (`default-min.handlebars`) and the copies in translation folders
(`views/translations/`, `locales/`) are generated from a template scanned on its own.
The scan is a linear search for the opening tags, then their closing tag on the same line.
"""

from __future__ import annotations

import re

from .. import generated
from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ..patterns import linear

OPENERS = {"ejs": (b"<%-",), "handlebars": (b"{{{", b"{{&")}
CLOSERS = {b"<%-": b"%>", b"{{{": b"}}}", b"{{&": b"}}"}
# Values that are not data: EJS includes, Handlebars partials, `yield`, and the layout slots.
_HARMLESS = (b"include", b"> ", b"yield")
LAYOUT_SLOTS = frozenset({b"body", b"head"})
# The last name of a value that holds markup on purpose: `post.html`, `titlehtml`, `customJSTags`.
_MARKUP_NAME = linear(rb"(?:html|markup|csstags|jstags|scripttags|content|css|svg)$", re.IGNORECASE)
# Folders of generated per-language copies of the templates beside them.
COPY_FOLDERS = frozenset({"translations", "locales", "i18n"})
# Beyond this many raw values, raw output is the template's convention (server-built settings):
# one finding for the template says so instead of one per value.
MAX_PER_TEMPLATE = 5


def _is_generated_copy(ctx: FileContext) -> bool:
    folders = ctx.path.replace("\\", "/").split("/")[:-1]
    return bool(COPY_FOLDERS.intersection(folders)) or generated.reason(ctx.source, ctx.path) is not None


def _is_reported_value(value: bytes, language: str) -> bool:
    """A data expression: not an include, a partial, a helper call or a value named as markup."""
    if not value or value.startswith(_HARMLESS) or value in LAYOUT_SLOTS:
        return False
    if language == "handlebars" and (b" " in value or b"(" in value):
        return False  # `{{{helper arg}}}`: the helper returns a SafeString or escapes
    return _MARKUP_NAME.search(value.rsplit(b".", 1)[-1]) is None


def scan(ctx: FileContext) -> list[Finding]:
    rule = ctx.rules.get(RULE.id, RULE)
    if _is_generated_copy(ctx):
        return []
    found: list[tuple[int, int, str]] = []
    seen: set[bytes] = set()
    for opener in OPENERS.get(ctx.language, ()):
        start = ctx.source.find(opener)
        while start != -1:
            line_end = ctx.source.find(b"\n", start)
            line_end = len(ctx.source) if line_end == -1 else line_end
            end = ctx.source.find(CLOSERS[opener], start + len(opener), line_end)
            if end != -1:
                value = ctx.source[start + len(opener) : end].strip()
                if _is_reported_value(value, ctx.language) and value not in seen:
                    seen.add(value)
                    found.append((start, end + len(CLOSERS[opener]), value.decode("utf-8", "replace")[:60]))
            start = ctx.source.find(opener, start + len(opener))
    return _findings(rule, ctx, sorted(found))


def _findings(rule: Rule, ctx: FileContext, found: list[tuple[int, int, str]]) -> list[Finding]:
    """One finding per raw value; one for the template when it writes many values raw by convention."""
    if len(found) > MAX_PER_TEMPLATE:
        start, end, _ = found[0]
        names = ", ".join(f"`{value}`" for _, _, value in found[:MAX_PER_TEMPLATE])
        message = (
            f"This template writes {len(found)} values without HTML escaping ({names}, ...): "
            "check that each is markup the server built, never user text."
        )
        return [make_finding(rule, ctx, start, end, message=message)]
    message = "`{}` is written into the page without HTML escaping: markup in it runs as script."
    return [make_finding(rule, ctx, start, end, message=message.format(value)) for start, end, value in found]


RULE = Rule(
    id="js-template-unescaped-output",
    title="Unescaped output in an EJS or Handlebars template",
    category=Category.INJECTION,
    cwe=(79, 116),
    owasp=("A03:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"ejs", "handlebars"}),
    scan=scan,
    aliases=(
        "javascript.express.security.audit.xss.ejs.explicit-unescape",
        "javascript.express.security.audit.xss.mustache.explicit-unescape",
    ),
    message="A template tag writes a value into the page without HTML escaping.",
    docs="""## Why is this bad?
`<%- comment.body %>` (EJS) and `{{{ comment.body }}}` or `{{& comment.body }}` (Handlebars,
Mustache) skip HTML escaping. If the value holds `<img src=x onerror=...>`, it runs as script
in every visitor's browser (stored or reflected XSS). Use `<%= %>` / `{{ }}`, and for the rare
trusted fragment sanitize it first (DOMPurify, sanitize-html) and say so in a comment.

Confidence is medium: the template cannot tell whether the route passed trusted markup.
""",
    references=(
        "https://ejs.co/#docs",
        "https://handlebarsjs.com/guide/expressions.html#html-escaping",
    ),
    examples="""
// Template rules scan .ejs/.hbs files; tests/rules/test_javascript.py holds their cases.
// ok: js-template-unescaped-output
const none = "templates are not JavaScript";
""",
)
