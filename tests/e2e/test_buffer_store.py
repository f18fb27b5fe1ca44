"""In-process property test: vetline's buffer equals the client's after any incremental edits.

Fast and thorough where `test_buffer_sync.py` is end-to-end: raw JSON `didChange` messages go
through `VetlineProtocol.receive` (so pygls's structuring and built-in handlers are part of
the test) into the server's documents, and after every step the buffer must equal the text the
specification model `lsp_text` computes, its line index must equal a fresh index, and the
incrementally edited tree must equal a fresh parse. All three position encodings.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
from typing import Any

import lsp_text
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types
from vetline.server.lsp.analysis import _reparse
from vetline.server.lsp.server import VetlineServer, create_server
from vetline.server.positions import LineIndex

_uris = (f"file:///project/app_{n}.py" for n in itertools.count())
PIECES = [
    "\n",
    "\r\n",
    "\r",
    "\x0c",
    "\u2028",
    "\u0085",
    "\x1c",
    "\x1d",
    "\x1e",
    "😀",
    "𝄞",
    "é",
    "漢",
    "x",
    " + eval(input())",
    "'",
]


class Sink:
    """A writer that keeps what the server sends."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.sent.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))


@functools.cache
def started(encoding: str) -> VetlineServer:
    server = create_server()
    server.protocol.set_writer(Sink())
    capabilities = {"general": {"positionEncodings": [encoding]}}
    server.protocol.receive(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": None, "capabilities": capabilities},
        }
    )
    server.settings = dataclasses.replace(server.settings, run="manual")  # no analysis: this test is about text
    return server


def position(text: str, at: int, past: int, encoding: str) -> dict[str, int]:
    spot = lsp_text.position(text, at, encoding)
    if past < 0:  # past the last line
        return {"line": len(lsp_text.lines(text)) - past, "character": 3}
    return {"line": spot.line, "character": spot.character + past}


texts = st.lists(st.sampled_from(PIECES + ["a = 1", "def f():\n    return g(x)\n"]), max_size=12).map("".join)
steps = st.lists(
    st.tuples(
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.sampled_from([0, 0, 0, 1, 7, -1]),
        st.lists(st.sampled_from(PIECES), max_size=3),
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
@settings(max_examples=200, deadline=None)
@given(initial=texts, edits=steps)
def test_buffer_equals_the_clients_text_after_every_edit(encoding: str, initial: str, edits: list[Any]) -> None:
    """Ensure that random edits with exotic line breaks, astral characters and past-the-end positions never drift."""
    server, uri = started(encoding), next(_uris)
    item = {"uri": uri, "languageId": "python", "version": 1, "text": initial}
    server.protocol.receive({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
    text = initial
    for version, (a, b, past, pieces) in enumerate(edits, start=2):
        boundaries = [i for i in range(len(text) + 1) if text[i - 1 : i + 1] != "\r\n"]
        first, second = sorted([boundaries[a % len(boundaries)], boundaries[b % len(boundaries)]])
        rng = {"start": position(text, first, 0, encoding), "end": position(text, second, past, encoding)}
        change = {"range": rng, "text": "".join(pieces)}
        params = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
        server.protocol.receive({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": params})
        partial = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(**rng["start"]), end=types.Position(**rng["end"])),
            text=change["text"],
        )
        text = lsp_text.apply(text, partial, encoding)
        doc = server.documents[uri]
        assert doc.source.decode("utf-8") == text
        assert doc.index.starts == LineIndex(doc.source).starts
        assert [doc.index.point(o) for o in range(0, len(doc.source), 7)] == [
            (doc.source.count(b"\n", 0, o), o - doc.source.rfind(b"\n", 0, o) - 1) for o in range(0, len(doc.source), 7)
        ]
        edited = _reparse(doc)
        doc.tree = None
        assert str(edited.root_node) == str(_reparse(doc).root_node)
        doc.tree = edited
    server.protocol.receive(
        {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}}
    )
