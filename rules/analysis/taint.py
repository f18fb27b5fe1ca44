"""Intra-procedural taint analysis for Python: where does the value of an expression come from?

Injection rules report at a sink (`cursor.execute(query)`) and need to know whether `query`
holds request data (TAINTED, high confidence), something the file cannot explain (UNKNOWN,
medium) or only literals and constants (CONSTANT, never reported). `TaintAnalysis.origin(node)`
answers that for an expression at its program point.

How: each function (and the module body) is walked once, in source order, on the first
question about it, keeping an environment `name -> Origin`; the environment before every
statement is remembered, so a question is one expression evaluation against it and a later
reassignment never taints an earlier use. Branches are analysed separately and joined; a branch
that returns, raises or aborts is dead, which makes `if x not in ALLOWED: abort(400)` sanitise
`x` for the code after it. Loops are walked once (no fixpoint: cheap, and loop-carried flows
through two variables are rare); `break`/`continue` reach the code after the loop. A call of a function defined at module level in the same file
is summarised (does a parameter reach its return?), so `def build(q): return "SELECT " + q`
called with request data returns tainted data. `self` in an `http.server` handler or a
class-based view carries the request (`self.path`, `self.request`). Sources, sanitizers and
pass-through functions are the tables in `taint_tables` (one row per framework), statements
are walked in `taint_flow`, expressions evaluated in `taint_eval`, constant conditions folded
in `taint_fold`; the sink decides what counts (`sinks.taint_verdict`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from tree_sitter import Node

from .. import walk
from ..context import FileContext
from ..engine import CALLEE_KEY
from ..patterns import linear
from . import taint_tables as tables
from .nodes import decorators, string_value


class Kind(enum.IntEnum):
    """How much an attacker may control a value; ordered so `max` is the join."""

    CONSTANT = 0
    UNKNOWN = 1
    TAINTED = 2


@dataclass(frozen=True)
class Origin:
    """Where a value comes from: its kind, the source it was read from, the name it went through.

    `sanitized_by` names the check or function that cleaned the value (`int`, `an allow-list
    check`); for context-specific sanitizers such as `os.path.basename` the kind stays TAINTED
    and the sink decides whether that sanitizer protects it.
    """

    kind: Kind
    source: str | None = None
    variable: str | None = None
    sanitized_by: str | None = None
    value: tuple[object] | None = None  # a CONSTANT's folded Python value, boxed (`num = 86` -> (86,))

    def describe(self) -> str:
        """`term` from `request.args` / `request.args` / a value of unknown origin."""
        if self.kind is Kind.CONSTANT:
            return "a constant value"
        if self.kind is Kind.UNKNOWN:
            return f"`{self.variable}` (origin unknown)" if self.variable else "a value of unknown origin"
        source = self.source or "untrusted input"
        shown = source if " " in source else f"`{source}`"
        if self.variable and f"`{self.variable}`" not in shown:
            return f"`{self.variable}` from {shown}"
        return shown

    def through(self, variable: str) -> Origin:
        """The same origin after passing through local `variable` (the first name is kept)."""
        if self.kind is Kind.CONSTANT or self.variable is not None:
            return self
        return replace(self, variable=variable)


CONSTANT = Origin(Kind.CONSTANT)
UNKNOWN = Origin(Kind.UNKNOWN)
# A request object itself (`flask.request`, a view's `request` parameter): its attributes are sources.
REQUEST = Origin(Kind.UNKNOWN, source="the request object")
# `self` in an `http.server`-style request handler: `self.path`, `self.headers`, `self.rfile` are sources.
HANDLER = Origin(Kind.UNKNOWN, source="the request handler")
# `self` in a class-based view (aiohttp `web.View`, Django `View`): `self.request` is the request.
VIEW = Origin(Kind.UNKNOWN, source="the class-based view")


def is_carrier(origin: Origin) -> bool:
    """True for the request object, the request handler and the view, whose attributes are the sources."""
    return origin is REQUEST or origin is HANDLER or origin is VIEW


def _rank(origin: Origin) -> tuple[int, bool, bool]:
    return (origin.kind, origin.sanitized_by is None, origin.source not in tables.SOFT_SOURCES)


def join(origins: Iterable[Origin]) -> Origin:
    """The most dangerous of several origins (CONSTANT when there are none)."""
    best = CONSTANT
    first: Origin | None = None
    mixed = False
    for origin in origins:
        if is_carrier(origin):
            origin = UNKNOWN
        if first is None:
            first = origin
        elif origin != first:
            mixed = True
        if _rank(origin) > _rank(best):
            best = origin
    # A folded value survives only when every joined path agrees on it.
    return replace(best, value=None) if mixed and best.value is not None else best


class TaintAnalysis:
    """Data-flow facts of one file, computed per function on first use and cached."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._scopes: dict[int, Mapping[int, Mapping[str, Origin]]] = {}
        self._globals: dict[str, list[Node | None]] | None = None
        self._global_cache: dict[str, Origin] = {}
        self._functions: dict[str, Node | None] | None = None
        self._summaries: dict[int, Summary | None] = {}
        self._web = tables.imports_web_framework(ctx)
        self._in_request_handler = False
        self._in_view = False
        self._classes: dict[str, Node] | None = None
        self._calls: dict[str, list[Node]] | None = None
        self._resolving: set[int] = set()
        configured = ctx.options.get("taint", {})  # `[tool.vetline.taint]`, shared by every data-flow rule
        self.extra_sources = frozenset(configured.get("sources", ()))
        self.extra_sanitizers = frozenset(configured.get("sanitizers", ()))

    def origin(self, node: Node) -> Origin:
        """The origin of the expression `node` at its program point."""
        scope = _scope_of(node)
        snapshots = self._snapshots(scope)
        current: Node | None = node
        while current is not None and current.id not in snapshots:
            current = current.parent
        env = snapshots[current.id] if current is not None else {}
        result = self.evaluate(node, env)
        return UNKNOWN if is_carrier(result) else result

    def evaluate(self, node: Node, env: Mapping[str, Origin]) -> Origin:
        """The origin of `node` under a given environment (used by the scope walker)."""
        from .taint_eval import Evaluator

        try:
            return Evaluator(self, env).origin(node)
        except RecursionError:  # absurdly deep expressions: give up on this one, not the file
            return UNKNOWN

    def _snapshots(self, scope: Node) -> Mapping[int, Mapping[str, Origin]]:
        if scope.id not in self._scopes:
            self._scopes[scope.id] = {}  # a re-entrant question during the walk sees no facts
            from .taint_flow import ScopeWalker

            walker = ScopeWalker(self, record=True)
            walker.run(scope, self.parameters(scope))
            self._scopes[scope.id] = walker.snapshots
        return self._scopes[scope.id]

    def parameters(self, function: Node) -> dict[str, Origin]:
        """The origins of a function's parameters on entry (route parameters are tainted)."""
        if function.type != "function_definition":
            return {}
        params = _parameter_nodes(function)
        route = self._route_decorator(function)
        view = route is not None or self._is_view(function, params)
        converters = tables.route_converters(string_value(_first_arg(route))) if route is not None else {}
        env: dict[str, Origin] = {}
        self._in_request_handler = bool(params) and self._handler_class(function, tables.HANDLER_BASES)
        self._in_view = bool(params) and self._handler_class(function, tables.VIEW_BASES)
        objects = _used_as_objects(self.ctx, function, {n for n, a, _ in params if a is None}) if view else set()
        if route is None:  # Django passes URL captures as strings: a model-typed parameter was looked up
            objects |= {n for n, a, _ in params if a is not None and _names_a_model(self.ctx.text(a))}
        for index, (name, annotation, default) in enumerate(params):
            env[name] = self._parameter_origin(
                name, index, annotation, default, view and name not in objects, converters
            )
        if not view and self._web and [n for n, _, _ in params][:1] == ["request"]:
            passed = self.caller_origins(function, [n for n, _, _ in params[1:]])
            env.update({name: origin.through(name) for name, origin in passed.items()})
        return env

    def _parameter_origin(
        self,
        name: str,
        index: int,
        annotation: Node | None,
        default: Node | None,
        view: bool,
        converters: dict[str, str],
    ) -> Origin:
        type_name = self.ctx.text(annotation).rsplit(".", 1)[-1] if annotation is not None else ""
        if name == "self" and index == 0 and self._in_request_handler:
            return HANDLER
        if name == "self" and index == 0 and self._in_view:
            return VIEW
        if name in ("self", "cls") and index == 0:
            return UNKNOWN
        if type_name in tables.REQUEST_TYPES or (name in ("request", "req") and self._web and index <= 1):
            return REQUEST
        if not view or (default is not None and tables.is_dependency(self.ctx, default)):
            return Origin(Kind.UNKNOWN, variable=name)
        if annotation is not None and tables.is_dependency_annotation(self.ctx, annotation):
            return Origin(Kind.UNKNOWN, variable=name)
        if name in converters or type_name in tables.SAFE_TYPES:
            return Origin(Kind.CONSTANT, variable=name, sanitized_by=f"type `{converters.get(name, type_name)}`")
        return Origin(Kind.TAINTED, source=f"route parameter `{name}`")

    def _handler_class(self, function: Node, bases: frozenset[str]) -> bool:
        """A method of a class based on one of `bases` (or on an in-file class that is)."""
        owner = function.parent.parent if function.parent is not None else None
        if owner is not None and owner.type == "decorated_definition":
            owner = owner.parent.parent if owner.parent is not None else None
        return owner is not None and owner.type == "class_definition" and self._based_on(owner, bases, 2)

    def _based_on(self, cls: Node, names: frozenset[str], depth: int) -> bool:
        bases = cls.child_by_field_name("superclasses")
        for base in bases.named_children if bases is not None and depth > 0 else ():
            if (self.ctx.qualified_name(base) or "") in names:
                return True
            local = self.module_class(self.ctx.text(base))
            if local is not None and local is not cls and self._based_on(local, names, depth - 1):
                return True
        return False

    def module_class(self, name: str) -> Node | None:
        """The module-level `class` of that name in this file, if any."""
        if self._classes is None:
            self._classes = {}
            for node in self.ctx.tree.root_node.named_children if self.ctx.tree is not None else ():
                if node.type == "decorated_definition":
                    node = node.child_by_field_name("definition") or node
                if node.type == "class_definition":
                    self._classes.setdefault(tables.function_name(node), node)
        return self._classes.get(name)

    def _route_decorator(self, function: Node) -> Node | None:
        for decorator in decorators(function):
            if tables.is_route_decorator(self.ctx, decorator):
                return decorator
        return None

    def _is_view(self, function: Node, params: list[tuple[str, Node | None, Node | None]]) -> bool:
        """A Django/DRF view: `def view(request, pk)` or `def get(self, request, pk)` in a web file."""
        names = [name for name, _, _ in params]
        if not self._web or "request" not in names[:2]:
            return False
        if names[0] == "request":
            # A helper the module calls itself (`build_response(request, full_path=...)`) gets its
            # arguments from those calls (`caller_origins`); views are routed, not called.
            return not self.call_sites(tables.function_name(function)) and not self._helper_module(function)
        return tables.function_name(function) in tables.VIEW_METHODS

    def _helper_module(self, function: Node) -> bool:
        """`def sendfile(request, filename)` undecorated in `utils/`, `core/http.py` or
        `users/functions/common.py`: a helper other modules call with their own values (a stored
        file's path, a checked `next` URL), not a view, unless the file routes it (`urlpatterns`)."""
        if decorators(function) or not tables.HELPER_MODULE.search(self.ctx.path.replace("\\", "/")):
            return False
        return "view" not in self.ctx.path.lower() and b"urlpatterns" not in self.ctx.source

    def call_sites(self, name: str) -> list[Node]:
        """The argument lists of this file's calls of the bare name `name(...)`."""
        if self._calls is None:
            self._calls = _calls_by_name(self.ctx)
        return self._calls.get(name, [])

    def caller_origins(self, function: Node, params: list[str]) -> dict[str, Origin]:
        """Each parameter's origin joined over the in-file calls of `function` (positional or by
        keyword); a parameter a call leaves out, a `*args` call or a cycle of helpers is unknown."""
        if function.id in self._resolving:
            return {}
        self._resolving.add(function.id)
        try:
            found: dict[str, list[Origin]] = {name: [] for name in params}
            for arguments in self.call_sites(tables.function_name(function)):
                passed = _passed_arguments(self.ctx, arguments, params)
                for name in params:
                    found[name].append(self.origin(passed[name]) if name in passed else UNKNOWN)
            return {name: join(origins) for name, origins in found.items() if origins}
        finally:
            self._resolving.discard(function.id)

    def global_origin(self, name: str) -> Origin | None:
        """The flow-insensitive origin of a module-level name, None when the module never binds it."""
        if self._globals is None:
            self._globals = tables.module_bindings(self.ctx)
        if name not in self._globals:
            return None
        if name not in self._global_cache:
            self._global_cache[name] = UNKNOWN  # a cycle (`A = B; B = A`) resolves to unknown
            values = self._globals[name]
            self._global_cache[name] = join(CONSTANT if v is None else self.evaluate(v, {}) for v in values)
        return self._global_cache[name]

    def module_string(self, name: str) -> str | None:
        """The text of a module-level constant bound once to a plain literal (`BASE = "https://x"`)."""
        if self._globals is None:
            self._globals = tables.module_bindings(self.ctx)
        values = self._globals.get(name, [])
        if len(values) != 1 or values[0] is None or values[0].type != "string":
            return None
        return string_value(values[0])

    def module_function(self, name: str) -> Node | None:
        """The module-level `def` of that name in this file, if there is exactly one."""
        if self._functions is None:
            self._functions = _module_functions(self.ctx)
        return self._functions.get(name)

    def summary(self, function: Node) -> Summary | None:
        """The return origin with constant arguments, and which parameters reach the return."""
        if function.id in self._summaries:
            return self._summaries[function.id]
        self._summaries[function.id] = None  # recursion: unknown
        params = [name for name, _, _ in _parameter_nodes(function)]
        base = self._returned(function, params, ())
        flowing: tuple[str, ...] = ()
        if self._returned(function, params, params).kind is Kind.TAINTED:
            # Which ones: `_load(request, state, default=url)` returns `default` and `request.get_host()`,
            # not the `state` it only reads through a signature check. Many parameters: all of them.
            few = len(params) <= _PROBED_ONE_BY_ONE and _plain_parameters(function)
            flowing = (
                tuple(p for p in params if self._returned(function, params, (p,)).kind is Kind.TAINTED)
                if few
                else tuple(params)
            )
        result = Summary(base, params, flowing, by_name=_plain_parameters(function))
        self._summaries[function.id] = result
        return result

    def _returned(self, function: Node, params: list[str], tainted: Sequence[str]) -> Origin:
        """What `function` returns when the `tainted` parameters hold request data and the others constants."""
        from .taint_flow import ScopeWalker

        walker = ScopeWalker(self, record=False)
        probe = Origin(Kind.TAINTED, source="a parameter")
        walker.run(function, {name: probe if name in tainted else CONSTANT for name in params})
        return walker.returned()


