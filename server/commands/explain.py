"""`vetline explain RULE`: print a rule's documentation (built-in, or the project's own)."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

from vetline.rules.model import Rule

from ._configure import rules_here


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("explain", help="show the documentation of a rule")
    parser.add_argument("rule", help="rule id, e.g. yaml-unsafe-load")
    parser.set_defaults(run=run)


def suggestions(query: str, rules: dict[str, Rule]) -> list[str]:
    """Rules whose id or title shares the query's words (`sql-injection` -> the SQL rules), rare
    words counting more than common ones, then ids within a small edit distance."""
    words = {w for w in re.split(r"[\s_-]+", query.lower()) if len(w) > 2}
    vocabulary = {
        rule_id: set(re.split(r"[\s_`/()-]+", f"{rule_id} {rule.title}".lower())) for rule_id, rule in rules.items()
    }

    def has(rule_id: str, word: str) -> bool:
        return any(term.startswith(word) for term in vocabulary[rule_id])

    frequency = {word: sum(1 for rule_id in rules if has(rule_id, word)) for word in words}
    scored = []
    for rule_id in rules:
        score = sum(1 / frequency[word] for word in words if has(rule_id, word))
        if score:
            scored.append((-score, rule_id))
    by_words = [rule_id for _, rule_id in sorted(scored)[:5]]
    by_spelling = difflib.get_close_matches(query, rules, n=3)
    return list(dict.fromkeys([*by_words, *by_spelling]))[:5]


def run(args: argparse.Namespace) -> int:
    rules = {rule.id: rule for rule in rules_here(Path.cwd())}
    rule = rules.get(args.rule)
    if rule is None:
        close = suggestions(args.rule, rules)
        hint = f" Did you mean {', '.join(close)}?" if close else " `vetline rules` lists them."
        print(f"vetline: error: no rule `{args.rule}`.{hint}", file=sys.stderr)
        return 2
    cwe = ", ".join(f"CWE-{c}" for c in rule.cwe)
    owasp = f" | OWASP {', '.join(rule.owasp)}" if rule.owasp else ""
    print(f"# {rule.id}: {rule.title}\n")
    print(f"{rule.category.value} | severity {rule.severity.label} | confidence {rule.confidence.label} | {cwe}{owasp}")
    print(f"Languages: {', '.join(sorted(rule.languages))}{' | fixable' if rule.fixable else ''}\n")
    print(rule.docs.strip() + "\n")
    if rule.references:
        print("## References\n" + "\n".join(f"- {ref}" for ref in rule.references))
    return 0
