"""Walk the statements of one JavaScript/TypeScript scope in order, binding names to origins.

`ScopeWalker.snapshots` maps each statement (and an arrow function's expression body) to the
environment before it; `bound` joins every value the scope ever binds, for closures that read
it. Nested functions are not entered: each is a scope of its own, walked when asked about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tree_sitter import Node

from ..analysis.taint import CONSTANT, Kind, Origin, join
from ..context import FileContext
from ._frameworks import TYPE_PREDICATES, is_check_method
from ._names import JsNameResolver
from ._taint import FUNCTION_TYPES, MARKERS, MAX_DEPTH, Env, bind, element, merge

if TYPE_CHECKING:
    from ._taint import JsTaintAnalysis

_EXITS = frozenset({"return_statement", "throw_statement", "break_statement", "continue_statement"})
# Calls on a variable that put data into it (`parts.push(x)`, `params.append("q", x)`).
_FILLING_METHODS = frozenset({"push", "unshift", "append", "set", "add", "concat", "write", "assign"})


class ScopeWalker:
    """One in-order pass over a scope."""

    def __init__(self, analysis: JsTaintAnalysis, scope: Node) -> None:
        self.analysis = analysis
        self.ctx = analysis.ctx
        self.scope = scope
        self.snapshots: dict[int, Env] = {}
        self.bound: Env = {}
        self.depth = 0

    def run(self, env: Env) -> None:
        body = self.scope if self.scope.parent is None else self.scope.child_by_field_name("body")
        if body is None:
            return
        if body.type in ("statement_block", "program", "class_body"):
            self.block(body, env)
        else:  # an arrow function's expression body
            self.snapshots[body.id] = env

    def value(self, node: Node | None, env: Env) -> Origin:
        return self.analysis.evaluate(node, env, self.scope) if node is not None else CONSTANT

    def block(self, block: Node, env: Env | None) -> Env | None:
        for statement in block.named_children:
            if env is None:
                break
            env = self.statement(statement, env)
        return env

    def statement(self, statement: Node, env: Env) -> Env | None:
        self.snapshots[statement.id] = env
        if statement.type in _EXITS:
            return None
        handler = _HANDLERS.get(statement.type)
        if handler is None:
            return env
        if self.depth > MAX_DEPTH:
            return self.flat(statement, env)
        self.depth += 1
        try:
            return handler(self, statement, env)
        finally:
            self.depth -= 1

    def flat(self, statement: Node, env: Env) -> Env:
        """Past the nesting limit: record every statement below with the same environment."""
        stack = [statement]
        while stack:
            node = stack.pop()
            if node.type in FUNCTION_TYPES:
                continue
            if node.type.endswith("statement") or node.type in ("lexical_declaration", "variable_declaration"):
                self.snapshots.setdefault(node.id, env)
            stack.extend(node.named_children)
        return env

    # Simple statements -----------------------------------------------------------------

    def declaration(self, node: Node, env: Env) -> Env:
        for declarator in node.named_children:
            if declarator.type == "variable_declarator":
                pattern = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if pattern is not None and not _is_require(self.ctx, value):
                    origin = self.value(value, env) if value is not None else CONSTANT
                    env = self.bind(pattern, origin, env)
        return env

    def expression(self, node: Node, env: Env) -> Env:
        inner = node.named_children[0] if node.named_children else None
        while inner is not None and inner.type in ("sequence_expression", "parenthesized_expression"):
            for part in inner.named_children[:-1]:
                env = self.effect(part, env)
            inner = inner.named_children[-1] if inner.named_children else None
        return self.effect(inner, env) if inner is not None else env

    def effect(self, node: Node, env: Env) -> Env:
        if node.type == "await_expression" and node.named_children:
            node = node.named_children[0]
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                return self.bind(left, self.value(right, env), env)
        elif node.type == "augmented_assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                return self.bind(left, join([self.value(left, env), self.value(right, env)]), env)
        elif node.type == "call_expression":
            return self.filling_call(node, env)
        return env

    def filling_call(self, call: Node, env: Env) -> Env:
        """`parts.push(x)`: the receiver now also holds `x`."""
        callee = call.child_by_field_name("function")
        if callee is None or callee.type != "member_expression":
            return env
        receiver = callee.child_by_field_name("object")
        if receiver is None or receiver.type != "identifier":
            return env
        if self.ctx.text(callee.child_by_field_name("property")) not in _FILLING_METHODS:
            return env
        args = call.child_by_field_name("arguments")
        parts = [self.value(receiver, env), *(self.value(a, env) for a in args.named_children)] if args else []
        return self.bind(receiver, join(parts), env)

    def bind(self, target: Node, origin: Origin, env: Env) -> Env:
        kind = target.type
        if kind in ("identifier", "shorthand_property_identifier_pattern"):
            return self._bind_name(self.ctx.text(target), origin, env)
        if kind == "member_expression":
            # `opts.url = x` is remembered under its text, so a later `opts.url` reads it back.
            env = self._bind_name(self.ctx.text(target), origin, env)
            root = target.child_by_field_name("object")
            if root is not None and root.type == "identifier" and origin.kind is Kind.TAINTED:
                env = self._bind_name(self.ctx.text(root), join([self.value(root, env), origin]), env)
            return env
        if kind == "object_pattern":
            return self._bind_object(target, origin, env)
        if kind in ("array_pattern", "rest_pattern"):
            for part in target.named_children:
                env = self.bind(part, element(origin), env)
            return env
        if kind == "assignment_pattern":
            left, default = target.child_by_field_name("left"), target.child_by_field_name("right")
            fallback = self.value(default, env) if default is not None else CONSTANT
            return self.bind(left, join([origin, fallback]), env) if left is not None else env
        return env

    def _bind_object(self, pattern: Node, origin: Origin, env: Env) -> Env:
        from ._taint_eval import property_of

        for part in pattern.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                env = self.bind(part, property_of(origin, self.ctx.text(part)), env)
            elif part.type == "pair_pattern":
                key, value = part.child_by_field_name("key"), part.child_by_field_name("value")
                if value is not None:
                    env = self.bind(value, property_of(origin, self.ctx.text(key)), env)
            elif part.type in ("rest_pattern", "object_assignment_pattern"):
                inner = part.named_children[0] if part.named_children else None
                if inner is not None:
                    env = self.bind(inner, element(origin), env)
        return env

    def _bind_name(self, name: str, origin: Origin, env: Env) -> Env:
        if not any(origin is marker for marker in MARKERS):
            previous = self.bound.get(name)
            self.bound[name] = origin if previous is None else join([previous, origin])
        return bind(env, name, origin)

    # Compound statements ---------------------------------------------------------------

    def if_statement(self, node: Node, env: Env) -> Env | None:
        condition = node.child_by_field_name("condition")
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        taken = self.branch(consequence, self.passed_checks(condition, env) if condition is not None else env)
        other = self.branch(alternative, env) if alternative is not None else env
        if taken is None and alternative is None and condition is not None:
            return self.guarded(condition, env)
        return merge([taken, other])

    def guarded(self, condition: Node, env: Env) -> Env:
        """After `if (<check of x>) return`, `x` has passed the check."""
        for name in self.checked_names(condition):
            if name in env and env[name].kind is Kind.TAINTED:
                env = bind(env, name, Origin(Kind.CONSTANT, variable=name, sanitized_by="a validation check"))
        return env

    def passed_checks(self, condition: Node, env: Env) -> Env:
        """Inside `if (isSafeUrl(next)) { ... }` (or `a && ALLOWED.includes(x)`), the checked value passed."""
        for name in self.positive_checks(condition):
            env = bind(env, name, Origin(Kind.CONSTANT, variable=name, sanitized_by="a validation check"))
        return env

    def positive_checks(self, condition: Node) -> list[str]:
        """The arguments (names or `req.query.x` paths) of the check calls a true condition passed."""
        node = condition
        while node.type == "parenthesized_expression" and node.named_children:
            node = node.named_children[0]
        operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
        if operator is not None and operator.type == "&&":
            return [name for side in node.named_children for name in self.positive_checks(side)]
        callee = node.child_by_field_name("function") if node.type == "call_expression" else None
        prop = callee.child_by_field_name("property") if callee is not None else None
        method = self.ctx.text(prop if prop is not None else callee) if callee is not None else ""
        if not is_check_method(method) or method in TYPE_PREDICATES:
            return []
        args = node.child_by_field_name("arguments")
        kinds = ("identifier", "member_expression")
        return [self.ctx.text(a) for a in (args.named_children if args else ()) if a.type in kinds]

    def checked_names(self, condition: Node) -> list[str]:
        names: list[str] = []
        stack = [condition]
        while stack:
            node = stack.pop()
            if node.type == "call_expression":
                callee = node.child_by_field_name("function")
                prop = callee.child_by_field_name("property") if callee is not None else None
                method = self.ctx.text(prop) if prop is not None else self.ctx.text(callee)
                if is_check_method(method):
                    args = node.child_by_field_name("arguments")
                    for arg in args.named_children if args else ():
                        names.extend(self.ctx.text(a) for a in _checked_parts(arg) if a.type == "identifier")
                    receiver = callee.child_by_field_name("object") if prop is not None and callee is not None else None
                    if receiver is not None and receiver.type == "identifier":
                        names.append(self.ctx.text(receiver))
            elif node.type == "binary_expression":
                operator = node.child_by_field_name("operator")
                if operator is not None and operator.type in ("===", "!==", "==", "!="):
                    names.extend(self.ctx.text(c) for c in node.named_children if c.type == "identifier")
            if node.type not in FUNCTION_TYPES:
                stack.extend(node.named_children)
        return names

    def branch(self, node: Node | None, env: Env) -> Env | None:
        if node is None:
            return env
        if node.type == "else_clause":
            return self.block(node, env)
        if node.type == "statement_block":
            return self.block(node, env)
        return self.statement(node, env)

    def loop(self, node: Node, env: Env) -> Env:
        initializer = node.child_by_field_name("initializer")
        if initializer is not None:
            env = self.statement(initializer, env) or env
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:  # `for (const k of req.query)`: each k is a part
            target = left
            if target.type in ("lexical_declaration", "variable_declaration") and target.named_children:
                target = target.named_children[0].child_by_field_name("name") or target
            env = self.bind(target, element(self.value(right, env)), env)
        body = node.child_by_field_name("body")
        after = self.branch(body, env) if body is not None else env
        return merge([env, after]) or env

    def try_statement(self, node: Node, env: Env) -> Env | None:
        body = node.child_by_field_name("body")
        after_body = self.block(body, env) if body is not None else env
        handler = node.child_by_field_name("handler")
        after_handler = None
        if handler is not None:
            handler_body = handler.child_by_field_name("body")
            after_handler = self.block(handler_body, merge([env, after_body]) or env) if handler_body else env
        result = merge([after_body, after_handler]) if handler is not None else after_body
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            finally_body = finalizer.child_by_field_name("body") or finalizer
            result = self.block(finally_body, result if result is not None else env) if result is not None else None
        return result

    def switch_statement(self, node: Node, env: Env) -> Env:
        body = node.child_by_field_name("body")
        ends: list[Env | None] = [env]
        for case in body.named_children if body is not None else ():
            statements = [c for c in case.named_children if c is not case.child_by_field_name("value")]
            current: Env | None = env
            for statement in statements:
                if current is None:
                    break
                current = self.statement(statement, current)
            ends.append(current)
        return merge(ends) or env

    def nested_block(self, node: Node, env: Env) -> Env | None:
        return self.block(node, env)

    def export(self, node: Node, env: Env) -> Env | None:
        declaration = node.child_by_field_name("declaration")
        return self.statement(declaration, env) if declaration is not None else env

    def labeled(self, node: Node, env: Env) -> Env | None:
        body = node.child_by_field_name("body")
        return self.statement(body, env) if body is not None else env


def _is_require(ctx: FileContext, value: Node | None) -> bool:
    """`const fs = require("fs")`: a module binding, which name resolution owns, not data."""
    names = ctx.names
    return isinstance(names, JsNameResolver) and names.required_name(value) is not None


Handler = Callable[[ScopeWalker, Node, Env], "Env | None"]
_HANDLERS: dict[str, Handler] = {
    "lexical_declaration": ScopeWalker.declaration,
    "variable_declaration": ScopeWalker.declaration,
    "expression_statement": ScopeWalker.expression,
    "if_statement": ScopeWalker.if_statement,
    "for_statement": ScopeWalker.loop,
    "for_in_statement": ScopeWalker.loop,
    "while_statement": ScopeWalker.loop,
    "do_statement": ScopeWalker.loop,
    "try_statement": ScopeWalker.try_statement,
    "switch_statement": ScopeWalker.switch_statement,
    "statement_block": ScopeWalker.nested_block,
    "export_statement": ScopeWalker.export,
    "labeled_statement": ScopeWalker.labeled,
}


def _checked_parts(arg: Node) -> list[Node]:
    """`x` itself, or the values spliced into `` `${pkg}/${x}` `` that a check call compares whole."""
    if arg.type != "template_string":
        return [arg]
    subs = [c.named_children[0] for c in arg.named_children if c.type == "template_substitution" and c.named_children]
    return subs
