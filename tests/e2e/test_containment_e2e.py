"""End-to-end containment: the server never hangs on hostile files nor edits outside the workspace.

A real `vetline serve` over stdio (VS Code profile: it accepts `documentChanges` with `create`,
so sibling-file edits are offered at all) with four workspace folders built from real FIFOs,
device links and symlinks:

- `hostile/`: a planted finding beside a FIFO, links to `/dev/zero` and `/dev/urandom`, a loop
  and a link out of the folder to a canary file; `vetline.scanWorkspace` must finish and the
  server must keep answering.
- `no-git/`: no `.git`, so the nearest `.gitignore` and `requirements.txt` are the parent's.
- `link-root`: the folder opened is a symlink to `real-root/`.
- `with-git/`: a repository whose subfolder `linked` is a symlink to a folder outside it, and
  whose `evil/.env.example` is a symlink to a file outside it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import SERVER_ENV, TIMEOUT, Buffer, RecordingClient, make_client, wait_published
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "sk-" + "proj-" + "Q7wE2rT9yU4iO1pA6sD3" + "T3Blbk" + "FJ" + "fG8hJ5kL0zX2cV7bN4mQ"
SOURCE = f'OPENAI_API_KEY = "{SECRET}"\n'
MOVE = "Move to environment variable `OPENAI_API_KEY`"
PLANTED = "import yaml\nyaml.load(data)\n"
CANARY = "CANARY_" + "5f4dcc3b5aa765d61d8327deb882cf99"
SELECT = '[tool.vetline]\nselect = ["yaml-unsafe-load", "secrets", "undeclared-import"]\n'


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("contained")
    (base / ".gitignore").write_text("# the parent's\n", encoding="utf-8")
    (base / "requirements.txt").write_text("flask\n", encoding="utf-8")
    (base / "canary.py").write_text(f'TOKEN = "{CANARY}"\nimport yaml\nyaml.load(data)\n', encoding="utf-8")
    (base / "canary.txt").write_text(f"{CANARY}\n", encoding="utf-8")
    hostile = base / "hostile"
    hostile.mkdir()
    (hostile / ".vetline.toml").write_text(SELECT.replace("[tool.vetline]\n", ""), encoding="utf-8")
    (hostile / "good.py").write_text(PLANTED, encoding="utf-8")
    os.mkfifo(hostile / "fifo.py")
    (hostile / "zero.py").symlink_to("/dev/zero")
    (hostile / "random.py").symlink_to("/dev/urandom")
    (hostile / "loop.py").symlink_to(hostile / "loop.py")
    (hostile / "out.py").symlink_to(base / "canary.py")
    (hostile / "sub").mkdir()
    os.mkfifo(hostile / "sub" / ".vetline.toml")
    (hostile / "sub" / "pyproject.toml").symlink_to("/dev/zero")
    (base / "no-git").mkdir()
    (base / "no-git" / ".vetline.toml").write_text(SELECT.replace("[tool.vetline]\n", ""), encoding="utf-8")
    real_root = base / "real-root"
    (real_root / ".git").mkdir(parents=True)
    (real_root / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")
    (base / "link-root").symlink_to(real_root, target_is_directory=True)
    with_git = base / "with-git"
    (with_git / ".git").mkdir(parents=True)
    (with_git / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")
    (base / "elsewhere").mkdir()
    (with_git / "linked").symlink_to(base / "elsewhere", target_is_directory=True)
    (with_git / "evil").mkdir()
    (with_git / "evil" / ".env.example").symlink_to(base / "canary.txt")
    return base


FOLDERS = ("hostile", "no-git", "link-root", "with-git")
CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "vetline", "serve", "--log-level", "info"],
    client_factory=make_client,
    server_env=SERVER_ENV,
)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient, base: Path) -> Any:
    folders = [types.WorkspaceFolder(uri=(base / name).as_uri(), name=name) for name in FOLDERS]
    params = types.InitializeParams(
        capabilities=client_capabilities("visual_studio_code"),
        root_uri=folders[0].uri,
        workspace_folders=folders,
    )
    await lsp_client.initialize_session(params)
    lsp_client.workspace_path = base
    yield
    await lsp_client.shutdown_session()


async def quick_fixes(client: RecordingClient, buffer: Buffer, code: str) -> list[types.CodeAction]:
    (diagnostic,) = [d for d in await buffer.diagnostics() if d.code == code]
    context = types.CodeActionContext(diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix])
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=diagnostic.range, context=context
    )
    found = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT)
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def edited_uris(action: types.CodeAction) -> list[str]:
    assert action.edit is not None
    uris = list((action.edit.changes or {}).keys())
    for change in action.edit.document_changes or []:
        uris.append(change.uri if isinstance(change, types.CreateFile) else change.text_document.uri)
    return uris


def everything_sent(client: RecordingClient) -> str:
    return str(client.published) + str(client.log_messages) + str(client.messages)


async def test_scan_workspace_skips_hostile_files_and_the_server_keeps_answering(
    client: RecordingClient, base: Path
) -> None:
    """Ensure that the workspace scan finishes past a FIFO, device links, a loop and a link out,
    reports the planted finding, never reads the canary, and the server answers afterwards."""
    params = types.ExecuteCommandParams(command="vetline.scanWorkspace", arguments=[])
    summary = await asyncio.wait_for(client.workspace_execute_command_async(params), TIMEOUT)
    assert summary["cancelled"] is False
    published = await wait_published(client, (base / "hostile" / "good.py").as_uri(), None)
    (found,) = [d for d in published if d.code == "yaml-unsafe-load"]
    assert found.range.start.line == 1
    assert "undeclared-import" in [d.code for d in published]  # a loop beside it breaks no rule
    scanned = {p.uri for p in client.published if p.version is None}
    assert (base / "hostile" / "out.py").as_uri() not in scanned
    assert CANARY not in everything_sent(client)
    buffer = Buffer(client, base / "hostile" / "after.py", PLANTED)
    assert "yaml-unsafe-load" in [d.code for d in await buffer.diagnostics()]


@pytest.mark.parametrize("name", ["fifo.py", "zero.py", "loop.py", "sub/app.py"])
async def test_opening_a_hostile_path_is_analysed_from_the_buffer(
    client: RecordingClient, base: Path, name: str
) -> None:
    """Ensure that opening a FIFO, a device link, a loop, or a file beside a FIFO and a
    `/dev/zero` configuration, analyses the editor's text and never blocks."""
    buffer = Buffer(client, base / "hostile" / name, PLANTED)
    assert "yaml-unsafe-load" in [d.code for d in await buffer.diagnostics()]


