"""Which language a file is, and the tree-sitter grammar that parses it: one table.

Each grammar comes from its official per-language wheel (no run-time downloads). Adding a
language is one row in `LANGUAGES`. Rows without a grammar are plain-text formats (manifests,
config files) that only whole-file scanners read.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import os
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
    # Extensions that mean this language only inside a folder of one of these names
    # (`templates/**/*.html` is a Jinja2/Django template; other `.html` files are not read).
    folder_extensions: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()


# gitignore-syntax exclusion files of git and of the AI assistants (see rules/aicontext/_tools.py).
IGNORE_FILES = (
    ".gitignore", ".cursorignore", ".cursorindexingignore", ".aiderignore", ".codeiumignore",
    ".aiexclude", ".aiignore", ".continueignore", ".geminiignore",
)  # fmt: skip
# Keys and credential stores with no text format of their own (may be binary: `*.p12`).
SECRET_FILES = (
    "*.pem", "*.key", "*.p12", "*.pfx", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519",
    "kubeconfig", "credentials", "secrets",
)  # fmt: skip

LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", (".py", ".pyi", ".pyw"), (), "tree_sitter_python:language"),
    LanguageSpec("jupyter-notebook", (".ipynb",), ()),  # code cells are Python: see notebooks.py
    LanguageSpec("javascript", (".js", ".mjs", ".cjs", ".jsx"), (), "tree_sitter_javascript:language"),
    LanguageSpec("typescript", (".ts", ".mts", ".cts"), (), "tree_sitter_typescript:language_typescript"),
    LanguageSpec("typescriptreact", (".tsx",), (), "tree_sitter_typescript:language_tsx"),
    LanguageSpec("ejs", (".ejs",), ()),
    LanguageSpec("handlebars", (".hbs", ".handlebars", ".mustache"), ()),
    LanguageSpec("yarn-lock", (), ("yarn.lock",)),
    LanguageSpec("pnpm-lock", (), ("pnpm-lock.yaml",)),
    LanguageSpec("pip-requirements", (), ("requirements*.txt", "*requirements.txt", "constraints*.txt")),
    LanguageSpec("toml", (".toml",), ("Pipfile", "poetry.lock", "uv.lock")),
    LanguageSpec("json", (".json",), ("Pipfile.lock",)),
    LanguageSpec("dotenv", (".env",), (".env", ".env.*", "*.env")),
    LanguageSpec("ini", (".ini", ".cfg"), (".npmrc", ".pypirc")),
    LanguageSpec("yaml", (".yaml", ".yml"), ()),
    LanguageSpec("dockerfile", (), ("Dockerfile", "Dockerfile.*", "*.dockerfile")),
    LanguageSpec("jinja-html", (".jinja", ".jinja2", ".j2"), (), None, (".html", ".htm"), ("templates", "jinja2")),
    # AI assistant files: instruction files and Markdown, exclusion files, key files.
    LanguageSpec("markdown", (".md", ".mdc", ".markdown"), (".cursorrules", ".windsurfrules", ".clinerules")),
    LanguageSpec("ignore", (), IGNORE_FILES),
    LanguageSpec("secret-file", (), SECRET_FILES),
    # Read line by line for secrets only (rules/secrets/_syntax.py): no grammar is bundled.
    LanguageSpec("shellscript", (".sh", ".bash", ".zsh", ".ksh"), (".bashrc", ".zshrc", ".profile", ".bash_profile")),
    LanguageSpec("go", (".go",), ()),
    LanguageSpec("java", (".java",), ()),
    LanguageSpec("kotlin", (".kt", ".kts"), ()),
    LanguageSpec("csharp", (".cs",), ()),
    LanguageSpec("ruby", (".rb", ".rake", ".gemspec"), ("Gemfile", "Rakefile")),
    LanguageSpec("php", (".php",), ()),
    LanguageSpec("terraform", (".tf", ".tfvars", ".hcl"), ()),
    LanguageSpec("properties", (".properties",), ()),
    LanguageSpec("xml", (".xml", ".config", ".csproj"), ()),
    LanguageSpec("conf", (".conf", ".cnf"), ()),
    LanguageSpec("groovy", (".gradle", ".groovy"), ()),
    LanguageSpec("makefile", (".mk",), ("Makefile", "makefile", "GNUmakefile")),
    LanguageSpec("powershell", (".ps1", ".psm1", ".psd1"), ()),
    LanguageSpec("plaintext", (".txt", ".text"), (".netrc", "_netrc", ".git-credentials", ".pgpass")),
)

_BY_ID = {spec.id: spec for spec in LANGUAGES}
# Languages read line by line for secrets only; minified and generated files of these are skipped.
READ_AS_TEXT = frozenset({
    "shellscript", "go", "java", "kotlin", "csharp", "ruby", "php", "terraform", "properties", "xml", "conf",
    "groovy", "makefile", "powershell", "plaintext",
})  # fmt: skip


def language_for_path(path: str | PurePath) -> str | None:
    """Return the language id for a file path, or None when vetline does not read it.

    The base name decides, except for `folder_extensions`, which also need a parent folder of
    the right name in `path` (pass a path relative to the project to keep outer folders out).
    """
    name = PurePath(path).name
    by_name = _language_for_name(name)
    if by_name is not None:
        return by_name
    suffix = PurePath(name).suffix.lower()
    folders = PurePath(path).parts[:-1]
    for spec in LANGUAGES:
        if suffix in spec.folder_extensions and any(folder in spec.folders for folder in folders):
            return spec.id
    return None


# Base names whose language is remembered: a scan asks for each file's language several times
# (walking, reading, analysing), and each answer tries every row's ~60 `fnmatch` patterns.
LANGUAGE_BY_NAME_CACHE = 4096


@functools.lru_cache(maxsize=LANGUAGE_BY_NAME_CACHE)
def _language_for_name(name: str) -> str | None:
    """The language a base name alone decides (its file-name patterns, then its extension)."""
    exact, globs = _name_patterns()
    named = exact.get(os.path.normcase(name))
    for spec in LANGUAGES:
        if named == spec.id or any(fnmatch.fnmatch(name, pattern) for pattern in globs.get(spec.id, ())):
            return spec.id
    suffix = PurePath(name).suffix.lower()
    for spec in LANGUAGES:
        if suffix in spec.extensions:
            return spec.id
    return None


@functools.cache
def _name_patterns() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The rows' file-name patterns split in two: plain names (base name -> the first row naming
    it), which a dictionary answers as `fnmatch` would (`normcase`d), and the globs (`*.pem`)."""
    exact: dict[str, str] = {}
    globs: dict[str, tuple[str, ...]] = {}
    for spec in LANGUAGES:
        for pattern in spec.filenames:
            if any(char in pattern for char in "*?["):
                globs[spec.id] = (*globs.get(spec.id, ()), pattern)
            else:
                exact.setdefault(os.path.normcase(pattern), spec.id)
    return exact, globs


