"""Before/after fixtures: applying every fix of a rule to `<rule>.<ext>` gives `<rule>.fixed.<ext>`."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.rules import registry, testing
from vetline.rules.engine import Engine
from vetline.rules.languages import language_for_path

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
    findings = Engine([rule]).analyze(source, language, str(before)).findings
    fixes = [f.fix for f in findings if f.fix is not None]
    assert fixes, f"{rule.id} offered no fix on {before.name}"
    assert testing.apply_fixes(source, fixes).decode() == after.read_text()
