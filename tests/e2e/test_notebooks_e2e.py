"""End-to-end: Jupyter notebooks through LSP notebook document sync, as VS Code sends them.

The client profiles are pytest-lsp's VS Code (push) and Neovim (pull) capabilities with
notebook synchronization added (VS Code has sent it since 1.67). Cells are opened, edited,
added and closed with `notebookDocument/*` notifications; diagnostics arrive per cell URI.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import CONFIG, TIMEOUT, RecordingClient, diagnostics, edits_for, pulls, wait_publish_after
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec
from pytest_lsp import client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")
PYPROJECT = '[tool.vetline]\nselect = ["yaml-unsafe-load", "os-command-injection", "secrets"]\n'
# Split so that this file holds no whole token; the notebook cell does.
GITHUB_TOKEN = "ghp_" + "Zq8xLmN3pR7sT1vW5yB9cD2fG4hJ6kA0eU8i"
CODE, MARKUP = types.NotebookCellKind.Code, types.NotebookCellKind.Markup


@pytest.fixture(scope="module")
def notebook_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notebooks")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, notebook_folder: Path) -> Any:
    capabilities = client_capabilities(request.param)
    capabilities.notebook_document = types.NotebookDocumentClientCapabilities(
        synchronization=types.NotebookDocumentSyncClientCapabilities(execution_summary_support=True)
    )
    uri = notebook_folder.as_uri()
    params = types.InitializeParams(
        capabilities=capabilities, root_uri=uri, workspace_folders=[types.WorkspaceFolder(uri=uri, name="nb")]
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.server_capabilities = result.capabilities  # type: ignore[attr-defined]
    encoding = result.capabilities.position_encoding
    lsp_client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    lsp_client.workspace_path = notebook_folder
    yield
    await lsp_client.shutdown_session()


class OpenNotebook:
    """A notebook open in the test client: its cells' texts and versions, changes sent as VS Code does."""

    def __init__(self, client: RecordingClient, name: str, cells: list[tuple[types.NotebookCellKind, str]]) -> None:
        self.client = client
        self.uri = (client.workspace_path / name).as_uri()
        self.version = 1
        self.cells: list[types.NotebookCell] = []
        self.texts: dict[str, TextDocument] = {}
        items = [self._new_cell(kind, text) for kind, text in cells]
        document = types.NotebookDocument(self.uri, "jupyter-notebook", 1, list(self.cells))
        client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(document, items))

    def _new_cell(self, kind: types.NotebookCellKind, text: str) -> types.TextDocumentItem:
        cell_uri = f"vscode-notebook-cell:{self.uri[len('file:') :]}#C{len(self.texts)}"
        self.cells.append(types.NotebookCell(kind=kind, document=cell_uri))
        codec = PositionCodec(self.client.position_encoding)
        self.texts[cell_uri] = TextDocument(cell_uri, text, version=1, position_codec=codec)
        language = "python" if kind == CODE else "markdown"
        return types.TextDocumentItem(uri=cell_uri, language_id=language, version=1, text=text)

    def cell(self, index: int) -> str:
        return self.cells[index].document

    def text(self, index: int) -> str:
        return self.texts[self.cell(index)].source

    async def diagnostics(self, index: int) -> list[types.Diagnostic]:
        document = self.texts[self.cell(index)]
        return await diagnostics(self.client, document.uri, document.version or 1)

    def edit(self, index: int, edits: list[types.TextEdit]) -> None:
        """Change one cell's text with incremental edits (last first), in a notebook didChange."""
        document = self.texts[self.cell(index)]
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        changes = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]
        for change in changes:
            document.apply_change(change)
        document.version = (document.version or 1) + 1
        identifier = types.VersionedTextDocumentIdentifier(uri=document.uri, version=document.version)
        content = types.NotebookDocumentCellContentChanges(document=identifier, changes=changes)
        self._send(types.NotebookDocumentCellChanges(text_content=[content]))

    def append_cell(self, text: str) -> int:
        """Add a code cell at the end, as a structure change; returns its index."""
        start = len(self.cells)
        item = self._new_cell(CODE, text)
        array = types.NotebookCellArrayChange(start=start, delete_count=0, cells=[self.cells[-1]])
        self._send(
            types.NotebookDocumentCellChanges(structure=types.NotebookDocumentCellChangeStructure(array, [item]))
        )
        return start

    def insert_cell(self, index: int, kind: types.NotebookCellKind, text: str) -> None:
        """Insert a cell before the cell at `index`, as a structure change opening its document."""
        item = self._new_cell(kind, text)
        self.cells.insert(index, self.cells.pop())
        array = types.NotebookCellArrayChange(start=index, delete_count=0, cells=[self.cells[index]])
        self._send(
            types.NotebookDocumentCellChanges(structure=types.NotebookDocumentCellChangeStructure(array, [item]))
        )

    def delete_cell(self, index: int) -> None:
        """Delete the cell at `index`, as a structure change closing its document."""
        cell = self.cells.pop(index)
        array = types.NotebookCellArrayChange(start=index, delete_count=1)
        closed = [types.TextDocumentIdentifier(uri=cell.document)]
        structure = types.NotebookDocumentCellChangeStructure(array, did_close=closed)
        self._send(types.NotebookDocumentCellChanges(structure=structure))

    async def diagnostics_after(self, index: int, start: int) -> list[types.Diagnostic]:
        """The cell's diagnostics once the server has handled the changes sent since `start` pushes
        (a push client: the next push for the cell, whose own version may not have changed)."""
        if pulls(self.client):
            return await self.diagnostics(index)
        return await wait_publish_after(self.client, self.cell(index), start)

    def _send(self, cells: types.NotebookDocumentCellChanges) -> None:
        self.version += 1
        identifier = types.VersionedNotebookDocumentIdentifier(version=self.version, uri=self.uri)
        change = types.NotebookDocumentChangeEvent(cells=cells)
        self.client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(identifier, change))

    def close(self) -> None:
        identifiers = [types.TextDocumentIdentifier(uri=cell.document) for cell in self.cells]
        self.client.notebook_document_did_close(
            types.DidCloseNotebookDocumentParams(types.NotebookDocumentIdentifier(uri=self.uri), identifiers)
        )


