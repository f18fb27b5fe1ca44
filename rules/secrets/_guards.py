"""Cheap necessary conditions for regexes: skip a search that cannot match.

A provider pattern is searched over every long literal of a file, and almost none match. Each
pattern's shortest possible match and the literal text it must contain (`AKC`, `xox`, one of
`key`/`pass`/`token`) are read from the pattern itself with the `re` parser, so a guard stays
right when detect-secrets changes its patterns: a text shorter than the match, or lacking a
required piece, is rejected with a length check and a few substring tests instead of a scan.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from re import _constants as sre  # type: ignore[attr-defined]  # the `re` parser's opcodes
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, NamedTuple

# Any-of groups: the text must contain one string of every group.
Needs = tuple[tuple[str, ...], ...]


class Guard(NamedTuple):
    """A regex (its linear-time form, which is what runs) with the length and text every match needs."""

    regex: Any
    min_length: int
    needs: Needs
    folded: bool  # the pattern ignores case: `needs` are lower case, tested on the lowered text


def guards(pairs: Iterable[tuple[re.Pattern[str], Any]]) -> tuple[Guard, ...]:
    """The guards of (regex, its linear form) pairs, shortest match first (what `search_any` expects)."""
    return tuple(sorted((guard(regex, search) for regex, search in pairs), key=lambda item: item.min_length))


def guard(regex: re.Pattern[str], search: Any) -> Guard:
    """The guard of one regex, read from its `re` source, searched with `search` (no text
    requirement when the pattern is too unusual to read)."""
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
        min_length = parsed.getwidth()[0]
        needs = tuple(_needs(parsed.data))
    except (re.error, AttributeError, IndexError, TypeError, ValueError):  # unknown shape: no guard
        return Guard(search, 0, (), False)
    folded = bool(regex.flags & re.IGNORECASE)
    if folded:
        # Case-insensitively, an ASCII letter also matches a few non-ASCII letters (`K` and the
        # Kelvin sign); `search_any` applies folded needs only to ASCII text, where that cannot happen.
        needs = tuple(tuple(s.lower() for s in group) for group in needs if all(s.isascii() for s in group))
    return Guard(search, min_length, needs, folded)


def search_any(guards: tuple[Guard, ...], text: str) -> bool:
    """Some regex of `guards` (from `guards()`) matches `text`; checked inline: it runs per literal."""
    size = len(text)
    lowered = text.lower() if text.isascii() else None
    for regex, min_length, needs, folded in guards:
        if size < min_length:
            return False  # sorted by length: no later regex fits either
        if folded:
            if lowered is not None and not _holds(lowered, needs):
                continue
        elif not _holds(text, needs):
            continue
        if regex.search(text):
            return True
    return False


def _holds(text: str, needs: Needs) -> bool:
    """`text` contains one piece of every group."""
    for group in needs:
        for piece in group:
            if piece in text:
                break
        else:
            return False
    return True


def _needs(items: list) -> list[tuple[str, ...]]:
    """The literal runs a sequence of parsed items must contain, as any-of groups."""
    groups: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if run:
            groups.append(("".join(run),))
            run = []
        if op is sre.SUBPATTERN and not av[1] and not av[2]:  # a group without its own flags
            groups.extend(_needs(av[3].data))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            groups.extend(_needs(av[2].data))
        elif op is sre.BRANCH:
            groups.extend(_any_of([_needs(branch.data) for branch in av[1]]))
    if run:
        groups.append(("".join(run),))
    return groups


def _any_of(branches: list[list[tuple[str, ...]]]) -> list[tuple[str, ...]]:
    """One group for an alternation: each branch's first need, when every branch has one."""
    if not branches or not all(branches):
        return []
    pieces = {piece for branch in branches for piece in branch[0]}
    # `pw` already covers `pwd`: a piece holding a shorter one adds nothing to the test.
    return [tuple(sorted(p for p in pieces if not any(q != p and q in p for q in pieces)))]
