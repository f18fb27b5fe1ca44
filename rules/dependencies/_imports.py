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

from tree_sitter import Node

from ._names import NAMESPACE_ROOTS

_CONTAINERS = frozenset({
    "module", "block", "if_statement", "elif_clause", "else_clause", "try_statement",
    "except_clause", "except_group_clause", "finally_clause", "with_statement", "function_definition",
    "class_definition", "decorated_definition", "for_statement", "while_statement",
})
_IMPORT_ERRORS = ("ImportError", "ModuleNotFoundError", "Exception", "BaseException")
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__", "__main__", "_typeshed"}


@dataclass(frozen=True)
class Import:
    """One imported module: its absolute dotted name and the bytes naming it."""

    module: str
    start: int
    end: int
    relative: bool = False
    optional: bool = False  # guarded by `except ImportError`

    @property
    def top(self) -> str:
        return self.module.split(".")[0]


def imports(root: Node) -> list[Import]:
    """Every import of the file in source order."""
    found: list[Import] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, optional = stack.pop()
        if node.type == "import_statement":
            found.extend(_plain(node, optional))
        elif node.type == "import_from_statement":
            found.extend(_from(node, optional))
        elif node.type in _CONTAINERS or node.is_error:
            guarded = optional or (node.type == "try_statement" and _catches_import_error(node))
            for child in node.named_children:
                inner = guarded if node.type == "try_statement" and child.type == "block" else optional
                stack.append((child, inner))
    return sorted(found, key=lambda i: i.start)


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
    names = [c.child_by_field_name("name") if c.type == "aliased_import" else c for c in node.children_by_field_name("name")]
    # `from google.cloud import storage`: the imported name decides the distribution
    return [Import(f"{text}.{n.text.decode()}", module.start_byte, module.end_byte, optional=optional) for n in names if n is not None and n.text]


def _catches_import_error(try_node: Node) -> bool:
    for clause in try_node.named_children:
        if clause.type != "except_clause":
            continue
        caught = [c for c in clause.named_children if c.type != "block"]
        if not caught or any(name in (c.text or b"").decode() for c in caught for name in _IMPORT_ERRORS):
            return True
    return False


def is_local(module: str, folders: tuple[Path, ...]) -> bool:
    """True when the top-level name is a module or package in one of `folders`."""
    top = module.split(".")[0]
    return any(top in module_names(str(folder)) for folder in folders)


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
        if entry.is_dir() and stem.isidentifier():
            names.add(entry.name)
        elif entry.name.endswith((".py", ".pyi", ".so", ".pyd")) and stem.isidentifier():
            names.add(stem)
    return frozenset(names)
