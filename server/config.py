"""Project configuration: `[tool.vetline]` in the nearest `pyproject.toml`, or `.vetline.toml`.

Defaults are the documentation: every field of `Config` says what it means and what it is when
the user says nothing. Loading validates types and names: an unknown key is a warning naming
the key and file (so a typo does not silently change nothing), an invalid value is a
`ConfigError` naming the key and file (the CLI exits 2). The language server layers its
editor settings over the same object with `Config.merged`.

A configuration file may come with a repository nobody has reviewed, so the paths it names
(`baseline`, and `index` / `popular` / `advisories` of `[tool.vetline.dependencies]`) must stay
inside its folder once symlinks are followed, `~` is never expanded, and what they name must be
a regular file (or, for `advisories`, a folder) under a size cap. Paths from the command line or
the user's editor settings are the user's own and may point anywhere.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vetline.rules import files, project, registry
from vetline.rules.engine import Engine, SuppressionSettings
from vetline.rules.model import Category, Rule, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = (".vetline.toml", "pyproject.toml")
DEFAULT_EXCLUDE: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    ".tox",
    ".nox",
    "__pycache__",
    "node_modules",
    "build",
    "dist",
    "site-packages",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "*.egg-info",
    # Minified and bundled JavaScript is build output (webpack chunks, vendored `.min.js`), not source.
    "*.min.js",
    "*.min.mjs",
    "*.chunk.js",
    "*.bundle.js",
    "*.entry.js",
)
CATEGORIES = frozenset(c.value for c in Category)
# Paths a configuration file may name, with the size cap of what they name.
PROJECT_PATHS = {"baseline": files.MAX_BASELINE_BYTES}
DEPENDENCY_PATHS = {"index": files.MAX_DATA_BYTES, "popular": files.MAX_DATA_BYTES, "advisories": files.MAX_DATA_BYTES}


class ConfigError(ValueError):
    """An invalid configuration value; the message names the key and the file."""


@dataclass(frozen=True)
class Config:
    """Everything a scan or an editor session can be configured with."""

    select: tuple[str, ...] = ()  # rule ids or categories to run; empty means the default rule set
    extend_select: tuple[str, ...] = ()  # added to `select` (or to the default rule set)
    ignore: tuple[str, ...] = ()  # rule ids or categories never to run
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)  # rule id -> severity
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE  # glob patterns of paths never scanned
    extend_exclude: tuple[str, ...] = ()  # added to `exclude` rather than replacing it
    max_file_size: int = 1_000_000  # bytes; larger files are skipped with a reason
    honour_nosec: bool = True  # Bandit's `# nosec` comments suppress findings
    honour_noqa: bool = True  # Ruff's `# noqa: S…` comments suppress the matching rules
    baseline: str | None = None  # path of a baseline file whose findings are not reported
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # per-rule options by id
    dependencies: Mapping[str, Any] = field(default_factory=dict)  # [tool.vetline.dependencies]
    secrets: Mapping[str, Any] = field(default_factory=dict)  # [tool.vetline.secrets]
    ai_context: Mapping[str, Any] = field(default_factory=dict)  # [tool.vetline.ai_context]: tools = [...]
    taint: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # [tool.vetline.taint]: sources, sanitizers
    ai_origin: Mapping[str, Any] = field(default_factory=dict)  # [tool.vetline.ai_origin]: what marks an AI commit
    source: Path | None = None  # the file this configuration was read from
    root: Path | None = None  # the folder of that file: relative paths start here
    # Rules of the project's `.vetline/rules/*.toml`, and one message per rule that failed to load.
    project_rules: tuple[Rule, ...] = ()
    rule_errors: tuple[str, ...] = ()

    def all_rules(self) -> tuple[Rule, ...]:
        """Every rule this configuration can run: the built-in ones and the project's own."""
        return (*registry.all_rules(), *self.project_rules)

    def rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.all_rules()}

    def merged(self, overrides: Mapping[str, Any], origin: str = "settings") -> Config:
        """A copy with `overrides` (snake_case keys, already validated by `parse`) applied."""
        checked, _ = parse(overrides, origin, [rule.id for rule in self.project_rules])
        changes = {key: getattr(checked, key) for key in overrides if key in _FIELDS}
        return dataclasses.replace(self, **changes)

    def is_excluded(self, relative_path: str) -> bool:
        """True when a path (relative to the scan root, `/`-separated) matches an exclude glob."""
        parts = relative_path.split("/")
        for pattern in (*self.exclude, *self.extend_exclude):
            pattern = pattern.rstrip("/")
            if fnmatch.fnmatch(relative_path, pattern) or fnmatch.fnmatch(relative_path, pattern + "/*"):
                return True
            if "/" not in pattern and any(fnmatch.fnmatch(part, pattern) for part in parts):
                return True
        return False


