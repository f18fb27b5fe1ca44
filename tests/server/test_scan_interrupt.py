"""`vetline scan --jobs 2` stopped by a signal takes its worker processes with it.

A real `vetline` process scans a tree large enough to use worker processes; the test waits until
the workers exist, signals the parent only (as `kill PID` or a supervisor does) and checks that
the parent exits with the conventional code and that no worker outlives it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

# Enough files (over `PARALLEL_MIN_FILES`) of enough lines that the scan is still running
# when the workers have started: 150 functions a file made a whole scan 0.8 s, and on a loaded
# CI machine it sometimes ended (exit 1: findings) before the signal landed; 1,500 make it ~3 s.
FILES = 800
BODY = "import hashlib\n\ndigest = hashlib.md5(b'a')\n" + "def f(x):\n    return x + 1\n\n" * 1500

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc for child processes")


def children_of(pid: int) -> set[int]:
    """The ids of the live processes whose parent is `pid`, read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after its last `)`.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def is_running(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie counts as gone)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Poll `condition` until it holds or `timeout` seconds pass; returns whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signalled_parallel_scan_leaves_no_worker_behind(tmp_path: Path, signum: int, code: int) -> None:
    """Ensure that a parallel scan killed by SIGTERM or SIGINT exits and no worker process outlives it."""
    for index in range(FILES):
        (tmp_path / f"module_{index}.py").write_text(BODY)
    scan = subprocess.Popen(
        [sys.executable, "-m", "vetline", "scan", "--jobs", "2", "--select", "weak-hash-md5-sha1", "."],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    workers: set[int] = set()

    def both_workers_started() -> bool:
        workers.update(children_of(scan.pid))
        return len(workers) >= 2

    try:
        assert wait_until(both_workers_started)
        assert scan.poll() is None, "the scan finished before it could be interrupted"
        scan.send_signal(signum)
        assert scan.wait(timeout=30) == code
        assert wait_until(lambda: not any(is_running(pid) for pid in workers), timeout=10)
        assert b"Traceback" not in scan.stderr.read()  # type: ignore[union-attr]
    finally:
        for pid in [scan.pid, *workers]:
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
        scan.wait(timeout=10)
