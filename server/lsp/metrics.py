"""The language server's side of the metrics store: each open finding's origin and life.

`observe` is called once per analysis of a buffer (from `analysis.py`) and returns each
finding's origin and key for its diagnostic: `inserted-block` inside a block inserted in one
edit, `typed` when it appeared after an edit elsewhere, absent for what was there when the file
was opened. With `vetline.metrics` on, findings that appear are recorded, and findings that go
are ended: `quick-fix` when a fix offered for it (`offered`, called for every quick fix the
server returns and for each fix fix-all applies) was applied by the next edits and they made it go, `suppressed` when an ignore
comment in the buffer names the rule, else `disappeared`. (A command attached to the code
action would be exact, but lsprotocol-based clients misread a CodeAction that has a command.)

Changed lines, the denominators of the report's rates, are counted per origin (numbers only):
lines of inserted blocks, and lines holding typed text (`Document.typed_lines`, counted when
they appear). They wait in memory and are written with the next change of findings, once
enough have gathered or some time has passed, and at shutdown.

Cheap by design: keys are computed per analysis (a hash per finding), the database is touched
only when the set of findings changes or counted lines are due, and a broken database is
skipped (`Recorder`).
The commands `vetline.metricsSummary` (the status bar's "findings in AI-inserted code this
week") and `vetline.writeReport` (the HTML report, for `vetline.showReport` / `:VetlineReport`)
live here too.
"""

from __future__ import annotations

import logging
import secrets
import time
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from vetline.rules.model import Finding, Fix

from ..convert import INSERTED_BLOCK
from ..metrics import html, keys, summary
from ..metrics.recorder import EDITOR_BUSY_TIMEOUT_MS, Recorder
from ..metrics.store import Seen, Store, Workspace
from .server import VetlineServer  # at run time: pygls reads the handlers' annotations

if TYPE_CHECKING:
    from .documents import Document

log = logging.getLogger("vetline.server")
TYPED = "typed"
OFFER_WINDOW = 2  # versions: applying a fix is one didChange (two when a client splits it)
MAX_OFFERS = 256
LINES_PER_WRITE = 20  # counted lines waiting in memory before they are written on their own
LINES_MAX_AGE_S = 30.0  # ... or once the oldest has waited this long
SUMMARY_COMMAND = "vetline.metricsSummary"
REPORT_COMMAND = "vetline.writeReport"
WEEK_SECONDS = 7 * 86400
IGNORE_MARKER = b"vetline: ignore"


@dataclass(frozen=True)
class Observed:
    """What a diagnostic says about its finding: where it came from, and its key."""

    origin: str | None
    key: str | None


@dataclass(frozen=True)
class Offer:
    """A quick fix offered for a finding: applied when the finding goes by `last_version` or in
    the first analysis of a newer version (Neovim counts a version per edit and more), and its
    new texts are in the buffer."""

    last_version: int
    analyses: int  # versions of the buffer analysed when it was offered
    texts: tuple[bytes, ...]


@dataclass
class Tracker:
    """Per-server state: the live findings per buffer, and the quick fixes offered for them."""

    recorder: Recorder = field(default_factory=lambda: Recorder(busy_timeout_ms=EDITOR_BUSY_TIMEOUT_MS))
    live: dict[str, dict[str, tuple[str | None, str]]] = field(default_factory=dict)  # uri -> key -> (origin, rule)
    buffers: dict[str, weakref.ref[Document]] = field(default_factory=dict)  # a reopened file starts afresh
    offers: dict[str, Offer] = field(default_factory=dict)  # finding key -> the quick fix offered for it
    analyses: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # uri -> (versions analysed, last)
    counted_blocks: dict[str, list[list[int]]] = field(default_factory=dict)  # uri -> blocks already counted
    typed_counted: dict[str, int] = field(default_factory=dict)  # uri -> typed lines at the last analysis
    pending_lines: dict[int, tuple[Workspace, Counter[str]]] = field(default_factory=dict)  # not written yet
    pending_since: float | None = None
    salts: dict[str, str] = field(default_factory=dict)  # when not recording: keys still need a salt
    purged_with: int | None = None  # the retention days last applied to the store
    failed: bool = False  # an unexpected error was logged once


