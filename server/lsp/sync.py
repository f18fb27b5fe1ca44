"""Document synchronisation: keep `ls.documents` equal to the editor's buffers.

The `run` setting decides which events trigger analysis: `onType` (open, change, save),
`onSave` (open, save) or `manual` (only the `vetline.analyzeDocument` and
`vetline.scanWorkspace` commands).
"""

from __future__ import annotations

import logging

from lsprotocol import types

from . import metrics
from .diagnostics import publish
from .documents import open_document
from .server import VetlineServer

log = logging.getLogger("vetline.server")


def register(server: VetlineServer) -> None:
    server.feature(types.TEXT_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.TEXT_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))(did_save)
    server.feature(types.TEXT_DOCUMENT_DID_CLOSE)(did_close)


def did_open(ls: VetlineServer, params: types.DidOpenTextDocumentParams) -> None:
    doc = open_document(params.text_document)
    ls.documents[doc.uri] = doc
    if ls.workspace_results.pop(doc.uri, None) is not None and not ls.features.pull_diagnostics:
        publish(ls, doc.uri, None, [])  # the workspace scan's copy gives way to the live buffer
    if ls.settings.run != "manual":
        ls.scheduler.request(doc.uri)


def did_change(ls: VetlineServer, params: types.DidChangeTextDocumentParams) -> None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        log.warning("change for a document that is not open: %s", params.text_document.uri)
        return
    doc.apply_all(params.content_changes, ls.encoding)
    doc.version = params.text_document.version
    if ls.settings.run == "onType":
        ls.scheduler.request(doc.uri)


def did_save(ls: VetlineServer, params: types.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri in ls.documents and ls.settings.run != "manual":
        ls.scheduler.request(params.text_document.uri, immediate=True)


def did_close(ls: VetlineServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.scheduler.forget(uri)
    metrics.forget(ls, uri)
    if ls.documents.pop(uri, None) is not None and not ls.features.pull_diagnostics:
        publish(ls, uri, None, [])
