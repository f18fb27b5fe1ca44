"""Fold constant expressions to their Python value: `7 * 18 + num > 200` with `num = 106` is True.

The taint analysis uses this to take only the branch a constant condition selects
(`x if 7 * 18 + 106 > 200 else param`, `if 208 > 200:`, `match 3:`), which is how
deliberately confusing code hides that a request value never reaches a sink. Only small
integers, short strings, booleans and None fold; anything else (calls, floats, names with no
folded value) answers NOT_CONSTANT. Results are bounded (`MAX_INT`, `MAX_STRING`) so a folded
`10 ** 10 ** 10` or a string repeated a million times never costs time or memory.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from tree_sitter import Node

NOT_CONSTANT = object()
MAX_INT = 2**63
MAX_STRING = 10_000
Lookup = Callable[[str], object]  # a local name -> its folded value, or NOT_CONSTANT

_ARITHMETIC: dict[str, Callable[[object, object], object]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "//": operator.floordiv,
    "%": operator.mod,
}
_COMPARISONS: dict[str, Callable[[Any, Any], object]] = {
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "in": lambda a, b: operator.contains(b, a),
    "not in": lambda a, b: not operator.contains(b, a),
}
_LITERALS = {"true": True, "false": False, "none": None}


def fold(node: Node | None, lookup: Lookup, depth: int = 0) -> object:
    """The value of a constant expression, or NOT_CONSTANT."""
    if node is None or depth > 50:
        return NOT_CONSTANT
    kind = node.type
    if kind in _LITERALS:
        return _LITERALS[kind]
    if kind == "integer":
        return _integer(node)
    if kind == "string":
        return _string(node)
    if kind == "identifier":
        return lookup((node.text or b"").decode("utf-8", "replace"))
    if kind == "parenthesized_expression" and len(node.named_children) == 1:
        return fold(node.named_children[0], lookup, depth + 1)
    if kind == "not_operator" and node.named_children:
        value = fold(node.named_children[-1], lookup, depth + 1)
        return NOT_CONSTANT if value is NOT_CONSTANT else not value
    if kind == "unary_operator" and node.named_children:
        value = fold(node.named_children[-1], lookup, depth + 1)
        sign = node.children[0].type if node.children else ""
        if isinstance(value, int) and sign in ("-", "+"):
            return -value if sign == "-" else value
        return NOT_CONSTANT
    if kind == "binary_operator":
        return _binary(node, lookup, depth)
    if kind == "comparison_operator":
        return _comparison(node, lookup, depth)
    if kind == "boolean_operator":
        return _boolean(node, lookup, depth)
    return NOT_CONSTANT


def _integer(node: Node) -> object:
    text = (node.text or b"").decode().replace("_", "").lower()
    if len(text) > 20 or text.endswith(("j", "l")):
        return NOT_CONSTANT
    try:
        return int(text, 0)
    except ValueError:
        return NOT_CONSTANT


def _string(node: Node) -> object:
    if any(child.type == "interpolation" for child in node.named_children):
        return NOT_CONSTANT
    start = node.child(0)
    prefix = (start.text or b"").decode().lower() if start is not None else ""
    if "b" in prefix:
        return NOT_CONSTANT  # bytes literals never decide a condition in the code this is for
    parts = [child for child in node.named_children if child.type in ("string_content", "escape_sequence")]
    if any(child.type == "escape_sequence" for child in parts) and "r" not in prefix:
        return NOT_CONSTANT
    return "".join((child.text or b"").decode("utf-8", "replace") for child in parts)


def _bounded(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if -MAX_INT < value < MAX_INT else NOT_CONSTANT
    if isinstance(value, str):
        return value if len(value) <= MAX_STRING else NOT_CONSTANT
    return NOT_CONSTANT


def _binary(node: Node, lookup: Lookup, depth: int) -> object:
    operator_node = node.child_by_field_name("operator")
    function = _ARITHMETIC.get(operator_node.type if operator_node is not None else "")
    left = fold(node.child_by_field_name("left"), lookup, depth + 1)
    right = fold(node.child_by_field_name("right"), lookup, depth + 1)
    if function is None or left is NOT_CONSTANT or right is NOT_CONSTANT:
        return NOT_CONSTANT
    if isinstance(left, str) != isinstance(right, str) or isinstance(left, str) and function is not operator.add:
        return NOT_CONSTANT  # `"ab" * 3` and `"%s" % x` are never needed; refusing them keeps bounds simple
    try:
        return _bounded(function(left, right))
    except (TypeError, ZeroDivisionError, ValueError):
        return NOT_CONSTANT


def _comparison(node: Node, lookup: Lookup, depth: int) -> object:
    children = node.children
    values = [fold(child, lookup, depth + 1) for child in children[0::2]]
    operators = [(child.text or b"").decode() for child in children[1::2]]
    operators = [" ".join(text.split()) for text in operators]
    if NOT_CONSTANT in values or len(values) != len(operators) + 1:
        return NOT_CONSTANT
    try:
        for index, name in enumerate(operators):
            function = _COMPARISONS.get(name)
            if function is None or not function(values[index], values[index + 1]):
                return False if function is not None else NOT_CONSTANT
    except TypeError:
        return NOT_CONSTANT
    return True


def _boolean(node: Node, lookup: Lookup, depth: int) -> object:
    left = fold(node.child_by_field_name("left"), lookup, depth + 1)
    right = fold(node.child_by_field_name("right"), lookup, depth + 1)
    if left is NOT_CONSTANT or right is NOT_CONSTANT:
        return NOT_CONSTANT
    operator_node = node.child_by_field_name("operator")
    return (left and right) if operator_node is not None and operator_node.type == "and" else (left or right)
