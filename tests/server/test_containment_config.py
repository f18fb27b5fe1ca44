"""Paths in a cloned repository's `[tool.vetline]` stay inside the project: else exit 2, named.

`baseline`, `index`, `popular` and `advisories` used to reach anywhere: `advisories = "/"` walked
the disk, `/dev/zero` filled memory, a FIFO hung, `~` was expanded, `/etc/passwd` as a baseline
ended in a traceback. Each case runs the real CLI in a subprocess under a timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from vetline.rules.dependencies import _data

PLANTED = "import yaml\nyaml.load(data)\n"


def vetline(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "VETLINE_CACHE_DIR": str(home / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "vetline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home folder holding files a stranger's configuration would like vetline to read."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "baseline.json").write_text('{"version": 1, "entries": []}\n')
    (folder / "advisories").mkdir()
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "app.py").write_text(PLANTED, encoding="utf-8")
    os.mkfifo(folder / "pipe.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    (folder / "bad.json").write_text('{"entries": [1]}')
    return folder


CASES = [
    ("baseline", "/etc/passwd", "leads outside the project folder"),
    ("baseline", "../home/baseline.json", "leads outside the project folder"),
    ("baseline", "~/baseline.json", "`~` is not expanded"),
    ("baseline", "pipe.json", "named pipe (FIFO)"),
    ("baseline", "zero.json", "leads outside the project folder"),
    ("baseline", "bad.json", "not a baseline file"),
    ("baseline", "missing.json", "file not found"),
    ("dependencies.advisories", "/", "leads outside the project folder"),
    ("dependencies.advisories", "/dev/zero", "leads outside the project folder"),
    ("dependencies.advisories", "~/advisories", "`~` is not expanded"),
    ("dependencies.advisories", "pipe.json", "named pipe (FIFO)"),
    ("dependencies.index", "/etc/hostname", "leads outside the project folder"),
    ("dependencies.popular", "zero.json", "leads outside the project folder"),
]


@pytest.mark.parametrize(("key", "value", "reason"), CASES)
def test_bad_configured_path_is_a_clear_error_with_exit_2(
    project: Path, home: Path, key: str, value: str, reason: str
) -> None:
    """Ensure that a path setting leaving the project, or naming no regular file, stops the scan
    with exit 2 and a message naming the key, the file and the reason; no traceback."""
    table, _, name = key.rpartition(".")
    header = "[tool.vetline.dependencies]" if table else "[tool.vetline]"
    (project / "pyproject.toml").write_text(f"{header}\n{name} = {json.dumps(value)}\n")
    result = vetline("scan", ".", cwd=project, home=home)
    assert result.returncode == 2, result.stderr
    assert f"`{key}`" in result.stderr and str(project / "pyproject.toml") in result.stderr
    assert reason in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_baseline_given_on_the_command_line_may_live_anywhere(project: Path, home: Path) -> None:
    """Ensure that `--baseline` (the user's own choice) is not confined to the project."""
    result = vetline("scan", ".", "--baseline", str(home / "baseline.json"), cwd=project, home=home)
    assert result.returncode == 1 and "yaml-unsafe-load" in result.stdout


def test_a_baseline_inside_the_project_still_works(project: Path, home: Path) -> None:
    """Ensure that a relative baseline inside the project is read and applied."""
    (project / "pyproject.toml").write_text('[tool.vetline]\nbaseline = "accepted.json"\n')
    assert vetline("baseline", "create", "accepted.json", ".", cwd=project, home=home).returncode == 0
    result = vetline("scan", ".", cwd=project, home=home)
    assert result.returncode == 0 and "yaml-unsafe-load" not in result.stdout


def test_rules_never_follow_a_dependency_path_out_of_the_project(tmp_path: Path) -> None:
    """Ensure that the rules' own reading of `[tool.vetline.dependencies]` (monorepo sub-projects
    bypass the CLI's check) refuses a path that leaves the project and never expands `~`."""
    outside = tmp_path / "outside.json"
    outside.write_text('["stolen-name"]')
    project = tmp_path / "project"
    project.mkdir()
    settings = _data.Settings.from_options({"popular": "../outside.json", "root": str(project)})
    assert _data.local_source(settings, "popular", settings.popular) is None
    assert "stolen-name" not in _data.popular(settings, "PyPI")
    tilde = _data.Settings.from_options({"popular": "~/x.json", "root": str(project)})
    assert _data.local_source(tilde, "popular", tilde.popular) == project / "~" / "x.json"


def test_a_configuration_file_that_is_a_fifo_or_device_is_not_read(tmp_path: Path, home: Path) -> None:
    """Ensure that `.vetline.toml` as a FIFO or a link to `/dev/zero` neither hangs nor fills memory."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    os.mkfifo(tmp_path / "a" / ".vetline.toml")
    (tmp_path / "b" / ".vetline.toml").symlink_to("/dev/zero")
    for folder in ("a", "b"):
        (tmp_path / folder / "app.py").write_text(PLANTED, encoding="utf-8")
        result = vetline("scan", ".", cwd=tmp_path / folder, home=home)
        assert result.returncode == 1 and "yaml-unsafe-load" in result.stdout
