"""vetline's resident memory over many edits, in three shapes (issue 15: RSS must stay flat).

Each edit waits for its diagnostics; the server's RSS is read from /proc every `--every` edits.
Growth is measured from the end of the warm-up (`--warmup` edits, by when the caches hold their
working set) to the last edit. Shapes (`--shape`, all three by default):

- `literal`: a module holding one `--literal`-byte string literal (800 KB by default); one
  character per edit inside the literal, spread out, so every edit makes a new literal text
  (what caches keyed by literal text and bounded only by entry count grew on, ~1 MB per edit);
- `ordinary`: the standard library's `argparse.py` (2,600 lines), typing at the end of a comment;
- `documents`: small edits round-robin across four open modules (a finding each), closing the
  oldest document and opening another of eight every 50 edits, so documents are opened and
  closed again and again (per-document state must go with `didClose`).

    python benchmarks/lsp_memory.py [--shape literal|ordinary|documents] [--edits 10000]
                                    [--every 1000] [--warmup 1000] [--literal 800000] [--trace]

`--trace` runs the server with `VETLINE_TRACEMALLOC` (`server/memory_trace.py`): it prints the
allocation sites that grew most between the end of the warm-up and the last edit, and the object
types whose count grew (tracing slows the server many times over and its own bookkeeping shows in
RSS, so read the allocation sites, not RSS, in a traced run; a few hundred edits suffice).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lsp_latency import Client, start, stop

SHAPES = ("literal", "ordinary", "documents")
OPEN_AT_ONCE = 4  # `documents`: open documents at any time
POOL = 8  # `documents`: files the open documents rotate through
ROTATE_EVERY = 50  # `documents`: edits between closing one document and opening the next
MODULE = '''import os
import subprocess


def run_{i}(command):
    """Run a command for item {i}."""
    return subprocess.call(command, shell=True)


def path_{i}(name):
    # typed:
    return os.path.join("/srv", name)
'''
Edit = tuple[str, int, int, int]  # uri, line, character, version


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


async def open_document(client: Client, path: Path) -> None:
    opened = time.perf_counter()
    client.open(path)
    await client.wait_for(path.as_uri(), opened, 1)


def close_document(client: Client, path: Path) -> None:
    client.notify("textDocument/didClose", {"textDocument": {"uri": path.as_uri()}})


async def edit(client: Client, uri: str, version: int, line: int, column: int) -> None:
    """Insert one character and wait for that version's diagnostics."""
    position = {"line": line, "character": column}
    sent = time.perf_counter()
    client.change(uri, version, {"start": position, "end": position}, "z")
    await client.wait_for(uri, sent, version)
    client.arrivals.clear()  # the client's own list must not grow (nor slow each wait) over the run


def literal_edits(path: Path, size: int, edits: int) -> Iterator[Edit]:
    path.write_text(f'import os\nBLOB = "{"k9" * (size // 2)}"\n\n\ndef run(x):\n    return os.system(x)\n')
    for version in range(2, edits + 2):
        # Spread out inside the literal (a growing run of one character would time a regex, not memory).
        yield path.as_uri(), 1, 8 + (version * 7919) % (size - 16), version


def ordinary_edits(path: Path, edits: int) -> Iterator[Edit]:
    import argparse as ordinary_module

    text = Path(ordinary_module.__file__).read_text() + "\n# typed: \n"
    path.write_text(text)
    line = text.count("\n") - 1
    for version in range(2, edits + 2):
        yield path.as_uri(), line, 9 + version - 2, version


async def run_documents(client: Client, folder: Path, edits: int, measure: Any) -> None:
    """The `documents` shape, which opens and closes as it goes (the others open one file)."""
    paths = [folder / f"module_{i}.py" for i in range(POOL)]
    for i, path in enumerate(paths):
        path.write_text(MODULE.format(i=i))
    typed_line = MODULE.splitlines().index("    # typed:")
    opened = list(range(OPEN_AT_ONCE))
    versions = dict.fromkeys(range(POOL), 1)
    for i in opened:
        await open_document(client, paths[i])
    next_file = OPEN_AT_ONCE
    for done in range(1, edits + 1):
        i = opened[done % OPEN_AT_ONCE]
        versions[i] += 1
        await edit(client, paths[i].as_uri(), versions[i], typed_line, 12 + versions[i] - 2)
        if done % ROTATE_EVERY == 0:
            oldest = opened.pop(0)
            close_document(client, paths[oldest])
            versions[oldest] = 1  # a reopened file starts from its text on disk, version 1
            await open_document(client, paths[next_file])
            opened.append(next_file)
            next_file = (next_file + 1) % POOL
        measure(done)