# `translation: Translation`, `obj: models.Page`: a class a view is handed, not URL text (FastAPI
# body models are routed through a decorator and keep their taint).
_MODEL_ANNOTATION = linear(r"(?:\w+\.)*[A-Z]\w*")
_TEXT_ANNOTATIONS = frozenset({"Any", "AnyStr", "Text", "Path", "PurePath"})


def _names_a_model(annotation: str) -> bool:
    """`Translation`, `models.Page`: a class name, not `str`, `Optional[str]` or `Any`."""
    return (
        _MODEL_ANNOTATION.fullmatch(annotation) is not None and annotation.rsplit(".", 1)[-1] not in _TEXT_ANNOTATIONS
    )


# Functions with more parameters are probed once with all of them tainted (each probe walks the body).
_PROBED_ONE_BY_ONE = 6


@dataclass(frozen=True)
class Summary:
    """What an in-file function returns: its origin with constant arguments, and the parameters
    (by name, in order) whose request data reaches the return."""

    base: Origin
    params: list[str]
    flowing: tuple[str, ...]
    by_name: bool = True  # False: `*args`/`**kwargs`/keyword-only parameters, every argument counts


def _plain_parameters(function: Node) -> bool:
    """True when arguments map to parameters by position and name alone (no `*`, `*args`, `**kwargs`)."""
    parameters = function.child_by_field_name("parameters")
    return not any(
        p.type in ("list_splat_pattern", "dictionary_splat_pattern", "keyword_separator", "positional_separator")
        or (p.type == "typed_parameter" and p.named_children and p.named_children[0].type.endswith("splat_pattern"))
        for p in (parameters.named_children if parameters is not None else ())
    )


