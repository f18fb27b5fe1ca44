"""`vetline ai-context check|init`: which secret files each AI assistant can read, and a baseline
of exclusions for every assistant the project uses.

`check` prints a table (file x tool: covered / exposed / n.a.) or JSON and exits 1 when any
secret-bearing file is exposed. `init` writes or extends each tool's exclusion file with a
baseline plus the secret files found, never removing a line, and says what it changed; run
twice, the second run changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from vetline.rules.aicontext import _claude_settings
from vetline.rules.aicontext._exposure import Exposure, claude_entry, exposure, ignore_entry
from vetline.rules.aicontext._tools import TOOLS, Tool, lookup
from vetline.rules.aicontext._workspace import CLAUDE_SETTINGS, Workspace, inside, read_text, workspace_for
from vetline.rules.context import FileContext
from vetline.rules.languages import language_for_path, parser

from ..config import Config, ConfigError, find_config, load_config
from ..scanner import iter_files, read_source

BASELINE = (".env", ".env.*", "*credentials*", "*secrets*", "*.pem", "*.key")
CLAUDE_BASELINE = tuple(f"Read(./{p})" if p.startswith(".env") else f"Read(**/{p})" for p in BASELINE)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser_ = subparsers.add_parser("ai-context", help="check or set up what AI assistants may read")
    commands = parser_.add_subparsers(dest="ai_command", metavar="ACTION", required=True)
    check = commands.add_parser("check", help="table of secret files x assistants: covered, exposed or n.a.")
    check.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(run=run_check)
    init = commands.add_parser("init", help="write or extend each assistant's exclusion file with a baseline")
    init.add_argument("path", nargs="?", type=Path, default=Path("."), metavar="PATH")
    init.add_argument("--tools", help=f"comma-separated tools (default: detected): {', '.join(t.key for t in TOOLS)}")
    init.set_defaults(run=run_init)


def run_check(args: argparse.Namespace) -> int:
    workspace = workspace_for(args.path.resolve() / ".")
    if workspace is None or not workspace.tools:
        print(f"vetline: no AI assistant detected in {args.path}; declare them in [tool.vetline.ai_context] tools")
        return 0
    found = secret_files(workspace)
    if args.format == "json":
        print(json.dumps(_report(workspace, found), indent=2))
    else:
        print(_table(workspace, found))
    return 1 if any(item.exposing for item in found) else 0


def secret_files(workspace: Workspace) -> list[Exposure]:
    """Every secret-bearing file under the root with its coverage, sorted by path."""
    try:
        config, _ = load_config(find_config(workspace.root))
    except ConfigError:
        config = Config()
    found = []
    for path in iter_files(workspace.root, config):
        source, problem = read_source(path, config.max_file_size)
        language = language_for_path(path) or "secret-file"
        source = b"" if source is None or (problem and language == "secret-file") else source
        if problem and language != "secret-file":
            continue
        ts_parser = parser(language)
        ctx = FileContext(str(path), language, source, ts_parser.parse(source) if ts_parser else None)
        item = exposure(ctx)
        if item is not None:
            found.append(item)
    return sorted(found, key=lambda item: item.relative)


def _status(item: Exposure, tool: Tool) -> str:
    if not tool.in_repo:
        return "n.a."
    return "covered" if item.covered[tool.key] else "exposed"


def _report(workspace: Workspace, found: list[Exposure]) -> dict:
    return {
        "root": str(workspace.root),
        "tools": [tool.key for tool in workspace.tools],
        "files": [
            {"path": i.relative, "reason": i.reason, "tools": {t.key: _status(i, t) for t in workspace.tools}}
            for i in found
        ],
        "exposed": sum(1 for item in found if item.exposing),
    }


def _table(workspace: Workspace, found: list[Exposure]) -> str:
    header = ["file", *(tool.name for tool in workspace.tools)]
    rows = [[item.relative, *(_status(item, tool) for tool in workspace.tools)] for item in found]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]
    exposed = sum(1 for item in found if item.exposing)
    lines.append(f"{len(found)} secret-bearing files, {exposed} exposed to at least one assistant")
    return "\n".join(lines)


def run_init(args: argparse.Namespace) -> int:
    root_workspace = workspace_for(args.path.resolve() / ".")
    root = root_workspace.root if root_workspace is not None else args.path.resolve()
    tools = _chosen_tools(args.tools, root_workspace)
    if tools is None:
        return 2
    if not tools:
        print("vetline: no AI assistant detected; name them with --tools", file=sys.stderr)
        return 2
    found = secret_files(root_workspace) if root_workspace is not None else []
    extra = [item.relative for item in found]
    for tool in tools:
        print(_init_tool(root, tool, extra))
    return 0


def _chosen_tools(names: str | None, workspace: Workspace | None) -> list[Tool] | None:
    if not names:
        return list(workspace.tools) if workspace is not None else []
    chosen = []
    for name in names.split(","):
        tool = lookup(name)
        if tool is None:
            print(
                f"vetline: error: unknown tool {name.strip()!r}; known: {', '.join(t.key for t in TOOLS)}",
                file=sys.stderr,
            )
            return None
        chosen.append(tool)
    return list(dict.fromkeys(chosen))


def _init_tool(root: Path, tool: Tool, secret_paths: list[str]) -> str:
    if tool.ignore_file is not None:
        wanted = [*BASELINE, *(ignore_entry(p) for p in secret_paths if not _baseline_covers(p))]
        return _extend_ignore_file(root, tool.ignore_file, wanted)
    if tool.claude_permissions:
        wanted = [*CLAUDE_BASELINE, *(claude_entry(p) for p in secret_paths if not _baseline_covers(p))]
        return _extend_claude(root, wanted)
    return f"{tool.name}: exclusions are set outside the repository ({tool.mechanism}): {tool.docs}"


def _baseline_covers(relative: str) -> bool:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(BASELINE).match_file(relative)


def _extend_ignore_file(root: Path, name: str, wanted: list[str]) -> str:
    target = root / name
    if target.is_symlink() or not inside(root, target):
        return f"skipped {name}: it points outside the project"
    existing = read_text(target, root)
    present = {line.strip() for line in (existing or "").splitlines()}
    missing = [line for line in dict.fromkeys(wanted) if line not in present]
    if not missing:
        return f"unchanged {name}"
    lead = "\n" if existing and not existing.endswith("\n") else ""
    header = "# Secrets kept out of AI assistants (vetline ai-context init)\n" if existing is None else ""
    with target.open("a", encoding="utf-8") as handle:
        handle.write(lead + header + "".join(f"{line}\n" for line in missing))
    return f"{'created' if existing is None else 'extended'} {name}: {', '.join(missing)}"


def _extend_claude(root: Path, wanted: list[str]) -> str:
    target = root / CLAUDE_SETTINGS[0]
    if target.is_symlink() or not inside(root, target):
        return f"skipped {CLAUDE_SETTINGS[0]}: it points outside the project"
    existing = read_text(target, root)
    before = existing.encode() if existing is not None else None
    after = _claude_settings.add_entries(before, wanted)
    if after == (before or b""):
        return f"unchanged {CLAUDE_SETTINGS[0]}"
    if existing is not None and after == before:
        return f"unchanged {CLAUDE_SETTINGS[0]}"
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(after)
    added = [entry for entry in wanted if entry not in (existing or "")]
    return f"{'created' if existing is None else 'extended'} {CLAUDE_SETTINGS[0]}: {', '.join(added)}"
