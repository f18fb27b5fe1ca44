"""Request data or built strings in the filter of an LDAP search (python-ldap, ldap3).

The filter is the third argument of python-ldap's `search*` methods (`filterstr=`) and the
second of ldap3's `Connection.search` (`search_filter=`). Receivers are not resolved, so the
rule only looks at files that import `ldap` or `ldap3`. Tainted filters are reported with high
confidence, filters built in place from values of unknown origin with medium confidence;
constants and values passed through `escape_filter_chars`/`filter_format` are clean.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, keyword_arg
from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._expressions import called_method, definition, parts, query_verdict

PYTHON_LDAP = frozenset({"search", "search_s", "search_st", "search_ext", "search_ext_s"})
ESCAPERS = frozenset({"escape_filter_chars", "filter_format"})


def _is_escaper(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in ESCAPERS


def _filter_argument(match: Match, method: str) -> Node | None:
    """The filter argument, by the calling convention of the library the call looks like."""
    args = match.node("args")
    for keyword in ("filterstr", "search_filter"):
        value = keyword_arg(args, keyword)
        if value is not None:
            return value
    scope = argument(args, 1)
    python_ldap = (match.ctx.qualified_name(scope) or "").startswith("ldap.SCOPE")
    if method in PYTHON_LDAP and (python_ldap or method != "search" or not match.ctx.names.imports_module("ldap3")):
        return argument(args, 2)
    return scope  # ldap3: search(search_base, search_filter, ...)


def _receiver_is_other_module(match: Match) -> bool:
    """`re.search(...)`: a receiver that is an imported module other than ldap is no connection."""
    receiver = match.node("fn")
    receiver = receiver.child_by_field_name("object") if receiver is not None else None
    if receiver is None or receiver.type != "identifier":
        return False
    bound = match.ctx.names.bindings.get(match.ctx.text(receiver))
    return bound is not None and not bound.startswith("ldap")


def _joins_configured_filters(match: Match, value: Node) -> bool:
    """`"(&" + params["SEARCHFILTER"] + ")"`: every varying part is itself a filter (by its name)
    that is not request data, so an administrator's configured filter, not a value to escape."""
    varying = [
        part
        for part in parts(definition(value) or value)
        if part.type not in ("comment", "string_content", "escape_sequence")
        and match.ctx.taint.origin(part).kind is not Kind.CONSTANT
    ]
    return bool(varying) and all(
        "filter" in match.ctx.text(part).lower() and match.ctx.taint.origin(part).kind is Kind.UNKNOWN
        for part in varying
    )


def injectable_filter(match: Match) -> Report | None:
    names = match.ctx.names
    if not (names.imports_module("ldap") or names.imports_module("ldap3")) or _receiver_is_other_module(match):
        return None
    value = _filter_argument(match, called_method(match))
    if value is None or _joins_configured_filters(match, value):
        return None
    return query_verdict(
        match, value, "an LDAP search filter", "escape each value with `escape_filter_chars`", _is_escaper
    )


RULE = Rule(
    id="ldap-filter-injection",
    title="LDAP filter built from untrusted data",
    category=Category.INJECTION,
    cwe=(90,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset({f".{name}" for name in PYTHON_LDAP} | {".paged_search"}),
    where=injectable_filter,
    message="An LDAP search filter built from untrusted data lets the caller rewrite the query.",
    docs="""## Why is this bad?
LDAP filters are a small query language: `*`, `(`, `)`, `\\` and NUL are syntax. Splicing a user
name into `(&(uid=%s)(objectClass=person))` lets `*)(uid=*))(|(uid=*` match every entry,
bypass a password check done through a search, or enumerate the directory attribute by
attribute.

## How to fix
Escape every value with `ldap.filter.escape_filter_chars` (python-ldap) or
`ldap3.utils.conv.escape_filter_chars` (ldap3), or build the filter with
`ldap.filter.filter_format("(uid=%s)", [name])`, which escapes for you. Validate names
against an allow-list pattern where you can.
""",
    references=(
        "https://www.python-ldap.org/en/latest/reference/ldap-filter.html",
        "https://ldap3.readthedocs.io/en/latest/searches.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/90.html",
    ),
    examples="""
import ldap
import ldap as pyldap
from ldap.filter import escape_filter_chars, filter_format
from ldap3 import Connection, SUBTREE
from ldap3.utils.conv import escape_filter_chars as esc
from flask import request
import re

def login():
    user = request.form["user"]
    conn = ldap.initialize(LDAP_URL)
    # ruleid: ldap-filter-injection
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={user})")
    flt = "(&(uid=%s)(objectClass=person))" % user
    # ruleid: ldap-filter-injection
    conn.search_ext_s(BASE, pyldap.SCOPE_SUBTREE, flt, ["cn"])
    # ruleid: ldap-filter-injection
    conn.search(BASE, pyldap.SCOPE_ONELEVEL, filterstr="(cn=" + request.args["cn"] + ")")
    # ok: ldap-filter-injection
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(user)})")
    # ok: ldap-filter-injection
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, filter_format("(uid=%s)", [user]))
    # ok: ldap-filter-injection
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, "(objectClass=person)")
    # ok: ldap-filter-injection
    re.search(f"^{user}$", "text")

def lookup(server, name):
    conn = Connection(server, auto_bind=True)
    # ruleid: ldap-filter-injection
    conn.search("dc=example,dc=com", f"(sAMAccountName={name})", search_scope=SUBTREE)
    # ruleid: ldap-filter-injection
    conn.search(search_base=BASE, search_filter="(mail={})".format(name))
    # ok: ldap-filter-injection
    conn.search(BASE, f"(sAMAccountName={esc(name)})")
    # ok: ldap-filter-injection
    conn.search(BASE, "(objectClass=user)", attributes=["mail"])

class MachineResolver:
    def machines(self, conn, params):
        # An administrator's configured search filter wrapped in `(&...)` is a filter by design.
        # ok: ldap-filter-injection
        conn.search(search_base=params["LDAPBASE"], search_filter="(&" + params["SEARCHFILTER"] + ")")
        # ruleid: ldap-filter-injection
        conn.search(params["LDAPBASE"], "(&" + params["SEARCHFILTER"] + "(uid=" + params["login"] + "))")

def search_with(conn, query_filter):
    # A filter handed in by the caller is not built here; callers are not followed.
    # todoruleid: ldap-filter-injection
    conn.search_s(BASE, ldap.SCOPE_SUBTREE, query_filter)
""",
)
