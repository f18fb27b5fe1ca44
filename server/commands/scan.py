"""`vetline scan`: analyse files and report findings as text, JSON, SARIF or markdown.

`--attribute`, `--diff REV` and `--record` (the git side and the metrics store) live in
`_review.py`.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import difflib
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from vetline.rules.model import Category, Severity

from ..config import Config, ConfigError, parse, selected_rules
from ..formats import json_report, markdown, sarif, text
from ..git import GitError
from ..scanner import FileResult, check_baseline, scan_paths
from . import _fix, _review
from ._configure import configure, warn

FAIL_ON = ("high", "medium", "low", "none")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("scan", help="scan files or folders and report findings")
    parser.add_argument(
        "paths", nargs="*", type=Path, default=[Path(".")], metavar="PATH", help="files or folders (default: .)"
    )
    parser.add_argument(
        "--format", choices=("text", "json", "sarif", "markdown"), default="text", help="output format (default: text)"
    )
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE instead of standard output")
    parser.add_argument("--select", help="comma-separated rule ids or categories to run (overrides configuration)")
    parser.add_argument("--extend-select", help="comma-separated rule ids or categories to run as well")
    parser.add_argument("--ignore", help="comma-separated rule ids or categories to skip (added to configuration)")
    parser.add_argument(
        "--config", type=Path, help="configuration file (default: nearest .vetline.toml or pyproject.toml)"
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="low",
        help="lowest severity that makes the exit code 1 (default: low); `none` also accepts files analysed only in part",
    )
    parser.add_argument(
        "--jobs", "-j", type=int, default=os.cpu_count() or 1, help="parallel processes (default: CPU count)"
    )
    parser.add_argument("--baseline", type=Path, help="do not report findings recorded in this baseline file")
    parser.add_argument("--no-color", action="store_true", help="never colour the text output")
    parser.add_argument(
        "--force-exclude",
        action="store_true",
        help="skip files named on the command line that are excluded or that vetline does not read (for hooks)",
    )
    _review.add_arguments(parser)
    _fix.add_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        config = _configure(args)
    except ConfigError as error:
        print(f"vetline: error: {error}", file=sys.stderr)
        return 2
    with _start_up_objects_frozen():
        return _run(args, config)


@contextlib.contextmanager
def _start_up_objects_frozen() -> Iterator[None]:
    """Keep what start-up loaded (modules, rules, compiled patterns: most of the heap) out of the
    garbage collector's passes while the files are scanned. Each file allocates tens of thousands
    of objects, which triggers collections that would walk that heap again and again (a tenth
    of the scan's Python time on the standard library); it holds no garbage worth finding.
    Unfrozen afterwards, so a process that runs `main` repeatedly (the tests) collects it again."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _run(args: argparse.Namespace, config: Config) -> int:
    if args.unsafe_fixes and not (args.fix or args.show_fixes):
        print("vetline: error: --unsafe-fixes needs --fix or --show-fixes", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("vetline: error: --jobs must be at least 1", file=sys.stderr)
        return 2
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:  # a mistyped path in CI must not look like a clean scan
        print(f"vetline: error: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        reviewed = unfixed = _scan(args, config)
        if args.show_fixes:
            return _fix.show(reviewed.results, args)
        if args.fix:
            fixed = _fix.run(reviewed.results, args, rescan=lambda: _scan(args, config).results)
            reviewed = dataclasses.replace(reviewed, results=fixed)
    except GitError as error:
        print(f"vetline: error: --diff {args.diff}: {error}", file=sys.stderr)
        return 2
    results = reviewed.results
    _note_skipped_checks(config, results)
    _note_unchecked_assistants(config, results)
    if args.record:
        _review.record(reviewed, args, config, unfixed if args.fix else None)
    _write(_render(results, args, config), args)
    if config.rule_errors:  # the scan ran without those rules: a CI job must not pass as if it had them
        return 2
    partial = _note_partial_analysis(results, args.fail_on)
    return 1 if partial or _fails(results, args.fail_on) else 0


def _scan(args: argparse.Namespace, config: Config) -> _review.Review:
    """Scan the paths and apply --diff/--attribute (GitError for an impossible --diff)."""
    return _review.review(
        scan_paths(list(args.paths), config, jobs=args.jobs, force_exclude=args.force_exclude), args, config
    )


def _configure(args: argparse.Namespace) -> Config:
    config = configure(args.config, args.paths[0] if args.paths else Path("."))
    overrides: dict[str, object] = {}
    if args.select:
        overrides["select"] = _known(_split(args.select), "--select", config)
    if args.extend_select:
        extend = _known(_split(args.extend_select), "--extend-select", config)
        overrides["extend_select"] = (*config.extend_select, *extend)
    if args.ignore:
        overrides["ignore"] = (*config.ignore, *_known(_split(args.ignore), "--ignore", config))
    if overrides:
        warn(parse(overrides, "command line", [rule.id for rule in config.project_rules])[1])
        config = config.merged(overrides, "command line")
    if args.baseline:
        if not args.baseline.is_file():
            raise ConfigError(f"{args.baseline}: baseline file not found (create one with `vetline baseline create`)")
        config = dataclasses.replace(config, baseline=str(args.baseline.resolve()))
    check_baseline(config, "--baseline" if args.baseline else str(config.source))
    return config


def _note_unchecked_assistants(config: Config, results: list[FileResult]) -> None:
    """Once per project: an assistant whose exclusions live outside the repository (Copilot)."""
    if "ai-context-secret-file-exposed" not in {rule.id for rule in selected_rules(config)}:
        return
    from vetline.rules.aicontext._workspace import out_of_repo_notes

    for message in out_of_repo_notes([result.path for result in results]):
        print(f"vetline: note: {message}", file=sys.stderr)


def _note_skipped_checks(config: Config, results: list[FileResult]) -> None:
    """One note per data-dependent rule that ran without its data (workers cannot say it once).

    Each note starts with the id of the rule it concerns; only selected rules are noted.
    """
    selected = {rule.id for rule in selected_rules(config)} & {"unknown-package", "vulnerable-pinned-version"}
    if not selected:
        return
    from .. import depdata  # only scans running the dependency rules pay for importing it

    options = {**config.dependencies, "root": str(config.root) if config.root else None}
    read = (result.path for result in results if not result.errors)  # skipped files are never read again
    for message in depdata.missing_notes(options, read):
        if message.split(" ", 1)[0] in selected:
            print(f"vetline: note: {message}", file=sys.stderr)


def _known(names: tuple[str, ...], flag: str, config: Config) -> tuple[str, ...]:
    """The names, when each is a rule id (built-in or the project's) or a category; a typo on the
    command line is an error: a scan that silently runs no rule would pass CI."""
    known = {rule.id for rule in config.all_rules()} | {category.value for category in Category}
    for name in names:
        if name not in known and name != "*":
            close = difflib.get_close_matches(name, sorted(known), n=3)
            hint = f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else "; `vetline rules` lists them"
            raise ConfigError(f"{flag}: unknown rule or category `{name}`{hint}")
    return names


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _render(results: list[FileResult], args: argparse.Namespace, config: Config) -> str:
    rules = config.rules_by_id()
    if args.format == "json":
        return json_report.render(results, rules) + "\n"
    if args.format == "sarif":
        return sarif.render(results, rules) + "\n"
    if args.format == "markdown":
        return markdown.render(results, rules)
    colour = args.output is None and sys.stdout.isatty() and not args.no_color and "NO_COLOR" not in os.environ
    return text.render(results, rules, colour=colour)


def _write(report: str, args: argparse.Namespace) -> None:
    if args.output is None:
        sys.stdout.write(report)
        sys.stdout.flush()
    else:
        args.output.write_text(report, encoding="utf-8")


def _note_partial_analysis(results: list[FileResult], fail_on: str) -> bool:
    """Whether a file was analysed only in part and that fails the scan (not with `--fail-on
    none`): CI must never pass on an analysis that may have missed findings. Says so on stderr."""
    partial = [result for result in results if not result.complete]
    if not partial or fail_on == "none":
        return False
    first = partial[0]
    more = f" and {len(partial) - 1} more" if len(partial) > 1 else ""
    print(
        f"vetline: error: {len(partial)} file(s) could not be fully analysed, so findings may be missing:"
        f" {first.relative} ({first.errors[0]}){more}; see `errors` in the report."
        " The scan fails for this; `--fail-on none` accepts a partial analysis.",
        file=sys.stderr,
    )
    return True


def _fails(results: list[FileResult], fail_on: str) -> bool:
    if fail_on == "none":
        return False
    threshold = Severity.parse(fail_on)
    return any(f.severity >= threshold for r in results for f in r.findings)
