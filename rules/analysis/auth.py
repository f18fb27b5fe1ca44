"""Is this request handler protected, and by what? Answers from the tables in `frameworks`.

A handler is protected by its own decorators (`@login_required`, an in-file decorator whose
wrapper answers 401/403), its FastAPI dependencies, a check in its body, its class (an auth
mixin, directly or through a base class defined in the same file, `permission_classes`,
`method_decorator(login_required, name="dispatch")`), or by something guarding every route of
the file: a `before_request`-style hook that checks the caller, a router or application built
with `dependencies=[Depends(...)]`/`middlewares=[...]`, or DRF's `DEFAULT_PERMISSION_CLASSES`
in the project's settings module. The checks are textual where the frameworks leave no other
trace; they err towards "protected", since a false "unprotected" is the costlier mistake.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterator
from pathlib import Path

from tree_sitter import Node

from .. import files
from ..context import FileContext
from ..patterns import linear
from . import frameworks as fw
from .bindings import first_binding
from .nodes import decorators, keyword_arg

BODY_CHECK = "a check of the caller"  # what `own_protection` says of a check in the handler's body
_DEPENDENCY_CALL = linear(rb"\b(Depends|Security)\(\s*([\w.]*)")
_SETTINGS_MAX_BYTES = 1_000_000  # a settings module larger than this is not read
_PROJECT_MARKERS = ("manage.py", "pyproject.toml", "setup.py", "setup.cfg", ".git")
_MAX_PARENTS = 8  # how far up a settings module is looked for
_DEFAULT_PERMISSIONS = linear(rb"DEFAULT_PERMISSION_CLASSES\W+[\[(]\s*([^\])]*)")


def own_protection(
    ctx: FileContext, function: Node, decorators_: Collection[str] = (), dependencies: Collection[str] = ()
) -> str | None:
    """What protects this handler by itself (decorator, dependency, body check, class), or None."""
    for decorator in decorators(function):
        if is_auth_decorator(ctx, function, decorator, decorators_) or has_auth_dependency(
            ctx, decorator, dependencies
        ):
            return f"`@{ctx.text(decorator).split('(', 1)[0]}`"
    parameters = function.child_by_field_name("parameters")
    if parameters is not None and has_auth_dependency(ctx, parameters, dependencies):
        return "an auth dependency"
    if has_auth_check(ctx, function.child_by_field_name("body")):
        return BODY_CHECK
    owner = _owner_class(function)
    if owner is not None and class_protection(ctx, owner, decorators_):
        return "its class"
    return None


def file_protection(ctx: FileContext, function: Node) -> bool:
    """Something in the file or project guards every route: a hook, a router guard, DRF defaults."""
    return has_auth_hook(ctx, function) or has_router_guard(ctx, function) or _drf_default_applies(ctx, function)


def is_auth_decorator(ctx: FileContext, node: Node, decorator: Node, extra: Collection[str] = ()) -> bool:
    """`@login_required`, `@permission_classes([...])`, `@method_decorator(login_required)`, a denying in-file one."""
    callee = decorator.child_by_field_name("function") if decorator.type == "call" else decorator
    owner, _, name = (ctx.qualified_name(callee) or ctx.text(callee)).rpartition(".")
    if name == "require" and fw.AUTH_NAME.search(owner):
        return True  # Flask-Principal: `@admin_permission.require(403)`, `@Permissions.SETTINGS.require(403)`
    if name == "method_decorator":
        return has_auth_check(ctx, decorator.child_by_field_name("arguments")) or bool(
            fw.AUTH_NAME.search(ctx.text(decorator.child_by_field_name("arguments")))
        )
    return name in extra or name in fw.AUTH_DECORATORS or bool(fw.AUTH_NAME.search(name)) or _denies(ctx, node, name)


def has_auth_dependency(ctx: FileContext, node: Node, extra: Collection[str] = ()) -> bool:
    """`Depends(get_current_user)` / `Security(...)` in parameters or a route's `dependencies=`."""
    text = ctx.source[node.start_byte : node.end_byte]
    for call in _DEPENDENCY_CALL.finditer(text):
        dependency = call.group(2).decode().rsplit(".", 1)[-1]
        if call.group(1) == b"Security" or dependency in extra or fw.AUTH_DEPENDENCY.search(dependency):
            return True
    return False


def has_auth_check(ctx: FileContext, node: Node | None) -> bool:
    """True when the code of `node` tests who is calling (a textual check: cheap, errs to quiet)."""
    return node is not None and fw.BODY_CHECK.search(ctx.source[node.start_byte : node.end_byte]) is not None


