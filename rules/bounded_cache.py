"""A least-recently-used cache bounded by the bytes of its keys, for caches keyed by source text.

`functools.lru_cache(maxsize=8192)` bounds entries, not memory: keyed by string literals, 8,192
entries of an 800 KB literal being edited (each keystroke makes a new key) is 6.5 GB. Here
every cache has a byte budget over the text in its keys (plus a fixed overhead per entry), and
a key over `MAX_KEY_BYTES` (or a sixteenth of the budget) is computed without being cached at
all: such text is data, not a credential, and a literal being edited never repeats a key. The cost of a call
stays what it was; only memory is bounded.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

MAX_KEY_BYTES = 64 * 1024  # longer texts are never cached
ENTRY_OVERHEAD = 200  # bytes counted per entry on top of its text: the dict slot, tuple and result
SECRETS_CACHE_BYTES = 16 * 1024 * 1024  # each text-keyed cache of the secrets rules
DEPENDENCY_CACHE_BYTES = 4 * 1024 * 1024  # each name-keyed cache of the dependency rules
F = TypeVar("F", bound=Callable[..., Any])


class CacheInfo(NamedTuple):
    hits: int
    misses: int
    currsize: int
    bytes: int
    max_bytes: int


def _size(args: tuple[Any, ...]) -> int:
    return ENTRY_OVERHEAD + sum(len(a) for a in args if isinstance(a, (str, bytes)))


def lru_cache_bytes(max_bytes: int) -> Callable[[F], F]:
    """Decorate a function of hashable positional arguments with a byte-bounded LRU cache."""

    def decorate(function: F) -> F:
        entries: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        stats = {"hits": 0, "misses": 0, "bytes": 0}
        largest = min(MAX_KEY_BYTES, max_bytes // 16)

        @functools.wraps(function)
        def cached(*args: Any) -> Any:
            found = entries.get(args)
            if found is not None:
                entries.move_to_end(args)
                stats["hits"] += 1
                return found[0]
            stats["misses"] += 1
            result = function(*args)
            size = _size(args)
            if size > largest:
                return result
            entries[args] = (result, size)
            stats["bytes"] += size
            while stats["bytes"] > max_bytes:
                _, (_, evicted) = entries.popitem(last=False)
                stats["bytes"] -= evicted
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(stats["hits"], stats["misses"], len(entries), stats["bytes"], max_bytes)

        def cache_clear() -> None:
            entries.clear()
            stats.update(hits=0, misses=0, bytes=0)

        cached.cache_info = cache_info  # type: ignore[attr-defined]
        cached.cache_clear = cache_clear  # type: ignore[attr-defined]
        return cached  # type: ignore[return-value]

    return decorate
