"""Find invisible characters that change how text reads: bidi controls, zero-width characters,
Unicode tag characters and runs of variation selectors, and decode what they smuggle.

One bytes regex (alternatives of the characters' UTF-8 encodings, no nested repetition, so
linear time) finds runs; each run is then judged against its neighbours so that legitimate uses
stay quiet: an emoji's variation selector (`❤️`), a zero-width joiner inside an emoji sequence or
between letters of a script that needs it (Persian, Indic), a subdivision flag's tag sequence,
and right-to-left text written without control characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..patterns import linear

_RUN = linear(
    rb"(?:\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf|\xef\xb8[\x80-\x8f]"
    rb"|\xe1\xa0\x8e|\xd8\x9c|\xf3\xa0[\x80\x81][\x80-\xbf]|\xf3\xa0[\x84-\x87][\x80-\xbf])+"
)
_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
_MARKS = frozenset({0x200E, 0x200F, 0x061C})  # LRM, RLM, ALM: invisible but legitimate in RTL text
_JOINERS = frozenset({0x200C, 0x200D})
_PRESENTATION = frozenset({0xFE0E, 0xFE0F})  # text and emoji presentation selectors
_TAG_FLAG_BASE = 0x1F3F4  # 🏴 + tag letters + CANCEL TAG is a subdivision flag
_MAX_DECODED = 120


# The lead bytes of every invisible character `_RUN` looks for: a file without one is skipped fast.
_LEAD_BYTE = linear(rb"[\xd8\xe1\xe2\xef\xf3]")


@dataclass(frozen=True)
class HiddenRun:
    start: int
    end: int
    kinds: tuple[str, ...]
    decoded: str | None  # the text tag characters or variation selectors spell, if any


def hidden_runs(source: bytes) -> Iterator[HiddenRun]:
    """Every suspicious run of invisible characters in `source`, in order."""
    if not _LEAD_BYTE.search(source):
        return
    for match in _RUN.finditer(source):
        run = match.group().decode("utf-8", "replace")
        before, after = _neighbour(source, match.start(), -1), _neighbour(source, match.end(), 1)
        if match.start() == 0 and run == "\ufeff":
            continue  # a byte-order mark at the start of the file
        verdict = _judge(run, before, after)
        if verdict is not None:
            yield HiddenRun(match.start(), match.end(), *verdict)


def _judge(run: str, before: str, after: str) -> tuple[tuple[str, ...], str | None] | None:
    codes = [ord(c) for c in run]
    if all(c in _MARKS for c in codes):
        return None
    tags = [c for c in codes if 0xE0000 <= c <= 0xE007F]
    selectors = [c for c in codes if 0xFE00 <= c <= 0xFE0F or 0xE0100 <= c <= 0xE01EF]
    if tags and len(tags) == len(codes) and before and ord(before) == _TAG_FLAG_BASE and codes[-1] == 0xE007F:
        return None
    if _presentation_only(codes, selectors, before, after):
        return None
    kinds = tuple(dict.fromkeys(_kind(c) for c in codes if c not in _MARKS))
    return kinds, _decode(tags, selectors)


def _presentation_only(codes: list[int], selectors: list[int], before: str, after: str) -> bool:
    """Variation selectors after a visible character (one of any kind: an emoji or CJK variant,
    `❤️`; or a run of text/emoji presentation selectors), optionally with one joiner after a
    non-ASCII character (emoji sequences; Persian, Kurdish and Indic words, where ZWNJ also ends
    a word before a space or punctuation)."""
    joiners = [c for c in codes if c in _JOINERS]
    if len(selectors) + len(joiners) != len(codes) or len(joiners) > 1:
        return False
    if len(selectors) > 1 and not all(c in _PRESENTATION for c in selectors):
        return False  # a run of other selectors encodes bytes; a doubled U+FE0F is a copy-paste slip
    if not before or before.isspace():
        return False
    return not joiners or not before.isascii()


def _kind(code: int) -> str:
    if code in _BIDI:
        return f"bidirectional control U+{code:04X}"
    if 0xE0000 <= code <= 0xE007F:
        return "Unicode tag characters"
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return "variation selectors"
    return f"{unicodedata.name(chr(code), 'invisible character').lower()} U+{code:04X}"


def _decode(tags: list[int], selectors: list[int]) -> str | None:
    """Tag characters mirror ASCII; variation-selector runs encode bytes (0-15 and 16-255)."""
    if tags:
        text = "".join(chr(c - 0xE0000) for c in tags if 0xE0020 <= c <= 0xE007E)
    elif len(selectors) >= 2:
        data = bytes(c - 0xFE00 if c <= 0xFE0F else c - 0xE0100 + 16 for c in selectors)
        text = data.decode("utf-8", "replace")
    else:
        return None
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= _MAX_DECODED else text[:_MAX_DECODED] + "…"


def _neighbour(source: bytes, offset: int, step: int) -> str:
    """The character just before (`step=-1`) or after (`step=1`) a byte offset, or ''."""
    if step < 0:
        start = offset - 1
        while start > 0 and offset - start < 4 and 0x80 <= source[start] < 0xC0:
            start -= 1
        return source[max(start, 0) : offset].decode("utf-8", "replace")[-1:] if offset > 0 else ""
    end = offset + 1
    while end < len(source) and end - offset < 4 and 0x80 <= source[end] < 0xC0:
        end += 1
    return source[offset:end].decode("utf-8", "replace")[:1]
