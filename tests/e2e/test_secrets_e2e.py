"""End-to-end: a hard-coded OpenAI key is reported without echoing it, and "Move to environment
variable" rewrites the code, records the variable in `.env.example` and ignores `.env`.

The fake key is assembled at run time so that no real-looking secret is committed. The VS Code
profile accepts `documentChanges` with `create` operations and gets the full workspace edit;
the Neovim profile does not, and gets the single-file fallback.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient
from lsprotocol import types
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.init_options({"logLevel": "debug"})]

# OpenAI's key shape (detect-secrets' pattern), split so that no source line matches it.
SECRET = "sk-" + "proj-" + "Q7wE2rT9yU4iO1pA6sD3" + "T3Blbk" + "FJ" + "fG8hJ5kL0zX2cV7bN4mQ"
SOURCE = f'"""Settings."""\n\nOPENAI_API_KEY = "{SECRET}"\n'
MOVED = '"""Settings."""\nimport os\n\nOPENAI_API_KEY = os.environ["OPENAI_API_KEY"]\n'
MOVE = "Move to environment variable `OPENAI_API_KEY`"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("secrets-project")
    # `crashing-rule` (tests/e2e/crashing_rule.py) fails on `crash_here()`: the server then logs.
    (folder / "pyproject.toml").write_text('[tool.vetline]\nselect = ["secrets", "crashing-rule"]\n', encoding="utf-8")
    return folder


def project(client: RecordingClient, gitignore: str | None = "__pycache__/\n") -> Path:
    """A fresh repository folder inside the workspace (one per test and profile)."""
    folder = Path(tempfile.mkdtemp(prefix="repo-", dir=client.workspace_path))
    (folder / ".git").mkdir()  # where the search for the nearest `.gitignore` stops
    if gitignore is not None:
        (folder / ".gitignore").write_text(gitignore, encoding="utf-8")
    return folder


def full_workspace_edits(client: RecordingClient) -> bool:
    capabilities = client.capabilities.workspace
    edit = capabilities.workspace_edit if capabilities else None
    return bool(
        edit and edit.document_changes and types.ResourceOperationKind.Create in (edit.resource_operations or [])
    )


async def secret_diagnostic(buffer: Buffer) -> types.Diagnostic:
    (found,) = [d for d in await buffer.diagnostics() if d.code == "hardcoded-secret"]
    return found


async def quick_fixes(client: RecordingClient, buffer: Buffer, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    context = types.CodeActionContext(diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix])
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=diagnostic.range, context=context
    )
    return [a for a in await client.text_document_code_action_async(params) or [] if isinstance(a, types.CodeAction)]


def apply_to_disk(client: RecordingClient, buffer: Buffer, edit: types.WorkspaceEdit) -> None:
    """Apply a WorkspaceEdit like an editor: the open buffer through didChange (then saved),
    other files created and edited on disk."""
    for uri, edits in (edit.changes or {}).items():
        assert uri == buffer.uri
        buffer.edit(edits)
    for change in edit.document_changes or []:
        if isinstance(change, types.CreateFile):
            path = Path(to_fs_path(change.uri) or "")
            assert change.options is not None and change.options.ignore_if_exists
            path.touch(exist_ok=True)
        elif isinstance(change, types.TextDocumentEdit) and change.text_document.uri == buffer.uri:
            buffer.edit([e for e in change.edits if isinstance(e, types.TextEdit)])
        else:
            assert isinstance(change, types.TextDocumentEdit), change
            _edit_file(client, Path(to_fs_path(change.text_document.uri) or ""), change.edits)
    buffer.path.write_text(buffer.text, encoding="utf-8")


def _edit_file(client: RecordingClient, path: Path, edits: list) -> None:
    document = TextDocument(
        path.as_uri(), path.read_text(encoding="utf-8"), position_codec=PositionCodec(client.position_encoding)
    )
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        document.apply_change(types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text))
    path.write_text(document.source, encoding="utf-8")


def shows_secret(text: object) -> bool:
    """True when `text` holds the key, or a long enough piece of it to be useful."""
    return SECRET in str(text) or SECRET[8:20] in str(text)


async def test_secret_diagnostic_hover_and_logs_never_contain_the_key(client: RecordingClient) -> None:
    """Ensure that the diagnostic's message and data, the hover and the logs omit the key."""
    buffer = Buffer(client, project(client) / "settings.py", SOURCE + "crash_here()\n")
    diagnostic = await secret_diagnostic(buffer)
    assert "OpenAI API key" in diagnostic.message and "`OPENAI_API_KEY`" in diagnostic.message
    assert diagnostic.range.start == types.Position(line=2, character=17)
    assert not shows_secret(diagnostic.message) and not shows_secret(diagnostic.data)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri), position=types.Position(line=2, character=25)
        )
    )
    assert hover is not None and "Hard-coded API key or token" in hover.contents.value
    assert not shows_secret(hover.contents.value)
    assert any("rule crashing-rule failed" in m.message for m in client.log_messages)  # logs are not empty
    assert not any(shows_secret(m.message) for m in client.log_messages)
    assert not any(shows_secret(m.message) for m in client.messages)


