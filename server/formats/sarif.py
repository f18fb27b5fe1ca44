"""`vetline scan --format sarif`: SARIF 2.1.0 that GitHub code scanning accepts.

The `rules` table carries id, name, descriptions, help, `helpUri` (the CWE page),
`properties.tags` (security, category, `external/cwe/cwe-N`), `precision` and the numeric
`security-severity` GitHub uses to rank alerts. A result's `properties.origin` says where
the flagged code came from, when known. Skipped files become tool notifications.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from vetline import __version__
from vetline.rules.model import Confidence, Rule, Severity

from ..scanner import FileResult
from . import notebook_place, origin_of, span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "warning", Severity.LOW: "note"}
PRECISION = {Confidence.HIGH: "high", Confidence.MEDIUM: "medium", Confidence.LOW: "low"}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.message},
        "help": {"text": rule.docs, "markdown": rule.docs},
        "helpUri": rule.cwe_url,
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["security", rule.category.value, *(f"external/cwe/cwe-{c}" for c in rule.cwe)],
            "precision": PRECISION[rule.confidence],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def render(results: Sequence[FileResult], rules: Mapping[str, Rule]) -> str:
    used = sorted({f.rule_id for r in results for f in r.findings})
    index = {rule_id: i for i, rule_id in enumerate(used)}
    sarif_results = [_result(r, f, index) for r in results for f in r.findings]
    notifications = [
        {"level": "warning", "message": {"text": message}, "locations": [_artifact_location(r)]}
        for r in results
        for message in r.errors
    ]
    run = {
        "tool": {
            "driver": {
                "name": "vetline",
                "version": __version__,
                "informationUri": "https://github.com/vetline/vetline",
                "rules": [rule_descriptor(rules[rule_id]) for rule_id in used],
            }
        },
        "results": sarif_results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory vetline scanned from."}}},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2)


def _region(result: FileResult, finding: Any, cell_span: tuple[int, int, int, int]) -> dict[str, int] | None:
    """The region in the file's own text. A notebook cell line is shown where its JSON string
    lies in the `.ipynb` (the only lines GitHub code scanning and other viewers know); a
    finding in a saved output has no region: the file is its location."""
    line, column, end_line, end_column = cell_span
    place = notebook_place(finding)
    if place is None:
        return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}
    raw = result.raw_lines.get((place["cell"], line - 1))
    if "output" in place or raw is None:
        return None
    return {"startLine": raw[0], "startColumn": raw[1]}


def _artifact_location(result: FileResult) -> dict[str, Any]:
    return {"physicalLocation": {"artifactLocation": {"uri": result.relative, "uriBaseId": "%SRCROOT%"}}}


def _result(result: FileResult, finding: Any, index: Mapping[str, int]) -> dict[str, Any]:
    line, column, end_line, end_column = span(result, finding)
    location = _artifact_location(result)
    region = _region(result, finding, (line, column, end_line, end_column))
    if region is not None:
        location["physicalLocation"]["region"] = region
    properties: dict[str, Any] = {
        "confidence": finding.confidence.label,
        "fixable": finding.fix is not None,
        "cwe": [f"CWE-{c}" for c in finding.cwe],
    }
    place = notebook_place(finding)
    if place is not None:  # where a notebook viewer shows it: the cell and the line inside it
        properties["notebook"] = {**place, "line": line, "column": column}
    if origin_of(finding) is not None:
        properties["origin"] = origin_of(finding)
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
        "properties": properties,
    }
