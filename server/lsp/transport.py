"""The stdio transport: LSP base-protocol framing that survives whatever arrives on stdin.

pygls's reader trusts its input: a `Content-Length` it cannot parse leaves it waiting for a
header that never comes (the server is deaf from then on), `Content-Length: 1000000000000`
makes it ask for a terabyte in one read (the server dies), and a body that is not valid JSON or
does not fit its method is logged without an answer. This loop reads headers line by line with
a bounded line length, accepts `Content-Length` case-insensitively, refuses a body larger than
`MAX_MESSAGE_BYTES` without allocating it, and after any framing error resynchronises on the
next `Content-Length` header (a JSON body cannot contain a raw line break, so a header found
after garbage is a real one). Decoded messages go to `VetlineProtocol.receive`, which answers
every broken request with a JSON-RPC error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from typing import TYPE_CHECKING, BinaryIO

from pygls.exceptions import JsonRpcParseError
from pygls.io_ import StdoutWriter
from vetline.rules.patterns import linear

from .protocol import VetlineProtocol

if TYPE_CHECKING:
    from .server import VetlineServer

log = logging.getLogger("vetline.server")
MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # a body larger than this is refused unread (files are capped far lower)
MAX_HEADER_LINE = 8192  # header lines are read in pieces of at most this many bytes
_HEADER = linear(rb"[A-Za-z][A-Za-z0-9-]*[ \t]*:[^\r\n]*\r?\n$")
_CONTENT_LENGTH = linear(rb"content-length[ \t]*:[ \t]*(\d{1,20})[ \t]*\r?\n?$", re.IGNORECASE)


class Framing:
    """Splits a byte stream into message bodies, skipping (and logging) whatever is not one."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.length: int | None = None  # the Content-Length of the message whose headers are being read
        self.resynchronising = False  # skipping input after a framing error (logged once)

    def next_body(self) -> bytes:
        """The next well-framed body; b"" at the end of the input."""
        carry = b""  # the end of a line read in pieces: a header may straddle two pieces
        while True:
            piece = self.stream.readline(MAX_HEADER_LINE)
            if not piece:
                return b""
            line, carry = carry + piece, piece[-64:] if not piece.endswith(b"\n") else b""
            if line in (b"\r\n", b"\n"):
                body = self._end_of_headers()
                if body is not None:
                    return body
            else:
                self._header(line)

    def _header(self, line: bytes) -> None:
        found = _CONTENT_LENGTH.search(line)
        if found is not None:
            self.length = int(found.group(1))
        elif not _HEADER.match(line):
            self._lost("unexpected input where a header belongs")
            self.length = None

    def _end_of_headers(self) -> bytes | None:
        length, self.length = self.length, None
        if length is None:
            self._lost("a message without a Content-Length header")
            return None
        if length > MAX_MESSAGE_BYTES:
            self._lost(f"Content-Length {length} is over the {MAX_MESSAGE_BYTES}-byte limit")
            return None
        self.resynchronising = False
        body = self.stream.read(length)
        return body if len(body) == length else b""  # b"": the input ended inside the body

    def _lost(self, reason: str) -> None:
        if not self.resynchronising:
            log.error("framing error: %s; skipping to the next Content-Length header", reason)
        self.resynchronising = True


def dispatch(protocol: VetlineProtocol, body: bytes) -> None:
    """Decode one body and hand it to the protocol; a body that is not JSON gets -32700."""
    try:
        data = json.loads(body)
    except ValueError:
        log.warning("a message body that is not JSON (%d bytes); answered with a parse error", len(body))
        protocol._send_response(None, error=JsonRpcParseError().to_response_error())  # type: ignore[arg-type]
        return
    try:
        protocol.receive(data)
    except Exception:  # one message must never take the server down
        log.exception("handling a message failed")


async def _serve(stop: threading.Event, framing: Framing, protocol: VetlineProtocol) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        body = await loop.run_in_executor(None, framing.next_body)  # blocking reads off the event loop
        if not body:  # the end of the input
            break
        dispatch(protocol, body)


def serve_stdio(server: VetlineServer, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
    """Run `server` on stdio with this framing (pygls's `start_io`, robust reader)."""
    server._stop_event = stop = threading.Event()
    server.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    try:
        protocol = server.protocol
        assert isinstance(protocol, VetlineProtocol)
        asyncio.run(_serve(stop, Framing(stdin or sys.stdin.buffer), protocol))
    except BrokenPipeError:
        log.error("connection to the client is lost; shutting down")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()
