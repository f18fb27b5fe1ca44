"""End-to-end: the language server reports the AI-context fixture workspace exactly as the CLI
does, and re-checks a secret file's exposure when an exclusion file changes (watched files)."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient, pulls, wait_publish_after
from lsprotocol import types

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.init_options({"logLevel": "info"})]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aicontext"
LANGUAGE_IDS = {".md": "markdown", ".py": "python", ".json": "json"}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ai-project") / "repo"
    shutil.copytree(FIXTURE / "workspace", folder)
    (folder / ".git").mkdir()
    return folder


def expected() -> set[tuple[str, int, str]]:
    findings = json.loads((FIXTURE / "expected_findings.json").read_text(encoding="utf-8"))
    return {(f["path"], f["line"], f["rule"]) for f in findings}


def language_id(path: Path) -> str:
    if path.parent.name == ".vscode":
        return "jsonc"  # what VS Code calls `.vscode/*.json`
    return LANGUAGE_IDS.get(path.suffix, "plaintext")


async def test_server_reports_the_fixture_workspace_like_the_cli(client: RecordingClient) -> None:
    """Ensure that opening every fixture file gives exactly the CLI's findings (path, line, rule)."""
    root = client.workspace_path
    reported: set[tuple[str, int, str]] = set()
    source = FIXTURE / "workspace"
    files = sorted(root / p.relative_to(source) for p in source.rglob("*") if p.is_file())
    for path in files:
        buffer = Buffer(client, path, path.read_text(encoding="utf-8"), language_id(path))
        relative = path.relative_to(root).as_posix()
        reported |= {(relative, d.range.start.line + 1, str(d.code)) for d in await buffer.diagnostics()}
    assert reported == expected()
    copilot = [m.message for m in client.log_messages if "GitHub Copilot" in m.message]
    assert len(copilot) == 1 and "outside the repository" in copilot[0]  # one note per project, no findings


async def test_exposure_is_rechecked_when_an_ignore_file_changes(client: RecordingClient) -> None:
    """Ensure that adding the file to every exposing tool's exclusions clears the open file's finding."""
    root = client.workspace_path
    folder = Path(tempfile.mkdtemp(prefix="certs-", dir=root))
    pem = folder / "client.key"
    pem.write_text("-----BEGIN PRIVATE KEY-----\nfake\n", encoding="utf-8")
    buffer = Buffer(client, pem, pem.read_text(encoding="utf-8"), "plaintext")
    (finding,) = [d for d in await buffer.diagnostics() if d.code == "ai-context-secret-file-exposed"]
    assert "Cursor, Claude Code, Aider and Gemini CLI" in finding.message
    with (root / ".aiderignore").open("a", encoding="utf-8") as handle:
        handle.write(f"/{folder.name}/\n")
    start = len(client.published)
    change = types.FileEvent(uri=(root / ".aiderignore").as_uri(), type=types.FileChangeType.Changed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[change]))
    if pulls(client):
        # The notification is handled before the pull that follows it on the same stream.
        diagnostics = await buffer.diagnostics()
    else:
        diagnostics = await wait_publish_after(client, buffer.uri, start)
    (again,) = [d for d in diagnostics if d.code == "ai-context-secret-file-exposed"]
    assert "Cursor, Claude Code and Gemini CLI" in again.message and "Aider" not in again.message