def tracker(ls: VetlineServer) -> Tracker:
    found = getattr(ls, "_metrics_tracker", None)
    if found is None:
        found = Tracker()
        ls._metrics_tracker = found  # type: ignore[attr-defined]
    return found


def observe(ls: VetlineServer, doc: Document, findings: Sequence[Finding]) -> list[Observed]:
    """Each finding's origin and key; records appearances and endings when metrics are on.

    Never raises: metrics must not cost a diagnostic (a failure is logged once per server)."""
    try:
        return _observe(ls, doc, findings)
    except Exception:
        state = tracker(ls)
        if not state.failed:
            state.failed = True
            log.exception("recording metrics for %s failed; origins and metrics are incomplete", doc.uri)
        return [Observed(INSERTED_BLOCK if doc.in_inserted_block(f.start_byte) else None, None) for f in findings]


def _observe(ls: VetlineServer, doc: Document, findings: Sequence[Finding]) -> list[Observed]:
    state = tracker(ls)
    root = workspace_root(ls, doc.path) if doc.path is not None else None
    workspace = _workspace(ls, state, root) if root is not None else None
    salt = workspace.salt if workspace else state.salts.setdefault(str(root), secrets.token_hex(16))
    relative = _relative(doc.path, root) if doc.path is not None and root is not None else doc.uri
    found = keys.finding_keys(salt, relative, findings, doc.source)
    known = state.buffers.get(doc.uri)
    previous = state.live.get(doc.uri) if known is not None and known() is doc else None
    state.buffers[doc.uri] = weakref.ref(doc)
    count, version = state.analyses.get(doc.uri, (0, None))
    state.analyses[doc.uri] = (count + (version != doc.version), doc.version)
    origins = [_origin(doc, f, key, previous) for f, key in zip(findings, found)]
    state.live[doc.uri] = {key: (origin, f.rule_id) for f, key, origin in zip(findings, found, origins)}
    if workspace is not None:
        _record(ls, state, doc, workspace, relative, findings, found, origins, previous)
    return [Observed(origin, key) for origin, key in zip(origins, found)]


def forget(ls: VetlineServer, uri: str) -> None:
    """Drop what is kept about a closed buffer: a reopened file starts afresh anyway, and a
    session that opens and closes many files must not keep each one's findings."""
    state = tracker(ls)
    for per_uri in (state.live, state.buffers, state.analyses, state.counted_blocks, state.typed_counted):
        per_uri.pop(uri, None)


def _origin(
    doc: Document, finding: Finding, key: str, previous: dict[str, tuple[str | None, str]] | None
) -> str | None:
    if doc.in_inserted_block(finding.start_byte):
        return INSERTED_BLOCK
    if previous is None:
        return None  # there when the file was opened: not written in this session
    return previous[key][0] if key in previous else TYPED


def _record(
    ls: VetlineServer,
    state: Tracker,
    doc: Document,
    workspace: Workspace,
    relative: str,
    findings: Sequence[Finding],
    found: Sequence[str],
    origins: Sequence[str | None],
    previous: dict[str, tuple[str | None, str]] | None,
) -> None:
    before = previous or {}
    file_key = keys.file_key(workspace.salt, relative)
    appeared = [
        Seen(key, file_key, f.rule_id, _category(ls, doc, f), f.severity.label, origin)
        for f, key, origin in zip(findings, found, origins)
        if key not in before
    ]
    current = set(found)
    gone = [(key, _outcome(state, doc, key, rule)) for key, (_, rule) in before.items() if key not in current]
    _count_lines(state, workspace, {INSERTED_BLOCK: _new_block_lines(state, doc), TYPED: _new_typed_lines(state, doc)})
    if not appeared and not gone and not _lines_due(state):
        return

    def write(store: Store) -> None:
        now = time.time()
        store.ended(workspace, gone, now)
        store.seen(workspace, appeared, "editor", now)
        _write_lines(state, store, now)

    state.recorder.attempt(write)