async def test_watched_configuration_that_is_a_fifo_does_not_hang_the_server(
    client: RecordingClient, base: Path
) -> None:
    """Ensure that a watched-file event for a FIFO / `/dev/zero` configuration reloads without blocking."""
    buffer = Buffer(client, base / "hostile" / "sub" / "watched.py", PLANTED)
    await buffer.diagnostics()
    changes = [
        types.FileEvent(uri=(base / "hostile" / "sub" / n).as_uri(), type=types.FileChangeType.Changed)
        for n in (".vetline.toml", "pyproject.toml")
    ]
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=changes))
    buffer.replace("yaml.load(data)", "yaml.load(other)")
    assert "yaml-unsafe-load" in [d.code for d in await buffer.diagnostics()]


async def test_no_git_workspace_never_edits_the_parent_folders_files(client: RecordingClient, base: Path) -> None:
    """Ensure that without `.git` the parent's `.gitignore` and `requirements.txt` are never edited:
    the secret fix falls back to this file only and the dependency fix is not offered."""
    buffer = Buffer(client, base / "no-git" / "settings.py", SOURCE)
    (move,) = [a for a in await quick_fixes(client, buffer, "hardcoded-secret") if a.title.startswith(MOVE)]
    assert "this file only: the other file is outside the workspace folder" in move.title
    assert edited_uris(move) == [buffer.uri]
    imports = Buffer(client, base / "no-git" / "app.py", "import yaml\n")
    titles = [a.title for a in await quick_fixes(client, imports, "undeclared-import")]
    assert not any("requirements.txt" in title for title in titles)
    assert titles  # the ignore actions are still offered


async def test_symlinked_workspace_root_edits_address_the_opened_path(client: RecordingClient, base: Path) -> None:
    """Ensure that with a symlinked workspace root the sibling edits name files under the URI the
    editor opened, never the resolved real folder."""
    buffer = Buffer(client, base / "link-root" / "settings.py", SOURCE)
    (move,) = [a for a in await quick_fixes(client, buffer, "hardcoded-secret") if a.title.startswith(MOVE)]
    root = (base / "link-root").as_uri() + "/"
    assert "this file only" not in move.title
    assert sorted(edited_uris(move)) == sorted(
        [buffer.uri, root + ".env.example", root + ".env.example", root + ".gitignore", root + ".gitignore"]
    )


async def test_symlinked_subfolder_edits_stay_under_the_workspace_uri(client: RecordingClient, base: Path) -> None:
    """Ensure that a document in a symlinked subfolder gets sibling edits under the workspace URI."""
    buffer = Buffer(client, base / "with-git" / "linked" / "settings.py", SOURCE)
    (move,) = [a for a in await quick_fixes(client, buffer, "hardcoded-secret") if a.title.startswith(MOVE)]
    folder = (base / "with-git").as_uri() + "/"
    assert "this file only" not in move.title
    assert all(uri.startswith(folder) for uri in edited_uris(move))
    assert folder + "linked/.env.example" in edited_uris(move) and folder + ".gitignore" in edited_uris(move)


async def test_sibling_file_that_links_out_of_the_workspace_is_not_edited(client: RecordingClient, base: Path) -> None:
    """Ensure that a `.env.example` symlinked to a file outside falls back to this file only."""
    buffer = Buffer(client, base / "with-git" / "evil" / "settings.py", SOURCE)
    (move,) = [a for a in await quick_fixes(client, buffer, "hardcoded-secret") if a.title.startswith(MOVE)]
    assert "this file only: the other file is outside the workspace folder" in move.title
    assert edited_uris(move) == [buffer.uri]
    assert (base / "canary.txt").read_text(encoding="utf-8") == f"{CANARY}\n"
    assert CANARY not in everything_sent(client)
