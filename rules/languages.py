"""Which language a file is, and the tree-sitter grammar that parses it: one table.

Each grammar comes from its official per-language wheel (no run-time downloads). Adding a
language is one row in `LANGUAGES`. Rows without a grammar are plain-text formats (manifests,
config files) that only whole-file scanners read.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
from dataclasses import dataclass
from pathlib import PurePath

import tree_sitter


@dataclass(frozen=True)
class LanguageSpec:
    """A language id (the LSP languageId), how its files are named, and its grammar if any."""

    id: str
    extensions: tuple[str, ...] = ()
    filenames: tuple[str, ...] = ()  # fnmatch patterns on the base name
    grammar: str | None = None  # "module:function" returning the tree-sitter language pointer


LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", (".py", ".pyi", ".pyw"), (), "tree_sitter_python:language"),
    LanguageSpec("javascript", (".js", ".mjs", ".cjs", ".jsx"), (), "tree_sitter_javascript:language"),
    LanguageSpec("typescript", (".ts", ".mts", ".cts"), (), "tree_sitter_typescript:language_typescript"),
    LanguageSpec("typescriptreact", (".tsx",), (), "tree_sitter_typescript:language_tsx"),
    LanguageSpec("pip-requirements", (), ("requirements*.txt", "*requirements.txt", "constraints*.txt")),
    LanguageSpec("toml", (".toml",), ("Pipfile", "poetry.lock", "uv.lock")),
    LanguageSpec("json", (".json",), ("Pipfile.lock",)),
    LanguageSpec("dotenv", (".env",), (".env", ".env.*", "*.env")),
    LanguageSpec("ini", (".ini", ".cfg", ".properties"), ()),
    LanguageSpec("yaml", (".yaml", ".yml"), ()),
    LanguageSpec("dockerfile", (), ("Dockerfile", "Dockerfile.*", "*.dockerfile")),
)

_BY_ID = {spec.id: spec for spec in LANGUAGES}


def language_for_path(path: str | PurePath) -> str | None:
    """Return the language id for a file name, or None when vetline does not read it."""
    name = PurePath(path).name
    for spec in LANGUAGES:
        if any(fnmatch.fnmatch(name, pattern) for pattern in spec.filenames):
            return spec.id
    suffix = PurePath(name).suffix.lower()
    for spec in LANGUAGES:
        if suffix in spec.extensions:
            return spec.id
    return None


def spec(language_id: str) -> LanguageSpec | None:
    """The table row for a language id, or None for an id vetline does not know."""
    return _BY_ID.get(language_id)


@functools.cache
def grammar(language_id: str) -> tree_sitter.Language | None:
    """The tree-sitter Language for an id, or None for plain-text formats and unknown ids."""
    row = _BY_ID.get(language_id)
    if row is None or row.grammar is None:
        return None
    module_name, function_name = row.grammar.split(":")
    module = importlib.import_module(module_name)
    return tree_sitter.Language(getattr(module, function_name)())


def parser(language_id: str) -> tree_sitter.Parser | None:
    """A fresh parser for the language (parsers are not thread-safe, so never shared)."""
    language = grammar(language_id)
    return tree_sitter.Parser(language) if language is not None else None


# In-progress matches a query cursor may keep at once. A pattern with child constraints keeps a
# state open for every ancestor on a deep left-nested chain (`a.b.b...b`, `f(f(f(...)))`),
# which makes tree-sitter's matching quadratic (5.6 s for 8,000 links); real code never needs
# more than a few dozen (none of 600 standard-library modules reached 64). When the limit is
# hit the oldest states are dropped: the engine reports the file as not fully analysed.
QUERY_MATCH_LIMIT = 256
# Deepest node a match may start at. tree-sitter counts cursor depth in 16 bits: past 65,535
# levels (`a + a + ... + a` with 70,000 operands) it drops captures and each remaining one
# costs a walk from the top (5 s for 70,000 operands, 17 s for 80,000). Nothing in real code
# nests a thousandth as deep; the outer end of such a chain is still matched.
QUERY_MAX_START_DEPTH = 60_000


def cursor(query: tree_sitter.Query) -> tree_sitter.QueryCursor:
    """A query cursor bounded by `QUERY_MATCH_LIMIT` (check `did_exceed_match_limit` after use)
    and `QUERY_MAX_START_DEPTH`."""
    bounded = tree_sitter.QueryCursor(query, match_limit=QUERY_MATCH_LIMIT)
    bounded.set_max_start_depth(QUERY_MAX_START_DEPTH)
    return bounded
