"""How a project rule matches, as data the engine calls: argument checks, bounded queries, fix templates.

A project rule comes from a repository nobody here reviewed, so nothing in it is code: each
piece below is a small frozen dataclass built from the rule's TOML and called by the engine
(`where=`, `scan=`, `fix=`). They are module-level classes so a rule pickles into the CLI's
worker processes. Regular-expression predicates are refused when the rule is loaded
(`_schema.py`). A query runs with a small match limit, one byte window at a time, and stops
after `QUERY_MAX_MATCHES`: sibling wildcards (`(_ (_) @a (_) @b (_) @c)`) or quantifiers
(`((_)* @a (_)* @b)`) make tree-sitter's matching superlinear in the states it keeps and the
matches it returns (minutes for a few thousand lines with a limit of 1,024), and both bounds
keep such a query linear in the file size. (No `progress_callback` time limit: py-tree-sitter
0.26.1 crashes the process when a query with a quantifier runs with one.)
"""

from __future__ import annotations

import functools
import logging
import re
import time
from dataclasses import dataclass

import tree_sitter
from tree_sitter import Node

from .. import languages
from ..analysis.taint import Kind
from ..context import FileContext, Match
from ..engine import PartialScan, make_finding
from ..model import Edit, Finding, Fix, Report
from ..patterns import linear

log = logging.getLogger("vetline.project")

