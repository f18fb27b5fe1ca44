"""The value last bound to a name before a use, answered from one index per scope.

Rules look through a local name to the value it holds (`sql = "..." + x; cursor.execute(sql)`).
Walking the whole scope for every such question made a function with thousands of sinks
quadratic (4,000 `exec(x)` calls in one function took 37 s). Each scope is walked once per
*binder*, the function saying which `(name, value)` pairs a node binds, into lists sorted by
position; a question is then a bisection. The indexes hold tree nodes (and so their trees), so
the engine calls `forget` when a file is done, and a cap keeps any other caller bounded.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable

from tree_sitter import Node

Binder = Callable[[Node], Iterable[tuple[int, bytes, Node | None]]]
"""For a scope, every `(start byte, name, value)` it binds, in the order a later one wins
(a value of None: the name is bound to nothing known, as by `x: int`)."""

_Index = dict[bytes, tuple[list[int], list[Node | None]]]
_INDEXES: dict[tuple[Binder, Node], _Index] = {}
_MAX_INDEXES = 256


def last_binding(scope: Node, name: Node, binder: Binder) -> Node | None:
    """The value of the last binding of `name`'s text that `binder` finds in `scope` starting
    before `name` (among bindings that start at the same byte, the last one `binder` gave)."""
    entry = _index(scope, binder).get(name.text or b"")
    if entry is None:
        return None
    starts, values = entry
    position = bisect.bisect_left(starts, name.start_byte)
    return values[position - 1] if position else None


def first_binding(scope: Node, name: bytes, binder: Binder) -> Node | None:
    """The value of the first binding of `name` that `binder` finds in `scope`, wherever it is."""
    entry = _index(scope, binder).get(name)
    return entry[1][0] if entry is not None else None


def later_bindings(scope: Node, name: bytes, after: int, binder: Binder) -> list[Node | None]:
    """The values of every binding of `name` that `binder` finds in `scope` starting after byte `after`."""
    entry = _index(scope, binder).get(name)
    if entry is None:
        return []
    starts, values = entry
    return values[bisect.bisect_right(starts, after) :]


def forget() -> None:
    """Drop every index (and the trees they keep alive)."""
    _INDEXES.clear()


def _index(scope: Node, binder: Binder) -> _Index:
    key = (binder, scope)
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _MAX_INDEXES:
            _INDEXES.clear()
        index = _INDEXES[key] = _build(binder(scope))
    return index


def _build(bindings: Iterable[tuple[int, bytes, Node | None]]) -> _Index:
    ordered: dict[bytes, list[tuple[int, Node | None]]] = {}
    for start, name, value in bindings:
        ordered.setdefault(name, []).append((start, value))
    index: _Index = {}
    for name, entries in ordered.items():
        entries.sort(key=lambda entry: entry[0])  # stable: equal starts keep the binder's order
        index[name] = ([start for start, _ in entries], [value for _, value in entries])
    return index
