"""Intra-procedural taint analysis for JavaScript and TypeScript, in the shape of the Python one.

`JsTaintAnalysis.origin(node)` answers what `TaintAnalysis.origin` answers for Python, with
the same `Origin` values, so every sink policy (`analysis.sinks.taint_verdict`) serves both
languages. Each function (and the program) is walked once, in source order, on the first
question about it, keeping an environment `name -> Origin` and remembering the environment
before every statement. Branches are walked separately and joined; a branch that returns or
throws is dead, and an early exit whose condition checks a variable (`if (!ALLOWED.includes(x))
return ...`) sanitises it for the code after it. Loops are walked once. A name a function does
not bind comes from the enclosing functions and the program (every value they ever bind, joined).

Parameters are sources by their role: `req`/`request` (Express, Fetch, Next.js), the first
parameter of a callback given to `app.get(...)`-style routing calls, Koa's `ctx`, the
`{ params }` of a Next.js route handler, and the event of a `message` listener. Expressions
are evaluated in `_taint_eval`; the library knowledge is the data in `_frameworks`.
"""

from __future__ import annotations

from dataclasses import replace

from tree_sitter import Node

from ..analysis.taint import CONSTANT, REQUEST, UNKNOWN, Kind, Origin, join
from ..context import FileContext
from . import _frameworks as frameworks

Env = dict[str, Origin]

FUNCTION_TYPES = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    }
)
# Markers for objects whose properties are sources (compared by identity, like REQUEST).
CONTEXT = Origin(Kind.UNKNOWN, source="the Koa context")
MESSAGE = Origin(Kind.UNKNOWN, source="a message event")
ROUTE_CONTEXT = Origin(Kind.UNKNOWN, source="the route context")
MARKERS = (REQUEST, CONTEXT, MESSAGE, ROUTE_CONTEXT)
# Routing methods whose callback's first parameter is the request (Express, Fastify, Hono...).
_ROUTING_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "del", "all", "use", "options", "head", "route", "handle", "on"}
)
# An environment larger than this is updated in place instead of copied: snapshots of a huge
# scope (a bundle's top level) get coarser, but the walk stays linear.
_COPY_LIMIT = 200
# Deeper statement nesting than this is walked without branch joins (no recursion limit hit).
MAX_DEPTH = 150


def plain(origin: Origin) -> Origin:
    """A marker object as a value of its own: of unknown origin."""
    return UNKNOWN if any(origin is marker for marker in MARKERS) else origin


def scope_of(node: Node) -> Node:
    """The function (or program) whose body holds `node`."""
    current = node.parent
    while current is not None and current.type not in FUNCTION_TYPES and current.parent is not None:
        current = current.parent
    return current if current is not None else node


