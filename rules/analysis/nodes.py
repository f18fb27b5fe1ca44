"""Small questions about Python syntax nodes that many rules ask: arguments, literals, scopes."""

from __future__ import annotations

from tree_sitter import Node

FUNCTION_TYPES = frozenset({"function_definition", "lambda"})


def positional_args(args: Node | None) -> list[Node]:
    """The positional argument nodes of an `argument_list` (not keywords, not `*`/`**` splats)."""
    if args is None or args.type != "argument_list":
        return []
    skip = {"keyword_argument", "list_splat", "dictionary_splat", "comment"}
    return [child for child in args.named_children if child.type not in skip]


def keyword_arg(args: Node | None, name: str) -> Node | None:
    """The value node of keyword argument `name=` in an `argument_list`, or None."""
    if args is None or args.type != "argument_list":
        return None
    for child in args.named_children:
        if child.type == "keyword_argument":
            key = child.child_by_field_name("name")
            if key is not None and key.text == name.encode():
                return child.child_by_field_name("value")
    return None


def argument(args: Node | None, position: int, name: str | None = None) -> Node | None:
    """An argument given by position or by keyword, whichever the call used."""
    if name is not None:
        value = keyword_arg(args, name)
        if value is not None:
            return value
    positional = positional_args(args)
    return positional[position] if position < len(positional) else None


def has_splat(args: Node | None) -> bool:
    """True when the call passes `*args` or `**kwargs` (its real arguments are unknown)."""
    return args is not None and any(c.type in ("list_splat", "dictionary_splat") for c in args.named_children)


def is_string_literal(node: Node | None) -> bool:
    """A plain string literal (or implicit concatenation of them) with no interpolation."""
    if node is None:
        return False
    if node.type == "concatenated_string":
        return all(is_string_literal(child) for child in node.named_children)
    if node.type != "string":
        return False
    return not any(child.type == "interpolation" for child in node.named_children)


def string_value(node: Node | None) -> str | None:
    """The text of a plain string literal without quotes or prefix (escapes left as written)."""
    if not is_string_literal(node):
        return None
    assert node is not None
    if node.type == "concatenated_string":
        parts = [string_value(child) for child in node.named_children]
        return "".join(part or "" for part in parts)
    content = [c for c in node.named_children if c.type == "string_content"]
    return "".join((c.text or b"").decode("utf-8", "replace") for c in content)


def is_true(node: Node | None) -> bool:
    return node is not None and node.type == "true"


def is_false(node: Node | None) -> bool:
    return node is not None and node.type == "false"


def enclosing_function(node: Node) -> Node | None:
    """The innermost `def` or `lambda` around a node, or None at module level."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def ancestor(node: Node, node_type: str) -> Node | None:
    """The nearest node of type `node_type` above `node` (`class_definition`, ...), or None."""
    current = node.parent
    while current is not None and current.type != node_type:
        current = current.parent
    return current


def enclosing_scope_name(node: Node) -> str:
    """Dotted names of the enclosing classes and functions (`Service.connect`), '' at top level."""
    names: list[str] = []
    current = node.parent
    while current is not None:
        if current.type in ("function_definition", "class_definition"):
            name = current.child_by_field_name("name")
            if name is not None and name.text:
                names.append(name.text.decode("utf-8", "replace"))
        current = current.parent
    return ".".join(reversed(names))


def decorators(function: Node) -> list[Node]:
    """The decorator expressions of a function definition (empty if undecorated)."""
    parent = function.parent
    if parent is None or parent.type != "decorated_definition":
        return []
    return [d.named_children[0] for d in parent.named_children if d.type == "decorator" and d.named_children]


def line_indent(source: bytes, node: Node) -> str:
    """The leading whitespace of the line a node starts on."""
    line_start = source.rfind(b"\n", 0, node.start_byte) + 1
    line = source[line_start : node.start_byte]
    return line[: len(line) - len(line.lstrip())].decode("utf-8", "replace")
