"""The metrics database: one SQLite file under the user data directory, shared by every
editor session and CI run on the machine, keyed by workspace.

What is stored, and nothing else: per workspace its path and a random salt; per finding a
salted hash of its location (`keys.py`), its rule id, category, severity, origin, when it was
first and last seen, and how it ended (`quick-fix`, `disappeared`, `suppressed`; NULL while
open); per day and origin the number of changed lines seen in the editor, and per hashed
(commit, file) key the number of changed lines that commit wrote there, with its origin (a
commit recorded twice counts once). No code, secret or message.

Retention is the user's choice for the whole database (`purge` covers every workspace): the
editor stores the value it was given (`set_retention_days`) and `vetline scan --record`, which
has no editor settings, purges with it.

Concurrency: WAL journal (readers never block the writer), every write is one short
transaction, and a busy timeout makes a second writer wait briefly instead of failing.
Callers catch `sqlite3.Error` (see `recorder.py`).
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DB_NAME = "metrics.sqlite3"
DIFF_SOURCE = "ci-diff"  # `scan --diff --record`: findings on changed lines, whose lines are counted
SCHEMA_VERSION = "1"
OUTCOMES = ("quick-fix", "disappeared", "suppressed")
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workspaces (
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, salt TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS findings (
    workspace INTEGER NOT NULL, key TEXT NOT NULL, file_key TEXT NOT NULL, rule TEXT NOT NULL,
    category TEXT NOT NULL, severity TEXT NOT NULL, origin TEXT, source TEXT NOT NULL,
    first_seen REAL NOT NULL, last_seen REAL NOT NULL, ended REAL, outcome TEXT,
    PRIMARY KEY (workspace, key));
CREATE INDEX IF NOT EXISTS findings_by_file ON findings (workspace, file_key);
CREATE TABLE IF NOT EXISTS changed_lines (
    workspace INTEGER NOT NULL, day TEXT NOT NULL, origin TEXT NOT NULL, lines INTEGER NOT NULL,
    PRIMARY KEY (workspace, day, origin));
CREATE TABLE IF NOT EXISTS commit_lines (
    workspace INTEGER NOT NULL, key TEXT NOT NULL, day TEXT NOT NULL, origin TEXT NOT NULL, lines INTEGER NOT NULL,
    PRIMARY KEY (workspace, key));
"""


def default_path() -> Path:
    """`$XDG_DATA_HOME/vetline/metrics.sqlite3` on Linux (platformdirs' user data directory)."""
    return platformdirs.user_data_path("vetline", appauthor=False) / DB_NAME


@dataclass(frozen=True)
class Workspace:
    id: int
    path: str
    salt: str


@dataclass(frozen=True)
class Seen:
    """One finding as observed: what the store keeps about it."""

    key: str
    file_key: str
    rule: str
    category: str
    severity: str
    origin: str | None


