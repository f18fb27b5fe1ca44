"""Server logging: stderr always, and `window/logMessage` at or above the `logLevel` setting.

Only the `vetline` loggers are forwarded to the editor (pygls's own chatter stays on stderr).
Log records never carry source text: handlers log rule ids, URIs and exception types, and the
engine logs a crashing rule's traceback, which holds code locations, not the analysed buffer.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from lsprotocol import types

if TYPE_CHECKING:
    from .server import VetlineServer

LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
_MESSAGE_TYPES = (
    (logging.ERROR, types.MessageType.Error),
    (logging.WARNING, types.MessageType.Warning),
    (logging.INFO, types.MessageType.Info),
    (logging.NOTSET, types.MessageType.Log),
)


class EditorLogHandler(logging.Handler):
    """Forwards log records to the client as `window/logMessage` notifications."""

    def __init__(self, server: VetlineServer) -> None:
        super().__init__()
        self.server = server
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            kind = next(t for level, t in _MESSAGE_TYPES if record.levelno >= level)
            self.server.window_log_message(types.LogMessageParams(type=kind, message=self.format(record)))
        except Exception:  # noqa: BLE001 - logging must never take a handler down with it
            self.handleError(record)


def attach(server: VetlineServer) -> None:
    """Forward the `vetline` loggers to the client (once per server)."""
    logger = logging.getLogger("vetline")
    if not any(isinstance(h, EditorLogHandler) for h in logger.handlers):
        logger.addHandler(EditorLogHandler(server))


def set_level(name: str) -> None:
    """Apply the `logLevel` setting to the `vetline` loggers."""
    logging.getLogger("vetline").setLevel(LEVELS.get(name, logging.INFO))
