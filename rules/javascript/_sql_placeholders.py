"""Rewrite a template-literal SQL query into a parameterized one for the driver in use.

`db.query(`SELECT * FROM t WHERE id = ${id}`)` becomes `db.query("SELECT * FROM t WHERE id = ?",
[id])` for mysql/mysql2/sqlite (`?`), `$1, $2...` for pg, and Prisma's `$queryRawUnsafe`
becomes the tagged `$queryRaw` template, which Prisma parameterizes itself. A value quoted in
the SQL (`'${name}'`) loses its quotes; one inside a LIKE pattern (`'%${q}%'`) keeps its
wildcards in the bound value (`` `%${q}%` ``). A `+` concatenation of plain string literals
and names (`"... = '" + name + "'"`) is rewritten the same way. The fix changes the query
text, so it is unsafe.
"""

from __future__ import annotations

import json

from tree_sitter import Node

from ..context import Match
from ..model import Edit, Fix
from ._nodes import arguments, imports_any, unwrap

POSTGRES_MODULES = ("pg", "postgres", "pg-promise", "@neondatabase/serverless", "@vercel/postgres")


def parameterize(match: Match) -> Fix | None:
    """The parameterized form of a one-argument call whose query is a template literal."""
    call = match.target
    args = arguments(call)
    query = unwrap(args[0]) if len(args) == 1 else None
    pieces = _pieces(match, query) if query is not None else None
    if query is None or pieces is None:
        return None
    callee = match.node("fn")
    if (
        callee is not None
        and callee.type == "member_expression"
        and match.ctx.text(callee.child_by_field_name("property"))
        in (
            "$queryRawUnsafe",
            "$executeRawUnsafe",
        )
    ):
        return _prisma_tagged(match, callee, query)
    numbered = imports_any(match.ctx, POSTGRES_MODULES)
    sql, values = _split(match, pieces, numbered)
    if not values:
        return None
    arguments_node = call.child_by_field_name("arguments")
    assert arguments_node is not None
    text = f"({json.dumps(sql)}, [{', '.join(values)}])"
    return Fix(
        title="Use query parameters instead of building the SQL",
        edits=(Edit(arguments_node.start_byte, arguments_node.end_byte, text),),
        safe=False,
    )


def _pieces(match: Match, query: Node) -> list[str | Node] | None:
    """Literal text and value expressions of a template literal or a `+` concatenation."""
    if query.type == "template_string":
        return _template_pieces(match, query)
    if query.type == "binary_expression":
        return _concatenation_pieces(match, query)
    return None


def _template_pieces(match: Match, query: Node) -> list[str | Node]:
    pieces: list[str | Node] = []  # literal text, or the expression of a `${...}`
    for part in query.named_children:
        if part.type == "template_substitution":
            pieces.append(part.named_children[0] if part.named_children else part)
        elif pieces and isinstance(pieces[-1], str):
            pieces[-1] += match.ctx.text(part)
        else:
            pieces.append(match.ctx.text(part))
    return pieces


_VALUE_NODES = ("identifier", "member_expression")


def _concatenation_pieces(match: Match, query: Node) -> list[str | Node] | None:
    """`"... = '" + name + "'"`: plain string literals (no escapes) and names; None otherwise."""
    operands: list[Node] = []
    pending = [query]
    while pending:  # flatten `a + b + c` in source order
        node = pending.pop()
        operator = node.child_by_field_name("operator") if node.type == "binary_expression" else None
        if operator is not None and match.ctx.text(operator) == "+":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None:
                return None
            pending += [right, left]
        else:
            operands.append(node)
    pieces: list[str | Node] = []
    for operand in operands:
        text = match.ctx.text(operand)
        if operand.type == "string" and "\\" not in text:
            literal = text[1:-1]
            if pieces and isinstance(pieces[-1], str):
                pieces[-1] += literal
            else:
                pieces.append(literal)
        elif operand.type in _VALUE_NODES:
            pieces.append(operand)
        else:
            return None
    return pieces


def _split(match: Match, pieces: list[str | Node], numbered: bool) -> tuple[str, list[str]]:
    """The SQL with placeholders, and the bound value expressions in order."""
    sql, values = "", []
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            sql += piece
            continue
        after = pieces[index + 1] if index + 1 < len(pieces) and isinstance(pieces[index + 1], str) else ""
        assert isinstance(after, str)
        expression = match.ctx.text(piece)
        if sql.endswith("%") and after.startswith("%"):  # LIKE '%${q}%': the wildcards go with the value
            sql, after, expression = sql[:-1], after[1:], f"`%${{{expression}}}%`"
        if sql.endswith("'") and after.startswith("'"):  # a quoted value: the driver quotes it
            sql, after = sql[:-1], after[1:]
        values.append(expression)
        sql += f"${len(values)}" if numbered else "?"
        if index + 1 < len(pieces) and isinstance(pieces[index + 1], str):
            pieces[index + 1] = after
    return sql, values


def _prisma_tagged(match: Match, callee: Node, query: Node) -> Fix:
    prop = callee.child_by_field_name("property")
    assert prop is not None
    tagged = match.ctx.text(prop).replace("Unsafe", "")
    call = match.target
    arguments_node = call.child_by_field_name("arguments")
    assert arguments_node is not None
    return Fix(
        title=f"Use Prisma's tagged `{tagged}` template, which binds each `${{}}` as a parameter",
        edits=(
            Edit(prop.start_byte, prop.end_byte, tagged),
            Edit(arguments_node.start_byte, arguments_node.end_byte, match.ctx.text(query)),
        ),
        safe=False,
    )
