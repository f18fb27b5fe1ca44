"""What expression an argument holds, and how it was built: for injection and loader rules.

Not a rule module (the leading underscore keeps the registry out). Query rules (LDAP filters,
XPath) report a query *built* in place (f-string, `%`, `+`, `.format`, `.join`) from
non-constant parts, and accept one whose every non-constant part went through the query
language's escaper; loader rules ask what a file handle was opened on. The taint analysis
tracks origins, not expressions, so for a local name these helpers look at its last assignment
before the use (same function, any branch) or its `with ... as` binding: a heuristic that is
right for the straight-line code such values are usually made in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from tree_sitter import Node

from ..analysis.bindings import last_binding
from ..analysis.sinks import taint_verdict
from ..analysis.taint import Kind
from ..context import Match
from ..model import Report

_SCOPES = frozenset({"function_definition", "module"})
_NESTED = frozenset({"function_definition", "class_definition", "lambda"})
_BUILD_METHODS = frozenset({"format", "format_map", "join"})
# Nodes whose children are the parts: operators, groupings, `%` tuples, `.format(...)` arguments.
_CONTAINERS = frozenset(
    {
        "binary_operator",
        "parenthesized_expression",
        "tuple",
        "list",
        "dictionary",
        "pair",
        "concatenated_string",
        "argument_list",
    }
)


def definition(node: Node | None) -> Node | None:
    """The expression a local name was last assigned (or bound by `with x as name`) before `node`.

    `node` itself when it is not a name or no binding is found.
    """
    if node is None or node.type != "identifier":
        return node
    scope = node.parent
    while scope is not None and scope.type not in _SCOPES:
        scope = scope.parent
    best = last_binding(scope, node, _plain_assignments) if scope is not None else None
    value = best.child_by_field_name("right") if best is not None else _with_binding(node)
    return value if value is not None else node


def _plain_assignments(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """Each `name = ...` in `scope` outside nested functions, classes and lambdas (the whole assignment)."""
    stack = list(scope.named_children)
    while stack:
        current = stack.pop()
        if current.type in _NESTED:
            continue
        if current.type == "assignment":
            left = current.child_by_field_name("left")
            if left is not None and left.type == "identifier" and left.text is not None:
                yield current.start_byte, left.text, current
        stack.extend(current.named_children)


def _with_binding(name: Node) -> Node | None:
    """The value of an enclosing `with value as name` clause, if any."""
    current = name.parent
    while current is not None and current.type not in _NESTED:
        clauses = (
            [c for c in current.named_children if c.type == "with_clause"] if current.type == "with_statement" else []
        )
        for item in (item for clause in clauses for item in clause.named_children):
            value = item.child_by_field_name("value")
            alias = value.child_by_field_name("alias") if value is not None and value.type == "as_pattern" else None
            if value is not None and alias is not None and alias.text == name.text:
                return value.named_children[0]
        current = current.parent
    return None


def is_built(node: Node | None) -> bool:
    """True for an f-string with fields, `a % b`, `a + b`, `"...".format(...)` or `"".join(...)`."""
    if node is None:
        return False
    if node.type == "string":
        return any(child.type == "interpolation" for child in node.named_children)
    if node.type == "binary_operator":
        return True
    if node.type == "call":
        callee = node.child_by_field_name("function")
        if callee is not None and callee.type == "attribute":
            attribute = callee.child_by_field_name("attribute")
            return attribute is not None and attribute.text is not None and attribute.text.decode() in _BUILD_METHODS
    return node.type == "concatenated_string" and any(is_built(child) for child in node.named_children)


def parts(node: Node) -> Iterator[Node]:
    """The leaves a built string is made of: interpolated fields, operands, format arguments."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "string":
            fields = [c for c in current.named_children if c.type == "interpolation"]
            stack.extend(c.child_by_field_name("expression") or c for c in fields)
        elif current.type in _CONTAINERS:
            stack.extend(current.named_children)
        elif current.type == "keyword_argument":
            stack.extend(current.children_by_field_name("value"))
        elif current.type == "call" and is_built(current):
            callee = current.child_by_field_name("function")
            stack.extend(callee.children_by_field_name("object") if callee is not None else [])
            stack.extend(current.children_by_field_name("arguments"))
        else:
            yield current


def called_method(match: Match) -> str:
    """The last dotted part of the callee as written: `conn.search_s(...)` -> `search_s`."""
    return match.ctx.text(match.node("fn")).rsplit(".", 1)[-1]


def query_verdict(
    match: Match, value: Node, what: str, consequence: str, is_escaper: Callable[[str], bool] | None = None
) -> Report | None:
    """The verdict on a query argument: tainted always, of unknown origin only when built in
    place, never when every non-constant part went through `is_escaper`."""
    built = definition(value) or value
    if is_escaper is not None and escaped(match, built, is_escaper):
        return None
    return taint_verdict(
        match, value, what, report_unknown=is_built(built), unknown_needs_request=True, consequence=consequence
    )


def escaped(match: Match, node: Node, is_escaper: Callable[[str], bool]) -> bool:
    """True when every part of `node` is a constant or the result of an escaper call."""
    for part in parts(node):
        if part.type == "call" and is_escaper(match.ctx.qualified_name(part.child_by_field_name("function")) or ""):
            continue
        if part.type in ("comment", "string_content", "escape_sequence"):
            continue
        if match.ctx.taint.origin(part).kind is not Kind.CONSTANT:
            return False
    return True
