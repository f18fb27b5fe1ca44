"""Open documents as the server sees them: the buffer's bytes, its line index and its tree.

The server analyses the editor's buffer, never the file on disk. Each incremental change is
applied to the bytes, to the line index and, through `Tree.edit`, to the last tree-sitter tree,
so the next parse is incremental. Edits that insert three or more lines at once (an accepted
AI suggestion, a paste) are remembered as inserted blocks; the ranges shift with later edits
so a finding inside one can say where it came from. Consecutive insertions of one didChange,
each continuing the last, count as one edit: a client streams a large paste in chunks (Neovim's
`vim.paste`), none of which need be three lines long. Every other insertion is typed text,
remembered (merged, bounded) so the metrics store can count typed lines, never their content.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path
from tree_sitter import Tree
from vetline.rules import languages
from vetline.rules.model import Finding

from ..positions import LineIndex, encode

BLOCK_LINES = 3  # an edit inserting at least this many lines counts as one inserted block
MAX_BLOCKS = 32  # remember only the most recent blocks
MAX_TYPED = 256  # typed ranges remembered (touching ones merge: a line typed key by key is one)
_IMPORT_WORDS = (b"import", b"require")  # text that changes what a file imports: a full analysis follows


@dataclass
class Result:
    """Diagnostics computed for one version of a document."""

    version: int
    result_id: str
    findings: tuple[Finding, ...] = ()
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    partial: bool = False  # True when only the edited definitions were re-analysed


@dataclass
class Document:
    """One open text document."""

    uri: str
    language: str | None
    version: int
    index: LineIndex
    path: Path | None = None
    tree: Tree | None = None
    blocks: list[list[int]] = field(default_factory=list)  # [start, end) byte ranges of inserted blocks
    typed: list[list[int]] = field(default_factory=list)  # [start, end) byte ranges of typed insertions
    insertion: list[int] | None = None  # [start, end, newlines] of this didChange's insertions so far
    result: Result | None = None
    # What incremental analysis needs: the findings of the last analysis (in that analysis's
    # byte coordinates), the edits since then, and the regions they touched (current coordinates).
    base: tuple[Finding, ...] | None = None
    edits_since: list[tuple[int, int, int]] = field(default_factory=list)  # (start, old end, new length)
    dirty: list[list[int]] = field(default_factory=list)
    imports_touched: bool = False  # an edit since the last analysis added or removed `import`/`require` text
    notebook: str | None = None  # the URI of the notebook this document is a cell of (`notebooks.py`)

    @property
    def source(self) -> bytes:
        return self.index.source

    def apply_all(self, changes: Sequence[types.TextDocumentContentChangeEvent], encoding: str) -> None:
        """Apply the content changes of one didChange, in order."""
        for change in changes:
            self.apply(change, encoding)
        self._settle_insertion()

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> None:
        """Apply one content change (incremental or whole-document); `apply_all` settles blocks."""
        new = encode(change.text)
        if not isinstance(change, types.TextDocumentContentChangePartial):
            self.index = LineIndex(new)
            self.tree, self.blocks, self.typed = None, [], []  # a whole-document change cannot tell what was inserted
            self.base, self.insertion = None, None
            return
        start = self.index.offset(change.range.start, encoding)
        end = max(start, self.index.offset(change.range.end, encoding))
        old = self.source[start:end]
        self.imports_touched = self.imports_touched or any(
            word in text for word in _IMPORT_WORDS for text in (new, old)
        )
        edit = self.index.replace(start, end, new)
        if self.tree is not None:
            self.tree.edit(
                edit.start_byte,
                edit.old_end_byte,
                edit.new_end_byte,
                edit.start_point,
                edit.old_end_point,
                edit.new_end_point,
            )
        continues = self._continues_insertion(start, end)
        if not continues:
            self._settle_insertion()
        shift(self.blocks, start, end, len(new))
        shift(self.typed, start, end, len(new))
        shift(self.dirty, start, end, len(new))
        self.dirty.append([start, start + len(new)])
        self.edits_since.append((start, end, len(new)))
        if continues and self.insertion is not None:
            self.insertion[1] += len(new)
            self.insertion[2] += new.count(b"\n")
        else:
            self.insertion = [start, start + len(new), new.count(b"\n")]

    def analysed(self, findings: tuple[Finding, ...]) -> None:
        """Record the findings of an analysis of the current text as the next incremental base."""
        self.base, self.edits_since, self.dirty, self.imports_touched = findings, [], [], False

    def in_inserted_block(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.blocks)

    def typed_lines(self) -> int:
        """How many lines hold typed text outside inserted blocks (a count, never the text)."""
        lines: set[int] = set()
        starts, blocks = self.index.starts, self.blocks
        for start, end in self.typed:
            if end > start and not (blocks and self.in_inserted_block(start)):
                first, last = bisect_right(starts, start), bisect_right(starts, end - 1)  # line numbers + 1
                if last > first:
                    lines.update(range(first, last + 1))
                else:
                    lines.add(first)
        return len(lines)

    def _continues_insertion(self, start: int, end: int) -> bool:
        """An insertion (nothing replaced) inside or at the end of this didChange's last one."""
        run = self.insertion
        return run is not None and start == end and run[0] <= start <= run[1]

    def _settle_insertion(self) -> None:
        """This didChange's insertion so far is a block when it spans three lines, else typed."""
        run, self.insertion = self.insertion, None
        if run is None or run[1] <= run[0]:
            return
        if run[2] >= BLOCK_LINES - 1:
            self.blocks.append(run[:2])
            del self.blocks[:-MAX_BLOCKS]
            return
        for span in self.typed:
            if run[0] <= span[1] and span[0] <= run[1]:  # touching: one typed range
                span[0], span[1] = min(span[0], run[0]), max(span[1], run[1])
                return
        self.typed.append(run[:2])
        del self.typed[:-MAX_TYPED]


def shift(ranges: list[list[int]], start: int, end: int, new_length: int) -> None:
    """Move `[start, end)` byte ranges in place for an edit of `[start, end)` to `new_length` bytes."""
    delta = new_length - (end - start)
    for span in ranges:
        if span[0] >= end:
            span[0] += delta
            span[1] += delta
        elif span[1] > start:  # an edit inside (or across) a range grows or shrinks it
            span[1] = max(span[0], span[1] + delta)


def open_document(item: types.TextDocumentItem) -> Document:
    """A Document for a didOpen item, its language from the client or from the file name."""
    path = file_path(item.uri)
    return Document(item.uri, language_of(item.language_id, path), item.version, LineIndex(encode(item.text)), path)


def language_of(language_id: str, path: Path | None) -> str | None:
    """vetline's language for a document: the client's id when vetline knows it, else the name's."""
    known = languages.from_client_id(language_id)
    by_name = languages.language_for_path(path) if path is not None else None
    if known is not None and not (by_name is not None and language_id in languages.GENERIC_CLIENT_IDS):
        return known
    return by_name


def file_path(uri: str) -> Path | None:
    """The local file of a `file:` URI; None for other schemes (`untitled:`, notebook cells)."""
    fs_path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(fs_path) if fs_path else None
