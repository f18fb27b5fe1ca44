"""The `VetlineServer`: pygls `LanguageServer` plus the state every handler module shares.

State: the resolved client features, the settings, the open documents, the per-project
configurations and engines, the diagnostics scheduler and the last workspace scan. Handlers
live in one module per LSP method family and are attached by `create_server`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from vetline import __version__

from ..settings import Settings
from .capabilities import ClientFeatures
from .documents import Document
from .projects import Projects
from .protocol import VetlineProtocol, strict_converter

if TYPE_CHECKING:
    from .notebooks import Notebook

log = logging.getLogger("vetline.server")


class VetlineServer(LanguageServer):
    """vetline's language server."""

    def __init__(self) -> None:
        from .notebooks import SYNC_OPTIONS as NOTEBOOK_SYNC  # the notebook handlers need this module first

        super().__init__(
            "vetline",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=VetlineProtocol,
            converter_factory=strict_converter,
            notebook_document_sync=NOTEBOOK_SYNC,
        )
        self.features = ClientFeatures()
        self.settings = Settings()
        self.documents: dict[str, Document] = {}
        self.notebooks: dict[str, Notebook] = {}  # open notebooks by URI; their cells are in `documents`
        self.projects = Projects(self.show_once)
        self.workspace_results: dict[str, list[types.Diagnostic]] = {}  # unopened files, by uri
        self.init_settings: dict[str, Any] = {}
        self._shown: set[str] = set()
        self.settings_refresh: asyncio.Future[None] | None = None  # a workspace/configuration round trip
        self.settings_generation = 0  # bumped by pushed settings, so an older fetch is discarded
        self.online_refreshes: dict[str, asyncio.Future[None]] = {}  # dependency data, by project configuration
        from .diagnostics import Scheduler  # the scheduler needs the server type: import here

        self.scheduler = Scheduler(self)

    @property
    def encoding(self) -> str:
        """The position encoding negotiated with the client."""
        encoding = self.workspace.position_encoding
        return encoding.value if isinstance(encoding, types.PositionEncodingKind) else str(encoding or "utf-16")

    def show_once(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message to the user unless this exact text was shown already (no floods)."""
        if message in self._shown:
            return
        self._shown.add(message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log protocol-level errors instead of pygls's default pop-up: no message floods."""
        log.error("server error (%s): %s", getattr(source, "__name__", source), error)

    def folders(self) -> list[Path]:
        """The workspace folders (or the root) as local paths."""
        from pygls.uris import to_fs_path

        uris = [folder.uri for folder in self.workspace.folders.values()] or [self.workspace.root_uri]
        return [Path(p) for p in (to_fs_path(u) for u in uris if u) if p]


def create_server() -> VetlineServer:
    """A server with every handler module attached."""
    from . import actions, configuration, diagnostics, hover, metrics, notebooks, sync, workspace

    server = VetlineServer()
    for module in (configuration, sync, notebooks, diagnostics, actions, hover, workspace, metrics):
        module.register(server)
    return server
