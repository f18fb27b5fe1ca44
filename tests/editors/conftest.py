"""Shared plumbing of the real-editor tests: where `.ci/editors-setup.sh` put things, skipping
with a clear reason when it has not been run, free ports, and processes that are always killed.

Everything the editors write (profiles, logs, settings) goes under pytest's tmp_path, so the
tests leave nothing in $HOME; screenshots go to tests/artifacts/ (gitignored) for CI to keep.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"
EDITORS_DIR = Path(os.environ.get("VETLINE_EDITORS_DIR", "/tmp/vetline-editors"))
SETUP_HINT = "run `bash .ci/editors-setup.sh` (as root) first"

VULNERABLE_PY = """import yaml


def load_config(data):
    return yaml.load(data)
"""
# 1-based line:column inside `yaml.load(data)` above, where the quick fix is requested.
FINDING_LINE, FINDING_COLUMN = 5, 17
# A GitHub token's shape (a provider format every text file type reports), split so that no
# source line matches it.
PROVIDER_TOKEN = "ghp_" + "Q7wE2rT9yU4iO1pA6sD3" + "fG8hJ5kL0zX2cV7b"


def require_tool(path: str | Path | None, what: str) -> Path:
    """Skip the test unless `path` exists: the setup script installs every editor tool.

    CI sets VETLINE_REQUIRE_EDITORS=1 after running the setup, and there a missing tool fails.
    """
    if path is None or not Path(path).exists():
        message = f"{what} is not installed: {SETUP_HINT}"
        if os.environ.get("VETLINE_REQUIRE_EDITORS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return Path(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def process_group(argv: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Run `argv` in its own process group and kill the whole group, children included, on exit."""
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            yield proc
        finally:
            _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    _signal_group(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    # The group can outlive its leader (extension host, language server): kill what is left.
    _signal_group(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


@pytest.fixture
def vulnerable_workspace(tmp_path: Path) -> Path:
    """A project folder holding one Python file with a `yaml-unsafe-load` finding."""
    workspace = tmp_path / "project"
    workspace.mkdir()
    (workspace / "app.py").write_text(VULNERABLE_PY, encoding="utf-8")
    return workspace


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def which(name: str) -> str | None:
    return shutil.which(name)


def recorded_outcomes(data_home: Path, workspace: Path) -> list[tuple[str | None, str]]:
    """(origin, outcome) of every finding the editor's server recorded for `workspace` under `data_home`."""
    env = dict(os.environ, XDG_DATA_HOME=str(data_home))
    done = subprocess.run(
        [sys.executable, "-m", "vetline", "report", "--format", "json", str(workspace)],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return sorted((f["origin"], f["outcome"]) for f in json.loads(done.stdout).get("findings", []))
