"""Turn engine findings into LSP diagnostics, and diagnostic `data` back into fixes.

A diagnostic carries everything a later code action needs (Ruff's `AssociatedDiagnosticData`):
the rule id, the document version it was computed for, and the fix as byte-range edits, which
do not depend on the position encoding. A code action for the same version reads the fix back
without re-running any rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from vetline.rules.model import Confidence, Edit, Finding, Fix, Rule, Severity

from .positions import LineIndex

SOURCE = "vetline"
INSERTED_BLOCK = "inserted-block"
INSERTED_SUFFIX = " (in a block inserted in one edit, such as an accepted AI suggestion or a paste: review it)"

# (impact, likelihood) -> how loudly the editor shows it: a likely, high-impact finding is an
# error; unlikely or low-impact ones step down so they do not drown the real problems.
_SEVERITY: Mapping[tuple[Severity, Confidence], types.DiagnosticSeverity] = {
    (Severity.HIGH, Confidence.HIGH): types.DiagnosticSeverity.Error,
    (Severity.HIGH, Confidence.MEDIUM): types.DiagnosticSeverity.Error,
    (Severity.HIGH, Confidence.LOW): types.DiagnosticSeverity.Warning,
    (Severity.MEDIUM, Confidence.HIGH): types.DiagnosticSeverity.Warning,
    (Severity.MEDIUM, Confidence.MEDIUM): types.DiagnosticSeverity.Warning,
    (Severity.MEDIUM, Confidence.LOW): types.DiagnosticSeverity.Information,
    (Severity.LOW, Confidence.HIGH): types.DiagnosticSeverity.Information,
    (Severity.LOW, Confidence.MEDIUM): types.DiagnosticSeverity.Information,
    (Severity.LOW, Confidence.LOW): types.DiagnosticSeverity.Hint,
}


def diagnostic_severity(finding: Finding) -> types.DiagnosticSeverity:
    return _SEVERITY[(finding.severity, finding.confidence)]


def to_diagnostic(
    finding: Finding,
    index: LineIndex,
    encoding: str,
    version: int | None,
    rule: Rule | None,
    origin: str | None = None,
    key: str | None = None,
) -> types.Diagnostic:
    """The diagnostic of one finding, its range in the negotiated encoding.

    `origin` (`inserted-block`, `typed`) and `key` (the metrics store's hashed key, which a
    quick fix's command sends back) go into `data` when known.
    """
    data: dict[str, Any] = {"rule": finding.rule_id, "version": version, "fix": fix_to_data(finding.fix)}
    if finding.alternative_fixes:
        data["alternatives"] = [fix_to_data(fix) for fix in finding.alternative_fixes]
    message = finding.message
    if origin is not None:
        data["origin"] = origin
    if key is not None:
        data["key"] = key
    if origin == INSERTED_BLOCK:
        message += INSERTED_SUFFIX
    href = finding.cwe_url or (rule.cwe_url if rule is not None else None)
    return types.Diagnostic(
        range=index.range(finding.start_byte, finding.end_byte, encoding),
        message=message,
        severity=diagnostic_severity(finding),
        code=finding.rule_id,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data=data,
    )


def notice(index: LineIndex, encoding: str, message: str, code: str) -> types.Diagnostic:
    """An informational diagnostic on the first line (a file vetline did not analyse)."""
    return types.Diagnostic(
        range=index.range(0, index.line_end(0), encoding),
        message=message,
        severity=types.DiagnosticSeverity.Information,
        code=code,
        source=SOURCE,
    )


def fix_to_data(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    edits = [{"start": e.start_byte, "end": e.end_byte, "newText": e.new_text, "path": e.path} for e in fix.edits]
    return {"title": fix.title, "safe": fix.safe, "edits": edits}


def fixes_from_data(data: Any) -> list[Fix]:
    """Every fix stored in a diagnostic's `data`, the preferred one first; malformed ones skipped."""
    if not isinstance(data, Mapping):
        return []
    raw = [data.get("fix"), *(data.get("alternatives") or [])]
    return [fix for fix in (_fix(item) for item in raw) if fix is not None]


def fix_from_data(data: Any) -> Fix | None:
    """The preferred fix stored in a diagnostic's `data`, or None when absent or malformed."""
    return _fix(data.get("fix")) if isinstance(data, Mapping) else None


def _fix(raw: Any) -> Fix | None:
    if not isinstance(raw, Mapping):
        return None
    try:
        edits = tuple(Edit(int(e["start"]), int(e["end"]), str(e["newText"]), e.get("path")) for e in raw["edits"])
        return Fix(str(raw["title"]), edits, bool(raw["safe"]))
    except (KeyError, TypeError, ValueError):
        return None
