"""End-to-end: `vetline.scanWorkspace` counts the open buffers with the files on disk."""

from __future__ import annotations

import pytest
from lsp_helpers import Buffer, RecordingClient
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_scan_workspace_counts_open_buffers_and_their_findings(client: RecordingClient) -> None:
    """Ensure that the summary ("N files scanned, M findings") includes an open, unsaved buffer."""
    buffer = Buffer(client, client.workspace_path / "open_only.py", "import yaml\nyaml.load(data)\n")
    assert [d.code for d in await buffer.diagnostics()] == ["yaml-unsafe-load"]
    params = types.ExecuteCommandParams(command="vetline.scanWorkspace", arguments=[])
    summary = await client.workspace_execute_command_async(params)
    assert isinstance(summary, dict)
    assert summary["findings"] == 1  # the buffer's finding; the workspace's pyproject.toml has none
    assert summary["files"] == 2  # the open buffer and pyproject.toml
