"""A string literal's text without its quotes, and whether it interpolates anything.

Most literals are read straight from the source bytes between their quotes, which is several
times cheaper than building their child nodes; a literal that may interpolate (`f"{x}"`,
`` `${x}` ``) or looks malformed is read from the tree, where interpolations become `{}`.
"""

from __future__ import annotations

from tree_sitter import Node

_QUOTES = (b'"', b"'", b'"""', b"'''", b"`")


def literal_value(source: bytes, node: Node, kind: str) -> tuple[str, bool]:
    """The literal's text without quotes, and whether it interpolates anything."""
    return (kind != "concatenated_string" and _plain_value(source[node.start_byte : node.end_byte])) or tree_value(node)


def _plain_value(raw: bytes) -> tuple[str, bool] | None:
    """The text between the quotes, read straight from the source (no child nodes built);
    None when the literal may interpolate (`f"{x}"`, `${x}`) or is malformed: `tree_value` then
    reads it from the tree."""
    body = raw.lstrip(b"rbufRBUFtT")  # the string prefix, if any
    quote = body[:3] if body[:3] in (b'"""', b"'''") else body[:1]
    if len(raw) - len(body) > 3 or quote not in _QUOTES or len(body) < 2 * len(quote) or not body.endswith(quote):
        return None
    content = body[len(quote) : len(body) - len(quote)]
    if (len(body) != len(raw) or quote == b"`") and b"{" in content:
        return None
    return content.decode("utf-8", "replace"), False


def tree_value(node: Node) -> tuple[str, bool]:
    """The literal's text without quotes; interpolations become `{}`."""
    children = node.named_children
    if node.type == "string" and len(children) == 3 and children[0].type == "string_start":
        return (node.text or b"")[
            children[1].start_byte - node.start_byte : children[1].end_byte - node.start_byte
        ].decode("utf-8", "replace"), children[1].type == "interpolation"
    if node.type == "concatenated_string":
        parts = [tree_value(child) for child in node.named_children]
        return "".join(p[0] for p in parts), any(p[1] for p in parts)
    text: list[str] = []
    interpolated = False
    for child in node.named_children:
        if child.type in ("interpolation", "template_substitution"):
            text.append("{}")
            interpolated = True
        elif child.type in ("string_content", "string_fragment", "escape_sequence"):
            text.append((child.text or b"").decode("utf-8", "replace"))
    return "".join(text), interpolated
