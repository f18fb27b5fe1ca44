"""The metadata contract every rule must meet (Semgrep's rule schema, as pytest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from vetline.rules import engine, registry, testing
from vetline.rules.languages import grammar
from vetline.rules.model import Rule

RULES = registry.all_rules()
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _snake(rule_id: str) -> str:
    return rule_id.replace("-", "_")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_metadata_is_complete(rule: Rule) -> None:
    """Ensure that a rule has a kebab id, CWE, references, docs with the required sections."""
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.id)
    assert rule.cwe and all(isinstance(c, int) for c in rule.cwe)
    assert rule.references and all(ref.startswith("https://") for ref in rule.references)
    assert rule.title and rule.message
    assert "## Why is this bad?" in rule.docs
    if rule.fixable:
        assert "## Fix safety" in rule.docs


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_lives_in_a_module_named_after_its_id(rule: Rule) -> None:
    """Ensure that the rule id and its module name agree, so a rule is easy to find."""
    module = next(m for m in _modules() if getattr(m, "RULE", None) is rule)
    assert module.__name__.rsplit(".", 1)[-1] == _snake(rule.id)


@pytest.mark.parametrize("rule", [r for r in RULES if r.query], ids=lambda r: r.id)
def test_rule_query_compiles_for_each_language(rule: Rule) -> None:
    """Ensure that a rule's query compiles for every language it claims."""
    for language in rule.languages:
        if grammar(language) is not None:
            engine.compile_query(rule.query or "", language)


@pytest.mark.parametrize("rule", [r for r in RULES if any(grammar(x) for x in r.languages)], ids=lambda r: r.id)
def test_rule_examples_have_positive_and_negative_cases(rule: Rule) -> None:
    """Ensure that examples contain at least one `ruleid` and one `ok` annotation."""
    language = "python" if "python" in rule.languages else min(x for x in rule.languages if grammar(x))
    kinds = testing.expectations(rule.examples, language, rule.id).annotated_kinds
    assert {"ruleid", "ok"} <= kinds, f"{rule.id} examples need ruleid and ok annotations, have {kinds}"


@pytest.mark.parametrize("rule", [r for r in RULES if r.fixable], ids=lambda r: r.id)
def test_fixable_rule_has_before_after_fixture(rule: Rule) -> None:
    """Ensure that every fixable rule ships a before/after fixture pair."""
    assert list(FIXTURES.glob(f"*/{_snake(rule.id)}.*")), f"no fixture for {rule.id} under {FIXTURES}"


def test_registry_rejects_duplicate_ids() -> None:
    """Ensure that two modules declaring one id is an error, not a silent overwrite."""
    rule = RULES[0]

    class A:
        RULE = rule
        __name__ = "a"

    class B:
        RULE = rule
        __name__ = "b"

    with pytest.raises(registry.DuplicateRuleError, match=rule.id):
        registry.collect([A, B])


def _modules() -> list[object]:
    return list(registry._rule_modules())


def test_every_rule_module_imports() -> None:
    """Ensure that no rule module is silently disabled by an import error."""
    assert registry.load_errors() == {}
