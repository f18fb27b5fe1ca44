"""The few pieces of Jinja2/Django template syntax the template rules read, found without a grammar.

No official tree-sitter grammar wheel exists for Jinja or Django templates, so templates are
read as text: `{# ... #}` comments, `{{ ... }}` expressions and `{% ... %}` tags, each found
with `str.find` in one left-to-right pass (linear in the file size, no backtracking regex).
An unterminated delimiter (mid-typing) ends the pass; the spans before it are still reported.
"""

from __future__ import annotations

from collections.abc import Iterator

TEMPLATE_LANGUAGES = frozenset({"jinja-html"})
_DELIMITERS = {"{#": "#}", "{{": "}}", "{%": "%}"}


def spans(text: str) -> Iterator[tuple[str, int, int]]:
    """(opening delimiter, start, end) of every comment, expression and tag, in order."""
    position = 0
    upcoming = {opening: text.find(opening) for opening in _DELIMITERS}  # next index of each opening
    while True:
        for opening, index in upcoming.items():
            if 0 <= index < position:  # each search resumes where the last one left off: linear overall
                upcoming[opening] = text.find(opening, position)
        live = [(index, opening) for opening, index in upcoming.items() if index >= 0]
        if not live:
            return
        start, opening = min(live)
        end = text.find(_DELIMITERS[opening], start + 2)
        if end < 0:
            return
        yield opening, start, end + 2
        position = end + 2


def comments(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every `{# ... #}` comment."""
    return ((start, end) for opening, start, end in spans(text) if opening == "{#")
