"""Queries that helpers run over every file, answered by the engine's one tree walk per file.

Each query run walks the whole tree, and a walk costs about as much whatever it looks for: the
secrets rules' literals, the callee names of `calls=` rules and the dependency rules' imports
were three walks beside the rules' combined query. A helper registers its query here
(`share`); the engine adds the registered patterns to its combined query and leaves each
helper's captures on the file's context (`store`); the helper reads them back (`shared`), and
runs its own query only when the engine did not (a file analysed outside the engine, a query
registered after the engine planned the language).

Captures come back per capture name in source order (start byte; an enclosing node before the
nodes it contains), as `QueryCursor.captures` gives them.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import Any

from tree_sitter import Node

_SHARED: dict[str, dict[str, str]] = {}  # language -> key -> query source
_CONTEXT_KEY = "_vetline_shared_captures"  # per-file captures live in the FileContext's __dict__
_COMPLETE_KEY = "_vetline_shared_captures_complete"  # False: the walk hit the query match limit
Captures = dict[str, list[Node]]


def share(key: str, sources: Mapping[str, str]) -> None:
    """Register query `key`, given per language (`{"python": "(string) @item"}`)."""
    for language, source in sources.items():
        _SHARED.setdefault(language, {})[key] = source


def sources(language: str) -> dict[str, str]:
    """The registered queries for `language`, by key."""
    return dict(_SHARED.get(language, {}))


def store(ctx: Any, captures: Mapping[str, Captures], complete: bool = True) -> None:
    """Leave the engine's captures of each shared query on the file's context, in source order.

    `complete` is False when the walk hit the query match limit (`languages.QUERY_MATCH_LIMIT`),
    so that some captures may be missing."""
    ctx.__dict__[_CONTEXT_KEY] = {
        key: {name: _in_source_order(nodes) for name, nodes in by_name.items()} for key, by_name in captures.items()
    }
    ctx.__dict__[_COMPLETE_KEY] = complete


def shared(ctx: Any, key: str) -> Captures | None:
    """The captures of query `key` from the engine's walk of this file, or None: run it yourself."""
    found = ctx.__dict__.get(_CONTEXT_KEY)
    return found.get(key) if found is not None else None


def shared_complete(ctx: Any, key: str) -> Captures | None:
    """Like `shared`, but None also when the walk may have dropped captures: for a helper that
    replaces its own full walk of the tree with them and must see every node it would have."""
    return shared(ctx, key) if ctx.__dict__.get(_COMPLETE_KEY, False) else None


def _in_source_order(nodes: list[Node]) -> list[Node]:
    """`nodes` by start byte, an enclosing node before the nodes it contains (the longer first),
    equal ones in the order found. Two stable sorts on C-level keys, the minor key first: a file
    has tens of thousands of captures, and a Python key function per node cost more than the sort."""
    by_end = sorted(nodes, key=_END, reverse=True)  # `reverse` keeps equal ends in their order
    return sorted(by_end, key=_START)


_START, _END = operator.attrgetter("start_byte"), operator.attrgetter("end_byte")
