"""Turn a fix's byte-range edits into an LSP `WorkspaceEdit` the client can apply.

Edits with `path=None` change the document itself. Edits with a relative `path` (e.g.
`.env.example`) target a sibling file: when the client accepts `documentChanges` with `create`
resource operations they become `CreateFile(ignoreIfExists)` plus a `TextDocumentEdit`
(appending when the edit's range is -1..-1); otherwise only the document's own edits are sent
and the caller says so in the action title.

A sibling file must lie inside the workspace folder that holds the document, judged by the URI
the editor uses (no symlink resolved: with a symlinked workspace root the edit names the path
under the root the user opened), and must not itself be a symlink leading out of its folder;
otherwise the fix falls back to the single-file form. A cloned repository without `.git` must
not get the `.gitignore` of the folder above it edited.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pygls.uris import from_fs_path
from vetline.rules import files
from vetline.rules.model import Edit, Fix

from ..fixing import (
    NO_RESOURCE_OPERATIONS,
    OUTSIDE_WORKSPACE,
    append_text,
    is_append,
    other_files,
    sibling,
    stays_inside,
)
from ..positions import LineIndex
from .documents import Document
from .server import VetlineServer


@dataclass(frozen=True)
class PlannedEdit:
    """A workspace edit and whether it had to leave out edits of other files."""

    edit: types.WorkspaceEdit
    single_file_fallback: bool
    fallback_reason: str = ""  # why the other files' edits were left out, for the action title


def text_edits(doc: Document, edits: list[Edit], encoding: str) -> list[types.TextEdit]:
    return [
        types.TextEdit(range=doc.index.range(e.start_byte, e.end_byte, encoding), new_text=e.new_text) for e in edits
    ]


def plan(ls: VetlineServer, doc: Document, fix: Fix) -> PlannedEdit:
    """The WorkspaceEdit for a fix on `doc` (computed for the document's current version)."""
    own = text_edits(doc, [e for e in fix.edits if e.path is None], ls.encoding)
    others = [e for e in fix.edits if e.path is not None]
    if not others:
        return PlannedEdit(document_edit(ls, doc, own), single_file_fallback=False)
    if not (ls.features.document_changes and ls.features.create_files and doc.path is not None):
        return PlannedEdit(document_edit(ls, doc, own), True, NO_RESOURCE_OPERATIONS.format(files=other_files(fix)))
    assert doc.path is not None
    targets = [sibling(doc.path, str(edit.path)) for edit in others]
    folder = _workspace_folder(ls, doc.path)
    if folder is None or not all(stays_inside(target, folder) for target in targets):
        return PlannedEdit(document_edit(ls, doc, own), True, OUTSIDE_WORKSPACE)
    changes: list[types.TextDocumentEdit | types.CreateFile] = []
    if own:
        changes.append(_versioned(doc.uri, doc.version, own))
    for edit, target in zip(others, targets):
        uri = from_fs_path(str(target)) or target.as_uri()
        changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        changes.append(_versioned(uri, None, [_edit_in_file(ls, uri, target, edit)]))
    return PlannedEdit(types.WorkspaceEdit(document_changes=changes), single_file_fallback=False)


def _workspace_folder(ls: VetlineServer, document: Path) -> Path | None:
    """The innermost workspace folder holding the document, compared as written (no symlinks resolved)."""
    holding = [f for f in (Path(os.path.abspath(f)) for f in ls.folders()) if document.is_relative_to(f)]
    return max(holding, key=lambda f: len(f.parts), default=None)


def document_edit(ls: VetlineServer, doc: Document, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    """Edits of one document, versioned when the client supports it."""
    if ls.features.document_changes:
        return types.WorkspaceEdit(document_changes=[_versioned(doc.uri, doc.version, edits)])
    return types.WorkspaceEdit(changes={doc.uri: edits})


def _versioned(uri: str, version: int | None, edits: list[types.TextEdit]) -> types.TextDocumentEdit:
    identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
    return types.TextDocumentEdit(text_document=identifier, edits=list(edits))


def _edit_in_file(ls: VetlineServer, uri: str, path: Path, edit: Edit) -> types.TextEdit:
    """A TextEdit on another file: its open buffer, else its content on disk, else empty."""
    open_doc = ls.documents.get(uri)
    if open_doc is not None:
        index = open_doc.index
    else:
        try:
            index = LineIndex(files.read_bounded(path, files.MAX_MANIFEST_BYTES))
        except OSError:
            index = LineIndex(b"")
    if is_append(edit):  # on a line of its own
        end = len(index.source)
        return types.TextEdit(
            range=index.range(end, end, ls.encoding), new_text=append_text(index.source, edit.new_text)
        )
    return types.TextEdit(range=index.range(edit.start_byte, edit.end_byte, ls.encoding), new_text=edit.new_text)
