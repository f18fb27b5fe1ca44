"""The project a file belongs to, the assistants it uses, and what each one's exclusions cover.

The project root is the nearest folder upwards holding `.git`, else the nearest holding a
marker of some assistant. Tools are detected from their marker files and from
`[tool.vetline.ai_context] tools = [...]` (in `.vetline.toml` or `pyproject.toml`). Patterns
are matched with `pathspec`'s gitignore implementation, never with hand-written globbing. The
root-level exclusion files are re-read only when one of them changes (mtime and size), so a
lint on every keystroke costs a few `stat` calls; nothing outside the root is read.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

from .. import files
from . import _json
from ._tools import TOOLS, Tool, lookup

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

log = logging.getLogger("vetline.aicontext")
CLAUDE_SETTINGS = (".claude/settings.json", ".claude/settings.local.json")
_MAX_READ = 1_000_000  # exclusion files and settings larger than this are not read
_STAMPED = (
    ".gitignore",
    *{t.ignore_file for t in TOOLS if t.ignore_file},
    *CLAUDE_SETTINGS,
    ".vetline.toml",
    "pyproject.toml",
)


@dataclass(frozen=True)
class Workspace:
    """One project root, its detected tools and their root-level exclusion patterns."""

    root: Path
    tools: tuple[Tool, ...]
    specs: dict[str, pathspec.PathSpec] = field(default_factory=dict)  # ignore file name -> patterns
    claude_deny: pathspec.PathSpec | None = None
    claude_deny_all: bool = False

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def git_ignored(self, relative: str) -> bool:
        """True when the root `.gitignore` or one in a folder above the file ignores it."""
        return self._matches(".gitignore", relative)

    def covers(self, tool: Tool, relative: str) -> bool:
        """True when `tool`'s documented exclusions keep the file out of what it reads."""
        if tool.claude_permissions:
            return self.claude_deny_all or bool(self.claude_deny and self.claude_deny.match_file(relative))
        if tool.defaults and pathspec.GitIgnoreSpec.from_lines(tool.defaults).match_file(relative):
            return True
        if tool.honours_gitignore and self.git_ignored(relative):
            return True
        return tool.ignore_file is not None and self._matches(tool.ignore_file, relative, aiexclude=tool.nested)

    def _matches(self, name: str, relative: str, aiexclude: bool = False) -> bool:
        root_spec = self.specs.get(name)
        if root_spec is not None and root_spec.match_file(relative):
            return True
        parts = PurePosixPath(relative).parts[:-1]
        for depth in range(1, len(parts) + 1):  # nested files apply to the paths below them
            folder = "/".join(parts[:depth])
            spec = _spec_at(self.root / folder / name, self.root, aiexclude)
            if spec is not None and spec.match_file("/".join(PurePosixPath(relative).parts[depth:])):
                return True
        return False


def workspace_for(path: str | Path) -> Workspace | None:
    """The (cached) workspace of a file on disk, or None outside any project."""
    if not path:
        return None
    root = find_root(Path(path))
    if root is None:
        return None
    stamps = tuple(_stamp(root / name) for name in _STAMPED)
    return _load(root, stamps, _marker_stamp(root))


def find_root(path: Path) -> Path | None:
    try:
        start = path.resolve()
    except OSError:
        return None
    start = start if start.is_dir() else start.parent
    marked: Path | None = None
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
        if marked is None and any(_has_marker(folder, marker) for tool in TOOLS for marker in tool.markers):
            marked = folder
    return marked


def _has_marker(folder: Path, marker: str) -> bool:
    target = folder / marker.rstrip("/")
    return target.is_dir() if marker.endswith("/") else target.is_file()


def _marker_stamp(root: Path) -> tuple[str, ...]:
    """Which markers exist (a new `.cursor/` folder must change the detected tools)."""
    return tuple(marker for tool in TOOLS for marker in tool.markers if _has_marker(root, marker))


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, -1)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _load(root: Path, stamps: tuple[tuple[int, int], ...], markers: tuple[str, ...]) -> Workspace:
    detected = {tool.key for tool in TOOLS if any(m in markers for m in tool.markers)}
    detected.update(tool.key for tool in declared_tools(root))
    tools = tuple(tool for tool in TOOLS if tool.key in detected)
    specs = {}
    for name in {".gitignore", *(t.ignore_file for t in TOOLS if t.ignore_file)}:
        spec = _spec_at(root / name, root, aiexclude=name == ".aiexclude")
        if spec is not None:
            specs[name] = spec
    deny, deny_all = claude_read_denies(root)
    patterns = pathspec.GitIgnoreSpec.from_lines(deny) if deny else None
    return Workspace(root, tools, specs, patterns, deny_all)


