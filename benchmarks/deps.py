"""Benchmark the dependency checks at PyPI scale (a script, not a test).

First, the bundled data (issue 9): the bytes it adds to the wheel, the time its first use takes
(decompressing the PyPI snapshot, reading both popular lists, building the typosquat tables)
and the memory it keeps afterwards (targets: under 100 ms, under 30 MB). Then:
Generates an 800,000-name registry index (PEP 691 JSON and vetline's cached text format), a
project with a requirements file, and a Python file with 1,000 imports (stdlib, declared,
mapped, local, undeclared, unknown and typosquatted names). Prints the index load time and
memory, then the time all five dependency rules take on the 1,000 imports once the data is
loaded (target: under 100 ms), median of several runs.

    python benchmarks/deps.py [--names 800000] [--imports 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import string
import sys
import tempfile
import time
import tracemalloc
import zlib
from pathlib import Path

from vetline.rules import registry
from vetline.rules.dependencies import _data, _typosquat, bundled
from vetline.rules.dependencies._index import NameIndex, load_index
from vetline.rules.engine import Engine

STDLIB = ["os", "sys", "json", "re", "pathlib", "typing", "collections", "itertools", "subprocess", "sqlite3"]
DECLARED = ["requests", "yaml", "flask", "numpy", "pandas", "bs4", "sklearn", "cv2", "jwt", "dateutil"]


def random_names(count: int, seed: int = 7) -> list[str]:
    """Project-like names (`word-word2`), plus every bundled popular name."""
    rng = random.Random(seed)
    popular = list(_data.popular(_data.Settings(), "PyPI"))
    names = set(popular)
    while len(names) < count:
        parts = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(rng.randint(1, 3))]
        names.add("-".join(parts) + (str(rng.randint(0, 9)) if rng.random() < 0.2 else ""))
    return sorted(names)


def write_inputs(folder: Path, names: list[str], imports: int) -> tuple[Path, Path, Path]:
    """The index (JSON and text), and a project with a requirements file and an import-heavy module."""
    json_index = folder / "simple.json"
    json_index.write_text(json.dumps({"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]}))
    text_index = folder / "index.txt"
    text_index.write_bytes(NameIndex.from_names(names).to_text())
    project = folder / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "requirements.txt").write_text(
        "requests\nPyYAML\nflask\nnumpy\npandas\nbeautifulsoup4\nscikit-learn\nopencv-python\nPyJWT\npython-dateutil\n"
    )
    (project / "pkg" / "local_mod.py").write_text("")
    rng = random.Random(11)
    pool = (
        STDLIB + DECLARED + ["local_mod", "reqeusts", "djnago"] + [n.replace("-", "_") for n in rng.sample(names, 40)]
    )
    pool += [f"hallucinated_pkg_{i}" for i in range(40)]
    lines = [f"import {rng.choice(pool)}" for _ in range(imports)]
    module = project / "pkg" / "app.py"
    module.write_text("\n".join(lines) + "\n")
    return json_index, text_index, module


def timed_load(path: Path) -> tuple[float, float, float, NameIndex]:
    """Seconds to load an index, the bytes it keeps (MB) and the peak while loading (MB)."""
    gc.collect()
    started = time.perf_counter()
    index = load_index(path)
    elapsed = time.perf_counter() - started
    del index
    gc.collect()
    tracemalloc.start()  # a second, traced load: tracemalloc slows loading, so it is not timed
    index = load_index(path)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return elapsed, index.nbytes / 1e6, peak, index


def bundled_figures() -> None:
    """Wheel bytes, first-use time and memory kept of the bundled data (run before anything loads it)."""
    files = sorted(p for p in bundled.DATA.iterdir() if p.is_file())
    packed = {p.name: len(zlib.compress(p.read_bytes(), 6)) for p in files}  # as a wheel (zip, deflate) stores it
    listing = ", ".join(f"{name} {size / 1e6:.2f}" for name, size in packed.items())
    print(f"bundled data: {sum(packed.values()) / 1e6:.2f} MB added to the wheel ({listing} MB)")
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    names = bundled.pypi_names()
    pypi = _typosquat.squats(bundled.popular("PyPI"))
    requires, providers = bundled.requires(), bundled.import_providers()
    npm = _typosquat.squats(bundled.popular("npm"))
    elapsed = time.perf_counter() - started
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    assert names is not None and "requests" in names and pypi.target("reqeusts") == "requests"
    assert "werkzeug" in requires["flask"].requires and providers["argon2"] == ("argon2-cffi",)
    print(
        f"first use: {elapsed * 1000:.0f} ms (traced; {len(names):,} PyPI names, {len(pypi.popular):,} popular PyPI, "
        f"{len(npm.popular):,} popular npm), memory kept {kept:.1f} MB"
    )
    started = time.perf_counter()
    for name in ("flask-secure-auth-helpers", "requests", "zzz-not-there", "django-filter") * 250:
        _ = name in names
    print(f"snapshot look-up: {(time.perf_counter() - started) * 1e6 / 1000:.1f} us each")


def untraced_first_use() -> tuple[float, float, float]:
    """(wall ms, CPU ms) of the first PyPI use, and CPU ms of the npm list, in fresh processes (median of 5).

    CPU time is reported too because the machine is shared: it is what the load adds to wall time.
    """
    import subprocess

    code = (
        "import time; from vetline.rules.dependencies import bundled, _typosquat; "
        "w=time.perf_counter(); c=time.process_time(); "
        "'x' in bundled.pypi_names(); _typosquat.squats(bundled.popular('PyPI')).target('reqeusts'); "
        "bundled.requires().get('flask'); bundled.import_providers(); "
        "w1=time.perf_counter(); c1=time.process_time(); _typosquat.squats(bundled.popular('npm')); "
        "c2=time.process_time(); print((w1-w)*1000, (c1-c)*1000, (c2-c1)*1000)"
    )
    runs = [
        [
            float(v)
            for v in subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout.split()
        ]
        for _ in range(5)
    ]
    return tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[return-value]


def main() -> None:
    bundled_figures()
    wall, cpu, npm = untraced_first_use()
    print(
        f"first use for PyPI (snapshot + popular list + typosquat tables + requires table), fresh process, untraced, median of 5: "
        f"{wall:.0f} ms wall, {cpu:.0f} ms CPU; the npm list when a package.json needs it: {npm:.0f} ms CPU"
    )
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=800_000)
    parser.add_argument("--imports", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        started = time.perf_counter()
        names = random_names(args.names)
        json_index, text_index, module = write_inputs(folder, names, args.imports)
        print(f"generated {len(names):,} names and {args.imports:,} imports in {time.perf_counter() - started:.1f} s")
        print(
            f"index files: PEP 691 JSON {json_index.stat().st_size / 1e6:.1f} MB, cached text {text_index.stat().st_size / 1e6:.1f} MB"
        )
        for label, path in (("PEP 691 JSON", json_index), ("cached text", text_index)):
            seconds, kept, peak, index = timed_load(path)
            print(
                f"load {label:<13} {seconds * 1000:6.0f} ms   keeps {kept:5.1f} MB   peak while loading {peak:6.1f} MB"
                f"   ({len(index):,} names)"
            )
        rules = [r for r in registry.all_rules() if r.category.value == "dependencies"]
        engine = Engine(
            rules,
            options={
                "dependencies": {"root": str(folder), "index": str(text_index), "advisories": str(folder / "none")}
            },
        )
        source = module.read_bytes()
        first = _run(engine, source, module)
        runs = [_run(engine, source, module) for _ in range(args.runs)]
        findings = len(engine.analyze(source, "python", str(module)).findings)
        print(f"first analysis (loads the index and popular list): {first * 1000:.0f} ms")
        print(
            f"resolve {args.imports:,} imports, all dependency rules: median {statistics.median(runs) * 1000:.1f} ms, "
            f"max {max(runs) * 1000:.1f} ms over {args.runs} runs ({findings} findings)"
        )
        print(f"python {sys.version.split()[0]} on {sys.platform}")


def _run(engine: Engine, source: bytes, module: Path) -> float:
    started = time.perf_counter()
    engine.analyze(source, "python", str(module))
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
