"""Server logging: stderr always, and `window/logMessage` at or above the `logLevel` setting.

Only the `vetline` loggers are forwarded to the editor (pygls's own chatter stays on stderr).
Log records never carry source text: handlers log rule ids, URIs and exception types, and
exceptions (a crashing rule's, say) are written as type and stack without their message, which
might quote the analysed buffer.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING, Any

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


class RedactingFormatter(logging.Formatter):
    """Formats exceptions as type and stack only: an exception's message may quote the analysed
    source (a rule's `ValueError(repr(text))`), and that source may hold a secret."""

    def formatException(self, ei: Any) -> str:
        kind, _, trace = ei
        frames = "".join(traceback.format_tb(trace))
        name = kind.__name__ if kind is not None else "Exception"
        return f"Traceback (most recent call last):\n{frames}{name}: <message withheld>"


class EditorLogHandler(logging.Handler):
    """Forwards log records to the client as `window/logMessage` notifications."""

    def __init__(self, server: VetlineServer) -> None:
        super().__init__()
        self.server = server
        self.setFormatter(RedactingFormatter("%(name)s: %(message)s"))

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


def redact_stderr() -> None:
    """Give the stderr handlers the redacting formatter too."""
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