def whole_line(line: int) -> types.Range:
    return types.Range(start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0))


async def quick_fixes(client: RecordingClient, cell_uri: str, found: list[types.Diagnostic]) -> list[types.CodeAction]:
    context = types.CodeActionContext(diagnostics=found)
    params = types.CodeActionParams(types.TextDocumentIdentifier(uri=cell_uri), whole_line(0), context)
    result = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT)
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def test_server_registers_notebook_sync_for_jupyter_python_cells(client: RecordingClient) -> None:
    """Ensure that the server asks for `jupyter-notebook` notebooks with Python cells."""
    sync = client.server_capabilities.notebook_document_sync  # type: ignore[attr-defined]
    assert sync is not None
    (selector,) = sync.notebook_selector
    assert selector.notebook.notebook_type == "jupyter-notebook"
    assert [cell.language for cell in selector.cells] == ["python", "markdown"]


async def test_finding_is_reported_on_its_cell_and_line_using_imports_of_earlier_cells(
    client: RecordingClient,
) -> None:
    """Ensure that cells are analysed together: cell 1's import makes cell 3's call a finding, on cell 3."""
    cells = [
        (CODE, "import yaml as y\n"),
        (MARKUP, "# Load the data\n"),
        (CODE, "data = open('d').read()\ny.load(data)\n"),
    ]
    notebook = OpenNotebook(client, "together.ipynb", cells)
    (found,) = await notebook.diagnostics(2)
    assert found.code == "yaml-unsafe-load"
    assert (found.range.start.line, found.range.start.character) == (1, 0)
    assert await notebook.diagnostics(0) == []
    notebook.close()


async def test_data_flow_crosses_cells(client: RecordingClient) -> None:
    """Ensure that a request value read in one cell and run as a command in another is found there."""
    cells = [
        (CODE, "import os\nfrom flask import request\n"),
        (CODE, "cmd = request.args['c']\n"),
        (CODE, "os.system(cmd)\n"),
    ]
    notebook = OpenNotebook(client, "flow.ipynb", cells)
    (found,) = await notebook.diagnostics(2)
    assert found.code == "os-command-injection" and found.range.start.line == 0
    assert await notebook.diagnostics(1) == []
    notebook.close()


async def test_editing_a_cell_updates_its_diagnostics(client: RecordingClient) -> None:
    """Ensure that an edit inside a cell re-analyses it: the fixed call no longer reports."""
    notebook = OpenNotebook(client, "edit.ipynb", [(CODE, "import yaml\n"), (CODE, "yaml.load(x)\n")])
    assert [d.code for d in await notebook.diagnostics(1)] == ["yaml-unsafe-load"]
    start, end = types.Position(line=0, character=5), types.Position(line=0, character=9)
    notebook.edit(1, [types.TextEdit(range=types.Range(start=start, end=end), new_text="safe_load")])
    assert notebook.text(1) == "yaml.safe_load(x)\n"
    assert await notebook.diagnostics(1) == []
    notebook.close()


