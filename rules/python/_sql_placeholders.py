"""The quick fix of `sql-query-built-from-strings`: spliced values become bound parameters.

Not a rule module (the leading underscore keeps the registry out). Three shapes of
`cursor.execute(query)` with no other argument are rewritten, each value a plain name or
attribute:

- an f-string, `f"... name = '{name}'"`;
- `+` concatenation of string literals and names, `"... name = '" + name + "'"`;
- `%` formatting with `%s`/`%d`, `"... name = '%s'" % name` or `% (a, b)`.

The query is first read as literal pieces and values. A value filling a whole quoted SQL
literal (`'{x}'`) or standing between SQL punctuation becomes a placeholder; a value inside a
larger literal (`LIKE '%{x}%'`) takes the literal with it: the placeholder replaces
`'%{x}%'` and the parameter becomes `f"%{x}%"`. Anything else gets no fix rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from ..analysis.nodes import positional_args
from ..context import Match
from ..model import Edit, Fix

_SIMPLE_NAME = re.compile(r"^[A-Za-z_][\w.]*$")
_BOUNDARY = frozenset(" \t\n(),=<>;")
_PERCENT_SPEC = re.compile(r"%(.)")


@dataclass(frozen=True)
class Query:
    """A query read as pieces: literal source text (str) and values (Value), with its quotes."""

    prefix: str  # string prefix letters kept in the rewritten query (`r`), never `f`
    delimiter: str  # `"`, `'`, `\"\"\"` ...
    pieces: tuple[str | Value, ...]


@dataclass(frozen=True)
class Value:
    name: str  # the Python expression, a plain name or attribute


def _placeholder(match: Match) -> str:
    return "?" if match.ctx.names.imports_module("sqlite3") else "%s"


def bind_parameters(match: Match) -> Fix | None:
    """`execute(<query built from strings>)` -> `execute("... ?", (x,))` when every value is a plain name."""
    args = match.node("args")
    if not match.ctx.text(match.node("fn")).endswith(".execute") or args is None:
        return None
    positional = positional_args(args)
    node = positional[0] if len(positional) == 1 and len(args.named_children) == 1 else None
    query = _read(match, node) if node is not None else None
    rewritten = _rewrite(query, _placeholder(match)) if query is not None else None
    if node is None or rewritten is None:
        return None
    return Fix(
        "Bind the interpolated values as query parameters",
        (Edit(node.start_byte, node.end_byte, rewritten),),
        safe=False,
    )


def _read(match: Match, node: Node) -> Query | None:
    if node.type == "string":
        return _read_fstring(match, node)
    if node.type == "binary_operator" and _operator(match, node) == "+":
        return _read_concatenation(match, node)
    if node.type == "binary_operator" and _operator(match, node) == "%":
        return _read_percent(match, node)
    return None


def _operator(match: Match, node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return match.ctx.text(operator) if operator is not None else ""


def _string_parts(match: Match, node: Node) -> tuple[str, str, Node, Node] | None:
    """(prefix letters, delimiter, string_start, string_end) of a string literal."""
    start, end = node.children[0], node.children[-1]
    if start.type != "string_start" or end.type != "string_end":
        return None
    opening = match.ctx.text(start)
    prefix = opening.rstrip("'\"")
    return prefix, opening[len(prefix) :], start, end


def _read_fstring(match: Match, node: Node) -> Query | None:
    parts = _string_parts(match, node)
    holes = [c for c in node.named_children if c.type == "interpolation"]
    if parts is None or not holes or "f" not in parts[0].lower():
        return None
    prefix, delimiter, start, end = parts
    pieces: list[str | Value] = []
    cursor = start.end_byte
    for hole in holes:
        expression = hole.child_by_field_name("expression")
        name = match.ctx.text(expression) if expression is not None else ""
        if len(hole.named_children) != 1 or not _SIMPLE_NAME.match(name):
            return None  # conversions, format specs and expressions: no safe rewrite
        pieces += [_unbrace(match.ctx.source[cursor : hole.start_byte].decode("utf-8", "replace")), Value(name)]
        cursor = hole.end_byte
    pieces.append(_unbrace(match.ctx.source[cursor : end.start_byte].decode("utf-8", "replace")))
    return Query(re.sub("[fF]", "", prefix), delimiter, tuple(pieces))


def _unbrace(text: str) -> str:
    return text.replace("{{", "{").replace("}}", "}")


def _literal(match: Match, node: Node) -> tuple[str, str] | None:
    """(delimiter, source text inside the quotes) of a plain string literal without prefix."""
    parts = _string_parts(match, node) if node.type == "string" else None
    if parts is None or parts[0] or any(c.type == "interpolation" for c in node.named_children):
        return None
    _prefix, delimiter, start, end = parts
    return delimiter, match.ctx.source[start.end_byte : end.start_byte].decode("utf-8", "replace")


def _value(match: Match, node: Node) -> Value | None:
    name = match.ctx.text(node)
    return Value(name) if node.type in ("identifier", "attribute") and _SIMPLE_NAME.match(name) else None


def _read_concatenation(match: Match, node: Node) -> Query | None:
    operands: list[Node] = []
    pending = [node]
    while pending:  # flatten `a + b + c` (left-nested) in source order
        current = pending.pop()
        if current.type == "binary_operator" and _operator(match, current) == "+":
            pending += [current.child_by_field_name("right"), current.child_by_field_name("left")]  # type: ignore[list-item]
        else:
            operands.append(current)
    pieces: list[str | Value] = []
    delimiters = set()
    for operand in operands:
        literal = _literal(match, operand)
        value = _value(match, operand) if literal is None else None
        if literal is None and value is None:
            return None
        if literal is not None:
            delimiters.add(literal[0])
            pieces.append(literal[1])
        else:
            pieces.append(value)  # type: ignore[arg-type]
    if len(delimiters) != 1 or not any(isinstance(p, Value) for p in pieces):
        return None
    return Query("", delimiters.pop(), tuple(pieces))


def _read_percent(match: Match, node: Node) -> Query | None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    literal = _literal(match, left) if left is not None else None
    if literal is None or right is None:
        return None
    if right.type == "parenthesized_expression" and len(right.named_children) == 1:
        right = right.named_children[0]
    operands = right.named_children if right.type == "tuple" else [right]
    values = [_value(match, operand) for operand in operands]
    pieces = _split_percent(literal[1], values)
    return Query("", literal[0], pieces) if pieces is not None else None


def _split_percent(text: str, values: list[Value | None]) -> tuple[str | Value, ...] | None:
    """`'%s' and '%%'` with values -> pieces; None for other specifiers or a count mismatch."""
    if any(value is None for value in values):
        return None
    pieces: list[str | Value] = []
    remaining = list(values)
    cursor, literal = 0, ""
    for spec in _PERCENT_SPEC.finditer(text):
        literal += text[cursor : spec.start()]
        cursor = spec.end()
        if spec.group(1) == "%":
            literal += "%"
        elif spec.group(1) in "sd" and remaining:
            pieces += [literal, remaining.pop(0)]  # type: ignore[list-item]
            literal = ""
        else:
            return None
    if remaining or "%" in text[cursor:]:
        return None
    return (*pieces, literal + text[cursor:])


def _rewrite(query: Query, placeholder: str) -> str | None:
    """`"<query with placeholders>", (params,)`, or None when a value's place is not clear."""
    pieces = _alternating(query.pieces)
    text, params = str(pieces[0]), []
    for index in range(1, len(pieces), 2):
        bound = _bind(text, pieces[index], str(pieces[index + 1]), query.delimiter, placeholder)  # type: ignore[arg-type]
        if bound is None:
            return None
        text, param = bound
        params.append(param)
    if placeholder == "%s" and "%" in text.replace("%s", ""):
        return None  # a literal `%` would need doubling for the driver: leave it to a human
    tuple_text = f"({params[0]},)" if len(params) == 1 else f"({', '.join(params)})"
    return f"{query.prefix}{query.delimiter}{text}{query.delimiter}, {tuple_text}"


