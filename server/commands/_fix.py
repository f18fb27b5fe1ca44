"""`vetline scan --fix`, `--unsafe-fixes` and `--show-fixes`: the language server's quick fixes, from the shell.

Not a subcommand. A round takes the preferred fix of every reported finding (safe fixes only,
unless `--unsafe-fixes`), with exactly the edits a quick fix makes in the editor, sibling
files included (`.env.example`, `.gitignore`, a manifest), under the same rules
(`vetline.server.fixing`): a sibling must lie inside the workspace folder, here the scanned
folder holding the file (for a file named alone, its own folder); when it does not,
only the file's own edits are made, and the output says so. A fix that overlaps one already
taken in any file it edits waits for the next round; rounds re-scan and repeat until nothing
is left to fix, so a second `--fix` changes nothing.

A file that parsed before and would not parse after (tree-sitter reports an error, TOML or
JSON no longer loads) is never written: the fixes touching it are refused, with the reason.
`--show-fixes` computes one round and prints it as a unified diff without writing anything
(a fix that waits for a later round because it overlaps another is not in the preview).

A Jupyter notebook is fixed cell by cell: a finding's fix edits its code cell (cell
coordinates, as the language server offers it), a cell that parsed must still parse, and
the cell's new source is written back into the `.ipynb` text in place
(`vetline.server.notebook_json`), every other byte of the file kept. Messages and the preview
name the cell and count lines inside it (`nb.ipynb:cell 3:2:1`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vetline.rules import files, languages
from vetline.rules.languages import language_for_path
from vetline.rules.model import Edit, Finding, Fix
from vetline.rules.notebooks import python_source

from ..config import tomllib
from ..fixing import OUTSIDE_WORKSPACE, apply_edits, is_append, non_overlapping, overlaps, sibling, siblings_inside
from ..formats import is_secret
from ..formats.text import MASK
from ..notebook_json import with_sources
from ..notebook_scan import part_key
from ..scanner import FileResult, display_path

MAX_ROUNDS = 10  # a fix that keeps re-creating its finding must not loop forever
Target = tuple[Path, int | None]  # a file, or (a notebook, the 1-based code cell an edit changes)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--fix", action="store_true", help="apply the safe quick fixes, then report what is left")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix: apply the unsafe fixes too")
    parser.add_argument(
        "--show-fixes", action="store_true", help="print the fixes --fix would make as a diff; write nothing"
    )


@dataclass(frozen=True)
class Applied:
    """One fix taken in a round: where, what, and which other files it edits."""

    result: FileResult
    finding: Finding
    fix: Fix
    edits: tuple[tuple[Target, Edit], ...]
    this_file_only: bool = False

    @property
    def cell(self) -> int | None:
        return self.edits[0][0][1] if self.edits else None


@dataclass
class Round:
    """The new contents of every file a round edits, and the fixes that produce them."""

    contents: dict[Path, tuple[bytes, bytes]] = field(default_factory=dict)  # path -> (before, after)
    cells: dict[Target, tuple[bytes, bytes]] = field(default_factory=dict)  # a notebook's changed cells
    unwritable: set[Path] = field(default_factory=set)  # notebooks whose new text did not read back
    applied: list[Applied] = field(default_factory=list)
    refused: list[tuple[Applied, Path]] = field(default_factory=list)


def run(
    results: list[FileResult], args: argparse.Namespace, rescan: Callable[[], list[FileResult]]
) -> list[FileResult]:
    """Apply fixes round after round; returns the results of the final scan."""
    folders = [Path(os.path.abspath(path)) for path in args.paths if path.is_dir()]
    refused: set[tuple[str, str, str]] = set()
    applied = changed = 0
    for _ in range(MAX_ROUNDS):
        planned = plan_round(results, args.unsafe_fixes, folders, refused)
        _print_refused(planned)
        if not planned.applied:
            break
        for target, (_before, after) in planned.contents.items():
            target.write_bytes(after)
        changed += len(planned.contents)
        applied += len(planned.applied)
        _print_applied(planned)
        results = rescan()
    _print_summary(applied, changed, results, args.unsafe_fixes)
    return results


def show(results: list[FileResult], args: argparse.Namespace) -> int:
    """Print one round of fixes as a unified diff; 1 when there is something to fix."""
    folders = [Path(os.path.abspath(path)) for path in args.paths if path.is_dir()]
    planned = plan_round(results, args.unsafe_fixes, folders, set())
    _print_refused(planned)
    for target, (before, after) in sorted(planned.contents.items()):
        cells = sorted((cell, change) for (path, cell), change in planned.cells.items() if path == target)
        if not cells:  # a removed secret is masked: the diff then no longer applies, but never echoes it
            hidden = _masked(before, [a.finding for a in planned.applied if a.edits[0][0] == (target, None)])
            sys.stdout.write(unified_diff(display_path(target), hidden, after))
        for cell, (old, new) in cells:  # a notebook: each cell's own lines, not the JSON text's
            hidden = _masked(old, [a.finding for a in planned.applied if (a.edits[0][0] == (target, cell))])
            sys.stdout.write(unified_diff(f"{display_path(target)}:cell {cell}", hidden, new))
    _print_applied(planned, verb="would fix")
    _print_unsafe_hint(results, args.unsafe_fixes)
    return 1 if planned.contents else 0


def _masked(source: bytes, findings: list[Finding]) -> bytes:
    """`source` with each secret's text masked: a cell's diff is read, not applied, so it need not
    carry the credential it removes."""
    for finding in sorted((f for f in findings if is_secret(f)), key=lambda f: f.start_byte, reverse=True):
        text = source[finding.start_byte : finding.end_byte].decode("utf-8", "replace")
        source = source[: finding.start_byte] + (MASK * len(text)).encode("utf-8") + source[finding.end_byte :]
    return source


def plan_round(
    results: list[FileResult], unsafe: bool, folders: list[Path], refused: set[tuple[str, str, str]]
) -> Round:
    """The fixes of one round; a fix that would leave a file unparsable is refused and the round planned again."""
    refusals: list[tuple[Applied, Path]] = []
    while True:
        planned = _plan(results, unsafe, folders, refused)
        broken = [(applied, target) for applied in planned.applied for target in _broken_targets(planned, applied)]
        if not broken:
            planned.refused = refusals
            return planned
        for applied, target in broken:
            if _key(applied) not in refused:
                refused.add(_key(applied))
                refusals.append((applied, target))


def _plan(results: list[FileResult], unsafe: bool, folders: list[Path], refused: set[tuple[str, str, str]]) -> Round:
    planned = Round()
    pending: dict[Target, list[Edit]] = {}
    originals: dict[Target, bytes | None] = {}
    for result in results:
        if result.source is None:
            continue
        document = Path(os.path.abspath(result.path))
        if (document, None) not in originals:  # skip a file changed since it was scanned
            current = _content(document, max(len(result.source) + 1, files.MAX_MANIFEST_BYTES))
            originals[(document, None)] = result.source if current == result.source else None
        for cell, findings in _by_part(result):
            if (document, cell) not in originals:
                fresh = originals[(document, None)] is not None
                originals[(document, cell)] = result.parts.get((cell, None)) if fresh and cell else None
            for finding, fix in non_overlapping(findings, lambda fix: fix.safe or unsafe):
                candidate = _candidate(result, finding, fix, (document, cell), _workspace(document, folders))
                if candidate is None or _key(candidate) in refused:
                    continue
                for target, _edit in candidate.edits:
                    if target not in originals:
                        originals[target] = _content(target[0])
                if _fits(candidate, pending, originals):
                    for target, edit in candidate.edits:
                        if not any(_same(edit, taken) for taken in pending.setdefault(target, [])):
                            pending[target].append(edit)
                    planned.applied.append(candidate)
    for target, edits in pending.items():
        before = originals[target]
        assert before is not None
        after = apply_edits(before, edits)
        if after != before and target[1] is None:
            planned.contents[target[0]] = (before, after)
        elif after != before:
            planned.cells[target] = (before, after)
    _notebook_contents(planned, originals)
    return planned


def _by_part(result: FileResult) -> Iterator[tuple[int | None, list[Finding]]]:
    """A file's findings as one group; a notebook's by code cell (each counts in its own bytes)."""
    if not result.parts:
        yield None, list(result.findings)
        return
    cells: dict[int, list[Finding]] = {}
    for finding in result.findings:
        cell, output = part_key(finding)
        if output is None:
            cells.setdefault(cell, []).append(finding)
    yield from cells.items()


def _notebook_contents(planned: Round, originals: dict[Target, bytes | None]) -> None:
    """Each notebook with changed cells, as its new file text (in place, every other byte kept)."""
    notebooks: dict[Path, dict[int, bytes]] = {}
    for (path, cell), (_before, after) in planned.cells.items():
        notebooks.setdefault(path, {})[cell or 0] = after
    for path, sources in notebooks.items():
        before = originals[(path, None)]
        written = with_sources(before, sources) if before is not None else None
        if before is None or written is None:
            planned.unwritable.add(path)
        else:
            planned.contents[path] = (before, written)


def _candidate(result: FileResult, finding: Finding, fix: Fix, own: Target, folder: Path) -> Applied | None:
    """The fix's edits by target (its own edits: the file or notebook cell `own`); only the
    document's own when a sibling leaves the workspace."""
    document = own[0]
    inside = siblings_inside(document, fix, folder) and all(
        files.is_inside(os.path.realpath(sibling(document, str(e.path))), os.path.realpath(folder))
        for e in fix.edits
        if e.path is not None
    )
    edits = tuple(
        (own if edit.path is None else (sibling(document, edit.path), None), edit)
        for edit in fix.edits
        if inside or edit.path is None
    )
    if not edits:
        return None
    return Applied(result, finding, fix, edits, this_file_only=not inside)


