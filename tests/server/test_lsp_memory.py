"""The server keeps nothing per edit and nothing of a closed document (issue 15, memory per edit).

In-process: raw JSON messages go through `VetlineProtocol.receive`, as over stdio, into a real
server whose diagnostics run on the test's event loop. RSS itself is measured by
`benchmarks/lsp_memory.py`, not here; these tests pin the leaks that benchmark found.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import os
import signal
import tracemalloc
import weakref
from pathlib import Path
from typing import Any

import pytest
from vetline.server import memory_trace
from vetline.server.lsp import metrics
from vetline.server.lsp.server import VetlineServer, create_server

FLAGGED = "import os\n\n\ndef run(x):\n    return os.system(x)\n"


class Sink:
    """A writer that keeps what the server sends."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def write(self, data: bytes) -> None:
        self.sent.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def published(self, uri: str) -> list[dict[str, Any]]:
        return [
            m["params"]
            for m in self.sent
            if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
        ]


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[VetlineServer, Sink]:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the metrics store of this test only
    ls, sink = create_server(), Sink()
    ls.protocol.set_writer(sink)
    capabilities = {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}
    params = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": capabilities}
    ls.protocol.receive({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
    return ls, sink


def notify(ls: VetlineServer, method: str, params: dict[str, Any]) -> None:
    ls.protocol.receive({"jsonrpc": "2.0", "method": method, "params": params})


def open_file(ls: VetlineServer, path: Path, text: str) -> str:
    path.write_text(text)
    item = {"uri": path.as_uri(), "languageId": "python", "version": 1, "text": text}
    notify(ls, "textDocument/didOpen", {"textDocument": item})
    return path.as_uri()


def type_at_end(ls: VetlineServer, uri: str, version: int, line: int, column: int) -> None:
    spot = {"line": line, "character": column}
    change = {"range": {"start": spot, "end": spot}, "text": "z"}
    notify(ls, "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})


async def analysed(ls: VetlineServer, uri: str) -> None:
    """Wait for the pending analysis of `uri` (and its confirming full run, if one was queued)."""
    for pending in (ls.scheduler.tasks, ls.scheduler.confirmations):
        task = pending.get(uri)
        if task is not None:
            await asyncio.wait_for(task, 30)


async def test_notifications_leave_no_future_behind(server: tuple[VetlineServer, Sink], tmp_path: Path) -> None:
    """Ensure that a thousand edits leave none of pygls's per-message futures pending (one leaked per edit before)."""
    ls, sink = server
    uri = open_file(ls, tmp_path / "app.py", FLAGGED + "# typed: \n")
    for version in range(2, 1002):
        type_at_end(ls, uri, version, 5, 9 + version - 2)
    await analysed(ls, uri)
    assert ls.protocol._request_futures == {}
    assert ls.documents[uri].source.endswith(b"# typed: " + b"z" * 1000 + b"\n")  # every edit was applied
    assert sink.published(uri)[-1]["version"] == 1001


async def test_closing_a_document_frees_it_and_everything_kept_about_it(
    server: tuple[VetlineServer, Sink], tmp_path: Path
) -> None:
    """Ensure that after didClose and another didOpen nothing still holds the closed buffer or its findings."""
    ls, sink = server
    first = open_file(ls, tmp_path / "first.py", FLAGGED)
    await analysed(ls, first)
    assert sink.published(first)[-1]["diagnostics"]  # analysed, with a finding the tracker remembers
    closed = weakref.ref(ls.documents[first])
    notify(ls, "textDocument/didClose", {"textDocument": {"uri": first}})
    second = open_file(ls, tmp_path / "second.py", FLAGGED)
    await analysed(ls, second)
    gc.collect()
    assert closed() is None
    state = metrics.tracker(ls)
    for per_uri in (state.live, state.buffers, state.analyses, state.typed_counted, ls.scheduler.costs):
        assert first not in per_uri and second in per_uri
    assert sink.published(first)[-1]["diagnostics"] == []  # the editor was told the closed file's findings are gone


async def test_reopened_document_starts_afresh_after_its_state_is_dropped(
    server: tuple[VetlineServer, Sink], tmp_path: Path
) -> None:
    """Ensure that a file closed and opened again reports its findings again, as found when it was opened."""
    ls, sink = server
    path = tmp_path / "app.py"
    for _ in range(3):
        uri = open_file(ls, path, FLAGGED)
        await analysed(ls, uri)
        diagnostics = sink.published(uri)[-1]["diagnostics"]
        assert [d["code"] for d in diagnostics] == ["os-command-injection"]
        assert "origin" not in diagnostics[0]["data"]  # there when opened: not "typed" in this session
        notify(ls, "textDocument/didClose", {"textDocument": {"uri": uri}})
    assert metrics.tracker(ls).live == {} and ls.documents == {}


async def test_closing_a_notebook_drops_its_cells_state(server: tuple[VetlineServer, Sink], tmp_path: Path) -> None:
    """Ensure that a notebook closed after analysis leaves no cell document or per-cell metrics state behind."""
    ls, sink = server
    uri = (tmp_path / "book.ipynb").as_uri()
    cells = [f"{uri}#cell{n}" for n in range(2)]
    notebook = {
        "uri": uri,
        "notebookType": "jupyter-notebook",
        "version": 1,
        "cells": [{"kind": 2, "document": cell} for cell in cells],
    }
    texts = ["import os\n", "os.system(input())\n"]
    items = [{"uri": c, "languageId": "python", "version": 1, "text": t} for c, t in zip(cells, texts)]
    notify(ls, "notebookDocument/didOpen", {"notebookDocument": notebook, "cellTextDocuments": items})
    await analysed(ls, uri)
    assert sink.published(cells[1])[-1]["diagnostics"]  # the cells were analysed and tracked
    assert cells[1] in metrics.tracker(ls).live
    closing = {"notebookDocument": {"uri": uri}, "cellTextDocuments": [{"uri": c} for c in cells]}
    notify(ls, "notebookDocument/didClose", closing)
    state = metrics.tracker(ls)
    assert ls.notebooks == {} and ls.documents == {}
    assert not any(c in per_uri for c in cells for per_uri in (state.live, state.buffers, state.analyses))


def test_memory_tracing_is_off_by_default_and_dumps_snapshots_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that tracing starts only with VETLINE_TRACEMALLOC, and then SIGUSR1 writes a loadable snapshot."""
    monkeypatch.delenv(memory_trace.ENVIRONMENT, raising=False)
    assert memory_trace.start_if_requested() is None and not tracemalloc.is_tracing()
    monkeypatch.setenv(memory_trace.ENVIRONMENT, str(tmp_path / "trace"))
    previous = signal.getsignal(signal.SIGUSR1)
    try:
        folder = memory_trace.start_if_requested()
        assert folder is not None and tracemalloc.is_tracing()
        os.kill(os.getpid(), signal.SIGUSR1)  # the handler runs in this (the main) thread
        snapshot = tracemalloc.Snapshot.load(str(folder / "snapshot-0.tracemalloc"))
        assert snapshot.statistics("filename")
        assert json.loads((folder / "types-0.json").read_text())["dict"] > 0
    finally:
        tracemalloc.stop()
        signal.signal(signal.SIGUSR1, previous)
        atexit.unregister(memory_trace.dump)
