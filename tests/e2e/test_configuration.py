"""End-to-end: settings from every layer take effect without a restart; bad ones fall back."""

from __future__ import annotations

import pytest
from lsp_helpers import Buffer, RecordingClient, pulls, wait_publish_after
from lsprotocol import types

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.init_options({"debounceMs": 0})]
VULNERABLE = "import yaml\nyaml.load(data)\n"


def push_settings(client: RecordingClient, settings: dict) -> None:
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"vetline": settings}))


def ask_to_fetch(client: RecordingClient, settings: dict) -> None:
    client.set_configuration(settings, section="vetline")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def test_initialization_options_are_applied(client: RecordingClient) -> None:
    """Ensure that settings given at initialize are typed and in force."""
    buffer = Buffer(client, client.workspace_path / "init.py", VULNERABLE)
    assert len(await buffer.diagnostics()) == 1


async def test_fetched_configuration_change_takes_effect(client: RecordingClient) -> None:
    """Ensure that workspace/configuration is re-read on didChangeConfiguration and applied."""
    buffer = Buffer(client, client.workspace_path / "fetched.py", VULNERABLE)
    assert len(await buffer.diagnostics()) == 1
    ask_to_fetch(client, {"ignore": ["yaml-unsafe-load"]})
    try:
        buffer.replace("data", "payload")
        assert await buffer.diagnostics() == []
    finally:
        ask_to_fetch(client, {})
    buffer.replace("payload", "data")
    assert len(await buffer.diagnostics()) == 1


async def test_pushed_settings_reanalyse_open_documents(client: RecordingClient) -> None:
    """Ensure that settings pushed in didChangeConfiguration re-analyse open buffers at once."""
    buffer = Buffer(client, client.workspace_path / "pushed.py", VULNERABLE)
    assert len(await buffer.diagnostics()) == 1
    published_before = len(client.published)
    push_settings(client, {"select": ["crashing-rule"]})
    try:
        if pulls(client):
            assert await buffer.diagnostics() == []
        else:  # a re-analysis of the same version is pushed without any edit
            assert await wait_publish_after(client, buffer.uri, published_before) == []
    finally:
        push_settings(client, {})


async def test_invalid_settings_fall_back_with_one_message(client: RecordingClient) -> None:
    """Ensure that invalid settings give the defaults and exactly one showMessage, not a flood."""
    before = len(client.messages)
    push_settings(client, {"run": "sometimes"})
    push_settings(client, {"run": "sometimes"})
    buffer = Buffer(client, client.workspace_path / "invalid.py", VULNERABLE)
    try:
        assert len(await buffer.diagnostics()) == 1  # defaults: still analysing on type
        new = client.messages[before:]
        assert len(new) == 1 and "run" in new[0].message and new[0].type == types.MessageType.Error
    finally:
        push_settings(client, {})


async def test_on_save_mode_waits_for_the_save(client: RecordingClient) -> None:
    """Ensure that with `run = onSave` typing does not re-analyse, and saving does."""
    push_settings(client, {"run": "onSave"})
    try:
        buffer = Buffer(client, client.workspace_path / "on_save.py", "import yaml\n")
        assert await buffer.diagnostics() == []
        buffer.replace("import yaml\n", VULNERABLE)
        if pulls(client):
            assert await buffer.diagnostics() == []  # the last analysis is still the open one
        identifier = types.TextDocumentIdentifier(uri=buffer.uri)
        client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=identifier))
        assert len(await buffer.diagnostics()) == 1
        assert [p.version for p in client.published if p.uri == buffer.uri] in ([], [1, 2])
    finally:
        push_settings(client, {})


async def test_manual_mode_analyses_only_on_command(client: RecordingClient) -> None:
    """Ensure that with `run = manual` nothing is analysed until `vetline.analyzeDocument`."""
    push_settings(client, {"run": "manual"})
    try:
        buffer = Buffer(client, client.workspace_path / "manual.py", VULNERABLE)
        params = types.ExecuteCommandParams(command="vetline.analyzeDocument", arguments=[buffer.uri])
        assert await client.workspace_execute_command_async(params) == 1
        assert len(await buffer.diagnostics()) == 1
        assert [p.version for p in client.published if p.uri == buffer.uri] in ([], [1])
    finally:
        push_settings(client, {})


async def test_watched_configuration_file_change_reloads(client: RecordingClient) -> None:
    """Ensure that editing pyproject.toml (a watched file) reloads configuration."""
    buffer = Buffer(client, client.workspace_path / "watched.py", VULNERABLE)
    assert len(await buffer.diagnostics()) == 1
    pyproject = client.workspace_path / "pyproject.toml"
    original = pyproject.read_text()
    pyproject.write_text('[tool.vetline]\nselect = ["crashing-rule"]\n')
    change = types.FileEvent(uri=pyproject.as_uri(), type=types.FileChangeType.Changed)
    try:
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[change]))
        buffer.replace("data", "other")
        assert await buffer.diagnostics() == []
    finally:
        pyproject.write_text(original)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[change]))
    if client.capabilities.workspace.did_change_watched_files.dynamic_registration:
        (registration,) = client.registrations
        globs = sorted((w["globPattern"], w.get("kind")) for w in registration.register_options["watchers"])
        layout = int(types.WatchKind.Create | types.WatchKind.Delete)  # which modules exist: first-party names
        exclusion_files = [".aiderignore", ".aiexclude", ".aiignore", ".claude/settings*.json", ".codeiumignore",
                           ".continueignore", ".cursorignore", ".geminiignore", ".gitignore"]  # fmt: skip
        assert globs == sorted(
            [
                ("**/*.dist-info", layout),
                ("**/*.py", layout),
                ("**/.vetline.toml", None),
                ("**/.vetline/rules/*.toml", None),
                ("**/pyproject.toml", None),
                *((f"**/{name}", None) for name in exclusion_files),
            ]
        )


async def test_severity_override_setting_changes_the_diagnostic_severity(client: RecordingClient) -> None:
    """Ensure that `severityOverrides` re-grades a rule (high -> low makes it informational)."""
    push_settings(client, {"severityOverrides": {"yaml-unsafe-load": "low"}})
    try:
        buffer = Buffer(client, client.workspace_path / "graded.py", VULNERABLE)
        (found,) = await buffer.diagnostics()
        assert found.severity == types.DiagnosticSeverity.Information
    finally:
        push_settings(client, {})


async def test_missing_baseline_gives_one_message_and_findings_still_show(client: RecordingClient) -> None:
    """Ensure that a baseline file that cannot be read is reported once and then ignored."""
    before = len(client.messages)
    push_settings(client, {"baseline": "no-such-baseline.json"})
    try:
        first = Buffer(client, client.workspace_path / "baseline_a.py", VULNERABLE)
        assert len(await first.diagnostics()) == 1
        second = Buffer(client, client.workspace_path / "baseline_b.py", VULNERABLE)
        assert len(await second.diagnostics()) == 1
        new = client.messages[before:]
        assert len(new) == 1 and "no-such-baseline.json" in new[0].message
    finally:
        push_settings(client, {})
