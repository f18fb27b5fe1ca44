"""The shortcuts that keep one scan process fast must give exactly the slow paths' answers: the
language of a file name, the in-file calls the taint analysis reads from the engine's walk, and
the owner of each pattern of the engine's combined query."""

from __future__ import annotations

import dataclasses
import fnmatch
from pathlib import PurePath

import pytest
from vetline.rules import languages, walk
from vetline.rules.analysis import taint
from vetline.rules.context import FileContext
from vetline.rules.engine import Engine, _combined_query, compile_query
from vetline.rules.registry import all_rules


def _language_by_table(path: str) -> str | None:
    """`language_for_path` as the table reads, row by row, with `fnmatch` on every pattern."""
    name = PurePath(path).name
    for spec in languages.LANGUAGES:
        if any(fnmatch.fnmatch(name, pattern) for pattern in spec.filenames):
            return spec.id
    suffix = PurePath(name).suffix.lower()
    for spec in languages.LANGUAGES:
        if suffix in spec.extensions:
            return spec.id
    folders = PurePath(path).parts[:-1]
    for spec in languages.LANGUAGES:
        if suffix in spec.folder_extensions and any(folder in spec.folders for folder in folders):
            return spec.id
    return None


def _names_near_the_table() -> set[str]:
    """Every file-name pattern and extension of the table, filled in, upper-cased and near misses."""
    names: set[str] = set()
    for spec in languages.LANGUAGES:
        for pattern in spec.filenames:
            names |= {pattern, pattern.replace("*", "x"), pattern.replace("*", ""), pattern.upper(), pattern + ".bak"}
        for extension in (*spec.extensions, *spec.folder_extensions):
            names |= {"f" + extension, "F" + extension.upper(), extension, "requirements" + extension}
    return names


def test_language_for_path_agrees_with_the_table_read_row_by_row() -> None:
    """Ensure that the cached, dictionary-first file-name look-up gives the table's answer for every name."""
    names = _names_near_the_table()
    paths = [*names, *(f"templates/{name}" for name in names), *(f"jinja2/x/{name}" for name in names)]
    for path in paths * 2:  # the second round is answered from the cache
        assert languages.language_for_path(path) == _language_by_table(path), path


NESTED_CALLS = b"""
def helper(request, x):
    return x

def view(request):
    helper(request, helper(request, 1))
    if request.GET:
        helper(request, other(helper(request, 2)), helper(request, 3))
    return [helper(request, 4) for _ in other(5)]

helper(request, helper(
    request, 6)
"""


def _call_sites(ctx: FileContext) -> dict[str, list[tuple[int, int]]]:
    return {name: [(n.start_byte, n.end_byte) for n in nodes] for name, nodes in taint._calls_by_name(ctx).items()}


def test_calls_by_name_from_the_engine_walk_match_the_tree_walk() -> None:
    """Ensure that the bare-name calls read from the engine's callee captures come in the tree walk's order."""
    engine = Engine(all_rules())
    plan = engine._plan("python")
    tree = languages.parser("python").parse(NESTED_CALLS)  # type: ignore[union-attr]
    ctx = FileContext(path="v.py", language="python", source=NESTED_CALLS, tree=tree, options={}, rules=plan.by_id)
    walked = _call_sites(ctx)  # nothing stored yet: the tree is walked
    plan._query_matches(ctx, tree.root_node, [])
    assert walk.shared_complete(ctx, "engine.callees") is not None
    from_walk = _call_sites(ctx)
    assert from_walk == walked
    assert list(from_walk) == list(walked)
    assert len(walked["helper"]) == 7


def test_calls_by_name_walk_the_tree_when_the_engine_walk_was_cut_short() -> None:
    """Ensure that captures from a walk that hit the match limit are not trusted for the call sites."""
    tree = languages.parser("python").parse(NESTED_CALLS)  # type: ignore[union-attr]
    ctx = FileContext(path="v.py", language="python", source=NESTED_CALLS, tree=tree, options={}, rules={})
    walk.store(ctx, {"engine.callees": {"ident": []}}, complete=False)
    assert walk.shared_complete(ctx, "engine.callees") is None
    assert len(taint._calls_by_name(ctx)["helper"]) == 7


def _owners_counted(language: str, parts: list[tuple[object, str]]) -> list[object]:
    """The owner of each pattern, each part compiled alone to count its patterns."""
    return [owner for owner, source in parts for _ in range(compile_query(source, language).pattern_count)]


def test_combined_query_owners_match_the_pattern_counts_of_each_query() -> None:
    """Ensure that owners read from one compile of the combined query are those of counting each query."""
    for language in ("python", "javascript", "typescript", "typescriptreact"):
        rules = tuple(r for r in all_rules() if language in r.languages and r.query is not None)
        shared = walk.sources(language)
        query, owners = _combined_query(language, rules, shared)
        assert query is not None
        parts: list[tuple[object, str]] = [(rule, rule.query or "") for rule in rules]
        assert owners == _owners_counted(language, [*parts, *sorted(shared.items())])


def test_combined_query_leaves_out_a_query_that_does_not_compile(caplog: pytest.LogCaptureFixture) -> None:
    """Ensure that a rule whose query does not compile is logged and the other rules keep their patterns."""
    good = next(r for r in all_rules() if "python" in r.languages and r.query is not None)
    broken = dataclasses.replace(good, id="broken-query", query="(call (nonsense_node)) @target")
    query, owners = _combined_query("python", (broken, good), {})
    assert query is not None and set(owners) == {good}
    assert "rule broken-query: query does not compile" in caplog.text