def class_protection(ctx: FileContext, cls: Node, extra: Collection[str] = (), depth: int = 0) -> bool:
    """An auth mixin or base (also through an in-file base class), auth attributes or decorators."""
    if any(is_auth_decorator(ctx, cls, d, extra) for d in decorators(cls)):
        return True
    for base in base_names(ctx, cls):
        if base in fw.AUTH_BASES or base in fw.PUBLIC_BASES or base in extra or fw.AUTH_NAME.search(base):
            return True
        parent = _class_named(cls, base)
        if parent is not None and depth < 5 and class_protection(ctx, parent, extra, depth + 1):
            return True
    body = cls.child_by_field_name("body")
    return body is not None and (_assigns_auth_attribute(ctx, body) or has_auth_check(ctx, _dispatch(ctx, body)))


def base_names(ctx: FileContext, cls: Node) -> list[str]:
    """The last dotted part of each base class (`generic.UpdateView` -> `UpdateView`)."""
    bases = cls.child_by_field_name("superclasses")
    return (
        [ctx.text(b).rsplit(".", 1)[-1] for b in bases.named_children if b.type != "keyword_argument"] if bases else []
    )


def has_auth_hook(ctx: FileContext, node: Node) -> bool:
    """A `before_request`-style hook in the file that checks the caller (guards every route)."""
    if not any(ctx.contains(hook.encode()) for hook in fw.HOOKS):
        return False
    return ctx.fact("auth.hook", lambda: _hook_checks(ctx, _root(node)))


def _hook_checks(ctx: FileContext, root: Node) -> bool:
    for statement in root.named_children:
        function = statement.child_by_field_name("definition") if statement.type == "decorated_definition" else None
        hooked = function is not None and any(_names_hook(ctx, d) for d in decorators(function))
        if hooked and has_auth_check(ctx, function):
            return True
    return _hook_call_checks(ctx, root)


def has_router_guard(ctx: FileContext, function: Node) -> bool:
    """The route's receiver (`router` of `@router.post`) is built in the file with an auth guard argument."""
    receiver = _route_receiver(ctx, function)
    return receiver is not None and receiver in ctx.fact(
        "auth.guarded", lambda: _guarded_receivers(ctx, _root(function))
    )


def _guarded_receivers(ctx: FileContext, root: Node) -> set[str]:
    """The names the module assigns a router or blueprint built with an auth guard argument."""
    guarded = set()
    for statement in root.named_children:
        assignment = statement.named_children[0] if statement.type == "expression_statement" else None
        if assignment is None or assignment.type != "assignment":
            continue
        call = assignment.child_by_field_name("right")
        if call is not None and call.type == "call" and _guards(ctx, call.child_by_field_name("arguments")):
            guarded.add(ctx.text(assignment.child_by_field_name("left")))
    return guarded


def _guards(ctx: FileContext, arguments: Node | None) -> bool:
    for name in fw.GUARD_ARGUMENTS:
        value = keyword_arg(arguments, name)
        if value is not None and (has_auth_dependency(ctx, value) or fw.AUTH_NAME.search(ctx.text(value))):
            return True
    return False


def _route_receiver(ctx: FileContext, function: Node) -> str | None:
    for decorator in decorators(function):
        callee = decorator.child_by_field_name("function") if decorator.type == "call" else None
        if callee is not None and callee.type == "attribute":
            return ctx.text(callee.child_by_field_name("object"))
    return None


def _names_hook(ctx: FileContext, decorator: Node) -> bool:
    callee = decorator.child_by_field_name("function") if decorator.type == "call" else decorator
    return ctx.text(callee).rsplit(".", 1)[-1] in fw.HOOKS


def _hook_call_checks(ctx: FileContext, root: Node) -> bool:
    """`bp.before_request(require_login)`: a hook registered by a call, whose name or body checks."""
    for statement in root.named_children:
        call = statement.named_children[0] if statement.type == "expression_statement" else None
        if call is None or call.type != "call":
            continue
        callee = call.child_by_field_name("function")
        if callee is None or ctx.text(callee).rsplit(".", 1)[-1] not in fw.HOOKS:
            continue
        arguments = call.child_by_field_name("arguments")
        if arguments is not None and fw.AUTH_NAME.search(ctx.text(arguments)):
            return True
    return False


