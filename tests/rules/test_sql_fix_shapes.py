"""The SQL quick fix with the `%s` placeholder style (any driver but sqlite3): f-strings, `+` and `%`."""

from __future__ import annotations

import pytest
from vetline.rules import registry, testing
from vetline.rules.engine import Engine

RULE = registry.by_id()["sql-query-built-from-strings"]
HEADER = "from flask import request\n\nname = request.args['name']\nuser_id = request.args['id']\n"


def fixed(line: str) -> str:
    """The query line after applying the rule's fixes, in a file that does not import sqlite3."""
    source = (HEADER + line + "\n").encode()
    findings = Engine([RULE]).analyze(source, "python", "app.py").findings
    assert [f.rule_id for f in findings] == [RULE.id]  # the rule fires; only the fix is in question
    return testing.apply_fixes(source, [f.fix for f in findings if f.fix]).decode()[len(HEADER) :].strip()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "cur.execute(f\"SELECT * FROM t WHERE name LIKE '%{name}%'\")",
            'cur.execute("SELECT * FROM t WHERE name LIKE %s", (f"%{name}%",))',
        ),
        (
            'cur.execute("SELECT * FROM t WHERE name = \'" + name + "\' AND id = " + user_id)',
            'cur.execute("SELECT * FROM t WHERE name = %s AND id = %s", (name, user_id))',
        ),
        (
            "cur.execute(\"SELECT * FROM t WHERE name LIKE '%%%s%%' AND id = %d\" % (name, user_id))",
            'cur.execute("SELECT * FROM t WHERE name LIKE %s AND id = %s", (f"%{name}%", user_id))',
        ),
        (
            "cur.execute('SELECT * FROM t WHERE id = ' + user_id)",
            "cur.execute('SELECT * FROM t WHERE id = %s', (user_id,))",
        ),
    ],
)
def test_values_become_parameters_in_every_shape(before: str, after: str) -> None:
    """Ensure that f-string, `+` and `%` queries get placeholders, a LIKE pattern moving into its parameter."""
    assert fixed(before) == after


@pytest.mark.parametrize(
    "line",
    [
        'cur.execute("SELECT * FROM t WHERE name = \'" + name.lower() + "\'")',  # an expression
        "cur.execute(\"SELECT * FROM t WHERE a = '%(name)s'\" % {'name': name})",  # named specifiers
        'cur.execute("SELECT * FROM t WHERE name = \'" + name + "\' AND pct > 50%")',  # a literal % for %s drivers
        'cur.execute("SELECT * FROM t WHERE name = x" + name)',  # glued to an identifier
    ],
)
def test_unclear_shapes_get_no_fix(line: str) -> None:
    """Ensure that a query whose values cannot be told apart from SQL is left for a human."""
    assert fixed(line) == line
