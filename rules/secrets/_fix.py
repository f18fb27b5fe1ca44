"""The "Move to environment variable" fix and its settings-based alternatives.

The literal becomes `os.environ["NAME"]` (Python, importing `os` after the docstring and
`__future__` imports when needed), `process.env.NAME` (JavaScript/TypeScript), or
`import.meta.env.VITE_NAME` in a Vite project's client code. Two edits on
other files go with it: `NAME=` appended to `.env.example`, and `.env` appended to `.gitignore`
unless the nearest `.gitignore` already ignores it. Reading those files is cached by their
modification time, so linting as you type costs a `stat`.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path

from tree_sitter import Node

from .. import files
from ..context import FileContext
from ..model import Edit, Fix
from ..patterns import linear
from ._positions import Literal


def move_to_env(ctx: FileContext, literal: Literal, env: str) -> Fix | None:
    """Replace the literal with an environment read and record the variable for the team."""
    if literal.node is None or literal.interpolated:
        return None
    if ctx.language == "python":
        edits = [Edit(literal.start, literal.end, f'os.environ["{env}"]')]
        if not _binds(ctx, "os", "os"):
            edits.append(_python_import(ctx, "import os\n"))
    elif _is_vite_client(ctx):
        env = env if env.startswith("VITE_") else f"VITE_{env}"
        edits = [Edit(literal.start, literal.end, f"import.meta.env.{env}")]
        edits.extend(_sibling_edits(ctx, env))
        title = f"Move to Vite variable `{env}` (bundled into the browser: keep real secrets server-side)"
        return Fix(title, tuple(edits), safe=False)
    else:
        edits = [Edit(literal.start, literal.end, f"process.env.{env}")]
    edits.extend(_sibling_edits(ctx, env))
    return Fix(f"Move to environment variable `{env}`", tuple(edits), safe=False)


_VITE_CONFIGS = ("vite.config.ts", "vite.config.js", "vite.config.mjs", "vite.config.mts")


def _is_vite_client(ctx: FileContext) -> bool:
    """True for a file that reads `import.meta.env` or lives in a project with a Vite config.

    Client code in a Vite app has no `process.env`; Vite replaces `import.meta.env.VITE_*`.
    """
    if b"import.meta.env" in ctx.source:
        return True
    if "_vetline_vite" not in ctx.__dict__:
        folder = _folder(ctx)
        found = False
        for directory in (folder, *folder.parents):
            if any((directory / name).is_file() for name in _VITE_CONFIGS):
                found = True
                break
            if (directory / ".git").exists() or (directory / "package.json").is_file():
                break  # the project's root: a Vite config further up belongs to another project
        ctx.__dict__["_vetline_vite"] = found
    return bool(ctx.__dict__["_vetline_vite"])


def settings_alternatives(ctx: FileContext, literal: Literal, env: str) -> tuple[Fix, ...]:
    """A Django `settings.NAME` reference, or dropping a pydantic-settings field default."""
    if literal.node is None or ctx.language != "python" or literal.interpolated:
        return ()
    field = _settings_field(ctx, literal.node)
    if field is not None:
        return (
            Fix(
                f"Read `{env}` through pydantic-settings (drop the default)",
                (Edit(field, literal.end, ""),),
                safe=False,
            ),
        )
    if (
        _mentions(ctx, "django")
        and ctx.names.imports_module("django")
        and not Path(ctx.path).stem.startswith("settings")
    ):
        edits = [Edit(literal.start, literal.end, f"settings.{env}")]
        if not _binds(ctx, "settings", "django.conf.settings"):
            edits.append(_python_import(ctx, "from django.conf import settings\n"))
        return (Fix(f"Use the Django setting `settings.{env}`", tuple(edits), safe=False),)
    return ()


_WORD_BYTE = linear(rb"\w")


def _mentions(ctx: FileContext, word: str) -> bool:
    """Whether `word` occurs in the file at all (cached): a file that never says `os` cannot
    import it, and checking that avoids resolving every import of a file for one answer."""
    key = f"_vetline_mentions_{word}"
    if key not in ctx.__dict__:
        # `os\b` has a literal prefix the regex engine scans for fast; `\bos\b` would not.
        found = (m.start() for m in re.finditer(rb"%s\b" % word.encode(), ctx.source))
        ctx.__dict__[key] = any(i == 0 or not _WORD_BYTE.match(ctx.source, i - 1) for i in found)
    return ctx.__dict__[key]


def _binds(ctx: FileContext, name: str, target: str) -> bool:
    """Whether an import in the file binds `name` to `target` (`os` to the module `os`)."""
    return _mentions(ctx, name) and ctx.names.bindings.get(name) == target


def _settings_field(ctx: FileContext, node: Node) -> int | None:
    """Where ` = "..."` starts when the literal is a field default of a `BaseSettings` class."""
    assignment = node.parent
    if assignment is None or assignment.type != "assignment":
        return None
    annotation = assignment.child_by_field_name("type")
    if annotation is None:
        return None
    klass = assignment.parent.parent if assignment.parent and assignment.parent.parent else None
    while klass is not None and klass.type != "class_definition":
        klass = klass.parent
    bases = klass.child_by_field_name("superclasses") if klass is not None else None
    names = [ctx.qualified_name(base) or "" for base in (bases.named_children if bases else ())]
    if not any(name.endswith("BaseSettings") for name in names):
        return None
    return annotation.end_byte


def _folder(ctx: FileContext) -> Path:
    """The analysed file's folder as named, symlinks not resolved: the edit paths are relative to
    it, and the editor applies them to the document's URI, which names the unresolved path."""
    if "_vetline_fix_folder" not in ctx.__dict__:
        ctx.__dict__["_vetline_fix_folder"] = Path(os.path.abspath(ctx.path)).parent if ctx.path else Path.cwd()
    return ctx.__dict__["_vetline_fix_folder"]


