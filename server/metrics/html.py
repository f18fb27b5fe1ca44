"""`vetline report --format html`: one self-contained page, charts drawn as inline SVG.

No network, no JavaScript, no external stylesheet: the file opens the same from a CI artifact,
an e-mail attachment or the editor. Hand-written SVG (stacked bars) keeps the report free of a
charting dependency; every text is escaped. Colours are fixed per category and origin group.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
GROUP_COLOURS = {"ai": "#e15759", "human": "#4e79a7", "unknown": "#bab0ac"}
GROUP_LABELS = {"ai": "AI-originated", "human": "typed / human", "unknown": "unknown origin"}
STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}table{border-collapse:collapse}
td,th{padding:.25rem .75rem;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right}
.cards{display:flex;flex-wrap:wrap;gap:1rem}.card{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem}
.card b{display:block;font-size:1.4rem}.empty{padding:2rem;border:1px dashed #aaa;border-radius:6px}
svg text{font:11px system-ui,sans-serif}
"""


def render(report: Mapping[str, Any]) -> str:
    title = "vetline report"
    body = _empty(report) if report["empty"] else _sections(report)
    where = escape(str(report.get("workspace") or "no workspace"))
    since = f" since {escape(report['since'])}" if report.get("since") else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{title}</h1><p>{where}{since} (generated {escape(report['generated'])})</p>"
        f"{body}</body></html>\n"
    )


def _empty(report: Mapping[str, Any]) -> str:
    return f'<p class="empty">{escape(report["message"])}</p>'


def _sections(report: Mapping[str, Any]) -> str:
    return "".join(
        [
            _cards(report),
            "<h2>Findings over time, by category</h2>",
            _timeline(report["over_time"]),
            "<h2>AI-originated vs typed / human code, by category</h2>",
            _shares(report["by_category"]),
            _category_table(report["by_category"]),
            _rates(report["rates_per_1000_changed_lines"]),
            "<h2>How findings ended</h2>",
            _outcomes(report["totals"]),
            "<h2>Top rules</h2>",
            _table(("Rule", "Findings"), [(r["rule"], r["count"]) for r in report["top_rules"]]),
        ]
    )


def _cards(report: Mapping[str, Any]) -> str:
    totals = report["totals"]
    median = report["median_time_to_fix_seconds"]
    cards = [
        ("Findings", totals["findings"]),
        ("Open", totals["open"]),
        ("In AI-originated code", sum(c["ai"] for c in report["by_category"].values())),
        ("Secrets in AI-originated code", report["secrets_in_ai_code"]),
        ("Dependency findings from AI-inserted imports", report["dependency_findings_from_ai_inserted_imports"]),
        ("Fix rate", _percent(totals["fix_rate"])),
        ("Suppress rate", _percent(totals["suppress_rate"])),
        ("Median time to fix", _duration(median)),
    ]
    items = "".join(f'<div class="card">{escape(label)}<b>{escape(str(value))}</b></div>' for label, value in cards)
    return f'<div class="cards">{items}</div>'


def _timeline(days: Sequence[Mapping[str, Any]]) -> str:
    categories = sorted({c for day in days for c in day["by_category"]})
    colours = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    peak = max((sum(day["by_category"].values()) for day in days), default=1) or 1
    width, height, left, bottom = 640, 200, 30, 30
    bar = max(4.0, min(40.0, (width - left) / max(len(days), 1) - 4))
    parts = [_axis(left, height, bottom, width, peak)]
    for i, day in enumerate(days):
        x = left + 4 + i * (bar + 4)
        y = height - bottom
        for category in categories:
            count = day["by_category"].get(category, 0)
            size = (height - bottom - 10) * count / peak
            if count:
                y -= size
                label = f"{day['day']}: {count} {category}"
                parts.append(_rect(x, y, bar, size, colours[category], label))
        if i == 0 or i == len(days) - 1:
            parts.append(f'<text x="{x:.1f}" y="{height - bottom + 14}">{escape(day["day"])}</text>')
    return _svg(width, height, "Findings per day by category", parts) + _legend(colours)