# In-progress matches a project query may hold at once; beyond it tree-sitter drops the oldest.
# Each step costs time in proportion to it: 32 keeps a hostile query at ~0.2 s per 1,000 lines,
# and rules written for real code (a call, its arguments, a decorator) never need more than a few.
QUERY_MATCH_LIMIT = 32
# The query runs over one window of this many bytes at a time (a match crossing two windows is
# reported once), so the match cap below is checked before the whole file's matches are built.
QUERY_WINDOW_BYTES = 1024
# Matches of one project rule in one file after which the rest of the file is not searched.
QUERY_MAX_MATCHES = 5_000
# Seconds one project rule may spend searching one file, checked between windows: the last
# guard for a query shape the two bounds above do not tame (none is known).
QUERY_TIME_BUDGET_S = 2.0
_PLACEHOLDER = linear(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
_POSITIONAL = linear(r"arg(\d+)$")
_TRUE_TEXT = {"python": "True"}
_FALSE_TEXT = {"python": "False"}
_STRING_PARTS = frozenset({"string_content", "string_fragment", "escape_sequence"})
_NOT_POSITIONAL = frozenset({"keyword_argument", "comment", "(", ")", ","})

Value = bool | int | float | str


@dataclass(frozen=True)
class ArgumentCondition:
    """One argument of a matched call (by position or keyword) must be (not) constant or equal a value."""

    position: int | None = None
    keyword: str | None = None
    constant: bool | None = None
    equals: Value | None = None

    def holds(self, match: Match) -> bool:
        value = argument(match, self.position, self.keyword)
        if value is None:
            return False
        if self.constant is not None and is_constant(match.ctx, value) != self.constant:
            return False
        return self.equals is None or equals(match.ctx, value, self.equals)


@dataclass(frozen=True)
class CallCheck:
    """The `where=` of a `calls` rule: every argument condition holds, and request data reaches
    `taint_argument` when the rule asks for taint."""

    conditions: tuple[ArgumentCondition, ...] = ()
    taint: bool = False
    taint_position: int | None = 0
    taint_keyword: str | None = None

    def __call__(self, match: Match) -> bool | Report | None:
        if not all(condition.holds(match) for condition in self.conditions):
            return False
        if not self.taint:
            return True
        value = argument(match, self.taint_position, self.taint_keyword)
        return tainted_report(match, value, f"`{match.text('fn')}`")


@dataclass(frozen=True)
class TemplateFix:
    """Replace the reported node with `template`, `{name}` standing for a capture's text."""

    template: str
    title: str = ""
    safe: bool = False

    def __call__(self, match: Match) -> Fix | None:
        text = render(self.template, match)
        if text is None:
            return None
        title = self.title or f"Replace with `{text if len(text) <= 60 else text[:57] + '...'}`"
        return Fix(title, (Edit(match.target.start_byte, match.target.end_byte, text),), self.safe)


@dataclass(frozen=True)
class QueryScan:
    """The `scan=` of a `query` rule: run its tree-sitter query (bounded) and report each `@finding`."""

    rule_id: str
    query: str
    taint: bool = False
    fix: TemplateFix | None = None

    def __call__(self, ctx: FileContext) -> list[Finding]:
        rule = ctx.rules.get(self.rule_id)
        if ctx.tree is None or rule is None:
            return []
        matches, problem = bounded_matches(compiled(self.query, ctx.language), ctx.tree.root_node)
        findings: list[Finding] = []
        seen: set[tuple[int, int, int]] = set()
        for node, captures in matches:
            if (node.start_byte, node.end_byte, node.kind_id) in seen:
                continue  # the same match, found again from the next window
            seen.add((node.start_byte, node.end_byte, node.kind_id))
            finding = self._finding(Match(ctx, rule, node, captures))
            if finding is not None:
                findings.append(finding)
        if problem is not None:
            log.warning("rule %s: %s on %s", self.rule_id, problem, ctx.path)
            raise PartialScan(findings, f"project rule {self.rule_id}: {problem}; later matches are missing")
        return findings

    def _finding(self, match: Match) -> Finding | None:
        report: Report | None = Report()
        if self.taint:
            value = match.node("value") or match.target
            report = tainted_report(match, value, f"`{match.ctx.text(match.target)[:60]}`")
        if report is None:
            return None
        fix = self.fix(match) if self.fix is not None else None
        node = match.target
        return make_finding(
            match.rule, match.ctx, node.start_byte, node.end_byte,
            message=report.message, confidence=report.confidence, data=report.data, fix=fix,
        )  # fmt: skip


def bounded_matches(query: tree_sitter.Query, root: Node) -> tuple[list[tuple[Node, dict[str, list[Node]]]], str | None]:
    """Each `@finding` node with its match's captures, searched window by window, and why the
    search stopped short (None when it did not): the match cap, or the match limit."""
    cursor = tree_sitter.QueryCursor(query, match_limit=QUERY_MATCH_LIMIT)
    cursor.set_max_start_depth(languages.QUERY_MAX_START_DEPTH)
    found: list[tuple[Node, dict[str, list[Node]]]] = []
    count, problem, deadline = 0, None, time.monotonic() + QUERY_TIME_BUDGET_S
    for start in range(root.start_byte, max(root.end_byte, root.start_byte + 1), QUERY_WINDOW_BYTES):
        cursor.set_byte_range(start, min(start + QUERY_WINDOW_BYTES, root.end_byte))
        matches = cursor.matches(root)
        count += len(matches)
        found.extend((node, captures) for _, captures in matches for node in captures.get("finding", ()))
        if cursor.did_exceed_match_limit:
            problem = "the query hit its match limit of in-progress matches"
        if count >= QUERY_MAX_MATCHES:
            return found, f"the search stopped after {count} matches"
        if time.monotonic() > deadline:
            return found, f"the search stopped after {QUERY_TIME_BUDGET_S:g} seconds"
    return found, problem


@functools.lru_cache(maxsize=128)  # bounded: an edited rule file compiles a new query each time
def compiled(query: str, language: str) -> tree_sitter.Query:
    """The query compiled for `language`; raises `tree_sitter.QueryError` or ValueError if invalid."""
    grammar = languages.grammar(language)
    if grammar is None:
        raise ValueError(f"language {language!r} has no tree-sitter grammar")
    return tree_sitter.Query(grammar, query)


def tainted_report(match: Match, value: Node | None, sink: str) -> Report | None:
    """A report with the data-flow message when request data reaches `value`, else None."""
    if languages.is_javascript(match.ctx.language):
        from ..javascript._sinks import taint_verdict
    else:
        from ..analysis.sinks import taint_verdict
    verdict = taint_verdict(match, value, sink, report_unknown=False)
    if verdict is None:
        return None
    return Report(message=f"{match.rule.message} {verdict.message}", confidence=verdict.confidence, data=verdict.data)


def argument(match: Match, position: int | None, keyword: str | None) -> Node | None:
    """The argument of the matched call at `position`, or passed as `keyword` (a JS options-object key)."""
    arguments = match.node("args")
    if arguments is None:
        return None
    if keyword is not None:
        return _keyword_argument(match.ctx, arguments, keyword)
    positional = [child for child in arguments.named_children if child.type not in _NOT_POSITIONAL]
    return positional[position] if position is not None and position < len(positional) else None


def _keyword_argument(ctx: FileContext, arguments: Node, keyword: str) -> Node | None:
    for child in arguments.named_children:
        if child.type == "keyword_argument" and ctx.text(child.child_by_field_name("name")) == keyword:
            return child.child_by_field_name("value")
        if child.type == "object":  # JavaScript: `spawn(cmd, { shell: true })`
            for pair in child.named_children:
                key = pair.child_by_field_name("key") if pair.type == "pair" else None
                if key is not None and ctx.text(key).strip("'\"") == keyword:
                    return pair.child_by_field_name("value")
    return None


def is_constant(ctx: FileContext, node: Node) -> bool:
    """Whether only constants reach `node` (literals, names bound only to literals), by data flow.

    A value the data flow calls safe because a sanitizer made it (`int(x)`, a rendered template)
    is not a constant: the rule's author asked about the value, not about one sink's escaping."""
    origin = ctx.taint.origin(node)
    return origin.kind is Kind.CONSTANT and origin.sanitized_by is None


def equals(ctx: FileContext, node: Node, expected: Value) -> bool:
    """Whether the argument is the literal `expected`: `True`/`true`, a number, or a plain string."""
    text = ctx.text(node)
    if isinstance(expected, bool):
        word = (_TRUE_TEXT if expected else _FALSE_TEXT).get(ctx.language, str(expected).lower())
        return text == word
    if isinstance(expected, (int, float)):
        return text == str(expected)
    return node.type == "string" and _string_value(ctx, node) == expected


def _string_value(ctx: FileContext, node: Node) -> str | None:
    """The text of a string literal without interpolations, or None."""
    parts = [child for child in node.named_children if child.type not in ("string_start", "string_end")]
    if any(child.type not in _STRING_PARTS for child in parts):
        return None
    return "".join(ctx.text(child) for child in parts)


def placeholders(template: str) -> set[str]:
    """The capture names a fix template uses."""
    return {hit.group(1) for hit in _PLACEHOLDER.finditer(template) if hit.group(1)}


def render(template: str, match: Match) -> str | None:
    """The template with each `{name}` replaced by the capture's text (`{{`/`}}` are braces)."""
    missing = False

    def substitute(hit: re.Match[str]) -> str:
        nonlocal missing
        name = hit.group(1)
        if name is None:
            return hit.group(0)[0]
        text = _placeholder_text(match, name)
        missing = missing or text is None
        return text or ""

    rendered = _PLACEHOLDER.sub(substitute, template)
    return None if missing else rendered


def _placeholder_text(match: Match, name: str) -> str | None:
    if name in match.captures:
        return match.text(name)
    positional = _POSITIONAL.match(name)
    if positional is not None:
        node = argument(match, int(positional.group(1)), None)
        return match.ctx.text(node) if node is not None else None
    return None
