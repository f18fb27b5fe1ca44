"""Project rules: the rules a team declares in `.vetline/rules/*.toml` next to its code.

A team that finds a dangerous pattern writes it down once (a call list resolved through imports,
or a tree-sitter query) and vetline finds every other occurrence, in the CLI and the editor.
The files come with the repository, so they are data and nothing else: they are read only
from inside the project (`rules.files`, regular files, bounded), parsed as TOML, validated key
by key, and run through the engine's own matchers; no code, no regular expression and no path
they contain is ever executed or followed.

A broken rule never costs the built-in rules or the other project rules: each problem is a
message naming the file, the rule and what is wrong, and the rule is left out.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from ..model import Rule
from ._schema import MAX_QUERY_BYTES, ProjectRule, build

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["RULES_FOLDER", "ProjectRule", "ProjectRules", "find_project_root", "load_project_rules"]

RULES_FOLDER = Path(".vetline") / "rules"
MAX_RULE_FILE_BYTES = files.MAX_CONFIG_BYTES  # one rule file
MAX_RULE_FILES = 256  # files read from one rules folder; the rest are named in an error
MAX_PROJECT_QUERY_BYTES = 128 << 10  # all query text of a project (compiling costs ~1 s per 16 KiB)


@dataclass(frozen=True)
class ProjectRules:
    """The valid rules of a project and one message per problem found loading the others."""

    entries: tuple[ProjectRule, ...] = ()
    errors: tuple[str, ...] = ()
    root: Path | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(entry.rule for entry in self.entries)


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` holding `.vetline/rules`, not above the git root."""
    folder = start if start.is_dir() else start.parent
    real = Path(os.path.realpath(folder))  # never raises, even on a symlink loop
    for directory in (real, *real.parents):
        if (directory / RULES_FOLDER).is_dir():
            return directory
        if (directory / ".git").exists():
            return None
    return None


def load_project_rules(root: Path | None, builtin_ids: Collection[str]) -> ProjectRules:
    """Every rule of `root/.vetline/rules/*.toml`; ids of `builtin_ids` are refused as clashes."""
    if root is None:
        return ProjectRules()
    folder = root / RULES_FOLDER
    try:
        files.contained_path(folder, root)
    except files.FileRefused as error:
        return ProjectRules(errors=(f"{RULES_FOLDER}: {error}; project rules not loaded",), root=root)
    entries: list[ProjectRule] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    budget = [MAX_PROJECT_QUERY_BYTES]
    for path in _rule_files(folder, errors):
        shown = path.relative_to(root).as_posix()
        for entry, problem in _load_file(path, root, shown, budget):
            if problem is not None:
                errors.append(problem)
            elif entry is not None:
                clash = _clash(entry.rule.id, builtin_ids, seen)
                if clash:
                    errors.append(f"{shown}: rule `{entry.rule.id}`: {clash}")
                else:
                    seen[entry.rule.id] = shown
                    entries.append(entry)
    return ProjectRules(tuple(entries), tuple(errors), root)


def _clash(rule_id: str, builtin_ids: Collection[str], seen: dict[str, str]) -> str | None:
    if rule_id in builtin_ids:
        return f"id clashes with the built-in rule `{rule_id}`; choose another id (e.g. `team-{rule_id}`)"
    if rule_id in seen:
        return f"id already declared in {seen[rule_id]}"
    return None


def _rule_files(folder: Path, errors: list[str]) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            # Every non-folder entry: a FIFO or device named `*.toml` is refused by name when read.
            names = sorted(e.name for e in entries if e.name.endswith(".toml") and not files.entry_is_dir(e))
    except OSError as error:
        errors.append(f"{RULES_FOLDER}: cannot list the folder: {error.strerror or error}")
        return []
    if len(names) > MAX_RULE_FILES:
        errors.append(
            f"{RULES_FOLDER}: {len(names)} rule files, over the limit of {MAX_RULE_FILES}; the rest are ignored"
        )
    return [folder / name for name in names[:MAX_RULE_FILES]]


def _load_file(
    path: Path, root: Path, shown: str, budget: list[int]
) -> Iterator[tuple[ProjectRule | None, str | None]]:
    """(rule, None) for each valid rule of the file, (None, message) for each problem."""
    try:
        text = files.read_bounded(path, MAX_RULE_FILE_BYTES, within=root).decode("utf-8")
        document = tomllib.loads(text)
    except files.FileRefused as error:
        yield None, f"{shown}: {error}; not loaded"
        return
    except OSError as error:
        yield None, f"{shown}: cannot read file: {error.strerror or error}"
        return
    except UnicodeDecodeError:
        yield None, f"{shown}: not valid UTF-8; not loaded"
        return
    except tomllib.TOMLDecodeError as error:
        yield None, f"{shown}: invalid TOML: {error}"
        return
    yield from _rules_of(document, path, shown, budget)


def _rules_of(
    document: dict[str, Any], path: Path, shown: str, budget: list[int]
) -> Iterator[tuple[ProjectRule | None, str | None]]:
    extra = [key for key in document if key != "rule"]
    if extra:
        hint = " (did you mean `[[rule]]`?)" if extra == ["rules"] else "; each rule is a `[[rule]]` table"
        yield None, f"{shown}: unknown top-level key `{extra[0]}`{hint}"
    tables = document.get("rule", [])
    if isinstance(tables, dict):  # `[rule]` where `[[rule]]` was meant: one rule, read as such
        tables = [tables]
    if not isinstance(tables, list) or not tables:
        if not extra:
            yield None, f"{shown}: no rules; declare each one in a `[[rule]]` table"
        return
    for number, table in enumerate(tables, 1):
        if not isinstance(table, dict):
            yield None, f"{shown}: rule #{number} is not a table; write each rule as a `[[rule]]` table"
            continue
        name = f"`{table['id']}`" if isinstance(table.get("id"), str) else f"#{number}"
        query = table.get("query")
        size = len(query.encode("utf-8")) if isinstance(query, str) else 0
        budget[0] -= size if size <= MAX_QUERY_BYTES else 0  # a refused query is never compiled
        if budget[0] < 0:
            yield (
                None,
                (
                    f"{shown}: rule {name}: the project's queries hold over {MAX_PROJECT_QUERY_BYTES:,} bytes "
                    "in all; rule not loaded"
                ),
            )
            continue
        try:
            yield build(table, path, shown), None
        except ValueError as problem:  # RuleProblem, or the Rule's own validation
            yield None, f"{shown}: rule {name}: {problem}; rule not loaded"
