"""`vetline rules`: list every rule with its id, title, category, CWE, severity and languages.

The project's own rules (`.vetline/rules/*.toml` at or above the working directory) follow the
built-in ones, marked `project`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vetline.rules import registry
from vetline.rules.model import Rule

from ._configure import rules_here


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("rules", help="list every rule")
    parser.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format (default: text)"
    )
    parser.set_defaults(run=run)


def rule_summary(rule: Rule) -> dict[str, object]:
    return {
        "id": rule.id,
        "title": rule.title,
        "category": rule.category.value,
        "cwe": list(rule.cwe),
        "severity": rule.severity.label,
        "confidence": rule.confidence.label,
        "languages": sorted(rule.languages),
        "fixable": rule.fixable,
        "default": registry.in_default_set(rule),
        "project": not _builtin(rule),
    }


def _builtin(rule: Rule) -> bool:
    return registry.by_id().get(rule.id) is rule


def run(args: argparse.Namespace) -> int:
    rules = rules_here(Path.cwd())
    if args.format == "json":
        print(json.dumps([rule_summary(r) for r in rules], indent=2))
    elif args.format == "markdown":
        print(markdown_table(rules))
    else:
        print("Rules marked opt-in run only when selected (`--select`, `--extend-select`, `extend_select`).")
        width = max(len(r.id) for r in rules)
        for rule in rules:
            cwe = ",".join(f"CWE-{c}" for c in rule.cwe)
            fix = (" fixable" if rule.fixable else "") + ("" if registry.in_default_set(rule) else " opt-in")
            fix += "" if _builtin(rule) else " project"
            langs = ",".join(sorted(rule.languages))
            print(
                f"{rule.id:<{width}}  {rule.severity.label:<6} {rule.category.value:<14} {cwe:<16} {langs}{fix}  {rule.title}"
            )
    return 0


def markdown_table(rules: tuple[Rule, ...]) -> str:
    """The README's rule table; a test keeps the README in step with it."""
    rows = ["| Rule | Title | Category | CWE | Severity | Languages | Fix |", "|---|---|---|---|---|---|---|"]
    for rule in rules:
        cwe = ", ".join(str(c) for c in rule.cwe)
        langs = ", ".join(sorted(rule.languages))
        category = rule.category.value + ("" if registry.in_default_set(rule) else " (opt-in)")
        rows.append(
            f"| `{rule.id}` | {rule.title} | {category} | {cwe} | {rule.severity.label} | {langs} | {'yes' if rule.fixable else ''} |"
        )
    return "\n".join(rows)
