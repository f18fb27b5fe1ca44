"""Every rule's annotated examples run as tests through the annotation harness."""

from __future__ import annotations

import pytest
from vetline.rules import registry, testing
from vetline.rules.languages import grammar
from vetline.rules.model import Rule
from vetline.rules.templates._syntax import TEMPLATE_LANGUAGES

EXAMPLE_RULES = [
    r for r in registry.all_rules() if any(grammar(lang) for lang in r.languages) or r.languages <= TEMPLATE_LANGUAGES
]


def _example_language(rule: Rule) -> str:
    # Rules that cover Python and other languages (secrets) write their examples in Python.
    if rule.languages <= TEMPLATE_LANGUAGES:
        return min(rule.languages)  # templates annotate with `{# ruleid: ... #}` comments
    return "python" if "python" in rule.languages else min(lang for lang in rule.languages if grammar(lang) is not None)


@pytest.mark.parametrize("rule", EXAMPLE_RULES, ids=lambda r: r.id)
def test_rule_fires_exactly_on_annotated_lines(rule: Rule) -> None:
    """Ensure that each rule fires on every `ruleid` line and on no other line of its examples."""
    result = testing.check_examples(rule, rule.examples, _example_language(rule))
    assert result.missing == [], f"{rule.id} did not fire on lines {result.missing}"
    assert result.unexpected == [], f"{rule.id} fired on unannotated lines {result.unexpected}"
