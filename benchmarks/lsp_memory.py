"""vetline's resident memory over many edits of a file holding a large string literal (issue 15).

Opens a module with one `--literal`-byte string literal (800 KB by default) and types one
character per edit inside that literal, `--edits` times (10,000 by default), each edit waiting
for its diagnostics, reading the server's RSS from /proc every `--every` edits. Every edit makes
a new literal text, which is what text-keyed caches bounded only by entry count grew on (about
1 MB per edit); with the byte-bounded caches of `rules/bounded_cache.py` RSS must stay flat.

    python benchmarks/lsp_memory.py [--literal 800000] [--edits 10000] [--every 1000] [--ordinary]

`--ordinary` instead opens an ordinary module (the standard library's `argparse.py`, 2,600 lines)
and types at the end of a comment line.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from lsp_latency import start, stop


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))) / 1024


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--literal", type=int, default=800_000)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1000)
    parser.add_argument(
        "--ordinary", action="store_true", help="the standard library's argparse.py, typing in a comment"
    )
    args = parser.parse_args()
    command = [sys.executable, "-m", "vetline", "serve", "--log-level", "error"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "blob.py"
        if args.ordinary:
            import argparse as ordinary_module

            text = Path(ordinary_module.__file__).read_text() + "\n# typed: \n"
            typed_line = text.count("\n") - 1
        else:
            text = f'import os\nBLOB = "{"k9" * (args.literal // 2)}"\n\n\ndef run(x):\n    return os.system(x)\n'
        path.write_text(text)
        client = await start(command, folder)
        uri = path.as_uri()
        opened = time.perf_counter()
        client.open(path)
        await client.wait_for(uri, opened, 1)
        print(
            f"{'argparse.py' if args.ordinary else f'literal {args.literal:,} bytes'}; load average {os.getloadavg()[0]:.2f}"
        )
        print(f"after open: RSS {rss_mb(client.process.pid):.0f} MB")
        started = time.perf_counter()
        for version in range(2, args.edits + 2):
            # Inside the literal, spread out (a growing run of one character would time a regex, not
            # memory): each edit makes a new literal text.
            if args.ordinary:  # an ordinary module: each edit types one more character at the end of a comment
                line, column = typed_line, 9 + version - 2
            else:
                line, column = 1, 8 + (version * 7919) % (args.literal - 16)
            rng = {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}
            sent = time.perf_counter()
            client.change(uri, version, rng, "z")
            await client.wait_for(uri, sent, version)
            if (version - 1) % args.every == 0:
                rate = (time.perf_counter() - started) / (version - 1) * 1000
                print(f"after {version - 1:>6} edits: RSS {rss_mb(client.process.pid):.0f} MB ({rate:.1f} ms per edit)")
        await stop(client)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