def _outcome(state: Tracker, doc: Document, key: str, rule_id: str) -> str:
    offer = state.offers.pop(key, None)
    analysed = state.analyses.get(doc.uri, (0, 0))[0]
    in_time = offer is not None and (doc.version <= offer.last_version or analysed <= offer.analyses + 1)
    if offer is not None and in_time and all(t in doc.source for t in offer.texts):
        return "quick-fix"
    return "suppressed" if _ignore_comment_names(doc.source, rule_id) else "disappeared"


def _ignore_comment_names(source: bytes, rule_id: str) -> bool:
    """True when a `vetline: ignore[...]` comment in the buffer names the rule (typed by hand)."""
    wanted = rule_id.encode()
    offset = source.find(IGNORE_MARKER)
    while offset != -1:
        end = source.find(b"\n", offset)
        if wanted in source[offset : end if end != -1 else len(source)]:
            return True
        offset = source.find(IGNORE_MARKER, offset + len(IGNORE_MARKER))
    return False


def _new_block_lines(state: Tracker, doc: Document) -> int:
    """Lines of inserted blocks not counted yet (the denominator of AI-inserted rates)."""
    counted = state.counted_blocks.get(doc.uri, [])
    lines = sum(doc.source[b[0] : b[1]].count(b"\n") for b in doc.blocks if not any(b is c for c in counted))
    state.counted_blocks[doc.uri] = list(doc.blocks)  # the same list objects, shifted in place by edits
    return lines


def _new_typed_lines(state: Tracker, doc: Document) -> int:
    """Typed lines that appeared since the last analysis (fewer now, e.g. after a delete: none)."""
    now = doc.typed_lines()
    before = state.typed_counted.get(doc.uri, 0)
    state.typed_counted[doc.uri] = now
    return max(0, now - before)


def _count_lines(state: Tracker, workspace: Workspace, counts: dict[str, int]) -> None:
    """Add counted lines to what waits in memory for the next write."""
    if not any(counts.values()):
        return
    _, waiting = state.pending_lines.setdefault(workspace.id, (workspace, Counter()))
    waiting.update({origin: n for origin, n in counts.items() if n > 0})
    if state.pending_since is None:
        state.pending_since = time.monotonic()


def _lines_due(state: Tracker) -> bool:
    if state.pending_since is None:
        return False
    waiting = sum(sum(counts.values()) for _, counts in state.pending_lines.values())
    return waiting >= LINES_PER_WRITE or time.monotonic() - state.pending_since >= LINES_MAX_AGE_S


def _write_lines(state: Tracker, store: Store, now: float) -> None:
    """Write the waiting line counts (forgotten only once written)."""
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    for workspace, counts in state.pending_lines.values():
        store.add_changed_lines(workspace, day, dict(counts))
    state.pending_lines, state.pending_since = {}, None


def flush_lines(ls: VetlineServer, *args: Any) -> None:
    """Write the waiting line counts now (before a report, and at shutdown)."""
    state = tracker(ls)
    if state.pending_lines:
        state.recorder.attempt(lambda store: _write_lines(state, store, time.time()))


def _category(ls: VetlineServer, doc: Document, finding: Finding) -> str:
    rule = _rules(ls, doc).get(finding.rule_id)
    return rule.category.value if rule is not None else "unknown"


def _rules(ls: VetlineServer, doc: Document) -> dict[str, Any]:
    return {rule.id: rule for rule in ls.projects.engine_for(doc.path).rules}


