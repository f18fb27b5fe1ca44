"""A test-only rule that raises on every match: proves one broken rule cannot kill the server.

Loaded into the server under test through `VETLINE_EXTRA_RULES=crashing_rule`.
"""

from __future__ import annotations

from vetline.rules.context import Match
from vetline.rules.model import Category, Confidence, Rule, Severity


def explode(match: Match) -> bool:
    raise RuntimeError("this rule always fails")


RULE = Rule(
    id="crashing-rule",
    title="A rule that crashes",
    category=Category.INJECTION,
    cwe=(20,),
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    languages=frozenset({"python"}),
    calls=frozenset({"crash_here"}),
    where=explode,
    message="never reported",
    docs="## Why is this bad?\nIt is a test double.\n",
    references=("https://cwe.mitre.org/data/definitions/20.html",),
    examples="",
)
