"""Tests of `vetline serve`: argument checking and a real TCP session."""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from vetline.server.commands import serve


def test_bad_tcp_address_is_a_usage_error() -> None:
    """Ensure that `--tcp` without HOST:PORT exits 2 before starting anything."""
    assert serve.run(argparse.Namespace(tcp="8080", log_level="info")) == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_tcp_server_answers_initialize() -> None:
    """Ensure that `python -m vetline serve --tcp` listens and answers an LSP initialize."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "vetline", "serve", "--tcp", f"127.0.0.1:{port}", stderr=asyncio.subprocess.PIPE
    )
    try:
        assert process.stderr is not None
        while b"Serving on" not in (line := await asyncio.wait_for(process.stderr.readline(), 30)):
            assert line, "server exited before listening"
        client = LanguageClient("test", "1")
        await client.start_tcp("127.0.0.1", port)
        result = await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
        assert result.server_info.name == "vetline"
        assert result.capabilities.text_document_sync.change == types.TextDocumentSyncKind.Incremental
        assert result.capabilities.code_action_provider.resolve_provider is True
        assert set(result.capabilities.execute_command_provider.commands) == {
            "vetline.scanWorkspace",
            "vetline.analyzeDocument",
            "vetline.metricsSummary",
            "vetline.writeReport",
        }
        await client.shutdown_async(None)
        client.exit(None)
        await asyncio.wait_for(process.wait(), 30)
        await client.stop()
    finally:
        if process.returncode is None:
            process.kill()
