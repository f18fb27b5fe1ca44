"""The only place where tree-sitter byte offsets and points meet LSP positions.

tree-sitter speaks UTF-8 bytes (offsets, and points whose row counts `\\n` and whose column is a
byte count); LSP speaks lines and characters counted in the position encoding negotiated at
`initialize` (UTF-16 by default, UTF-8 or UTF-32 when the client offers them). `LineIndex`
keeps the byte offset of every line start of one buffer, updates it in place when an edit lands
(so an edit costs what the edit touches, not the whole file), and converts in both directions.

Line ends follow the LSP exactly: `\\r\\n`, `\\n` and a lone `\\r`, nothing else (form feed,
U+2028, U+0085 and U+001C-U+001E are ordinary characters, unlike in `str.splitlines`). A column
past a line's end clamps to the line end, a line past the last clamps to the end of the buffer,
and a position is never placed between the `\\r` and the `\\n` of a CRLF. The server applies
every edit through this index, never through pygls's own document copy (see `lsp/protocol.py`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from lsprotocol import types
from vetline.rules.patterns import linear

UTF8 = types.PositionEncodingKind.Utf8.value
UTF16 = types.PositionEncodingKind.Utf16.value
UTF32 = types.PositionEncodingKind.Utf32.value
_LINE_END = linear(rb"\r\n|\r|\n")


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
    if encoding == UTF32 or text.isascii():  # one unit per character: no per-character walk of a long line
        return min(count, len(text))
    used = 0
    for index, char in enumerate(text):
        if used >= count:
            return index
        used += units(char, encoding)
    return len(text)


def _char_boundary(data: bytes, offset: int) -> int:
    """`offset`, moved forward past UTF-8 continuation bytes: a column inside a character rounds up."""
    while offset < len(data) and 0x80 <= data[offset] < 0xC0:
        offset += 1
    return offset


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
        self.starts = [0, *(m.end() for m in _LINE_END.finditer(source))]
        self._newlines = source.count(b"\n")

    def line_of(self, offset: int) -> tuple[int, int]:
        """The LSP line of a byte offset and the offset's byte column within it."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    @property
    def rows_are_lines(self) -> bool:
        """True unless a lone `\\r` ends a line (tree-sitter rows then differ from LSP lines)."""
        return self._newlines == len(self.starts) - 1

    def point(self, offset: int) -> tuple[int, int]:
        """The tree-sitter point (row, byte column) of a byte offset: rows count `\\n` only."""
        if self.rows_are_lines:
            return self.line_of(offset)
        row_start = self.source.rfind(b"\n", 0, offset) + 1
        return self.source.count(b"\n", 0, offset), offset - row_start

    def line_end(self, line: int) -> int:
        """The byte offset where `line`'s content ends (before its `\\r\\n`, `\\n` or `\\r`)."""
        if line + 1 >= len(self.starts):
            return len(self.source)
        end = self.starts[line + 1] - 1
        if self.source[end] == 0x0A and end > self.starts[line] and self.source[end - 1] == 0x0D:
            return end - 1
        return end

    def position(self, offset: int, encoding: str) -> types.Position:
        """The LSP position of a byte offset (inside a CRLF: the line end)."""
        offset = max(0, min(offset, len(self.source)))
        line, _ = self.line_of(offset)
        start = self.starts[line]
        offset = min(offset, self.line_end(line))
        if encoding == UTF8:
            return types.Position(line=line, character=offset - start)
        return types.Position(line=line, character=units(_decode(self.source[start:offset]), encoding))

    def range(self, start: int, end: int, encoding: str) -> types.Range:
        """The LSP range of a byte range."""
        return types.Range(start=self.position(start, encoding), end=self.position(end, encoding))

    def offset(self, position: types.Position, encoding: str) -> int:
        """The byte offset of an LSP position; past-the-end lines and columns are clamped."""
        if position.line >= len(self.starts):
            return len(self.source)
        start = self.starts[max(0, position.line)]
        content = self.source[start : self.line_end(max(0, position.line))]
        character = max(0, position.character)
        if encoding == UTF8:
            return start + _char_boundary(content, min(character, len(content)))
        text = _decode(content)
        return start + len(encode(text[: _prefix_chars(text, character, encoding)]))

    def replace(self, start: int, end: int, new: bytes) -> TreeEdit:
        """Apply an edit of bytes `[start, end)` -> `new`; return what tree-sitter must be told."""
        start_point, old_end_point = self.point(start), self.point(end)
        self._newlines += new.count(b"\n") - self.source.count(b"\n", start, end)
        self.source = self.source[:start] + new + self.source[end:]
        new_end = start + len(new)
        # Whether offset p starts a line depends on bytes p-1 and p only, so only the starts in
        # [start, new_end + 1] can change (an edit may join or split a `\\r` and a `\\n`).
        before = bisect.bisect_left(self.starts, max(start, 1))  # offset 0 always starts a line
        after = bisect.bisect_right(self.starts, end + 1)
        scanned = _LINE_END.finditer(self.source, max(0, start - 1), new_end + 2)
        middle = [m.end() for m in scanned if start <= m.end() <= new_end + 1]
        delta = len(new) - (end - start)
        self.starts[before:] = [*middle, *(offset + delta for offset in self.starts[after:])]
        return TreeEdit(start, end, new_end, start_point, old_end_point, self.point(new_end))
