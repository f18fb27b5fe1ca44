"""Unit tests of `server/settings.py`: typed, camelCase settings and their one schema."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server.config import Config
from vetline.server.settings import SETTINGS, Settings, SettingsError, merge_layers, parse, schema


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


def test_docs_list_every_setting() -> None:
    """Ensure that docs/lsp.md documents every setting the schema exposes."""
    docs = (Path(__file__).parents[2] / "docs" / "lsp.md").read_text(encoding="utf-8")
    assert all(f"`{setting.name}`" in docs for setting in SETTINGS)
