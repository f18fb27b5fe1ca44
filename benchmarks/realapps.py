"""Scan real web applications from PyPI sdists and print findings per 1,000 lines and per rule.

Usage: python benchmarks/realapps.py [--holdout | --set holdout3 | APP ...] [--cache DIR] [--sdists DIR] [--json FILE]

A script, not a test: it measures precision work on code nobody here wrote. Each application
is a source distribution (`pip download --no-deps --no-binary :all: NAME==VERSION`), looked up
first in `--sdists` (default /work/corpus/sdist and the earlier rounds' download folders),
downloaded into `--downloads` when absent, and unpacked once into `--cache` (default
/work/corpus/web-precision2/realapps). vetline then scans each
unpacked tree with its default rule set (`vetline scan --format json`, run from inside the
tree so no configuration outside it applies) and the script prints, per application and in
total: Python lines, findings, findings per 1,000 lines (all rules, and without the dependency
rules, which depend on the package index cache), the same for application code alone (not test
code, example or development code nor migrations, as `rules.analysis.test_code` defines them: the figure issue 10's
precision target is about), and the count per rule. `--json` writes every finding (path, line,
rule, severity, confidence, message, application code or not) for triage.

`APPS` are the applications the precision work was tuned on; `--holdout` scans `HOLDOUT`,
ordinary applications kept out of that work to measure it; `--set holdout3` scans `HOLDOUT3`,
a third set nobody had tuned on (unpacked into /work/corpus/web-taint by default).
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rules.analysis.test_code import is_example_code, is_migration, is_test_code

# name==version: the five large web applications of the brief, then ordinary Flask/FastAPI apps.
APPS = (
    "pretix==2026.8.0",
    "label-studio==1.23.2",
    "apache-superset==6.1.0",
    "django-oscar==4.2.1",
    "wagtail==8.0.1",
    "flaskbb==2.2.0",
    "ihatemoney==7.2.1",
    "fittrackee==1.3.6",
    "lnbits==1.6.2",
)
# Kept out of the tuning (second precision round): Flask and Django applications.
HOLDOUT = (
    "calibreweb==0.6.27",
    "changedetection-io==0.60.10",
    "hyperkitty==1.3.12",
    "mezzanine==6.1.1",
)
# Kept out of the third round (taint precision): Django, Flask, Pylons and FastAPI applications.
HOLDOUT3 = (
    "pretalx==2025.2.2",
    "ckan==2.12.0",
    "privacyidea==3.14",
    "misago==0.39.6",
    "isso==0.14.0",
    "fief-server==0.27.0",
    "kiwitcms==12.4",
)
SETS = {"tuning": APPS, "holdout": HOLDOUT, "holdout3": HOLDOUT3}
SDIST_FOLDERS = (
    Path("/work/corpus/holdout3/sdist"),
    Path("/work/corpus/sdist"),
    Path("/work/corpus/web-precision/sdist"),
    Path("/work/corpus/web-precision2/sdist"),
)
DEPENDENCY_CATEGORY = "dependencies"


def archive_for(spec: str, sdists: list[Path], downloads: Path) -> Path:
    """The sdist of `spec` in `sdists` or `downloads`, downloaded there with pip when absent."""
    name, version = spec.split("==")
    stem = f"{name.replace('-', '_').lower()}-{version}"
    for folder in (*sdists, downloads):
        if not folder.is_dir():
            continue
        found = [p for p in folder.glob("*") if p.name.lower().replace("-", "_").startswith(stem.replace("-", "_"))]
        if found:
            return found[0]
    downloads.mkdir(parents=True, exist_ok=True)
    # The source is only read, never installed: the interpreter it asks for does not matter.
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--ignore-requires-python"]
    subprocess.run([*command, "-d", str(downloads), spec], check=True, stdout=subprocess.DEVNULL)
    return archive_for(spec, sdists, downloads)


def unpack(archive: Path, cache: Path) -> Path:
    """Unpack `archive` into its own folder under `cache` once; return that folder."""
    target = cache / archive.name.removesuffix(".tar.gz").removesuffix(".zip")
    if target.is_dir():
        return target
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True, exist_ok=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(partial)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(partial, filter="data")
    partial.rename(target)
    return target


def python_lines(tree: Path) -> int:
    """Lines of the Python files vetline reads under `tree` (default excludes applied roughly)."""
    skipped = {"node_modules", "build", "dist", "site-packages", ".venv", "venv"}
    total = 0
    for path in tree.rglob("*.py"):
        if not skipped.intersection(path.parts):
            total += path.read_bytes().count(b"\n")
    return total


def scan(tree: Path, select: str | None) -> tuple[list[dict], float]:
    """vetline's JSON findings for `tree` and the scan's wall time."""
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    command = [*vetline, "scan", ".", "--format", "json", "--fail-on", "none"]
    if select:
        command += ["--select", select]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=tree, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"vetline failed on {tree} ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return json.loads(done.stdout)["findings"], elapsed


def is_application_code(path: str) -> bool:
    """Code that serves users: neither test code, example or development code, nor a migration."""
    return not (is_test_code(path) or is_example_code(path) or is_migration(path))


def per_thousand(count: int, lines: int) -> float:
    return 1000 * count / lines if lines else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="*", metavar="APP", help="name==version (default: the tuning set)")
    parser.add_argument("--holdout", action="store_true", help="scan the hold-out applications")
    parser.add_argument("--set", choices=sorted(SETS), help="scan a named set of applications")
    parser.add_argument("--sdists", type=Path, action="append", help="folder of sdists (repeatable)")
    parser.add_argument("--downloads", type=Path, default=Path("/work/corpus/web-precision2/sdist"))
    parser.add_argument("--cache", type=Path, help="unpack folder (default: per set, see above)")
    parser.add_argument("--select", help="passed to `vetline scan --select` (default: the default rule set)")
    parser.add_argument("--json", type=Path, help="write every finding here for triage")
    args = parser.parse_args()
    chosen = args.set or ("holdout" if args.holdout else "tuning")
    apps = args.apps or list(SETS[chosen])
    default_cache = "/work/corpus/web-taint" if chosen == "holdout3" else "/work/corpus/web-precision2/realapps"
    cache = args.cache or Path(default_cache)
    sdists = args.sdists or list(SDIST_FOLDERS)
    rules: collections.Counter[str] = collections.Counter()
    app_rules: collections.Counter[str] = collections.Counter()
    all_findings: list[dict] = []
    totals = collections.Counter()
    total_time = 0.0
    print(
        f"{'application':<28}{'py lines':>10}{'findings':>10}{'/1k':>7}{'/1k no deps':>13}"
        f"{'app code':>10}{'/1k':>7}{'time s':>8}"
    )
    for spec in apps:
        tree = unpack(archive_for(spec, sdists, args.downloads), cache)
        findings, elapsed = scan(tree, args.select)
        lines = python_lines(tree)
        others = [f for f in findings if f["category"] != DEPENDENCY_CATEGORY]
        application = [f for f in others if is_application_code(f["path"])]
        rules.update(f["rule"] for f in findings)
        app_rules.update(f["rule"] for f in application)
        keys = ("rule", "path", "line", "severity", "confidence", "message")
        all_findings += [
            {"app": spec, **{k: f[k] for k in keys}, "application_code": is_application_code(f["path"])}
            for f in findings
        ]
        totals.update(lines=lines, findings=len(findings), non_dep=len(others), application=len(application))
        total_time += elapsed
        print(
            f"{spec:<28}{lines:>10,}{len(findings):>10}{per_thousand(len(findings), lines):>7.2f}"
            f"{per_thousand(len(others), lines):>13.2f}{len(application):>10}"
            f"{per_thousand(len(application), lines):>7.2f}{elapsed:>8.1f}"
        )
    lines = totals["lines"]
    print(
        f"{'total':<28}{lines:>10,}{totals['findings']:>10}{per_thousand(totals['findings'], lines):>7.2f}"
        f"{per_thousand(totals['non_dep'], lines):>13.2f}{totals['application']:>10}"
        f"{per_thousand(totals['application'], lines):>7.2f}{total_time:>8.1f}"
    )
    print("\nper rule (all findings / application code):")
    for rule, count in rules.most_common():
        print(f"  {rule:<36}{count:>6}{per_thousand(count, lines):>8.3f} /1k{app_rules[rule]:>7}")
    if args.json:
        args.json.write_text(json.dumps(all_findings, indent=1))


if __name__ == "__main__":
    main()