async def test_a_new_cell_is_analysed_with_the_others(client: RecordingClient) -> None:
    """Ensure that a cell added to the notebook gets diagnostics, resolved through earlier cells."""
    notebook = OpenNotebook(client, "added.ipynb", [(CODE, "import yaml as y\n")])
    assert await notebook.diagnostics(0) == []
    index = notebook.append_cell("\n\ny.load(stream)\n")
    (found,) = await notebook.diagnostics(index)
    assert found.code == "yaml-unsafe-load" and found.range.start.line == 2
    notebook.close()


async def test_quick_fix_edits_the_cell_and_clears_its_diagnostic(client: RecordingClient) -> None:
    """Ensure that the preferred quick fix targets the cell's URI and applying it clears the finding."""
    notebook = OpenNotebook(client, "fix.ipynb", [(CODE, "import yaml\n"), (CODE, "doc = yaml.load(raw)\n")])
    found = await notebook.diagnostics(1)
    (fix,) = [a for a in await quick_fixes(client, notebook.cell(1), found) if a.is_preferred]
    assert fix.edit is not None and edits_for(fix.edit, notebook.cell(0)) == []
    notebook.edit(1, edits_for(fix.edit, notebook.cell(1)))
    assert notebook.text(1) == "doc = yaml.safe_load(raw)\n"
    assert await notebook.diagnostics(1) == []
    notebook.close()


async def test_ignore_on_this_line_comments_the_cell_line(client: RecordingClient) -> None:
    """Ensure that "Ignore on this line" edits the cell, and the comment silences the finding."""
    notebook = OpenNotebook(client, "ignore.ipynb", [(CODE, "import yaml\nyaml.load(raw)\n")])
    found = await notebook.diagnostics(0)
    (ignore,) = [a for a in await quick_fixes(client, notebook.cell(0), found) if a.title.endswith("on this line")]
    assert ignore.edit is not None
    notebook.edit(0, edits_for(ignore.edit, notebook.cell(0)))
    assert notebook.text(0) == "import yaml\nyaml.load(raw)  # vetline: ignore[yaml-unsafe-load]\n"
    assert await notebook.diagnostics(0) == []
    notebook.close()


async def test_closing_a_notebook_clears_its_cells(client: RecordingClient) -> None:
    """Ensure that closing a notebook publishes empty diagnostics for its cells (push clients)."""
    if client.capabilities.text_document.diagnostic is not None:  # type: ignore[union-attr]
        pytest.skip("pull clients ask for diagnostics themselves; nothing is pushed")
    notebook = OpenNotebook(client, "close.ipynb", [(CODE, "import yaml\nyaml.load(s)\n")])
    assert await notebook.diagnostics(0) != []
    start = len(client.published)
    notebook.close()
    assert await wait_publish_after(client, notebook.cell(0), start) == []


async def test_editing_one_cell_updates_the_findings_of_another(client: RecordingClient) -> None:
    """Ensure that every cell is re-checked on any edit: changing cell 1's import clears cell 2's finding."""
    notebook = OpenNotebook(client, "other.ipynb", [(CODE, "import yaml as y\n"), (CODE, "y.load(s)\n")])
    assert [d.code for d in await notebook.diagnostics(1)] == ["yaml-unsafe-load"]
    start = len(client.published)
    position = types.Position(line=0, character=7)
    end = types.Position(line=0, character=11)
    notebook.edit(0, [types.TextEdit(range=types.Range(start=position, end=end), new_text="json")])
    assert notebook.text(0) == "import json as y\n"
    if pulls(client):
        assert await notebook.diagnostics(1) == []
    else:  # cell 2's version did not change: wait for the push that follows the edit
        assert await wait_publish_after(client, notebook.cell(1), start) == []
    notebook.close()


async def test_hover_on_a_cell_finding_explains_the_rule(client: RecordingClient) -> None:
    """Ensure that hovering the flagged call in a cell shows the rule's explanation."""
    notebook = OpenNotebook(client, "hover.ipynb", [(CODE, "import yaml\n"), (CODE, "yaml.load(s)\n")])
    await notebook.diagnostics(1)
    params = types.HoverParams(types.TextDocumentIdentifier(uri=notebook.cell(1)), types.Position(line=0, character=2))
    hover = await asyncio.wait_for(client.text_document_hover_async(params), TIMEOUT)
    assert hover is not None and "yaml-unsafe-load" in str(hover.contents)
    notebook.close()


