"""`vetline data update | status`: refresh and inspect the cached dependency data.

`update` downloads every URL source of `[tool.vetline.dependencies]` (the registry index, the
popular list, the OSV advisories for the project's declared packages, the npm registry's
answer for each npm name the bundled snapshot does not know) into the user cache;
local paths are used directly and never copied. Exit 0 when every source is current, 1 when
one failed (the previous copy, if any, stays in use), 2 on configuration errors.
`status` shows the bundled data (PyPI and npm popular lists, every PyPI name) with its date,
what each source resolves to, when it was last downloaded, and which index is in use: a
download wins over the bundled snapshot only when it is newer.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vetline.rules.dependencies import _data, bundled

from .. import depdata
from ..config import Config, ConfigError
from ._configure import configure

SOURCES = ("index", "popular", "popular_npm", "advisories", "npm_registry")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data", help="download or inspect dependency data (index, popular names, advisories)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    update = actions.add_parser("update", help="download the configured URL sources into the user cache")
    update.add_argument("--only", choices=SOURCES, action="append", help="refresh only this source (repeatable)")
    update.add_argument(
        "--timeout", type=float, default=depdata.TIMEOUT, help="seconds per request (default: %(default)s)"
    )
    status = actions.add_parser("status", help="show where each source comes from and how old it is")
    for sub in (update, status):
        sub.add_argument("project", nargs="?", type=Path, default=Path("."), help="project folder (default: .)")
        sub.add_argument(
            "--config", type=Path, help="configuration file (default: nearest .vetline.toml or pyproject.toml)"
        )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = configure(args.config, args.project)
    except ConfigError as error:
        print(f"vetline: error: {error}", file=sys.stderr)
        return 2
    if args.action == "status":
        _status(config)
        return 0
    outcomes = depdata.update(config.dependencies, args.project, args.only or SOURCES, timeout=args.timeout)
    for outcome in outcomes:
        stream = sys.stderr if outcome.status == "failed" else sys.stdout
        print(f"{outcome.kind:<10} {outcome.status:<9} {outcome.message}", file=stream)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _status(config: Config) -> None:
    options = {**config.dependencies, "root": str(config.root) if config.root else None}
    settings = _data.Settings.from_options(options)
    print(f"cache      {_data.cache_dir()}")
    for part, entry in bundled.metadata().items():
        if isinstance(entry, dict):
            print(
                f"bundled    {part}: {entry.get('count', 0):,} names as of {entry.get('as_of', '?')} ({entry.get('source')})"
            )
    index = _data.index(settings)
    print(f"index      in use: {index.origin if index is not None else 'none'}")
    for kind in SOURCES:
        value = getattr(settings, kind)
        if kind == "npm_registry":
            answers = _data.npm_answers(settings)
            print(
                f"{kind:<10} {value} ({len(answers)} npm names looked up, {sum(not a.exists for a in answers.values())} missing)"
            )
            continue
        if isinstance(value, tuple):
            print(f"{kind:<10} {len(value)} names listed inline")
            continue
        path = _data.local_source(settings, kind, value)
        if value is None or path is None:
            print(f"{kind:<10} not configured")
        elif not _data.is_url(value):
            print(f"{kind:<10} {path} (local{'' if path.exists() else ', MISSING'})")
        else:
            meta = depdata.read_meta(path)
            age = f"downloaded {_age(meta['fetched_at'])} ago" if "fetched_at" in meta else "never downloaded"
            print(f"{kind:<10} {value} ({age})")


def _age(timestamp: float) -> str:
    seconds = max(0, int(time.time() - timestamp))
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
