"""End-to-end over raw stdio bytes: broken requests get JSON-RPC errors and bad framing never deafens.

pytest-lsp's client validates what it sends, so these tests write bytes to `vetline serve`
themselves: a request before `initialize`, requests whose params do not fit their method,
headers that are garbled or missing, a body that is not JSON, and a `Content-Length` of 10^12.
After each, the server must still answer a well-formed request.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from queue import Empty, Queue
from typing import Any

import pytest
from lsp_helpers import SERVER_ENV

TIMEOUT = 20


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


class RawClient:
    """`vetline serve` with bytes in and decoded messages out (a reader thread parses the framing)."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "vetline", "serve", "--log-level", "error"]
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=SERVER_ENV
        )
        self.messages: Queue[dict[str, Any]] = Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            headers = {}
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.lower()] = value.strip()
            if not line:
                return
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def send(self, data: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def response(self, request_id: Any) -> dict[str, Any]:
        """The response to `request_id`, skipping notifications and server requests."""
        while True:
            message = self.messages.get(timeout=TIMEOUT)
            if "method" not in message and message.get("id") == request_id:
                return message

    def request(self, request_id: int, method: str, params: Any) -> dict[str, Any]:
        self.send(frame({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
        return self.response(request_id)

    def initialize(self) -> None:
        result = self.request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        assert "result" in result
        self.send(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))

    def alive(self, request_id: int) -> bool:
        """True when the server answers a well-formed hover request."""
        params = {"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 0, "character": 0}}
        return self.request(request_id, "textDocument/hover", params).get("error") is None

    def close(self) -> None:
        try:
            self.request(999_999, "shutdown", None)
            self.send(frame({"jsonrpc": "2.0", "method": "exit"}))
            self.process.wait(timeout=TIMEOUT)
        except (Empty, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()


@pytest.fixture
def raw() -> Iterator[RawClient]:
    client = RawClient()
    yield client
    client.close()


def test_a_request_before_initialize_gets_server_not_initialized(raw: RawClient) -> None:
    """Ensure that a request before `initialize` is answered with -32002 and initialize still works."""
    params = {"textDocument": {"uri": "file:///a.py"}, "position": {"line": 0, "character": 0}}
    assert raw.request(7, "textDocument/hover", params)["error"]["code"] == -32002
    raw.initialize()
    assert raw.alive(8)


HOVER_AT = {"textDocument": {"uri": "file:///a.py"}}
BROKEN = {
    "negative line": {**HOVER_AT, "position": {"line": -1, "character": 0}},
    "character 2^40": {**HOVER_AT, "position": {"line": 0, "character": 2**40}},
    "string for a number": {**HOVER_AT, "position": {"line": "0", "character": 0}},
    "missing textDocument": {"position": {"line": 0, "character": 0}},
    "null params": None,
}


def test_requests_with_invalid_params_get_invalid_params_errors(raw: RawClient) -> None:
    """Ensure that each malformed request gets a -32602 answer with its own id, and the server goes on."""
    raw.initialize()
    for number, params in enumerate(BROKEN.values(), start=10):
        answer = raw.request(number, "textDocument/hover", params)
        assert answer["error"]["code"] == -32602, answer
    change = {"textDocument": {"uri": "file:///a.py", "version": 2}, "contentChanges": [{"range": None, "text": 5}]}
    raw.send(frame({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change}))  # a broken notification
    assert raw.alive(20)


FRAMING_ERRORS = {
    "garbled header name": b'Content-Lenght: 10\r\n\r\n{"a": 1}\r\n',
    "no Content-Length": b'Content-Type: application/vscode-jsonrpc\r\n\r\n{"jsonrpc": "2.0"}',
    "non-numeric length": b"Content-Length: ten\r\n\r\n{}",
    "garbage bytes": b"\x00\xff garbage without any header\n",
    "a length of 10^12": b'Content-Length: 1000000000000\r\n\r\n{"jsonrpc": "2.0", "method": "x"}',
}


@pytest.mark.parametrize("case", FRAMING_ERRORS)
def test_a_framing_error_does_not_leave_the_server_deaf(raw: RawClient, case: str) -> None:
    """Ensure that after broken framing (even a 10^12-byte length) the next well-framed request is answered."""
    raw.initialize()
    raw.send(FRAMING_ERRORS[case])
    assert raw.alive(30)
    assert raw.process.poll() is None


def test_a_body_that_is_not_json_gets_a_parse_error(raw: RawClient) -> None:
    """Ensure that a well-framed body that is not JSON is answered with -32700 and the server goes on."""
    raw.initialize()
    raw.send(b"Content-Length: 9\r\n\r\n{not json")
    assert raw.response(None)["error"]["code"] == -32700
    assert raw.alive(40)
