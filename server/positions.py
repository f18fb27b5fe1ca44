"""The only place where tree-sitter byte offsets and points meet LSP positions.

tree-sitter speaks UTF-8 bytes (offsets, and points whose column is a byte count); LSP speaks
lines and characters counted in the position encoding negotiated at `initialize` (UTF-16 by
default, UTF-8 or UTF-32 when the client offers them). `LineIndex` keeps the byte offset of
every line start of one buffer, updates it in place when an edit lands (so an edit costs what
the edit touches, not the whole file), and converts in both directions. Line breaks are `\\n`;
a `\\r` before it belongs to the line's content as far as columns go, but a position is never
placed between the `\\r` and the `\\n`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from lsprotocol import types
from vetline.rules.patterns import linear

UTF8 = types.PositionEncodingKind.Utf8.value
UTF16 = types.PositionEncodingKind.Utf16.value
UTF32 = types.PositionEncodingKind.Utf32.value
_NEWLINE = linear(rb"\n")


def encode(text: str) -> bytes:
    """The UTF-8 bytes of buffer text; lone surrogates survive (tree-sitter tolerates them)."""
    return text.encode("utf-8", "surrogatepass")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass") if _valid(data) else data.decode("utf-8", "replace")


def _valid(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


def units(text: str, encoding: str) -> int:
    """How many code units `text` takes in the given position encoding."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(encode(text))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _prefix_chars(text: str, count: int, encoding: str) -> int:
    """How many characters of `text` fit in `count` code units (a split surrogate pair rounds up)."""
    if encoding == UTF32:
        return min(count, len(text))
    used = 0
    for index, char in enumerate(text):
        if used >= count:
            return index
        used += units(char, encoding)
    return len(text)


@dataclass(frozen=True)
class TreeEdit:
    """The arguments of `tree_sitter.Tree.edit` for one text change."""

    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


class LineIndex:
    """Byte offsets of line starts for one buffer, with conversions to and from LSP positions."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.starts = [0, *(m.end() for m in _NEWLINE.finditer(source))]

    def point(self, offset: int) -> tuple[int, int]:
        """The tree-sitter point (row, byte column) of a byte offset."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def line_end(self, line: int) -> int:
        """The byte offset where `line`'s content ends (before `\\r\\n` or `\\n`)."""
        if line + 1 >= len(self.starts):
            return len(self.source)
        end = self.starts[line + 1] - 1
        return end - 1 if end > self.starts[line] and self.source[end - 1] == 0x0D else end

    def position(self, offset: int, encoding: str) -> types.Position:
        """The LSP position of a byte offset."""
        offset = max(0, min(offset, len(self.source)))
        line, column = self.point(offset)
        start = self.starts[line]
        if encoding == UTF8:
            return types.Position(line=line, character=column)
        return types.Position(line=line, character=units(_decode(self.source[start:offset]), encoding))

    def range(self, start: int, end: int, encoding: str) -> types.Range:
        """The LSP range of a byte range."""
        return types.Range(start=self.position(start, encoding), end=self.position(end, encoding))

    def offset(self, position: types.Position, encoding: str) -> int:
        """The byte offset of an LSP position; past-the-end lines and columns are clamped."""
        if position.line >= len(self.starts):
            return len(self.source)
        start = self.starts[position.line]
        end = self.line_end(position.line)
        content = self.source[start:end]
        if encoding == UTF8:
            return start + min(position.character, len(content))
        text = _decode(content)
        return start + len(encode(text[: _prefix_chars(text, position.character, encoding)]))

    def replace(self, start: int, end: int, new: bytes) -> TreeEdit:
        """Apply an edit of bytes `[start, end)` -> `new`; return what tree-sitter must be told."""
        start_point, old_end_point = self.point(start), self.point(end)
        self.source = self.source[:start] + new + self.source[end:]
        first, last = start_point[0], old_end_point[0]
        inserted = [start + m.end() for m in _NEWLINE.finditer(new)]
        delta = len(new) - (end - start)
        tail = [offset + delta for offset in self.starts[last + 1 :]]
        self.starts[first + 1 :] = inserted + tail
        new_end = start + len(new)
        return TreeEdit(start, end, new_end, start_point, old_end_point, self.point(new_end))
