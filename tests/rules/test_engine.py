"""The engine: one parse shared by all rules, alias resolution, crash isolation, fixes."""

from __future__ import annotations

import logging

import pytest
from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.rules.model import Category, Confidence, Rule, Severity

YAML = registry.by_id()["yaml-unsafe-load"]


def make_rule(rule_id: str, **fields: object) -> Rule:
    base: dict[str, object] = {
        "id": rule_id,
        "title": "t",
        "category": Category.INJECTION,
        "cwe": (1,),
        "severity": Severity.LOW,
        "confidence": Confidence.LOW,
        "languages": frozenset({"python"}),
        "message": "m",
        "docs": "## Why is this bad?\n",
        "references": ("https://example.org",),
        "examples": "",
    }
    base.update(fields)
    return Rule(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "source",
    [
        "import yaml\nyaml.load(x)\n",
        "import yaml as y\ny.load(x)\n",
        "from yaml import load\nload(x)\n",
        "from yaml import load as yl\nyl(x)\n",
        "def f():\n    import yaml as q\n    return q.load(x)\n",
    ],
)
def test_every_import_style_reaches_the_rule(source: str) -> None:
    """Ensure that aliases and from-imports resolve to the same qualified callee."""
    findings = Engine([YAML]).analyze(source.encode(), "python").findings
    assert [f.rule_id for f in findings] == ["yaml-unsafe-load"]


def test_unrelated_load_is_not_reported() -> None:
    """Ensure that a `load` from another module does not resolve to yaml."""
    assert Engine([YAML]).analyze(b"from json import load\nload(x)\n", "python").findings == ()


def test_crashing_rule_is_logged_and_others_still_report(caplog: pytest.LogCaptureFixture) -> None:
    """Ensure that a rule raising an exception loses only its own findings, with a logged traceback."""

    def explode(match: object) -> bool:
        raise RuntimeError("boom")

    broken = make_rule("broken-rule", calls=frozenset({"yaml.load"}), where=explode)
    with caplog.at_level(logging.ERROR, logger="vetline.engine"):
        analysis = Engine([broken, YAML]).analyze(b"import yaml\nyaml.load(a)\nyaml.load(b)\n", "python", "x.py")
    assert [f.rule_id for f in analysis.findings] == ["yaml-unsafe-load", "yaml-unsafe-load"]
    assert analysis.errors == ("rule broken-rule failed (RuntimeError); its findings for this file are missing",)
    assert "broken-rule" in caplog.text and "RuntimeError" in caplog.text  # the message may be withheld


def test_query_rules_and_call_rules_share_one_pass() -> None:
    """Ensure that query-based and call-based rules both report from the same analysis."""
    query_rule = make_rule("assert-used", query="(assert_statement) @target")
    findings = Engine([query_rule, YAML]).analyze(b"import yaml\nassert x\nyaml.load(a)\n", "python").findings
    assert [(f.rule_id, f.start.line) for f in findings] == [("assert-used", 1), ("yaml-unsafe-load", 2)]


def test_method_and_prefix_call_patterns() -> None:
    """Ensure that `.name` matches a method on any receiver and `mod.*` anything under a module."""
    method = make_rule("any-execute", calls=frozenset({".execute"}))
    prefix = make_rule("any-subprocess", calls=frozenset({"subprocess.*"}))
    source = b"import subprocess as sp\ncur.execute(q)\nsp.run(c)\nsp.Popen(c).wait()\n"
    found = [(f.rule_id, f.start.line) for f in Engine([method, prefix]).analyze(source, "python").findings]
    assert found == [("any-execute", 1), ("any-subprocess", 2), ("any-subprocess", 3)]


def test_plain_text_language_runs_scan_rules_only() -> None:
    """Ensure that files without a grammar (requirements.txt) are handled by `scan` rules."""
    from vetline.rules.engine import make_finding

    def scan(ctx: object) -> list:
        return [make_finding(rule, ctx, 0, 4)]  # type: ignore[arg-type]

    rule = make_rule("text-rule", languages=frozenset({"pip-requirements"}), scan=scan)
    (finding,) = Engine([rule, YAML]).analyze(b"evil==1.0\n", "pip-requirements").findings
    assert (finding.rule_id, finding.start.line, finding.end.column) == ("text-rule", 0, 4)


def test_rule_declaration_is_validated() -> None:
    """Ensure that a rule without a kebab-case id, CWE or trigger is rejected at import time."""
    with pytest.raises(ValueError, match="kebab"):
        make_rule("Bad_Id", calls=frozenset({"x"}))
    with pytest.raises(ValueError, match="cwe"):
        make_rule("no-cwe", cwe=(), calls=frozenset({"x"}))
    with pytest.raises(ValueError, match="query, calls or scan"):
        make_rule("no-trigger")


def test_invalid_utf8_inside_a_file_still_analyses() -> None:
    """Ensure that stray invalid bytes in a buffer do not stop analysis of the rest."""
    findings = Engine([YAML]).analyze(b"import yaml\nx = '\xff\xfe'\nyaml.load(a)\n", "python").findings
    assert [f.start.line for f in findings] == [2]
