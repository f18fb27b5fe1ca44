"""Regenerate `rules/dependencies/data/requires.json`: what popular distributions require (a maintainer script).

For projects with no environment to read, the dependency rules need to know that `flask`
installs `werkzeug`, that `Django[argon2]` installs `argon2-cffi`, and which import names a
distribution provides (`argon2-cffi` -> `argon2`). This script collects that from data, never
from memory:

- the PyPI JSON API (`GET <api>/<name>/json`, `info.requires_dist`) for the `--top` most
  downloaded projects of the ranked list (`/usr/share/package-lists/pypi.tsv`) and for any
  `--name` given; the API does not say which modules a distribution installs;
- local wheels (`--wheels DIR`, e.g. a wheelhouse or pip's download folder): their
  `*.dist-info/METADATA` `Requires-Dist` and their `top_level.txt` (else `RECORD`) for the
  import names. A distribution the API answered for keeps the API's requirements.

Every `Requires-Dist` is kept with its extras (`mcp[cli]`); a marker `extra == "x"` files it
under that extra, any other marker (`python_version`, `sys_platform`) keeps it a requirement.
The output is one line per distribution, sorted, with its source and date in `_meta`;
`bundled.json` gets a `requires` entry saying the same.

    python scripts/build_requires.py --top 5000 [--api https://pypi.org/pypi] [--wheels DIR ...]
                                     [--name fastmcp ...] [--pypi-list PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "rules" / "dependencies" / "data"
API = "https://pypi.org/pypi"
TIMEOUT = 30  # seconds per API request
MAX_METADATA = 4 << 20  # bytes read from one wheel member
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")  # name, extras
_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*["']([^"']+)["']""")
_NOT_IMPORTS = frozenset({"test", "tests", "testing", "docs", "doc", "examples", "example", "benchmarks", "scripts"})


def normalize(name: str) -> str:
    """PEP 503 (distributions) and PEP 685 (extras): lower case, runs of `-_.` become `-`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_requires_dist(lines: Iterable[str]) -> dict[str, object]:
    """{"requires": [...], "extras": {extra: [...]}} from `Requires-Dist` values."""
    requires: set[str] = set()
    extras: dict[str, set[str]] = {}
    for line in lines:
        requirement, _, marker = line.partition(";")
        match = _REQUIREMENT.match(requirement)
        if match is None:
            continue
        name, wanted = normalize(match.group(1)), match.group(2)
        spec = name + (f"[{','.join(sorted(normalize(e) for e in wanted.split(',') if e.strip()))}]" if wanted else "")
        named = [normalize(e) for e in _EXTRA_MARKER.findall(marker)]
        if not named:
            requires.add(spec)
        for extra in named:
            extras.setdefault(extra, set()).add(spec)
    entry: dict[str, object] = {"requires": sorted(requires)}
    if extras:
        entry["extras"] = {extra: sorted(specs) for extra, specs in sorted(extras.items())}
    return entry


def ranked_names(path: Path, top: int) -> list[str]:
    """The `top` most downloaded project names of the ranked list (name, version, month, rank, summary)."""
    ranked: dict[str, int] = {}
    with path.open(encoding="utf-8", errors="replace") as lines:
        next(lines, None)  # header
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) > 3 and fields[3].isdigit():
                ranked.setdefault(normalize(fields[0]), int(fields[3]))
    return sorted(ranked, key=ranked.__getitem__)[:top]


def from_api(api: str, names: Iterable[str], pause: float) -> Iterator[tuple[str, dict[str, object]]]:
    """(normalised name, entry) per project the JSON API knows; unknown ones and errors are reported and skipped."""
    for name in names:
        url = f"{api.rstrip('/')}/{urllib.parse.quote(name)}/json"
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                info = json.load(response).get("info", {})
        except (urllib.error.URLError, OSError, ValueError) as error:
            print(f"skipped {name}: {error}", file=sys.stderr)
            continue
        yield normalize(info.get("name") or name), parse_requires_dist(info.get("requires_dist") or [])
        time.sleep(pause)


def from_wheels(folders: Iterable[Path]) -> dict[str, dict[str, object]]:
    """Entries with import names from local wheels; for a name seen twice, the later file (sorted) wins."""
    found: dict[str, dict[str, object]] = {}
    for folder in folders:
        for wheel in sorted(folder.glob("*.whl")):
            entry = read_wheel(wheel)
            if entry is not None:
                found[str(entry.pop("name"))] = entry
    return found


def read_wheel(path: Path) -> dict[str, object] | None:
    """A wheel's name, requirements and import names, or None when it is not a readable wheel."""
    try:
        with zipfile.ZipFile(path) as wheel:
            members = wheel.namelist()
            info = next((m.split("/")[0] for m in members if m.endswith(".dist-info/METADATA")), None)
            if info is None:
                return None
            metadata = _member(wheel, f"{info}/METADATA")
            top_level = _member(wheel, f"{info}/top_level.txt") if f"{info}/top_level.txt" in members else ""
    except (OSError, zipfile.BadZipFile, KeyError):
        return None
    headers = metadata.split("\n\n", 1)[0].splitlines()
    name = next((line[5:].strip() for line in headers if line.startswith("Name:")), info.split("-")[0])
    entry = parse_requires_dist(line[14:].strip() for line in headers if line.startswith("Requires-Dist:"))
    imports = import_names(top_level.split(), members)
    return {"name": normalize(name), **entry, **({"imports": imports} if imports else {})}


