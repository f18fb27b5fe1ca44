"""The report's numbers, computed once from the store and shared by the HTML, JSON and markdown.

Origins group into AI-originated (`inserted-block`, `ai-commit`) and typed/human (`typed`,
`human-commit`); anything else is unknown. Findings that appeared and disappeared within a few
seconds in the editor without the user acting on them are typing noise (a half-typed line
flagged for a moment) and are left out. Outcomes: `quick-fix`, `disappeared` (after an edit),
`suppressed`, `open`.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from vetline import __version__

from .store import DIFF_SOURCE, Store, Workspace

AI_ORIGINS = ("inserted-block", "ai-commit")
HUMAN_ORIGINS = ("typed", "human-commit")
ORIGINS = (*AI_ORIGINS, *HUMAN_ORIGINS)
TRANSIENT_SECONDS = 5.0
NO_DATA = "no data yet: open files in the editor or run `vetline scan --record`"
TOP_RULES = 10


def group(origin: str | None) -> str:
    """`ai`, `human` or `unknown`."""
    if origin in AI_ORIGINS:
        return "ai"
    return "human" if origin in HUMAN_ORIGINS else "unknown"


def outcome(row: Any) -> str:
    return str(row["outcome"]) if row["ended"] is not None and row["outcome"] else "open"


def is_noise(row: Any) -> bool:
    ended, first = row["ended"], row["first_seen"]
    return (
        row["source"] == "editor"
        and row["outcome"] == "disappeared"
        and ended is not None
        and ended - first < TRANSIENT_SECONDS
    )


def summarise(store: Store | None, workspace: Workspace | None, since: float = 0.0) -> dict[str, Any]:
    """Every number of the report for `workspace` (an empty report when there is none)."""
    rows = [r for r in store.findings(workspace, since) if not is_noise(r)] if store and workspace else []
    since_day = time.strftime("%Y-%m-%d", time.gmtime(since)) if since else ""
    lines = store.changed_line_counts(workspace, since_day) if store and workspace else {}
    report: dict[str, Any] = {
        "version": __version__,
        "workspace": workspace.path if workspace else None,
        "since": time.strftime("%Y-%m-%d", time.gmtime(since)) if since else None,
        "generated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "empty": not rows,
    }
    if not rows:
        return {**report, "message": NO_DATA, "totals": _totals([]), "by_origin": _by_origin([])}
    return {**report, **_numbers(rows, lines)}


def _numbers(rows: Sequence[Any], lines: dict[str, int]) -> dict[str, Any]:
    return {
        "totals": _totals(rows),
        "by_origin": _by_origin(rows),
        "by_category": _by_category(rows, lines),
        "rates_per_1000_changed_lines": _rates(rows, lines),
        "secrets_in_ai_code": sum(1 for r in rows if r["category"] == "secrets" and group(r["origin"]) == "ai"),
        "dependency_findings_from_ai_inserted_imports": sum(
            1 for r in rows if r["category"] == "dependencies" and group(r["origin"]) == "ai"
        ),
        "median_time_to_fix_seconds": _median_fix_time(rows),
        "top_rules": [
            {"rule": rule, "count": n} for rule, n in Counter(r["rule"] for r in rows).most_common(TOP_RULES)
        ],
        "over_time": _over_time(rows),
        "findings": [_finding(r) for r in rows],
    }


def _totals(rows: Sequence[Any]) -> dict[str, Any]:
    outcomes = Counter(outcome(r) for r in rows)
    ended = outcomes["quick-fix"] + outcomes["disappeared"] + outcomes["suppressed"]
    return {
        "findings": len(rows),
        "open": outcomes["open"],
        "fixed_by_quick_fix": outcomes["quick-fix"],
        "disappeared_after_edit": outcomes["disappeared"],
        "suppressed": outcomes["suppressed"],
        "fix_rate": _ratio(outcomes["quick-fix"] + outcomes["disappeared"], ended),
        "suppress_rate": _ratio(outcomes["suppressed"], ended),
    }


def _by_origin(rows: Sequence[Any]) -> dict[str, Any]:
    counts = Counter(r["origin"] or "unknown" for r in rows)
    return {origin: counts[origin] for origin in (*ORIGINS, "unknown")}


def _by_category(rows: Sequence[Any], lines: dict[str, int]) -> dict[str, Any]:
    """Counts per category and origin group, the AI share, and rates where changed lines are known."""
    categories: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        categories[row["category"]][group(row["origin"])] += 1
        if on_counted_lines(row):
            categories[row["category"]][f"origin:{row['origin']}"] += 1
    return {name: _category_numbers(counts, lines) for name, counts in sorted(categories.items())}


def _category_numbers(counts: Counter[str], lines: dict[str, int]) -> dict[str, Any]:
    numbers: dict[str, Any] = {
        "total": counts["ai"] + counts["human"] + counts["unknown"],
        "ai": counts["ai"],
        "human": counts["human"],
        "unknown": counts["unknown"],
        "ai_share": _ratio(counts["ai"], counts["ai"] + counts["human"]),
    }
    for name, origins in (("ai", AI_ORIGINS), ("human", HUMAN_ORIGINS)):
        known = [o for o in origins if lines.get(o)]
        total_lines = sum(lines[o] for o in known)
        found = sum(counts[f"origin:{o}"] for o in known)
        numbers[f"{name}_per_1000_changed_lines"] = round(1000 * found / total_lines, 2) if total_lines else None
    return numbers


def on_counted_lines(row: Any) -> bool:
    """A finding on lines the rates count: the editor counts every line it sees typed or inserted;
    git lines are counted only by `--diff --record` scans, so a commit-origin finding counts only
    when such a scan saw it (a whole-repository scan's findings lie on lines nobody counted)."""
    return row["origin"] not in ("ai-commit", "human-commit") or row["source"] == DIFF_SOURCE


def _rates(rows: Sequence[Any], lines: dict[str, int]) -> dict[str, Any]:
    """Findings per 1,000 changed lines, for the origins whose changed lines are known."""
    findings = Counter(r["origin"] for r in rows if on_counted_lines(r))
    rates: dict[str, Any] = {}
    for name, origins in (("ai", AI_ORIGINS), ("human", HUMAN_ORIGINS)):
        counted = [o for o in origins if lines.get(o)]
        total_lines = sum(lines[o] for o in counted)
        found = sum(findings[o] for o in counted)
        rates[name] = round(1000 * found / total_lines, 2) if total_lines else None
        rates[f"{name}_changed_lines"] = total_lines
    return rates


def _median_fix_time(rows: Sequence[Any]) -> float | None:
    times = [r["ended"] - r["first_seen"] for r in rows if outcome(r) in ("quick-fix", "disappeared")]
    return round(statistics.median(times), 1) if times else None


def _over_time(rows: Sequence[Any]) -> list[dict[str, Any]]:
    days: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        days[time.strftime("%Y-%m-%d", time.gmtime(row["first_seen"]))][row["category"]] += 1
    return [{"day": day, "by_category": dict(sorted(counts.items()))} for day, counts in sorted(days.items())]


def _finding(row: Any) -> dict[str, Any]:
    return {
        "rule": row["rule"],
        "category": row["category"],
        "severity": row["severity"],
        "origin": row["origin"],
        "source": row["source"],
        "first_seen": _iso(row["first_seen"]),
        "ended": _iso(row["ended"]) if row["ended"] is not None else None,
        "outcome": outcome(row),
    }


def _iso(timestamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(timestamp))


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
