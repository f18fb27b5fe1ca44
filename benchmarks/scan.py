"""Time `vetline scan` against `bandit -r` on the same tree, in one run, and print the ratio.

Usage: python benchmarks/scan.py [TREE] [--jobs N] [--repeat N]
Default tree: the running Python's standard library. Both tools run with every rule on, JSON
output to /dev/null (printing is not what we measure), and the same number of processes.
Target (issue 2): vetline's wall time <= 0.2x Bandit's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path


def wall_time(command: list[str], repeat: int) -> float:
    """Median wall time of `command` over `repeat` runs (exit code 1 = findings, not a failure)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    bandit = shutil.which("bandit", path=str(bin_dir)) or shutil.which("bandit")
    if bandit is None:
        sys.exit("bandit is not installed: pip install bandit (it is in vetline's `test` extra)")
    files = sum(1 for _ in Path(args.tree).rglob("*.py"))
    print(f"tree: {args.tree} ({files} Python files), jobs: {args.jobs}, repeat: {args.repeat}")
    ours = wall_time(
        [*vetline, "scan", args.tree, "--format", "json", "--jobs", str(args.jobs), "--fail-on", "none"], args.repeat
    )
    print(f"vetline scan: {ours:8.2f} s")
    # vetline skips site-packages, virtualenvs and build folders by default: make Bandit skip them too.
    skipped = ",".join(f"*/{name}/*" for name in ("site-packages", ".venv", "venv", "node_modules", "build", "dist"))
    theirs = wall_time(
        [bandit, "-r", args.tree, "-x", skipped, "-f", "json", "-q", "-n", "1", "--exit-zero"], args.repeat
    )
    print(f"bandit -r:    {theirs:8.2f} s")
    print(f"ratio vetline/bandit: {ours / theirs:.3f} (target <= 0.2)")


if __name__ == "__main__":
    main()
