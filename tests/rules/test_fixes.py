"""Before/after fixtures: applying every fix of a rule to `<rule>.<ext>` gives `<rule>.fixed.<ext>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.rules import registry, testing
from vetline.rules.engine import Engine
from vetline.rules.languages import language_for_path
from vetline.rules.model import Category

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BEFORE = sorted(
    p for p in FIXTURES.glob("*/*.*") if ".fixed." not in p.name and p.stem.replace("_", "-") in registry.by_id()
)


@pytest.mark.parametrize("before", BEFORE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_turns_fixture_into_fixed_version(before: Path) -> None:
    """Ensure that the rule's fixes rewrite the fixture exactly into its `.fixed` twin."""
    rule = registry.by_id()[before.stem.replace("_", "-")]
    after = before.with_name(f"{before.stem}.fixed{before.suffix}")
    language = language_for_path(before)
    assert language is not None
    source = before.read_bytes()
    # A code fixture stands for application code: analysed under its own name, not under `tests/`,
    # which would make it test code (graded or skipped by some rules). Dependency fixtures need
    # their folder (the project's manifests and data live beside them).
    path = str(before) if rule.category is Category.DEPENDENCIES else before.name
    findings = Engine([rule]).analyze(source, language, path).findings
    fixes = [f.fix for f in findings if f.fix is not None]
    assert fixes, f"{rule.id} offered no fix on {before.name}"
    assert testing.apply_fixes(source, fixes).decode() == after.read_text()
