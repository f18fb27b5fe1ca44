"""Every regular expression vetline runs, compiled so that no input can make it slow.

Python's `re` backtracks: a pattern with nested or adjacent quantifiers (`(?:\\w+: .*\\s+)*`,
`\\s*=\\s*.*?\\s*$`) takes exponential or polynomial time on a crafted line, and a security tool
reads strangers' files. So every pattern of vetline (and every detect-secrets pattern vetline
searches) is compiled here with RE2 (`google-re2`), whose automaton runs in time linear in the
input whatever the pattern. RE2 has no look-around and no back-references: the few patterns
that need a look-around are compiled with `re` through `backtracking()`, which requires a
reason and is only for shapes with one unnested quantifier (linear for `re` too). Every
compiled pattern is recorded in `REGISTRY`, so the budget test runs all of them, new ones
included, on adversarial input.

Text fed to them is also bounded: a configuration line is matched up to `MAX_LINE_CHARS`, a
string literal searched for secrets up to `MAX_LITERAL_CHARS`; a longer one is read up to the
bound, never rejected.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, AnyStr

import re2  # type: ignore[import-untyped]

# Line-oriented patterns (config pairs, requirement lines) see at most this much of a line: a
# longer line is not configuration a person wrote, and its tail cannot change the key.
MAX_LINE_CHARS = 4096
# A literal is searched for secrets up to this many characters: a key is never this long, and
# a megabyte of data in a string is searched only as far as a person could have pasted a key.
MAX_LITERAL_CHARS = 65536
# RE2 rejects counted repetitions above 1000 (`{50,1024}`): such a bound is relaxed to `{m,}`.
_RE2_MAX_REPEAT = 1000
# Why the identifier splitters (`[A-Z]+(?![a-z])`: `HTTPServer` -> `HTTP`, `Server`) may backtrack.
WORD_SPLIT_REASON = (
    "one quantifier over a character class followed by a one-character look-ahead: a failed"
    " look-ahead gives back one character, so each match costs its own length"
)
_INLINE_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
_SUPPORTED_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE | re.ASCII


@dataclass(frozen=True)
class Registered:
    """One pattern vetline runs: its source, flags, the compiled object, and which engine."""

    source: str | bytes
    flags: int
    compiled: Any
    engine: str  # "re2" or "re"
    why: str = ""


REGISTRY: list[Registered] = []


def linear(pattern: AnyStr, flags: int = 0) -> LinearPattern:
    """`pattern` compiled by RE2 (the `re` API: search, match, finditer, sub, split, group names).

    Compiled on first use; then raises `re2.error` when the pattern uses a feature RE2 lacks
    (`tests/rules/test_regex_budget.py` compiles every one): rewrite it, or use `backtracking()`
    for a look-around with a reason.
    """
    compiled = LinearPattern(re2_source(pattern, flags), pattern)
    REGISTRY.append(Registered(pattern, flags, compiled, "re2"))
    return compiled


def _options(pattern: str | bytes) -> Any:
    """RE2's options for `pattern`: a bytes pattern reads bytes as Latin-1 characters, as `re`
    does (one byte is one character, `\\xe2` is the byte 0xE2, an invalid UTF-8 byte still
    matches `[^\\n]`), where RE2's default would read the pattern and the text as UTF-8."""
    options = re2.Options()
    # A pattern with large counted repetitions (the shell assignment forms' `{0,400}`) can
    # outgrow RE2's DFA budget on a long text; RE2 then falls back to its NFA, still linear, and
    # would log "DFA out of memory" on the user's standard error for every search.
    options.log_errors = False
    if isinstance(pattern, bytes):
        options.encoding = re2.Options.Encoding.LATIN1
    return options


class LinearPattern:
    """An RE2 pattern with the `re` API vetline uses; its matches take group names everywhere.

    RE2 compiles it on first use: a process loads several hundred patterns, most for file kinds
    it never reads (a scan of Python code runs none of the Go or `.env` line patterns), and
    compiling the counted repetitions of those costs more than a scan's start-up otherwise does.
    `compile_now()` raises `re2.error` for a pattern RE2 cannot run; the regex budget test
    compiles and runs every registered pattern."""

    __slots__ = ("_compiled", "_groupindex", "_re2_source", "pattern")

    def __init__(self, re2_text: str | bytes, source: str | bytes) -> None:
        self._compiled: Any = None
        self._groupindex: dict[str, int] | None = None
        self._re2_source = re2_text
        self.pattern = source

    def compile_now(self) -> Any:
        """The compiled RE2 object (compiled here on the first call)."""
        if self._compiled is None:
            self._compiled = re2.compile(self._re2_source, options=_options(self.pattern))
        return self._compiled

    @property
    def groupindex(self) -> dict[str, int]:
        # RE2 names the groups of a bytes pattern with bytes; `re` (and vetline) with str.
        if self._groupindex is None:
            self._groupindex = {
                name.decode() if isinstance(name, bytes) else name: index
                for name, index in self.compile_now().groupindex.items()
            }
        return self._groupindex

    @property
    def groups(self) -> int:
        return int(self.compile_now().groups)

    def search(self, text: AnyStr, pos: int = 0, endpos: int | None = None) -> LinearMatch | None:
        window, offset = _window(text, pos, endpos)
        return self._wrap((self._compiled or self.compile_now()).search(window), offset)

    def match(self, text: AnyStr, pos: int = 0, endpos: int | None = None) -> LinearMatch | None:
        window, offset = _window(text, pos, endpos)
        return self._wrap((self._compiled or self.compile_now()).match(window), offset)

    def fullmatch(self, text: AnyStr, pos: int = 0, endpos: int | None = None) -> LinearMatch | None:
        window, offset = _window(text, pos, endpos)
        return self._wrap((self._compiled or self.compile_now()).fullmatch(window), offset)

    def finditer(self, text: AnyStr, pos: int = 0, endpos: int | None = None) -> Iterator[LinearMatch]:
        window, offset = _window(text, pos, endpos)
        return (LinearMatch(self, found, offset) for found in (self._compiled or self.compile_now()).finditer(window))

    def match_start_from(self, data: bytes, pos: int) -> int | None:
        """The byte offset where the first match starting at or after `pos` of the UTF-8 `data`
        starts, or None; for a `str` pattern. Unlike `search(text, pos)`, nothing is copied and
        the bytes before `pos` stay context (`^`, `\\b` see them): a search repeated along one
        long text costs the text's length once, not once per search."""
        found = (self._compiled or self.compile_now()).search(data, pos)
        return None if found is None else int(found.start())

    def findall(self, text: AnyStr) -> list[Any]:
        return (self._compiled or self.compile_now()).findall(text)

    def sub(self, repl: Any, text: AnyStr, count: int = 0) -> AnyStr:
        return (self._compiled or self.compile_now()).sub(repl, text, count)

    def split(self, text: AnyStr, maxsplit: int = 0) -> list[AnyStr]:
        return (self._compiled or self.compile_now()).split(text, maxsplit)

    def _wrap(self, found: Any, offset: int) -> LinearMatch | None:
        return None if found is None else LinearMatch(self, found, offset)


