"""`vetline explain RULE`: print a rule's documentation."""

from __future__ import annotations

import argparse
import difflib
import sys

from vetline.rules import registry


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("explain", help="show the documentation of a rule")
    parser.add_argument("rule", help="rule id, e.g. yaml-unsafe-load")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rules = registry.by_id()
    rule = rules.get(args.rule)
    if rule is None:
        close = difflib.get_close_matches(args.rule, rules, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else " `vetline rules` lists them."
        print(f"vetline: error: no rule `{args.rule}`.{hint}", file=sys.stderr)
        return 2
    cwe = ", ".join(f"CWE-{c}" for c in rule.cwe)
    owasp = f" | OWASP {', '.join(rule.owasp)}" if rule.owasp else ""
    print(f"# {rule.id}: {rule.title}\n")
    print(f"{rule.category.value} | severity {rule.severity.label} | confidence {rule.confidence.label} | {cwe}{owasp}")
    print(f"Languages: {', '.join(sorted(rule.languages))}{' | fixable' if rule.fixable else ''}\n")
    print(rule.docs.strip() + "\n")
    print("## References\n" + "\n".join(f"- {ref}" for ref in rule.references))
    return 0