def _fits(candidate: Applied, pending: dict[Target, list[Edit]], originals: dict[Target, bytes | None]) -> bool:
    """Every file the fix edits is readable, its ranges lie in the file, and nothing taken overlaps them."""
    for path, edit in candidate.edits:
        content, taken = originals.get(path), pending.get(path, [])
        if content is None or (not is_append(edit) and edit.end_byte > len(content)):
            return False
        if not is_append(edit) and not any(_same(edit, other) for other in taken) and overlaps(edit, taken):
            return False
    return True


def _same(edit: Edit, other: Edit) -> bool:
    """The same change, whichever fix asks for it (two secrets, one `import os`; one `.env` line)."""
    if is_append(edit) and is_append(other):
        return edit.new_text.lstrip("\n") == other.new_text.lstrip("\n")
    return (edit.start_byte, edit.end_byte, edit.new_text) == (other.start_byte, other.end_byte, other.new_text)


def _workspace(document: Path, folders: list[Path]) -> Path:
    """The scanned folder holding the document, else the document's own folder."""
    holding = [folder for folder in folders if document.is_relative_to(folder)]
    return max(holding, key=lambda f: len(f.parts), default=document.parent)


def _content(path: Path, limit: int = files.MAX_MANIFEST_BYTES) -> bytes | None:
    """The file as it is now; empty when it does not exist yet; None when vetline will not read it."""
    try:
        return files.read_bounded(path, limit)
    except FileNotFoundError:
        return b"" if path.parent.is_dir() else None
    except OSError:
        return None


