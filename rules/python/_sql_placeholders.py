"""The quick fix of `sql-query-built-from-strings`: f-string holes become bound parameters.

Not a rule module (the leading underscore keeps the registry out). Only the simplest shape is
rewritten: `cursor.execute(f"...")` with no other argument, every hole a plain name or
attribute without conversion or format spec, each hole either filling a quoted SQL literal
(`'{x}'`) or standing between SQL punctuation. Anything else gets no fix rather than a guess.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import positional_args
from ..context import Match
from ..model import Edit, Fix
from ..patterns import linear

_SIMPLE_NAME = linear(r"^[A-Za-z_][\w.]*$")


def _placeholder(match: Match) -> str:
    return "?" if match.ctx.names.imports_module("sqlite3") else "%s"


def bind_parameters(match: Match) -> Fix | None:
    """`execute(f"... '{x}'")` -> `execute("... ?", (x,))` when every hole is a plain name."""
    args = match.node("args")
    if not match.ctx.text(match.node("fn")).endswith(".execute") or args is None:
        return None
    positional = positional_args(args)
    query = positional[0] if len(positional) == 1 and len(args.named_children) == 1 else None
    if query is None or query.type != "string":
        return None
    text = match.ctx.text(query)
    holes = [c for c in query.named_children if c.type == "interpolation"]
    placeholder = _placeholder(match)
    if not holes or "{{" in text or "}}" in text or (placeholder == "%s" and "%" in text):
        return None
    pieces, names, cursor = [], [], query.start_byte
    for hole in holes:
        expression = hole.child_by_field_name("expression")
        name = match.ctx.text(expression)
        if len(hole.named_children) != 1 or not _SIMPLE_NAME.match(name):
            return None  # conversions, format specs and expressions: no safe rewrite
        span = _quoted_span(match.ctx.source, hole)
        if span is None:
            return None
        start, end = span
        pieces.append(match.ctx.source[cursor:start].decode("utf-8", "replace"))
        pieces.append(placeholder)
        names.append(name)
        cursor = end
    pieces.append(match.ctx.source[cursor : query.end_byte].decode("utf-8", "replace"))
    rewritten = re.sub(r"^([rRbBuU]*)[fF]([rRbBuU]*)", r"\1\2", "".join(pieces))
    params = f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"
    return Fix(
        "Bind the interpolated values as query parameters",
        (Edit(query.start_byte, query.end_byte, f"{rewritten}, {params}"),),
        safe=False,
    )


def _quoted_span(source: bytes, hole: Node) -> tuple[int, int] | None:
    """The bytes a placeholder replaces: the hole with its SQL quotes when it fills them
    (`'{x}'`, `\\"{x}\\"`), the bare hole between SQL punctuation, None inside a larger literal."""
    start, end = hole.start_byte, hole.end_byte
    for quote in (b"'", b'\\"', b'"'):
        if source[start - len(quote) : start] == quote and source[end : end + len(quote)] == quote:
            return start - len(quote), end + len(quote)
    before, after = source[start - 1 : start], source[end : end + 1]
    if hole.prev_sibling is not None and hole.prev_sibling.type == "string_start":
        before = b" "
    if hole.next_sibling is not None and hole.next_sibling.type == "string_end":
        after = b" "
    if before in _BOUNDARY and after in _BOUNDARY:
        return start, end
    return None


_BOUNDARY = frozenset(bytes([c]) for c in b" \t\n(),=<>;")
