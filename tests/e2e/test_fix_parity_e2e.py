"""End-to-end: the editor's fixes and `vetline scan --fix` make exactly the same edits.

The fixture project of `tests/server/test_cli_fix.py` is opened in the language server: applying
`source.fixAll.vetline` to each file must give the bytes `--fix` writes (`after_safe/`), and
applying each finding's own quick fix one after another, sibling files included, must give what
`--fix --unsafe-fixes` writes (`after_unsafe/`). The CLI side is asserted against the same
fixture files there, so the two front ends are held to one result.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import CONFIG, TIMEOUT, Buffer, RecordingClient, start_session
from lsp_text import apply
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")
FIXTURE = Path(__file__).parent.parent / "fixtures" / "fix_project"
SOURCES = {"app.py": "python", "web/show.js": "javascript"}
SIBLINGS = (".env.example", ".gitignore", "requirements.txt")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the fixture project, its own git repository root (as in the CLI test)."""
    root = tmp_path_factory.mktemp("parity") / "project"
    shutil.copytree(FIXTURE / "before", root)
    (root / ".git").mkdir()
    return root


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace: Path) -> Any:
    """The client profiles, able to create and edit other files as current VS Code and Neovim are."""
    capabilities = client_capabilities(request.param)
    create = [types.ResourceOperationKind.Create]
    capabilities.workspace = capabilities.workspace or types.WorkspaceClientCapabilities()
    capabilities.workspace.workspace_edit = types.WorkspaceEditClientCapabilities(
        document_changes=True, resource_operations=create
    )
    await start_session(lsp_client, request.param, workspace, capabilities)
    lsp_client.workspace_path = workspace
    yield
    await lsp_client.shutdown_session()


async def code_actions(
    client: RecordingClient, buffer: Buffer, found: list[types.Diagnostic], only: list[str] | None = None
) -> list[types.CodeAction]:
    context = types.CodeActionContext(diagnostics=found, only=only)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=999, character=0))
    params = types.CodeActionParams(types.TextDocumentIdentifier(uri=buffer.uri), whole, context)
    result = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT)
    actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    return [await resolved(client, a) for a in actions]


async def resolved(client: RecordingClient, action: types.CodeAction) -> types.CodeAction:
    return action if action.edit is not None else await client.code_action_resolve_async(action)


def apply_elsewhere(texts: dict[str, str], edit: types.WorkspaceEdit, own: str, encoding: str) -> None:
    """Apply the parts of `edit` that change other files than `own` to `texts` (by URI)."""
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            texts.setdefault(change.uri, "")
        elif isinstance(change, types.TextDocumentEdit) and change.text_document.uri != own:
            ordered = sorted(change.edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
            for text_edit in ordered:
                partial = types.TextDocumentContentChangePartial(range=text_edit.range, text=text_edit.new_text)
                texts[change.text_document.uri] = apply(texts[change.text_document.uri], partial, encoding)
    for uri in edit.changes or {}:
        assert uri == own, f"a sibling edit outside document_changes: {uri}"


async def test_fix_all_makes_the_edits_of_scan_fix(client: RecordingClient, workspace: Path) -> None:
    """Ensure that `source.fixAll.vetline` turns each file into exactly what `vetline scan --fix` writes."""
    for relative, language in SOURCES.items():
        path = workspace / relative
        buffer = Buffer(client, path, path.read_text(encoding="utf-8"), language)
        found = await buffer.diagnostics()
        (fix_all,) = await code_actions(client, buffer, found, only=["source.fixAll.vetline"])
        assert fix_all.edit is not None
        buffer.apply(fix_all.edit)
        assert buffer.text == (FIXTURE / "after_safe" / relative).read_text(encoding="utf-8"), relative


async def test_each_quick_fix_makes_the_edits_of_scan_unsafe_fixes(client: RecordingClient, workspace: Path) -> None:
    """Ensure that each finding's own quick fix, applied in turn with its sibling edits, gives exactly
    what `vetline scan --fix --unsafe-fixes` writes, in the file and in `.env.example`, `.gitignore`
    and `requirements.txt`."""
    texts = {from_fs_path(str(workspace / name)): (workspace / name).read_text(encoding="utf-8") for name in SIBLINGS
             if (workspace / name).exists()}  # fmt: skip
    for relative, language in SOURCES.items():
        path = workspace / (relative.replace(".", "_unsafe.", 1))  # not the file the other test fixed
        path.write_text((workspace / relative).read_text(encoding="utf-8"), encoding="utf-8")
        buffer = Buffer(client, path, path.read_text(encoding="utf-8"), language)
        applied: set[str] = set()  # a sibling-only fix stays offered: the server never sees `texts`
        for _ in range(10):
            offered = await code_actions(client, buffer, await buffer.diagnostics())
            fixes = [a for a in offered if _is_own_fix(a) and a.title not in applied]
            if not fixes:
                break
            assert fixes[0].edit is not None
            applied.add(fixes[0].title)
            apply_elsewhere(texts, fixes[0].edit, buffer.uri, client.position_encoding)
            buffer.apply(fixes[0].edit)
        assert buffer.text == (FIXTURE / "after_unsafe" / relative).read_text(encoding="utf-8"), relative
    for name in SIBLINGS:
        expected = (FIXTURE / "after_unsafe" / name).read_text(encoding="utf-8")
        assert texts.get(from_fs_path(str(workspace / name))) == expected, name


def _is_own_fix(action: types.CodeAction) -> bool:
    """A finding's fix (preferred when safe), not an ignore comment or a source action."""
    return action.kind == types.CodeActionKind.QuickFix and not action.title.startswith("Ignore")
