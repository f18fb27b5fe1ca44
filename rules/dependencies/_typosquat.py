"""Find the popular package a name imitates: one edit, a transposition, separators, prefixes.

Typosquats sit one keystroke away from a popular project (`reqeusts`, `requets`, `request5`),
drop or add separators (`python-dateutil` -> `pythondateutil`), or play with the `python-`/`py`
prefixes (`python-requests`, `pyrequests`, `yaml` for `pyyaml`). The lookup tables are built
once per popular list (SymSpell-style one-deletion keys), so a check costs a few dict probes.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_PREFIXES = ("python-", "python", "py-", "py")
_SUFFIXES = ("-python", "-py", "py")
_MIN_LENGTH = 4  # shorter names are one edit away from too many others to be evidence


class Squats:
    """Lookup tables over a popular list, normalised names in popularity order."""

    def __init__(self, popular: Iterable[str]) -> None:
        self.popular: dict[str, int] = {}
        for rank, name in enumerate(popular):
            self.popular.setdefault(name, rank)
        self._deletions: dict[str, list[str]] = {}
        self._joined: dict[str, str] = {}
        self._bare: dict[str, str] = {}
        self._answers: dict[str, str | None] = {}
        for name in self.popular:
            for variant in _deletions(name):
                self._deletions.setdefault(variant, []).append(name)
            self._joined.setdefault(_join(name), name)
            self._bare.setdefault(_strip_affixes(name), name)

    def target(self, name: str) -> str | None:
        """The popular project `name` imitates, or None (also None for popular names)."""
        if name not in self._answers:
            self._answers[name] = self._target(name)
        return self._answers[name]

    def _target(self, name: str) -> str | None:
        if name in self.popular:
            return None
        candidates = self._candidates(name)
        candidates.discard(name)
        if not candidates:
            return None
        return min(candidates, key=lambda c: self.popular[c])

    def _candidates(self, name: str) -> set[str]:
        found: set[str] = set()
        if _join(name) in self._joined:
            found.add(self._joined[_join(name)])
        bare = _strip_affixes(name)
        if bare in self.popular or bare in self._bare:
            found.add(bare if bare in self.popular else self._bare[bare])
        if len(name) >= _MIN_LENGTH:
            found.update(self._one_edit(name))
        return {c for c in found if len(c) >= _MIN_LENGTH}

    def _one_edit(self, name: str) -> set[str]:
        found = set(self._deletions.get(name, ()))  # name lacks one character
        for variant in _deletions(name):
            if variant in self.popular:
                found.add(variant)  # name has one extra character
            found.update(self._deletions.get(variant, ()))  # one substitution (or a swap of two)
        found.update(n for n in _transpositions(name) if n in self.popular)
        return {c for c in found if _one_edit_apart(name, c)}


def _deletions(name: str) -> set[str]:
    return {name[:i] + name[i + 1 :] for i in range(len(name))}


def _transpositions(name: str) -> set[str]:
    return {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)}


def _one_edit_apart(a: str, b: str) -> bool:
    """Damerau distance exactly 1 (insert, delete, substitute or swap neighbours)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
        )
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _join(name: str) -> str:
    return re.sub(r"[-_.]", "", name)


def _strip_affixes(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            return name[len(prefix) :].lstrip("-")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)].rstrip("-")
    return name


@functools.lru_cache(maxsize=8)
def squats(popular: tuple[str, ...]) -> Squats:
    """The (cached) lookup tables for one popular list."""
    return Squats(popular)