def _use_wal(connection: sqlite3.Connection, timeout_s: float) -> bool:
    """Switch the database to WAL mode (it stays so in the file), waiting while another process
    creates it: SQLite does not call the busy handler for a journal-mode change, so a second
    writer starting at the same moment gets "database is locked" at once without this retry."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            return str(mode).lower() == "wal"
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Store:
    """An open metrics database; every method is one short transaction."""

    def __init__(self, path: Path, busy_timeout_ms: int = 2000) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        self.connection = sqlite3.connect(str(path), timeout=busy_timeout_ms / 1000, isolation_level=None)
        self.connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if not _use_wal(self.connection, busy_timeout_ms / 1000):
            raise sqlite3.OperationalError("the metrics database cannot use WAL mode")
        self.connection.execute("PRAGMA synchronous = NORMAL")
        with self._transaction() as db:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        _private(path)

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def workspace(self, root: Path | str) -> Workspace:
        """The workspace of `root` (resolved), created on first use with a fresh salt."""
        path = str(root)
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO workspaces (path, salt, created) VALUES (?, ?, ?)",
                (path, secrets.token_hex(16), time.time()),
            )
            row = db.execute("SELECT id, path, salt FROM workspaces WHERE path = ?", (path,)).fetchone()
        return Workspace(*row)

    def find_workspace(self, root: Path | str) -> Workspace | None:
        row = self.connection.execute("SELECT id, path, salt FROM workspaces WHERE path = ?", (str(root),)).fetchone()
        return Workspace(*row) if row else None

    def workspaces(self) -> list[Workspace]:
        return [Workspace(*row) for row in self.connection.execute("SELECT id, path, salt FROM workspaces")]

    def seen(self, workspace: Workspace, findings: Iterable[Seen], source: str, now: float | None = None) -> None:
        """Record findings as present now: new ones start, ended ones reopen, origins fill in."""
        now = time.time() if now is None else now
        rows = [
            (workspace.id, f.key, f.file_key, f.rule, f.category, f.severity, f.origin, source, now, now)
            for f in findings
        ]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO findings (workspace, key, file_key, rule, category, severity, origin, source,"
                " first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (workspace, key) DO UPDATE SET last_seen = excluded.last_seen, ended = NULL,"
                " outcome = NULL, origin = COALESCE(findings.origin, excluded.origin),"
                " source = CASE WHEN excluded.source = '"
                + DIFF_SOURCE
                + "' THEN excluded.source ELSE findings.source END",
                rows,
            )

    def ended(self, workspace: Workspace, outcomes: Sequence[tuple[str, str]], now: float | None = None) -> None:
        """Mark open findings (key, outcome) as ended now."""
        now = time.time() if now is None else now
        if not outcomes:
            return
        with self._transaction() as db:
            db.executemany(
                "UPDATE findings SET ended = ?, outcome = ? WHERE workspace = ? AND key = ? AND ended IS NULL",
                [(now, outcome, workspace.id, key) for key, outcome in outcomes],
            )

    def amend_outcome(self, workspace: Workspace, key: str, outcome: str, within_seconds: float = 60.0) -> bool:
        """Name how a finding that just ended went (a quick fix whose command came after the edit)."""
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE findings SET outcome = ? WHERE workspace = ? AND key = ? AND ended >= ?",
                (outcome, workspace.id, key, time.time() - within_seconds),
            )
        return cursor.rowcount > 0

    def open_keys(self, workspace: Workspace, file_keys: Iterable[str]) -> dict[str, str]:
        """key -> file_key of the findings still open in these files."""
        keys = list(file_keys)
        found: dict[str, str] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT key, file_key FROM findings WHERE workspace = ? AND ended IS NULL AND file_key IN ({marks})"
            )
            found.update(self.connection.execute(query, (workspace.id, *chunk)).fetchall())
        return found

    def add_changed_lines(self, workspace: Workspace, day: str, counts: dict[str, int]) -> None:
        rows = [(workspace.id, day, origin, lines) for origin, lines in counts.items() if lines > 0]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO changed_lines VALUES (?, ?, ?, ?) ON CONFLICT (workspace, day, origin)"
                " DO UPDATE SET lines = changed_lines.lines + excluded.lines",
                rows,
            )

    def findings(self, workspace: Workspace, since: float = 0.0) -> list[sqlite3.Row]:
        self.connection.row_factory = sqlite3.Row
        try:
            return self.connection.execute(
                "SELECT rule, category, severity, origin, source, first_seen, last_seen, ended, outcome"
                " FROM findings WHERE workspace = ? AND (first_seen >= ? OR ended IS NULL OR ended >= ?)"
                " ORDER BY first_seen",
                (workspace.id, since, since),
            ).fetchall()
        finally:
            self.connection.row_factory = None

    def add_commit_lines(self, workspace: Workspace, day: str, counts: dict[str, tuple[str, int]]) -> None:
        """key -> (origin, lines) of commits' changed lines; a key seen again keeps its larger count."""
        rows = [(workspace.id, key, day, origin, lines) for key, (origin, lines) in counts.items() if lines > 0]
        if not rows:
            return
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO commit_lines VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace, key)"
                " DO UPDATE SET lines = MAX(commit_lines.lines, excluded.lines)",
                rows,
            )

    def changed_line_counts(self, workspace: Workspace, since_day: str = "") -> dict[str, int]:
        rows = self.connection.execute(
            "SELECT origin, SUM(lines) FROM (SELECT workspace, day, origin, lines FROM changed_lines"
            " UNION ALL SELECT workspace, day, origin, lines FROM commit_lines)"
            " WHERE workspace = ? AND day >= ? GROUP BY origin",
            (workspace.id, since_day),
        )
        return {origin: int(total) for origin, total in rows}

    def forget(self, workspace: Workspace) -> int:
        """Delete everything recorded for the workspace; returns the number of findings removed."""
        with self._transaction() as db:
            removed = db.execute("DELETE FROM findings WHERE workspace = ?", (workspace.id,)).rowcount
            db.execute("DELETE FROM changed_lines WHERE workspace = ?", (workspace.id,))
            db.execute("DELETE FROM commit_lines WHERE workspace = ?", (workspace.id,))
            db.execute("DELETE FROM workspaces WHERE id = ?", (workspace.id,))
        return removed

    def retention_days(self, default: int) -> int:
        """The retention the user chose last (in the editor), else `default`."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'retention_days'").fetchone()
        return int(row[0]) if row and str(row[0]).lstrip("-").isdigit() else default

    def set_retention_days(self, days: int) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO meta VALUES ('retention_days', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(int(days)),),
            )

    def purge(self, retention_days: int, now: float | None = None) -> None:
        """Drop, in every workspace, records that ended (or were last seen) more than
        `retention_days` ago: the retention is the user's, for the whole database. 0 keeps all."""
        if retention_days <= 0:
            return
        cutoff = (time.time() if now is None else now) - retention_days * 86400
        day = time.strftime("%Y-%m-%d", time.gmtime(cutoff))
        with self._transaction() as db:
            db.execute("DELETE FROM findings WHERE COALESCE(ended, last_seen) < ?", (cutoff,))
            db.execute("DELETE FROM changed_lines WHERE day < ?", (day,))
            db.execute("DELETE FROM commit_lines WHERE day < ?", (day,))


def _private(path: Path) -> None:
    """The database is the user's alone (it names their workspaces)."""
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
