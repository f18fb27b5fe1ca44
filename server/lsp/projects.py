"""Configuration and engines per project: the file configuration with editor settings on top.

Each document is analysed with the configuration of its nearest `.vetline.toml` or
`pyproject.toml` (found like the CLI finds it), merged with the editor settings. Configurations
and the engines built from them are cached per configuration file and dropped when settings
change or a watched configuration file changes. An invalid configuration falls back to the
defaults with one message, never a message per keystroke. The project rules of the nearest
`.vetline/rules` folder join the engine; a rule that fails to load is one message too.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from vetline.rules import project, registry
from vetline.rules.engine import Engine
from vetline.rules.model import Rule

from ..config import Config, ConfigError, build_engine, find_config, load_config
from ..settings import Settings

log = logging.getLogger("vetline.server")

# Extra rule modules (each exposing RULE) to load besides the registry: a hook for tests that
# need a rule the product does not ship, such as one that crashes.
EXTRA_RULES_ENV = "VETLINE_EXTRA_RULES"


class Projects:
    """Config and Engine for a document path, cached per configuration file."""

    def __init__(self, notify: Callable[[str], None]) -> None:
        self._notify = notify  # shows a message to the user (once per distinct text)
        # Keyed by (configuration file, folder holding `.vetline/rules`): either may be absent.
        self._cache: dict[tuple[Path | None, Path | None], tuple[Config, Engine]] = {}
        self.settings = Settings()

    def reset(self, settings: Settings | None = None) -> None:
        """Forget every configuration (settings changed, or a configuration file did)."""
        if settings is not None:
            self.settings = settings
        self._cache.clear()

    def config_for(self, path: Path | None) -> Config:
        return self._entry(path)[0]

    def engine_for(self, path: Path | None) -> Engine:
        return self._entry(path)[1]

    def _entry(self, path: Path | None) -> tuple[Config, Engine]:
        source = find_config(path) if path is not None else None
        rules_root = project.find_project_root(path) if path is not None else None
        key = (source, rules_root)
        if key not in self._cache:
            config = self._load(source, rules_root)
            self._cache[key] = (config, _engine(config))
        return self._cache[key]

    def _load(self, source: Path | None, rules_root: Path | None) -> Config:
        try:
            config, warnings = load_config(source, rules_root)
        except ConfigError as error:
            self._notify(f"vetline: {error}; using the default configuration")
            config, warnings = load_config(None, rules_root)  # the project's rules still run
        for warning in warnings:
            log.warning("%s", warning)
        for problem in config.rule_errors:  # the other rules still run; shown once per distinct text
            self._notify(f"vetline: {problem}")
        try:
            return config.merged(self.settings.config_overrides, "editor settings")
        except ConfigError as error:  # validated already; a file/settings mix can still clash
            self._notify(f"vetline: {error}; editor settings ignored")
            return config


def _engine(config: Config) -> Engine:
    return build_engine(config, available_rules())


def available_rules() -> tuple[Rule, ...]:
    """Every registered rule plus the extra modules named in `VETLINE_EXTRA_RULES`."""
    try:
        rules = registry.all_rules()
    except Exception:  # a broken rule module must not take the whole server down
        log.exception("could not load vetline's rules; running without them")
        rules = ()
    extra = [name.strip() for name in os.environ.get(EXTRA_RULES_ENV, "").split(",") if name.strip()]
    return (*rules, *(importlib.import_module(name).RULE for name in extra))
