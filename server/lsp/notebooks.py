"""Notebook document sync: Jupyter notebooks open in the editor, analysed as one module.

A client that supports LSP notebooks (VS Code) sends `notebookDocument/didOpen|didChange|
didSave|didClose` for notebooks matching the `notebookDocumentSync` selector (`jupyter-notebook`
notebooks, Python cells) instead of one `textDocument/*` stream per cell. Each cell's text
lives in `ls.documents` as an ordinary `Document` under the cell's URI, tagged with its
notebook, so diagnostics (pushed or pulled), hover and code actions work on cells unchanged.
What differs is analysis: the notebook's code cells are joined in notebook order into one
Python module (`vetline.rules.notebooks.CellModule`), the engine runs once, and every cell gets
the findings that lie in it, in its own coordinates. An edit in one cell can change another
cell's findings (an import, a tainted variable), so every cell of the notebook is re-analysed
and re-published together. Analysis is debounced per notebook by the shared scheduler.

Markdown cells are synced too (the selector asks for them), because a key pasted into a note is
as readable as one in code: they are read for secrets only, as `key: value` text, exactly as the
CLI reads them, and never joined into the Python module, so a Markdown cell between two code
cells moves no code cell's positions.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from vetline.rules.notebooks import CellModule, text_secrets

from ..convert import notice, to_diagnostic
from ..positions import LineIndex, encode
from . import metrics
from .documents import Document, Result, file_path, language_of
from .server import VetlineServer  # at run time: pygls reads the handlers' annotations

log = logging.getLogger("vetline.server")
NOTEBOOK_TYPE = "jupyter-notebook"
SYNC_OPTIONS = types.NotebookDocumentSyncOptions(
    notebook_selector=[
        types.NotebookDocumentFilterWithNotebook(
            notebook=types.NotebookDocumentFilterNotebookType(notebook_type=NOTEBOOK_TYPE),
            cells=[types.NotebookCellLanguage(language="python"), types.NotebookCellLanguage(language="markdown")],
        )
    ],
    save=True,
)
TOO_LARGE = "notebook-too-large"
_ids = itertools.count(1)


@dataclass
class Notebook:
    """One open notebook: its URI, version, file and its cells' URIs in notebook order."""

    uri: str
    version: int
    path: Path | None
    cells: list[types.NotebookCell] = field(default_factory=list)

    def code_cells(self, ls: VetlineServer) -> list[Document]:
        """The open Python code cells, in notebook order."""
        found = (ls.documents.get(cell.document) for cell in self.cells if cell.kind == types.NotebookCellKind.Code)
        return [doc for doc in found if doc is not None and doc.language == "python"]

    def text_cells(self, ls: VetlineServer) -> list[Document]:
        """The open cells read for secrets only (Markdown), in notebook order."""
        code = {doc.uri for doc in self.code_cells(ls)}
        found = (ls.documents.get(cell.document) for cell in self.cells if cell.document not in code)
        return [doc for doc in found if doc is not None]


def register(server: VetlineServer) -> None:
    server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)(did_open)
    server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)(did_change)
    server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)(did_save)
    server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)(did_close)


def did_open(ls: VetlineServer, params: types.DidOpenNotebookDocumentParams) -> None:
    item = params.notebook_document
    notebook = Notebook(item.uri, item.version, file_path(item.uri), list(item.cells))
    ls.notebooks[item.uri] = notebook
    for cell in params.cell_text_documents:
        _open_cell(ls, notebook, cell)
    if ls.workspace_results.pop(item.uri, None) is not None and not ls.features.pull_diagnostics:
        from .diagnostics import publish

        publish(ls, item.uri, None, [])  # the workspace scan's copy gives way to the live cells
    if ls.settings.run != "manual":
        ls.scheduler.request(item.uri)


def did_change(ls: VetlineServer, params: types.DidChangeNotebookDocumentParams) -> None:
    notebook = ls.notebooks.get(params.notebook_document.uri)
    if notebook is None:
        log.warning("change for a notebook that is not open: %s", params.notebook_document.uri)
        return
    notebook.version = params.notebook_document.version
    cells = params.change.cells
    if cells is not None:
        _change_structure(ls, notebook, cells.structure)
        _change_data(notebook, cells.data or [])
        for content in cells.text_content or []:
            doc = ls.documents.get(content.document.uri)
            if doc is None:
                continue
            doc.apply_all(content.changes, ls.encoding)
            doc.version = content.document.version
    _invalidate(ls, notebook)
    if ls.settings.run == "onType":
        ls.scheduler.request(notebook.uri)


def did_save(ls: VetlineServer, params: types.DidSaveNotebookDocumentParams) -> None:
    if params.notebook_document.uri in ls.notebooks and ls.settings.run != "manual":
        ls.scheduler.request(params.notebook_document.uri, immediate=True)


def did_close(ls: VetlineServer, params: types.DidCloseNotebookDocumentParams) -> None:
    notebook = ls.notebooks.pop(params.notebook_document.uri, None)
    ls.scheduler.forget(params.notebook_document.uri)
    for closed in params.cell_text_documents:
        _close_cell(ls, closed.uri)
    if notebook is not None:  # cells the client forgot to list are closed too
        for cell in notebook.cells:
            _close_cell(ls, cell.document)


def _open_cell(ls: VetlineServer, notebook: Notebook, item: types.TextDocumentItem) -> None:
    language = language_of(item.language_id, None)
    index = LineIndex(encode(item.text))
    ls.documents[item.uri] = Document(item.uri, language, item.version, index, notebook.path, notebook=notebook.uri)