async def run_shape(shape: str, args: argparse.Namespace) -> tuple[float, float]:
    """Run one shape; returns (RSS after the warm-up, RSS after the last edit) in MB."""
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as trace:
        folder = Path(tmp)
        if args.trace:
            os.environ["VETLINE_TRACEMALLOC"] = trace
        client = await start([sys.executable, "-m", "vetline", "serve", "--log-level", "error"], folder)
        os.environ.pop("VETLINE_TRACEMALLOC", None)
        pid = client.process.pid
        marks: dict[str, float] = {}
        started = time.perf_counter()

        def measure(done: int) -> None:
            if done == args.warmup:
                marks["warm"] = rss_mb(pid)
                if args.trace:
                    snapshot(pid, Path(trace), 0)
            if done % args.every == 0:
                rate = (time.perf_counter() - started) / done * 1000
                print(f"  after {done:>6} edits: RSS {rss_mb(pid):.0f} MB ({rate:.1f} ms per edit)", flush=True)

        print(f"{shape}; load average {os.getloadavg()[0]:.2f}", flush=True)
        if shape == "documents":
            await run_documents(client, folder, args.edits, measure)
        else:
            path = folder / "blob.py"
            shaped = (
                literal_edits(path, args.literal, args.edits)
                if shape == "literal"
                else ordinary_edits(path, args.edits)
            )
            first = next(shaped)
            await open_document(client, path)
            print(f"  after open: RSS {rss_mb(pid):.0f} MB", flush=True)
            for done, (uri, line, column, version) in enumerate((first, *shaped), start=1):
                await edit(client, uri, version, line, column)
                measure(done)
        final = rss_mb(pid)
        if args.trace:
            snapshot(pid, Path(trace), 1)
            report_growth(Path(trace))
        await stop(client)
    warm = marks.get("warm", final)
    print(f"  growth after warm-up ({args.warmup:,} -> {args.edits:,} edits): {final - warm:+.1f} MB", flush=True)
    return warm, final


def snapshot(pid: int, folder: Path, number: int) -> None:
    """Ask the traced server for snapshot `number` and wait until it is written."""
    os.kill(pid, signal.SIGUSR1)
    target = folder / f"snapshot-{number}.tracemalloc"
    deadline = time.monotonic() + 300
    while not target.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the server wrote no {target.name}")
        time.sleep(0.2)


def report_growth(folder: Path, top: int = 15) -> None:
    """Print the allocation sites and object types that grew between snapshots 0 and 1."""
    # What the tracing itself allocates (dumping a snapshot, counting types) is left out.
    ignored = [tracemalloc.Filter(False, "*memory_trace.py", all_frames=True), tracemalloc.Filter(False, "<unknown>")]
    before, after = (
        tracemalloc.Snapshot.load(str(folder / f"snapshot-{n}.tracemalloc")).filter_traces(ignored) for n in (0, 1)
    )
    print("  tracemalloc, grown since the warm-up (by allocation site):")
    for stat in after.compare_to(before, "traceback")[:top]:
        frames = [f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback][-4:]
        print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  {' <- '.join(reversed(frames))}")
    counts = [json.loads((folder / f"types-{n}.json").read_text()) for n in (0, 1)]
    grown = sorted(((counts[1].get(t, 0) - counts[0].get(t, 0), t) for t in counts[1]), reverse=True)[:top]
    print("  gc objects, grown since the warm-up:", ", ".join(f"{t} {d:+d}" for d, t in grown if d > 0) or "none")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=SHAPES, action="append", help="repeatable; default: all three")
    parser.add_argument("--literal", type=int, default=800_000)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--trace", action="store_true", help="tracemalloc and gc type counts inside the server")
    args = parser.parse_args()
    results = {shape: await run_shape(shape, args) for shape in args.shape or SHAPES}
    for shape, (warm, final) in results.items():
        print(f"{shape:<10} RSS after warm-up {warm:.0f} MB, at the end {final:.0f} MB: {final - warm:+.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
