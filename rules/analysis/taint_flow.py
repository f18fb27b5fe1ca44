"""Walk the statements of one function (or module) in order, tracking `name -> Origin`.

Environments are persistent maps (`immutables.Map`, a hash array mapped trie): an assignment
makes a new map sharing all but O(log n) of the old one, so the environment before each
statement is kept by reference and a scope of n assignments costs O(n log n), not the O(n^2) of
copying a dict per assignment. `None` is the environment of
unreachable code (after `return`, `raise`, `abort()`), which is what makes early-exit checks
sanitise: `if x not in ALLOWED: abort(400)` leaves only the branch where `x` is allowed.
Conditions sanitise the names they check: allow-list membership (`x in ALLOWED`), equality
with a constant, path containment (`p.resolve().is_relative_to(base)`, `real.startswith(base)`,
`os.path.commonpath`), `x.isdigit()`-style predicates and full regular-expression matches.
A rejected substring (`if "../" in p: return`) is a guard: the value stays tainted, marked with
the payload it cannot hold, and only the sinks that payload matters for accept it.

Containers are followed: `parts.append(x)`, `buf.write(x)` put x into the receiver; a constant
key keeps its own entry (`conf.set("s", "keyA", v)`, `d["keyA"] = v`, `{"keyA": v}` are the
environment entry `conf['keyA']`), so reading keyA never sees what was stored under keyB.
Conditions that fold to a constant (`taint_fold`) take only the branch they select; `break`
and `continue` carry their environment to the code after the loop.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from immutables import Map
from tree_sitter import Node

from . import taint_tables as tables
from .taint import CONSTANT, Kind, Origin, is_carrier, join
from .taint_eval import keyed_name
from .taint_fold import NOT_CONSTANT, fold

if TYPE_CHECKING:
    from ..context import FileContext
    from .taint import TaintAnalysis

Env = Map[str, Origin]
EMPTY_ENV: Env = Map()
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
    with live[0].mutate() as merged:
        for key in {key for env in live for key in env}:
            values = [env[key] for env in live if key in env]
            merged[key] = values[0] if all(v is values[0] for v in values) else join(values)
        result: Env = merged.finish()
    return result


class ScopeWalker:
    """One in-order pass over a scope; `snapshots` maps statement ids to the env before them."""

    def __init__(self, analysis: TaintAnalysis, record: bool) -> None:
        self.analysis = analysis
        self.ctx = analysis.ctx
        self.record = record
        self.snapshots: dict[int, Env] = {}
        self._returns: list[Origin] = []
        self._depth = 0
        self._loop_exits: list[list[Env]] = []  # per enclosing loop: envs at its `break`/`continue`
        self._keyed: set[str] = set()  # containers that ever had a constant key stored (`d["k"] = v`)

    def run(self, scope: Node, env: Mapping[str, Origin]) -> None:
        body = scope.child_by_field_name("body") if scope.type == "function_definition" else scope
        if body is not None:
            self.block(body, env if isinstance(env, Map) else Map(env))

    def returned(self) -> Origin:
        return join(self._returns)

    def value(self, node: Node | None, env: Env) -> Origin:
        """The origin of an expression, without a folded value (only `assign` folds)."""
        origin = self.analysis.evaluate(node, env) if node is not None else CONSTANT
        return replace(origin, value=None) if origin.value is not None else origin

    def fold(self, node: Node | None, env: Env) -> object:
        """The constant value of a condition or subject under `env`, or NOT_CONSTANT."""
        return fold(node, lambda name: _folded_value(env.get(name)))

    def loop_exit(self, node: Node, env: Env) -> None:
        """`break`/`continue`: this path leaves the loop body and reaches the code after the loop."""
        if self._loop_exits:
            self._loop_exits[-1].append(env)

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
                env = env.set(name, join([env[name], origin]) if name in env else origin.through(name))
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
        return self.container_write(call, env) if call.type == "call" else env

    def container_write(self, call: Node, env: Env) -> Env:
        """`parts.append(x)`, `buf.write(x)`, `conf.set(section, "key", x)`: the receiver now holds x."""
        callee = call.child_by_field_name("function")
        receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
        if receiver is None or receiver.type != "identifier":
            return env
        name = (receiver.text or b"").decode("utf-8", "replace")
        method = self.ctx.text(callee.child_by_field_name("attribute")) if callee is not None else ""
        args = call.child_by_field_name("arguments")
        positional = [c for c in args.named_children if c.type not in ("keyword_argument", "comment")] if args else []
        if name not in env or (method not in tables.CONTAINER_WRITES and method not in tables.KEYED_WRITES):
            return env
        if method in tables.KEYED_WRITES:
            key_at, value_at = tables.KEYED_WRITES[method]
            if len(positional) <= value_at:
                return env
            stored = self.value(positional[value_at], env)
            env = self.store_key(name, positional[key_at], stored, env)
        else:
            stored = join(self.value(argument, env) for argument in positional)
        return env.set(name, join([env[name], stored]))

    def store_key(self, container: str, key: Node, stored: Origin, env: Env) -> Env:
        value = self.fold(key, env)
        if value is NOT_CONSTANT:
            return env
        self._keyed.add(container)
        return env.set(keyed_name(container, value), stored)

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
        if origin.kind is Kind.CONSTANT:
            folded = self.fold(right, env)
            origin = origin if folded is NOT_CONSTANT else replace(origin, value=(folded,))
        for target in [*targets, left]:
            env = self.bind(target, right, origin, env)
            if target.type == "identifier" and right.type == "dictionary":
                env = self.dictionary_keys(self.ctx.text(target), right, env)
        return env

    def dictionary_keys(self, name: str, literal: Node, env: Env) -> Env:
        """`conf = {"keyA": "a", "keyB": param}`: each constant key keeps its own origin."""
        for pair in literal.named_children:
            if pair.type == "pair" and pair.child_by_field_name("key") is not None:
                value = self.value(pair.child_by_field_name("value"), env)
                env = self.store_key(name, pair.child_by_field_name("key"), value, env)  # type: ignore[arg-type]
        return env

    def bind(self, target: Node, value: Node | None, origin: Origin, env: Env) -> Env:
        kind = target.type
        if kind == "identifier":
            name = (target.text or b"").decode("utf-8", "replace")
            if name in self._keyed:  # a new value forgets what the old one stored
                env = _forget_keys(env, name)
            return env.set(name, origin if is_carrier(origin) else origin.through(name))
        if kind in _TARGET_LISTS:
            parts = target.named_children
            items = value.named_children if value is not None and value.type in _VALUE_LISTS else []
            pairwise = len(items) == len(parts) and not any(i.type == "list_splat" for i in items)
            # An element of an unknown sequence is not the variable the sequence came through:
            # `hash, code = load()` must not report `code` as `hash`, so each target names itself.
            element = origin if is_carrier(origin) else replace(origin, variable=None, value=None)
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
            name = (base.text or b"").decode("utf-8", "replace")
            key = target.child_by_field_name("subscript")
            stored = replace(origin, value=None)
            keyed = self.store_key(name, key, stored, env) if key is not None else env
            return keyed.set(name, join([self.value(base, env), stored]).through(name))
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
            condition = clause.child_by_field_name("condition")
            decided = self.fold(condition, current)
            if decided is not NOT_CONSTANT:  # `if 208 > 200:` always (or never) runs its body
                if decided:
                    ends.append(self.block(clause.child_by_field_name("consequence"), current))
                    current = None
                continue
            when_true, when_false = self.facts(condition, current)
            ends.append(self.block(clause.child_by_field_name("consequence"), when_true))
            current = when_false
        return join_envs([*ends, current])

    def for_statement(self, node: Node, env: Env) -> Env | None:
        left = node.child_by_field_name("left")
        inner = (
            self.bind(left, None, self.value(node.child_by_field_name("right"), env), env) if left is not None else env
        )
        end, exits = self.loop_body(node, inner)
        return join_envs([self._else(node, join_envs([inner, end])), *exits])

    def while_statement(self, node: Node, env: Env) -> Env | None:
        condition = node.child_by_field_name("condition")
        if self.fold(condition, env) is False:
            return self._else(node, env)
        when_true, when_false = self.facts(condition, env)
        end, exits = self.loop_body(node, when_true)
        return join_envs([self._else(node, join_envs([when_false, end])), *exits])

    def loop_body(self, node: Node, env: Env) -> tuple[Env | None, list[Env]]:
        """Walk a loop body once; also return the envs that left it by `break`/`continue`.

        Folded values are dropped on entry: the body runs more than once, and a value a later
        iteration changes (`first = False`) must not decide a condition from the first pass.
        """
        if any(origin.value is not None for origin in env.values()):
            env = Map({name: replace(origin, value=None) for name, origin in env.items()})
        self._loop_exits.append([])
        try:
            end = self.block(node.child_by_field_name("body"), env)
        finally:
            exits = self._loop_exits.pop()
        return end, exits

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
        chosen = self._constant_case(node, cases, env)
        if chosen is not None:  # `match 3:` runs exactly the first case that matches 3
            return self.block(chosen.child_by_field_name("consequence"), env)
        ends = [self.block(case.child_by_field_name("consequence"), env) for case in cases]
        return join_envs([*ends, env])

    def _constant_case(self, node: Node, cases: list[Node], env: Env) -> Node | None:
        subject = self.fold(node.child_by_field_name("subject"), env)
        if subject is NOT_CONSTANT:
            return None
        for case in cases:
            if case.child_by_field_name("guard") is not None:
                return None
            patterns = [c for c in case.named_children if c.type == "case_pattern"]
            for pattern in patterns:
                if pattern.named_children and pattern.named_children[0].type == "dotted_name":
                    if self.ctx.text(pattern) == "_" or "." not in self.ctx.text(pattern):
                        return case  # `case _:` or a capture pattern matches anything
                    return None
                if not pattern.named_children and self.ctx.text(pattern) == "_":
                    return case
                value = fold(pattern.named_children[0] if pattern.named_children else None, lambda _: NOT_CONSTANT)
                if value is NOT_CONSTANT:
                    return None
                if value == subject:
                    return case
        return None

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
        if operator in ("in", "not in") and (left.type == "string" or self._is_separator(left)):
            guard = _guard(left)  # `if "../" in name: return ...` keeps only names without `..`
            facts = _names([(right, guard)], env) if guard is not None else {}
            return ({}, facts) if operator == "in" else (facts, {})
        # Membership in any server-side collection is an allow-list (`lang in app.config["LANGUAGES"]`,
        # `name in registry`); only a collection the client sent proves nothing.
        if operator in ("in", "not in") and self.value(right, env).kind is not Kind.TAINTED:
            facts = _names([(left, "an allow-list check")], env)
            return (facts, {}) if operator == "in" else ({}, facts)
        if operator in ("==", "!=", "is"):
            facts = self._equality(left, right, env) or self._equality(right, left, env)
            return (facts, {}) if operator != "!=" else ({}, facts)
        return {}, {}

    def _is_separator(self, node: Node) -> bool:
        """`os.sep` / `os.path.sep`: `if os.path.sep in name: raise ...` keeps one path component."""
        return (self.ctx.qualified_name(node) or "") in tables.PATH_SEPARATORS

    def _equality(self, side: Node, other: Node, env: Env) -> Facts:
        if side.type == "call" and (self.ctx.qualified_name(side.child_by_field_name("function")) or "").endswith(
            "commonpath"
        ):
            return _names([(side.child_by_field_name("arguments") or side, _CONTAINMENT)], env)
        side = _case_folded(self.ctx, side)  # `fmt.upper() == "TXT"` leaves `fmt` a spelling of "txt"
        if side.type == "identifier" and self.value(other, env).kind is Kind.CONSTANT:
            return _names([(side, "a comparison with a constant")], env)
        return {}


_CASE_METHODS = frozenset({"upper", "lower", "casefold", "strip", "lstrip", "rstrip", "title", "capitalize"})


def _case_folded(ctx: FileContext, side: Node) -> Node:
    """The name under `name.lower()` / `name.strip().upper()`, else `side` itself."""
    while side.type == "call":
        callee = side.child_by_field_name("function")
        method = ctx.text(callee.child_by_field_name("attribute")) if callee is not None else ""
        if callee is None or callee.type != "attribute" or method not in _CASE_METHODS:
            return side
        side = callee.child_by_field_name("object") or side
    return side


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


def _folded_value(origin: Origin | None) -> object:
    return origin.value[0] if origin is not None and origin.value is not None else NOT_CONSTANT


def _guard(literal: Node) -> str | None:
    """The guard a rejected substring stands for (`".."`, a lone `"/"` or `os.sep` -> the path guard), if any."""
    text = (literal.text or b"").decode("utf-8", "replace")
    if literal.type != "string" or text[1:-1] in ("/", "\\\\"):
        return tables.PATH_GUARD  # without a separator the name is one component (`..` alone names a folder)
    for label, pieces in tables.GUARDS:
        if any(piece in text[1:-1] for piece in pieces):
            return label
    return None


def _sanitise(env: Env, facts: Facts) -> Env:
    if not facts:
        return env
    guards = {label for label, _ in tables.GUARDS}
    return env.update(
        {
            name: replace(env[name], sanitized_by=label)
            if label in guards
            else Origin(Kind.CONSTANT, variable=name, sanitized_by=label)
            for name, label in facts.items()
        }
    )


def _forget_keys(env: Env, container: str) -> Env:
    """`env` without the constant-key entries of `container` (`d['k']`), before `d` is rebound."""
    prefix = f"{container}["
    stale = [key for key in env if key.startswith(prefix)]
    if not stale:
        return env
    with env.mutate() as fresh:
        for key in stale:
            del fresh[key]
        result: Env = fresh.finish()
    return result


def _last_block(node: Node) -> Node | None:
    return next((c for c in reversed(node.named_children) if c.type == "block"), None)


_HANDLERS: dict[str, Callable[[ScopeWalker, Node, Env], Env | None]] = {
    "expression_statement": ScopeWalker.expression,
    "return_statement": ScopeWalker.returns,
    "raise_statement": lambda walker, node, env: None,
    "break_statement": ScopeWalker.loop_exit,
    "continue_statement": ScopeWalker.loop_exit,
    "assert_statement": ScopeWalker.assertion,
    "if_statement": ScopeWalker.if_statement,
    "for_statement": ScopeWalker.for_statement,
    "while_statement": ScopeWalker.while_statement,
    "try_statement": ScopeWalker.try_statement,
    "with_statement": ScopeWalker.with_statement,
    "match_statement": ScopeWalker.match_statement,
}
