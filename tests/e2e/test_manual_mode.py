"""End-to-end: with `run: "manual"` nothing is analysed until the user runs a command.

The editor sends `run: "manual"` in initializationOptions and again in every answer to
`workspace/configuration`. The settings refresh that follows `initialized` (or any
configuration change) used to re-analyse every open buffer, so a file opened in manual mode got
findings without the user asking. The commands are the ones the VS Code extension calls:
`vetline.analyzeDocument <uri>` (its "Analyze File") and `vetline.scanWorkspace`.
"""

from __future__ import annotations

import asyncio

import pytest
from lsp_helpers import TIMEOUT, Buffer, RecordingClient, diagnostics, pulls
from lsprotocol import types

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.init_options({"run": "manual"})]
VULNERABLE = "import yaml\nyaml.load(data)\n"


async def refresh_settings(client: RecordingClient) -> None:
    """Make the server fetch its settings again, as VS Code does on a configuration change."""
    client.set_configuration({"run": "manual"}, section="vetline")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))


async def answered_now(client: RecordingClient, buffer: Buffer) -> list[types.Diagnostic]:
    """What the client holds for `buffer` once the server has applied the fetched settings.

    A pull waits for the settings refresh on the server, and the re-analyses that refresh
    schedules run before the pull is answered; so after this answer every push they would make
    has arrived too.
    """
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=buffer.uri))
    report = await asyncio.wait_for(client.text_document_diagnostic_async(params), TIMEOUT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    if pulls(client):
        return list(report.items)
    return [d for p in client.published if p.uri == buffer.uri for d in p.diagnostics]


async def run_command(client: RecordingClient, command: str, *arguments: str) -> object:
    params = types.ExecuteCommandParams(command=command, arguments=list(arguments))
    return await asyncio.wait_for(client.workspace_execute_command_async(params), TIMEOUT)


async def test_settings_refresh_does_not_analyse_in_manual_mode(client: RecordingClient) -> None:
    """Ensure that open + settings refresh give no findings until `vetline.analyzeDocument` runs."""
    buffer = Buffer(client, client.workspace_path / "manual_open.py", VULNERABLE)
    await refresh_settings(client)
    assert await answered_now(client, buffer) == []
    assert await run_command(client, "vetline.analyzeDocument", buffer.uri) == 1
    assert [d.code for d in await diagnostics(client, buffer.uri, buffer.version)] == ["yaml-unsafe-load"]


async def test_edits_are_not_analysed_in_manual_mode(client: RecordingClient) -> None:
    """Ensure that a change in manual mode publishes nothing new until the command runs again."""
    buffer = Buffer(client, client.workspace_path / "manual_edit.py", "import yaml\n")
    buffer.replace("import yaml\n", VULNERABLE)
    assert await answered_now(client, buffer) == []


async def test_scan_workspace_analyses_open_documents_in_manual_mode(client: RecordingClient) -> None:
    """Ensure that `vetline.scanWorkspace` gives an open buffer its findings in manual mode."""
    buffer = Buffer(client, client.workspace_path / "manual_scan.py", VULNERABLE)
    await refresh_settings(client)
    assert await answered_now(client, buffer) == []
    summary = await run_command(client, "vetline.scanWorkspace")
    assert isinstance(summary, dict) and summary["findings"] >= 1
    assert [d.code for d in await diagnostics(client, buffer.uri, buffer.version)] == ["yaml-unsafe-load"]