class JsTaintAnalysis:
    """Data-flow facts of one JavaScript/TypeScript file, computed per function on first use."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._snapshots: dict[int, dict[int, Env]] = {}
        self._bound: dict[int, Env] = {}  # every value each scope binds, joined (for closures)
        self._enclosing: dict[int, list[Node]] = {}
        self._parameters: dict[int, Env] = {}
        configured = ctx.options.get("taint", {})
        self.extra_sources = frozenset(configured.get("sources", ()))
        self.extra_sanitizers = frozenset(configured.get("sanitizers", ()))

    def origin(self, node: Node) -> Origin:
        """The origin of the expression `node` at its program point."""
        scope = scope_of(node)
        snapshots = self._walk(scope)
        current: Node | None = node
        while current is not None and current.id not in snapshots:
            current = current.parent
        env = snapshots[current.id] if current is not None else dict(self._parameters_of(scope))
        return plain(self.evaluate(node, env, scope))

    def evaluate(self, node: Node, env: Env, scope: Node) -> Origin:
        from ._taint_eval import JsEvaluator

        return JsEvaluator(self, env, scope).origin(node)

    def free_name(self, name: str, scope: Node) -> Origin | None:
        """A name the scope does not bind: what the enclosing functions and the program bind."""
        for current in self._enclosing_scopes(scope):
            found = self._bound_in(current).get(name) or self._parameters_of(current).get(name)
            if found is not None:
                return found
        return None

    def _enclosing_scopes(self, scope: Node) -> list[Node]:
        """The functions around `scope`, innermost first, then the program. Found by one descent
        from the root: tree-sitter finds each `parent` by descending from the root, so climbing
        2,000 nested callbacks one parent at a time cost the square of the depth."""
        if scope.id not in self._enclosing:
            root = self.ctx.tree.root_node if self.ctx.tree is not None else scope
            path, current = [], root
            while current != scope and (inner := current.child_with_descendant(scope)) is not None:
                path.append(current)
                current = inner
            self._enclosing[scope.id] = [n for n in reversed(path) if n.type in FUNCTION_TYPES or n == root]
        return self._enclosing[scope.id]

    def _parameters_of(self, scope: Node) -> Env:
        if scope.id not in self._parameters:
            self._parameters[scope.id] = self.parameters(scope)
        return self._parameters[scope.id]

    def _bound_in(self, scope: Node) -> Env:
        self._walk(scope)
        return self._bound.get(scope.id, {})

    def _walk(self, scope: Node) -> dict[int, Env]:
        if scope.id not in self._snapshots:
            from ._taint_flow import ScopeWalker

            self._snapshots[scope.id] = {}  # a question asked during the walk sees no facts yet
            walker = ScopeWalker(self, scope)
            walker.run(dict(self._parameters_of(scope)))
            self._snapshots[scope.id] = walker.snapshots
            self._bound[scope.id] = walker.bound
        return self._snapshots[scope.id]

    def parameters(self, scope: Node) -> Env:
        """The environment a function starts with: its parameters, as their role makes them."""
        params = scope.child_by_field_name("parameters") or scope.child_by_field_name("parameter")
        if params is None:
            return {}
        items = [params] if params.type == "identifier" else [p for p in params.named_children if p.type != "comment"]
        roles = self._roles(scope, len(items))
        handler = self._looks_like_handler(items)
        env: Env = {}
        for index, item in enumerate(items):
            pattern = item.child_by_field_name("pattern") or item
            if pattern.type == "assignment_pattern":
                pattern = pattern.child_by_field_name("left") or pattern
            role = roles.get(index)
            if pattern.type == "identifier":
                name = self.ctx.text(pattern)
                env[name] = role or (_named_role(name) if handler else None) or UNKNOWN.through(name)
            elif pattern.type == "object_pattern" and role is ROUTE_CONTEXT:
                for name in _pattern_names(self.ctx, pattern):
                    env[name] = Origin(Kind.TAINTED, source="route params")
            else:
                for name in _pattern_names(self.ctx, pattern):
                    env[name] = UNKNOWN
        return env

    def _looks_like_handler(self, items: list[Node]) -> bool:
        """`(req, res)`, `(ctx, next)`, `(request: NextRequest)`: a name alone is not enough
        (`resolve(request, context, callback)` in a module resolver is no HTTP request)."""
        names = {self.ctx.text(item.child_by_field_name("pattern") or item) for item in items}
        if names & frameworks.HANDLER_SIBLINGS:
            return True
        return any(
            any(word in self.ctx.text(item.child_by_field_name("type")) for word in ("Request", "Context"))
            for item in items
            if item.child_by_field_name("type") is not None
        )

    def _roles(self, scope: Node, count: int) -> dict[int, Origin]:
        """Positional roles: routing callbacks, Next.js route handlers, message listeners."""
        name = self.ctx.text(scope.child_by_field_name("name"))
        if scope.type == "function_declaration" and name in frameworks.ROUTE_HANDLER_NAMES:
            return {0: REQUEST, 1: ROUTE_CONTEXT}
        parent = scope.parent
        call = parent.parent if parent is not None and parent.type == "arguments" else None
        if call is None or call.type != "call_expression":
            return {}
        callee = call.child_by_field_name("function")
        method = self.ctx.text(callee.child_by_field_name("property")) if callee is not None else ""
        if (
            method == "addEventListener"
            and parent is not None
            and _first_string(self.ctx, parent) == frameworks.MESSAGE_EVENT
        ):
            return {0: MESSAGE}
        if callee is not None and callee.type == "member_expression" and method in _ROUTING_METHODS and count >= 2:
            return {0: REQUEST}
        return {}


def _named_role(name: str) -> Origin | None:
    if name in frameworks.REQUEST_PARAMETERS:
        return REQUEST
    if name in frameworks.CONTEXT_PARAMETERS:
        return CONTEXT
    return None


def _first_string(ctx: FileContext, arguments: Node) -> str:
    first = arguments.named_children[0] if arguments.named_children else None
    if first is None or first.type != "string":
        return ""
    return ctx.text(first)[1:-1]


def _pattern_names(ctx: FileContext, pattern: Node) -> list[str]:
    """Every identifier a destructuring pattern binds."""
    names: list[str] = []
    stack = [pattern]
    while stack:
        node = stack.pop()
        if node.type in ("identifier", "shorthand_property_identifier_pattern"):
            names.append(ctx.text(node))
        elif node.type == "pair_pattern":
            value = node.child_by_field_name("value")
            if value is not None:
                stack.append(value)
        elif node.type == "assignment_pattern":
            left = node.child_by_field_name("left")
            if left is not None:
                stack.append(left)
        else:
            stack.extend(node.named_children)
    return names


def bind(env: Env, name: str, origin: Origin) -> Env:
    """`env` with `name` bound; copied while small so earlier snapshots keep their facts."""
    value = origin if any(origin is marker for marker in MARKERS) else origin.through(name)
    if len(env) > _COPY_LIMIT:
        env[name] = value
        return env
    return {**env, name: value}


def merge(branches: list[Env | None]) -> Env | None:
    """Join the environments of the branches that fall through (None: every branch exits)."""
    live = [env for env in branches if env is not None]
    if not live:
        return None
    if len(live) == 1:
        return live[0]
    merged: Env = {}
    for key in {k for env in live for k in env}:
        values = [env[key] for env in live if key in env]
        merged[key] = values[0] if all(v is values[0] for v in values) else join(values)
    return merged


def element(origin: Origin) -> Origin:
    """A part of a value (an element, a destructured property): same kind, no variable name."""
    return origin if any(origin is marker for marker in MARKERS) else replace(origin, variable=None)


__all__ = ["CONSTANT", "MARKERS", "JsTaintAnalysis", "bind", "merge", "plain", "scope_of"]
