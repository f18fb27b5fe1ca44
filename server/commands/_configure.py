"""The configuration a subcommand runs with, and how its warnings reach the user.

Not a subcommand (the leading underscore and its absence from `COMMANDS` keep it out of the
CLI). `scan` and `data` both honour `--config` (which must exist) or find the nearest
configuration from a starting path; warnings go to stderr and never stop the command, and
neither do project rules that fail to load (each is an error line; the others still run).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from vetline.rules import project, registry
from vetline.rules.model import Rule

from ..config import Config, ConfigError, find_config, load_config


def configure(explicit: Path | None, start: Path) -> Config:
    """Load `explicit`, or the configuration nearest to `start`; raise ConfigError when invalid."""
    if explicit is not None and not explicit.is_file():
        raise ConfigError(f"{explicit}: configuration file not found")
    config, warnings = load_config(explicit or find_config(start), start)
    warn(warnings)
    report_rule_errors(config)
    return config


def rules_here(start: Path) -> tuple[Rule, ...]:
    """Every rule that runs in the project around `start`: built-in, then the project's own
    (`vetline rules` and `vetline explain` list them); rule files that fail to load are errors."""
    loaded = project.load_project_rules(project.find_project_root(start), registry.by_id())
    for error in loaded.errors:
        print(f"vetline: error: {error}", file=sys.stderr)
    return (*registry.all_rules(), *loaded.rules)


def report_rule_errors(config: Config) -> None:
    """One line per project rule that failed to load; the other rules still run."""
    for error in config.rule_errors:
        print(f"vetline: error: {error}", file=sys.stderr)


def warn(warnings: Iterable[str]) -> None:
    """Print configuration warnings to stderr, one per line."""
    for warning in warnings:
        print(f"vetline: warning: {warning}", file=sys.stderr)
