"""Comparisons that refuse a known value: `if SECRET_KEY == "changeme": raise ...`.

A literal compared with a credential name is usually the credential itself (`if password ==
"hunter2": login()`), but a program that checks its configuration for a shipped default and then
stops or warns holds no secret: the literal is the value it refuses to run with. This module
says whether a comparison is such a check, from the operator and the branch it guards:

- equality (`==`, `===`, `is`) as an `if` condition (alone, or one side of an `or`) whose branch
  raises, exits, warns, logs a warning or an error, records a problem (`problems.append(...)`)
  or returns `False`;
- inequality (`!=`, `!==`, `is not`) as an `assert`.

`if token != "s3cr3t": abort(403)` is the opposite, a hard-coded credential that the branch
enforces, and stays reported.
"""

from __future__ import annotations

from tree_sitter import Node

_EQUAL = frozenset({"==", "===", "is"})
_NOT_EQUAL = frozenset({"!=", "!==", "is not"})
_GROUPING = frozenset({"parenthesized_expression", "boolean_operator", "binary_expression"})
_IF_STATEMENTS = frozenset({"if_statement", "elif_clause"})
# The last word of a call in a branch that refuses the value or reports it.
_REFUSING_CALLS = frozenset(
    {"exit", "_exit", "quit", "abort", "warn", "warning", "error", "critical", "fatal", "exception", "append"}
)
_STATEMENT_WRAPPERS = frozenset({"block", "statement_block", "expression_statement"})


def refuses_value(comparison: Node, operator: str) -> bool:
    """True when `comparison` (a literal compared with something) is a check that refuses the literal."""
    if operator in _NOT_EQUAL:
        return _asserted(comparison)
    if operator not in _EQUAL:
        return False
    branch = _guarded_branch(comparison)
    return branch is not None and any(_refuses(statement) for statement in _statements(branch))


def _asserted(comparison: Node) -> bool:
    parent = _outside_parentheses(comparison)
    return parent is not None and parent.type == "assert_statement"


def _guarded_branch(comparison: Node) -> Node | None:
    """The branch an `if` runs when `comparison` holds: it is the condition, or a side of an `or`."""
    child, parent = comparison, comparison.parent
    while parent is not None and parent.type in _GROUPING:
        if parent.type != "parenthesized_expression" and _operator(parent) not in ("or", "||"):
            return None
        child, parent = parent, parent.parent
    if parent is None or parent.type not in _IF_STATEMENTS or child != parent.child_by_field_name("condition"):
        return None
    return parent.child_by_field_name("consequence")


def _statements(branch: Node) -> list[Node]:
    if branch.type in ("block", "statement_block"):
        return list(branch.named_children)
    return [branch]


def _refuses(statement: Node) -> bool:
    if statement.type in ("raise_statement", "throw_statement"):
        return True
    if statement.type == "return_statement":
        values = statement.named_children
        return len(values) == 1 and values[0].type == "false"
    if statement.type != "expression_statement" or not statement.named_children:
        return False
    call = statement.named_children[0]
    if call.type not in ("call", "call_expression"):
        return False
    return _last_word(call.child_by_field_name("function")) in _REFUSING_CALLS


def _last_word(callee: Node | None) -> str:
    if callee is None or callee.text is None:
        return ""
    return callee.text.decode("utf-8", "replace").rsplit(".", 1)[-1]


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def _outside_parentheses(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None and parent.type == "parenthesized_expression":
        parent = parent.parent
    return parent
