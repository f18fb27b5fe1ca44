"""Where a Django-style view is wired up: protection given at URL registration, and view helpers.

Django projects often protect a view where its URL is declared rather than where it is defined:
`path("export/", staff_member_required(ExportView.as_view()))`, `admin_site.admin_view(view)`,
`login_required(views.edit)` in a `urls.py`, or an admin framework's own helper such as shuup's
`admin_url(r"^import/$", "shuup.importer.admin_module.import_views.ImportView")`, which requires
a logged-in staff member by default. And a function taking `request` is sometimes no route at
all but a reusable view body that protected views call (`return bans_view(request, template)`).

This module reads the Python files of the view's own folder and, when that folder is a package
below the project root, of its parent (each file bounded in size, a bounded number of files) and answers, per name:
does a call whose name says it checks the caller (`frameworks.AUTH_NAME`: login, permission,
admin, staff, ...) take this view among its arguments, and does other code call this function
with a `request`; and which blueprints a `before_request` hook defined there guards
(privacyIDEA registers its admin check on every blueprint in one `before_after.py`). Test modules are skipped (a test calling `views.delete(request)` protects nothing). Files are parsed
once per content (cached by path, size and modification time).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from tree_sitter import Node

from .. import files, languages
from ..context import FileContext
from . import frameworks as fw
from .test_code import is_test_code

_MAX_FILE_BYTES = 512_000  # a larger module is not read for registrations
_MAX_FILES = 80  # Python files read per folder pair
_PROJECT_MARKERS = ("manage.py", "pyproject.toml", "setup.py", "setup.cfg", ".git")
_MAX_ARGUMENT_DEPTH = 6  # how deep inside a protecting call's arguments the view's name is looked for


@dataclass(frozen=True)
class Wiring:
    """What a module says about views: names it registers behind a check, functions it calls with `request`."""

    protected: frozenset[str]
    helpers: frozenset[str]
    guarded: frozenset[str] = frozenset()  # blueprints whose `before_request` hook (defined here) checks the caller


def wiring_near(ctx: FileContext) -> Wiring:
    """The union of the wiring of this file and of the Python files next to it and one folder up."""
    own = wiring_of_tree(ctx.tree.root_node) if ctx.tree is not None else Wiring(frozenset(), frozenset())
    protected, helpers, guarded = set(own.protected), set(own.helpers), set(own.guarded)
    for path in _neighbours(ctx.path):
        wiring = _wiring_of_file(str(path), *_signature(path))
        protected |= wiring.protected
        helpers |= wiring.helpers
        guarded |= wiring.guarded
    return Wiring(frozenset(protected), frozenset(helpers), frozenset(guarded))


def wiring_of_tree(root: Node) -> Wiring:
    """Names found inside protecting calls' arguments, and callees called with `request` first."""
    protected: set[str] = set()
    helpers: set[str] = set()
    guarded: set[str] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "decorated_definition":
            guarded |= _hooked_blueprints(node)
        if node.type == "call":
            callee = _last_name(node.child_by_field_name("function"))
            arguments = node.child_by_field_name("arguments")
            if callee and arguments is not None:
                if fw.AUTH_NAME.search(callee):
                    protected |= _names_in(arguments)
                first = arguments.named_children[0] if arguments.named_children else None
                if first is not None and first.type == "identifier" and first.text == b"request":
                    helpers.add(callee)
        stack.extend(node.named_children)
    return Wiring(frozenset(protected), frozenset(helpers), frozenset(guarded))


def _hooked_blueprints(definition: Node) -> set[str]:
    """`@admin_bp.before_request` (one or many) on a function that checks the caller in its body or
    through an auth decorator (`@admin_required`): `{"admin_bp"}`."""
    function = definition.child_by_field_name("definition")
    if function is None or function.type != "function_definition":
        return set()
    receivers, checked = set(), fw.BODY_CHECK.search(function.text or b"") is not None
    for decorator in definition.named_children:
        target = decorator.named_children[0] if decorator.type == "decorator" and decorator.named_children else None
        hooked = _hook_receiver(target)
        if hooked:
            receivers.add(hooked)
        elif fw.AUTH_NAME.search(_last_name(target)):
            checked = True  # `@admin_required` stacked under the hooks
    return receivers if checked else set()


def _hook_receiver(target: Node | None) -> str:
    """`admin_bp` of the decorator `admin_bp.before_request`, else ""."""
    if target is None or target.type != "attribute":
        return ""
    attribute, owner = target.child_by_field_name("attribute"), target.child_by_field_name("object")
    if attribute is None or owner is None or (attribute.text or b"").decode() not in fw.HOOKS:
        return ""
    return (owner.text or b"").decode("utf-8", "replace")


def _names_in(arguments: Node) -> set[str]:
    """Identifiers, attribute names and the last part of dotted strings (`"app.views.ImportView"`)."""
    names: set[str] = set()
    stack = [(arguments, 0)]
    while stack:
        node, depth = stack.pop()
        if node.type in ("identifier", "string_content"):
            text = (node.text or b"").decode("utf-8", "replace")
            names.add(text.rsplit(".", 1)[-1])
        elif depth < _MAX_ARGUMENT_DEPTH:
            stack.extend((child, depth + 1) for child in node.named_children)
    return names


def _last_name(callee: Node | None) -> str:
    """`admin_view` of `self.admin_site.admin_view`; `user_passes_test` of `user_passes_test(check)(view)`."""
    if callee is not None and callee.type == "call":
        callee = callee.child_by_field_name("function")
    if callee is None or callee.type not in ("identifier", "attribute"):
        return ""
    return (callee.text or b"").decode("utf-8", "replace").rsplit(".", 1)[-1]


def _neighbours(path: str) -> list[Path]:
    """Python files in the file's folder and, when that folder is a package (not a project root), its parent."""
    own = Path(path).resolve()
    if not own.is_file():
        return []  # an unsaved buffer has no folder to read
    here = own.parent
    is_root = any((here / marker).exists() for marker in _PROJECT_MARKERS)
    folders = [here, here.parent] if (here / "__init__.py").is_file() and not is_root else [here]
    found: list[Path] = []
    for folder in folders:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".py") or is_test_code(entry.path) or Path(entry.path) == own:
                continue  # a test calling `views.delete(request)` is no caller that protects it
            if files.entry_is_file(entry):
                found.append(Path(entry.path))
            if len(found) >= _MAX_FILES:
                return found
    return found


def _signature(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0)
    return (info.st_size, info.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _wiring_of_file(path: str, size: int, mtime_ns: int) -> Wiring:
    """The wiring of one module on disk (size and mtime in the key: an edited file is read again)."""
    empty = Wiring(frozenset(), frozenset())
    if size == 0 or size > _MAX_FILE_BYTES:
        return empty
    try:
        source = files.read_bounded(path, _MAX_FILE_BYTES)
    except OSError:
        return empty
    parser = languages.parser("python")
    return wiring_of_tree(parser.parse(source).root_node) if parser is not None else empty
