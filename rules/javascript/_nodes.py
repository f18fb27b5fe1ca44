"""Small syntactic questions JavaScript/TypeScript rules ask of tree-sitter nodes.

The grammar's node names (`member_expression`, `template_string`, `pair`...) stay in this
module and `_taint*`, so a rule reads as its policy.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import FileContext, Match

_WRAPPERS = frozenset(
    {"parenthesized_expression", "await_expression", "as_expression", "non_null_expression", "satisfies_expression"}
)


def unwrap(node: Node | None) -> Node | None:
    """Look through parentheses, `await` and TypeScript casts."""
    while node is not None and node.type in _WRAPPERS and node.named_children:
        node = node.named_children[0]
    return node


def arguments(call: Node | None) -> list[Node]:
    """The argument nodes of a call or `new` expression, comments left out."""
    args = call.child_by_field_name("arguments") if call is not None else None
    return [a for a in args.named_children if a.type != "comment"] if args is not None else []


def argument(call: Node | None, index: int) -> Node | None:
    found = arguments(call)
    return found[index] if index < len(found) else None


def string_value(node: Node | None) -> str | None:
    """The value of a string literal or a template literal without substitutions, else None."""
    node = unwrap(node)
    if node is None:
        return None
    if node.type == "string":
        return "".join(
            (part.text or b"").decode("utf-8", "replace")
            for part in node.named_children
            if part.type in ("string_fragment", "escape_sequence")
        )
    if node.type == "template_string" and not any(c.type == "template_substitution" for c in node.named_children):
        return "".join((c.text or b"").decode("utf-8", "replace") for c in node.named_children)
    return None


def property_value(obj: Node | None, key: str) -> Node | None:
    """The value of `key` in an object literal (`{ key: value }`), or None."""
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return None
    for pair in obj.named_children:
        if pair.type == "pair" and key_name(pair.child_by_field_name("key")) == key:
            return pair.child_by_field_name("value")
        if pair.type == "shorthand_property_identifier" and (pair.text or b"").decode() == key:
            return pair
    return None


def key_name(key: Node | None) -> str:
    """The name of an object key: `a`, `"a"` and `'a'` all read `a`."""
    if key is None:
        return ""
    value = string_value(key)
    return value if value is not None else (key.text or b"").decode("utf-8", "replace")


def is_false(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and (node.type == "false" or (node.type == "number" and node.text == b"0"))


def is_true(node: Node | None) -> bool:
    node = unwrap(node)
    return node is not None and node.type == "true"


def is_string_building(node: Node | None) -> bool:
    """True when the expression itself builds a string from parts: `${}`, `+`, `.concat()`, `.join()`."""
    node = unwrap(node)
    if node is None:
        return False
    if node.type == "template_string":
        return any(c.type == "template_substitution" for c in node.named_children)
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        return operator is not None and operator.type == "+"
    if node.type == "call_expression":
        callee = node.child_by_field_name("function")
        prop = (
            callee.child_by_field_name("property")
            if callee is not None and callee.type == "member_expression"
            else None
        )
        return prop is not None and prop.text in (b"concat", b"join", b"replace", b"format")
    return False


def callee_name(match: Match) -> str:
    """The alias-resolved name of the matched call's callee ('' when it is not a name)."""
    return match.ctx.qualified_name(match.node("fn")) or ""


def method_name(match: Match) -> str:
    """The last name of the matched call's callee: `exec` for `cp.exec(...)` and `exec(...)`."""
    callee = match.node("fn")
    if callee is not None and callee.type == "member_expression":
        return match.ctx.text(callee.child_by_field_name("property"))
    return match.ctx.text(callee)


def receiver(match: Match) -> Node | None:
    """The object a matched method call is called on (`db` in `db.query(...)`)."""
    callee = match.node("fn")
    return callee.child_by_field_name("object") if callee is not None and callee.type == "member_expression" else None


def imports_any(ctx: FileContext, modules: tuple[str, ...]) -> bool:
    """True when the file imports or requires one of `modules` (or something inside it)."""
    return any(ctx.names.imports_module(module) for module in modules)
