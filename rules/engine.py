"""Run rules over one file: parse once, match every rule in one pass, isolate crashing rules.

For each language the engine compiles one tree-sitter query holding every rule's patterns
(one tree walk serves all query rules) and resolves callees through the file's imports once
for all `calls=` rules (one shared lookup table), skipping calls whose last name no rule
names. A rule that raises is logged with its traceback and dropped for the rest of that file;
the other rules still report.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import tree_sitter
from tree_sitter import Node, Tree

from . import languages, suppress, walk
from .analysis import bindings
from .context import FileContext, Match
from .model import Category, Finding, Report, Rule

log = logging.getLogger("vetline.engine")

# The node shape of a call, per language: the callee is `@fn`, the arguments `@args`.
_JS_CALL = "(call_expression function: (_) @fn arguments: (arguments) @args) @target"
_JS_CALLEE = (
    "(call_expression function: (identifier) @ident arguments: (arguments))"
    " (call_expression function: (member_expression property: (property_identifier) @tail) arguments: (arguments))"
)
CALL_QUERIES: Mapping[str, str] = {
    "python": "(call function: (_) @fn arguments: (_) @args) @target",
    "javascript": _JS_CALL,
    "typescript": _JS_CALL,
    "typescriptreact": _JS_CALL,
}
# The callees a `calls=` rule can name, per language, captured by their last name: `@ident` is
# a called identifier (`md5(...)`), `@tail` the last name of a called attribute (`h.md5(...)`).
# Capturing bare nodes (no per-match dict) and filtering their text against a set is several
# times cheaper than building a match for every call of the file.
CALLEE_QUERIES: Mapping[str, str] = {
    "python": "(call function: (identifier) @ident) (call function: (attribute attribute: _ @tail))",
    "javascript": _JS_CALLEE,
    "typescript": _JS_CALLEE,
    "typescriptreact": _JS_CALLEE,
}
CALLEE_KEY = "engine.callees"  # the callee query's captures, from the shared walk (`rules/walk.py`)
walk.share(CALLEE_KEY, CALLEE_QUERIES)
# The note for a file whose nesting made a query drop matches (`languages.QUERY_MATCH_LIMIT`).
DEEP_NESTING = (
    "the file nests expressions deeper than vetline's query limit; findings inside the deepest nesting may be missing"
)
# The member-access node of each grammar and the field naming its last name (`h.md5`, `cp.exec`).
MEMBER_NAME_FIELD: Mapping[str, str] = {"attribute": "attribute", "member_expression": "property"}


@dataclass(frozen=True)
class Analysis:
    """The outcome of analysing one file: its findings in source order, and any rule errors."""

    findings: tuple[Finding, ...]
    errors: tuple[str, ...] = ()
    tree: Tree | None = None


@dataclass(frozen=True)
class SuppressionSettings:
    """Which foreign suppression comments count besides `# vetline: ignore[...]`."""

    honour_nosec: bool = True
    honour_noqa: bool = True


class Engine:
    """Analyses files with a fixed set of rules and per-rule options."""

    def __init__(
        self,
        rules: Sequence[Rule],
        options: Mapping[str, Mapping[str, Any]] | None = None,
        suppression: SuppressionSettings = SuppressionSettings(),
    ) -> None:
        self.rules = tuple(rules)
        self.options = options or {}
        self.suppression = suppression
        self._by_language: dict[str, _LanguagePlan] = {}

    def analyze(self, source: bytes, language: str, path: str = "", tree: Tree | None = None) -> Analysis:
        """Analyse `source` as `language`; pass `tree` to reuse an (incrementally) parsed tree."""
        if tree is None:
            ts_parser = languages.parser(language)
            tree = ts_parser.parse(source) if ts_parser is not None else None
        plan = self._plan(language)
        ctx = FileContext(
            path=path, language=language, source=source, tree=tree, options=self.options, rules=plan.by_id
        )
        errors: list[str] = []
        try:
            findings = list(plan.run(ctx, errors))
        finally:
            bindings.forget()
        findings = suppress.filter_findings(findings, ctx, plan.aliases, self.suppression)
        if languages.grammar(language) is not None:
            findings = one_dependency_finding_per_import(findings, plan.by_id)
        findings.sort(key=lambda f: (f.start_byte, f.end_byte, f.rule_id))
        return Analysis(tuple(findings), tuple(errors), tree)

    def _plan(self, language: str) -> _LanguagePlan:
        if language not in self._by_language:
            rules = [r for r in self.rules if language in r.languages]
            self._by_language[language] = _LanguagePlan(language, rules)
        return self._by_language[language]


def one_dependency_finding_per_import(findings: list[Finding], rules: Mapping[str, Rule]) -> list[Finding]:
    """Keep the most severe dependency finding of each import (then the most confident).

    `import reqeusts` is a typosquat and also undeclared; saying both buries the danger
    under a chore. Other categories and other places are untouched."""
    best: dict[tuple[int, int], Finding] = {}
    for finding in findings:
        rule = rules.get(finding.rule_id)
        if rule is None or rule.category is not Category.DEPENDENCIES:
            continue
        place = (finding.start_byte, finding.end_byte)
        kept = best.get(place)
        if kept is None or (finding.severity, finding.confidence) > (kept.severity, kept.confidence):
            best[place] = finding
    kept_ids = {id(finding) for finding in best.values()}
    return [
        f
        for f in findings
        if id(f) in kept_ids or (r := rules.get(f.rule_id)) is None or r.category is not Category.DEPENDENCIES
    ]


class _LanguagePlan:
    """The compiled form of the rules for one language."""

    def __init__(self, language: str, rules: list[Rule]) -> None:
        self.language = language
        self.aliases = {r.id: r.aliases for r in rules}
        self.by_id = {r.id: r for r in rules}
        self.scan_rules = [r for r in rules if r.scan is not None]
        grammar = languages.grammar(language)
        self.query_rules = [r for r in rules if r.query is not None and grammar is not None]
        self.exact_calls: dict[str, list[Rule]] = defaultdict(list)
        self.method_calls: dict[str, list[Rule]] = defaultdict(list)
        self.prefix_calls: dict[str, list[Rule]] = defaultdict(list)
        for rule in rules:
            for name in rule.calls:
                if name.startswith("."):
                    self.method_calls[name[1:]].append(rule)
                elif name.endswith(".*"):
                    self.prefix_calls[name[:-2]].append(rule)
                else:
                    self.exact_calls[name].append(rule)
        has_calls = bool(self.exact_calls or self.method_calls or self.prefix_calls)
        self.call_query = _call_query(language) if has_calls and grammar is not None else None
        self.callee_query = _callee_query(language) if self.call_query is not None else None
        shared = walk.sources(language) if grammar is not None else {}
        if self.callee_query is None:
            shared.pop(CALLEE_KEY, None)
        self.query, self.pattern_owner = _combined_query(language, tuple(self.query_rules), shared)
        self.shared_keys = tuple(sorted(set(shared).intersection(o for o in self.pattern_owner if isinstance(o, str))))
        # Only a callee whose last name is one of these can match a method or an exact name.
        self.callee_tails = frozenset(
            name.encode() for name in {*self.method_calls, *(n.rpartition(".")[2] for n in self.exact_calls)}
        )
        self.prefix_segments = [[part.encode() for part in name.split(".")] for name in self.prefix_calls]

    def run(self, ctx: FileContext, errors: list[str]) -> Iterator[Finding]:
        broken: set[str] = set()
        if ctx.tree is not None:
            root = ctx.tree.root_node
            cursors: list[tree_sitter.QueryCursor] = []
            for rule, target, captures in self._query_matches(ctx, root, cursors):
                yield from _apply(rule, Match(ctx, rule, target, captures), broken, errors)
            for rule, target, captures in self._call_matches(ctx, root, cursors):
                yield from _apply(rule, Match(ctx, rule, target, captures), broken, errors)
            if any(cursor.did_exceed_match_limit for cursor in cursors):
                errors.append(DEEP_NESTING)
        for rule in self.scan_rules:
            yield from _scan(rule, ctx, broken, errors)

    def _query_matches(
        self, ctx: FileContext, root: Node, cursors: list[tree_sitter.QueryCursor]
    ) -> list[tuple[Rule, Node, dict[str, list[Node]]]]:
        """The rules' matches; the shared queries' captures go to `ctx` (`rules/walk.py`) before
        any rule's `where` runs, so a helper never reads a half-walked file."""
        if self.query is None:
            return []
        cursors.append(cursor := languages.cursor(self.query))
        found: list[tuple[Rule, Node, dict[str, list[Node]]]] = []
        shared: dict[str, dict[str, list[Node]]] = {key: {} for key in self.shared_keys}
        # Per pattern index, the shared query's captures it adds to, or None for a rule's pattern:
        # one list look-up per match (a file has tens of thousands, most of them shared).
        buckets = [shared.get(owner) if isinstance(owner, str) else None for owner in self.pattern_owner]
        owners = self.pattern_owner
        for pattern_index, captures in cursor.matches(root):
            bucket = buckets[pattern_index]
            if bucket is not None:
                for name, nodes in captures.items():
                    if name in bucket:
                        bucket[name].extend(nodes)
                    else:
                        bucket[name] = nodes
                continue
            rule = owners[pattern_index]
            assert isinstance(rule, Rule)
            targets = captures.get("target") or next(iter(captures.values()))
            found.append((rule, targets[0], captures))
        walk.store(ctx, shared, complete=not cursor.did_exceed_match_limit)
        return found

    def _call_matches(
        self, ctx: FileContext, root: Node, cursors: list[tree_sitter.QueryCursor]
    ) -> Iterator[tuple[Rule, Node, dict[str, list[Node]]]]:
        if self.callee_query is None:
            yield from self._every_call_match(ctx, root, cursors)
            return
        wanted = self._wanted_tails(ctx)
        source = ctx.source
        found = walk.shared(ctx, CALLEE_KEY)
        if found is None:
            cursors.append(cursor := languages.cursor(self.callee_query))
            found = cursor.captures(root)
        for node in found.get("ident", ()):
            if wanted is None or source[node.start_byte : node.end_byte] in wanted:
                yield from self._call_match(ctx, node, node.parent)
        for node in found.get("tail", ()):
            if wanted is None or source[node.start_byte : node.end_byte] in wanted:
                callee = node.parent
                yield from self._call_match(ctx, callee, callee.parent if callee is not None else None)

    def _every_call_match(
        self, ctx: FileContext, root: Node, cursors: list[tree_sitter.QueryCursor]
    ) -> Iterator[tuple[Rule, Node, dict[str, list[Node]]]]:
        if self.call_query is None:
            return
        cursors.append(cursor := languages.cursor(self.call_query))
        for _, captures in cursor.matches(root):
            callee = captures["fn"][0]
            for rule in self._rules_for_callee(ctx, callee):
                yield rule, captures["target"][0], captures

    def _call_match(
        self, ctx: FileContext, callee: Node | None, call: Node | None
    ) -> Iterator[tuple[Rule, Node, dict[str, list[Node]]]]:
        """The rules matching one call, with the captures `CALL_QUERIES` would have given."""
        arguments = call.child_by_field_name("arguments") if call is not None else None
        if callee is None or call is None or arguments is None or not arguments.is_named:
            return
        rules = self._rules_for_callee(ctx, callee)
        if rules:
            captures = {"fn": [callee], "args": [arguments], "target": [call]}
            for rule in rules:
                yield rule, call, captures

    def _wanted_tails(self, ctx: FileContext) -> frozenset[bytes] | None:
        """The callee last names worth resolving in this file, or None when every one is.

        A resolved name is pieces of the source joined by dots, so each of its dotted segments
        occurs in the file's bytes: a file without a prefix rule's module name cannot call into
        it. An import under another name (`from hashlib import md5 as h`) hides the last name,
        so a file with such an import of a wanted name resolves every callee, as does a file
        that may reach a prefix rule (`logging.*` ends in any name).
        """
        source = ctx.source
        if any(all(part in source for part in parts) for parts in self.prefix_segments):
            return None
        for local, target in ctx.names.bindings.items():
            if local != target.rpartition(".")[2] and self._is_wanted(target):
                return None
        return self.callee_tails

    def _is_wanted(self, name: str) -> bool:
        """True when a call resolving to `name` is in some rule's `calls` (exact or prefix)."""
        if name in self.exact_calls:
            return True
        parts = name.split(".")
        return any(".".join(parts[:i]) in self.prefix_calls for i in range(1, len(parts)))

    def _rules_for_callee(self, ctx: FileContext, callee: Node) -> list[Rule]:
        found: list[Rule] = []
        member_field = MEMBER_NAME_FIELD.get(callee.type)
        if member_field is not None and self.method_calls:
            attribute = callee.child_by_field_name(member_field)
            found.extend(self.method_calls.get(ctx.text(attribute), ()))
        name = ctx.qualified_name(callee)
        if name is not None:
            found.extend(self.exact_calls.get(name, ()))
            if self.prefix_calls:
                parts = name.split(".")
                for i in range(1, len(parts)):
                    found.extend(self.prefix_calls.get(".".join(parts[:i]), ()))
        return list(dict.fromkeys(found))  # one finding per rule per call, order kept


