"""Cost of the AI-origin features: recording per analysis, and `--attribute` on 1,000 findings.

    python benchmarks/origin.py [--findings 1000] [--files 20] [--analyses 2000]

1. Recording: the language server's `metrics.observe` on a buffer with 20 findings, for
   analyses where nothing changed (the common case while typing), and for analyses where one
   finding appears or goes (one short SQLite transaction), against a real database file.
2. `--attribute`: a git repository built here with `--files` files holding `--findings`
   findings over 10 commits (every third with a `Co-authored-by: GitHub Copilot` trailer);
   times `vetline scan --format json` with and without `--attribute`, and `--diff HEAD~5`.
Prints the figures; nothing is asserted (speed is measured here, not in tests).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

# benchmarks/secrets.py would shadow the standard library's `secrets` module for this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
VULNERABLE = "    digest_{n} = hashlib.md5(data_{n}).hexdigest()\n"


def bench_recording(analyses: int, data_home: Path) -> tuple[float, float]:
    """Median microseconds per observe(): unchanged findings, and one finding changing."""
    os.environ["XDG_DATA_HOME"] = str(data_home)
    from vetline.rules.model import Confidence, Finding, Position, Severity
    from vetline.server.lsp import metrics
    from vetline.server.lsp.documents import Document
    from vetline.server.positions import LineIndex

    source = b"".join(b"x = hashlib.md5(v%d)\n" % i for i in range(20))
    index = LineIndex(source)
    findings = [
        Finding(
            "weak-hash-md5-sha1", "m", Severity.MEDIUM, Confidence.MEDIUM, s, s + 16, Position(i, 4), Position(i, 20)
        )
        for i, s in enumerate(index.starts[:20])
    ]
    rule = SimpleNamespace(id="weak-hash-md5-sha1", category=SimpleNamespace(value="crypto"))
    folder = data_home / "workspace"
    folder.mkdir(parents=True, exist_ok=True)
    engine = SimpleNamespace(rules=[rule])
    ls = SimpleNamespace(
        settings=SimpleNamespace(metrics=True, metrics_retention_days=365),
        folders=lambda: [folder],
        projects=SimpleNamespace(engine_for=lambda path: engine, config_for=lambda path: SimpleNamespace(root=None)),
    )
    doc = Document((folder / "a.py").as_uri(), "python", 1, index, folder / "a.py")
    metrics.observe(ls, doc, findings)  # opens the database, creates the workspace
    steady, changing = [], []
    for i in range(analyses):
        doc.version += 1
        started = time.perf_counter()
        metrics.observe(ls, doc, findings if i % 2 else findings[:-1]) if i % 10 == 0 else metrics.observe(
            ls, doc, findings
        )
        (changing if i % 10 == 0 else steady).append(time.perf_counter() - started)
    typing = bench_typing(ls, doc, findings, analyses // 4)
    return statistics.median(steady) * 1e6, statistics.median(changing) * 1e6, typing


def bench_typing(ls: SimpleNamespace, doc: object, findings: list, analyses: int) -> float:
    """Median microseconds per observe() while a line is typed before each analysis, with the
    document already holding the most typed ranges it remembers (the worst case of counting)."""
    from lsprotocol import types
    from vetline.server.lsp import documents, metrics

    end = doc.index.position(len(doc.source), "utf-16")  # type: ignore[attr-defined]
    lines = types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text="z = 0\n" * 600)
    doc.apply_all([lines], "utf-16")  # type: ignore[attr-defined]
    starts = doc.index.starts[20::2]  # type: ignore[attr-defined]
    doc.blocks, doc.typed = [], [[s, s + 4] for s in starts[: documents.MAX_TYPED]]  # type: ignore[attr-defined]
    times = []
    for _ in range(analyses):
        end = doc.index.position(len(doc.source), "utf-16")  # type: ignore[attr-defined]
        change = types.TextDocumentContentChangePartial(range=types.Range(start=end, end=end), text="y = 1\n")
        doc.apply_all([change], "utf-16")  # type: ignore[attr-defined]
        doc.version += 1  # type: ignore[attr-defined]
        started = time.perf_counter()
        metrics.observe(ls, doc, findings)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def build_repository(root: Path, findings: int, files: int) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), "-c", "user.name=Bench", "-c", "user.email=b@example.com", *args],
                       check=True, capture_output=True, env=env)  # fmt: skip

    root.mkdir(parents=True)
    git("init", "-q", "-b", "main")
    (root / "pyproject.toml").write_text('[tool.vetline]\nselect = ["weak-hash-md5-sha1"]\n')
    per_commit = findings // 10
    for commit in range(10):
        for n in range(commit * per_commit, (commit + 1) * per_commit):
            path = root / f"module_{n % files}.py"
            if not path.exists():
                path.write_text("import hashlib\n\n\ndef run(**kw):\n")
            with path.open("a") as handle:
                handle.write(VULNERABLE.format(n=n))
        git("add", "-A")
        trailer = "\n\nCo-authored-by: GitHub Copilot <copilot@github.com>" if commit % 3 == 0 else ""
        git("commit", "-q", "-m", f"commit {commit}{trailer}")


def timed(argv: list[str], cwd: Path, runs: int = 3) -> tuple[float, int]:
    """Best wall time of `runs`, and how many findings the report lists."""
    times, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        count = done.stdout.count('"origin"') if "--attribute" in argv else done.stdout.count('"rule":')
    return min(times), count


def bench_attribution_only(repo: Path, runs: int = 5) -> float:
    """Best in-process seconds for blaming every flagged line and classifying the commits."""
    from vetline.server.attribution import AiPatterns, Attributor, attribute
    from vetline.server.config import find_config, load_config
    from vetline.server.git import open_repository
    from vetline.server.scanner import scan_paths

    config, _ = load_config(find_config(repo))
    results = scan_paths([repo], config)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        attribute(results, Attributor(open_repository(repo), AiPatterns()))  # fresh: no commit cache
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=1000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--analyses", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vetline-origin-bench-") as temp:
        base = Path(temp)
        steady, changing, typing = bench_recording(args.analyses, base / "data")
        print(f"recording per analysis: {steady:.0f} us unchanged, {changing:.0f} us when a finding appears or goes")
        print(f"  {typing:.0f} us while typing a line per analysis (typed lines counted, written every 20)")
        repo = base / "repo"
        build_repository(repo, args.findings, args.files)
        scan = [sys.executable, "-m", "vetline", "scan", "--format", "json", "--jobs", "1", "."]
        plain, found = timed(scan, repo)
        attributed, with_origin = timed([*scan, "--attribute"], repo)
        diff, changed = timed([*scan, "--diff", "HEAD~5"], repo)
        only = bench_attribution_only(repo)
        print(f"scan reporting {found} findings in {args.files} files: {plain:.2f} s")
        print(
            f"  --attribute: {attributed:.2f} s (+{attributed - plain:.2f} s, {args.files} blame calls, {with_origin} origins set)"
        )
        print(f"  attribution alone (in process, best of 5): {only * 1000:.0f} ms")
        print(f"  --diff HEAD~5 ({changed} findings on changed lines): {diff:.2f} s (+{diff - plain:.2f} s)")


if __name__ == "__main__":
    main()
