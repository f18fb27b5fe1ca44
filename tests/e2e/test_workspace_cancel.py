"""End-to-end: the user can cancel a workspace scan from its progress notification."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsp_helpers import TIMEOUT, RecordingClient
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")
FILES = 300


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    (folder / ".vetline.toml").write_text('select = ["yaml-unsafe-load"]\n', encoding="utf-8")
    for number in range(FILES):
        (folder / f"module_{number:03}.py").write_text("import yaml\nyaml.load(data)\n", encoding="utf-8")
    return folder


async def test_cancelling_the_progress_stops_the_scan(client: RecordingClient) -> None:
    """Ensure that a cancel on the progress token ends the scan early and says so."""
    params = types.ExecuteCommandParams(command="vetline.scanWorkspace", arguments=[])
    began = asyncio.wrap_future(client.protocol.wait_for_notification(types.PROGRESS))  # registered now
    scan = asyncio.ensure_future(client.workspace_execute_command_async(params))
    await asyncio.wait_for(began, TIMEOUT)
    (token,) = client.progress_reports
    client.window_work_done_progress_cancel(types.WorkDoneProgressCancelParams(token=token))
    summary = await asyncio.wait_for(scan, TIMEOUT)
    assert summary["cancelled"] is True and summary["files"] < FILES
    end = client.progress_reports[token][-1]
    assert isinstance(end, types.WorkDoneProgressEnd) and end.message.endswith("(cancelled)")
