"""Time the secrets rules: a full scan of a 5,000-line file, and re-checking one changed literal.

Run: `python benchmarks/secrets.py`. A script, not a test: the figures go in benchmarks/README.md.
Targets (issue 4): full scan < 50 ms; a changed literal re-checked in microseconds.
"cold caches" forgets only the per-literal verdicts; "no cached text" also forgets every
detector answer cached by text, as on the first scan of a file in a fresh process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from vetline.rules import languages, registry
from vetline.rules.engine import Engine
from vetline.rules.secrets import _detect, _names, _positions, _scan

LINES = 5_000


def synthetic_module(lines: int) -> bytes:
    """A realistic mix: functions, dict literals, log strings, hashes, a few credentials."""
    block = [
        "def handler_{i}(request, retries=3):",
        '    """Handle request {i}."""',
        '    url = f"https://api.example.com/v1/items/{{request.id}}"',
        '    payload = {{"name": "item-{i}", "digest": "8f14e45fceea167a5a36dedd4bea{i:04d}"}}',
        '    log.info("processing %s for %s", request.id, "user-{i}")',
        '    password = "Tr0ub4dor-{i}"  # a hard-coded password every 10 lines',
        "    return payload",
        "",
        "",
        "",
    ]
    out = []
    for i in range(lines // len(block)):
        out.extend(line.format(i=i) for line in block)
    return ("\n".join(out) + "\n").encode()


def clear_text_caches() -> None:
    """Forget every verdict cached by text (detector answers, name classes): a first scan."""
    for module in (_detect, _names, _positions, _scan):
        for name, value in vars(module).items():
            if hasattr(value, "cache_clear") and name not in _SETUP:
                value.cache_clear()


_SETUP = frozenset({"_provider_plugins", "_provider_prefilter", "_query"})  # built once per process


def best_of(runs: int, action: Callable[[], object]) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings)


def main() -> None:
    source = synthetic_module(LINES)
    rules = [r for r in registry.all_rules() if r.category.value == "secrets"]
    engine = Engine(rules)
    tree = languages.parser("python").parse(source)
    count = len(engine.analyze(source, "python", "bench.py", tree=tree).findings)
    parse_best, _ = best_of(10, lambda: languages.parser("python").parse(source))
    cold_best, cold_median = best_of(
        10, lambda: (_scan.classify.cache_clear(), engine.analyze(source, "python", "bench.py", tree=tree))
    )
    first_best, first_median = best_of(
        10, lambda: (clear_text_caches(), engine.analyze(source, "python", "bench.py", tree=tree))
    )
    warm_best, warm_median = best_of(10, lambda: engine.analyze(source, "python", "bench.py", tree=tree))
    print(f"{LINES:,}-line file, {len(rules)} secrets rules, {count} findings")
    print(f"  parse (tree-sitter):                 {parse_best * 1e3:7.2f} ms")
    print(f"  full secrets scan, cold caches:      {cold_best * 1e3:7.2f} ms best, {cold_median * 1e3:.2f} ms median")
    print(f"  full secrets scan, no cached text:   {first_best * 1e3:7.2f} ms best, {first_median * 1e3:.2f} ms median")
    print(f"  full secrets scan, warm caches:      {warm_best * 1e3:7.2f} ms best, {warm_median * 1e3:.2f} ms median")
    n = 10_000
    start = time.perf_counter()
    for i in range(n):
        _scan.classify(f"Tr0ub4dor-changed-{i}", "password", "assign", False, False)
    changed = (time.perf_counter() - start) / n
    start = time.perf_counter()
    for i in range(n):
        _scan.classify(f"Tr0ub4dor-changed-{i}", "password", "assign", False, False)
    cached = (time.perf_counter() - start) / n
    print(f"  re-check one changed literal:        {changed * 1e6:7.2f} µs (new text), {cached * 1e6:.2f} µs (cached)")


if __name__ == "__main__":
    main()
