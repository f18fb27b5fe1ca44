"""The `.ipynb` JSON text itself: where each cell's source sits in it, and rewriting sources in place.

Reports need to know on which line of the file a cell line is stored (SARIF viewers only know
the file); `vetline scan --fix` needs to change a cell's source and leave every other byte as it
was (metadata, outputs, cell ids, key order, indentation, escapes), so that the diff a user
commits is the fix and nothing else. Both walk the text with the same small reader, which
follows `cells[*].source` (nbformat 4) or `worksheets[*].cells[*].input|source` (nbformat 3)
and skips every other value whole with the standard JSON decoder.

A rewritten source keeps the style it was stored in: one JSON string, or a list of one string
per line laid out with the same whitespace between items as the original list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]

from vetline.rules.notebooks import NotebookError, parse_notebook

_WHITESPACE = frozenset(" \t\n\r")  # JSON's whitespace
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class SourceSpan:
    """Where one cell's source value lies in the text, and how it is laid out."""

    start: int  # character offset of the value's first character (`"` or `[`)
    end: int  # just after its last character
    is_list: bool
    gap: str = ""  # the whitespace between `[` and the first item (repeated after each `,`)
    closing_gap: str = ""  # the whitespace between the last item and `]`


def raw_lines(text: str) -> dict[tuple[int, int], tuple[int, int]]:
    """(1-based cell, 0-based cell line) -> (1-based line, 1-based column) in the `.ipynb` text
    where the JSON string holding that source line starts; {} when the layout cannot be followed."""
    try:
        return _SourceLocator(text).locate().found
    except (ValueError, IndexError, RecursionError):
        return {}


def source_spans(text: str) -> dict[int, SourceSpan]:
    """1-based cell -> the span of its `source` value (nbformat 3 code cells: `input`, as
    `vetline.rules.notebooks` reads them); {} when the layout cannot be followed."""
    try:
        return _SourceLocator(text).locate().spans
    except (ValueError, IndexError, RecursionError):
        return {}


def replace_sources(text: str, sources: Mapping[int, str]) -> str | None:
    """`text` with the source of each 1-based cell replaced, every other character kept;
    None when a cell's source cannot be found in the text."""
    spans = source_spans(text)
    if any(key not in spans for key in sources):
        return None
    ascii_only = text.isascii() and "\\u" in text  # the file was written with `ensure_ascii`
    result = text
    for key in sorted(sources, key=lambda k: spans[k].start, reverse=True):
        span = spans[key]
        result = result[: span.start] + _encoded(sources[key], span, ascii_only) + result[span.end :]
    return result


def _encoded(source: str, span: SourceSpan, ascii_only: bool) -> str:
    if not span.is_list:
        return json.dumps(source, ensure_ascii=ascii_only)
    lines = [json.dumps(line, ensure_ascii=ascii_only) for line in source.splitlines(keepends=True)]
    if not lines:
        return "[]"
    if not span.gap:  # `[]` or `["a", "b"]`: one line
        return "[" + ", ".join(lines) + "]"
    return "[" + span.gap + ("," + span.gap).join(lines) + span.closing_gap + "]"


class _SourceLocator:
    """Walks the cells of the JSON text, recording their sources, skipping every other value whole."""

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0
        self.found: dict[tuple[int, int], tuple[int, int]] = {}
        self.spans: dict[int, SourceSpan] = {}
        self.cells = 0
        self._line, self._line_start, self._counted = 1, 0, 0  # newlines counted up to `_counted`

    def locate(self) -> _SourceLocator:
        for key in self._members():
            if key == "cells":
                self._cells()
            elif key == "worksheets":  # nbformat 3: the cells of each worksheet, in order
                for _ in self._items():
                    for inner in self._members():
                        self._cells() if inner == "cells" else self._skip()
            else:
                self._skip()
        return self

    def _cells(self) -> None:
        for _ in self._items():
            self.cells += 1
            self._cell(self.cells)

    def _cell(self, cell: int) -> None:
        for key in self._members():
            if key not in ("source", "input"):
                self._skip()
            elif self._peek() == '"':
                start = self.at
                where, value = self._string()
                self._record(cell, key, SourceSpan(start, self.at, is_list=False))
                self.found.update({(cell, n): where for n in range(value.count("\n") + 1)})
            else:
                self._source_list(cell, key)

    def _source_list(self, cell: int, key: str) -> None:
        start, line = self._space(), 0
        gap = closing = ""
        for index in self._items():
            before = self.at
            where, value = self._string()
            if index == 0:
                gap = self.text[start + 1 : before]
            self.found.update({(cell, line + n): where for n in range(max(1, value.count("\n")))})
            line += value.count("\n")
            closing = self.text[self.at : self._space()]
        self._record(cell, key, SourceSpan(start, self.at, True, gap, closing))

    def _record(self, cell: int, key: str, span: SourceSpan) -> None:
        """A cell's `source` wins over an `input` beside it, as the reader of cells decides."""
        if key == "source" or cell not in self.spans:
            self.spans[cell] = span

    def _members(self) -> Iterator[str]:
        """Each key of the object at the cursor; the caller reads the value before the next."""
        self._expect("{")
        while self._peek() != "}":
            if self.text[self.at] == ",":
                self.at += 1
            self._peek()
            _, key = self._string()
            self._expect(":")
            yield key
        self.at += 1

    def _items(self) -> Iterator[int]:
        """Each index of the array at the cursor; the caller reads the item before the next."""
        self._expect("[")
        index = 0
        while self._peek() != "]":
            if self.text[self.at] == ",":
                self.at += 1
            self._peek()
            yield index
            index += 1
        self.at += 1

    def _string(self) -> tuple[tuple[int, int], str]:
        if self._peek() != '"':
            raise ValueError("expected a string")
        start = self.at
        value, self.at = scanstring(self.text, start + 1)
        return self._where(start), value

    def _where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of `offset`, counting only the text since the last call
        (strings are read in order), so a long or one-line file is read in linear time."""
        newlines = self.text.count("\n", self._counted, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rfind("\n", self._counted, offset) + 1
        self._counted = offset
        return self._line, offset - self._line_start + 1

    def _skip(self) -> None:
        self.at = _DECODER.raw_decode(self.text, self._space())[1]

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            raise ValueError(f"expected {char!r}")
        self.at += 1

    def _peek(self) -> str:
        return self.text[self._space()]

    def _space(self) -> int:
        # A plain loop, not a pattern: the RE2 binding copies the whole text on every call, which
        # made reading a 0.4 MB notebook take most of a minute (quadratic in the file size).
        text, at, end = self.text, self.at, len(self.text)
        while at < end and text[at] in _WHITESPACE:
            at += 1
        self.at = at
        return at


def with_sources(data: bytes, sources: Mapping[int, bytes]) -> bytes | None:
    """The notebook file `data` with the given 1-based cells' sources replaced, checked by reading
    it back: None unless it is still a notebook whose cells hold exactly the intended sources."""
    text = replace_sources(data.decode("utf-8"), {cell: source.decode("utf-8") for cell, source in sources.items()})
    if text is None:
        return None
    after = text.encode("utf-8")
    try:
        before_cells, after_cells = parse_notebook(data).cells, parse_notebook(after).cells
    except NotebookError:
        return None
    expected = [sources.get(cell.index + 1, cell.source.encode("utf-8")) for cell in before_cells]
    return after if [cell.source.encode("utf-8") for cell in after_cells] == expected else None