def _module_functions(ctx: FileContext) -> dict[str, Node | None]:
    found: dict[str, Node | None] = {}
    for node in ctx.tree.root_node.named_children if ctx.tree is not None else ():
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type == "function_definition":
            name = tables.function_name(node)
            found[name] = None if name in found else node  # redefined: do not guess which one
    return found


def _calls_by_name(ctx: FileContext) -> dict[str, list[Node]]:
    """Bare-name calls of the file (`helper(request, x)`), name -> their argument lists, in the
    order of a walk from the root that visits a node before what it holds and siblings last to
    first (which origin `join` keeps of equally dangerous ones depends on it)."""
    callees = walk.shared_complete(ctx, CALLEE_KEY)
    if callees is not None:  # the engine's walk already found every `name(...)` call
        return _calls_of_callees(ctx, callees.get("ident", ()))
    found: dict[str, list[Node]] = {}
    stack = [ctx.tree.root_node] if ctx.tree is not None else []
    while stack:
        node = stack.pop()
        if node.type == "call":
            callee, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if callee is not None and callee.type == "identifier" and arguments is not None:
                found.setdefault(ctx.text(callee), []).append(arguments)
        stack.extend(node.named_children)
    return found


def _calls_of_callees(ctx: FileContext, identifiers: Iterable[Node]) -> dict[str, list[Node]]:
    """`_calls_by_name` from the called identifiers of the engine's callee query. Sorting by
    (end descending, start) puts an enclosing call before the calls in its arguments and a later
    call before an earlier one: the order of the walk in `_calls_by_name`."""
    calls = [node.parent for node in identifiers if node.parent is not None]
    found: dict[str, list[Node]] = {}
    for call in sorted(calls, key=lambda node: (-node.end_byte, node.start_byte)):
        callee, arguments = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if call.type == "call" and callee is not None and callee.type == "identifier" and arguments is not None:
            found.setdefault(ctx.text(callee), []).append(arguments)
    return found


