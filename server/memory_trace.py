"""Memory tracing of a running server, off by default, for finding what grows (issue 15).

With the environment variable `VETLINE_TRACEMALLOC` naming a folder, `vetline serve` starts
`tracemalloc` and, on each SIGUSR1 and once at exit, writes two files there: `snapshot-<n>.tracemalloc`
(a `tracemalloc.Snapshot`, for `Snapshot.load(...).compare_to(...)`) and `types-<n>.json` (live
objects counted by type name after a full collection). `benchmarks/lsp_memory.py --trace` signals
the server after warm-up and at the end and prints the differences. Nothing happens without the
variable: no tracing cost, no signal handler, no file. The files hold allocation sites (file
names and line numbers of vetline's and the standard library's code) and type names, never text.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import tracemalloc
from collections import Counter
from pathlib import Path

ENVIRONMENT = "VETLINE_TRACEMALLOC"
FRAMES = 12  # stack depth kept per allocation: enough to see which vetline caller allocated


def start_if_requested() -> Path | None:
    """Start tracing when `VETLINE_TRACEMALLOC` names a folder; returns that folder."""
    folder = os.environ.get(ENVIRONMENT)
    if not folder:
        return None
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    tracemalloc.start(FRAMES)
    signal.signal(signal.SIGUSR1, lambda _signal, _frame: dump(target))
    atexit.register(dump, target)
    return target


def dump(folder: Path) -> Path:
    """Write the next numbered snapshot and type counts to `folder`; returns the snapshot's path."""
    number = len(list(folder.glob("snapshot-*.tracemalloc")))
    gc.collect()
    snapshot = tracemalloc.take_snapshot()  # first: what counting the types allocates is not in it
    counts = Counter(type(o).__name__ for o in gc.get_objects())
    types_path = folder / f"types-{number}.json"
    types_path.write_text(json.dumps(dict(counts.most_common())), encoding="utf-8")
    partial = folder / f"snapshot-{number}.partial"
    snapshot.dump(str(partial))
    final = folder / f"snapshot-{number}.tracemalloc"
    partial.rename(final)  # written last and whole: a reader waits for this name
    return final
