"""`vetline report --format json|markdown`: the report's numbers for scripts and for a wiki page.

JSON is the summary as computed (`summary.py`), with `by_origin` counts; markdown is the
headline table a lead pastes into a status update, with the rates per 1,000 changed lines
of the origins whose changed lines are known.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"


def render_markdown(report: Mapping[str, Any]) -> str:
    if report["empty"]:
        return f"### vetline report\n\n{report['message']}\n"
    totals, origins = report["totals"], report["by_origin"]
    ai = origins["inserted-block"] + origins["ai-commit"]
    human = origins["typed"] + origins["human-commit"]
    rows = [
        ("Findings", totals["findings"]),
        ("In AI-originated code (inserted blocks, AI-assisted commits)", ai),
        ("In typed / human-written code", human),
        ("Origin unknown", origins["unknown"]),
        ("Secrets in AI-originated code", report["secrets_in_ai_code"]),
        ("Dependency findings from AI-inserted imports", report["dependency_findings_from_ai_inserted_imports"]),
        ("Fixed by a quick fix", totals["fixed_by_quick_fix"]),
        ("Disappeared after an edit", totals["disappeared_after_edit"]),
        ("Suppressed", totals["suppressed"]),
        ("Still open", totals["open"]),
        ("Median time to fix (s)", _value(report["median_time_to_fix_seconds"])),
        *_rate_rows(report["rates_per_1000_changed_lines"]),
    ]
    lines = ["### vetline report", "", "| Measure | Value |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in rows]
    return "\n".join(lines) + "\n"


def _rate_rows(rates: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """One row per origin group whose changed lines are known."""
    rows = []
    for name, label in (("ai", "AI-originated"), ("human", "typed / human-written")):
        lines = rates[f"{name}_changed_lines"]
        if lines:
            unit = "line" if lines == 1 else "lines"
            rows.append((f"Findings per 1,000 changed lines, {label} ({lines:,} {unit})", _value(rates[name])))
    return rows


def _value(value: Any) -> str:
    return "n/a" if value is None else str(value)
