"""Time `vetline scan` against `bandit -r` on the same tree, in one run, and print the ratio.

Usage: python benchmarks/scan.py [TREE] [--jobs N] [--repeat N]
       python benchmarks/scan.py --against-parse [TREE]
       python benchmarks/scan.py --javascript [--js-cache DIR] [--jobs N] [--repeat N]
Default tree: the running Python's standard library. Both tools run with every rule on, JSON
output to /dev/null (printing is not what we measure), and the same number of processes.
Target (issue 2): vetline's wall time <= 0.2x Bandit's.

`--against-parse` instead times one `vetline scan --jobs 1` process (start-up included) on the
tree's top-level `*.py` files (about 170 in the standard library) against the time tree-sitter
alone takes to parse the same files in this process. Target (issue 15): at most 3x.

`--javascript` times `vetline scan` (every rule on) over a JS/TS tree: real npm packages installed
from the npm registry once into the cache (the set and the installer of `js_realcode.py`), and
prints files/s and lines/s (issue 11).
"""

from __future__ import annotations

import argparse
import os
import resource
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


def javascript(cache: Path, jobs: int, repeat: int) -> None:
    """Files/s and lines/s of `vetline scan` on installed npm packages."""
    sys.path.insert(0, str(Path(__file__).parent))
    import js_realcode  # the benchmark set of npm packages and its installer

    tree = js_realcode.install(cache, js_realcode.PACKAGES)
    files, lines = js_realcode.count_lines(tree)
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    command = [*vetline, "scan", str(tree), "--format", "json", "--jobs", str(jobs), "--fail-on", "none"]
    elapsed = wall_time(command, repeat)
    print(f"tree: {tree}: {files} JS/TS files, {lines:,} lines, jobs: {jobs}, repeat: {repeat}")
    print(f"vetline scan: {elapsed:.1f} s = {files / elapsed:.0f} files/s, {lines / elapsed / 1000:.0f} k lines/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", default=sysconfig.get_paths()["stdlib"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--against-parse", action="store_true", help="one process vs tree-sitter parse time")
    parser.add_argument("--javascript", action="store_true", help="time a tree of real npm packages")
    parser.add_argument("--js-cache", type=Path, default=Path(__file__).parent / "data" / "js")
    args = parser.parse_args()
    if args.against_parse:
        against_parse(Path(args.tree), args.repeat)
        return
    if args.javascript:
        javascript(args.js_cache, args.jobs, args.repeat)
        return
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


def parse_time(files: list[Path], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds tree-sitter takes to read and parse every file once (no analysis)."""
    import tree_sitter
    import tree_sitter_python

    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_python.language()))
    walls, cpus = [], []
    for _ in range(max(3, repeat)):
        started, started_cpu = time.perf_counter(), time.process_time()
        for path in files:
            parser.parse(path.read_bytes())
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
    return statistics.median(walls), statistics.median(cpus)


def cpu_time(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of `command`, a child process, over `repeat` runs.

    On a shared machine the wall time moves with the load; the CPU time is what the process cost."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(wall_time(command, 1))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def against_parse(tree: Path, repeat: int) -> None:
    files = sorted(path for path in tree.glob("*.py") if path.is_file())
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    parsing, parsing_cpu = parse_time(files, repeat)
    scan = [*vetline, "scan", *map(str, files), "--format", "json", "--jobs", "1", "--fail-on", "none"]
    ours, ours_cpu = cpu_time(scan, repeat)
    size = sum(path.stat().st_size for path in files) / 1e6
    print(f"tree: {tree} top level ({len(files)} files, {size:.1f} MB), repeat: {repeat}")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(f"tree-sitter parse: {parsing:8.2f} s wall {parsing_cpu:8.2f} s CPU")
    print(f"vetline scan -j1:  {ours:8.2f} s wall {ours_cpu:8.2f} s CPU")
    print(f"ratio vetline/parse: {ours / parsing:.2f} wall, {ours_cpu / parsing_cpu:.2f} CPU (target <= 3)")


if __name__ == "__main__":
    main()
