"""`vetline scan --format markdown`: a compact summary to paste as a pull-request comment.

A headline, a table of counts by severity and origin (AI-assisted, human, unknown), then one
line per finding with a link-friendly `path:line`. Secrets are never quoted: only rule ids,
titles and messages (which never contain a value) appear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from vetline.rules.model import Finding, Rule, Severity

from ..scanner import FileResult
from . import origin_of, place_label, span

ORIGIN_COLUMNS = (("AI-assisted", ("ai-commit", "inserted-block")), ("Human", ("human-commit", "typed")))


def origin_column(origin: str | None) -> str:
    for name, origins in ORIGIN_COLUMNS:
        if origin in origins:
            return name
    return "Unknown"


def render(results: Sequence[FileResult], rules: Mapping[str, Rule]) -> str:
    findings = [(r, f) for r in results for f in r.findings]
    if not findings:
        return "### vetline: no findings\n\nNo security findings in the scanned code.\n"
    counts = Counter((f.severity, origin_column(origin_of(f))) for _, f in findings)
    columns = [name for name, _ in ORIGIN_COLUMNS] + ["Unknown"]
    lines = [
        f"### vetline: {len(findings)} finding(s)",
        "",
        "| Severity | " + " | ".join(columns) + " | Total |",
        "|---|" + "---:|" * (len(columns) + 1),
    ]
    for severity in sorted(Severity, reverse=True):
        row = [counts[(severity, column)] for column in columns]
        if sum(row):
            lines.append(f"| {severity.label} | " + " | ".join(map(str, row)) + f" | {sum(row)} |")
    lines += ["", *(_finding_line(r, f, rules) for r, f in findings)]
    return "\n".join(lines) + "\n"


def _finding_line(result: FileResult, finding: Finding, rules: Mapping[str, Rule]) -> str:
    line = span(result, finding)[0]
    origin = origin_of(finding)
    suffix = f" _({origin})_" if origin else ""
    message = finding.message.replace("|", "\\|")
    return f"- **{finding.severity.label}** `{result.relative}:{place_label(finding)}{line}` `{rules[finding.rule_id].id}`: {message}{suffix}"
