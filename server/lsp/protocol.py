"""pygls's JSON-RPC protocol, made strict about what it accepts and calm about routine races.

Strict input. Every request is answered: params that do not match the method's schema (a
negative line, a character past 2^31, a string where a number belongs, a missing
`textDocument`, `null` params) get error -32602 instead of a log line and silence, a request
before `initialize` gets -32002 (ServerNotInitialized), and a message that is not a JSON-RPC
object gets -32600. Integers are structured strictly (cattrs would turn `"7"` into 7).

Vetline's own buffers. pygls keeps a copy of every open document and updates it on
`didChange` before vetline's handler runs; its update splits lines with `str.splitlines`
(form feed, U+2028, U+0085 are line breaks there, not in the LSP) and clamps a past-the-end
column by rewriting the incoming `Position` in place, so vetline would apply a changed edit.
The built-in open/change/close handlers, of text documents and of notebooks (whose cells pygls
keeps the same way), are replaced by ones that only call vetline's handlers, which apply the
edits to their own buffers (`documents.py`, `notebooks.py`, `positions.py`).

Nothing kept per notification. pygls 2.1 files the future of every notification whose handler
is a generator (the document handlers below), a coroutine or a thread function in its
`_request_futures` table under a fresh UUID and never removes it: one `concurrent.futures.Future`
(with its lock and condition, about 2 KB) per keystroke, so RSS grew by 2 MB per 1,000 edits
(`benchmarks/lsp_memory.py`). `_execute_handler` here drops the entry once the notification's
handler is done; requests are untouched (their answer removes them).

Calm races. The client cancels a request (`$/cancelRequest`) that the server has already
answered: the specification says to ignore such a cancel, pygls logs a warning. And the server
stops waiting for one of its own requests (a diagnostic refresh made by an analysis run that a
newer change cancelled): the client's late answer then made pygls call `set_result` on a
cancelled future. Both are dropped here at debug level. The overrides use pygls 2's
`_request_futures` table and `lsp_method` built-ins (`pygls>=2,<3` is pinned).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

from cattrs import Converter
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.protocol import LanguageServerProtocol, default_converter, lsp_method

log = logging.getLogger("vetline.server")
BEFORE_INITIALIZE = frozenset({types.INITIALIZE, types.EXIT})  # the only messages before `initialize`


def strict_converter() -> Converter:
    """pygls's converter, refusing a non-integer where the protocol says integer."""
    converter = default_converter()
    converter.register_structure_hook(int, _strict_int)  # also reached for IntEnums (severities, kinds)
    converter.register_structure_hook(bool, _strict_bool)
    return converter


def _strict_int(value: Any, cls: type[int]) -> int:
    if type(value) is not int:  # a bool is an int to Python, not to JSON
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return value if cls is int else cls(value)


def _strict_bool(value: Any, _cls: type[bool]) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected a boolean, got {type(value).__name__}")
    return value


class VetlineProtocol(LanguageServerProtocol):
    """`LanguageServerProtocol` that answers every request and leaves documents to vetline."""

    initialize_received = False

    def receive(self, data: Any) -> None:
        """Structure and dispatch one decoded JSON message; a broken request gets an error answer."""
        if not isinstance(data, dict):
            self._refuse(None, JsonRpcInvalidRequest())
            return
        request_id = data.get("id") if isinstance(data.get("id"), (int, str)) else None
        method = data.get("method")
        if not self.initialize_received and method not in BEFORE_INITIALIZE:
            if method is not None and "id" in data:
                self._refuse(request_id, JsonRpcServerNotInitialized())
            return  # a notification before `initialize` is dropped, as the LSP says
        try:
            message = self.structure_message(data)
        except JsonRpcException as error:
            if method is not None and "id" in data:
                self._refuse(request_id, type(error)(f"{error.message}: the message does not fit `{method}`"))
            return
        self.initialize_received = self.initialize_received or method == types.INITIALIZE
        self.handle_message(message)

    def _refuse(self, request_id: int | str | None, error: JsonRpcException) -> None:
        log.warning("refused a message: %s", error.message)
        self._send_response(request_id, error=error.to_response_error())  # type: ignore[arg-type]

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_OPEN)
    def lsp_notebook_document__did_open(self, params: types.DidOpenNotebookDocumentParams) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def lsp_notebook_document__did_change(
        self, params: types.DidChangeNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def lsp_notebook_document__did_close(
        self, params: types.DidCloseNotebookDocumentParams
    ) -> Generator[Any, Any, None]:
        yield from self._user_handler(types.NOTEBOOK_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Callable[..., Any],
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        if callback == self._check_handler_result:  # a notification: no answer will remove its future
            callback = functools.partial(self._notification_done, msg_id)
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    def _notification_done(self, msg_id: Any, future: Future[Any]) -> None:
        self._request_futures.pop(msg_id, None)
        self._check_handler_result(future)

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
