"""Which detected assistants may read a secret-bearing file, shared by the rule and `ai-context check`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..context import FileContext
from ..model import Edit
from . import _claude_settings
from ._secret_files import reason_by_name
from ._tools import Tool
from ._workspace import CLAUDE_SETTINGS, Workspace, inside, note_once, read_text, relative_to, workspace_for


@dataclass(frozen=True)
class Exposure:
    """A secret-bearing file of a workspace and, for each detected in-repo tool, whether it is covered."""

    workspace: Workspace
    relative: str
    reason: str
    covered: dict[str, bool]

    @property
    def exposing(self) -> list[Tool]:
        return [tool for tool in self.workspace.tools if tool.in_repo and not self.covered[tool.key]]


def exposure(ctx: FileContext) -> Exposure | None:
    """The exposure of the analysed file, or None when it is no secret store or no tool is detected.

    The file's own name and content decide first, so the project is looked up (a few `stat`
    calls) only for the rare file that holds secrets.
    """
    by_name = reason_by_name(ctx.path, ctx.source)
    if by_name is None and not _holds_secret(ctx):
        return None
    workspace = workspace_for(ctx.path)
    if workspace is None:
        return None
    note_once(workspace)
    if not any(tool.in_repo for tool in workspace.tools):
        return None
    try:
        relative = workspace.relative(Path(ctx.path))
    except (OSError, ValueError):
        return None
    reason = by_name or ("git-ignored file holding a secret" if workspace.git_ignored(relative) else None)
    if reason is None:
        return None
    covered = {tool.key: workspace.covers(tool, relative) for tool in workspace.tools if tool.in_repo}
    return Exposure(workspace, relative, reason, covered)


def _holds_secret(ctx: FileContext) -> bool:
    """True when the secrets engine finds a secret in the file (its verdicts are cached per file)."""
    from ..secrets import _scan  # the secrets engine decides what a secret is

    return bool(_scan.verdicts(ctx))


def ignore_entry(relative: str) -> str:
    """The gitignore line that excludes exactly this file, anchored at the project root."""
    return "/" + re.sub(r"([\\*?\[ ])", r"\\\1", relative)


def claude_entry(relative: str) -> str:
    return f"Read(./{relative})"


def fix_edits(found: Exposure, file_folder: Path) -> list[Edit]:
    """One edit per exposing tool: a line in its ignore file, or a deny rule in Claude's settings."""
    root = found.workspace.root
    edits: list[Edit] = []
    for tool in found.exposing:
        target = root / (tool.ignore_file or CLAUDE_SETTINGS[0])
        if target.is_symlink() or not inside(root, target) or (target.exists() and not target.is_file()):
            continue  # never edit through a link that may lead out of the project, nor a FIFO or folder
        if tool.ignore_file is not None:
            existing = read_text(target, root)
            lead = "\n" if existing and not existing.endswith("\n") else ""
            edits.append(Edit(-1, -1, f"{lead}{ignore_entry(found.relative)}\n", relative_to(file_folder, target)))
        elif tool.claude_permissions:
            text = read_text(target, root)
            edit = _claude_settings.deny_edit(
                text.encode() if text is not None else None,
                claude_entry(found.relative),
                relative_to(file_folder, target),
            )
            if edit is not None:
                edits.append(edit)
    return edits