def _workspace(ls: VetlineServer, state: Tracker, root: Path) -> Workspace | None:
    if not ls.settings.metrics:
        return None
    workspace = state.recorder.workspace(root)
    days = ls.settings.metrics_retention_days
    if workspace is not None and state.purged_with != days:
        state.purged_with = days
        state.recorder.attempt(lambda store: _retain(store, days))
    return workspace


def _retain(store: Store, days: int) -> None:
    """Apply the user's retention to the whole store, and remember it for `vetline scan --record`."""
    store.set_retention_days(days)
    store.purge(days)


def workspace_root(ls: VetlineServer, path: Path) -> Path:
    """The workspace folder holding `path` (the innermost), else the project root, else its folder."""
    resolved = path.resolve()
    folders = sorted((f.resolve() for f in ls.folders()), key=lambda p: len(p.parts), reverse=True)
    for folder in folders:
        if resolved.is_relative_to(folder):
            return folder
    config = ls.projects.config_for(path)
    return config.root.resolve() if config.root is not None else resolved.parent


def _relative(path: Path, root: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else resolved.as_posix()


def offered(ls: VetlineServer, doc: Document, data: Any, fix: Fix, edits_applied: int) -> None:
    """A quick fix was offered for the diagnostic with this `data` at the document's version,
    in a code action of `edits_applied` edits (fix-all's hold every fix's edits): a client may
    count a version per edit it applies (Neovim's changedtick)."""
    key = data.get("key") if isinstance(data, dict) else None
    if not isinstance(key, str):
        return
    state = tracker(ls)
    offers = state.offers
    offers.pop(key, None)
    texts = tuple(e.new_text.encode() for e in fix.edits if e.path is None and e.new_text)
    analysed = state.analyses.get(doc.uri, (0, 0))[0]
    offers[key] = Offer(doc.version + OFFER_WINDOW + max(0, edits_applied - 1), analysed, texts)
    while len(offers) > MAX_OFFERS:
        del offers[next(iter(offers))]


def metrics_summary(ls: VetlineServer, *args: Any) -> dict[str, Any]:
    """`vetline.metricsSummary`: findings first seen this week, in AI-inserted code and in all."""
    state = tracker(ls)
    flush_lines(ls)
    week_ago = time.time() - WEEK_SECONDS
    inserted = total = 0
    for folder in ls.folders():
        workspace = _workspace(ls, state, folder.resolve())
        for row in _week_rows(state, workspace, week_ago) if workspace else []:
            if row["first_seen"] >= week_ago and not summary.is_noise(row):
                total += 1
                inserted += row["origin"] == INSERTED_BLOCK
    text = f"{inserted} finding{'s' if inserted != 1 else ''} in AI-inserted code this week"
    return {"insertedThisWeek": inserted, "thisWeek": total, "text": text, "enabled": ls.settings.metrics}


def _week_rows(state: Tracker, workspace: Workspace, week_ago: float) -> list[Any]:
    return state.recorder.attempt(lambda store: store.findings(workspace, week_ago)) or []


def write_report(ls: VetlineServer, *args: Any) -> dict[str, Any]:
    """`vetline.writeReport`: the HTML report of the first workspace folder, written to a file."""
    state = tracker(ls)
    flush_lines(ls)
    folders = ls.folders()
    workspace = _workspace(ls, state, folders[0].resolve()) if folders else None
    report = state.recorder.attempt(lambda store: summary.summarise(store, workspace)) if workspace else None
    report = report or summary.summarise(None, None)
    target = state.recorder.path.parent / "reports" / f"report-{workspace.id if workspace else 0}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html.render(report), encoding="utf-8")
    return {"path": str(target), "uri": target.as_uri()}


def register(server: VetlineServer) -> None:
    server.command(SUMMARY_COMMAND)(metrics_summary)
    server.command(REPORT_COMMAND)(write_report)
    server.feature(types.SHUTDOWN)(flush_lines)