def _alternating(pieces: tuple[str | Value, ...]) -> list[str | Value]:
    """Literal, value, literal, ..., literal: adjacent literals joined, empty ones where needed."""
    result: list[str | Value] = [""]
    for piece in pieces:
        if isinstance(piece, str):
            if isinstance(result[-1], str):
                result[-1] = result[-1] + piece
            else:
                result.append(piece)
        else:
            if not isinstance(result[-1], str):
                result.append("")
            result.append(piece)
    if not isinstance(result[-1], str):
        result.append("")
    return result


def _bind(before: str, value: Value, after: str, delimiter: str, placeholder: str) -> tuple[str, str] | None:
    """(the query so far with the value's place as a placeholder, the parameter), or None."""
    for quote in ("\\'", "'", '\\"', '"'):
        if before.endswith(quote) and after.startswith(quote):
            return before[: -len(quote)] + placeholder + after[len(quote) :], value.name
    if before.count("'") % 2 == 1 and "'" not in delimiter:  # inside a larger SQL literal: `LIKE '%{x}%'`
        opening, closing = before.rfind("'"), after.find("'")
        if closing < 0:
            return None
        inner = _brace(before[opening + 1 :]) + "{" + value.name + "}" + _brace(after[:closing])
        return before[:opening] + placeholder + after[closing + 1 :], f"f{delimiter}{inner}{delimiter}"
    if (not before or before[-1] in _BOUNDARY) and (not after or after[0] in _BOUNDARY):
        return before + placeholder + after, value.name
    return None


def _brace(text: str) -> str:
    """Literal text as it is written inside an f-string."""
    return text.replace("{", "{{").replace("}", "}}")
