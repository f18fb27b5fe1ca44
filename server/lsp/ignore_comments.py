"""Build the edits of the "Ignore <rule> on this line" and "... in this file" actions.

The comment marker follows the language (`#` for Python, TOML, requirements, YAML...; `//`
for JavaScript and TypeScript; JSON has none, so no action). An existing
`vetline: ignore[...]` comment on the line (or `ignore-file[...]` in the file) is extended
rather than duplicated. A line that ends inside a multi-line string gets the comment on its
own line above instead, where it still covers the next line and cannot change the string.
"""

from __future__ import annotations

import re

from vetline.rules.model import Edit
from vetline.rules.patterns import LinearMatch, linear

from .documents import Document

MARKERS = {"javascript": "//", "typescript": "//", "typescriptreact": "//", "json": None}
_LINE_DIRECTIVE = linear(rb"vetline:\s*ignore\[(?P<ids>[^\]\n]*)\]")
_FILE_DIRECTIVE = linear(rb"vetline:\s*ignore-file\[(?P<ids>[^\]\n]*)\]")
_BARE_LINE = linear(rb"vetline:\s*ignore(?:[^-\[]|$)")
_STRINGS = {"string", "string_content", "template_string", "concatenated_string"}


def marker(language: str | None) -> str | None:
    return MARKERS.get(language or "", "#")


def ignore_line(doc: Document, line: int, rule_id: str) -> Edit | None:
    """The edit silencing `rule_id` on `line`, or None when the language has no comments."""
    comment = marker(doc.language)
    if comment is None or line >= len(doc.index.starts):
        return None
    start, end = doc.index.starts[line], doc.index.line_end(line)
    content = doc.source[start:end]
    existing = _LINE_DIRECTIVE.search(content)
    if existing is not None:
        return _merge(existing, start, rule_id)
    if _BARE_LINE.search(content):
        return None  # already silences every rule on this line
    if _ends_inside_string(doc, end):
        indent = re.match(rb"[ \t]*", content)
        prefix = indent.group().decode() if indent else ""
        return Edit(start, start, f"{prefix}{comment} vetline: ignore[{rule_id}]{_newline(doc)}")
    return Edit(end, end, f"  {comment} vetline: ignore[{rule_id}]")


def ignore_file(doc: Document, rule_id: str) -> Edit | None:
    """The edit silencing `rule_id` in the whole file (after a shebang or encoding line)."""
    comment = marker(doc.language)
    if comment is None:
        return None
    existing = _FILE_DIRECTIVE.search(doc.source)
    if existing is not None:
        return _merge(existing, 0, rule_id)
    line = 0
    while line < min(2, len(doc.index.starts) - 1) and doc.source[doc.index.starts[line] :].startswith(
        (b"#!", b"# -*-")
    ):
        line += 1
    offset = doc.index.starts[line]
    return Edit(offset, offset, f"{comment} vetline: ignore-file[{rule_id}]{_newline(doc)}")


def _merge(existing: LinearMatch, base: int, rule_id: str) -> Edit | None:
    ids = [part.strip() for part in existing.group("ids").decode("utf-8", "replace").split(",") if part.strip()]
    if rule_id in ids:
        return None
    start, end = base + existing.start("ids"), base + existing.end("ids")
    return Edit(start, end, ", ".join([*ids, rule_id]))


def _ends_inside_string(doc: Document, offset: int) -> bool:
    if doc.tree is None or offset == 0:
        return False
    node = doc.tree.root_node.descendant_for_byte_range(offset - 1, offset)
    while node is not None:
        if node.type in _STRINGS and node.start_byte < offset < node.end_byte:
            return True
        node = node.parent
    return False


def _newline(doc: Document) -> str:
    return "\r\n" if b"\r\n" in doc.source[: doc.index.line_end(0) + 2] else "\n"
