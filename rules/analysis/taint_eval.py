"""Evaluate one Python expression to an `Origin` under an environment of local names.

Literals are constant; names come from the environment, then from module-level bindings, then
from the source tables; operators, f-strings, containers and string methods join their parts;
sanitizers clean; other calls are unknown unless they are in-file functions whose summary says
their arguments reach their return. Long `a + b + c ...` chains are flattened, not recursed.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from . import taint_tables as tables
from .taint import CONSTANT, HANDLER, REQUEST, UNKNOWN, VIEW, Kind, Origin, is_carrier, join
from .taint_fold import NOT_CONSTANT, fold

if TYPE_CHECKING:
    from ..context import FileContext
    from .taint import TaintAnalysis

_CONSTANT_TYPES = frozenset(
    {
        "integer",
        "float",
        "true",
        "false",
        "none",
        "ellipsis",
        "comparison_operator",
        "not_operator",
        "escape_sequence",
        "string_content",
        "string_start",
        "string_end",
    }
)
_JOINED_TYPES = frozenset(
    {
        "list",
        "tuple",
        "set",
        "dictionary",
        "pair",
        "expression_list",
        "parenthesized_expression",
        "conditional_expression",
        "unary_operator",
        "await",
        "list_splat",
        "dictionary_splat",
        "slice",
        "list_comprehension",
        "set_comprehension",
        "dictionary_comprehension",
        "generator_expression",
        "for_in_clause",
        "interpolation",
        "concatenated_string",
    }
)
_FLATTENED = frozenset({"binary_operator", "boolean_operator"})
_COMPREHENSIONS = frozenset(
    {"list_comprehension", "set_comprehension", "dictionary_comprehension", "generator_expression"}
)


class Evaluator:
    """One evaluation of expressions against a fixed environment."""

    def __init__(self, analysis: TaintAnalysis, env: Mapping[str, Origin]) -> None:
        self.analysis = analysis
        self.ctx = analysis.ctx
        self.env = env

    def origin(self, node: Node) -> Origin:
        kind = node.type
        if kind in _CONSTANT_TYPES:
            return CONSTANT
        if kind == "string":
            return join(
                self.origin(c.child_by_field_name("expression") or c)
                for c in node.named_children
                if c.type == "interpolation"
            )
        if kind == "identifier":
            return self.name(node)
        if kind == "attribute":
            return self.attribute(node)
        if kind == "subscript":
            return self.subscript(node)
        if kind == "call":
            return self.call(node)
        if kind in _FLATTENED:
            return join(self._plain(self.origin(part)) for part in _operands(node))
        if kind == "conditional_expression" and len(node.named_children) == 3:
            chosen = self.fold(node.named_children[1])
            if chosen is not NOT_CONSTANT:  # `x if 7 * 18 + 106 > 200 else param` is always `x`
                return self._plain(self.origin(node.named_children[0 if chosen else 2]))
            return join(self._plain(self.origin(c)) for c in (node.named_children[0], node.named_children[2]))
        if kind in ("keyword_argument", "named_expression"):
            value = node.child_by_field_name("value")
            return self.origin(value) if value is not None else UNKNOWN
        if kind in _COMPREHENSIONS:
            return self._comprehension(node)
        if kind in _JOINED_TYPES:
            return join(self._plain(self.origin(c)) for c in node.named_children if c.type != "comment")
        return UNKNOWN  # lambdas, yields and anything new: no claim either way

    def _comprehension(self, node: Node) -> Origin:
        """`f(x) for x in items if ...`: the element, with each loop name holding what its iterable holds
        (`escape(key) for key in request.GET` is escaped text, `key for key in request.GET` is not)."""
        loop_names: dict[str, Origin] = {}
        inner = Evaluator(self.analysis, ChainMap(loop_names, self.env))  # type: ignore[arg-type]
        element = node.named_children[0] if node.named_children else None
        for clause in node.named_children:
            if clause.type != "for_in_clause":
                continue
            iterable = clause.child_by_field_name("right")
            held = inner._plain(inner.origin(iterable)) if iterable is not None else UNKNOWN
            for name in _bound_names(clause.child_by_field_name("left")):
                loop_names[name] = held
        return inner._plain(inner.origin(element)) if element is not None else UNKNOWN

    def _plain(self, origin: Origin) -> Origin:
        return UNKNOWN if is_carrier(origin) else origin

    def fold(self, node: Node) -> object:
        """The constant value of `node` under this environment, or NOT_CONSTANT."""
        return fold(node, self._folded)

    def _folded(self, name: str) -> object:
        origin = self.env.get(name)
        return origin.value[0] if origin is not None and origin.value is not None else NOT_CONSTANT

    def keyed(self, container: Node | None, key: Node | None) -> Origin | None:
        """What `container[key]` holds when a constant key was stored into a local (`d["a"] = x`)."""
        if container is None or key is None or container.type != "identifier":
            return None
        value = self.fold(key)
        if value is NOT_CONSTANT:
            return None
        return self.env.get(keyed_name((container.text or b"").decode("utf-8", "replace"), value))

    def subscript(self, node: Node) -> Origin:
        container = node.child_by_field_name("value") or node.named_children[0]
        found = self.keyed(container, node.child_by_field_name("subscript"))
        return found if found is not None else self._plain(self.origin(container))

    def name(self, node: Node) -> Origin:
        text = (node.text or b"").decode("utf-8", "replace")
        if text in self.env:
            return self.env[text]
        qualified = self.ctx.qualified_name(node) or text
        if qualified in tables.REQUEST_GLOBALS:
            return REQUEST
        if qualified in tables.SOURCE_NAMES:
            return Origin(Kind.TAINTED, source=tables.SOURCE_NAMES[qualified])
        found = self.analysis.global_origin(text) if qualified == text else None
        return found if found is not None else UNKNOWN

    def _local_root(self, node: Node) -> bool:
        """True when the chain `a.b.c` starts at a local variable (so imports do not apply)."""
        while node.type == "attribute":
            node = node.child_by_field_name("object") or node
            if node.type != "attribute":
                break
        return node.type == "identifier" and (node.text or b"").decode() in self.env

    def attribute(self, node: Node) -> Origin:
        if not self._local_root(node):
            qualified = self.ctx.qualified_name(node)
            if qualified in tables.SOURCE_NAMES:
                return Origin(Kind.TAINTED, source=tables.SOURCE_NAMES[qualified])
            if qualified in tables.REQUEST_GLOBALS:
                return REQUEST
        receiver = node.child_by_field_name("object")
        owner = self.origin(receiver) if receiver is not None else UNKNOWN
        if owner is REQUEST:
            attribute = self.ctx.text(node.child_by_field_name("attribute"))
            return Origin(Kind.TAINTED, source=f"request.{attribute}") if attribute in tables.SOURCE_ATTRS else UNKNOWN
        if owner is VIEW:
            return REQUEST if self.ctx.text(node.child_by_field_name("attribute")) == "request" else UNKNOWN
        if owner is HANDLER:
            attribute = self.ctx.text(node.child_by_field_name("attribute"))
            return Origin(Kind.TAINTED, source=f"self.{attribute}") if attribute in tables.HANDLER_ATTRS else UNKNOWN
        return replace(owner, value=None) if owner.value is not None else owner

    def call(self, node: Node) -> Origin:
        callee = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        arguments = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        if args is not None and args.type == "generator_expression":
            arguments = [args]  # `"".join(x for x in items)`: the generator is the one argument
        if callee is None:
            return UNKNOWN
        if callee.type == "identifier" and (callee.text or b"").decode() in self.env:
            return UNKNOWN  # a local callable: nothing known about it
        qualified = None if self._local_root(callee) else self.ctx.qualified_name(callee)
        known = self._known_call(qualified, arguments) if qualified else None
        if known is not None:
            return known
        if callee.type == "attribute":
            return self._method(callee, arguments)
        if callee.type == "identifier":
            return self._in_file_call(qualified or "", arguments)
        return UNKNOWN

    def _known_call(self, name: str, arguments: list[Node]) -> Origin | None:
        if name in tables.SOURCE_CALLS:
            return Origin(Kind.TAINTED, source=tables.SOURCE_CALLS[name])
        if name in self.analysis.extra_sources:
            return Origin(Kind.TAINTED, source=f"{name}()")
        if name in tables.SANITIZERS or name in self.analysis.extra_sanitizers:
            value = self._join(arguments[:1])
            if value.kind is Kind.CONSTANT:
                return CONSTANT
            return Origin(Kind.CONSTANT, variable=value.variable, sanitized_by=name)
        if name in tables.PARTIAL_SANITIZERS:
            value = self._join(arguments[:1])
            return value if value.kind is Kind.CONSTANT else Origin(value.kind, value.source, value.variable, name)
        if name in tables.PASSTHROUGH:
            return self._join(arguments)
        return None

    def _method(self, callee: Node, arguments: list[Node]) -> Origin:
        method = self.ctx.text(callee.child_by_field_name("attribute"))
        receiver_node = callee.child_by_field_name("object")
        receiver = self.origin(receiver_node) if receiver_node is not None else UNKNOWN
        if receiver is REQUEST and method == "build_absolute_uri" and self._site_path(arguments[:1]):
            # `request.build_absolute_uri(reverse("source"))`: a path of this site on the host
            # Django checked against ALLOWED_HOSTS; only the request's own path would be client data.
            return Origin(Kind.CONSTANT, sanitized_by="a URL of this site")
        if receiver is REQUEST:
            return Origin(Kind.TAINTED, source=f"request.{method}()") if method in tables.SOURCE_METHODS else UNKNOWN
        if receiver is HANDLER:
            return Origin(Kind.TAINTED, source=f"self.{method}()") if method in tables.HANDLER_METHODS else UNKNOWN
        if method in tables.KEYED_READS:
            for key in arguments[:2]:  # `d.get(key)`, `config.get(section, key)`
                found = self.keyed(receiver_node, key)
                if found is not None:
                    return found
        if method in tables.SAFE_METHODS:
            return CONSTANT if receiver.kind is Kind.CONSTANT else Origin(Kind.CONSTANT, sanitized_by=f"`{method}()`")
        if method in tables.STREAM_METHODS and receiver.kind is not Kind.TAINTED:
            return Origin(Kind.TAINTED, source=tables.STREAM_METHODS[method])
        if method == "get" and receiver.kind is Kind.CONSTANT:
            return self._join(arguments[1:])  # a lookup in a constant table yields its values
        if method in tables.KEYED_READS:
            return self._lookup(receiver, arguments)
        if method in tables.STRING_METHODS:
            return join([receiver, self._join(arguments)])
        return receiver if receiver.kind is Kind.TAINTED else UNKNOWN

    def _site_path(self, arguments: list[Node]) -> bool:
        """One argument: a literal or a `reverse(...)`/`url_for(...)` call (a path the site made)."""
        if len(arguments) != 1 or arguments[0].type == "keyword_argument":
            return False
        argument = arguments[0]
        if argument.type == "call":
            callee = self.ctx.text(argument.child_by_field_name("function")).rsplit(".", 1)[-1]
            return callee in ("reverse", "reverse_lazy", "url_for")
        return self.origin(argument).kind is Kind.CONSTANT

    def _lookup(self, receiver: Origin, arguments: list[Node]) -> Origin:
        """`store.get(uuid)`, `Model.objects.get(pk=pk)`: what was stored, not the key it was found by.

        The receiver's data and a default (`d.get(key, default)`, `fallback=`) flow on; the key
        and keyword filters only choose which stored value comes back.
        """
        rest = [a for a in arguments[1:] if a.type != "keyword_argument"]
        defaults = [
            a
            for a in arguments
            if a.type == "keyword_argument" and self.ctx.text(a.child_by_field_name("name")) in ("default", "fallback")
        ]
        return join([receiver, self._join(rest + defaults)])

    def _in_file_call(self, name: str, arguments: list[Node]) -> Origin:
        function = self.analysis.module_function(name)
        if function is None:
            return UNKNOWN
        summary = self.analysis.summary(function)
        if summary is None:
            return UNKNOWN
        base = replace(summary.base, variable=None)  # the callee's local names mean nothing at the call site
        flowing = _arguments_for(self.ctx, arguments, summary.params, summary.flowing) if summary.by_name else arguments
        flowing = flowing if summary.flowing else []
        return join([base, self._join(flowing)]) if flowing else base

    def _join(self, nodes: list[Node]) -> Origin:
        return join(self._plain(self.origin(n)) for n in nodes)


def _arguments_for(ctx: FileContext, arguments: list[Node], params: list[str], flowing: tuple[str, ...]) -> list[Node]:
    """The call's arguments passed for the `flowing` parameters (all of them after a `*`/`**` splat,
    or when an argument matches no named parameter)."""
    if not flowing:
        return []
    if any(a.type in ("list_splat", "dictionary_splat") for a in arguments):
        return arguments
    chosen: list[Node] = []
    positional = [a for a in arguments if a.type != "keyword_argument"]
    for index, argument in enumerate(positional):
        if index >= len(params) or params[index] in flowing:
            chosen.append(argument)
    for keyword in (a for a in arguments if a.type == "keyword_argument"):
        name, value = keyword.child_by_field_name("name"), keyword.child_by_field_name("value")
        if value is not None and (ctx.text(name) not in params or ctx.text(name) in flowing):
            chosen.append(value)
    return chosen


def _bound_names(target: Node | None) -> Iterator[str]:
    """The names a loop target binds: `key`, `key, values`, `(a, (b, c))`."""
    stack = [target] if target is not None else []
    while stack:
        node = stack.pop()
        if node.type == "identifier":
            yield (node.text or b"").decode("utf-8", "replace")
        elif node.type in (
            "pattern_list",
            "tuple_pattern",
            "list_pattern",
            "parenthesized_expression",
            "tuple",
            "list",
        ):
            stack.extend(node.named_children)


def keyed_name(container: str, key: object) -> str:
    """The environment entry for a constant key stored into a local container: `conf['keyB']`."""
    return f"{container}[{key!r}]"


def _operands(node: Node) -> list[Node]:
    """The leaves of a left-deep chain of binary/boolean operators, without recursion."""
    found: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in _FLATTENED:
            stack.extend(reversed(current.named_children))
        else:
            found.append(current)
    return found
