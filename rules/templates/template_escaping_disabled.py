"""Jinja2/Django template output that skips HTML escaping: `|safe`, `{% autoescape false/off %}`."""

from __future__ import annotations

import re

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ..patterns import backtracking, linear
from ._syntax import TEMPLATE_LANGUAGES, spans
from ._view_values import server_built

# Inside `{{ ... }}`: a `safe`/`safeseq` filter (Jinja2 and Django), not `unsafe` or `safe_url`.
SAFE_FILTER = backtracking(
    r"\|\s*(safe(?:seq)?)\b(?!\s*\()",
    why="the look-ahead reads the white space after one word, up to the next character",
)
# Names of content visitors write (comments, reviews, profiles, search terms): `|safe` on them is
# the stored/reflected XSS of training apps. Other `|safe` values are how a template prints HTML
# the server built or staff wrote (`form.media`, `field.help_text`, `page.body` of a CMS's
# sanitising rich-text field): real applications hold hundreds, and a reviewer signs none
# of them on the template's word alone, so they are not reported.
# Whole name parts only (`comments`, `review_text`, `post.body`), so `preview_help` is no review
# and `postal_code` no post.
USER_CONTENT = linear(
    r"(?:^|[^a-z0-9])(?:comment|review|repl(?:y|ie)|feedback|bio|about_me|signature|note|post|message_body|"
    r"search|query|user_input|guestbook|q|term)(?:s|es)?(?:[^a-z0-9]|$)",
    re.IGNORECASE,
)
# What staff write even when it is a "post" or a "note": a CMS's blog posts, pages and
# articles, help texts and previews of what an editor is writing.
STAFF_CONTENT = linear(
    r"(?:^|[^a-z0-9])(?:blog|page|flatpage|article|news|newsletter|announcement|help|preview)s?(?:[^a-z0-9]|$)",
    re.IGNORECASE,
)
# E-mail templates are read in mail clients, which run no scripts: `|safe` there is no XSS.
# Also `password_reset_email.html`, `activation_email.txt`, `email_notification.html`.
EMAIL_TEMPLATE = linear(r"(?:^|/)(?:e-?mails?|mails?)/|(?:^|/|[_-])e-?mails?(?:[_.-][^/]*)?$", re.IGNORECASE)

# A translated string (`_('...')`, `gettext(...)`: markup the developers wrote) or a value already
# passed through a cleaning filter (`|clean_string`, `|bleach`, `|sanitize_html`, `|nh3`) or an
# encoding one whose output holds no markup (`|urlencode`, `|escape`, `|e`, `|tojson`).
TRUSTED_BEFORE_SAFE = linear(
    r"^(?:\{\{)?[-+]?\s*(?:_|gettext|ngettext|pgettext|trans)\s*\(|\|\s*\w*(?:clean|saniti[sz]e|bleach|nh3|striptags)\w*"
    r"|\|\s*(?:urlencode|escape|e|forceescape|tojson)\b",
    re.IGNORECASE,
)
# `commentref('&nbsp;'|safe, ...)`: the filter applies to a string literal, markup the template's
# author wrote; no data passes through it.
LITERAL_BEFORE_SAFE = linear(r"(?:'[^'\n]*'|\"[^\"\n]*\")\s*$")
# A whole `{% ... %}` tag that turns escaping off (Jinja2 `false`, Django `off`).
AUTOESCAPE_OFF = linear(r"\{%[-+]?\s*autoescape\s+(?:false|False|off)\s*[-+]?%\}")
# `{% filter safe %}` applies the filter to a whole block.
FILTER_SAFE = linear(r"\{%[-+]?\s*filter\s+[\w|\s]*\bsafe\b")
AUTOESCAPE_TAG = linear(r"\{%[-+]?\s*autoescape\b")
AUTOESCAPE_END = linear(r"\{%[-+]?\s*endautoescape\s*[-+]?%\}")
# A value the server produced by rendering a template (nautobot's home panels' `rendered_html`):
# the template that rendered it escaped its data, so printing it unescaped is what it is for.
RENDERED_VALUE = linear(r"^\{\{[-+]?\s*(?:\w+\.)*(?:rendered(?:_\w+)?|\w+_rendered)\s*[-+]?\}\}$")


