"""Findings of the JavaScript/TypeScript rules on real applications from npm (a script, not a test).

Usage: python benchmarks/js_apps.py [APP ... | --holdout] [--cache DIR] [--json FILE] [--jobs N]

The precision side of issue 11, measured as issue 10 measures Python: each application is an
npm package that ships a server or a front end (`npm pack NAME@VERSION`, no dependencies),
unpacked once into `--cache` (default /work/corpus/js-precision/src). vetline scans each tree
with every `js-*` rule (`vetline scan --format json`, from inside the tree), with the default
excludes except `build` and `dist`: several of these packages ship only their compiled
TypeScript there, and that output is the application's code. Each finding and each line is put
in one of three classes:

- `app`: application code, what issue 10's bar (at most 0.5 findings per 1,000 lines, 9 in 10
  real) is about;
- `test`: test code as `rules.analysis.test_code` defines it, plus `*.test.js` / `*.spec.ts`;
- `vendored`: minified or bundled files (`rules.generated` says so), copies of other projects
  (`vendor/`, `public/.../lib/`, `static/.../js/` libraries, `*.min.js`) and generated
  per-language copies of templates (`views/translations/`).

Lines are those of JS/TS files and of the EJS/Handlebars templates the template rule reads.

Printed per application and in total: lines and findings per class, findings per 1,000 lines
of application code, and the count per rule per class. `--json` writes every finding for triage.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from rules import generated
from rules.analysis.test_code import is_test_code
from server.config import DEFAULT_EXCLUDE

# Servers (Express, Koa, Hapi-like, Fastify, Nest-style), CMSs, chat, admin tools, front ends.
APPS = (
    "node-red@5.0.7",
    "@node-red/runtime@5.0.7",
    "@node-red/editor-api@5.0.7",
    "@node-red/nodes@5.0.7",
    "ghost@6.65.0",
    "ep_etherpad-lite@1.8.14",
    "mongo-express@1.0.2",
    "redis-commander@0.9.0",
    "meshcentral@1.1.55",
    "apostrophe@4.32.2",
    "json-server@0.17.4",
    "thelounge@4.5.2",
    "verdaccio@6.8.0",
    "parse-server@9.10.0",
    "kuzzle@2.56.0",
    "keystone@4.2.1",
    "sails@1.5.18",
    "signalk-server@2.32.0",
    "hexo@8.1.2",
    "@jupyterlab/application@4.6.6",
    "@jupyterlab/notebook@4.6.6",
    "@strapi/core@5.54.0",
    "@directus/api@39.2.1",
)
# Kept out of the tuning: measured once, after the precision work, to see whether it generalises.
HOLDOUT = (
    "cncjs@1.11.5",
    "flowise@3.1.4",
    "homebridge-config-ui-x@5.28.0",
    "@budibase/server@3.38.1",
    "@nocobase/server@2.2.15",
    "@medusajs/medusa@2.21.2",
    "zigbee2mqtt@2.14.1",
)
EXTENSIONS = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})
TEMPLATES = frozenset({".ejs", ".hbs", ".handlebars", ".mustache"})  # read by js-template-unescaped-output
TRANSLATION_FOLDERS = frozenset({"translations", "locales", "i18n"})
MAX_FILE_SIZE = 1_000_000  # vetline's default `max_file_size`
# `build` and `dist` hold the only code of packages published from TypeScript.
EXCLUDE = tuple(p for p in DEFAULT_EXCLUDE if p not in {"build", "dist"})
VENDOR_FOLDERS = frozenset({"vendor", "vendors", "third_party", "bower_components", "libs", "external"})
_JS_TEST_SUFFIXES = (".test", ".spec", "-test", "-spec", "_test", "_spec")


def folder_for(spec: str, cache: Path) -> Path:
    """The unpacked package `spec` (`name@version`) under `cache`, packed and unpacked once."""
    name, version = spec.rsplit("@", 1)
    target = cache / f"{name.lstrip('@').replace('/', '-')}-{version}"
    if target.is_dir():
        return target
    npm = shutil.which("npm") or sys.exit("npm is needed to fetch the applications")
    with tempfile.TemporaryDirectory() as scratch:
        packed = subprocess.run([npm, "pack", spec], cwd=scratch, capture_output=True, text=True, check=False)
        if packed.returncode != 0:
            sys.exit(f"npm pack {spec} failed: {packed.stderr[-2000:]}")
        (archive,) = Path(scratch).glob("*.tgz")
        partial = target.with_name(target.name + ".partial")
        partial.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as bundle:
            for member in bundle.getmembers():
                member.name = member.name.split("/", 1)[-1]  # drop npm's `package/` prefix
            bundle.extractall(partial, filter="data")
        partial.rename(target)
    return target


def classify(relative: str, source: bytes | None = None) -> str:
    """`app`, `test` or `vendored` for a file at `relative` (its bytes, when known)."""
    parts = relative.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    if is_test_code(relative) or stem.endswith(_JS_TEST_SUFFIXES) or "e2e" in parts[:-1]:
        return "test"
    is_copy = parts[-1].endswith(tuple(TEMPLATES)) and TRANSLATION_FOLDERS.intersection(parts[:-1])
    if is_copy or VENDOR_FOLDERS.intersection(parts[:-1]) or generated.reason(b"", parts[-1]):
        return "vendored"
    if source is not None and generated.reason(source, parts[-1]):
        return "vendored"
    if ("public" in parts[:-1] or "static" in parts[:-1]) and "lib" in parts[:-1]:
        return "vendored"
    return "app"


def source_files(tree: Path) -> dict[str, str]:
    """relative path -> class, for every JS/TS file the scan reads under `tree`."""
    from server.config import Config

    config = Config(exclude=EXCLUDE)
    found = {}
    for path in tree.rglob("*"):
        relative = path.relative_to(tree).as_posix()
        if path.suffix not in EXTENSIONS | TEMPLATES or config.is_excluded(relative) or not path.is_file():
            continue
        if path.is_symlink() or path.stat().st_size > MAX_FILE_SIZE:
            continue
        found[relative] = classify(relative, path.read_bytes())
    return found


def lines_by_class(tree: Path, files: dict[str, str]) -> collections.Counter[str]:
    counts: collections.Counter[str] = collections.Counter()
    for relative, kind in files.items():
        counts[kind] += (tree / relative).read_bytes().count(b"\n")
    return counts


def js_rules(vetline: list[str]) -> list[str]:
    listed = json.loads(subprocess.run([*vetline, "rules", "--format", "json"], capture_output=True, check=True).stdout)
    return [r["id"] for r in (listed if isinstance(listed, list) else listed["rules"]) if r["id"].startswith("js-")]


def scan(tree: Path, vetline: list[str], rules: list[str], jobs: int) -> tuple[list[dict], float]:
    """vetline's JSON findings for `tree` with `rules` and the scan's wall time."""
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "vetline.toml"
        config.write_text("exclude = [" + ", ".join(json.dumps(p) for p in EXCLUDE) + "]\n")
        command = [*vetline, "scan", ".", "--format", "json", "--fail-on", "none", "--config", str(config)]
        command += ["--select", ",".join(rules), "--jobs", str(jobs)]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=tree, capture_output=True, check=False)
        elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"vetline failed on {tree} ({done.returncode}): {done.stderr.decode()[-2000:]}")
    return json.loads(done.stdout)["findings"], elapsed


def per_thousand(count: int, lines: int) -> float:
    return 1000 * count / lines if lines else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("apps", nargs="*", metavar="APP", help="name@version (default: the set above)")
    parser.add_argument("--holdout", action="store_true", help="scan the hold-out applications")
    parser.add_argument("--cache", type=Path, default=Path("/work/corpus/js-precision/src"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every finding here for triage")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    rules = js_rules(vetline)
    per_rule: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    totals: collections.Counter[str] = collections.Counter()
    triage, total_time = [], 0.0
    header = f"{'application':<34}{'app lines':>10}{'app':>6}{'/1k':>7}{'test lines':>11}{'test':>6}"
    print(header + f"{'vendored lines':>15}{'vend':>6}{'time s':>8}")
    for spec in args.apps or (HOLDOUT if args.holdout else APPS):
        tree = folder_for(spec, args.cache)
        files = source_files(tree)
        lines = lines_by_class(tree, files)
        findings, elapsed = scan(tree, vetline, rules, args.jobs)
        found: collections.Counter[str] = collections.Counter()
        for finding in findings:
            kind = files.get(finding["path"], classify(finding["path"]))
            found[kind] += 1
            per_rule[finding["rule"]][kind] += 1
            keys = ("rule", "path", "line", "severity", "confidence", "message")
            triage.append({"app": spec, "class": kind, **{k: finding[k] for k in keys}})
        totals.update({f"{k} lines": v for k, v in lines.items()} | {k: v for k, v in found.items()})
        total_time += elapsed
        print(_row(spec, lines, found, elapsed))
    print(_row("total", {k: totals[f"{k} lines"] for k in ("app", "test", "vendored")}, totals, total_time))
    print(f"\nper rule (app / test / vendored), {len(rules)} js-* rules:")
    for rule, counts in sorted(per_rule.items(), key=lambda item: -sum(item[1].values())):
        print(f"  {rule:40}{counts['app']:>6}{counts['test']:>6}{counts['vendored']:>6}")
    if args.json:
        args.json.write_text(json.dumps(triage, indent=1))


def _row(name: str, lines: collections.Counter[str] | dict, found: collections.Counter[str], elapsed: float) -> str:
    app = f"{lines.get('app', 0):>10,}{found['app']:>6}{per_thousand(found['app'], lines.get('app', 0)):>7.2f}"
    test = f"{lines.get('test', 0):>11,}{found['test']:>6}"
    return f"{name:<34}{app}{test}{lines.get('vendored', 0):>15,}{found['vendored']:>6}{elapsed:>8.1f}"


if __name__ == "__main__":
    main()
