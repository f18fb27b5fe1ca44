"""Files that used to hang or kill a scan: FIFOs, device links, symlink loops, links out of the root.

Every test builds the hostile thing for real (`os.mkfifo`, symlinks to `/dev/zero` and
`/dev/urandom`, a sparse multi-gigabyte file) and runs the real CLI in a subprocess with a
timeout, so a regression shows up as a failed test instead of a hung suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from vetline.rules import files

VETLINE = [sys.executable, "-m", "vetline"]
PLANTED = "import yaml\nyaml.load(data)\n"
CANARY = "CANARY_" + "d41d8cd98f00b204e9800998ecf8427e"  # must never appear in any output


def scan(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VETLINE_CACHE_DIR": str(cwd / ".cache-for-test")}
    return subprocess.run(
        [*VETLINE, "scan", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A project with one planted finding next to every kind of file that must be skipped."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'TOKEN = "{CANARY}"\nyaml.load(data)\n', encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    (root / "good.py").write_text(PLANTED, encoding="utf-8")
    os.mkfifo(root / "fifo.py")
    (root / "zero.py").symlink_to("/dev/zero")
    (root / "random.py").symlink_to("/dev/urandom")
    (root / "loop.py").symlink_to(root / "loop.py")
    (root / "out.py").symlink_to(outside / "secret.py")
    (root / "linked_folder").symlink_to(outside, target_is_directory=True)
    with open(root / "huge.py", "wb") as handle:  # sparse: 4 GB on paper, nothing on disk
        handle.truncate(4 << 30)
    return root


def errors_by_path(report: dict) -> dict[str, str]:
    return {error["path"]: error["message"] for error in report["errors"]}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_scan_skips_hostile_files_with_reasons_and_reports_the_valid_one(tree: Path, jobs: str) -> None:
    """Ensure that FIFOs, device links, loops and links out of the root are skipped, each with a
    reason, and the finding in the valid file beside them is still reported."""
    result = scan(".", "--format", "json", "--select", "yaml-unsafe-load,hardcoded-secret", "-j", jobs, cwd=tree)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in report["findings"]] == [("good.py", 2, "yaml-unsafe-load")]
    errors = errors_by_path(report)
    assert "named pipe (FIFO)" in errors["fifo.py"]
    assert "leading outside" in errors["zero.py"] and "leading outside" in errors["random.py"]
    assert "symbolic link loop" in errors["loop.py"]
    assert "leading outside" in errors["out.py"]
    assert "4,294,967,296 bytes" in errors["huge.py"] and "max_file_size" in errors["huge.py"]
    assert not any(path.startswith("linked_folder") for path in errors)  # symlinked folders are not walked
    assert CANARY not in result.stdout + result.stderr and "Traceback" not in result.stderr


def test_text_output_names_each_skipped_file_by_its_own_name(tree: Path) -> None:
    """Ensure that a skipped link is shown under its name in the project, never its target."""
    result = scan(".", "--select", "yaml-unsafe-load", cwd=tree)
    assert "zero.py: skipped: a symbolic link leading outside" in result.stdout
    assert "fifo.py: skipped: a named pipe (FIFO), not a regular file" in result.stdout
    assert "/dev/zero" not in result.stdout and "good.py" in result.stdout


def test_a_fifo_named_on_the_command_line_is_skipped_not_read(tree: Path) -> None:
    """Ensure that naming a FIFO explicitly does not block the scan."""
    result = scan("fifo.py", "--format", "json", cwd=tree)
    assert result.returncode == 0 and "named pipe" in errors_by_path(json.loads(result.stdout))["fifo.py"]


@pytest.mark.parametrize(
    "name", ["requirements.txt", "pyproject.toml", ".vetline.toml", ".env.example", ".gitignore", ".secrets.baseline"]
)
def test_project_files_that_are_fifos_or_devices_do_not_hang_the_rules(tmp_path: Path, name: str) -> None:
    """Ensure that manifests, configuration, ignore files and baselines that are FIFOs or device
    links never block or fill memory: the planted findings are still reported."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text('import requests\nAPI_KEY = "' + "sk-" + 'proj-Q7wE2rT9yU4iO1pA6sD3T3BlbkFJ"\n')
    (tmp_path / "good.py").write_text(PLANTED, encoding="utf-8")
    os.mkfifo(tmp_path / name)
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "dev.txt").symlink_to("/dev/zero")
    result = scan(".", "--format", "json", cwd=tmp_path, timeout=60)
    report = json.loads(result.stdout)
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("good.py", "yaml-unsafe-load") in rules and ("app.py", "hardcoded-secret") in rules


def test_read_bounded_refuses_what_is_not_a_small_regular_file_inside(tmp_path: Path) -> None:
    """Ensure that the shared reader refuses FIFOs, devices, loops, links out and oversized files."""
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "ok.txt").write_bytes(b"12345")
    os.mkfifo(inside / "fifo")
    (inside / "loop").symlink_to(inside / "loop")
    (inside / "zero").symlink_to("/dev/zero")
    (tmp_path / "secret.txt").write_text(CANARY)
    (inside / "out").symlink_to(tmp_path / "secret.txt")
    assert files.read_bounded(inside / "ok.txt", 5, within=inside) == b"12345"
    expected = {
        "ok.txt": "over the 4-byte limit",
        "fifo": "named pipe",
        "loop": "symbolic link loop",
        "zero": "leading outside",
        "out": "leading outside",
    }
    for name, reason in expected.items():
        with pytest.raises(files.FileRefused, match=reason):
            files.read_bounded(inside / name, 4, within=inside)
    with pytest.raises(files.FileRefused, match="character device"):
        files.read_bounded(inside / "zero", 4)  # no root given: still never reads a device
    with pytest.raises(files.FileRefused, match="outside"):
        files.read_bounded(inside / ".." / "secret.txt", 100, within=inside)
