"""`vetline scan` and `vetline data` load their configuration the same way (`commands/_configure.py`).

Both honour `--config` only when the file exists, otherwise find the nearest configuration from
their starting path, and print configuration warnings on stderr without stopping.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server.cli import main


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a configuration holding one unknown key; an empty cache; cwd set to it."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / ".vetline.toml").write_text('selectt = ["x"]\nselect = ["yaml-unsafe-load"]\n')
    (tmp_path / "app.py").write_text("import yaml\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("command", [["scan"], ["data", "status"]])
def test_missing_config_file_exits_two_for_every_command(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Ensure that `--config` naming a missing file is a usage error for `scan` and `data`."""
    code = main([*command, "--config", "nope.toml"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "vetline: error: nope.toml: configuration file not found"


@pytest.mark.parametrize("command", [["scan"], ["data", "status"]])
def test_unknown_config_key_warns_once_for_every_command(
    project: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Ensure that the nearest configuration's unknown key is one stderr warning and the command runs."""
    code = main(command)
    warnings = [line for line in capsys.readouterr().err.splitlines() if line.startswith("vetline: warning:")]
    assert code == 0
    assert len(warnings) == 1 and "selectt" in warnings[0] and ".vetline.toml" in warnings[0]