def import_names(top_level: list[str], members: list[str]) -> list[str]:
    """Top-level modules: `top_level.txt`, else the first part of each installed path."""
    names = {t.split("/")[0] for t in top_level}
    if not names:
        for member in members:
            first = member.split("/")[0]
            if "/" in member or first.endswith((".py", ".so", ".pyd")):
                names.add(first.split(".")[0])
    return sorted(n for n in names if n.isidentifier() and n not in _NOT_IMPORTS and not n.endswith("-info"))


def _member(wheel: zipfile.ZipFile, name: str) -> str:
    with wheel.open(name) as member:
        return member.read(MAX_METADATA).decode("utf-8", "replace")


def write(out: Path, table: dict[str, dict[str, object]], sources: list[str], as_of: str) -> None:
    """One distribution per line (small diffs when the table is regenerated), `_meta` first."""
    meta = {"source": "; ".join(sources), "as_of": as_of, "count": len(table)}
    lines = [f'"_meta": {json.dumps(meta)}']
    lines += [f"{json.dumps(name)}: {json.dumps(entry, sort_keys=True)}" for name, entry in sorted(table.items())]
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    listing = out.with_name("bundled.json")
    try:
        document = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        document = {}
    document["requires"] = {"file": out.name, **meta}
    listing.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default=API, help="PyPI JSON API base URL")
    parser.add_argument("--top", type=int, default=0, help="ask the API about this many of the most downloaded")
    parser.add_argument("--name", action="append", default=[], help="also ask the API about this project")
    parser.add_argument("--pypi-list", type=Path, default=Path("/usr/share/package-lists/pypi.tsv"))
    parser.add_argument("--wheels", type=Path, action="append", default=[], help="a folder of local wheels")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between API requests")
    parser.add_argument("--out", type=Path, default=DATA / "requires.json")
    args = parser.parse_args(argv)
    table = from_wheels(args.wheels)
    names = list(dict.fromkeys([*(ranked_names(args.pypi_list, args.top) if args.top else []), *args.name]))
    answered: set[str] = set()
    for name, entry in from_api(args.api, (normalize(n) for n in names), args.pause):
        imports = table.get(name, {}).get("imports")
        table[name] = {**entry, **({"imports": imports} if imports else {})}
        answered.add(name)
    sources = [f"PyPI JSON API {args.api} ({len(answered)} projects)"] if names else []
    sources += [f"local wheels ({len(set(table) - answered)} more projects)"] if args.wheels else []
    write(args.out, table, sources, datetime.date.today().strftime("%Y-%m"))
    print(f"wrote {args.out}: {len(table)} distributions ({len(answered)} from the API)")


if __name__ == "__main__":
    main()
