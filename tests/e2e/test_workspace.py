"""End-to-end: `vetline.scanWorkspace` reports progress and findings of unopened files."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient, wait_published
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with one vulnerable file, one clean file, and one excluded vulnerable file."""
    folder = tmp_path_factory.mktemp("scanned")
    (folder / "pyproject.toml").write_text(
        '[tool.vetline]\nselect = ["yaml-unsafe-load"]\nextend_exclude = ["generated"]\n', encoding="utf-8"
    )
    (folder / "loader.py").write_text("import yaml\n\nyaml.load(data)\n", encoding="utf-8")
    (folder / "clean.py").write_text("import yaml\n\nyaml.safe_load(data)\n", encoding="utf-8")
    (folder / "opened.py").write_text("import yaml\nyaml.load(data)\n", encoding="utf-8")
    (folder / "generated").mkdir()
    (folder / "generated" / "bad.py").write_text("import yaml\nyaml.load(data)\n", encoding="utf-8")
    return folder


async def test_scan_workspace_reports_progress_and_findings(client: RecordingClient) -> None:
    """Ensure that the scan reports begin/report/end progress and the unopened file's finding."""
    folder = client.workspace_path
    opened = Buffer(client, folder / "opened.py", "import yaml\n")  # the buffer wins over the disk
    await opened.diagnostics()
    params = types.ExecuteCommandParams(command="vetline.scanWorkspace", arguments=[])
    summary = await client.workspace_execute_command_async(params)
    # pyproject, loader, clean, and the open buffer (counted from its live analysis, not the disk)
    assert summary == {"files": 4, "findings": 1, "cancelled": False}
    (found,) = await wait_published(client, (folder / "loader.py").as_uri(), None)
    assert found.code == "yaml-unsafe-load" and found.range.start.line == 2
    uris = {p.uri for p in client.published if p.version is None}
    assert (folder / "generated" / "bad.py").as_uri() not in uris
    assert (folder / "opened.py").as_uri() not in uris
    (reports,) = client.progress_reports.values()
    kinds = [type(report).__name__ for report in reports]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"
    assert "WorkDoneProgressReport" in kinds and reports[0].cancellable is True
    assert reports[-1].message == "4 files scanned, 1 findings"


async def test_workspace_diagnostic_request_returns_scan_results(client: RecordingClient) -> None:
    """Ensure that `workspace/diagnostic` answers with the last scan's findings."""
    report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
    uris = [item.uri for item in report.items]
    assert uris == [(client.workspace_path / "loader.py").as_uri()]
