"""Project configuration: discovery, validation, selection and excludes."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server.config import Config, ConfigError, find_config, load_config, parse, selected_rules


def test_nearest_config_wins(tmp_path: Path) -> None:
    """Ensure that `.vetline.toml` or a pyproject with `[tool.vetline]` is found upwards, nearest first."""
    (tmp_path / "pyproject.toml").write_text("[tool.vetline]\nselect = ['crypto']\n")
    nested = tmp_path / "pkg" / "sub"
    nested.mkdir(parents=True)
    assert find_config(nested) == tmp_path / "pyproject.toml"
    (tmp_path / "pkg" / ".vetline.toml").write_text("select = ['injection']\n")
    assert find_config(nested) == tmp_path / "pkg" / ".vetline.toml"


def test_pyproject_without_vetline_table_is_skipped(tmp_path: Path) -> None:
    """Ensure that an unrelated pyproject.toml does not stop the search."""
    (tmp_path / "pyproject.toml").write_text("[tool.vetline]\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(tmp_path / "pkg") == tmp_path / "pyproject.toml"


def test_values_are_loaded_and_typed(tmp_path: Path) -> None:
    """Ensure that every documented key is read with its type and the file's folder becomes the root."""
    path = tmp_path / ".vetline.toml"
    path.write_text(
        'select = ["injection"]\nignore = ["yaml-unsafe-load"]\nextend-exclude = ["gen/"]\n'
        "max_file_size = 2048\nhonour_nosec = false\n[severity_overrides]\nyaml-unsafe-load = 'low'\n"
        "[rules.route-without-auth-check]\nauth_decorators = ['my_auth']\n"
    )
    config, warnings = load_config(path)
    assert warnings == []
    assert config.select == ("injection",) and config.ignore == ("yaml-unsafe-load",)
    assert config.max_file_size == 2048 and config.honour_nosec is False
    assert config.rules["route-without-auth-check"]["auth_decorators"] == ["my_auth"]
    assert config.root == tmp_path and config.is_excluded("gen/x.py")


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"select": 3}, "select"),
        ({"max_file_size": "big"}, "max_file_size"),
        ({"honour_nosec": "yes"}, "honour_nosec"),
        ({"severity_overrides": {"x": "critical"}}, "severity_overrides"),
        ({"rules": {"x": 1}}, "rules"),
    ],
)
def test_invalid_values_name_the_key_and_file(table: dict, key: str) -> None:
    """Ensure that a wrong type or value raises ConfigError naming the key and the file."""
    with pytest.raises(ConfigError, match=key) as raised:
        parse(table, "/p/.vetline.toml")
    assert "/p/.vetline.toml" in str(raised.value)


def test_unknown_keys_and_rule_names_warn() -> None:
    """Ensure that a misspelt key or rule id is a warning, not silence."""
    _, warnings = parse({"selec": [], "ignore": ["no-such-rule"]}, "f.toml")
    assert any("selec" in w and "f.toml" in w for w in warnings)
    assert any("no-such-rule" in w for w in warnings)


def test_selection_by_id_category_and_override() -> None:
    """Ensure that select/ignore accept ids and categories and overrides change severity."""
    config, _ = parse({"select": ["injection"], "ignore": ["yaml-unsafe-load"]}, "x")
    chosen = selected_rules(config)
    assert chosen and all(r.category.value == "injection" for r in chosen)
    assert "yaml-unsafe-load" not in {r.id for r in chosen}


def test_default_excludes_cover_vendored_and_build_folders() -> None:
    """Ensure that virtualenvs, node_modules and build output are excluded by default."""
    config = Config()
    assert config.is_excluded(".venv/lib/site.py") and config.is_excluded("web/node_modules/a.js")
    assert config.is_excluded("pkg.egg-info/x.py") and not config.is_excluded("src/app.py")


def test_merged_settings_override_file_values() -> None:
    """Ensure that editor settings layered with `merged` replace only the keys they name."""
    base, _ = parse({"select": ["crypto"], "max_file_size": 10}, "file")
    merged = base.merged({"max_file_size": 20})
    assert merged.select == ("crypto",) and merged.max_file_size == 20