def _python_import(ctx: FileContext, statement: str) -> Edit:
    """Insert an import after the module docstring, `__future__` imports and leading comments."""
    key = f"_vetline_import_{statement}"  # one Edit per file, shared by all its findings
    if key not in ctx.__dict__:
        if "_vetline_import_offset" not in ctx.__dict__:
            ctx.__dict__["_vetline_import_offset"] = _import_offset(ctx)
        offset = ctx.__dict__["_vetline_import_offset"]
        ctx.__dict__[key] = Edit(offset, offset, statement)
    return ctx.__dict__[key]


def _import_offset(ctx: FileContext) -> int:
    assert ctx.tree is not None
    offset = 0
    for child in ctx.tree.root_node.children:
        docstring = (
            child.type == "expression_statement" and child.named_children and child.named_children[0].type == "string"
        )
        if child.type == "comment" or child.type == "future_import_statement" or (docstring and offset == 0):
            offset = ctx.source.find(b"\n", child.end_byte) + 1 or len(ctx.source)
            continue
        break
    return offset


def _sibling_edits(ctx: FileContext, env: str) -> list[Edit]:
    """The `.env.example` and `.gitignore` edits; the two files are `stat`ed once per analysis."""
    key = "_vetline_fix_siblings"
    if key not in ctx.__dict__:
        folder = _folder(ctx)
        gitignore = _nearest_gitignore(folder)
        stamps = (folder, _mtime(folder / ".env.example"), gitignore, _mtime(gitignore))
        ctx.__dict__[key] = functools.cache(lambda name: _sibling_edits_cached(stamps[0], name, *stamps[1:]))
    return list(ctx.__dict__[key](env))


@functools.lru_cache(maxsize=1024)
def _sibling_edits_cached(
    folder: Path, env: str, example_mtime: int, gitignore: Path, gitignore_mtime: int
) -> tuple[Edit, ...]:
    edits = []
    lines, ends_newline = _read_lines(str(folder / ".env.example"), example_mtime)
    if not any(line.split("=", 1)[0].strip() == env for line in lines):
        edits.append(Edit(-1, -1, ("" if ends_newline else "\n") + f"{env}=\n", path=".env.example"))
    lines, ends_newline = _read_lines(str(gitignore), gitignore_mtime)
    if not any(fnmatch.fnmatch(".env", line.strip().lstrip("/")) for line in lines if not line.startswith("!")):
        relative = "/".join([".."] * (len(folder.parts) - len(gitignore.parent.parts)) + [".gitignore"])
        edits.append(Edit(-1, -1, ("" if ends_newline else "\n") + ".env\n", path=relative))
    return tuple(edits)


def _nearest_gitignore(folder: Path) -> Path:
    """The `.gitignore` next to the file, else the repository root's, else a new one here.

    Looked up once per analysis (not cached for the process): a `.gitignore` created while
    the language server runs must be found."""
    for directory in (folder, *folder.parents):
        if (directory / ".gitignore").is_file():
            return directory / ".gitignore"
        if (directory / ".git").exists():
            break
    return folder / ".gitignore"


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@functools.lru_cache(maxsize=64)
def _read_lines(path: str, mtime: int) -> tuple[tuple[str, ...], bool]:
    """The file's lines and whether it ends with a newline (a missing file is empty and does)."""
    if mtime < 0:
        return (), True
    try:
        text = files.read_text_bounded(path, files.MAX_SMALL_FILE_BYTES)
    except OSError:
        return (), True
    return tuple(text.splitlines()), text.endswith("\n") or not text
