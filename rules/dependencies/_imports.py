"""What a Python file imports, and which of those imports are the standard library or local.

Every `import` and `from ... import` anywhere in the file counts (AI code imports inside
functions and `try` blocks too). An import inside a `try` whose handler catches `ImportError`
is optional: the program runs without it, so it need not be declared. Local means a relative
import, or a module or package next to the file, at the project root or under `src/`.
"""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import tree_sitter
from tree_sitter import Node

from .. import files, languages, walk
from ._names import NAMESPACE_ROOTS

_IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError", "Exception", "BaseException")
# `test` (CPython's own test suite) ships with the interpreter but is left out of stdlib_module_names.
# Python 2 and removed (PEP 594, 3.12's distutils/imp) modules, 3.14's new ones and PyPy's:
# code imports them behind version checks.
OLD_STDLIB = frozenset(
    [
        "__builtin__",
        "anydbm",
        "BaseHTTPServer",
        "CGIHTTPServer",
        "commands",
        "ConfigParser",
        "Cookie",
        "cookielib",
        "copy_reg",
        "cPickle",
        "cStringIO",
        "dbhash",
        "dummy_threading",
        "_dummy_thread",
        "_winreg",
        "annotationlib",
        "compression",
        "__pypy__",
        "dummy_thread",
        "exceptions",
        "htmlentitydefs",
        "HTMLParser",
        "httplib",
        "md5",
        "new",
        "popen2",
        "Queue",
        "repr",
        "robotparser",
        "sets",
        "sha",
        "SimpleHTTPServer",
        "SocketServer",
        "StringIO",
        "thread",
        "Tkinter",
        "tkMessageBox",
        "urllib2",
        "urlparse",
        "UserDict",
        "UserList",
        "UserString",
        "xmlrpclib",
        "asynchat",
        "asyncore",
        "audioop",
        "cgi",
        "cgitb",
        "chunk",
        "crypt",
        "distutils",
        "imghdr",
        "imp",
        "lib2to3",
        "mailcap",
        "msilib",
        "nis",
        "nntplib",
        "ossaudiodev",
        "pipes",
        "smtpd",
        "sndhdr",
        "spwd",
        "sunau",
        "telnetlib",
        "uu",
        "xdrlib",
    ]
)
STDLIB = (
    frozenset(sys.stdlib_module_names)
    | {"__future__", "__main__", "_typeshed", "test", "__hello__", "__phello__"}
    | OLD_STDLIB
)


@dataclass(frozen=True)
class Import:
    """One imported module: its absolute dotted name and the bytes naming it."""

    module: str
    start: int
    end: int
    relative: bool = False
    optional: bool = False  # guarded by `except ImportError`

    @functools.cached_property
    def top(self) -> str:
        return self.module.split(".")[0]


IMPORTS_KEY = "dependencies.imports"  # the import query's captures, from the engine's shared walk
_IMPORT_QUERY = "(import_statement) @import (import_from_statement) @import"
walk.share(IMPORTS_KEY, {"python": _IMPORT_QUERY})


def imports(root: Node, captured: walk.Captures | None = None) -> list[Import]:
    """Every import of the file in source order (one query run in C, then a short parent walk);
    `captured`: the import query's captures from the engine's walk (`walk.shared`), if it ran."""
    found: list[Import] = []
    if captured is None:
        captured = languages.cursor(_import_query()).captures(root)
    for node in captured.get("import", ()):
        optional = _optional(node)
        found.extend(_plain(node, optional) if node.type == "import_statement" else _from(node, optional))
    return sorted(found, key=lambda i: i.start)


@functools.cache
def _import_query() -> tree_sitter.Query:
    language = languages.grammar("python")
    if language is None:  # only a broken install lacks the Python grammar vetline depends on
        raise RuntimeError("the tree-sitter Python grammar is not installed")
    return tree_sitter.Query(language, _IMPORT_QUERY)


def _optional(node: Node) -> bool:
    """True inside a `try` whose handlers catch ImportError (or everything), or inside such a handler:
    `try: from threading import Thread` / `except ImportError: from dummy_threading import Thread`."""
    child, parent = node, node.parent
    while parent is not None:
        if parent.type == "try_statement" and child.type == "block" and _catches_import_error(parent):
            return True
        if parent.type == "except_clause" and parent.parent is not None and _catches_import_error(parent.parent):
            return True
        if parent.type == "with_statement" and child.type == "block" and _suppresses_import_error(parent):
            return True
        child, parent = parent, parent.parent
    return False


def _suppresses_import_error(with_node: Node) -> bool:
    """`with suppress(ImportError):` / `with contextlib.suppress(ModuleNotFoundError, ...):`."""
    for clause in with_node.named_children:
        for item in clause.named_children:
            call = item.child_by_field_name("value")
            if call is None or call.type != "call":
                continue
            function, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
            if function is None or arguments is None or (function.text or b"").split(b".")[-1] != b"suppress":
                continue
            if any(name.encode() in (arguments.text or b"") for name in _IMPORT_ERRORS):
                return True
    return False


def _plain(node: Node, optional: bool) -> list[Import]:
    found = []
    for child in node.children_by_field_name("name"):
        name = child.child_by_field_name("name") if child.type == "aliased_import" else child
        if name is not None and name.text:
            found.append(Import(name.text.decode(), name.start_byte, name.end_byte, optional=optional))
    return found


def _from(node: Node, optional: bool) -> list[Import]:
    module = node.child_by_field_name("module_name")
    if module is None or not module.text:
        return []
    if module.type == "relative_import":
        return [Import(module.text.decode(), module.start_byte, module.end_byte, relative=True)]
    text = module.text.decode()
    if text.split(".")[0] not in NAMESPACE_ROOTS:
        return [Import(text, module.start_byte, module.end_byte, optional=optional)]
    names = [
        c.child_by_field_name("name") if c.type == "aliased_import" else c for c in node.children_by_field_name("name")
    ]
    # `from google.cloud import storage`: the imported name decides the distribution
    return [
        Import(f"{text}.{n.text.decode()}", module.start_byte, module.end_byte, optional=optional)
        for n in names
        if n is not None and n.text
    ]


def _catches_import_error(try_node: Node) -> bool:
    for clause in try_node.named_children:
        if clause.type != "except_clause":
            continue
        caught = [c for c in clause.named_children if c.type != "block"]
        if not caught or any(name in (c.text or b"").decode() for c in caught for name in _IMPORT_ERRORS):
            return True
    return False


def local_names(folders: tuple[Path, ...]) -> frozenset[str]:
    """Every top-level name importable from `folders` (modules and packages found there)."""
    return frozenset().union(*(module_names(str(folder)) for folder in folders))


def module_names(folder: str) -> frozenset[str]:
    """Importable names in a folder (`x.py`, `x.pyi`, `x/`, extension modules), cached by mtime."""
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return frozenset()
    return _module_names(folder, stamp)


@functools.lru_cache(maxsize=256)
def _module_names(folder: str, stamp: int) -> frozenset[str]:
    names = set()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset()
    for entry in entries:
        stem = entry.name.split(".")[0]
        if files.entry_is_dir(entry) and stem.isidentifier():
            names.add(entry.name)
        elif entry.name.endswith((".py", ".pyi", ".so", ".pyd")) and stem.isidentifier():
            names.add(stem)
    return frozenset(names)