def _apply(rule: Rule, match: Match, broken: set[str], errors: list[str]) -> Iterable[Finding]:
    if rule.id in broken:
        return ()
    try:
        return _evaluate(rule, match)
    except Exception as error:  # noqa: BLE001 - a rule bug must not cost the other rules' findings
        _record_crash(rule, match.ctx, error, broken, errors)
        return ()


class PartialScan(Exception):
    """Raised by a `scan=` that stopped at one of its bounds: its findings so far still count,
    and `reason` tells the user that the file was not fully analysed."""

    def __init__(self, findings: Iterable[Finding], reason: str) -> None:
        super().__init__(reason)
        self.findings = tuple(findings)
        self.reason = reason


def _scan(rule: Rule, ctx: FileContext, broken: set[str], errors: list[str]) -> Iterable[Finding]:
    try:
        assert rule.scan is not None
        return list(rule.scan(ctx))
    except PartialScan as partial:
        errors.append(partial.reason)
        return partial.findings
    except Exception as error:  # noqa: BLE001 - same isolation for whole-file rules
        _record_crash(rule, ctx, error, broken, errors)
        return ()


def _record_crash(rule: Rule, ctx: FileContext, error: Exception, broken: set[str], errors: list[str]) -> None:
    broken.add(rule.id)
    log.error("rule %s failed on %s; skipped for this file", rule.id, ctx.path or "<buffer>", exc_info=error)
    errors.append(f"rule {rule.id} failed ({type(error).__name__}); its findings for this file are missing")


