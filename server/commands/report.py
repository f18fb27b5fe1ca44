"""`vetline report`: what the local metrics store knows about a workspace, as HTML, JSON or markdown.

The workspace is PATH's (default: the working directory): the recorded workspace at PATH or
the nearest one above it. `--forget` deletes everything recorded for it. An empty or missing
store is a report saying there is no data yet, never an error; an unreadable one is exit 2.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from ..metrics import html, summary, text
from ..metrics.recorder import Recorder
from ..metrics.store import Store, Workspace, default_path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="report recorded findings: AI-originated vs typed code, fixes, trends"
    )
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH", help="workspace (default: .)")
    parser.add_argument("--since", type=_date, help="only findings seen since DATE (YYYY-MM-DD)")
    parser.add_argument("--format", choices=("html", "json", "markdown"), default="html", help="(default: html)")
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of standard output")
    parser.add_argument("--forget", action="store_true", help="delete everything recorded for the workspace")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    recorder = Recorder(default_path())
    if not recorder.path.exists():
        if args.forget:
            print("vetline: nothing recorded yet", file=sys.stderr)
            return 0
        return _emit(args, summary.summarise(None, None))
    store = recorder.attempt(lambda s: s)
    if store is None:
        return 2  # the recorder logged why
    workspace = nearest_workspace(store, args.path.resolve())
    if args.forget:
        removed = store.forget(workspace) if workspace else 0
        print(
            f"vetline: forgot {removed} recorded finding(s) of {workspace.path if workspace else args.path}",
            file=sys.stderr,
        )
        return 0
    return _emit(args, summary.summarise(store, workspace, args.since or 0.0))


def nearest_workspace(store: Store, path: Path) -> Workspace | None:
    """The recorded workspace at `path` or the closest one above it."""
    known = {Path(w.path): w for w in store.workspaces()}
    for candidate in (path, *path.parents):
        if candidate in known:
            return known[candidate]
    return None


def render(report: dict, format_name: str) -> str:
    if format_name == "json":
        return text.render_json(report)
    if format_name == "markdown":
        return text.render_markdown(report)
    return html.render(report)


def _emit(args: argparse.Namespace, report: dict) -> int:
    output = render(report, args.format)
    if args.output is None:
        sys.stdout.write(output)
    else:
        args.output.write_text(output, encoding="utf-8")
    return 0


def _date(value: str) -> float:
    try:
        return datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None
