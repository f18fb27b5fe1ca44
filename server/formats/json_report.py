"""`vetline scan --format json`: the stable, documented machine format.

Shape (exactly): {"version", "findings": [{"rule", "title", "category", "cwe", "severity",
"confidence", "path", "line", "column", "end_line", "end_column", "message",
"fix": {"title", "safe"} | null, "origin"?, "cell"?, "output"?}], "errors": [{"path", "message"}]}.
`origin` (`inserted-block`, `typed`, `ai-commit`, `human-commit`) is present only when known.
In a notebook (`.ipynb`), `cell` is the 1-based index of the cell among all cells of the file
(Markdown cells count, as Jupyter numbers them), `output` the 1-based index of the saved output
when the finding is in one, and `line`/`column` count inside that cell (or output), like Ruff.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from vetline import __version__
from vetline.rules.model import Rule

from ..scanner import FileResult
from . import notebook_place, origin_of, span


def render(results: Sequence[FileResult], rules: Mapping[str, Rule]) -> str:
    findings = []
    for result in results:
        for finding in result.findings:
            rule = rules[finding.rule_id]
            line, column, end_line, end_column = span(result, finding)
            entry = {
                "rule": rule.id,
                "title": rule.title,
                "category": rule.category.value,
                "cwe": list(finding.cwe or rule.cwe),
                "severity": finding.severity.label,
                "confidence": finding.confidence.label,
                "path": result.relative,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "message": finding.message,
                "fix": {"title": finding.fix.title, "safe": finding.fix.safe} if finding.fix else None,
            }
            if origin_of(finding) is not None:
                entry["origin"] = origin_of(finding)
            entry.update(notebook_place(finding) or {})
            findings.append(entry)
    errors = [{"path": r.relative, "message": message} for r in results for message in r.errors]
    return json.dumps({"version": __version__, "findings": findings, "errors": errors}, indent=2)
