"""Least-recently-used caches bounded by the bytes of their keys, for caches keyed by source text.

`functools.lru_cache(maxsize=8192)` bounds entries, not memory: keyed by string literals, 8,192
entries of an 800 KB literal being edited (each keystroke makes a new key) is 6.5 GB. Here
every cache has a byte budget over the text in its keys (plus a fixed overhead per entry), and
a key over `MAX_KEY_BYTES` (or a sixteenth of the budget) is computed without being cached at
all: such text is data, not a credential, and a literal being edited never repeats a key. The cost of a call
stays what it was; only memory is bounded.

Caches that are filled by the same text share one `ByteBudget`: the eight text-keyed caches of
the secrets rules all see each literal of an edited file, so eight budgets of their own would let
them keep eight times the memory (a 30 KB literal typed in, one new key per keystroke in each,
grew the server by over 100 MB before they were full). With one budget the least recently used
entry of any of them gives way, and all of them together stay under `SECRETS_CACHE_BYTES`.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

MAX_KEY_BYTES = 64 * 1024  # longer texts are never cached
ENTRY_OVERHEAD = 200  # bytes counted per entry on top of its text: the dict slot, tuple and result
SECRETS_CACHE_BYTES = 16 * 1024 * 1024  # the text-keyed caches of the secrets rules, together
F = TypeVar("F", bound=Callable[..., Any])


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    currsize: int
    bytes: int  # held by this cache
    max_bytes: int  # the budget this cache shares (or has to itself)


class _Stats:
    """One cache's counters: its entries and bytes live in the shared order of its budget."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.hits = self.misses = self.entries = self.bytes = 0


class ByteBudget:
    """One least-recently-used order and byte count for the caches that share it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.largest = min(MAX_KEY_BYTES, max_bytes // 16)  # a key costing more is never cached
        self.bytes = 0
        self._entries: OrderedDict[tuple[_Stats, tuple[Any, ...]], tuple[Any, int]] = OrderedDict()

    def get(self, owner: _Stats, args: tuple[Any, ...]) -> tuple[Any, int] | None:
        found = self._entries.get((owner, args))
        if found is not None:
            self._entries.move_to_end((owner, args))
        return found

    def put(self, owner: _Stats, args: tuple[Any, ...], result: Any, size: int) -> None:
        self._entries[(owner, args)] = (result, size)
        owner.entries += 1
        owner.bytes += size
        self.bytes += size
        while self.bytes > self.max_bytes:
            (evicted_owner, _), (_, evicted) = self._entries.popitem(last=False)
            evicted_owner.entries -= 1
            evicted_owner.bytes -= evicted
            self.bytes -= evicted

    def clear(self, owner: _Stats) -> None:
        for key in [key for key in self._entries if key[0] is owner]:
            _, size = self._entries.pop(key)
            self.bytes -= size
        owner.reset()


SECRETS_BUDGET = ByteBudget(SECRETS_CACHE_BYTES)


def _size(args: tuple[Any, ...]) -> int:
    return ENTRY_OVERHEAD + sum(len(a) for a in args if isinstance(a, (str, bytes)))


def lru_cache_bytes(budget: int | ByteBudget) -> Callable[[F], F]:
    """Decorate a function of hashable positional arguments with an LRU cache bounded by bytes:
    a budget of its own (`int`), or a `ByteBudget` it shares with other caches."""
    shared = budget if isinstance(budget, ByteBudget) else ByteBudget(budget)

    def decorate(function: F) -> F:
        stats = _Stats()

        @functools.wraps(function)
        def cached(*args: Any) -> Any:
            found = shared.get(stats, args)
            if found is not None:
                stats.hits += 1
                return found[0]
            stats.misses += 1
            result = function(*args)
            size = _size(args)
            if size <= shared.largest:
                shared.put(stats, args, result, size)
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(stats.hits, stats.misses, stats.entries, stats.bytes, shared.max_bytes)

        cached.cache_info = cache_info  # type: ignore[attr-defined]
        cached.cache_clear = lambda: shared.clear(stats)  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]

    return decorate
