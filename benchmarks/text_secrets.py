"""Precision of the secrets rules on text files nobody here wrote: findings per 1,000 lines.

Run: `python benchmarks/text_secrets.py [ROOT ...]`. A script, not a test: the figures go in
benchmarks/README.md. Default roots: the non-Python files of this venv's site-packages, the npm
packages in /work/corpus/javascript/pkgs, and unpacked Debian packages under
/work/corpus/text-secrets/ (`apt-get download NAME && dpkg-deb -x NAME.deb DIR`). Only the
languages read as text (shell, Go, Java, ..., plain text) are counted; files vetline skips
(binary, not UTF-8, minified, generated) are counted by reason. `--list` prints every finding
(path, line, rule, redacted message) for a reviewer to read; values are never printed.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import sysconfig
import time
from pathlib import Path

from vetline.rules import generated, registry
from vetline.rules.engine import Engine
from vetline.rules.languages import READ_AS_TEXT, language_for_path
from vetline.rules.model import Category

DEFAULT_ROOTS = (
    Path(sysconfig.get_paths()["purelib"]),
    Path("/work/corpus/javascript/pkgs"),
    Path("/work/corpus/text-secrets"),
)
MAX_BYTES = 1_000_000  # vetline's default `max_file_size`


def text_files(roots: list[Path]) -> list[tuple[Path, str]]:
    """Every file under `roots` whose language is read as text, with that language."""
    found = []
    for root in roots:
        for folder, _subfolders, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                language = language_for_path(path)
                if language in READ_AS_TEXT and path.is_file() and not path.is_symlink():
                    found.append((path, language))
    return sorted(found)


def skip_reason(data: bytes, path: Path) -> str | None:
    """The scanner's reasons, shortened to their kind (`binary`, `not UTF-8`, `minified`, ...)."""
    if len(data) > MAX_BYTES:
        return "over max_file_size"
    if b"\x00" in data[:8192]:
        return "binary"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    reason = generated.reason(data, path.name)
    return reason.split(" (")[0] if reason else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--list", action="store_true", help="print every finding (values redacted)")
    args = parser.parse_args()
    roots = args.roots or [root for root in DEFAULT_ROOTS if root.is_dir()]
    engine = Engine([r for r in registry.all_rules() if r.category == Category.SECRETS])
    lines: collections.Counter[str] = collections.Counter()
    files: collections.Counter[str] = collections.Counter()
    hits: collections.Counter[str] = collections.Counter()
    in_tests: collections.Counter[str] = collections.Counter()
    rules: collections.Counter[str] = collections.Counter()
    skipped: collections.Counter[str] = collections.Counter()
    started, analysing = time.perf_counter(), 0.0
    for path, language in text_files(roots):
        data = path.read_bytes()
        reason = skip_reason(data, path)
        if reason:
            skipped[reason] += 1
            continue
        files[language] += 1
        lines[language] += data.count(b"\n") + 1
        before = time.perf_counter()
        analysis = engine.analyze(data, language, str(path))
        analysing += time.perf_counter() - before
        for finding in analysis.findings:
            hits[language] += 1
            in_tests[language] += finding.message.endswith("(in test code)")
            rules[finding.rule_id] += 1
            if args.list:
                print(f"{path}:{finding.start.line + 1}: {finding.rule_id}: {finding.message}")
    elapsed = time.perf_counter() - started
    total_lines, total_hits = sum(lines.values()), sum(hits.values())
    print(f"roots: {', '.join(str(r) for r in roots)}")
    print(
        f"{sum(files.values()):,} files, {total_lines:,} lines in {elapsed:.1f} s "
        f"({analysing:.1f} s analysing: {total_lines / max(analysing, 1e-9):,.0f} lines/s); skipped: {dict(skipped)}"
    )
    print(f"{'language':<12} {'files':>7} {'lines':>10} {'findings':>9} {'in tests':>9} {'per 1k lines':>13}")
    for language in sorted(files, key=lambda lang: -lines[lang]):
        rate = 1000 * hits[language] / max(1, lines[language])
        print(f"{language:<12} {files[language]:>7,} {lines[language]:>10,} {hits[language]:>9} "
              f"{in_tests[language]:>9} {rate:>13.3f}")  # fmt: skip
    print(f"{'all':<12} {sum(files.values()):>7,} {total_lines:>10,} {total_hits:>9} {sum(in_tests.values()):>9} "
          f"{1000 * total_hits / max(1, total_lines):>13.3f}")  # fmt: skip
    print("by rule:", dict(rules.most_common()))


if __name__ == "__main__":
    sys.exit(main())
