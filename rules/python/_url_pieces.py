"""The pieces a URL is built from, in order: for rules that ask what decides its host.

Not a rule module (the leading underscore keeps the registry out). `a + "/" + b`,
`f"{base}/users/{uid}"` and a local name assigned such a string are flattened into their text
pieces (`string_content` nodes) and the expressions between them, so `open-redirect` can see
request data that only follows a `?` and `ssrf-tainted-url` a host fixed before the first
request value.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.sinks import bound_value

MAX_PIECES = 64


def url_pieces(url: Node) -> list[Node]:
    """The parts of a built URL in order: `+` operands and f-string text and fields, through
    local names to the strings they were assigned (a few levels)."""
    found: list[Node] = []
    stack: list[tuple[Node, int]] = [(url, 0)]
    while stack and len(found) < MAX_PIECES:
        node, depth = stack.pop()
        bound = bound_value(node) if node.type == "identifier" and depth < 3 else None
        if bound is not None and bound.type in ("string", "binary_operator"):
            stack.append((bound, depth + 1))
        elif node.type == "binary_operator" and _is_concatenation(node):
            stack.extend((child, depth) for child in reversed(node.named_children))
        elif node.type == "string":
            parts = [c for c in node.named_children if c.type in ("string_content", "interpolation")]
            stack.extend((_field(child), depth) for child in reversed(parts))
        else:
            found.append(node)
    return found


def _field(child: Node) -> Node:
    """An f-string interpolation's expression; text pieces as they are."""
    return child.named_children[0] if child.type == "interpolation" and child.named_children else child


def _is_concatenation(node: Node) -> bool:
    operator = node.child_by_field_name("operator")
    return operator is not None and operator.type == "+"