def unescaped_output(ctx: FileContext) -> list[Finding]:
    text = ctx.source.decode("utf-8", "replace")
    found: list[Finding] = []
    offsets = _ByteOffsets(text)
    email = EMAIL_TEMPLATE.search(ctx.path.replace("\\", "/")) is not None
    renders_html = not (email or ctx.path.endswith(".txt"))  # a `.txt` template renders text
    block: _Block | None = None  # the open `{% autoescape off %}` block, reported when it closes
    for opening, start, end in spans(text):
        piece = text[start:end]
        if block is not None:
            block = _follow(block, opening, piece)
            if block.closed:
                if not block.only_rendered_output():
                    found.append(_finding(ctx, offsets, block.start, block.end, _BLOCK_OFF, Confidence.MEDIUM))
                block = None
            continue
        if opening == "{{":
            match = SAFE_FILTER.search(piece)
            if match is None or not _visitor_written(piece[: match.start()]) or not renders_html:
                continue
            before = piece[: match.start()]
            if TRUSTED_BEFORE_SAFE.search(before) or LITERAL_BEFORE_SAFE.search(before):
                continue  # `{{ _('<i>Note</i>')|safe }}`, `{{ comment|clean_html|safe }}`, `'&nbsp;'|safe`
            variable = piece[2 : match.start()].strip(" -+")
            if variable.isidentifier() and server_built(ctx.path, variable):
                continue  # every value the views give `search_message` is a translated constant
            what = f"The `|{match.group(1)}` filter prints this value unescaped"
            found.append(_finding(ctx, offsets, start, end, what, Confidence.MEDIUM))
        elif opening == "{%" and renders_html and AUTOESCAPE_OFF.fullmatch(piece):
            block = _Block(start, end)
        elif opening == "{%" and renders_html and FILTER_SAFE.match(piece):
            found.append(_finding(ctx, offsets, start, end, _BLOCK_OFF, Confidence.MEDIUM))
    if block is not None:  # never closed (mid-typing): the tag is still reported
        found.append(_finding(ctx, offsets, block.start, block.end, _BLOCK_OFF, Confidence.MEDIUM))
    return found


_BLOCK_OFF = "This tag turns HTML escaping off for the whole block"


class _Block:
    """An `{% autoescape off %}` block being read: where its tag is, what it prints, whether it ended."""

    def __init__(self, start: int, end: int) -> None:
        self.start, self.end = start, end
        self.outputs: list[str] = []
        self.tags = 0  # other tags (`{% markdown_value x %}` prints too)
        self.depth, self.closed = 1, False

    def only_rendered_output(self) -> bool:
        """Everything the block prints is HTML the server rendered from an escaping template."""
        return self.tags == 0 and bool(self.outputs) and all(RENDERED_VALUE.match(o) for o in self.outputs)


def _follow(block: _Block, opening: str, piece: str) -> _Block:
    """Record one span inside the block; nested autoescape blocks end at their own end tag."""
    if opening == "{{":
        block.outputs.append(piece)
    elif opening == "{%":
        if AUTOESCAPE_END.fullmatch(piece):
            block.depth -= 1
            block.closed = block.depth == 0
        elif AUTOESCAPE_TAG.match(piece):
            block.depth += 1
            block.tags += 1
        else:
            block.tags += 1
    return block


def _visitor_written(value: str) -> bool:
    """The printed expression names content visitors write, and nothing staff write."""
    return USER_CONTENT.search(value) is not None and STAFF_CONTENT.search(value) is None


class _ByteOffsets:
    """Character offsets -> byte offsets for increasing positions, in one pass over the text."""

    def __init__(self, text: str) -> None:
        self.text, self.char, self.byte = text, 0, 0

    def __call__(self, char: int) -> int:
        self.byte += len(self.text[self.char : char].encode("utf-8", "replace"))
        self.char = char
        return self.byte


def _finding(
    ctx: FileContext, offsets: _ByteOffsets, start: int, end: int, what: str, confidence: Confidence
) -> Finding:
    start_byte, end_byte = offsets(start), offsets(end)
    message = f"{what}: a value holding `<script>` runs in the visitor's browser (cross-site scripting)."
    return make_finding(RULE, ctx, start_byte, end_byte, message=message, confidence=confidence)


