"""`vetline baseline create|update FILE [PATH ...]`: record today's findings as accepted.

`create` writes a new baseline (and refuses to overwrite one); `update` rescans the given
paths and replaces their entries, keeping the entries of files it did not scan. Paths in the
file are relative to the project root (the configuration's folder), like `vetline scan
--baseline` expects.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from ..baseline import Entry, dump_baseline, entry_for, load_baseline
from ..config import ConfigError, find_config, load_config
from ..formats import source_of
from ..scanner import display_path, scan_paths


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("baseline", help="record current findings so that only new ones are reported")
    parser.add_argument("action", choices=("create", "update"), help="create a new baseline or update an existing one")
    parser.add_argument("file", type=Path, metavar="FILE", help="the baseline file (e.g. .vetline-baseline.json)")
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH", help="files or folders (default: .)"
    )
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: nearest .vetline.toml or pyproject.toml)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "create" and args.file.exists():
        print(f"vetline: error: {args.file} exists; use `vetline baseline update`", file=sys.stderr)
        return 2
    try:
        config, _ = load_config(args.config or find_config(args.paths[0]), args.paths[0])
        kept = _kept_entries(args) if args.action == "update" else []
    except (ConfigError, OSError, ValueError, TypeError, KeyError) as error:
        print(f"vetline: error: {error}", file=sys.stderr)
        return 2
    config = dataclasses.replace(config, baseline=None)
    results = scan_paths(list(args.paths), config)
    scanned = {display_path(r.path, config.root) for r in results}
    entries = [e for e in kept if e.path not in scanned]
    for result in results:
        relative = display_path(result.path, config.root)
        entries.extend(entry_for(f, relative, source_of(result, f) or b"") for f in result.findings)
    args.file.write_text(dump_baseline(entries), encoding="utf-8")
    print(f"vetline: {len(entries)} finding(s) recorded in {args.file}", file=sys.stderr)
    return 0


def _kept_entries(args: argparse.Namespace) -> list[Entry]:
    return list(load_baseline(args.file).entries) if args.file.exists() else []
