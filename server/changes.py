"""`vetline scan --diff REV`: the lines added or changed since a revision, and the findings on them.

The changed lines of tracked files come from `git diff --unified=0 REV` (working tree against
REV, so uncommitted work counts too); files git does not track yet and files added since REV
are new: every line of them counts. A finding counts as changed when any line it spans is
changed: taint findings are reported where the data arrives (the sink), so a flow that starts
in unchanged code and ends on a changed line is kept, as a reviewer would want.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vetline.rules.model import Finding
from vetline.rules.patterns import linear

from .git import GitError, Repository, unquote_path
from .scanner import FileResult

_HUNK = linear(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
ALL_LINES = None  # marker for a new file: every line is changed


@dataclass
class ChangedLines:
    """Per repository-relative path: the changed 1-based lines, or ALL_LINES for a new file."""

    files: dict[str, set[int] | None] = field(default_factory=dict)

    def covers(self, relative: str, first: int, last: int) -> bool:
        if relative not in self.files:
            return False
        lines = self.files[relative]
        return lines is ALL_LINES or any(line in lines for line in range(first, last + 1))

    def count(self, relative: str, source: bytes | None) -> int:
        """How many lines of the file changed (a new file: all its lines)."""
        lines = self.files.get(relative, set())
        if lines is ALL_LINES:
            return source.count(b"\n") + (0 if not source or source.endswith(b"\n") else 1) if source else 0
        return len(lines)


def changed_since(repository: Repository, revision: str) -> ChangedLines:
    """The lines changed since `revision` (a commit-ish); raises GitError."""
    if revision.startswith("-"):
        raise GitError(f"{revision!r} is not a revision")
    repository.run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"])
    diff = repository.run(
        [
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "--no-color",
            "--no-relative",
            "--unified=0",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--end-of-options",
            revision,
            "--",
        ]
    )
    changed = ChangedLines(dict(parse_diff(diff)))
    untracked = repository.run(["ls-files", "--others", "--exclude-standard", "-z"])
    for name in untracked.decode("utf-8", "replace").split("\0"):
        if name:
            changed.files[name] = ALL_LINES
    return changed


def parse_diff(diff: bytes) -> Iterable[tuple[str, set[int] | None]]:
    """(path, changed lines) per file of a `--unified=0` diff; added files give ALL_LINES."""
    path: str | None = None
    lines: set[int] = set()
    new_file = False
    for raw in diff.split(b"\n"):
        if raw.startswith(b"diff --git "):
            if path is not None:
                yield path, ALL_LINES if new_file else lines
            path, lines, new_file = None, set(), False
        elif raw.startswith(b"new file mode"):
            new_file = True
        elif raw.startswith(b"+++ "):
            target = unquote_path(raw[4:].decode("utf-8", "replace").rstrip("\t"))
            path = target[2:] if target.startswith("b/") else None  # "/dev/null": a deleted file
        elif raw.startswith(b"@@") and (hunk := _HUNK.match(raw)):
            start, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            lines.update(range(start, start + count))
    if path is not None:
        yield path, ALL_LINES if new_file else lines


def only_changed(
    results: Sequence[FileResult], changed: ChangedLines, relative_to_repository: Mapping[Path, str]
) -> list[FileResult]:
    """Results keeping only findings on changed lines; files without changes keep none."""
    kept = []
    for result in results:
        relative = relative_to_repository.get(result.path)
        findings = tuple(f for f in result.findings if relative is not None and _on_changed(changed, relative, f))
        kept.append(dataclasses.replace(result, findings=findings, source=result.source if findings else None))
    return kept


def _on_changed(changed: ChangedLines, relative: str, finding: Finding) -> bool:
    return changed.covers(relative, finding.start.line + 1, finding.end.line + 1)


def repository_paths(repository: Repository, results: Sequence[FileResult]) -> dict[Path, str]:
    """Each result's path relative to the repository root (files outside it left out)."""
    root = repository.root.resolve()
    paths = {}
    for result in results:
        try:
            paths[result.path] = result.path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
    return paths
