"""Helpers for the end-to-end tests: a recording client, diagnostics by push or pull, edits.

The client records every `publishDiagnostics` (with its version) and wakes waiters through an
event, so a test waits on notifications and never sleeps. Edits are applied with pygls's own
`TextDocument`, an implementation independent of vetline's `positions.py`.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

HERE = Path(__file__).parent
TIMEOUT = 15.0
# The servers' metrics database goes to a throwaway data directory, never the developer's.
DATA_HOME = tempfile.mkdtemp(prefix="vetline-e2e-data-")
atexit.register(shutil.rmtree, DATA_HOME, ignore_errors=True)
SERVER_ENV = {
    **os.environ,
    "XDG_DATA_HOME": DATA_HOME,
    "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    "VETLINE_EXTRA_RULES": "crashing_rule",
}


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping every published diagnostics set and registration."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []
        self.published_event = asyncio.Event()
        self.position_encoding = "utf-16"  # set from the initialize result


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client.published_event.set()


def _record_registration(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _record_registration
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "vetline", "serve", "--log-level", "warning"],
    client_factory=make_client,
    server_env=SERVER_ENV,
)


def pulls(client: LanguageClient) -> bool:
    capabilities = client.capabilities
    return bool(capabilities and capabilities.text_document and capabilities.text_document.diagnostic)


async def wait_published(client: RecordingClient, uri: str, version: int | None) -> list[types.Diagnostic]:
    """The diagnostics pushed for `uri` at `version`, waiting for them if needed."""

    async def _wait() -> list[types.Diagnostic]:
        while True:
            client.published_event.clear()
            for params in reversed(client.published):
                if params.uri == uri and params.version == version:
                    return list(params.diagnostics)
            await client.published_event.wait()

    return await asyncio.wait_for(_wait(), TIMEOUT)


async def wait_publish_after(client: RecordingClient, uri: str, start: int) -> list[types.Diagnostic]:
    """The first diagnostics pushed for `uri` after the first `start` recorded pushes."""

    async def _wait() -> list[types.Diagnostic]:
        while True:
            client.published_event.clear()
            for params in client.published[start:]:
                if params.uri == uri:
                    return list(params.diagnostics)
            await client.published_event.wait()

    return await asyncio.wait_for(_wait(), TIMEOUT)


async def diagnostics(client: RecordingClient, uri: str, version: int) -> list[types.Diagnostic]:
    """The document's diagnostics at `version`: pulled if the client pulls, else pushed."""
    if pulls(client):
        params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        report = await asyncio.wait_for(client.text_document_diagnostic_async(params), TIMEOUT)
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return list(report.items)
    return await wait_published(client, uri, version)


class Buffer:
    """A document open in the test client: text, version, and edits sent incrementally."""

    def __init__(self, client: RecordingClient, path: Path, text: str, language: str = "python") -> None:
        self.client, self.path, self.uri = client, path, path.as_uri()
        self.version = 1
        self.document = TextDocument(self.uri, text, version=1, position_codec=PositionCodec(client.position_encoding))
        item = types.TextDocumentItem(uri=self.uri, language_id=language, version=1, text=text)
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    @property
    def text(self) -> str:
        return self.document.source

    async def diagnostics(self) -> list[types.Diagnostic]:
        return await diagnostics(self.client, self.uri, self.version)

    def edit(self, edits: list[types.TextEdit]) -> None:
        """Send `edits` (non-overlapping) as one incremental didChange, last edit first."""
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        changes = [types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered]
        for change in changes:
            self.document.apply_change(change)
        self.version += 1
        identifier = types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(text_document=identifier, content_changes=changes)
        )

    def replace(self, old: str, new: str) -> None:
        """Replace the first occurrence of `old` with `new` through an incremental edit."""
        start = self.text.index(old)
        lines_before = self.text[:start].split("\n")
        line, column = len(lines_before) - 1, len(lines_before[-1])
        start_position = self.document.position_codec.position_to_client_units(
            self.document.lines, types.Position(line=line, character=column)
        )
        end_text = self.text[: start + len(old)].split("\n")
        end_position = self.document.position_codec.position_to_client_units(
            self.document.lines, types.Position(line=len(end_text) - 1, character=len(end_text[-1]))
        )
        self.edit([types.TextEdit(range=types.Range(start=start_position, end=end_position), new_text=new)])

    def apply(self, edit: types.WorkspaceEdit) -> None:
        """Apply this document's part of a WorkspaceEdit."""
        self.edit(edits_for(edit, self.uri))


def edits_for(edit: types.WorkspaceEdit, uri: str) -> list[types.TextEdit]:
    found: list[types.TextEdit] = list((edit.changes or {}).get(uri, []))
    for change in edit.document_changes or []:
        if isinstance(change, types.TextDocumentEdit) and change.text_document.uri == uri:
            found.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    return found


async def start_session(
    client: RecordingClient, profile: str, folder: Path, capabilities: types.ClientCapabilities | None = None
) -> None:
    """Initialize `client` as the named client profile (or with `capabilities`) with `folder` as
    its one workspace folder."""
    uri = folder.as_uri()
    params = types.InitializeParams(
        capabilities=capabilities or client_capabilities(profile),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name=folder.name)],
    )
    result = await client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
