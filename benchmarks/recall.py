"""Recall on labelled vulnerable-by-design code: how many documented vulnerabilities vetline finds.

The labelled set lives in `benchmarks/data/recall/` (applications written for vetline in the
style of OWASP BenchmarkPython, DVPWA, PyGoat and vulnerable Flask/FastAPI/`http.server` apps;
each file's header names the project it imitates); `benchmarks/data/recall_js/` holds the
JavaScript/TypeScript set (OWASP Juice Shop, NodeGoat, DVNA). A comment `# vuln: <rule-id>`
(`// vuln:` in JavaScript, `{# vuln: <rule-id> #}` in a template) marks a documented vulnerability on the next code line;
`# safe: <rule-id>` marks a case the original benchmark scores as not vulnerable, so a finding
there is a false alarm. A vulnerability counts as found when that rule reports a finding that
starts on that line, at any confidence.

    python benchmarks/recall.py [FOLDER] [--verbose]     # FOLDER: benchmarks/data/recall_js for JS/TS

Prints recall per rule and overall, and the false alarms on `safe:` lines. A script, not a
test: the figures are recorded in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SET = HERE / "data" / "recall"
LABEL = re.compile(r"(?:#|\{#|//)\s*(vuln|safe):\s*([a-z0-9-]+)")
CODE_SUFFIXES = (".py", ".html", ".jinja", ".jinja2", ".j2", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")


def labels(root: Path) -> list[tuple[str, str, str, int]]:
    """(kind, rule, path, line) for every label: the line is the next line that is not a comment."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in CODE_SUFFIXES):
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, text in enumerate(lines):
            match = LABEL.search(text)
            if match is None:
                continue
            target = index + 1
            while target < len(lines) and LABEL.search(lines[target]):
                target += 1
            found.append((match.group(1), match.group(2), str(path.resolve()), target + 1))
    return found


def findings(root: Path) -> set[tuple[str, str, int]]:
    """(rule, absolute path, line) of every finding, every rule on, no project configuration."""
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as config:
        config.write("")
    command = [
        sys.executable,
        "-m",
        "vetline.server.cli",
        "scan",
        str(root),
        "--format",
        "json",
        "--config",
        config.name,
        "--fail-on",
        "none",
        "--select",
        "*",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    Path(config.name).unlink()
    if result.returncode not in (0, 1):
        sys.exit(f"vetline failed: {result.stderr}")
    report = json.loads(result.stdout)
    return {(f["rule"], _absolute(root, f["path"]), f["line"]) for f in report["findings"]}


def _absolute(root: Path, path: str) -> str:
    """A finding's path is relative to the scan root (or to the working folder inside it)."""
    under_root = root / path
    return str((under_root if under_root.exists() else Path.cwd() / path).resolve())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss and false alarm")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # Scanned as a copy outside `benchmarks/`: rules treat benchmark and test folders as fixtures.
        root = Path(scratch) / options.folder.name
        shutil.copytree(options.folder, root)
        report(root, options.verbose)


def report(root: Path, verbose: bool) -> None:
    """Print recall per rule and the false alarms for the labelled set at `root`."""
    cases = labels(root)
    reported = findings(root)
    total: Counter[str] = Counter()
    hit: Counter[str] = Counter()
    alarms = []
    for kind, rule, path, line in cases:
        found = (rule, path, line) in reported
        if kind == "vuln":
            total[rule] += 1
            hit[rule] += found
            if not found and verbose:
                print(f"MISS  {rule:34} {Path(path).relative_to(root.resolve())}:{line}")
        elif found:
            alarms.append((rule, path, line))
            if verbose:
                print(f"ALARM {rule:34} {Path(path).relative_to(root.resolve())}:{line}")
    print(f"{'rule':34} found/documented")
    for rule in sorted(total):
        print(f"{rule:34} {hit[rule]}/{total[rule]}")
    safe_cases = sum(1 for kind, *_ in cases if kind == "safe")
    print(
        f"\nrecall: {sum(hit.values())}/{sum(total.values())} = {sum(hit.values()) / max(sum(total.values()), 1):.1%}"
    )
    print(f"false alarms on safe cases: {len(alarms)}/{safe_cases}")


if __name__ == "__main__":
    main()
