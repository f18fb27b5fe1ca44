"""Unit tests of fix -> WorkspaceEdit planning, including edits of sibling files."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from lsprotocol import types
from vetline.rules.model import Confidence, Edit, Finding, Fix, Position, Severity
from vetline.server.lsp.actions import safe_fixes
from vetline.server.lsp.capabilities import ClientFeatures
from vetline.server.lsp.documents import open_document
from vetline.server.lsp.edits import plan

SECRET_FIX = Fix(
    "Read the key from the environment",
    (Edit(6, 14, 'os.environ["KEY"]'), Edit(-1, -1, "KEY=\n", path=".env.example")),
    safe=False,
)


def server(folders: tuple[Path, ...] = (), **features: bool) -> SimpleNamespace:
    return SimpleNamespace(
        features=ClientFeatures(**features), encoding="utf-16", documents={}, folders=lambda: list(folders)
    )


def test_sibling_file_edit_creates_then_appends(tmp_path: Path) -> None:
    """Ensure that a `path` edit becomes CreateFile(ignoreIfExists) plus an append at the end."""
    (tmp_path / ".env.example").write_text("A=1", encoding="utf-8")
    doc = open_document(
        types.TextDocumentItem(
            uri=(tmp_path / "app.py").as_uri(), language_id="python", version=3, text='KEY = "abcdefgh"\n'
        )
    )
    planned = plan(server((tmp_path,), document_changes=True, create_files=True), doc, SECRET_FIX)
    own, create, append = planned.edit.document_changes
    assert not planned.single_file_fallback
    assert own.text_document.version == 3 and own.edits[0].new_text == 'os.environ["KEY"]'
    assert isinstance(create, types.CreateFile) and create.options.ignore_if_exists
    assert create.uri == (tmp_path / ".env.example").as_uri()
    assert append.edits[0].range.start == types.Position(line=0, character=3)
    assert append.edits[0].new_text == "\nKEY=\n"


def test_client_without_resource_operations_gets_the_single_file_fallback(tmp_path: Path) -> None:
    """Ensure that without `create` support only the document's own edits are sent, flagged."""
    doc = open_document(
        types.TextDocumentItem(
            uri=(tmp_path / "app.py").as_uri(), language_id="python", version=1, text='KEY = "abcdefgh"\n'
        )
    )
    planned = plan(server(), doc, SECRET_FIX)
    assert planned.single_file_fallback
    assert list(planned.edit.changes) == [doc.uri] and len(planned.edit.changes[doc.uri]) == 1


def test_fix_all_takes_safe_fixes_and_skips_overlaps() -> None:
    """Ensure that fix-all keeps only safe, single-file, non-overlapping fixes."""

    def finding(start: int, end: int, safe: bool, path: str | None = None) -> Finding:
        fix = Fix("f", (Edit(start, end, "x", path) if path is None else Edit(-1, -1, "x", path),), safe)
        return Finding("r-x", "m", Severity.HIGH, Confidence.HIGH, start, end, Position(0, 0), Position(0, 0), fix)

    chosen = safe_fixes(
        [
            finding(0, 5, True),
            finding(3, 8, True),
            finding(10, 12, False),
            finding(20, 22, True),
            finding(30, 31, True, ".env"),
        ]
    )
    assert [(e.start_byte, e.end_byte) for _finding, fix in chosen for e in fix.edits] == [(0, 5), (20, 22)]