def _evaluate(rule: Rule, match: Match) -> tuple[Finding, ...]:
    verdict: bool | Report | None = True if rule.where is None else rule.where(match)
    if not verdict:
        return ()
    report = verdict if isinstance(verdict, Report) else Report()
    node = report.node if report.node is not None else match.target
    fix = rule.fix(match) if rule.fix is not None else None
    return (
        make_finding(
            rule,
            match.ctx,
            node.start_byte,
            node.end_byte,
            message=report.message,
            severity=report.severity,
            confidence=report.confidence,
            fix=fix,
            data=report.data,
            cwe=report.cwe,
        ),
    )


def make_finding(rule: Rule, ctx: FileContext, start_byte: int, end_byte: int, **overrides: Any) -> Finding:
    """A finding of `rule` over a byte range of the file; None-valued overrides keep defaults."""
    return Finding(
        rule_id=rule.id,
        message=overrides.get("message") or rule.message,
        severity=overrides.get("severity") or rule.severity,
        confidence=overrides.get("confidence") or rule.confidence,
        start_byte=start_byte,
        end_byte=end_byte,
        start=ctx.position(start_byte),
        end=ctx.position(end_byte),
        fix=overrides.get("fix"),
        data=overrides.get("data") or {},
        alternative_fixes=overrides.get("alternative_fixes") or (),
        cwe=overrides.get("cwe") or rule.cwe,
    )


