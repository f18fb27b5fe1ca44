"""`vetline test-rules`: run the `ruleid:`/`ok:` examples of the project's `.vetline/rules/*.toml`.

Each project rule runs alone over each of its examples through the annotation harness
(`vetline.rules.testing`), like the built-in rules' examples do in vetline's own tests: it must
fire on every `ruleid:` line and nowhere else. A rule with a `fixed` example must also turn
the example into exactly that text when its fixes are applied. Exit 0 when every rule passes,
1 when one misses, over-fires or fixes wrongly (each shown line by line), 2 when a rule file
does not load (the rules that do load are still tested).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterator
from pathlib import Path

from vetline.rules import project, registry, testing
from vetline.rules.engine import Engine
from vetline.rules.project import ProjectRule


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("test-rules", help="run the examples of the project's own rules")
    parser.add_argument(
        "path", nargs="?", type=Path, default=Path("."), help="project folder or a file in it (default: .)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    root = project.find_project_root(args.path)
    loaded = project.load_project_rules(root, registry.by_id())
    for error in loaded.errors:
        print(f"vetline: error: {error}", file=sys.stderr)
    if not loaded.entries and not loaded.errors:
        print(f"vetline: no project rules found in {project.RULES_FOLDER} at or above {args.path}", file=sys.stderr)
        return 0
    failed = 0
    for entry in loaded.entries:
        problems = list(rule_problems(entry))
        failed += bool(problems)
        status = "FAIL" if problems else "ok  "
        print(f"{status} {entry.rule.id} ({', '.join(entry.examples) or 'no examples'})")
        for problem in problems:
            print(f"     {problem}")
    print(f"\n{len(loaded.entries) - failed} passed, {failed} failed, {len(loaded.errors)} not loaded")
    return 2 if loaded.errors else 1 if failed else 0


def rule_problems(entry: ProjectRule) -> Iterator[str]:
    """What is wrong with the rule's examples, one line each; nothing when they all pass."""
    kinds: set[str] = set()
    for language, example in entry.examples.items():
        kinds |= testing.expectations(example, language, entry.rule.id).annotated_kinds
        try:
            result = testing.check_examples(entry.rule, example, language)
        except AssertionError as error:  # the harness reports a crashing rule this way
            yield f"{language} example: {error}"
            continue
        lines = example.split("\n")
        for line in result.missing:
            yield f"{language} example, line {line}: `ruleid` but no finding   | {lines[line - 1].strip()}"
        for line in result.unexpected:
            yield f"{language} example, line {line}: finding not annotated `ruleid` | {lines[line - 1].strip()}"
        if language in entry.fixed:
            yield from _fix_problems(entry, language, example)
    for kind in ("ruleid", "ok"):
        if kind not in kinds:
            yield f"no `{kind}: {entry.rule.id}` example: every rule needs a case it flags and one it does not"


def _fix_problems(entry: ProjectRule, language: str, example: str) -> Iterator[str]:
    """A unified diff between the `fixed` example and what the rule's fixes make of the example."""
    analysis = Engine([entry.rule]).analyze(example.encode("utf-8"), language, "example")
    fixes = [fix for finding in analysis.findings for fix in finding.fixes[:1]]
    actual = testing.apply_fixes(example.encode("utf-8"), fixes).decode("utf-8")
    expected = entry.fixed[language]
    if actual != expected:
        yield f"{language} example: the fix does not produce the `fixed` example:"
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "fixed (expected)", "after the fix", lineterm=""
        )
        yield from (f"  {line}" for line in diff)