def declared_tools(root: Path) -> list[Tool]:
    """The tools named in `[tool.vetline.ai_context] tools`, unknown names left out."""
    for name in (".vetline.toml", "pyproject.toml"):
        data = read_text(root / name, root)
        if data is None or "ai_context" not in data:
            continue
        try:
            document = tomllib.loads(data)
        except tomllib.TOMLDecodeError:
            continue
        table = document.get("tool", {}).get("vetline", document if name == ".vetline.toml" else {})
        listed = table.get("ai_context", {}).get("tools", []) if isinstance(table, dict) else []
        if isinstance(listed, list):
            return [tool for item in listed if isinstance(item, str) and (tool := lookup(item)) is not None]
    return []


def inside(root: Path, path: Path) -> bool:
    """True when `path` (symlinks followed) lies in the project: its files never make vetline
    read or write elsewhere."""
    return files.is_inside(os.path.realpath(path), os.path.realpath(root))


def read_text(path: Path, root: Path) -> str | None:
    """A small regular file's text inside `root`, or None (missing, outside, a folder, a FIFO, too large)."""
    try:
        return files.read_text_bounded(path, _MAX_READ, within=root)
    except OSError:
        return None


def _spec_at(path: Path, root: Path, aiexclude: bool = False) -> pathspec.PathSpec | None:
    text = read_text(path, root)
    if text is None:
        return None
    lines = text.splitlines()
    if aiexclude:  # no negation in .aiexclude; an empty one blocks everything below it
        lines = [line for line in lines if not line.startswith("!")]
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            lines = ["**"]
    return pathspec.GitIgnoreSpec.from_lines(lines)


def claude_read_denies(root: Path) -> tuple[list[str], bool]:
    """gitignore patterns of the `Read(...)` deny rules in the project's Claude Code settings.

    `Read(./x)` and `Read(/x)` are anchored at the project root, `Read(x)` follows gitignore
    rules (a bare name matches at any depth); `//abs` and `~/home` paths are outside the
    repository and ignored. A bare `Read` denies every read.
    """
    patterns: list[str] = []
    deny_all = False
    for name in CLAUDE_SETTINGS:
        text = read_text(root / name, root)
        node = _json.document(text.encode()) if text else None
        for entry in _json.items(_json.member(_json.member(node, "permissions"), "deny")):
            rule = _json.text(entry).strip()
            if rule == "Read" or rule == "Read(**)":
                deny_all = True
            elif rule.startswith("Read(") and rule.endswith(")"):
                pattern = _claude_pattern(rule[5:-1])
                if pattern:
                    patterns.append(pattern)
    return patterns, deny_all


def _claude_pattern(path: str) -> str | None:
    if path.startswith(("//", "~")):
        return None
    if path.startswith("./"):
        return "/" + path[2:]
    return path


def relative_to(root: Path, path: Path) -> str:
    """`path` relative to `root`, `/`-separated."""
    return Path(os.path.relpath(path, root)).as_posix()


def out_of_repo_notes(files: list[Path]) -> list[str]:
    """One note per project and tool whose exclusions vetline cannot read (Copilot's live in GitHub)."""
    notes: dict[str, None] = {}
    for folder in dict.fromkeys(path.parent for path in files):
        workspace = workspace_for(folder / ".")
        if workspace is not None:
            notes.update(dict.fromkeys(workspace_notes(workspace)))
    return list(notes)


def workspace_notes(workspace: Workspace) -> list[str]:
    return [
        f"ai-context: {workspace.root.name or workspace.root} uses {tool.name}, whose exclusions are set "
        f"outside the repository ({tool.mechanism}); vetline cannot check them: {tool.docs}"
        for tool in workspace.tools
        if not tool.in_repo
    ]


_noted_roots: set[Path] = set()


def note_once(workspace: Workspace) -> None:
    """Log a project's out-of-repository tools once per process (the language server shows it)."""
    if workspace.root in _noted_roots:
        return
    _noted_roots.add(workspace.root)
    for message in workspace_notes(workspace):
        log.info("%s", message)