RULE = Rule(
    id="template-escaping-disabled",
    title="Template output without HTML escaping",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=TEMPLATE_LANGUAGES,
    scan=unescaped_output,
    message="Template output is printed without HTML escaping.",
    docs="""## Why is this bad?
Jinja2 (with autoescaping, as Flask and aiohttp_jinja2 set it up for `.html`) and Django escape
`{{ value }}`. The `|safe` filter, `{% filter safe %}` and `{% autoescape false %}` (Jinja2) /
`{% autoescape off %}` (Django) print the value as raw HTML: a comment, a profile field or a
query parameter holding `<script>` runs in every visitor's browser (stored or reflected
cross-site scripting). Deliberately vulnerable applications (DVPWA, PyGoat) show reviews and
comments this way.

Scanned files: `*.jinja`, `*.jinja2`, `*.j2`, and `*.html`/`*.htm` inside a `templates` or
`jinja2` folder. The template cannot tell whether the view sanitised the value (for example with
`bleach.clean`) before rendering it, so confidence is medium. `|safe` is reported on content
visitors write (comments, reviews, notes, posts, signatures, search terms); other `|safe` values
are not: in real applications they are HTML the server rendered or staff wrote
(`form.media|safe`, `field.help_text|safe`, `product.description|safe`), hundreds per
application (django-oscar, wagtail, pretix), and the template alone cannot make one of them a
finding a reviewer would sign. String literals (`'&nbsp;'|safe`) and translated strings (`{{ _('<i>Note</i>')|safe }}`: markup the
developers wrote) and values passed through a cleaning filter first (`|clean_html|safe`,
`|bleach|safe`) or an encoding filter (`|urlencode|safe`, `|tojson|safe`) are not reported either,
nor a bare variable (`{{ search_message|safe }}`) that the application's Python code (the folder
holding the `templates` folder) only ever sets to literals, translated literals or
`format_html`/`escape`/`bleach.clean` output, nor content staff write even when it is called a post
(`blog_post.content`, `page`, `article`, help texts, previews), nor `|safe` in e-mail templates
(an `email/` or `mail/` folder, `email_*.html`, `password_reset_email.html`: mail clients run no
scripts). `{% autoescape off %}` and `{% filter safe %}` are reported in every template that
renders a page, not in e-mail templates (Django's own `password_reset_email.html` turns escaping
off for its plain-text body) nor in `.txt` templates, nor when everything the block prints is a
value the server rendered from a template (`{% autoescape off %}{{ panel.rendered_html }}{% endautoescape %}`:
that template escaped its data).

## How to fix
Drop `|safe` and let the engine escape the value. When the value really is HTML, sanitise it
where it is produced (`bleach.clean`, `nh3.clean`) or build it with `markupsafe.Markup` /
`django.utils.html.format_html` from escaped parts, and keep autoescaping on.
""",
    references=(
        "https://jinja.palletsprojects.com/en/stable/templates/#html-escaping",
        "https://docs.djangoproject.com/en/stable/ref/templates/builtins/#safe",
        "https://docs.djangoproject.com/en/stable/ref/templates/builtins/#autoescape",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    examples="""
{# ruleid: template-escaping-disabled #}
<div class="review">{{ review.text|safe }}</div>
{# ruleid: template-escaping-disabled #}
<p>{{ comment.body | safe }}</p>
{# ruleid: template-escaping-disabled #}
{% autoescape false %}
  <div>{{ user.bio }}</div>
{% endautoescape %}
{# ruleid: template-escaping-disabled #}
{% autoescape off %}{{ blog.content }}{% endautoescape %}
{# ruleid: template-escaping-disabled #}
{% filter safe %}{{ banner }}{% endfilter %}
{# ok: template-escaping-disabled #}
<p>{{ comment.body }}</p>
{# ok: template-escaping-disabled #}
<span>{{ commentref('&nbsp;'|safe, comment.replyto) }}</span>
{# ruleid: template-escaping-disabled #}
<span>{{ commentref('&nbsp;', comment.text|safe) }}</span>
{# ok: template-escaping-disabled #}
<p>{{ comment.body|safe_summary }}</p>
{# ok: template-escaping-disabled #}
<span class="help">{{ field.help_text|safe }}</span>
{# ok: template-escaping-disabled #}
<span>{{ _('Note: the <strong>first</strong> post is kept.')|safe }}</span>
{# ok: template-escaping-disabled #}
<div>{{ entry.comments[0].text|clean_string|safe }}</div>
{# ok: template-escaping-disabled #}
<a href="/db?{{ {'sql': query.sql}|urlencode|safe }}">run</a>
{# ok: template-escaping-disabled #}
<p>{{ search_term|e|safe }}</p>
{# ok: template-escaping-disabled #}
{{ form.media|safe }}
{# ok: template-escaping-disabled #}
<div class="description">{{ product.description|safe }}</div>
{# ok: template-escaping-disabled #}
{% autoescape true %}{{ x }}{% endautoescape %}
{# ok: template-escaping-disabled #}
{% autoescape off %}{{ panel_details.rendered_html }}{% endautoescape %}
{# ok: template-escaping-disabled #}
{% autoescape off %}
  {{ group_item_details.rendered_html }}
{% endautoescape %}
{# ruleid: template-escaping-disabled #}
{% autoescape off %}{{ panel.rendered_html }}{{ panel.title }}{% endautoescape %}
{# ruleid: template-escaping-disabled #}
{% autoescape off %}{% for name, status in statuses.items %}<dd>{{ status }}</dd>{% endfor %}{% endautoescape %}
{# ok: template-escaping-disabled #}
<div class="preview-footer">{{ preview_help|safe }}</div>
{# ok: template-escaping-disabled #}
<div class="mail-preview">{{ preview_output.html|safe }}</div>
{# ok: template-escaping-disabled #}
{{ blog_post.description_from_content|safe }}
{# ruleid: template-escaping-disabled #}
<li>{{ comments[0].text|safe }}</li>
{# ruleid: template-escaping-disabled #}
<article class="misago-markup">{{ post.content|safe }}</article>
{# Documentation of the filter: {{ value|safe }} #}
{# ok: template-escaping-disabled #}
<a href="{{ url }}">{{ title|e }}</a>
""",
)