_FIELDS = {f.name for f in dataclasses.fields(Config)} - {"source", "root", "project_rules", "rule_errors"}


def find_config(start: Path) -> Path | None:
    """The nearest `.vetline.toml`, or `pyproject.toml` with a `[tool.vetline]` table, upwards."""
    folder = start if start.is_dir() else start.parent
    real = Path(os.path.realpath(folder))  # never raises, even on a symlink loop
    for directory in (real, *real.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            # A configuration file that is a FIFO, a device or a link out of its folder is not one.
            readable = files.is_readable_file(candidate, within=directory)
            if readable and (name != "pyproject.toml" or _has_vetline_table(candidate)):
                return candidate
    return None


def load_config(path: Path | None, start: Path | None = None) -> tuple[Config, list[str]]:
    """Read and validate a configuration file; `None` gives the defaults. Returns warnings too.

    The project rules come from the `.vetline/rules` nearest to `start` (default: the
    configuration's folder); their load errors are in `Config.rule_errors`, never raised."""
    rules_from = start if start is not None else path.parent if path is not None else None
    found = project.load_project_rules(project.find_project_root(rules_from) if rules_from else None, registry.by_id())
    if path is None:
        return Config(project_rules=found.rules, rule_errors=found.errors), []
    try:
        document = tomllib.loads(files.read_bounded(path, files.MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from error
    table = document.get("tool", {}).get("vetline", {}) if path.name == "pyproject.toml" else document
    if path.name != "pyproject.toml" and "tool" in document and "vetline" in document.get("tool", {}):
        table = document["tool"]["vetline"]
    config, warnings = parse(table, str(path), [rule.id for rule in found.rules])
    check_project_paths(config, path)
    loaded = dataclasses.replace(config, project_rules=found.rules, rule_errors=found.errors)
    return dataclasses.replace(loaded, source=path, root=path.parent), warnings


def check_project_paths(config: Config, source: Path) -> None:
    """ConfigError unless every path the file `source` names stays inside its folder."""
    if config.baseline is not None:
        _check_project_path(config.baseline, source, "baseline", PROJECT_PATHS["baseline"])
    for key, limit in DEPENDENCY_PATHS.items():
        value = config.dependencies.get(key)
        if isinstance(value, str) and not value.startswith(("https://", "http://")):
            _check_project_path(value, source, f"dependencies.{key}", limit, folder_ok=key == "advisories")


def _check_project_path(value: str, source: Path, key: str, limit: int, folder_ok: bool = False) -> None:
    where = f"{source}: `{key}`"
    if value.startswith("~"):
        raise ConfigError(f"{where} = {value!r}: `~` is not expanded in a project's configuration")
    root = source.parent
    target = root / value
    try:
        files.contained_path(target, root)
    except files.FileRefused:
        raise ConfigError(f"{where} = {value!r} leads outside the project folder {root}") from None
    if not target.exists() or (folder_ok and target.is_dir()):
        return  # missing dependency data is noted when the rules run; a folder of advisories is walked
    try:
        files.refuse_special(target.stat())
        size = target.stat().st_size
    except OSError as error:
        raise ConfigError(f"{where} = {value!r}: {error}") from None
    if size > limit:
        raise ConfigError(f"{where} = {value!r}: file is {size:,} bytes, over the {limit:,}-byte limit")


def parse(table: Mapping[str, Any], origin: str, project_ids: Sequence[str] = ()) -> tuple[Config, list[str]]:
    """Validate a snake_case (or kebab-case) settings table into a Config plus warnings;
    `project_ids` are the project rules' ids, known to `select`, `ignore` and overrides."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{origin}: the vetline configuration must be a table")
    warnings: list[str] = []
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("-", "_")
        if key not in _FIELDS:
            warnings.append(f"{origin}: unknown configuration key `{raw_key}` (ignored)")
            continue
        values[key] = _VALIDATORS[key](value, f"{origin}: `{raw_key}`")
    known_ids = {*registry.by_id(), *project_ids}
    for key in ("select", "extend_select", "ignore"):
        for name in values.get(key, ()):
            if name not in known_ids and name not in CATEGORIES:
                warnings.append(f"{origin}: `{key}` names unknown rule or category `{name}`")
    for rule_id in values.get("severity_overrides", {}):
        if rule_id not in known_ids:
            warnings.append(f"{origin}: `severity_overrides` names unknown rule `{rule_id}`")
    return Config(**values), warnings


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _severities(value: Any, where: str) -> dict[str, Severity]:
    if not isinstance(value, Mapping):
        raise ConfigError(f'{where} must be a table of rule id = "high" | "medium" | "low"')
    try:
        return {str(k): Severity.parse(str(v)) for k, v in value.items()}
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false")
    return value


def _positive_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} must be a positive whole number of bytes")
    return value


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table")
    return dict(value)


def _rule_tables(value: Any, where: str) -> dict[str, dict[str, Any]]:
    tables = _table(value, where)
    for rule_id, options in tables.items():
        if not isinstance(options, Mapping):
            raise ConfigError(f"{where}.{rule_id} must be a table of options")
    return {k: dict(v) for k, v in tables.items()}


def _optional_string(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{where} must be a path string")
    return value


def _taint(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    """`sources` (calls returning attacker data) and `sanitizers` (calls making data safe)."""
    table = _table(value, where)
    unknown = set(table) - {"sources", "sanitizers"}
    if unknown:
        raise ConfigError(f"{where} accepts only `sources` and `sanitizers`, not {', '.join(sorted(unknown))}")
    return {key: _string_list(names, f"{where}.{key}") for key, names in table.items()}


def _ai_origin(value: Any, where: str) -> dict[str, Any]:
    from .attribution import AiPatterns  # validated by the class that uses it

    table = _table(value, where)
    AiPatterns.from_table(table, where)
    return table


_VALIDATORS = {
    "select": _string_list,
    "extend_select": _string_list,
    "ignore": _string_list,
    "severity_overrides": _severities,
    "exclude": _string_list,
    "extend_exclude": _string_list,
    "max_file_size": _positive_int,
    "honour_nosec": _boolean,
    "honour_noqa": _boolean,
    "baseline": _optional_string,
    "rules": _rule_tables,
    "dependencies": _table,
    "secrets": _table,
    "ai_context": _table,  # read by rules/aicontext/_workspace.py from the project's own file
    "taint": _taint,
    "ai_origin": _ai_origin,
}


def selected_rules(config: Config, all_rules: Sequence[Rule] | None = None) -> list[Rule]:
    """The rules `select`/`ignore` leave on, with severity overrides applied."""
    rules = (*(registry.all_rules() if all_rules is None else all_rules), *config.project_rules)
    chosen = [r for r in rules if _selected(r, config) and not _named(r, config.ignore)]
    return [
        dataclasses.replace(r, severity=config.severity_overrides[r.id]) if r.id in config.severity_overrides else r
        for r in chosen
    ]


def build_engine(config: Config, all_rules: Sequence[Rule] | None = None) -> Engine:
    """An engine running the selected rules (of `all_rules`, default every registered rule)
    with the configured options and suppressions; the CLI and the server both build it here."""
    suppression = SuppressionSettings(honour_nosec=config.honour_nosec, honour_noqa=config.honour_noqa)
    # `[tool.vetline.secrets]` reaches the secrets rules as the options table named "secrets".
    # `[tool.vetline.dependencies]` reaches the dependency rules as the table named "dependencies",
    # with `root` (the configuration's folder) so relative data paths resolve (rules/dependencies/_data.py).
    dependencies = {**config.dependencies, "root": str(config.root) if config.root else None}
    options = {"secrets": config.secrets, "dependencies": dependencies, "taint": config.taint, **config.rules}
    return Engine(selected_rules(config, all_rules), options=options, suppression=suppression)


def _selected(rule: Rule, config: Config) -> bool:
    """Named by `select` or `extend_select`; with no `select`, every rule of the default set."""
    if _named(rule, config.extend_select):
        return True
    return _named(rule, config.select) if config.select else registry.in_default_set(rule)


def _named(rule: Rule, names: Sequence[str]) -> bool:
    return any(n == "*" or n == rule.id or n == rule.category.value for n in names)


def _has_vetline_table(pyproject: Path) -> bool:
    """True when the file has a `[tool.vetline]` table, or mentions one but does not parse: a
    broken configuration must be an error naming the file, not silently the defaults."""
    try:
        text = files.read_bounded(pyproject, files.MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        return "vetline" in tomllib.loads(text).get("tool", {})
    except tomllib.TOMLDecodeError:
        return "[tool.vetline" in text or "tool.vetline." in text
