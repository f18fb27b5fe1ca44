"""The README stays in step with the code: rule table, quick-start commands and CI."""

from __future__ import annotations

import re
from pathlib import Path

from vetline.rules import registry
from vetline.server.commands.rules import markdown_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rule_table_matches_vetline_rules() -> None:
    """Ensure that the README's rule table is exactly `vetline rules --format markdown`."""
    table = re.search(r"<!-- rules-table:start -->\n(.*?)\n<!-- rules-table:end -->", README, re.DOTALL)
    assert table is not None
    assert table.group(1).strip() == markdown_table(registry.all_rules()).strip(), (
        "README rule table is stale: regenerate it with `vetline rules --format markdown`"
    )


def test_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    """Ensure that the quick start has exactly two commands and .ci/run runs the test one verbatim."""
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quick_start, re.DOTALL)
    assert len(commands) == 2
    scan, test = commands
    assert "vetline scan examples" in scan and "pytest" in test
    assert test in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_category_of_rules_is_documented() -> None:
    """Ensure that each category with rules appears in the README's category table."""
    for category in {rule.category.value for rule in registry.all_rules()}:
        assert f"| `{category}` |" in README


def test_configuration_example_is_valid(tmp_path: Path) -> None:
    """Ensure that the README's `[tool.vetline]` example loads with no warning and no error."""
    from vetline.server.config import load_config

    example = re.search(r"## Configuration.*?```toml\n(.*?)```", README, re.DOTALL)
    assert example is not None
    (tmp_path / "pyproject.toml").write_text(example.group(1), encoding="utf-8")
    config, warnings = load_config(tmp_path / "pyproject.toml")
    assert warnings == []
    assert config.taint["sources"] == ("myapp.http.get_param",) and config.dependencies["online"] is False