async def test_secret_quick_fix_uses_env_reference(client: RecordingClient) -> None:
    """Ensure that "Move to environment variable" writes the env read, `.env.example` and `.gitignore`,
    or, for a client without resource operations, edits only the document and says so."""
    folder = project(client)
    buffer = Buffer(client, folder / "settings.py", SOURCE)
    diagnostic = await secret_diagnostic(buffer)
    (move,) = [a for a in await quick_fixes(client, buffer, diagnostic) if a.title.startswith(MOVE)]
    assert move.edit is not None and not move.is_preferred and "unsafe" in move.title
    full = full_workspace_edits(client)
    assert ("this file only" in move.title) is not full
    if not full:  # the title names what the editor could not edit
        assert "(this file only: your editor cannot create or edit .env.example and .gitignore)" in move.title
    assert not shows_secret(move.edit)
    if full:
        created = [
            Path(to_fs_path(c.uri) or "").name
            for c in move.edit.document_changes or []
            if isinstance(c, types.CreateFile)
        ]
        assert created == [".env.example", ".gitignore"]
    apply_to_disk(client, buffer, move.edit)
    assert (folder / "settings.py").read_text(encoding="utf-8") == MOVED
    if full:
        assert (folder / ".env.example").read_text(encoding="utf-8") == "OPENAI_API_KEY=\n"
        assert (folder / ".gitignore").read_text(encoding="utf-8") == "__pycache__/\n.env\n"
    else:
        assert move.edit.document_changes is None and list(move.edit.changes or {}) == [buffer.uri]
        assert not (folder / ".env.example").exists()
        assert (folder / ".gitignore").read_text(encoding="utf-8") == "__pycache__/\n"
    assert [d for d in await buffer.diagnostics() if d.code == "hardcoded-secret"] == []


async def test_secret_quick_fix_appends_to_existing_files(client: RecordingClient) -> None:
    """Ensure that an existing `.env.example` gets the variable appended and a `.gitignore` that
    lacks a final newline gets `.env` on a line of its own (clients without resource operations
    get the single-file fallback, which leaves both files as they were)."""
    full = full_workspace_edits(client)
    folder = project(client, gitignore="*.pyc")
    (folder / ".env.example").write_text("DEBUG=\n", encoding="utf-8")
    buffer = Buffer(client, folder / "settings.py", SOURCE)
    diagnostic = await secret_diagnostic(buffer)
    (move,) = [a for a in await quick_fixes(client, buffer, diagnostic) if a.title.startswith(MOVE)]
    assert move.edit is not None
    apply_to_disk(client, buffer, move.edit)
    expected_env, expected_ignore = ("DEBUG=\nOPENAI_API_KEY=\n", "*.pyc\n.env\n") if full else ("DEBUG=\n", "*.pyc")
    assert (folder / ".env.example").read_text(encoding="utf-8") == expected_env
    assert (folder / ".gitignore").read_text(encoding="utf-8") == expected_ignore


async def test_settings_reference_is_offered_as_an_alternative_never_preferred(client: RecordingClient) -> None:
    """Ensure that a pydantic-settings default gets a second, non-preferred quick fix, and that
    fix-all (safe fixes only) touches neither."""
    text = (
        "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n"
        f'    openai_api_key: str = "{SECRET}"\n'
    )
    buffer = Buffer(client, project(client) / "config.py", text)
    diagnostic = await secret_diagnostic(buffer)
    titles = [(a.title, a.is_preferred) for a in await quick_fixes(client, buffer, diagnostic)]
    assert titles[0][0].startswith("Move to environment variable `OPENAI_API_KEY`")
    alternative = "Read `OPENAI_API_KEY` through pydantic-settings (drop the default) (unsafe fix: review it)"
    assert (alternative, False) in titles and not any(preferred for _, preferred in titles)
    context = types.CodeActionContext(diagnostics=[diagnostic], only=["source.fixAll.vetline"])
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=diagnostic.range, context=context
    )
    (fix_all,) = await client.text_document_code_action_async(params) or []
    if fix_all.edit is None:
        fix_all = await client.code_action_resolve_async(fix_all)
    assert fix_all.edit is not None
    changes = [e for c in fix_all.edit.document_changes or [] for e in c.edits] + [
        e for edits in (fix_all.edit.changes or {}).values() for e in edits
    ]
    assert changes == []
