"""Unit tests of `server/settings.py`: typed, camelCase settings and their one schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server.config import Config
from vetline.server.settings import SETTINGS, Settings, SettingsError, markdown_table, merge_layers, parse, schema

DOCS = Path(__file__).parents[2] / "docs" / "lsp.md"


def test_camel_case_settings_become_typed_fields_and_config_overrides() -> None:
    """Ensure that wire names map to snake_case fields and analysis keys to Config overrides."""
    settings, warnings = parse({"run": "onSave", "debounceMs": 40, "maxFileSize": 10, "honourNosec": False})
    assert settings == Settings(
        run="onSave", debounce_ms=40, config_overrides={"max_file_size": 10, "honour_nosec": False}
    )
    assert warnings == []
    merged = Config().merged(settings.config_overrides)
    assert merged.max_file_size == 10 and merged.honour_nosec is False


def test_defaults_sent_by_the_editor_do_not_override_the_project_file() -> None:
    """Ensure that a setting equal to its default leaves the file configuration alone."""
    settings, _ = parse({"exclude": [], "select": [], "maxFileSize": 1_000_000})
    assert settings.config_overrides == {}


@pytest.mark.parametrize(
    "raw",
    [
        {"run": "sometimes"},
        {"debounceMs": "fast"},
        {"debounceMs": -1},
        {"select": "yaml"},
        {"honourNoqa": 1},
        {"severityOverrides": {"yaml-unsafe-load": "critical"}},
        ["not", "an", "object"],
    ],
)
def test_invalid_values_raise(raw: object) -> None:
    """Ensure that each kind of invalid value is rejected with a SettingsError."""
    with pytest.raises(SettingsError):
        parse(raw)  # type: ignore[arg-type]


def test_unknown_keys_are_warnings() -> None:
    """Ensure that a typo is reported, not silently ignored and not fatal."""
    settings, warnings = parse({"runn": "onSave"})
    assert settings == Settings() and warnings == ["unknown setting `vetline.runn` (ignored)"]


def test_schema_describes_every_setting_for_package_json() -> None:
    """Ensure that the schema has one typed, documented, defaulted entry per setting."""
    properties = schema()
    assert list(properties) == [f"vetline.{s.name}" for s in SETTINGS]
    assert properties["vetline.run"]["enum"] == ["onType", "onSave", "manual"]
    assert properties["vetline.baseline"]["type"] == ["string", "null"]
    assert all(p["description"] and "default" in p for p in properties.values())


def test_later_layers_win() -> None:
    """Ensure that workspace/configuration values override initializationOptions key by key."""
    assert merge_layers({"run": "onSave", "debounceMs": 5}, None, {"run": "manual"}) == {
        "run": "manual",
        "debounceMs": 5,
    }


def test_network_access_is_off_unless_the_user_allows_it() -> None:
    """Ensure that `allowNetwork` defaults to false, is kept by the server, and is never a Config override."""
    assert parse({})[0].allow_network is False
    assert parse({"allowNetwork": False})[0] == Settings()
    allowed, _ = parse({"allowNetwork": True})
    assert allowed.allow_network is True and allowed.config_overrides == {}
    with pytest.raises(SettingsError):
        parse({"allowNetwork": "yes"})


def test_allow_network_is_a_user_setting_in_vs_code() -> None:
    """Ensure that VS Code cannot take `allowNetwork` from a workspace's settings (machine scope)."""
    entry = schema()["vetline.allowNetwork"]
    assert entry == {"type": "boolean", "default": False, "description": entry["description"], "scope": "machine"}
    # each could reach outside a repository (retention: other workspaces' records)
    user_only = {"vetline.allowNetwork", "vetline.pythonInterpreter", "vetline.metricsRetentionDays"}
    assert all("scope" not in p for name, p in schema().items() if name not in user_only)
    assert all(schema()[name]["scope"] == "machine" for name in user_only)


def test_docs_list_every_setting() -> None:
    """Ensure that docs/lsp.md documents every setting the schema exposes."""
    docs = DOCS.read_text(encoding="utf-8")
    assert [s.name for s in SETTINGS if f"| `{s.name}` |" not in docs] == []


def test_docs_settings_table_is_generated_from_the_schema() -> None:
    """Ensure that docs/lsp.md carries `markdown_table()` verbatim, so every default shown is the real one."""
    table = markdown_table()
    assert table in DOCS.read_text(encoding="utf-8")
    assert "| `allowNetwork` | `false` |" in table and "| `baseline` | `null` |" in table
