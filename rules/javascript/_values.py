"""Where a JavaScript/TypeScript name got its value: the declaration or assignment before a use.

Rules that judge how a value was *built* (a query from a template literal, a command from `+`)
look through one local name: `const sql = `...${id}`; db.query(sql)`.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ..analysis.bindings import last_binding
from ._nodes import unwrap
from ._taint import FUNCTION_TYPES, scope_of


def bound_value(name: Node) -> Node | None:
    """The value last given to identifier `name` before it, in its own scope, or None."""
    return last_binding(scope_of(name), name, _declarations_and_assignments)


def _declarations_and_assignments(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """`let x = ...` and `x = ...` in `scope` outside nested functions."""
    stack = [scope]
    while stack:
        node = stack.pop()
        target = _target(node)
        if target is not None and target.text is not None:
            value = _assigned(node, target.text)
            if value is not None:
                yield node.start_byte, target.text, value
        if node.type not in FUNCTION_TYPES or node is scope:
            stack.extend(node.named_children)


def _target(node: Node) -> Node | None:
    if node.type == "variable_declarator":
        return node.child_by_field_name("name")
    if node.type == "assignment_expression":
        return node.child_by_field_name("left")
    return None


def resolved(node: Node | None) -> Node | None:
    """`node` itself, or the value bound to it when it is a plain name."""
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        return bound_value(node) or node
    return node


def _assigned(node: Node, name: bytes | None) -> Node | None:
    target = _target(node)
    if target is None or target.type != "identifier" or target.text != name:
        return None
    return node.child_by_field_name("value" if node.type == "variable_declarator" else "right")
