"""What the application's Python code puts in a template variable: is every value built safely?

A template cannot tell whether `{{ search_message|safe }}` prints a visitor's words or a message
the view wrote. The views can: django-helpdesk assigns `search_message = _("<p><strong>Note:</strong>
...")`, a translated constant. This module reads the Python files of the application the
template belongs to (the folder holding its `templates` folder; bounded in files, bytes and
depth) and collects every value assigned to the variable's name (`name = ...`, `"name": ...` in
a context dict, `context["name"] = ...`). The variable counts as server-built only when at least
one value is found and every value is a literal, a translated literal, or the output of an
escaping builder (`format_html`, `escape`, `conditional_escape`, `format_html_join`, `bleach.clean`,
`nh3.clean`, `render_to_string`, `mark_safe` of one of those), also through one identifier hop.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from tree_sitter import Node

from .. import files, languages

_MAX_FILES = 300
_MAX_FILE_BYTES = 512_000
_MAX_DEPTH = 4  # folders below the application folder
_TRANSLATIONS = frozenset({"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext", "ngettext"})
_SAFE_BUILDERS = _TRANSLATIONS | {
    "format_html",
    "format_html_join",
    "escape",
    "conditional_escape",
    "clean",  # bleach.clean / nh3.clean
    "render_to_string",
    "mark_safe",  # only of a safe value (checked below)
    "Markup",
}


def server_built(template_path: str, name: str) -> bool:
    """True when every value the application assigns to `name` is built safely (and one is found)."""
    app = _application_folder(template_path)
    if app is None or not name.isidentifier():
        return False
    return _verdict(str(app), name, _tree_signature(app))


def _application_folder(template_path: str) -> Path | None:
    """The folder that holds the template's `templates` folder (`helpdesk/` of `helpdesk/templates/...`)."""
    path = Path(template_path).resolve()
    for parent in path.parents:
        if parent.name == "templates":
            return parent.parent
    return None


def _python_files(app: Path) -> list[Path]:
    found: list[Path] = []
    stack = [(app, 0)]
    while stack and len(found) < _MAX_FILES:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith(".py") and files.entry_is_file(entry):
                found.append(Path(entry.path))
            elif depth < _MAX_DEPTH and files.entry_is_dir(entry) and _searched_folder(entry.name):
                stack.append((Path(entry.path), depth + 1))
    return found[:_MAX_FILES]


def _searched_folder(name: str) -> bool:
    """Code folders; not templates, static files, tests, migrations or hidden folders."""
    return not name.startswith(".") and name not in ("templates", "static", "tests", "migrations", "node_modules")


def _tree_signature(app: Path) -> int:
    """Changes when a Python file of the application changes (so a cached verdict is dropped)."""
    total = 0
    for path in _python_files(app):
        try:
            info = path.stat()
        except OSError:
            continue
        total = hash((total, str(path), info.st_size, info.st_mtime_ns))
    return total


@functools.lru_cache(maxsize=512)
def _verdict(app: str, name: str, signature: int) -> bool:
    values: list[tuple[bytes, Node]] = []
    parser = languages.parser("python")
    if parser is None:
        return False
    for path in _python_files(Path(app)):
        try:
            source = files.read_bounded(path, _MAX_FILE_BYTES)
        except OSError:
            continue
        if name.encode() not in source:
            continue
        root = parser.parse(source).root_node
        values.extend((source, value) for value in _assigned(root, name))
    return bool(values) and all(_safe(source, value, hops=1) for source, value in values)


def _assigned(root: Node, name: str) -> list[Node]:
    """Values given to `name`: `name = v`, `{"name": v}`, `context["name"] = v`, `name=v` keyword."""
    found: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "assignment":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if right is not None and left is not None and _names(left, name):
                found.append(right)
        elif node.type == "pair":
            key, value = node.child_by_field_name("key"), node.child_by_field_name("value")
            if key is not None and value is not None and _string_is(key, name):
                found.append(value)
        elif node.type == "keyword_argument":
            key, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if key is not None and value is not None and key.text == name.encode():
                found.append(value)
        stack.extend(node.named_children)
    return found


def _names(left: Node, name: str) -> bool:
    if left.type == "identifier":
        return left.text == name.encode()
    if left.type == "subscript":
        key = left.child_by_field_name("subscript")
        return key is not None and _string_is(key, name)
    return False


def _string_is(node: Node, name: str) -> bool:
    return node.type == "string" and (node.text or b"")[1:-1] == name.encode()


def _safe(source: bytes, value: Node, hops: int) -> bool:
    """A literal, a translated literal, an escaping builder's output (`mark_safe` only of one of
    those), or an identifier of the same module whose values all are."""
    if value.type in ("string", "concatenated_string", "integer", "true", "false", "none"):
        return not any(child.type == "interpolation" for child in _descendants(value))
    if value.type == "call":
        callee = value.child_by_field_name("function")
        last = (callee.text or b"").decode("utf-8", "replace").rsplit(".", 1)[-1] if callee is not None else ""
        if last not in _SAFE_BUILDERS:
            return False
        if last in _TRANSLATIONS or last in ("mark_safe", "Markup"):
            arguments = value.child_by_field_name("arguments")
            inner = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            return inner is not None and _safe(source, inner, hops)
        return True
    if value.type == "identifier" and hops > 0:
        root = value
        while root.parent is not None:
            root = root.parent
        named = (value.text or b"").decode("utf-8", "replace")
        assigned = [v for v in _assigned(root, named) if v.text != value.text]  # not `"x": x` itself
        return bool(assigned) and all(_safe(source, v, hops - 1) for v in assigned)
    return False


def _descendants(node: Node) -> list[Node]:
    found, stack = [], [node]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.named_children)
    return found
