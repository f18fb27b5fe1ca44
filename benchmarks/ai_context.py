"""Precision of the AI-context text rules on real files nobody here wrote.

Run: `python benchmarks/ai_context.py PATH [PATH ...]` (site-packages, unpacked sdists, npm
packages). A script, not a test. It prints, per rule, files read, lines, findings and findings
per 1,000 lines, then every finding (path:line and message) for a reviewer to read:
- `hidden-unicode-characters` over every file vetline reads (any language it knows);
- `agent-instruction-risk` over the real instruction files found, and, as a stress test of its
  patterns, over every Markdown file as if it were an instruction file (`--stress` column).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from vetline.rules import registry
from vetline.rules.aicontext._instructions import is_instruction_file, red_flags
from vetline.rules.engine import Engine
from vetline.rules.languages import language_for_path

MAX_SIZE = 1_000_000
SKIP_DIRS = {".git", "node_modules", "__pycache__"}


def language(path: Path) -> str | None:
    """vetline's language; a wheel's `METADATA` (its README, as text) is read as Markdown."""
    return "markdown" if path.name in ("METADATA", "PKG-INFO") else language_for_path(path)


def files(roots: list[Path]) -> list[Path]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not SKIP_DIRS & set(path.parts) and language(path):
                found.append(path)
    return sorted(found)


def main(roots: list[Path]) -> None:
    rules = registry.by_id()
    engine = Engine([rules["hidden-unicode-characters"], rules["agent-instruction-risk"]])
    counts: Counter[str] = Counter()
    lines = Counter[str]()
    reported: list[str] = []
    started = time.perf_counter()
    for path in files(roots):
        try:
            data = path.read_bytes()[:MAX_SIZE]
            data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        kind = language(path) or ""
        lines["all"] += data.count(b"\n") + 1
        counts["files"] += 1
        for finding in engine.analyze(data, kind, str(path)).findings:
            counts[finding.rule_id] += 1
            reported.append(f"{path}:{finding.start.line + 1}: {finding.rule_id}: {finding.message[:160]}")
        if kind == "markdown":
            text = data.decode("utf-8")
            lines["markdown"] += text.count("\n") + 1
            counts["instruction files"] += is_instruction_file(str(path))
            for start, _, description in red_flags(text):
                counts["stress"] += 1
                line = text.count("\n", 0, start) + 1
                reported.append(
                    f"{path}:{line}: STRESS agent-instruction-risk: {description}: {text.splitlines()[line - 1][:140]}"
                )
    elapsed = time.perf_counter() - started
    print(f"{counts['files']} files, {lines['all']:,} lines, {lines['markdown']:,} Markdown lines, {elapsed:.1f} s")
    print(f"instruction files: {counts['instruction files']}")
    for rule, base in (("hidden-unicode-characters", "all"), ("agent-instruction-risk", "all"), ("stress", "markdown")):
        per_k = 1000 * counts[rule] / max(lines[base], 1)
        print(f"{rule:28} {counts[rule]:5} findings  {per_k:.4f} per 1,000 lines ({base})")
    print()
    print("\n".join(reported))


if __name__ == "__main__":
    main([Path(p) for p in sys.argv[1:]] or [Path(sys.prefix)])
