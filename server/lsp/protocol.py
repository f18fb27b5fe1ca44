"""pygls's JSON-RPC protocol, calm about the cancellation races the LSP calls normal traffic.

Two races are routine with VS Code. The client cancels a request (`$/cancelRequest`) that the
server has already answered: the specification says to ignore such a cancel, pygls logs a
warning. And the server stops waiting for one of its own requests (a diagnostic refresh made by
an analysis run that a newer change cancelled): cancelling the asyncio waiter cancels pygls's
future, and the client's late answer then made pygls call `set_result` on a cancelled future,
logged as "Unable to handle message ... InvalidStateError: CANCELLED". Both are dropped here at
debug level. The overrides use pygls 2's `_request_futures` table (`pygls>=2,<3` is pinned).
"""

from __future__ import annotations

import logging
from typing import Any

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger("vetline.server")


class VetlineProtocol(LanguageServerProtocol):
    """`LanguageServerProtocol` that treats cancellation races as normal, not as errors."""

    def _handle_cancel_notification(self, msg_id: Any) -> None:
        if msg_id not in self._request_futures:  # answered already: the cancel crossed our response
            log.debug("cancel for request %s, which is already answered", msg_id)
            return
        super()._handle_cancel_notification(msg_id)

    def _handle_response(self, msg_id: Any, result: Any = None, error: types.ResponseError | None = None) -> None:
        future = self._request_futures.get(msg_id)
        if future is not None and future.cancelled():  # nobody waits for this answer any more
            self._request_futures.pop(msg_id, None)
            log.debug("dropping the answer to request %s: its waiter was cancelled", msg_id)
            return
        super()._handle_response(msg_id, result, error)
