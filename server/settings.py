"""Editor settings of the language server: typed, snake_case in Python, camelCase on the wire.

Two kinds of setting live here. Server behaviour (`run`, `debounceMs`, `logLevel`,
`allowNetwork`, `pythonInterpreter`, `metrics`, `metricsRetentionDays`) belongs to the editor session only. Analysis settings (`select`, `ignore`, `severityOverrides`,
`maxFileSize`, ...) are layered over the project's file configuration with `Config.merged`, and
only the keys the user actually set are layered, so an editor default never hides what
`pyproject.toml` says. `SETTINGS` is the single description of every key: `schema()` turns it
into the JSON-schema properties the VS Code `package.json` contributes, `parse()` validates
against it, and its defaults are the documentation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .config import ConfigError
from .config import parse as parse_config

RUN_MODES = ("onType", "onSave", "manual")
LOG_LEVELS = ("error", "warning", "info", "debug")


class SettingsError(ValueError):
    """An editor setting has a value of the wrong type or outside its allowed values."""


@dataclass(frozen=True)
class Setting:
    """One key of the `vetline` settings section."""

    name: str  # camelCase, as on the wire and in package.json
    type: str  # JSON-schema type
    default: Any
    description: str
    enum: tuple[str, ...] = ()
    analysis: bool = False  # True: passed to `Config.merged` rather than kept by the server
    scope: str | None = None  # VS Code's configuration scope when not the default ("window")


SETTINGS: tuple[Setting, ...] = (
    Setting("run", "string", "onType", "When to analyse: as you type, on save, or only on command.", RUN_MODES),
    Setting(
        "debounceMs",
        "integer",
        150,
        "Longest wait in milliseconds before re-analysing a buffer during a burst of edits; shorter when analysis is cheaper, none under 30 ms.",
    ),
    Setting("logLevel", "string", "info", "Least severe server log message sent to the editor.", LOG_LEVELS),
    # "machine": a consent only the user gives; a cloned repository's .vscode/settings.json cannot.
    Setting(
        "allowNetwork",
        "boolean",
        False,
        "Let the server download dependency data (registry index, "
        "popular names, advisories) for projects whose `[tool.vetline.dependencies]` says `online = true`. "
        "Off: nothing leaves the machine.",
        scope="machine",
    ),
    # "machine" too: a repository naming an interpreter could make vetline read files outside it.
    Setting(
        "pythonInterpreter",
        "string",
        None,
        "The project's Python interpreter (path): the dependency rules read its environment's "
        "`*.dist-info` files (never run it) to map imports to packages. Unset: `$VETLINE_PYTHON`, else "
        "the project's `.venv`, `venv` or `env`, else `$VIRTUAL_ENV`.",
        scope="machine",
    ),
    Setting(
        "metrics",
        "boolean",
        True,
        "Record each finding's life (rule, origin, how it ended; never code or secrets) in a local database "
        "for `vetline report`. Local only: nothing leaves the machine.",
    ),
    Setting(
        "metricsRetentionDays",
        "integer",
        365,
        "Days the local metrics database keeps a finding after it ended (0: keep forever). A choice of the "
        "user's, for the whole database: every workspace's old records are removed, and `vetline scan --record` "
        "uses the value the editor last set.",
        scope="machine",
    ),
    Setting("select", "array", [], "Rule ids or categories to run (empty: the default rule set).", analysis=True),
    Setting("extendSelect", "array", [], "Rule ids or categories to run besides `select`.", analysis=True),
    Setting("ignore", "array", [], "Rule ids or categories never to run.", analysis=True),
    Setting("severityOverrides", "object", {}, "Rule id -> high | medium | low.", analysis=True),
    Setting("exclude", "array", [], "Glob patterns never scanned (replaces the defaults).", analysis=True),
    Setting("extendExclude", "array", [], "Glob patterns added to `exclude`.", analysis=True),
    Setting("maxFileSize", "integer", 1_000_000, "Files larger than this many bytes are not analysed.", analysis=True),
    Setting("honourNosec", "boolean", True, "Bandit's `# nosec` comments suppress findings.", analysis=True),
    Setting("honourNoqa", "boolean", True, "Ruff's `# noqa: S…` comments suppress findings.", analysis=True),
    Setting(
        "baseline",
        "string",
        None,
        "Baseline file whose findings are not reported (unreadable: one message, then ignored).",
        analysis=True,
    ),
    Setting("rules", "object", {}, "Per-rule options, by rule id.", analysis=True),
)
_BY_NAME = {s.name: s for s in SETTINGS}
_TYPES: Mapping[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}


@dataclass(frozen=True)
class Settings:
    """The validated settings of one editor session."""

    run: str = "onType"
    debounce_ms: int = 150
    log_level: str = "info"
    allow_network: bool = False  # the user's consent to `online = true` projects going online
    python_interpreter: str | None = None  # the user's interpreter for dependency mapping
    metrics: bool = True  # record findings' lives in the local metrics store (server/lsp/metrics.py)
    metrics_retention_days: int = 365
    config_overrides: Mapping[str, Any] = field(default_factory=dict)  # snake_case, for Config.merged


def schema() -> dict[str, Any]:
    """The `contributes.configuration.properties` of the VS Code extension, keyed `vetline.<name>`."""
    properties: dict[str, Any] = {}
    for setting in SETTINGS:
        entry: dict[str, Any] = {"type": setting.type, "default": setting.default, "description": setting.description}
        if setting.default is None:
            entry["type"] = [setting.type, "null"]
        if setting.enum:
            entry["enum"] = list(setting.enum)
        if setting.type == "array":
            entry["items"] = {"type": "string"}
        if setting.scope:
            entry["scope"] = setting.scope
        properties[f"vetline.{setting.name}"] = entry
    return properties


def markdown_table() -> str:
    """The settings table of docs/lsp.md (a test keeps the two equal): name, default, meaning."""
    rows = ["| Setting | Default | Meaning |", "|---|---|---|"]
    for setting in SETTINGS:
        meaning = setting.description.replace("|", "\\|")
        if setting.enum:
            meaning += " One of " + ", ".join(f"`{value}`" for value in setting.enum) + "."
        if setting.scope == "machine":
            meaning += " VS Code reads it from user settings only (machine scope), never from a workspace."
        rows.append(f"| `{setting.name}` | `{json.dumps(setting.default)}` | {meaning} |")
    return "\n".join(rows) + "\n"


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def parse(raw: Mapping[str, Any] | None) -> tuple[Settings, list[str]]:
    """Validate a camelCase settings object; unknown keys are warnings, bad values raise."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, Mapping):
        raise SettingsError("the `vetline` settings must be an object")
    warnings = [f"unknown setting `vetline.{key}` (ignored)" for key in raw if key not in _BY_NAME]
    values = {key: _checked(_BY_NAME[key], value) for key, value in raw.items() if key in _BY_NAME}
    # Clients such as VS Code send every key with its default: a default means "not set", so
    # it must not replace what the project's configuration file says.
    overrides = {snake_case(k): v for k, v in values.items() if _BY_NAME[k].analysis and v != _BY_NAME[k].default}
    try:
        parse_config(overrides, "editor settings")
    except ConfigError as error:
        raise SettingsError(str(error)) from None
    return Settings(
        run=values.get("run", "onType"),
        debounce_ms=values.get("debounceMs", 150),
        log_level=values.get("logLevel", "info"),
        allow_network=values.get("allowNetwork", False),
        python_interpreter=values.get("pythonInterpreter") or None,
        metrics=values.get("metrics", True),
        metrics_retention_days=values.get("metricsRetentionDays", 365),
        config_overrides=overrides,
    ), warnings


def _checked(setting: Setting, value: Any) -> Any:
    if value is None and setting.default is None:
        return None
    expected = _TYPES[setting.type]
    if not isinstance(value, expected) or (setting.type == "integer" and isinstance(value, bool)):
        raise SettingsError(f"`vetline.{setting.name}` must be of type {setting.type}, not {type(value).__name__}")
    if setting.enum and value not in setting.enum:
        raise SettingsError(f"`vetline.{setting.name}` must be one of {', '.join(setting.enum)}, not {value!r}")
    if setting.type == "integer" and isinstance(value, int) and value < 0:
        raise SettingsError(f"`vetline.{setting.name}` must not be negative")
    return value


def merge_layers(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Later layers win key by key (initializationOptions, then workspace/configuration)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer, Mapping):
            merged.update(layer)
    return merged
