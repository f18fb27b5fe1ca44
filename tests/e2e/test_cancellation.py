"""End-to-end: cancellation is normal traffic, never a server error.

VS Code pulls diagnostics and supports `workspace/diagnostic/refresh`. On open, the server
analyses the buffer and asks the client to refresh; the client meanwhile pulls, which cancels
the pending run, and cancels pulls of its own with `$/cancelRequest`. The client here holds its
answer to the refresh until the pull has been made and cancelled, which is the order that made
pygls fail on the late answer (`InvalidStateError: CANCELLED`, logged as an error).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import CONFIG, TIMEOUT, RecordingClient, _record_publish, _record_registration
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

pytestmark = pytest.mark.asyncio(loop_scope="module")
VULNERABLE = "import yaml\nyaml.load(data)\n"


class HoldingClient(RecordingClient):
    """A client that answers `workspace/diagnostic/refresh` only when `release` is set."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refresh_asked = asyncio.Event()
        self.release = asyncio.Event()


async def _held_refresh(client: HoldingClient, params: None) -> None:
    client.refresh_asked.set()
    await client.release.wait()


def make_holding_client() -> HoldingClient:
    client = HoldingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    features[types.WORKSPACE_DIAGNOSTIC_REFRESH] = _held_refresh
    register_lsp_features(client, features)
    return client


def vscode_pull_capabilities() -> types.ClientCapabilities:
    """VS Code's capabilities as a current VS Code has them: pull diagnostics with refresh."""
    capabilities = client_capabilities("visual_studio_code")
    capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=True)
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    return capabilities


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cancellation")
    (folder / "pyproject.toml").write_text('[tool.vetline]\nselect = ["yaml-unsafe-load"]\n', encoding="utf-8")
    return folder


@pytest_lsp.fixture(
    config=ClientServerConfig(CONFIG.server_command, make_holding_client, CONFIG.server_env), scope="module"
)
async def client(lsp_client: HoldingClient, workspace: Path) -> Any:
    uri = workspace.as_uri()
    params = types.InitializeParams(
        capabilities=vscode_pull_capabilities(),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name="cancellation")],
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def errors_logged(client: RecordingClient) -> list[str]:
    return [m.message for m in client.log_messages if m.type == types.MessageType.Error]


async def test_cancelled_pull_during_refresh_logs_no_error(client: HoldingClient, workspace: Path) -> None:
    """Ensure that a pull cancelled by `$/cancelRequest` while a refresh is pending is not an error."""
    uri = (workspace / "opened.py").as_uri()
    item = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=VULNERABLE)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    await asyncio.wait_for(client.refresh_asked.wait(), TIMEOUT)  # the server now waits for our answer
    params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    cancelled = client.protocol.send_request(types.TEXT_DOCUMENT_DIAGNOSTIC, params, msg_id="pull-to-cancel")
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="pull-to-cancel"))
    client.release.set()  # the late answer to the refresh
    report = await asyncio.wait_for(client.text_document_diagnostic_async(params), TIMEOUT)
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    assert [d.code for d in report.items] == ["yaml-unsafe-load"]  # the server still answers
    try:  # answered before the cancel arrived, or cancelled with the protocol's RequestCancelled
        await asyncio.wait_for(asyncio.wrap_future(cancelled), TIMEOUT)
    except JsonRpcRequestCancelled:
        pass
    assert errors_logged(client) == []
    assert client.error is None  # the server reported no protocol failure
