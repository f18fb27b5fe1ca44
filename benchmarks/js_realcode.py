"""Speed and findings of the JavaScript/TypeScript rules on real npm packages (a script, not a test).

Usage: python benchmarks/js_realcode.py [--cache DIR] [--jobs N] [--packages a,b,...]

Installs a fixed set of popular npm packages (web frameworks, database drivers, template
engines, React, bundlers) from the npm registry into DIR (default: benchmarks/data/js), once,
moves the installed tree to `DIR/pkgs` (vetline skips `node_modules` folders by default), then
runs `vetline scan --select <every js-* rule>` over it and prints files per second, findings per
1,000 lines and per rule, and every finding's location so it can be triaged.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PACKAGES = [
    "express",
    "koa",
    "@koa/router",
    "fastify",
    "mongoose",
    "sequelize",
    "knex",
    "pg",
    "mysql2",
    "axios",
    "got",
    "node-fetch",
    "socket.io",
    "jsonwebtoken",
    "passport",
    "express-session",
    "multer",
    "nodemailer",
    "ejs",
    "handlebars",
    "nunjucks",
    "pug",
    "marked",
    "dompurify",
    "react",
    "react-dom",
    "next-auth",
    "@prisma/client",
    "prisma",
    "lodash",
    "moment",
    "chart.js",
    "vue",
    "@angular/core",
    "rxjs",
    "typescript",
    "eslint",
    "webpack",
]
EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
MAX_FILE_SIZE = 1_000_000  # vetline's default `max_file_size`: larger files are skipped, not counted


def install(cache: Path, packages: list[str]) -> Path:
    tree = cache / "pkgs"
    if tree.is_dir():
        return tree
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "package.json").write_text('{"name": "vetline-js-benchmark", "private": true}\n')
    npm = shutil.which("npm") or sys.exit("npm is needed to install the benchmark packages")
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", *packages], cwd=cache, check=True)
    (cache / "node_modules").rename(tree)
    return tree


def count_lines(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for path in tree.rglob("*"):
        if (
            path.suffix in EXTENSIONS
            and path.is_file()
            and not path.is_symlink()
            and path.stat().st_size <= MAX_FILE_SIZE
        ):
            files += 1
            lines += path.read_bytes().count(b"\n")
    return files, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / "data" / "js")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--packages", default=",".join(PACKAGES))
    args = parser.parse_args()
    tree = install(args.cache, args.packages.split(","))
    bin_dir = Path(sys.executable).parent
    vetline = [str(bin_dir / "vetline")] if (bin_dir / "vetline").exists() else [sys.executable, "-m", "vetline"]
    listed = json.loads(subprocess.run([*vetline, "rules", "--format", "json"], capture_output=True, check=True).stdout)
    rules = [r["id"] for r in (listed if isinstance(listed, list) else listed["rules"]) if r["id"].startswith("js-")]
    files, lines = count_lines(tree)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        started = time.perf_counter()
        command = [*vetline, "scan", str(tree), "--select", ",".join(rules), "--format", "json"]
        subprocess.run([*command, "--fail-on", "none", "--jobs", str(args.jobs), "-o", str(report)], check=True)
        elapsed = time.perf_counter() - started
        findings = json.loads(report.read_text())["findings"]
    print(f"tree: {tree}: {files} files, {lines:,} lines, {len(rules)} rules, jobs {args.jobs}")
    print(f"scan: {elapsed:.1f} s = {files / elapsed:.0f} files/s, {lines / elapsed / 1000:.0f} k lines/s")
    print(f"findings: {len(findings)} = {1000 * len(findings) / max(lines, 1):.4f} per 1,000 lines")
    for rule, count in collections.Counter(f["rule"] for f in findings).most_common():
        print(f"  {rule:40} {count:4}  {1000 * count / max(lines, 1):.4f} per 1,000 lines")
    for finding in sorted(findings, key=lambda f: (f["rule"], f["path"], f["line"])):
        print(f"    {finding['rule']} {finding['confidence']} {finding['path']}:{finding['line']}")


if __name__ == "__main__":
    main()
