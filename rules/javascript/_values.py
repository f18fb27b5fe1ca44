"""Where a JavaScript/TypeScript name got its value: the declaration or assignment before a use.

Rules that judge how a value was *built* (a query from a template literal, a command from `+`)
look through one local name: `const sql = `...${id}`; db.query(sql)`.
"""

from __future__ import annotations

from tree_sitter import Node

from ._nodes import unwrap
from ._taint import FUNCTION_TYPES, scope_of


def bound_value(name: Node) -> Node | None:
    """The value last given to identifier `name` before it, in its own scope, or None."""
    scope = scope_of(name)
    found: Node | None = None
    found_at = -1
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.start_byte >= name.start_byte:
            continue
        value = _assigned(node, name.text)
        if value is not None and node.start_byte > found_at:
            found, found_at = value, node.start_byte
        if node.type not in FUNCTION_TYPES or node is scope:
            stack.extend(node.named_children)
    return found


def resolved(node: Node | None) -> Node | None:
    """`node` itself, or the value bound to it when it is a plain name."""
    node = unwrap(node)
    if node is not None and node.type == "identifier":
        return bound_value(node) or node
    return node


def _assigned(node: Node, name: bytes | None) -> Node | None:
    if node.type == "variable_declarator":
        target = node.child_by_field_name("name")
        if target is not None and target.type == "identifier" and target.text == name:
            return node.child_by_field_name("value")
    elif node.type == "assignment_expression":
        target = node.child_by_field_name("left")
        if target is not None and target.type == "identifier" and target.text == name:
            return node.child_by_field_name("right")
    return None
