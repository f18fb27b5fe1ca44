"""Walk the statements of one function (or module) in order, tracking `name -> Origin`.

Environments are never mutated once recorded (an assignment makes a new dict), so the
environment before each statement can be kept by reference. `None` is the environment of
unreachable code (after `return`, `raise`, `abort()`), which is what makes early-exit checks
sanitise: `if x not in ALLOWED: abort(400)` leaves only the branch where `x` is allowed.
Conditions sanitise the names they check: allow-list membership (`x in ALLOWED`), equality
with a constant, path containment (`p.resolve().is_relative_to(base)`, `real.startswith(base)`,
`os.path.commonpath`), `x.isdigit()`-style predicates and full regular-expression matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tree_sitter import Node

from . import taint_tables as tables
from .taint import CONSTANT, REQUEST, Kind, Origin, join

if TYPE_CHECKING:
    from .taint import TaintAnalysis

Env = dict[str, Origin]
Facts = dict[str, str]  # name -> the check that proved it harmless
_TARGET_LISTS = frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"})
_VALUE_LISTS = frozenset({"tuple", "list", "expression_list", "pattern_list"})
_CONTAINMENT = "a path containment check"
# Blocks nested deeper than this are not walked in order (each level costs Python stack frames,
# and 493 nested `if`s overflowed it): their assignments are read flow-insensitively instead.
MAX_FLOW_NESTING = 48
_SIMPLE_BINDINGS = frozenset({"assignment", "augmented_assignment"})


def join_envs(envs: list[Env | None]) -> Env | None:
    """The environment where several paths meet (None when all are unreachable)."""
    live = [env for env in envs if env is not None]
    if len(live) <= 1:
        return live[0] if live else None
    merged: Env = {}
    for key in {key for env in live for key in env}:
        values = [env[key] for env in live if key in env]
        merged[key] = values[0] if all(v is values[0] for v in values) else join(values)
    return merged


class ScopeWalker:
    """One in-order pass over a scope; `snapshots` maps statement ids to the env before them."""

    def __init__(self, analysis: TaintAnalysis, record: bool) -> None:
        self.analysis = analysis
        self.ctx = analysis.ctx
        self.record = record
        self.snapshots: dict[int, Env] = {}
        self._returns: list[Origin] = []
        self._depth = 0

    def run(self, scope: Node, env: Env) -> None:
        body = scope.child_by_field_name("body") if scope.type == "function_definition" else scope
        if body is not None:
            self.block(body, env)

    def returned(self) -> Origin:
        return join(self._returns)

    def value(self, node: Node | None, env: Env) -> Origin:
        return self.analysis.evaluate(node, env) if node is not None else CONSTANT

    def block(self, block: Node | None, env: Env | None) -> Env | None:
        if block is not None and env is not None and self._depth >= MAX_FLOW_NESTING:
            return self.flat_block(block, env)
        self._depth += 1
        try:
            for statement in block.named_children if block is not None else ():
                if env is None:
                    break
                if self.record:
                    self.snapshots[statement.id] = env
                handler = _HANDLERS.get(statement.type)
                if handler is not None:
                    env = handler(self, statement, env)
        finally:
            self._depth -= 1
        return env

    def flat_block(self, block: Node, env: Env) -> Env:
        """A block too deep to walk in order, read without recursion and without order: every
        assignment in it (at any depth) joins its origin into the name's, and every statement
        in it sees the result. Checks and early exits are ignored, so nothing is lost, only
        precision."""
        assignments, statements = [], []
        stack = [block]
        while stack:
            node = stack.pop()
            if node.type in _SIMPLE_BINDINGS:
                assignments.append(node)
            elif node.type.endswith("statement"):
                statements.append(node)
            if node.type not in ("function_definition", "class_definition", "lambda"):
                stack.extend(node.named_children)
        for node in sorted(assignments, key=lambda n: n.start_byte):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.type == "identifier" and right is not None:
                name = (left.text or b"").decode("utf-8", "replace")
                origin = self.value(right, env)
                env = {**env, name: join([env[name], origin]) if name in env else origin.through(name)}
        if self.record:
            for statement in statements:
                self.snapshots[statement.id] = env
        return env

    # Simple statements -------------------------------------------------------------------

    def expression(self, node: Node, env: Env) -> Env | None:
        inner = node.named_children[0] if node.named_children else None
        if inner is None:
            return env
        if inner.type in ("assignment", "augmented_assignment"):
            return self.assign(inner, env)
        call = inner.named_children[0] if inner.type == "await" and inner.named_children else inner
        if call.type == "call" and self.ctx.qualified_name(call.child_by_field_name("function")) in tables.EXIT_CALLS:
            return None
        return env

    def returns(self, node: Node, env: Env) -> None:
        self._returns.append(self.value(node.named_children[0] if node.named_children else None, env))

    def assertion(self, node: Node, env: Env) -> Env:
        return self.facts(node.named_children[0], env)[0] if node.named_children else env

    def assign(self, node: Node, env: Env) -> Env:
        targets: list[Node] = []
        right = node.child_by_field_name("right")
        while node.type == "assignment" and right is not None and right.type == "assignment":
            left = node.child_by_field_name("left")
            if left is not None:
                targets.append(left)
            node, right = right, right.child_by_field_name("right")
        left = node.child_by_field_name("left")
        if left is None or right is None:
            return env  # `x: int` declares, binds nothing
        origin = self.value(right, env)
        if node.type == "augmented_assignment":
            return self.bind(left, None, join([self.value(left, env), origin]), env)
        for target in [*targets, left]:
            env = self.bind(target, right, origin, env)
        return env

    def bind(self, target: Node, value: Node | None, origin: Origin, env: Env) -> Env:
        kind = target.type
        if kind == "identifier":
            name = (target.text or b"").decode("utf-8", "replace")
            return {**env, name: origin if origin is REQUEST else origin.through(name)}
        if kind in _TARGET_LISTS:
            parts = target.named_children
            items = value.named_children if value is not None and value.type in _VALUE_LISTS else []
            pairwise = len(items) == len(parts) and not any(i.type == "list_splat" for i in items)
            # An element of an unknown sequence is not the variable the sequence came through:
            # `hash, code = load()` must not report `code` as `hash`, so each target names itself.
            element = origin if origin is REQUEST else replace(origin, variable=None)
            for index, part in enumerate(parts):
                env = self.bind(
                    part,
                    items[index] if pairwise else None,
                    self.value(items[index], env) if pairwise else element,
                    env,
                )
            return env
        if kind in ("list_splat_pattern", "as_pattern_target", "parenthesized_expression") and target.named_children:
            return self.bind(target.named_children[0], value, origin, env)
        base = target.child_by_field_name("value") if kind == "subscript" else None
        if base is not None and base.type == "identifier":  # `d[k] = v` adds v to container d
            return self.bind(base, None, join([self.value(base, env), origin]), env)
        return env

    # Compound statements -----------------------------------------------------------------

    def if_statement(self, node: Node, env: Env) -> Env | None:
        current: Env | None = env
        ends: list[Env | None] = []
        clauses = [node, *node.children_by_field_name("alternative")]
        for clause in clauses:
            if current is None:
                break
            if self.record and clause is not node:
                self.snapshots[clause.id] = current
            if clause.type == "else_clause":
                ends.append(self.block(clause.child_by_field_name("body"), current))
                current = None
                continue
            when_true, when_false = self.facts(clause.child_by_field_name("condition"), current)
            ends.append(self.block(clause.child_by_field_name("consequence"), when_true))
            current = when_false
        return join_envs([*ends, current])

    def for_statement(self, node: Node, env: Env) -> Env | None:
        left = node.child_by_field_name("left")
        inner = (
            self.bind(left, None, self.value(node.child_by_field_name("right"), env), env) if left is not None else env
        )
        after = join_envs([inner, self.block(node.child_by_field_name("body"), inner)])
        return self._else(node, after)

    def while_statement(self, node: Node, env: Env) -> Env | None:
        when_true, when_false = self.facts(node.child_by_field_name("condition"), env)
        after = join_envs([when_false, self.block(node.child_by_field_name("body"), when_true)])
        return self._else(node, after)

    def _else(self, node: Node, env: Env | None) -> Env | None:
        alternative = node.child_by_field_name("alternative")
        return self.block(alternative.child_by_field_name("body"), env) if alternative is not None else env

    def try_statement(self, node: Node, env: Env) -> Env | None:
        end = self.block(node.child_by_field_name("body"), env)
        start = join_envs([env, end]) or env
        handlers: list[Env | None] = []
        final: Node | None = None
        for clause in node.named_children:
            if clause.type in ("except_clause", "except_group_clause"):
                if self.record:
                    self.snapshots[clause.id] = start
                handlers.append(self.block(_last_block(clause), start))
            elif clause.type == "else_clause":
                end = self.block(clause.child_by_field_name("body"), end)
            elif clause.type == "finally_clause":
                final = clause
        after = join_envs([end, *handlers])
        if final is None:
            return after
        finished = self.block(_last_block(final), after if after is not None else start)
        return finished if after is not None else None

    def with_statement(self, node: Node, env: Env) -> Env | None:
        clause = next((c for c in node.named_children if c.type == "with_clause"), None)
        for item in clause.named_children if clause is not None else ():
            value = item.child_by_field_name("value")
            if value is not None and value.type == "as_pattern" and value.named_children:
                alias = value.child_by_field_name("alias")
                if alias is not None:
                    env = self.bind(alias, None, self.value(value.named_children[0], env), env)
        return self.block(node.child_by_field_name("body"), env)

    def match_statement(self, node: Node, env: Env) -> Env | None:
        body = node.child_by_field_name("body")
        cases = [c for c in body.named_children if c.type == "case_clause"] if body is not None else []
        ends = [self.block(case.child_by_field_name("consequence"), env) for case in cases]
        return join_envs([*ends, env])

    # Conditions that sanitise ------------------------------------------------------------

    def facts(self, condition: Node | None, env: Env) -> tuple[Env, Env]:
        """The environments where `condition` is true and where it is false."""
        if condition is None:
            return env, env
        when_true, when_false = self.checked(condition, env)
        return _sanitise(env, when_true), _sanitise(env, when_false)

    def checked(self, node: Node, env: Env) -> tuple[Facts, Facts]:
        kind = node.type
        if kind == "parenthesized_expression" and node.named_children:
            return self.checked(node.named_children[0], env)
        if kind == "not_operator" and node.named_children:
            when_true, when_false = self.checked(node.named_children[-1], env)
            return when_false, when_true
        if kind == "boolean_operator":
            left, right = (self.checked(node.child_by_field_name(f) or node, env) for f in ("left", "right"))
            both = lambda a, b: {k: v for k, v in a.items() if k in b}
            if self.ctx.text(node.child_by_field_name("operator")) == "and":
                return {**left[0], **right[0]}, both(left[1], right[1])
            return both(left[0], right[0]), {**left[1], **right[1]}
        if kind == "comparison_operator":
            return self._comparison(node, env)
        if kind == "call":
            return _names(node_checked(self, node), env), {}
        return {}, {}

    def _comparison(self, node: Node, env: Env) -> tuple[Facts, Facts]:
        children = node.children
        if len(children) != 3:
            return {}, {}
        left, operator, right = children[0], children[1].type, children[2]
        if operator in ("in", "not in") and self.value(right, env).kind is Kind.CONSTANT:
            facts = _names([(left, "an allow-list check")], env)
            return (facts, {}) if operator == "in" else ({}, facts)
        if operator in ("==", "!=", "is"):
            facts = self._equality(left, right, env) or self._equality(right, left, env)
            return (facts, {}) if operator != "!=" else ({}, facts)
        return {}, {}

    def _equality(self, side: Node, other: Node, env: Env) -> Facts:
        if side.type == "call" and (self.ctx.qualified_name(side.child_by_field_name("function")) or "").endswith(
            "commonpath"
        ):
            return _names([(side.child_by_field_name("arguments") or side, _CONTAINMENT)], env)
        if side.type == "identifier" and self.value(other, env).kind is Kind.CONSTANT:
            return _names([(side, "a comparison with a constant")], env)
        return {}


def node_checked(walker: ScopeWalker, call: Node) -> list[tuple[Node, str]]:
    """The expressions a call used as a condition proves harmless, with the check's name."""
    callee = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    positional = [c for c in args.named_children if c.type != "keyword_argument"] if args is not None else []
    if callee is None:
        return []
    name = walker.ctx.qualified_name(callee) or ""
    if name in ("re.fullmatch", "re.match") and len(positional) >= 2:
        return [(positional[1], "a regular-expression check")]
    if (
        name == "isinstance"
        and len(positional) == 2
        and walker.ctx.text(positional[1]).strip("()") in ("int", "float", "bool", "int, float")
    ):
        return [(positional[0], "a type check")]
    if callee.type != "attribute" or callee.child_by_field_name("object") is None:
        return []
    receiver = callee.child_by_field_name("object")
    method = walker.ctx.text(callee.child_by_field_name("attribute"))
    if method == "is_relative_to" or (method == "startswith" and positional and _is_base_path(positional[0])):
        return [(receiver, _CONTAINMENT)] if receiver is not None else []
    if method in tables.SAFE_PREDICATES:
        return [(receiver, f"`{method}()`")] if receiver is not None else []
    if method == "fullmatch" and positional:
        return [(positional[0], "a regular-expression check")]
    return []


