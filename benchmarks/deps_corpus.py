"""Dependency findings per 1,000 lines on real projects (a script, not a test).

Runs `vetline scan --select dependencies --format json` on each project folder given and
prints, per project and in total, the lines of Python and manifest files scanned, the
findings per rule and the findings per 1,000 lines. `--vetline` picks the executable, so an
older build can be measured against the current one on the same folders; `--list` prints
every finding (rule, path:line, message) for reading as a reviewer would.

    python benchmarks/deps_corpus.py /work/corpus/deps-precision/src/* [--vetline PATH] [--list]
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
from pathlib import Path

COUNTED = (".py", ".txt", ".toml", ".cfg")
SKIPPED = {".git", "node_modules", ".venv", "venv", "__pycache__", "site-packages"}


def lines_in(folder: Path) -> int:
    """Lines of the files the dependency rules read (Python, requirements, TOML, setup.cfg)."""
    total = 0
    for path in folder.rglob("*"):
        if path.suffix in COUNTED and path.is_file() and not SKIPPED.intersection(path.parts):
            if path.suffix == ".txt" and "requirements" not in path.name:
                continue
            try:
                total += path.read_bytes().count(b"\n")
            except OSError:
                continue
    return total


def scan(vetline: str, folder: Path, jobs: int) -> list[dict]:
    command = [vetline, "scan", "--select", "dependencies", "--format", "json", "--jobs", str(jobs), str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")
    document = json.loads(result.stdout)
    return document["findings"] if isinstance(document, dict) else document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--vetline", default=shutil.which("vetline") or "vetline")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--list", action="store_true", help="print every finding")
    args = parser.parse_args()
    totals: collections.Counter[str] = collections.Counter()
    all_lines = 0
    for folder in args.folders:
        findings = scan(args.vetline, folder, args.jobs)
        lines = lines_in(folder)
        all_lines += lines
        per_rule = collections.Counter(f["rule"] for f in findings)
        totals.update(per_rule)
        rate = 1000 * len(findings) / max(lines, 1)
        rules = ", ".join(f"{rule} {count}" for rule, count in sorted(per_rule.items()))
        print(f"{folder.name:<32} {lines:>8} lines {len(findings):>5} findings {rate:6.2f}/kLOC  {rules}")
        if args.list:
            for f in findings:
                print(f"    {f['rule']:<20} {f['path']}:{f['line']}  {f['message']}")
    rate = 1000 * sum(totals.values()) / max(all_lines, 1)
    print(f"{'TOTAL':<32} {all_lines:>8} lines {sum(totals.values()):>5} findings {rate:6.2f}/kLOC")
    for rule, count in sorted(totals.items()):
        print(f"    {rule:<24} {count:>6}  {1000 * count / max(all_lines, 1):6.2f}/kLOC")


if __name__ == "__main__":
    main()
