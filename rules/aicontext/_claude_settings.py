"""Add `Read(...)` entries to `permissions.deny` of a Claude Code settings file, in place.

The edit keeps the file's own formatting: the new entry goes after the last one with the same
indentation (or into an empty array, a new `deny` array, a new `permissions` object), using
the file's indentation unit. Other members, comments and key order are untouched.
"""

from __future__ import annotations

import json

from tree_sitter import Node

from ..model import Edit
from ..patterns import linear
from . import _json

NEW_FILE_INDENT = "  "
_INDENT = linear(rb"[ \t]*")
_FIRST_INDENT = linear(rb"\n([ \t]+)\S")


def deny_edit(source: bytes | None, entry: str, path: str) -> Edit | None:
    """The edit adding `entry` to the deny list of the settings at `path` (None: file unusable)."""
    if not source or not source.strip():
        return Edit(-1, -1, new_settings([entry]), path)
    root = _json.document(source)
    if root is None or root.type != "object" or root.has_error:
        return None
    permissions = _json.member(root, "permissions")
    if permissions is not None and permissions.type != "object":
        return None
    deny = _json.member(permissions, "deny")
    if deny is not None and deny.type != "array":
        return None
    if any(_json.text(item) == entry for item in _json.items(deny)):
        return None
    unit = indent_unit(source)
    quoted = json.dumps(entry)
    if deny is not None:
        return append_to_array(source, deny, quoted, unit, path)
    if permissions is not None:
        return append_member(source, permissions, f'"deny": [{quoted}]', unit, path)
    return append_member(source, root, f'"permissions": {{"deny": [{quoted}]}}', unit, path)


def new_settings(entries: list[str]) -> str:
    """A fresh settings file holding only the deny entries."""
    return json.dumps({"permissions": {"deny": entries}}, indent=len(NEW_FILE_INDENT)) + "\n"


def add_entries(source: bytes | None, entries: list[str]) -> bytes:
    """`source` with every missing entry added (used by `vetline ai-context init`)."""
    text = source or b""
    for entry in entries:
        edit = deny_edit(text, entry, "")
        if edit is None:
            continue
        if edit.start_byte == -1:
            text = edit.new_text.encode()
        else:
            text = text[: edit.start_byte] + edit.new_text.encode() + text[edit.end_byte :]
    return text


def append_to_array(source: bytes, array: Node, quoted: str, unit: str, path: str | None) -> Edit:
    elements = _json.items(array)
    if elements:
        last = elements[-1]
        if _line_of(source, last.start_byte) == _line_of(source, array.start_byte):
            return Edit(last.end_byte, last.end_byte, f", {quoted}", path)  # a one-line array stays on one line
        return Edit(last.end_byte, last.end_byte, f",\n{_indent_at(source, last.start_byte)}{quoted}", path)
    outer = _indent_at(source, array.start_byte)
    return Edit(array.start_byte + 1, array.end_byte - 1, f"\n{outer}{unit}{quoted}\n{outer}", path)


def append_member(source: bytes, obj: Node, member: str, unit: str, path: str | None) -> Edit:
    pairs = [child for child in obj.named_children if child.type == "pair"]
    if pairs:
        last = pairs[-1]
        return Edit(last.end_byte, last.end_byte, f",\n{_indent_at(source, last.start_byte)}{member}", path)
    outer = _indent_at(source, obj.start_byte)
    return Edit(obj.start_byte + 1, obj.end_byte - 1, f"\n{outer}{unit}{member}\n{outer}", path)


def _line_of(source: bytes, offset: int) -> int:
    return source.count(b"\n", 0, offset)


def _indent_at(source: bytes, offset: int) -> str:
    """The whitespace that starts the line holding `offset`."""
    start = source.rfind(b"\n", 0, offset) + 1
    match = _INDENT.match(source[start:offset])
    return match.group(0).decode() if match else ""


def indent_unit(source: bytes) -> str:
    match = _FIRST_INDENT.search(source)
    return match.group(1).decode() if match else NEW_FILE_INDENT
