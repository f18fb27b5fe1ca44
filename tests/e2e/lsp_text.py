"""A reference model of an LSP client's buffer, written from the specification, not from vetline.

Text is a `str`; line ends are `\\r\\n`, `\\n` and a lone `\\r` and nothing else; a position's
character counts code units of the negotiated encoding; a column past the end of a line means
the line end and a line past the last means the end of the text (LSP 3.17, "Position"). The
server's `positions.py` works on UTF-8 bytes with a line-start index; this model works on
characters with a regular expression, so the two share no code.
"""

from __future__ import annotations

import re

from lsprotocol import types

LINE_END = re.compile(r"\r\n|\r|\n")


def lines(text: str) -> list[str]:
    """The lines of `text` without their line ends (LSP rules: `"a\\x0cb"` is one line)."""
    return LINE_END.split(text)


def width(char: str, encoding: str) -> int:
    """Code units of one character."""
    if encoding == "utf-8":
        return len(char.encode("utf-8", "surrogatepass"))
    if encoding == "utf-16":
        return 2 if ord(char) > 0xFFFF else 1
    return 1


def index(text: str, position: types.Position, encoding: str) -> int:
    """The `str` index of an LSP position in `text`, clamped as the LSP says."""
    starts = [0, *(m.end() for m in LINE_END.finditer(text))]
    if position.line >= len(starts):
        return len(text)
    line = lines(text)[position.line]
    used = 0
    for column, char in enumerate(line):
        if used >= position.character:
            return starts[position.line] + column
        used += width(char, encoding)
    return starts[position.line] + len(line)


def position(text: str, at: int, encoding: str) -> types.Position:
    """The LSP position of `str` index `at` (which must not fall inside a `\\r\\n`)."""
    before = lines(text[:at])
    return types.Position(line=len(before) - 1, character=sum(width(c, encoding) for c in before[-1]))


def apply(text: str, change: types.TextDocumentContentChangePartial, encoding: str) -> str:
    """`text` after one incremental change."""
    start = index(text, change.range.start, encoding)
    end = max(start, index(text, change.range.end, encoding))
    return text[:start] + change.text + text[end:]
