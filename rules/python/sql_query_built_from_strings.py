"""SQL text built with f-strings, `+`, `%` or `.format` and handed to a database driver.

The sink is the query argument of `.execute`/`.executemany`/`.executescript` (any receiver,
so SQLAlchemy `engine.execute`/`connection.execute` too), Django `.raw()`/`.extra()`/`RawSQL`,
SQLAlchemy `text()` and `pandas.read_sql`/`read_sql_query`. The rule only looks at queries
that are built from strings (directly or in an earlier assignment); data flow then decides:
constant pieces only (a table name from a module constant) is clean, request data is high
confidence wherever the query is built; data of unknown origin is medium and reported only
inside a request handler, where it is the likeliest to be a request value the analysis lost
(outside one, real applications' database layers splice their own clauses, statements and
ids: superset's engine specs, lnbits' `db.py`). The quick fix turns simple f-string, `+` and
`%` queries into placeholders.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, keyword_arg
from ..analysis.sinks import built_from_strings, taint_verdict
from ..analysis.taint_tables import QUOTE_GUARD
from ..analysis.web import enclosing_handler
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._expressions import definition
from ._sql_placeholders import bind_parameters

# Names of SQL identifiers (and of ids the code itself chose) spliced into DDL and admin queries.
IDENTIFIER_NAME = linear(
    r"table|schema|column|catalog|database|db_table|sequence|\bseq\b|index|view_name|alias|quote_name|lock_id|query_id",
    re.IGNORECASE,
)

CALLS = frozenset(
    {
        ".execute",
        ".executemany",
        ".executescript",
        ".exec_driver_sql",
        ".raw",
        ".extra",
        "django.db.models.expressions.RawSQL",
        "django.db.models.RawSQL",
        "sqlalchemy.text",
        "sqlalchemy.sql.text",
        "sqlalchemy.sql.expression.text",
        "pandas.read_sql",
        "pandas.read_sql_query",
        "pandas.io.sql.read_sql",
        "pandas.io.sql.read_sql_query",
    }
)


def _queries(match: Match) -> list[Node]:
    args = match.node("args")
    callee = match.ctx.text(match.node("fn"))
    if callee.endswith(".extra"):
        parts = [keyword_arg(args, key) for key in ("where", "select", "tables")]
        return [item for part in parts if part is not None for item in (part.named_children or [part])]
    query = argument(args, 0, "sql") or keyword_arg(args, "query") or keyword_arg(args, "statement")
    return [query] if query is not None else []


def unsafe_query(match: Match) -> Report | None:
    for query in _queries(match):
        if built_from_strings(query, match.ctx):
            verdict = taint_verdict(
                match,
                query,
                "an SQL query built from strings",
                sanitizers=(QUOTE_GUARD,),
                consequence="bind values as query parameters instead",
            )
            if verdict is not None and not (_of_unknown_origin(verdict) and _codes_own_sql(match, query)):
                return verdict
    return None


def _codes_own_sql(match: Match, query: Node) -> bool:
    """A query of unknown origin a reviewer would not stop at: only identifiers spliced in, or
    built outside any request handler (database layers, engine specs, migrations tools and
    CLI scripts assemble SQL from their own clauses, statements and ids)."""
    return splices_only_identifiers(match, query) or enclosing_handler(match.ctx, match.target) is None


def _of_unknown_origin(verdict: Report) -> bool:
    return (verdict.data or {}).get("taint") == "unknown"


def splices_only_identifiers(match: Match, query: Node) -> bool:
    """Every spliced piece names a table, schema, column or sequence (`f"DROP TABLE {table}"`):
    identifiers cannot be bound as parameters, and of unknown origin they are the code's own."""
    built = definition(query) if query.type == "identifier" else query
    pieces = _spliced(built) if built is not None else []
    return bool(pieces) and all(IDENTIFIER_NAME.search(match.ctx.text(piece)) for piece in pieces)