def _shares(categories: Mapping[str, Mapping[str, Any]]) -> str:
    width, row = 640, 24
    height = row * max(len(categories), 1) + 10
    parts = []
    for i, (name, counts) in enumerate(categories.items()):
        y = 5 + i * row
        parts.append(f'<text x="0" y="{y + 15}">{escape(name)}</text>')
        x = 130.0
        for group in ("ai", "human", "unknown"):
            size = (width - 140) * counts[group] / max(counts["total"], 1)
            if size:
                parts.append(
                    _rect(x, y, size, row - 6, GROUP_COLOURS[group], f"{name}: {counts[group]} {GROUP_LABELS[group]}")
                )
                x += size
    legend = _legend({GROUP_LABELS[g]: c for g, c in GROUP_COLOURS.items()})
    return _svg(width, height, "Share of findings by origin, per category", parts) + legend


def _category_table(categories: Mapping[str, Mapping[str, Any]]) -> str:
    rows = [
        (
            name,
            c["ai"],
            c["human"],
            c["unknown"],
            _percent(c["ai_share"]),
            _rate(c["ai_per_1000_changed_lines"]),
            _rate(c["human_per_1000_changed_lines"]),
        )
        for name, c in categories.items()
    ]
    headers = (
        "Category",
        "AI-originated",
        "Typed / human",
        "Unknown",
        "AI share",
        "AI per 1,000 lines",
        "Human per 1,000 lines",
    )
    return _table(headers, rows)


def _rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _rates(rates: Mapping[str, Any]) -> str:
    rows = [
        (GROUP_LABELS[name], rates[f"{name}_changed_lines"], "n/a" if rates[name] is None else rates[name])
        for name in ("ai", "human")
    ]
    return "<p>Findings per 1,000 changed lines, where the changed lines are known:</p>" + _table(
        ("Origin", "Changed lines", "Findings per 1,000"), rows
    )


def _outcomes(totals: Mapping[str, Any]) -> str:
    items = [
        ("fixed by a quick fix", totals["fixed_by_quick_fix"], "#59a14f"),
        ("disappeared after an edit", totals["disappeared_after_edit"], "#76b7b2"),
        ("suppressed", totals["suppressed"], "#edc948"),
        ("still open", totals["open"], "#e15759"),
    ]
    peak = max((count for _, count, _ in items), default=1) or 1
    parts = []
    for i, (label, count, colour) in enumerate(items):
        y = 5 + i * 24
        parts.append(f'<text x="0" y="{y + 15}">{escape(label)}</text>')
        parts.append(_rect(170, y, max(1.0, 440 * count / peak), 18, colour, f"{count} {label}"))
        parts.append(f'<text x="{175 + 440 * count / peak:.1f}" y="{y + 15}">{count}</text>')
    return _svg(640, 105, "How findings ended", parts)


def _axis(left: int, height: int, bottom: int, width: int, peak: int) -> str:
    base = height - bottom
    return (
        f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#999"></line>'
        f'<text x="0" y="{base}">0</text><text x="0" y="14">{peak}</text>'
    )


def _rect(x: float, y: float, w: float, h: float, fill: str, label: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"><title>{escape(label)}</title></rect>'


def _svg(width: int, height: int, label: str, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">{"".join(parts)}</svg>'
    )


def _legend(colours: Mapping[str, str]) -> str:
    items = "".join(
        f'<span style="margin-right:1rem"><span style="display:inline-block;width:10px;height:10px;background:{c}"></span> '
        f"{escape(name)}</span>"
        for name, c in colours.items()
    )
    return f"<p>{items}</p>"


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{escape(str(v))}</td>' if isinstance(v, (int, float)) else f"<td>{escape(str(v))}</td>"
            for v in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f} {unit}"
    return f"{seconds:.0f} s"
