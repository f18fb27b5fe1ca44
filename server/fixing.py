"""Where a fix's edits land and in what order: shared by the language server and `vetline scan --fix`.

A fix is data (`vetline.rules.model.Fix`): byte-range edits of the analysed file (`path=None`)
and of sibling files named relative to its folder (`.env.example`, `.gitignore`, a manifest),
where `start_byte == end_byte == -1` appends. Both front ends turn those edits into changes
the same way, here:

- a sibling path is judged by its name from the document's folder (no symlink resolved, as an
  editor's URI is) and must lie inside the workspace folder and not be a symlink leading out of
  its own folder (`stays_inside`);
- an append goes on a line of its own, judged against the file as it is now (`append_text`);
- fixes are taken in source order and a fix whose edits overlap an earlier one is left for
  later (`non_overlapping`).

This module never imports lsprotocol: the CLI uses it without starting a server.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from vetline.rules import files
from vetline.rules.model import Edit, Finding, Fix

NO_RESOURCE_OPERATIONS = "your editor cannot create or edit {files}"
OUTSIDE_WORKSPACE = "the other file is outside the workspace folder"


def other_files(fix: Fix) -> str:
    """The sibling files a fix edits, for a title: `.env.example and ../.gitignore`."""
    names = list(dict.fromkeys(str(edit.path) for edit in fix.edits if edit.path is not None))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def sibling(document: Path, relative: str) -> Path:
    """Where a relative edit path leads from the document, by the names alone (as a URI would)."""
    return Path(os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(document)), relative)))


def stays_inside(target: Path, folder: Path) -> bool:
    """Inside `folder` by name, and not an existing symlink that leads out of its own folder."""
    if not target.is_relative_to(folder):
        return False
    if not os.path.lexists(target):
        return True
    return files.is_inside(os.path.realpath(target), os.path.realpath(target.parent))


def siblings_inside(document: Path, fix: Fix, folder: Path | None) -> bool:
    """True when every sibling edit of `fix` lands inside `folder` (None: no workspace folder)."""
    others = [sibling(document, str(edit.path)) for edit in fix.edits if edit.path is not None]
    if not others:
        return True
    return folder is not None and all(stays_inside(target, Path(os.path.abspath(folder))) for target in others)


def is_append(edit: Edit) -> bool:
    return edit.start_byte == edit.end_byte == -1


def append_text(existing: bytes, new_text: str) -> str:
    """The text an append adds to a file holding `existing`: on a line of its own.

    The rule may already have started its text on a new line, judging the file as it was when
    linting; judge it as it is now instead, so the line break is never doubled."""
    text = new_text.lstrip("\n")
    return text if not existing or existing.endswith(b"\n") else "\n" + text


def non_overlapping(findings: Sequence[Finding], wanted: Callable[[Fix], bool]) -> list[tuple[Finding, Fix]]:
    """The preferred fix of each finding that `wanted` accepts, in source order, skipping a fix
    whose edits of the document start before an earlier chosen fix's edits end."""
    chosen: list[tuple[Finding, Fix]] = []
    taken_until = -1
    for finding in sorted(findings, key=lambda f: f.start_byte):
        fix = finding.fix
        own = [edit for edit in fix.edits if edit.path is None] if fix is not None else []
        if fix is None or not wanted(fix):
            continue
        if own and min(edit.start_byte for edit in own) < taken_until:
            continue
        chosen.append((finding, fix))
        taken_until = max([taken_until, *(edit.end_byte for edit in own)])
    return chosen


def apply_edits(source: bytes, edits: Iterable[Edit]) -> bytes:
    """`source` with the edits applied: appends at the end in order, ranges from the back.

    The edits must not overlap (callers choose them with `non_overlapping` / `overlaps`)."""
    edits = list(edits)
    ranged = sorted((e for e in edits if not is_append(e)), key=lambda e: (e.start_byte, e.end_byte), reverse=True)
    result = source
    for edit in ranged:
        result = result[: edit.start_byte] + edit.new_text.encode("utf-8") + result[edit.end_byte :]
    for edit in (e for e in edits if is_append(e)):
        result += append_text(result, edit.new_text).encode("utf-8")
    return result


def overlaps(edit: Edit, taken: Iterable[Edit]) -> bool:
    """True when a ranged edit touches a range already taken (two inserts at one place conflict)."""
    if is_append(edit):
        return False
    return any(
        not is_append(other) and edit.start_byte <= other.end_byte and other.start_byte <= edit.end_byte
        for other in taken
    )