def _close_cell(ls: VetlineServer, uri: str) -> None:
    from .diagnostics import publish

    if ls.documents.pop(uri, None) is not None and not ls.features.pull_diagnostics:
        publish(ls, uri, None, [])


def _change_structure(
    ls: VetlineServer, notebook: Notebook, structure: types.NotebookDocumentCellChangeStructure | None
) -> None:
    if structure is None:
        return
    array = structure.array
    notebook.cells[array.start : array.start + array.delete_count] = list(array.cells or [])
    for item in structure.did_open or []:
        _open_cell(ls, notebook, item)
    for closed in structure.did_close or []:
        _close_cell(ls, closed.uri)


def _change_data(notebook: Notebook, changed: Sequence[types.NotebookCell]) -> None:
    """A cell's kind can change (code <-> Markdown); its position and text stay."""
    by_uri = {cell.document: cell for cell in changed}
    notebook.cells = [by_uri.get(cell.document, cell) for cell in notebook.cells]


def _invalidate(ls: VetlineServer, notebook: Notebook) -> None:
    """Any change can move any cell's findings: no cell's last result is current any more."""
    for cell in notebook.cells:
        doc = ls.documents.get(cell.document)
        if doc is not None:
            doc.result = None


def notebook_of(ls: VetlineServer, doc: Document) -> Notebook | None:
    return ls.notebooks.get(doc.notebook) if doc.notebook is not None else None


def analyse_cell(ls: VetlineServer, doc: Document) -> Result:
    """The result of the cell `doc`, analysing its whole notebook (every cell gets its result)."""
    notebook = notebook_of(ls, doc)
    if notebook is not None:
        analyse_notebook(ls, notebook)
    if doc.result is None:  # a cell vetline does not read (Markdown, another language)
        doc.result = Result(doc.version, f"{doc.version}.n{next(_ids)}")
    return doc.result


def analyse_notebook(ls: VetlineServer, notebook: Notebook) -> list[Document]:
    """Analyse the notebook's code cells as one module; set and return each cell's result."""
    cells = notebook.code_cells(ls)
    module = CellModule([(doc.uri, doc.source.decode("utf-8", "replace")) for doc in cells])
    config = ls.projects.config_for(notebook.path)
    if len(module.source) > config.max_file_size:
        _too_large(ls, cells, len(module.source), config.max_file_size)
        return cells
    engine = ls.projects.engine_for(notebook.path)
    where = str(notebook.path or notebook.uri)
    analysis = engine.analyze(module.source, "python", where)
    by_cell = module.cell_findings(analysis.findings)
    texts = notebook.text_cells(ls)
    by_cell.update(text_secrets(engine, [(doc.uri, doc.source.decode("utf-8", "replace")) for doc in texts], where))
    rules = {rule.id: rule for rule in engine.rules}
    for doc in (*cells, *texts):
        findings = by_cell.get(doc.uri, [])
        observed = metrics.observe(ls, doc, findings)
        diagnostics = [
            to_diagnostic(f, doc.index, ls.encoding, doc.version, rules.get(f.rule_id), o.origin, o.key)
            for f, o in zip(findings, observed)
        ]
        doc.result = Result(doc.version, f"{doc.version}.n{next(_ids)}", tuple(findings), diagnostics)
    return [*cells, *texts]


def _too_large(ls: VetlineServer, cells: list[Document], size: int, limit: int) -> None:
    message = (
        f"vetline did not analyse this notebook: its code cells hold {size:,} bytes, over `maxFileSize` ({limit:,})"
    )
    for number, doc in enumerate(cells):
        diagnostics = [notice(doc.index, ls.encoding, message, TOO_LARGE)] if number == 0 else []
        doc.result = Result(doc.version, f"{doc.version}.n{next(_ids)}", (), diagnostics)


def workspace_reports(
    ls: VetlineServer, previous: Sequence[types.PreviousResultId]
) -> list[types.WorkspaceDocumentDiagnosticReport]:
    """The open cells' diagnostics for a `workspace/diagnostic` pull.

    VS Code pulls no cell document on its own (its pull feature follows text-document sync,
    which notebook sync replaces): the workspace pull it repeats is how cells get diagnostics.
    A cell whose result the client already holds is reported unchanged."""
    known = {item.uri: item.value for item in previous}
    reports: list[types.WorkspaceDocumentDiagnosticReport] = []
    for notebook in list(ls.notebooks.values()):
        for doc in (*notebook.code_cells(ls), *notebook.text_cells(ls)):
            if doc.result is None and ls.settings.run != "manual":
                analyse_cell(ls, doc)
            result = doc.result
            if result is None:
                continue
            if known.get(doc.uri) == result.result_id:
                reports.append(
                    types.WorkspaceUnchangedDocumentDiagnosticReport(
                        uri=doc.uri, version=doc.version, result_id=result.result_id
                    )
                )
            else:
                reports.append(
                    types.WorkspaceFullDocumentDiagnosticReport(
                        uri=doc.uri, version=doc.version, items=result.diagnostics, result_id=result.result_id
                    )
                )
    return reports


def refresh(ls: VetlineServer, uri: str) -> None:
    """Analyse an open notebook and hand every cell's diagnostics to the client."""
    from .diagnostics import ask_client_to_pull, publish

    notebook = ls.notebooks.get(uri)
    if notebook is None:
        return
    try:
        cells = analyse_notebook(ls, notebook)
    except Exception:
        log.exception("analysing notebook %s failed; no diagnostics for this version", uri)
        return
    if ls.features.pull_diagnostics:
        ask_client_to_pull(ls)
        return
    for doc in cells:
        if doc.result is not None:
            publish(ls, doc.uri, doc.result.version, doc.result.diagnostics)
