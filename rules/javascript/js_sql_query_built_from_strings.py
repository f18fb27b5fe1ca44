"""SQL text built with template literals or `+` and handed to a Node database driver.

Sinks: `.query`/`.execute` of mysql, mysql2, pg and sqlite clients (any receiver), Sequelize
`query`, knex `raw`/`whereRaw`/`orderByRaw`/..., Prisma `$queryRawUnsafe`/`$executeRawUnsafe`.
Only a query built from strings (at the call, or in the declaration of the local name passed)
is judged, then data flow decides: request data is high confidence; pieces of unknown origin
are medium, and only when the literal text around them is SQL and the call binds no values
(`knex.raw(`...??${fragment}`, [table])`: the pieces are fragments the code chose). Tagged
templates (``sql`...` ``, Prisma ``$queryRaw`...` ``) and constant queries are clean.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._nodes import argument, is_string_building, property_value, unwrap
from ._sinks import taint_verdict
from ._sql_placeholders import parameterize
from ._values import resolved

RAW_METHODS = ("raw", "whereRaw", "orWhereRaw", "havingRaw", "orderByRaw", "joinRaw", "groupByRaw")
CALLS = frozenset({".query", ".execute", ".$queryRawUnsafe", ".$executeRawUnsafe", *(f".{m}" for m in RAW_METHODS)})
_SQL_WORDS = linear(r"\b(?:select|insert|update|delete|from|where|values|order\s+by|join|into)\b", re.IGNORECASE)


def unsafe_query(match: Match) -> Report | None:
    query = argument(match.target, 0)
    built = resolved(query)
    if query is None or not is_string_building(built):
        return None
    verdict = taint_verdict(
        match, query, "an SQL query built from strings", consequence="bind values as query parameters instead"
    )
    if verdict is None:
        return None
    if verdict.confidence is Confidence.MEDIUM and built is not None and not _SQL_WORDS.search(_literal_text(built)):
        return None  # `.execute(`${x}`)` of something that is not SQL (`irc.raw(`${cmd} ${args.join(" ")}`)`)
    if verdict.confidence is Confidence.MEDIUM and _binds_values(argument(match.target, 1)):
        return None  # the values are bound; the spliced pieces are fragments the code chose (`??`, placeholders)
    return verdict


_BINDING_KEYS = ("replacements", "bind", "bindings", "values")


def _literal_text(built: Node) -> str:
    """The literal SQL of a template or `+` chain: the code inside `${...}` is not SQL."""
    pieces, stack = [], [built]
    while stack:
        node = stack.pop()
        if node.type in ("string_fragment", "string"):
            pieces.append((node.text or b"").decode("utf-8", "replace"))
        elif node.type != "template_substitution":
            stack.extend(node.named_children)
    return " ".join(pieces)


def _binds_values(options: Node | None) -> bool:
    """`knex.raw(sql, [table, column])`, `query(sql, params)`, Sequelize `{ replacements }`."""
    options = unwrap(options)
    if options is None:
        return False
    if options.type in ("array", "identifier"):
        return True
    return options.type == "object" and any(property_value(options, key) is not None for key in _BINDING_KEYS)


RULE = Rule(
    id="js-sql-query-built-from-strings",
    title="SQL query built from strings (JavaScript)",
    category=Category.INJECTION,
    cwe=(89,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=CALLS,
    where=unsafe_query,
    fix=parameterize,
    fixable=True,
    aliases=("javascript.lang.security.audit.sqli.node-mysql-sqli", "sonarjs/sql-queries"),
    message="An SQL query built from strings lets data change the query's meaning.",
    docs="""## Why is this bad?
A value spliced into SQL text (`` `SELECT * FROM users WHERE id = ${req.params.id}` ``) is
parsed as SQL: `1 OR 1=1` reads every row, `1; DROP TABLE users` does worse. Every Node
driver binds values separately when asked: `?` placeholders (mysql, mysql2, sqlite),
`$1, $2` (pg), `replacements` (Sequelize), bindings (knex), tagged templates (Prisma
`$queryRaw`, `postgres`, `@vercel/postgres`).

Confidence is high when request data reaches the query; medium when a piece of unknown origin
is spliced into text that reads as SQL.

## Fix safety
The quick fix turns a one-argument template-literal query into placeholders and a values array
(`$1...` when the file uses pg, `?` otherwise) and Prisma's `$queryRawUnsafe` into the tagged
`$queryRaw`. Quotes around a value go (the driver quotes it), LIKE wildcards move into the
bound value. It is unsafe: a spliced identifier (a table or column name) cannot be a
parameter, and the query must be re-read.
""",
    references=(
        "https://owasp.org/www-community/attacks/SQL_Injection",
        "https://github.com/mysqljs/mysql#escaping-query-values",
        "https://node-postgres.com/features/queries#parameterized-query",
    ),
    examples="""
const mysql = require("mysql2");
const db = mysql.createConnection({});
app.get("/user", (req, res) => {
  // ruleid: js-sql-query-built-from-strings
  db.query(`SELECT * FROM users WHERE id = ${req.query.id}`);
  const sql = "SELECT * FROM users WHERE name = '" + req.body.name + "'";
  // ruleid: js-sql-query-built-from-strings
  db.execute(sql);
  // ruleid: js-sql-query-built-from-strings
  prisma.$queryRawUnsafe(`SELECT * FROM t WHERE a = ${req.params.a}`);
  // ruleid: js-sql-query-built-from-strings
  knex("users").whereRaw("name = '" + req.query.name + "'");
  // ok: js-sql-query-built-from-strings
  db.query("SELECT * FROM users WHERE id = ?", [req.query.id]);
  // ok: js-sql-query-built-from-strings
  prisma.$queryRaw`SELECT * FROM t WHERE a = ${req.params.a}`;
  const TABLE = "users";
  // ok: js-sql-query-built-from-strings
  db.query(`SELECT * FROM ${TABLE} WHERE id = ?`, [req.query.id]);
});
function byName(name) {
  // ruleid: js-sql-query-built-from-strings
  return db.query(`SELECT * FROM users WHERE name = '${name}'`);
}
function extract(table, column, type) {
  // ok: js-sql-query-built-from-strings
  return knex.raw(`EXTRACT(YEAR FROM ??.??${timeZone(type)})`, [table, column]);
}
function whois(irc, cmd, args) {
  // ok: js-sql-query-built-from-strings
  irc.raw(`${cmd} ${args.join(" ")}`);
}
function run(command) {
  // ok: js-sql-query-built-from-strings
  return shell.execute(`${command} --verbose`);
}
""",
)