def _passed_arguments(ctx: FileContext, arguments: Node, params: list[str]) -> dict[str, Node]:
    """Parameter name -> the expression a call passes for it (after `request`, by position or keyword)."""
    passed: dict[str, Node] = {}
    positional = [a for a in arguments.named_children if a.type not in ("keyword_argument", "comment")]
    if any(a.type in ("list_splat", "dictionary_splat") for a in arguments.named_children):
        return passed
    for name, value in zip(params, positional[1:]):
        passed[name] = value
    for keyword in (a for a in arguments.named_children if a.type == "keyword_argument"):
        given = keyword.child_by_field_name("value")
        if given is not None and ctx.text(keyword.child_by_field_name("name")) in params:
            passed[ctx.text(keyword.child_by_field_name("name"))] = given
    return passed


def _scope_of(node: Node) -> Node:
    current = node.parent
    while current is not None:
        if current.type == "function_definition":
            return current
        if current.parent is None:
            return current
        current = current.parent
    return node


def _first_arg(decorator: Node | None) -> Node | None:
    args = decorator.child_by_field_name("arguments") if decorator is not None else None
    if args is None:
        return None
    positional = [c for c in args.named_children if c.type not in ("keyword_argument", "comment")]
    return positional[0] if positional else None


def _parameter_nodes(function: Node) -> list[tuple[str, Node | None, Node | None]]:
    """(name, annotation, default) of each named parameter, splats included by their name."""
    parameters = function.child_by_field_name("parameters")
    found: list[tuple[str, Node | None, Node | None]] = []
    for param in parameters.named_children if parameters is not None else ():
        if param.type == "identifier":
            found.append((_text(param), None, None))
        elif param.type == "typed_parameter":
            inner = param.named_children[0] if param.named_children else None
            name = (
                inner.named_children[0]
                if inner is not None and inner.type.endswith("splat_pattern") and inner.named_children
                else inner
            )
            found.append((_text(name), param.child_by_field_name("type"), None))
        elif param.type in ("default_parameter", "typed_default_parameter"):
            found.append(
                (
                    _text(param.child_by_field_name("name")),
                    param.child_by_field_name("type"),
                    param.child_by_field_name("value"),
                )
            )
        elif param.type in ("list_splat_pattern", "dictionary_splat_pattern") and param.named_children:
            found.append((_text(param.named_children[0]), None, None))
    return [entry for entry in found if entry[0]]


def _text(node: Node | None) -> str:
    return (node.text or b"").decode("utf-8", "replace") if node is not None else ""


_STR_ATTRIBUTES = frozenset(dir(str))


def _used_as_objects(ctx: FileContext, function: Node, names: set[str]) -> set[str]:
    """Untyped parameters the body uses as objects (`page.get_absolute_url()`, `user.pk`): a URL
    segment is a string, so these are objects the framework or a caller passes (a Django page
    processor's `page`, a login helper's `user`), not route parameters."""
    found: set[str] = set()
    body = function.child_by_field_name("body")
    stack = [body] if body is not None and names else []
    while stack:
        node = stack.pop()
        if node.type == "attribute":
            target, attribute = node.child_by_field_name("object"), node.child_by_field_name("attribute")
            if target is not None and target.type == "identifier" and attribute is not None:
                name = ctx.text(target)
                if name in names and ctx.text(attribute) not in _STR_ATTRIBUTES:
                    found.add(name)
        if node.type not in ("function_definition", "class_definition"):
            stack.extend(node.named_children)
    return found