@functools.cache
def _call_query(language: str) -> tree_sitter.Query | None:
    source = CALL_QUERIES.get(language)
    grammar = languages.grammar(language)
    return tree_sitter.Query(grammar, source) if source and grammar else None


@functools.cache
def _callee_query(language: str) -> tree_sitter.Query | None:
    source = CALLEE_QUERIES.get(language)
    grammar = languages.grammar(language)
    return tree_sitter.Query(grammar, source) if source and grammar else None


def _combined_query(
    language: str, rules: tuple[Rule, ...], shared: Mapping[str, str]
) -> tuple[tree_sitter.Query | None, list[Rule | str]]:
    """One query holding every rule's patterns and the shared queries (`rules/walk.py`), and the
    owner of each pattern index: a rule, or a shared query's key."""
    grammar = languages.grammar(language)
    if grammar is None or not (rules or shared):
        return None, []
    owned: list[tuple[Rule | str, str]] = [(rule, rule.query or "") for rule in rules]
    everything = [*owned, *sorted(shared.items())]
    try:  # compiled once, if every query compiles (a broken one is found and left out below)
        combined = tree_sitter.Query(grammar, "\n".join(source for _, source in everything))
    except tree_sitter.QueryError:
        combined = None
    if combined is not None:
        return combined, _pattern_owners(combined, everything)
    owners: list[Rule | str] = []
    parts: list[str] = []
    for owner, source in everything:
        try:
            count = compile_query(source, language).pattern_count
        except (tree_sitter.QueryError, ValueError) as error:
            name = f"rule {owner.id}" if isinstance(owner, Rule) else f"shared query {owner}"
            log.error("%s: query does not compile for %s: %s", name, language, error)
            continue
        owners.extend([owner] * count)
        parts.append(source)
    if not parts:
        return None, []
    return tree_sitter.Query(grammar, "\n".join(parts)), owners


def _pattern_owners(query: tree_sitter.Query, parts: Sequence[tuple[Rule | str, str]]) -> list[Rule | str]:
    """The owner of each pattern of `query`, compiled from the `parts`' sources joined by line
    breaks: the part its first byte lies in (no part compiled again to count its patterns)."""
    starts = list(itertools.accumulate((len(source.encode()) + 1 for _, source in parts[:-1]), initial=0))
    return [
        parts[bisect.bisect_right(starts, query.start_byte_for_pattern(i)) - 1][0] for i in range(query.pattern_count)
    ]


@functools.cache
def compile_query(source: str, language: str) -> tree_sitter.Query:
    """Compile one query for a language (cached); raises `tree_sitter.QueryError` if invalid."""
    grammar = languages.grammar(language)
    if grammar is None:
        raise ValueError(f"language {language!r} has no tree-sitter grammar")
    return tree_sitter.Query(grammar, source)
