"""The language server records each finding's life; `vetline report` shows it (real server over stdio).

Each test starts its own server with its own XDG_DATA_HOME, so the metrics database it writes
is the one `vetline report` then reads, as on a user's machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from html_check import balanced
from lsp_helpers import CONFIG, SERVER_ENV, TIMEOUT, Buffer, RecordingClient, edits_for, make_client
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities
from vetline.server.metrics.store import Seen, Store

PROFILES = ["visual_studio_code", "neovim"]
PYPROJECT = '[tool.vetline]\nselect = ["yaml-unsafe-load"]\n'
BLOCK = "def load(a):\n    data = yaml.load(a)\n    return data\n"
TYPED = "other = yaml.load(b)\n"


async def start(profile: str, workspace: Path, data_home: Path) -> RecordingClient:
    env = {**SERVER_ENV, "XDG_DATA_HOME": str(data_home)}
    config = ClientServerConfig(server_command=CONFIG.server_command, client_factory=make_client, server_env=env)
    client: Any = await config.start()
    uri = workspace.as_uri()
    params = types.InitializeParams(
        capabilities=client_capabilities(profile),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name="metrics")],
    )
    result = await client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    return client


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


def at_end(buffer: Buffer, text: str) -> None:
    line = buffer.text.count("\n")
    end = types.Position(line=line, character=0)
    buffer.edit([types.TextEdit(range=types.Range(start=end, end=end), new_text=text)])


async def quick_fix(client: RecordingClient, buffer: Buffer, diagnostic: types.Diagnostic) -> types.CodeAction:
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri),
        range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic]),
    )
    actions = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT) or []
    (preferred,) = [a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred]
    return preferred


def vetline(data_home: Path, *args: str) -> str:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    done = subprocess.run([sys.executable, "-m", "vetline", *args], capture_output=True, text=True, env=env, check=True)
    return done.stdout


@pytest.mark.parametrize("profile", PROFILES)
async def test_report_shows_a_fixed_inserted_block_and_an_open_typed_finding(
    profile: str, workspace: Path, tmp_path: Path
) -> None:
    """Ensure that insert-block + quick fix + typed line are recorded and reported with origins and outcomes."""
    data_home = tmp_path / "data"
    client = await start(profile, workspace, data_home)
    try:
        buffer = Buffer(client, workspace / "app.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(buffer, BLOCK)
        (inserted,) = await buffer.diagnostics()
        assert inserted.data["origin"] == "inserted-block"
        buffer.apply((await quick_fix(client, buffer, inserted)).edit)
        assert await buffer.diagnostics() == []
        at_end(buffer, TYPED)
        (typed,) = await buffer.diagnostics()
        assert typed.data["origin"] == "typed" and "inserted in one edit" not in typed.message
        command = types.ExecuteCommandParams(command="vetline.metricsSummary", arguments=[])
        status = await asyncio.wait_for(client.workspace_execute_command_async(command), TIMEOUT)
        assert status["insertedThisWeek"] == 1 and status["text"] == "1 finding in AI-inserted code this week"
        written = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="vetline.writeReport")
        )
        assert "<svg" in Path(written["path"]).read_text(encoding="utf-8")
    finally:
        await client.shutdown_session()
    report = json.loads(vetline(data_home, "report", "--format", "json", str(workspace)))
    found = sorted((f["origin"], f["outcome"], f["rule"]) for f in report["findings"])
    assert found == [("inserted-block", "quick-fix", "yaml-unsafe-load"), ("typed", "open", "yaml-unsafe-load")]
    assert report["totals"]["fixed_by_quick_fix"] == 1 and report["totals"]["open"] == 1
    assert report["by_origin"]["inserted-block"] == 1 and report["by_origin"]["typed"] == 1
    # 1 finding in 3 inserted lines, 1 in 1 typed line (the quick fix's edit, inside the block, is not typed)
    rates = report["rates_per_1000_changed_lines"]
    assert (rates["ai_changed_lines"], rates["human_changed_lines"]) == (3, 1)
    assert (rates["ai"], rates["human"]) == (333.33, 1000.0)
    summary = vetline(data_home, "report", "--format", "markdown", str(workspace))
    assert "| Findings per 1,000 changed lines, AI-originated (3 lines) | 333.33 |" in summary
    assert "| Findings per 1,000 changed lines, typed / human-written (1 line) | 1000.0 |" in summary
    page = vetline(data_home, "report", str(workspace))
    assert page.count("<svg") >= 3
    assert balanced(page)
    assert "333.33" in page and "1000.0" in page  # the rates per 1,000 changed lines


@pytest.mark.parametrize("profile", PROFILES)
async def test_fix_all_records_every_finding_it_removes_as_fixed(profile: str, workspace: Path, tmp_path: Path) -> None:
    """Ensure that `source.fixAll.vetline` is recorded as fixed by a quick fix, not as disappeared,
    also when the client sends each of its edits as a didChange of its own (a version per edit)."""
    data_home = tmp_path / "data"
    client = await start(profile, workspace, data_home)
    try:
        buffer = Buffer(client, workspace / "many.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(
            buffer, "def load(a, b, c):\n    first = yaml.load(a)\n    second = yaml.load(b)\n    return yaml.load(c)\n"
        )
        assert len(await buffer.diagnostics()) == 3
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.vetline"]),
        )
        (fix_all,) = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT) or []
        assert isinstance(fix_all, types.CodeAction)
        if fix_all.edit is None:
            fix_all = await asyncio.wait_for(client.code_action_resolve_async(fix_all), TIMEOUT)
        assert fix_all.edit is not None
        if profile == "neovim":  # the last edit first, so the others' positions still hold
            edits = edits_for(fix_all.edit, buffer.uri)
            for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
                buffer.edit([edit])
        else:
            buffer.apply(fix_all.edit)
        assert await buffer.diagnostics() == []
        assert buffer.text.count("yaml.safe_load(") == 3
    finally:
        await client.shutdown_session()
    report = json.loads(vetline(data_home, "report", "--format", "json", str(workspace)))
    assert [(f["origin"], f["outcome"]) for f in report["findings"]] == [("inserted-block", "quick-fix")] * 3
    assert report["totals"]["fixed_by_quick_fix"] == 3 and report["totals"]["disappeared_after_edit"] == 0


async def test_ignore_action_counts_as_suppressed(workspace: Path, tmp_path: Path) -> None:
    """Ensure that a finding silenced by "Ignore ... on this line" is reported as suppressed, not fixed."""
    data_home = tmp_path / "data"
    client = await start("neovim", workspace, data_home)
    try:
        buffer = Buffer(client, workspace / "quiet.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(buffer, BLOCK)
        (inserted,) = await buffer.diagnostics()
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri),
            range=inserted.range,
            context=types.CodeActionContext(diagnostics=[inserted]),
        )
        actions = await asyncio.wait_for(client.text_document_code_action_async(params), TIMEOUT) or []
        (ignore,) = [a for a in actions if isinstance(a, types.CodeAction) and a.title.endswith("on this line")]
        buffer.apply(ignore.edit)
        assert await buffer.diagnostics() == []
    finally:
        await client.shutdown_session()
    report = json.loads(vetline(data_home, "report", "--format", "json", str(workspace)))
    assert [(f["origin"], f["outcome"]) for f in report["findings"]] == [("inserted-block", "suppressed")]
    assert report["totals"]["suppress_rate"] == 1.0 and report["totals"]["fix_rate"] == 0.0


async def test_metrics_off_records_nothing(workspace: Path, tmp_path: Path) -> None:
    """Ensure that `vetline.metrics: false` leaves no database behind, and diagnostics still carry origins."""
    data_home = tmp_path / "data"
    (workspace / "pyproject.toml").write_text(PYPROJECT)
    client = await start("visual_studio_code", workspace, data_home)
    try:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"vetline": {"metrics": False}})
        )
        buffer = Buffer(client, workspace / "off.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(buffer, BLOCK)
        (found,) = await buffer.diagnostics()
        assert found.data["origin"] == "inserted-block"
    finally:
        await client.shutdown_session()
    assert not (data_home / "vetline" / "metrics.sqlite3").exists()


async def test_retention_setting_purges_every_workspace_and_is_remembered(workspace: Path, tmp_path: Path) -> None:
    """Ensure that `metricsRetentionDays` removes old records of other workspaces too and is stored for `scan --record`."""
    data_home = tmp_path / "data"
    store = Store(data_home / "vetline" / "metrics.sqlite3")
    long_ago = time.time() - 60 * 86400
    elsewhere = store.workspace(str(tmp_path / "elsewhere"))
    store.seen(elsewhere, [Seen("k", "f", "weak-hash-md5-sha1", "crypto", "medium", "typed")], "editor", now=long_ago)
    store.close()
    client = await start("visual_studio_code", workspace, data_home)
    try:
        client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"vetline": {"metricsRetentionDays": 30}})
        )
        buffer = Buffer(client, workspace / "kept.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(buffer, BLOCK)
        assert len(await buffer.diagnostics()) == 1
    finally:
        await client.shutdown_session()
    store = Store(data_home / "vetline" / "metrics.sqlite3")
    assert store.findings(elsewhere) == [] and store.retention_days(default=365) == 30
    assert len(store.findings(store.workspace(str(workspace.resolve())))) == 1


async def test_corrupt_database_is_logged_once_and_linting_goes_on(workspace: Path, tmp_path: Path) -> None:
    """Ensure that a corrupt metrics database gives one log line and every diagnostic still arrives."""
    data_home = tmp_path / "data"
    (data_home / "vetline").mkdir(parents=True)
    (data_home / "vetline" / "metrics.sqlite3").write_bytes(b"garbage, not SQLite" * 200)
    client = await start("visual_studio_code", workspace, data_home)
    try:
        buffer = Buffer(client, workspace / "broken.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        at_end(buffer, BLOCK)
        assert len(await buffer.diagnostics()) == 1
        at_end(buffer, TYPED)
        assert len(await buffer.diagnostics()) == 2
        messages = [m.message for m in client.log_messages if "metrics database" in m.message]
    finally:
        await client.shutdown_session()
    assert len(messages) == 1 and "linting goes on" in messages[0]
