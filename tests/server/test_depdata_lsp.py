"""End-to-end: dependency diagnostics and quick fixes on an import line and a requirements line.

Drives a real `vetline serve` over stdio with pytest-lsp, under the VS Code (push) and Neovim
(pull) capability profiles, reusing the e2e helpers in tests/e2e/lsp_helpers.py. The project
ships its own index so nothing is downloaded.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lsp_helpers import CONFIG, Buffer, RecordingClient, start_session

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONFIG_TOML = '[tool.vetline]\nselect = ["dependencies"]\n[tool.vetline.dependencies]\nindex = "index.txt"\n'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deps_project")
    (folder / "pyproject.toml").write_text(CONFIG_TOML)
    (folder / "index.txt").write_text("requests\nflask\npyyaml\nreqeusts\n")
    (folder / "requirements.txt").write_text("flask\n")
    return folder


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace: Path) -> Any:
    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


async def actions(client: RecordingClient, buffer: Buffer, found: list[types.Diagnostic]) -> list[types.CodeAction]:
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=99, character=0))
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri),
        range=whole,
        context=types.CodeActionContext(diagnostics=found),
    )
    result = await client.text_document_code_action_async(params) or []
    resolved = []
    for action in result:
        if isinstance(action, types.CodeAction) and action.edit is None and action.data is not None:
            action = await client.code_action_resolve_async(action)
        if isinstance(action, types.CodeAction):
            resolved.append(action)
    return resolved


async def test_typosquat_import_line_is_flagged_and_fixed(client: RecordingClient, workspace: Path) -> None:
    """Ensure that `import reqeusts` gets a diagnostic whose quick fix renames the import and its uses."""
    buffer = Buffer(client, workspace / "app.py", "import flask\nimport reqeusts\nreqeusts.get(url)\n")
    found = [d for d in await buffer.diagnostics() if d.code == "typosquat-package"]
    assert [(d.range.start.line, d.source) for d in found] == [(1, "vetline")]
    (fix,) = [a for a in await actions(client, buffer, found) if a.title.startswith("Replace with `requests`")]
    assert not fix.is_preferred and fix.edit is not None
    buffer.apply(fix.edit)
    assert buffer.text == "import flask\nimport requests\nrequests.get(url)\n"
    assert [d for d in await buffer.diagnostics() if d.code == "typosquat-package"] == []


async def test_undeclared_import_fix_edits_requirements_txt(client: RecordingClient, workspace: Path) -> None:
    """Ensure that the undeclared-import quick fix is a workspace edit appending to requirements.txt."""
    buffer = Buffer(client, workspace / "loader.py", "import flask\nimport yaml\n")
    (found,) = [d for d in await buffer.diagnostics() if d.code == "undeclared-import"]
    assert found.range.start.line == 1
    offered = [a for a in await actions(client, buffer, [found]) if "requirements.txt" in a.title]
    if not _creates_files(client):
        return  # the server only edits other files where the client supports file operations
    (fix,) = offered
    assert fix.edit is not None
    target = (workspace / "requirements.txt").as_uri()
    edits = [
        e
        for c in fix.edit.document_changes or []
        if isinstance(c, types.TextDocumentEdit) and c.text_document.uri == target
        for e in c.edits
    ]
    assert [e.new_text for e in edits] == ["PyYAML\n"]
    assert edits[0].range.start == types.Position(line=1, character=0)


def _creates_files(client: RecordingClient) -> bool:
    workspace = client.capabilities.workspace if client.capabilities else None
    edit = workspace.workspace_edit if workspace else None
    return bool(
        edit and edit.document_changes and types.ResourceOperationKind.Create in (edit.resource_operations or [])
    )


async def test_requirements_line_is_flagged_and_fixed(client: RecordingClient, workspace: Path) -> None:
    """Ensure that a requirements.txt line gets its diagnostic on that line, and the fix renames it."""
    buffer = Buffer(
        client, workspace / "requirements-dev.txt", "flask\nreqeusts==2.31.0\n", language="pip-requirements"
    )
    found = await buffer.diagnostics()
    assert [(d.code, d.range.start.line, d.range.start.character, d.range.end.character) for d in found] == [
        ("typosquat-package", 1, 0, 8)
    ]
    (fix,) = [a for a in await actions(client, buffer, found) if a.title.startswith("Replace with")]
    buffer.apply(fix.edit)
    assert buffer.text == "flask\nrequests==2.31.0\n"
    assert await buffer.diagnostics() == []