def _spliced(node: Node) -> list[Node]:
    """The expressions an f-string, `%`, `+` or `.format(...)` splices into the SQL text."""
    if node.type == "string":
        return [c.named_children[0] for c in node.named_children if c.type == "interpolation" and c.named_children]
    if node.type == "concatenated_string":
        return [piece for child in node.named_children for piece in _spliced(child)]
    if node.type == "binary_operator":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if operator is not None and operator.type == "%" and right is not None:
            return [
                *(_spliced(left) if left is not None else []),
                *(right.named_children if right.type == "tuple" else [right]),
            ]
        return [
            piece
            for side in (left, right)
            if side is not None
            for piece in (
                _spliced(side) if side.type in ("string", "binary_operator", "concatenated_string") else [side]
            )
        ]
    if node.type == "call":
        arguments = node.child_by_field_name("arguments")
        return list(arguments.named_children) if arguments is not None else []
    return [node]


RULE = Rule(
    id="sql-query-built-from-strings",
    title="SQL query built from strings",
    category=Category.INJECTION,
    cwe=(89,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=CALLS,
    where=unsafe_query,
    fix=bind_parameters,
    aliases=("B608", "S608", "B611", "S611"),
    message="An SQL query built from strings can be rewritten by the data spliced into it.",
    docs="""## Why is this bad?
A query assembled with an f-string, `+`, `%` or `.format` lets the data decide the SQL: a
search term of `' OR '1'='1` reads every row, `'; DROP TABLE users; --` does worse. Drivers
have parameter binding exactly so that values never become SQL.

Confidence is high when request data, `input()` or `sys.argv` reaches the query (the message
says which variable and where it came from), medium when a piece's origin is unknown, and
nothing is reported when every piece is a literal or a constant (`f"SELECT * FROM {TABLE}"`
with `TABLE = "orders"`). Values of unknown origin are reported only inside a request handler
(a route, a view, a class-based view's method): a query helper or database layer that splices
its own clauses, statements and ids (`def count(cur, table): ...`) is where a reviewer would
follow the callers instead, and real applications hold many (superset's engine specs, lnbits'
`db.py`). A query whose every spliced piece names an identifier
(`f'DROP TABLE "{schema}"."{table_name}"'`: identifiers cannot be bound, and the code chose
them) and queries in schema migrations are not reported either. A query builder's `.join`
(`select(...).join(Other, onclause, isouter=True)`, `query = query.join(Other)` in SQLAlchemy) is
not `str.join`, which takes one argument and never the joined text as its separator.

## How to fix
Pass values separately: `cursor.execute("SELECT * FROM users WHERE name = ?", (name,))`
(`%s` for psycopg, MySQLdb and most other drivers), `Model.objects.raw(sql, [name])`,
`text("... WHERE name = :name").bindparams(name=name)`. Identifiers (table and column names)
cannot be bound: choose them from an allow-list (`if table not in TABLES: abort(400)`).

## Fix safety
The quick fix rewrites `cursor.execute(f"... WHERE name = '{name}'")`,
`cursor.execute("... WHERE name = '" + name + "'")` and
`cursor.execute("... WHERE name = '%s'" % name)` into
`cursor.execute("... WHERE name = ?", (name,))` (`?` when the file imports `sqlite3`, `%s`
otherwise); a value inside a larger literal takes the literal with it (`LIKE '%{x}%'` becomes
`LIKE ?` with the parameter `f"%{x}%"`). It is unsafe: an interpolated table or column name
cannot become a placeholder and the driver's placeholder style may differ from the guess.
Expressions, named `%(x)s` specifiers and values glued to SQL words get no fix. Review the
query after applying it.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/89.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
        "https://docs.python.org/3/library/sqlite3.html#sqlite3-placeholders",
        "https://docs.djangoproject.com/en/stable/topics/db/sql/",
    ),
    examples="""
import sqlite3
from flask import Flask, request
from django.db.models.expressions import RawSQL
from sqlalchemy import create_engine, select, text as sql_text
import pandas as pd
from pandas import read_sql_query
app = Flask(__name__)
TABLE = "orders"

@app.route("/search")
def search(db):
    term = request.args.get("q", "")
    cur = db.cursor()
    # ruleid: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM users WHERE name = '{term}'")
    query = "SELECT * FROM users WHERE name = '" + term + "'"
    # ruleid: sql-query-built-from-strings
    cur.execute(query)
    # ruleid: sql-query-built-from-strings
    cur.executemany("DELETE FROM t WHERE id = %s" % term, [])
    # ruleid: sql-query-built-from-strings
    User.objects.raw("SELECT * FROM users WHERE name = '{}'".format(term))
    # ruleid: sql-query-built-from-strings
    qs.annotate(x=RawSQL("SELECT %s" % term, ()))
    # ruleid: sql-query-built-from-strings
    db.session.execute(sql_text(f"SELECT * FROM t WHERE a = {term}"))
    # ruleid: sql-query-built-from-strings
    frame = pd.read_sql(f"SELECT * FROM t WHERE a = '{term}'", db)
    # ruleid: sql-query-built-from-strings
    frame = read_sql_query("SELECT * FROM t WHERE a = '%s'" % term, con=db)
    engine = create_engine("sqlite://")
    # ruleid: sql-query-built-from-strings
    engine.execute("DELETE FROM t WHERE a = " + term)
    with engine.connect() as connection:
        # ruleid: sql-query-built-from-strings
        connection.execute(f"UPDATE t SET a = '{term}'")
    # ok: sql-query-built-from-strings
    frame = pd.read_sql("SELECT * FROM t WHERE a = ?", db, params=(term,))
    # ok: sql-query-built-from-strings
    frame = pd.read_sql_table(TABLE, db)
    # ok: sql-query-built-from-strings
    cur.execute("SELECT * FROM users WHERE name = ?", (term,))
    # ok: sql-query-built-from-strings
    cur.execute("SELECT * FROM users WHERE name = %s", [term])
    table = "orders"
    # ok: sql-query-built-from-strings
    cur.execute(f"SELECT COUNT(*) FROM {table}")
    statement = select(Order.id).where(Order.owner == term)
    if request.args.get("queued"):
        statement = statement.join(Queue, Queue.order_id == Order.id, isouter=True)
    # ok: sql-query-built-from-strings
    rows = db.session.execute(statement)
    clause = " AND ".join(request.args.getlist("filter"))
    # ruleid: sql-query-built-from-strings
    cur.execute("SELECT * FROM orders WHERE " + clause)
    # ok: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM {TABLE} WHERE id = ?", (int(term),))
    # ok: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM t WHERE id = {int(term)}")
    column = request.args["sort"]
    if column not in ("name", "age"):
        return "bad sort", 400
    # ok: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM users ORDER BY {column}")

def count(cur, value):
    # ok: sql-query-built-from-strings
    cur.execute("SELECT COUNT(*) FROM " + value)
    sql = "SELECT 1"
    sql += " WHERE x = " + value
    # ok: sql-query-built-from-strings
    cur.execute(sql)
    # ok: sql-query-built-from-strings
    cur.execute(value)
    # ok: sql-query-built-from-strings
    cur.execute(f'DROP TABLE IF EXISTS "{schema}"."{table_name}"')
    # ok: sql-query-built-from-strings
    cur.execute("select reltuples from pg_class where relname='%s';" % model._meta.db_table)

@app.route("/report")
def report(db):
    owner, clause = lookup_owner(db), build_filter(db)
    cur = db.cursor()
    # ruleid: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM {table_name} WHERE owner = '{owner}'")
    # ruleid: sql-query-built-from-strings
    cur.execute(where_clause(clause))
    # ok: sql-query-built-from-strings
    cur.execute(f"SELECT * FROM {table_name}")
    # A query built by a function of another module is not followed (no inter-module analysis).
    # todoruleid: sql-query-built-from-strings
    cur.execute(helpers.make_query(request.args["q"]))

def where_clause(value):
    return "SELECT * FROM t WHERE a = " + value
# OWASP Benchmark style: constant conditions and early-return guards.
def init(app):
    @app.route("/benchmark/sqli-00/Case011", methods=["POST"])
    def case011():
        param = request.form.get("Case011", "")
        num = 106
        bar = "safe" if 7 * 18 + num > 200 else param
        db = sqlite3.connect("benchmark.db")
        # ok: sql-query-built-from-strings
        db.execute(f"SELECT * FROM users WHERE name = '{bar}'")
        match 3:
            case 3:
                chosen = param
            case _:
                chosen = "safe"
        # ruleid: sql-query-built-from-strings
        db.execute(f"SELECT * FROM users WHERE name = '{chosen}'")
        if "'" in param:
            return "Invalid input"
        # ok: sql-query-built-from-strings
        db.execute(f"SELECT * FROM users WHERE name = '{param}'")
        return "done"
""",
)