def _key(applied: Applied) -> tuple[str, str, str]:
    cell = applied.cell
    source = (applied.result.parts.get((cell, None)) if cell else applied.result.source) or b""
    text = source[applied.finding.start_byte : applied.finding.end_byte].decode("utf-8", "replace")
    return (f"{applied.result.path}:{cell or ''}", applied.finding.rule_id, text)


def _broken_targets(planned: Round, applied: Applied) -> Iterator[Path]:
    for target in dict.fromkeys(target for target, _edit in applied.edits):
        path, cell = target
        if cell is not None:
            before, after = planned.cells.get(target, (b"", b""))
            if path in planned.unwritable or (cell_parses(before) and not cell_parses(after)):
                yield path
            continue
        before, after = planned.contents.get(path, (b"", b""))
        if path in planned.contents and parses(before, path) and not parses(after, path):
            yield path


def cell_parses(data: bytes) -> bool:
    """True when a notebook code cell is Python tree-sitter reads without an error (magics aside)."""
    python = python_source(data.decode("utf-8", "replace"))
    parser = languages.parser("python")
    return python is None or parser is None or not parser.parse(python).root_node.has_error


def parses(data: bytes, path: Path) -> bool:
    """True when `data` is valid for the kind of file `path` names (as far as vetline can tell)."""
    language = language_for_path(path)
    if language is None:
        return True
    parser = languages.parser(language)
    if parser is not None:
        return not parser.parse(data).root_node.has_error
    try:
        if language == "toml":
            tomllib.loads(data.decode("utf-8"))
        elif language == "json":
            json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def unified_diff(name: str, before: bytes, after: bytes) -> str:
    """`before` -> `after` as a unified diff `git apply` understands."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    name = name.lstrip("/")  # a path outside the working directory is shown absolute
    lines = difflib.unified_diff(old, new, "/dev/null" if not before else f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _print_applied(planned: Round, verb: str = "fixed") -> None:
    for applied in planned.applied:
        start = applied.finding.start
        document = Path(os.path.abspath(applied.result.path))
        paths = dict.fromkeys(path for (path, _cell), _edit in applied.edits)
        others = [display_path(path) for path in paths if path != document]
        note = f" (also edits {', '.join(others)})" if others else ""
        if applied.this_file_only:
            note += f" (this file only: {OUTSIDE_WORKSPACE})"
        unsafe = "" if applied.fix.safe else " [unsafe fix]"
        print(
            f"vetline: {verb} {_where(applied)}{start.line + 1}:{start.column + 1}: "
            f"{applied.finding.rule_id}: {applied.fix.title}{unsafe}{note}",
            file=sys.stderr,
        )


def _print_refused(planned: Round) -> None:
    for applied, target in planned.refused:
        start = applied.finding.start
        print(
            f"vetline: not fixed {_where(applied)}{start.line + 1}: {applied.finding.rule_id}: "
            f"{applied.fix.title}: {display_path(target)} would no longer parse; fix it by hand",
            file=sys.stderr,
        )


def _where(applied: Applied) -> str:
    """`app.py:` or, for a notebook, `nb.ipynb:cell 3:` (its lines count inside the cell)."""
    cell = applied.cell
    return f"{applied.result.relative}:" + (f"cell {cell}:" if cell else "")


def _print_summary(applied: int, changed: int, results: list[FileResult], unsafe: bool) -> None:
    if applied:
        print(f"vetline: applied {applied} fixes, changed {changed} files", file=sys.stderr)
    else:
        print("vetline: nothing to fix", file=sys.stderr)
    _print_unsafe_hint(results, unsafe)


def _print_unsafe_hint(results: list[FileResult], unsafe: bool) -> None:
    if unsafe:
        return
    waiting = sum(1 for r in results for f in r.findings if f.fix is not None and not f.fix.safe)
    if waiting:
        print(f"vetline: {waiting} more fixes available with --unsafe-fixes (review them)", file=sys.stderr)
