"""Evaluate one JavaScript/TypeScript expression to an `Origin` under an environment.

Literals are constant; names come from the environment, then from enclosing scopes, then from
the source tables; template literals, `+`, `||`/`??`, arrays, objects and spreads join their
parts; comparisons, `typeof` and arithmetic other than `+` make numbers and booleans (constant);
sanitizers clean; a method of a tainted value (`q.trim()`, `params.get("id")`) stays tainted;
other calls are unknown. Long `a + b + c ...` chains are flattened, not recursed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from ..analysis.taint import CONSTANT, REQUEST, UNKNOWN, Kind, Origin, join
from . import _frameworks as frameworks
from ._taint import CONTEXT, FUNCTION_TYPES, MESSAGE, ROUTE_CONTEXT, Env, element, plain

if TYPE_CHECKING:
    from ._taint import JsTaintAnalysis

_CONSTANT_TYPES = frozenset(
    {
        "string",
        "number",
        "true",
        "false",
        "null",
        "undefined",
        "regex",
        "this",
        "class",
        "unary_expression",
        "update_expression",
        "meta_property",
        *FUNCTION_TYPES,
    }
)
_WRAPPERS = frozenset(
    {
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
        "type_assertion",
        "spread_element",
        "template_substitution",
        "jsx_expression",
    }
)
_JOINED_TYPES = frozenset({"array", "object", "sequence_expression"})
# Binary operators whose result carries its operands' text; the others make numbers/booleans.
_CARRYING_OPERATORS = frozenset({"+", "||", "&&", "??"})
# Methods of a tainted value whose result is a boolean or a number.
_PREDICATE_METHODS = frozenset(
    {"includes", "startsWith", "endsWith", "test", "indexOf", "lastIndexOf", "localeCompare", "some", "every", "has"}
)
# Methods that build a string from the receiver and their arguments (`"a".concat(x)`, `[a, b].join()`).
_BUILDING_METHODS = frozenset({"concat", "join", "replace", "replaceAll", "padStart", "padEnd", "format"})


def property_of(owner: Origin, name: str) -> Origin:
    """The origin of `owner.name`: request data for a source property of a request object."""
    if owner is REQUEST:
        if name == "request":
            return REQUEST
        return Origin(Kind.TAINTED, source=f"req.{name}") if name in frameworks.REQUEST_ATTRS else UNKNOWN
    if owner is CONTEXT:
        if name == "request":
            return REQUEST
        return Origin(Kind.TAINTED, source=f"ctx.{name}") if name in frameworks.CONTEXT_ATTRS else UNKNOWN
    if owner is MESSAGE:
        return Origin(Kind.TAINTED, source="postMessage data") if name == "data" else UNKNOWN
    if owner is ROUTE_CONTEXT:
        return Origin(Kind.TAINTED, source="route params") if name == "params" else UNKNOWN
    return element(owner) if owner.kind is Kind.TAINTED else owner


class JsEvaluator:
    """One evaluation of expressions against a fixed environment."""

    def __init__(self, analysis: JsTaintAnalysis, env: Env, scope: Node) -> None:
        self.analysis = analysis
        self.ctx = analysis.ctx
        self.env = env
        self.scope = scope

    def origin(self, node: Node) -> Origin:
        kind = node.type
        while kind in _WRAPPERS:
            if not node.named_children:
                return CONSTANT
            node = node.named_children[0]
            kind = node.type
        if kind in _CONSTANT_TYPES:
            return CONSTANT
        if kind == "template_string":
            return self._join([c for c in node.named_children if c.type == "template_substitution"])
        if kind in ("identifier", "shorthand_property_identifier"):
            return self.name(node)
        if kind == "member_expression":
            return self.member(node)
        if kind == "subscript_expression":
            receiver = node.child_by_field_name("object")
            return property_of(self.origin(receiver), "") if receiver is not None else UNKNOWN
        if kind == "call_expression":
            return self.call(node)
        if kind == "new_expression":
            return self.construct(node)
        if kind == "binary_expression":
            return self.binary(node)
        if kind == "ternary_expression":
            return self._join(self._unchecked_branches(node))
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            right = node.child_by_field_name("right")
            return self.origin(right) if right is not None else UNKNOWN
        if kind == "pair":
            value = node.child_by_field_name("value")
            return self.origin(value) if value is not None else CONSTANT
        if kind in _JOINED_TYPES:
            return self._join([c for c in node.named_children if c.type != "comment"])
        return UNKNOWN

    def name(self, node: Node) -> Origin:
        text = self.ctx.text(node)
        if text in self.env:
            return self.env[text]
        found = self.analysis.free_name(text, self.scope)
        if found is not None:
            return found
        qualified = self.ctx.qualified_name(node) or text
        if qualified in frameworks.SOURCE_NAMES:
            return Origin(Kind.TAINTED, source=frameworks.SOURCE_NAMES[qualified])
        if text == "undefined" or text == "NaN":
            return CONSTANT
        return UNKNOWN

    def member(self, node: Node) -> Origin:
        text = self.ctx.text(node)
        if text in self.env:  # `opts.url` assigned earlier in this scope
            return self.env[text]
        if not self._local_root(node):
            qualified = self.ctx.qualified_name(node)
            if qualified in frameworks.SOURCE_NAMES:
                return Origin(Kind.TAINTED, source=frameworks.SOURCE_NAMES[qualified])
        receiver = node.child_by_field_name("object")
        prop = self.ctx.text(node.child_by_field_name("property"))
        if prop in frameworks.ROUTE_SNAPSHOT_ATTRS and receiver is not None and _last_name(receiver) == "snapshot":
            return Origin(Kind.TAINTED, source="location")  # Angular `route.snapshot.queryParams`
        owner = self.origin(receiver) if receiver is not None else UNKNOWN
        return property_of(owner, prop)

    def _local_root(self, node: Node) -> bool:
        """True when the chain `a.b.c` starts at a name this code binds (so imports do not apply)."""
        while node.type == "member_expression":
            node = node.child_by_field_name("object") or node
            if node.type != "member_expression":
                break
        if node.type != "identifier":
            return False
        text = self.ctx.text(node)
        return text in self.env or self.analysis.free_name(text, self.scope) is not None

    def binary(self, node: Node) -> Origin:
        operands: list[Node] = []
        stack = [node]
        while stack:  # flatten long chains without recursion
            current = stack.pop()
            operator = current.child_by_field_name("operator") if current.type == "binary_expression" else None
            if operator is None:
                operands.append(current)
            elif operator.type in _CARRYING_OPERATORS:
                stack.extend(reversed([c for c in current.named_children if c is not operator]))
            # other operators (`===`, `<`, `-`, `instanceof`) make booleans and numbers: constant
        return self._join(operands)

    def call(self, node: Node) -> Origin:
        callee = node.child_by_field_name("function")
        args = node.child_by_field_name("arguments")
        arguments = [c for c in args.named_children if c.type != "comment"] if args is not None else []
        if callee is None:
            return UNKNOWN
        qualified = None if self._local_root(callee) else self.ctx.qualified_name(callee)
        known = self._known_call(qualified, arguments) if qualified else None
        if known is not None:
            return known
        if callee.type == "member_expression":
            return self._method(callee, arguments)
        return UNKNOWN

    def _known_call(self, name: str, arguments: list[Node]) -> Origin | None:
        if name in self.analysis.extra_sources:
            return Origin(Kind.TAINTED, source=f"{name}()")
        if name in frameworks.SANITIZERS or name in self.analysis.extra_sanitizers:
            value = self._join(arguments[:1])
            if value.kind is Kind.CONSTANT:
                return CONSTANT
            return Origin(Kind.CONSTANT, variable=value.variable, sanitized_by=name)
        if name in frameworks.PARTIAL_SANITIZERS:
            value = self._join(arguments[:1])
            return value if value.kind is Kind.CONSTANT else Origin(value.kind, value.source, value.variable, name)
        if name in frameworks.PASSTHROUGH:
            return self._join(arguments)
        return None

    def _method(self, callee: Node, arguments: list[Node]) -> Origin:
        method = self.ctx.text(callee.child_by_field_name("property"))
        receiver_node = callee.child_by_field_name("object")
        receiver = self.origin(receiver_node) if receiver_node is not None else UNKNOWN
        if receiver is REQUEST:
            return Origin(Kind.TAINTED, source=f"req.{method}()") if method in frameworks.REQUEST_METHODS else UNKNOWN
        if receiver.kind is Kind.TAINTED:
            return CONSTANT if method in _PREDICATE_METHODS else element(receiver)
        if method in _BUILDING_METHODS:
            return join([plain(receiver), self._join(arguments)])
        if method == "then":
            return UNKNOWN
        return CONSTANT if receiver.kind is Kind.CONSTANT and not arguments and method.startswith("to") else UNKNOWN

    def construct(self, node: Node) -> Origin:
        constructor = node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        name = self.ctx.qualified_name(constructor) if constructor is not None else None
        if name not in frameworks.PASSTHROUGH_CONSTRUCTORS or args is None:
            return UNKNOWN
        value = self._join(list(args.named_children))
        first = args.named_children[0] if args.named_children else None
        if (
            name == "URLSearchParams"
            and first is not None
            and first.type == "object"
            and value.kind is not Kind.CONSTANT
        ):
            # Built from fields, it serialises them percent-encoded: data in a query string, not a URL.
            return Origin(value.kind, value.source, value.variable, "encodeURIComponent")
        return value

    def _unchecked_branches(self, node: Node) -> list[Node]:
        """The branches of `c ? a : b`, less the one that holds a variable the condition checked."""
        condition = node.child_by_field_name("condition")
        branches = [node.child_by_field_name("consequence"), node.child_by_field_name("alternative")]
        negated = (
            condition is not None and condition.type == "unary_expression" and (condition.text or b"").startswith(b"!")
        )
        checked = _checked_arguments(condition.named_children[-1] if negated and condition is not None else condition)
        passed = branches[1] if negated else branches[0]
        return [b for b in branches if b is not None and not (b is passed and self.ctx.text(b) in checked)]

    def _join(self, nodes: list[Node]) -> Origin:
        return join(plain(self.origin(n)) for n in nodes)


def _checked_arguments(condition: Node | None) -> set[str]:
    """The variables a check call tests: `isSafe(next)`, `ALLOWED.includes(next)`."""
    while condition is not None and condition.type == "parenthesized_expression" and condition.named_children:
        condition = condition.named_children[0]
    if condition is None or condition.type != "call_expression":
        return set()
    callee = condition.child_by_field_name("function")
    prop = callee.child_by_field_name("property") if callee is not None else None
    name = ((prop if prop is not None else callee).text or b"").decode() if callee is not None else ""
    if not frameworks.is_check_method(name):
        return set()
    arguments = condition.child_by_field_name("arguments")
    return {(a.text or b"").decode() for a in (arguments.named_children if arguments else ()) if a.type == "identifier"}


def _last_name(node: Node) -> str:
    """`snapshot` for `this.route.snapshot`."""
    prop = node.child_by_field_name("property") if node.type == "member_expression" else node
    return (prop.text or b"").decode() if prop is not None else ""