async def test_workspace_pull_carries_the_cells_diagnostics(client: RecordingClient) -> None:
    """Ensure that `workspace/diagnostic` reports open cells (VS Code pulls no cell document itself), then unchanged."""
    if not pulls(client):
        pytest.skip("only pull clients ask for workspace diagnostics")
    notebook = OpenNotebook(client, "pulled.ipynb", [(CODE, "import yaml as y\n"), (CODE, "y.load(s)\n")])
    params = types.WorkspaceDiagnosticParams(previous_result_ids=[])
    report = await asyncio.wait_for(client.workspace_diagnostic_async(params), TIMEOUT)
    by_uri = {item.uri: item for item in report.items}
    first, second = by_uri[notebook.cell(0)], by_uri[notebook.cell(1)]
    assert isinstance(second, types.WorkspaceFullDocumentDiagnosticReport) and second.version == 1
    assert [(d.code, d.range.start.line) for d in second.items] == [("yaml-unsafe-load", 0)]
    assert isinstance(first, types.WorkspaceFullDocumentDiagnosticReport) and list(first.items) == []
    known = [types.PreviousResultId(uri=second.uri, value=second.result_id or "")]
    again = await asyncio.wait_for(client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(known)), TIMEOUT)
    kinds = {item.uri: type(item) for item in again.items}
    assert kinds[notebook.cell(1)] is types.WorkspaceUnchangedDocumentDiagnosticReport
    notebook.close()


async def test_markdown_cells_are_synced_read_for_secrets_and_never_as_code(client: RecordingClient) -> None:
    """Ensure that Markdown cells between code cells move no code position, code-like Markdown is not
    analysed (before or after an edit), and a token in a note is reported on that cell, masked."""
    cells = [
        (CODE, "import yaml\n"),
        (MARKUP, "# Notes\n\nNever `yaml.load(x)`; run `os.system(cmd)`\n"),
        (CODE, "data = open('d').read()\nyaml.load(data)\n"),
        (MARKUP, f"Setup\n\ntoken: {GITHUB_TOKEN}\n"),
    ]
    notebook = OpenNotebook(client, "markdown.ipynb", cells)
    assert [(d.code, d.range.start.line, d.range.start.character) for d in await notebook.diagnostics(2)] == [
        ("yaml-unsafe-load", 1, 0)
    ]
    assert await notebook.diagnostics(1) == []
    (secret,) = await notebook.diagnostics(3)
    assert (secret.code, secret.range.start.line) == ("hardcoded-secret", 2)
    assert GITHUB_TOKEN not in secret.message and GITHUB_TOKEN[4:20] not in secret.message

    start = len(client.published)
    top = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
    notebook.edit(1, [types.TextEdit(range=top, new_text="import os\nos.system(input())\nyaml.load(s)\n")])
    assert notebook.text(1).startswith("import os\nos.system(input())\n")
    assert await notebook.diagnostics(1) == []  # the edited note is still text, not code
    assert [(d.code, d.range.start.line) for d in await notebook.diagnostics_after(2, start)] == [
        ("yaml-unsafe-load", 1)
    ]
    notebook.close()


async def test_inserting_and_deleting_cells_reorders_the_module(client: RecordingClient) -> None:
    """Ensure that a code cell inserted between two others takes part in their analysis at its place,
    a Markdown cell inserted above shifts nothing, and deleting the inserted cell drops its effect."""
    cells = [(CODE, "import os\nfrom flask import request\ncmd = 'ls'\n"), (CODE, "\nos.system(cmd)\n")]
    notebook = OpenNotebook(client, "structure.ipynb", cells)
    assert await notebook.diagnostics(1) == []

    start = len(client.published)
    notebook.insert_cell(1, CODE, "cmd = request.args['c']\n")  # now the command comes from the request
    assert [(d.code, d.range.start.line) for d in await notebook.diagnostics_after(2, start)] == [
        ("os-command-injection", 1)
    ]
    assert await notebook.diagnostics(1) == []

    start = len(client.published)
    notebook.insert_cell(0, MARKUP, "# Title\n\nos.system(request.args['c'])\n")
    assert [(d.code, d.range.start.line) for d in await notebook.diagnostics_after(3, start)] == [
        ("os-command-injection", 1)
    ]
    assert await notebook.diagnostics(0) == []

    start = len(client.published)
    notebook.delete_cell(2)  # the request read goes: the constant command is safe again
    assert notebook.cells[2].document.endswith("#C1")
    assert await notebook.diagnostics_after(2, start) == []
    notebook.close()
