"""Unit tests of `server/convert.py`: findings to diagnostics and fixes through `data`."""

from __future__ import annotations

from lsprotocol import types
from vetline.rules.model import Confidence, Edit, Finding, Fix, Position, Severity
from vetline.rules.python.yaml_unsafe_load import RULE
from vetline.server.convert import INSERTED_BLOCK, diagnostic_severity, fix_from_data, fix_to_data, to_diagnostic
from vetline.server.positions import UTF16, LineIndex


def finding(
    severity: Severity = Severity.HIGH, confidence: Confidence = Confidence.HIGH, fix: Fix | None = None
) -> Finding:
    return Finding("yaml-unsafe-load", "bad", severity, confidence, 12, 27, Position(1, 0), Position(1, 15), fix)


def test_severity_combines_impact_and_likelihood() -> None:
    """Ensure that high/likely is an error and low/unlikely only a hint."""
    assert diagnostic_severity(finding()) == types.DiagnosticSeverity.Error
    assert diagnostic_severity(finding(Severity.HIGH, Confidence.LOW)) == types.DiagnosticSeverity.Warning
    assert diagnostic_severity(finding(Severity.MEDIUM, Confidence.LOW)) == types.DiagnosticSeverity.Information
    assert diagnostic_severity(finding(Severity.LOW, Confidence.LOW)) == types.DiagnosticSeverity.Hint


def test_diagnostic_carries_code_link_version_and_fix() -> None:
    """Ensure that a diagnostic has the rule id, CWE link, source, version and fix edits."""
    fix = Fix("Use `yaml.safe_load`", (Edit(17, 21, "safe_load"), Edit(0, 0, "X=1\n", ".env.example")), safe=True)
    index = LineIndex(b"import yaml\nyaml.load(data)\n")
    diagnostic = to_diagnostic(finding(fix=fix), index, UTF16, 7, RULE)
    assert diagnostic.code == "yaml-unsafe-load" and diagnostic.source == "vetline"
    assert diagnostic.code_description.href == "https://cwe.mitre.org/data/definitions/502.html"
    assert diagnostic.data["version"] == 7 and "origin" not in diagnostic.data
    assert fix_from_data(diagnostic.data) == fix


def test_inserted_block_origin_is_in_data_and_message() -> None:
    """Ensure that a finding in an inserted block says so in data and message."""
    diagnostic = to_diagnostic(
        finding(), LineIndex(b"import yaml\nyaml.load(data)\n"), UTF16, 2, RULE, origin=INSERTED_BLOCK
    )
    assert diagnostic.data["origin"] == "inserted-block"
    assert diagnostic.message.startswith("bad (in a block inserted in one edit")


def test_malformed_data_gives_no_fix() -> None:
    """Ensure that data a client mangled is ignored rather than crashing the code action."""
    assert fix_from_data({"fix": {"title": "x", "edits": [{"start": "a"}], "safe": True}}) is None
    assert fix_from_data("nonsense") is None
    assert fix_to_data(None) is None


def test_diagnostic_links_the_findings_own_cwe() -> None:
    """Ensure that a finding narrower than its rule (a hashed password: CWE-916) links that CWE page."""
    import dataclasses

    narrow = dataclasses.replace(finding(), cwe=(916, 328))
    diagnostic = to_diagnostic(narrow, LineIndex(b"import yaml\nyaml.load(data)\n"), UTF16, 1, RULE)
    assert diagnostic.code_description.href == "https://cwe.mitre.org/data/definitions/916.html"
