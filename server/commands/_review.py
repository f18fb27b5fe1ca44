"""The git side of `vetline scan`: `--attribute`, `--diff REV` and `--record`.

Not a subcommand. `review` narrows results to changed lines (`--diff`) and sets each finding's
git origin (`--attribute`, implied by `--diff` and `--record`). Attribution problems are notes
and leave origins absent; a `--diff` that git cannot compute is an error (exit 2), because
reporting every finding instead would mislead a pull-request review.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..attribution import Attributor, attribute, patterns_for
from ..changes import ALL_LINES, ChangedLines, changed_since, only_changed, repository_paths
from ..config import Config
from ..git import GitError, Repository, open_repository
from ..scanner import FileResult


@dataclass
class Review:
    """What the git side produced for one scan."""

    results: list[FileResult]
    repository: Repository | None = None
    # (commit, path) -> (origin, changed lines that commit wrote in that file), with --diff and --record
    changed_lines: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--attribute", action="store_true", help="set each finding's origin from git blame")
    parser.add_argument("--diff", metavar="REV", help="only findings on lines changed since REV (implies --attribute)")
    parser.add_argument(
        "--record", action="store_true", help="record the findings in the local metrics store (implies --attribute)"
    )


def review(results: list[FileResult], args: argparse.Namespace, config: Config) -> Review:
    """Apply --diff and --attribute; raises GitError only for an impossible --diff."""
    if not (args.attribute or args.diff or args.record):
        return Review(results)
    try:
        repository = open_repository(Path(args.paths[0]).resolve())
    except GitError as error:
        if args.diff:
            raise
        _note(f"no git origins: {error}")
        return Review(results)
    changed = changed_since(repository, args.diff) if args.diff else None
    paths = repository_paths(repository, results)
    if changed is not None:
        results = only_changed(results, changed, paths)
    attributor = Attributor(repository, patterns_for(config.ai_origin))
    results, notes = attribute(results, attributor)
    for note in notes:
        _note(note)
    lines = _changed_line_origins(attributor, results, changed, paths) if changed is not None and args.record else {}
    return Review(results, repository, lines)


def _changed_line_origins(
    attributor: Attributor, results: Sequence[FileResult], changed: ChangedLines, paths: dict[Path, str]
) -> dict[tuple[str, str], tuple[str, int]]:
    """How many changed lines each commit wrote per file, and its origin (for rates per 1,000
    changed lines). Per commit, so that recording the same commits again counts them once."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for result in results:
        relative = paths.get(result.path)
        if relative is None or relative not in changed.files:
            continue
        lines = changed.files[relative]
        wanted = range(1, _line_count(result.path) + 1) if lines is ALL_LINES else sorted(lines or ())
        try:
            counts.update(
                (sha, relative, origin) for sha, origin in attributor.commits_and_origins(result.path, wanted).values()
            )
        except (GitError, ValueError):
            continue  # untracked: its lines have no commit yet
    return {(sha, relative): (origin, n) for (sha, relative, origin), n in counts.items()}


def _line_count(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def record(review_result: Review, args: argparse.Namespace, config: Config, unfixed: Review | None = None) -> None:
    """`--record`: store the scan's findings (after --diff) in the metrics store; with `--fix`,
    `unfixed` is the scan before the fixes, whose removed findings are recorded as fixed."""
    from ..metrics.recorder import Recorder, record_fixes, record_scan

    root = _workspace_root(review_result, args, config)
    rules = dict(config.rules_by_id())
    recorder = Recorder()
    if unfixed is not None:
        record_fixes(recorder, root, unfixed.results, review_result.results, rules)
    recorded = record_scan(
        recorder, root, review_result.results, rules, complete=not args.diff,
        changed_lines=(unfixed or review_result).changed_lines,
    )  # fmt: skip
    if recorded:
        _note(f"recorded {sum(len(r.findings) for r in review_result.results)} finding(s) for {root}")


def _workspace_root(review_result: Review, args: argparse.Namespace, config: Config) -> Path:
    """The repository's root, else the configuration's folder, else the scanned folder."""
    if review_result.repository is not None:
        return review_result.repository.root.resolve()
    if config.root is not None:
        return config.root.resolve()
    first = Path(args.paths[0]).resolve()
    return first if first.is_dir() else first.parent


def _note(message: str) -> None:
    print(f"vetline: note: {message}", file=sys.stderr)