def _assigns_auth_attribute(ctx: FileContext, body: Node) -> bool:
    """`permission_classes = [IsAuthenticated]`, `permission_required = "x"` (not `= [AllowAny]`)."""
    for statement in body.named_children:
        assignment = statement.named_children[0] if statement.type == "expression_statement" else None
        if assignment is None or assignment.type != "assignment":
            continue
        name = ctx.text(assignment.child_by_field_name("left"))
        value = ctx.text(assignment.child_by_field_name("right"))
        if name in fw.AUTH_CLASS_ATTRIBUTES and "AllowAny" not in value and value not in ("[]", "()", "None"):
            return True
    return False


def _dispatch(ctx: FileContext, body: Node) -> Node | None:
    """The class's `dispatch`/`setup`/`initial` method, where class-based views check the caller."""
    for statement in body.named_children:
        function = (
            statement.child_by_field_name("definition") if statement.type == "decorated_definition" else statement
        )
        if function is None or function.type != "function_definition":
            continue
        name = ctx.text(function.child_by_field_name("name"))
        if name in ("dispatch", "setup", "initial", "check_permissions", "has_permission", "get_queryset"):
            return function
    return None


def _drf_default_applies(ctx: FileContext, function: Node) -> bool:
    """A DRF view (or `@api_view` function) in a project whose settings set DEFAULT_PERMISSION_CLASSES."""
    if not ctx.names.imports_module("rest_framework"):
        return False
    owner = _owner_class(function)
    is_drf = (owner is not None and bool(base_names(ctx, owner))) or any(
        "api_view" in ctx.text(d) for d in decorators(function)
    )
    return is_drf and default_permissions_set(str(Path(ctx.path).resolve().parent))


@functools.lru_cache(maxsize=256)
def default_permissions_set(folder: str) -> bool:
    """True when a settings module near `folder` (up to the project root) sets DEFAULT_PERMISSION_CLASSES."""
    directory = Path(folder)
    for _ in range(_MAX_PARENTS):
        for candidate in _settings_modules(directory):
            if _sets_default_permissions(candidate):
                return True
        if any((directory / marker).exists() for marker in _PROJECT_MARKERS) or directory.parent == directory:
            return False
        directory = directory.parent
    return False


def _settings_modules(directory: Path) -> list[Path]:
    patterns = ("settings.py", "settings/*.py", "*/settings.py", "*/settings/*.py")
    try:
        return [p for pattern in patterns for p in directory.glob(pattern) if p.is_file() and not p.is_symlink()]
    except OSError:
        return []


def _sets_default_permissions(path: Path) -> bool:
    try:
        text = files.read_bounded(path, _SETTINGS_MAX_BYTES)
    except OSError:
        return False
    found = _DEFAULT_PERMISSIONS.search(text)
    return found is not None and b"AllowAny" not in found.group(1) and found.group(1).strip() != b""


def _denies(ctx: FileContext, node: Node, name: str) -> bool:
    """`name` is a decorator defined at the top of this file whose wrapper answers 401/403."""
    function = _top_level_function(_root(node), name)
    return function is not None and fw.DENIES.search(ctx.source[function.start_byte : function.end_byte]) is not None


def _top_level_function(root: Node, name: str) -> Node | None:
    return first_binding(root, name.encode(), _top_level_functions)


def _top_level_functions(root: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    yield from _top_level_definitions(root, "function_definition")


def _top_level_classes(root: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    yield from _top_level_definitions(root, "class_definition")


def _top_level_definitions(root: Node, kind: str) -> Iterator[tuple[int, bytes, Node | None]]:
    for statement in root.named_children:
        definition = (
            statement.child_by_field_name("definition") if statement.type == "decorated_definition" else statement
        )
        named = definition.child_by_field_name("name") if definition is not None and definition.type == kind else None
        if definition is not None and named is not None and named.text is not None:
            yield definition.start_byte, named.text, definition


def _class_named(node: Node, name: str) -> Node | None:
    return first_binding(_root(node), name.encode(), _top_level_classes)


def _owner_class(function: Node) -> Node | None:
    """The class a method is defined in (directly, not a nested function's class)."""
    parent = function.parent
    if parent is not None and parent.type == "decorated_definition":
        parent = parent.parent
    if parent is not None and parent.type == "block" and parent.parent is not None:
        return parent.parent if parent.parent.type == "class_definition" else None
    return None


def _root(node: Node) -> Node:
    while node.parent is not None:
        node = node.parent
    return node