def _is_base_path(prefix: Node) -> bool:
    """`startswith(BASE_DIR)` or `startswith("/srv/")` checks a directory; `startswith("http")` does not."""
    if prefix.type != "string":
        return prefix.type in ("identifier", "attribute", "call")
    text = (prefix.text or b"").decode("utf-8", "replace").lstrip("rbuRBUfF").strip("'\"")
    return text.startswith(("/", "\\")) or ":\\" in text


def _names(checked: list[tuple[Node, str]], env: Env) -> Facts:
    """The local variables inside each checked expression (not attribute names or keywords)."""
    found: Facts = {}
    for root, label in checked:
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "identifier":
                name = (node.text or b"").decode("utf-8", "replace")
                if name in env and env[name].kind is not Kind.CONSTANT:
                    found[name] = label
            elif node.type == "attribute":
                stack.extend(n for n in (node.child_by_field_name("object"),) if n is not None)
            elif node.type == "keyword_argument":
                stack.extend(n for n in (node.child_by_field_name("value"),) if n is not None)
            else:
                stack.extend(node.named_children)
    return found


def _sanitise(env: Env, facts: Facts) -> Env:
    if not facts:
        return env
    return {**env, **{name: Origin(Kind.CONSTANT, variable=name, sanitized_by=label) for name, label in facts.items()}}


def _last_block(node: Node) -> Node | None:
    return next((c for c in reversed(node.named_children) if c.type == "block"), None)


_HANDLERS: dict[str, Callable[[ScopeWalker, Node, Env], Env | None]] = {
    "expression_statement": ScopeWalker.expression,
    "return_statement": ScopeWalker.returns,
    "raise_statement": lambda walker, node, env: None,
    "break_statement": lambda walker, node, env: None,
    "continue_statement": lambda walker, node, env: None,
    "assert_statement": ScopeWalker.assertion,
    "if_statement": ScopeWalker.if_statement,
    "for_statement": ScopeWalker.for_statement,
    "while_statement": ScopeWalker.while_statement,
    "try_statement": ScopeWalker.try_statement,
    "with_statement": ScopeWalker.with_statement,
    "match_statement": ScopeWalker.match_statement,
}
