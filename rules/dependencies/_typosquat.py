"""Find the popular package a name imitates: one edit, a transposition, separators, prefixes.

Typosquats sit one keystroke away from a popular project (`reqeusts`, `requets`, `request5`),
drop or add separators (`python-dateutil` -> `pythondateutil`), or play with the `python-`/`py`
prefixes (`python-requests`, `pyrequests`, `yaml` for `pyyaml`). A name is checked by
generating its one-edit variants (about 80 per character, each a set probe, ~0.2 ms) rather
than by indexing the popular list's deletions, which for 15,000 names would keep tens of MB.

Only the `TARGETS` most popular names are imitated (attackers squat what is installed most);
every name of the list, whatever its rank, is trusted: a legitimate near-name (`tblib`,
`grequests`) is told apart by the data, not by a hand-written list. On import lines so is the
name a listed project is imported by once its `python3-`/`python-`/`py-` prefix or `-python`/`-py`
suffix is dropped (`import openid` is `python3-openid`, not a squat of `open3d`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

_PREFIXES = ("python-", "python", "py-", "py")
_SUFFIXES = ("-python", "-py", "py")
# The separated affixes a project name carries and its import name drops: `python3-openid` is
# imported as `openid`, `python-bidi` as `bidi`, `discogs-client-py` as `discogs_client`.
_IMPORT_PREFIXES = ("python3-", "python-", "py-")
_IMPORT_SUFFIXES = ("-python", "-py")
_MIN_LENGTH = 4  # shorter names are one edit away from too many others to be evidence
TARGETS = 5000  # the most popular names that count as imitated
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_."


class Squats:
    """Lookup tables over a popular list, normalised names in popularity order."""

    def __init__(self, popular: Iterable[str]) -> None:
        self.popular: dict[str, int] = {}
        for rank, name in enumerate(popular):
            self.popular.setdefault(name, rank)
        self._targets = {name: None for name, rank in self.popular.items() if rank < TARGETS}  # ordered set
        self._joined: dict[str, str] = {}
        self._bare: dict[str, str] = {}
        for name in self._targets:  # in rank order: `popular` was filled in rank order
            self._joined.setdefault(_join(name), name)
            self._bare.setdefault(_strip_affixes(name), name)
        self._import_names = {bare for name in self.popular if (bare := _import_name(name)) != name}
        self._answers: dict[str, str | None] = {}

    def target(self, name: str, affixes: bool = True) -> str | None:
        """The popular project `name` imitates, or None (also None for popular names).

        `affixes=False` leaves out the `python-`/`py` prefix and suffix confusions (for import
        names, which routinely drop them: `import bidi` is `python-bidi`).
        """
        key = f"{name}\n{affixes}"
        if key not in self._answers:
            self._answers[key] = self._target(name, affixes)
        return self._answers[key]

    def _target(self, name: str, affixes: bool) -> str | None:
        if name in self.popular or (not affixes and name in self._import_names):
            return None  # a popular name, or (on an import line) how a popular project is imported
        candidates = self._candidates(name, affixes)
        candidates.discard(name)
        if not candidates:
            return None
        return min(candidates, key=lambda c: self.popular[c])

    def _candidates(self, name: str, affixes: bool) -> set[str]:
        found: set[str] = set()
        if _join(name) in self._joined:
            found.add(self._joined[_join(name)])
        bare = _strip_affixes(name)
        if affixes and (bare in self._targets or bare in self._bare):
            found.add(bare if bare in self._targets else self._bare[bare])
        if len(name) >= _MIN_LENGTH:
            found.update(v for v in _one_edit_variants(name) if v in self._targets)
        return {c for c in found if len(c) >= _MIN_LENGTH}


def _one_edit_variants(name: str) -> set[str]:
    """Every string one deletion, insertion, substitution or neighbour swap away from `name`."""
    splits = [(name[:i], name[i:]) for i in range(len(name) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    variants |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    variants |= {a + c + b for a, b in splits for c in _ALPHABET}
    return variants


def _join(name: str) -> str:
    return name.replace("-", "").replace("_", "").replace(".", "")


def _strip_affixes(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            return name[len(prefix) :].lstrip("-")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)].rstrip("-")
    return name


def _import_name(name: str) -> str:
    """`python3-openid` -> `openid`: the popular project's name without a separated affix."""
    for prefix in _IMPORT_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            return name[len(prefix) :]
    for suffix in _IMPORT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


@functools.lru_cache(maxsize=8)
def squats(popular: tuple[str, ...]) -> Squats:
    """The (cached) lookup tables for one popular list."""
    return Squats(popular)
