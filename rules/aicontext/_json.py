"""JSON (and JSONC: comments, trailing commas) with byte positions, through tree-sitter-json.

MCP configurations and Claude Code settings are edited in place, so their members must be
found at exact byte offsets; the official grammar also keeps a half-typed file usable (an
error node costs only the members inside it) where `json.loads` would give up on all of it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator

import tree_sitter
import tree_sitter_json
from tree_sitter import Node


@functools.cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_json.language()))


def document(source: bytes) -> Node | None:
    """The top-level value of a JSON document, or None when there is none."""
    root = _parser().parse(source).root_node
    return next((child for child in root.named_children if child.type != "comment"), None)


def members(node: Node | None) -> Iterator[tuple[str, Node, Node]]:
    """(key, key node, value node) for each pair of an object node."""
    if node is None or node.type != "object":
        return
    for pair in node.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None and key.type == "string":
            yield text(key), key, value


def member(node: Node | None, name: str) -> Node | None:
    """The value of `name` in an object node, or None."""
    return next((value for key, _, value in members(node) if key == name), None)


def items(node: Node | None) -> list[Node]:
    """The element nodes of an array node (comments and missing values left out)."""
    if node is None or node.type != "array":
        return []
    return [child for child in node.named_children if child.type != "comment" and not child.is_missing]


def text(node: Node) -> str:
    """The decoded value of a string node (escapes resolved); other nodes give their source text."""
    raw = (node.text or b"").decode("utf-8", "replace")
    if node.type != "string":
        return raw
    try:
        value = json.loads(raw)
    except ValueError:
        return raw.strip('"')
    return value if isinstance(value, str) else raw


def content_range(node: Node) -> tuple[int, int]:
    """The bytes of a string node without its quotes."""
    if node.type == "string" and node.end_byte - node.start_byte >= 2:
        return node.start_byte + 1, node.end_byte - 1
    return node.start_byte, node.end_byte
