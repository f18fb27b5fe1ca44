"""Recording into the metrics store without ever getting in linting's way.

`Recorder` opens the store on first use and runs every write through `attempt`: a corrupt or
unwritable database logs ONE line (naming the file and the error class, never data) and
recording stops for the rest of the process; a database another writer keeps locked past the
busy timeout skips that one write (logged once). Linting goes on untouched either way. `record_scan`
is what `vetline scan --record` calls (after `record_fixes` with `--fix`); the language server
uses `server/lsp/metrics.py`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from vetline.rules.model import Rule

from ..formats import origin_of
from ..scanner import FileResult
from . import keys
from .store import DIFF_SOURCE, Seen, Store, Workspace, default_path

log = logging.getLogger("vetline.metrics")
T = TypeVar("T")
EDITOR_BUSY_TIMEOUT_MS = 100  # an editor never waits long for a busy database
CLI_BUSY_TIMEOUT_MS = 5000
DEFAULT_RETENTION_DAYS = 365


class Recorder:
    """A lazily opened store that disables itself, with one log line, on the first failure."""

    def __init__(self, path: Path | None = None, busy_timeout_ms: int = CLI_BUSY_TIMEOUT_MS) -> None:
        self.path = path or default_path()
        self.busy_timeout_ms = busy_timeout_ms
        self.store: Store | None = None
        self.failed = False
        self.busy_reported = False
        self._workspaces: dict[str, Workspace] = {}

    def attempt(self, action: Callable[[Store], T]) -> T | None:
        """`action(store)`, or None when the store is unusable (reported once)."""
        if self.failed:
            return None
        try:
            if self.store is None:
                self.store = Store(self.path, self.busy_timeout_ms)
            return action(self.store)
        except (sqlite3.Error, OSError) as error:
            busy = isinstance(error, sqlite3.OperationalError) and ("locked" in str(error) or "busy" in str(error))
            if busy and self.store is not None:  # another writer held it past the timeout: skip this write only
                if not self.busy_reported:
                    self.busy_reported = True
                    log.warning("metrics database %s is busy; a recording was skipped, linting goes on", self.path)
                return None
            self.failed = True
            log.warning(
                "metrics database %s unusable (%s: %s); findings are not recorded, linting goes on",
                self.path,
                type(error).__name__,
                str(error)[:120],
            )
            return None

    def workspace(self, root: Path) -> Workspace | None:
        key = str(root)
        if key not in self._workspaces:
            found = self.attempt(lambda store: store.workspace(key))
            if found is None:
                return None
            self._workspaces[key] = found
        return self._workspaces[key]

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def seen_findings(workspace: Workspace, relative: str, result: FileResult, rules: dict[str, Rule]) -> list[Seen]:
    """What the store keeps about a scanned file's findings."""
    source = result.source or b""
    file_key = keys.file_key(workspace.salt, relative)
    found = keys.finding_keys(workspace.salt, relative, result.findings, source)
    return [
        Seen(key, file_key, f.rule_id, rules[f.rule_id].category.value, f.severity.label, origin_of(f))
        for key, f in zip(found, result.findings)
    ]


def record_scan(
    recorder: Recorder,
    root: Path,
    results: Sequence[FileResult],
    rules: dict[str, Rule],
    complete: bool,
    changed_lines: dict[tuple[str, str], tuple[str, int]] | None = None,
) -> bool:
    """Record a CI scan of the workspace at `root`; True when it was recorded.

        `complete` (a whole-file scan, not `--diff`) also ends the open findings of the scanned
        files that are gone. `changed_lines` counts changed lines per (commit, path), with the
    commit's origin (known with `--diff`); stored under a hashed key, so recording the same
    commits again does not count their lines twice.
    """
    workspace = recorder.workspace(root)
    if workspace is None:
        return False
    relatives = {r.path: _relative(r.path, root) for r in results}
    seen = _seen_all(workspace, root, results, rules)

    def write(store: Store) -> bool:
        now = time.time()
        if complete:
            file_keys = {keys.file_key(workspace.salt, relative) for relative in relatives.values()}
            gone = set(store.open_keys(workspace, file_keys)) - {s.key for s in seen}
            store.ended(workspace, [(key, "disappeared") for key in sorted(gone)], now)
        store.seen(workspace, seen, "ci" if complete else DIFF_SOURCE, now)
        commits = {
            keys.commit_key(workspace.salt, sha, path): counted
            for (sha, path), counted in (changed_lines or {}).items()
        }
        store.add_commit_lines(workspace, time.strftime("%Y-%m-%d", time.gmtime(now)), commits)
        store.purge(store.retention_days(DEFAULT_RETENTION_DAYS), now)  # the user's choice, from the editor
        return True

    return bool(recorder.attempt(write))


def record_fixes(
    recorder: Recorder, root: Path, before: Sequence[FileResult], after: Sequence[FileResult], rules: dict[str, Rule]
) -> None:
    """`--fix --record`: the findings of `before` that the fixes removed end as fixed by a quick fix.

    Called before `record_scan(after)`, which then records what is left."""
    workspace = recorder.workspace(root)
    if workspace is None:
        return
    remaining = {s.key for s in _seen_all(workspace, root, after, rules)}
    fixed = [s for s in _seen_all(workspace, root, before, rules) if s.key not in remaining]

    def write(store: Store) -> None:
        now = time.time()
        store.seen(workspace, fixed, "ci", now)
        store.ended(workspace, [(s.key, "quick-fix") for s in fixed], now)

    recorder.attempt(write)


def _seen_all(workspace: Workspace, root: Path, results: Sequence[FileResult], rules: dict[str, Rule]) -> list[Seen]:
    return [s for r in results for s in seen_findings(workspace, _relative(r.path, root), r, rules)]


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.resolve().as_posix()
