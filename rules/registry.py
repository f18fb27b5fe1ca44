"""Collect every rule: the `RULE` of each module in `vetline.rules.<family>` packages.

A rule lives in its own module named after its id in snake_case; this module imports them
all once, rejects duplicate ids and mismatched file names, and answers look-ups by id or
category so the CLI, the server and the tests see one list.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import pkgutil
from collections.abc import Iterable

from .model import Category, Rule

log = logging.getLogger("vetline.registry")

# Packages under vetline.rules that hold rule modules (analysis helpers live elsewhere).
RULE_PACKAGES: tuple[str, ...] = ("python", "javascript", "secrets", "dependencies", "aicontext", "templates")


# Rules that run only when selected (`--select configuration`, `extend_select`): hard-coded
# endpoints, ports and timeouts are style advice on ordinary code, not vulnerabilities.
OPT_IN_CATEGORIES = frozenset({Category.CONFIGURATION})


def in_default_set(rule: Rule) -> bool:
    """True when the rule runs without being selected (the default rule set)."""
    return rule.category not in OPT_IN_CATEGORIES


class DuplicateRuleError(ValueError):
    """Two modules declared the same rule id."""


@functools.cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule vetline ships, sorted by id."""
    return collect(_rule_modules())


def collect(modules: Iterable[object]) -> tuple[Rule, ...]:
    """The `RULE` of each module, rejecting duplicate ids."""
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    for module in modules:
        rule = getattr(module, "RULE", None)
        if not isinstance(rule, Rule):
            continue
        name = getattr(module, "__name__", "?")
        if rule.id in seen:
            raise DuplicateRuleError(f"rule id {rule.id!r} declared in {seen[rule.id]} and {name}")
        seen[rule.id] = name
        rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.id))


def by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in all_rules()}


def _rule_modules() -> Iterable[object]:
    for package_name in RULE_PACKAGES:
        full_name = f"{__package__}.{package_name}"
        if importlib.util.find_spec(full_name) is None:
            continue
        package = importlib.import_module(full_name)
        for info in pkgutil.iter_modules(package.__path__):
            if not info.name.startswith("_"):
                module = _import_rule_module(f"{package.__name__}.{info.name}")
                if module is not None:
                    yield module


_load_errors: dict[str, str] = {}


def load_errors() -> dict[str, str]:
    """Rule modules that failed to import, with the error; the contract test keeps this empty."""
    all_rules()
    return dict(_load_errors)


def _import_rule_module(name: str) -> object | None:
    """Import one rule module; a broken one is logged and left out so the others still run."""
    try:
        return importlib.import_module(name)
    except Exception as error:
        log.error("rule module %s failed to import and is disabled: %s", name, error, exc_info=error)
        _load_errors[name] = f"{type(error).__name__}: {error}"
        return None
