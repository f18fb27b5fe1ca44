"""Notebook scan cost against the same code as a plain `.py`: what joining cells and reading outputs adds.

Builds a notebook of N code cells (real application code split into cells, each with a printed
stream output and a Markdown note between cells), writes the same code as one `.py`, and times
`scan_file` on both with every rule on, in one process. Prints milliseconds per file and the
notebook's overhead, for several sizes, to show the cost stays linear in the notebook's size.

    python benchmarks/notebooks.py [SOURCE.py]   # default: the standard library's `argparse.py`
"""

from __future__ import annotations

import argparse as cli
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.server.config import Config
from vetline.server.scanner import scan_file

CELL_LINES = 40


def notebook_of(lines: list[str]) -> dict[str, object]:
    cells: list[dict[str, object]] = []
    for start in range(0, len(lines), CELL_LINES):
        cells.append({"cell_type": "markdown", "metadata": {}, "source": [f"Part {start // CELL_LINES}\n"]})
        output = {"output_type": "stream", "name": "stdout", "text": [f"done {start}\n"] * 5}
        source = lines[start : start + CELL_LINES]
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [output], "source": source})
    return {"cells": cells, "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}


def timed(path: Path, engine: Engine, config: Config, rounds: int = 5) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        found = len(scan_file(path, path.parent, config, engine).findings)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, found


def main() -> None:
    parser = cli.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=Path(cli.__file__))
    args = parser.parse_args()
    text = args.source.read_text(encoding="utf-8")
    config = Config(max_file_size=10_000_000)
    engine = Engine(registry.all_rules())
    print(f"{'copies':>6} {'lines':>7} {'.py ms':>8} {'.ipynb ms':>10} {'overhead':>9} findings (py/ipynb)")
    with tempfile.TemporaryDirectory() as folder:
        for copies in (1, 2, 4):
            lines = (text * copies).splitlines(keepends=True)
            plain = Path(folder) / "code.py"
            plain.write_text("".join(lines), encoding="utf-8")
            notebook = Path(folder) / "code.ipynb"
            notebook.write_text(json.dumps(notebook_of(lines), indent=1), encoding="utf-8")
            py_ms, py_found = timed(plain, engine, config)
            nb_ms, nb_found = timed(notebook, engine, config)
            print(
                f"{copies:>6} {len(lines):>7} {py_ms:>8.1f} {nb_ms:>10.1f} {nb_ms / py_ms - 1:>8.0%} {py_found}/{nb_found}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