def _window(text: AnyStr, pos: int, endpos: int | None) -> tuple[AnyStr, int]:
    """The part of `text` a search from `pos` to `endpos` sees, and where it starts.

    `re` treats `endpos` as the end of the string (`$` matches there); RE2 would see the text
    beyond it, so the window is cut out (costing its own length, never the whole text's).
    """
    if pos == 0 and (endpos is None or endpos >= len(text)):
        return text, 0
    pos = max(0, pos)
    return text[pos:endpos], pos


class LinearMatch:
    """A match of a `LinearPattern`: `group`, `start`, `end`, `span` by number or name."""

    __slots__ = ("_match", "_offset", "re")

    def __init__(self, pattern: LinearPattern, found: Any, offset: int = 0) -> None:
        self._match = found
        self.re = pattern
        self._offset = offset  # where the searched window starts in the caller's text

    def _index(self, group: int | str) -> int:
        return group if isinstance(group, int) else self.re.groupindex[group]

    def group(self, *groups: int | str) -> Any:
        return self._match.group(*(self._index(group) for group in groups))

    def __getitem__(self, group: int | str) -> Any:
        return self._match[self._index(group)]

    def groupdict(self, default: Any = None) -> dict[str, Any]:
        found = (self._match[index] for index in self.re.groupindex.values())
        return {name: default if value is None else value for name, value in zip(self.re.groupindex, found)}

    def start(self, group: int | str = 0) -> int:
        start = self._match.start(self._index(group))
        return start + self._offset if start >= 0 else start

    def end(self, group: int | str = 0) -> int:
        end = self._match.end(self._index(group))
        return end + self._offset if end >= 0 else end

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self.start(group), self.end(group)


def backtracking(pattern: AnyStr, flags: int = 0, *, why: str) -> re.Pattern[AnyStr]:
    """`pattern` compiled by `re`, for a look-around RE2 cannot express; `why` says why it is linear."""
    if not why:
        raise ValueError("a backtracking pattern needs a reason why it stays linear")
    compiled = re.compile(pattern, flags)
    REGISTRY.append(Registered(pattern, flags, compiled, "re", why))
    return compiled


def re2_source(pattern: AnyStr, flags: int = 0) -> AnyStr:
    """`pattern` with Python's flags written inline and Python-only spellings translated."""
    if flags & ~_SUPPORTED_FLAGS:
        raise ValueError(f"unsupported regex flags {flags!r}")
    letters = "".join(letter for flag, letter in _INLINE_FLAGS if flags & flag)
    text = pattern.decode("latin-1") if isinstance(pattern, bytes) else pattern
    if flags & re.VERBOSE:
        text = _unverbose(text)
    text = (f"(?{letters})" if letters else "") + _relax_repeats(text).replace("\\Z", "\\z")
    return text.encode("latin-1") if isinstance(pattern, bytes) else text


def _unverbose(pattern: str) -> str:
    """A `re.VERBOSE` pattern without its layout: unescaped white space and `#` comments
    outside character classes go (RE2 has no verbose mode)."""
    out: list[str] = []
    in_class = escaped = comment = False
    for char in pattern:
        if comment:
            comment = char != "\n"
        elif escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "[":
            out.append(char)
            in_class = True
        elif char == "#":
            comment = True
        elif not char.isspace():
            out.append(char)
    return "".join(out)


def _relax_repeats(pattern: str) -> str:
    def relax(match: re.Match[str]) -> str:
        low, high = match.group(1), match.group(2)
        return f"{{{low},}}" if int(high) > _RE2_MAX_REPEAT else match.group(0)

    return _COUNTED.sub(relax, pattern)


# Run by `re` on pattern sources only (a few hundred bytes each, written by people).
_COUNTED = re.compile(r"\{(\d+),(\d+)\}")  # on pattern sources only


def clip_line(line: AnyStr) -> AnyStr:
    """At most `MAX_LINE_CHARS` of `line`, for patterns that read a line whole."""
    return line[:MAX_LINE_CHARS]


def clip_literal(value: str) -> str:
    """At most `MAX_LITERAL_CHARS` of a string literal, for the secrets patterns."""
    return value[:MAX_LITERAL_CHARS]