# Languages that share the JavaScript rules, name resolution and data flow (TypeScript and TSX
# are JavaScript with types; the grammars name the shared nodes alike).
JAVASCRIPT_FAMILY = frozenset({"javascript", "typescript", "typescriptreact"})


def is_javascript(language_id: str) -> bool:
    """True for JavaScript, TypeScript and TSX."""
    return language_id in JAVASCRIPT_FAMILY


# Editor language ids that name a row of the table by another name (VS Code's `javascriptreact`
# is JavaScript with JSX, which the JavaScript grammar parses).
CLIENT_ALIASES = {
    "javascriptreact": "javascript", "jsx": "javascript", "tsx": "typescriptreact",
    "terraform-vars": "terraform", "hcl": "terraform", "java-properties": "properties",
    "spring-boot-properties": "properties",
}  # fmt: skip
# Ids an editor gives files it knows only loosely (`requirements.txt` is `plaintext` without the
# Python extension, `.env` may be `properties`, `pnpm-lock.yaml` and `kubeconfig` are `yaml`): the
# file name decides when it names a language.
GENERIC_CLIENT_IDS = frozenset(
    {"plaintext", "properties", "ini", "shellscript", "conf", "xml", "makefile", "yaml", "json", "toml"}
)


def from_client_id(language_id: str) -> str | None:
    """vetline's language for an editor's language id, or None when vetline does not know it."""
    resolved = CLIENT_ALIASES.get(language_id, language_id)
    return resolved if resolved in _BY_ID else None


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
