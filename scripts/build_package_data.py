"""Regenerate the bundled package data in `rules/dependencies/data/` (a maintainer script).

Reads the public package lists (PyPI: name, version, month of the last release, rank among
the 15,000 most downloaded, summary; npm: name, version, monthly downloads, summary) and
writes:

- `pypi-names.bin`: every PyPI project name, PEP 503-normalised and sorted, in blocks of
  `BLOCK` newline-joined names, each zlib-compressed; a first JSON line lists each block's
  first name, offset and length, so a look-up decompresses one ~30 KB block, never the whole;
- `popular-pypi.txt`: every ranked PyPI project, most downloaded first, one per line;
- `popular-npm.txt`: the `--npm` most downloaded npm packages, `name<TAB>monthly downloads`;
- `npm-names.bin`: every npm name of the npm list (lower case, sorted), in the same block format
  as `pypi-names.bin`; the list holds only packages with some monthly downloads (its smallest
  count is recorded as `min_downloads`), so it is not the whole registry;
- `bundled.json`: where each file came from, how many names it holds and its date.

    python scripts/build_package_data.py [--pypi /usr/share/package-lists/pypi.tsv]
                                         [--npm-list /usr/share/package-lists/npm.tsv] [--npm 15000]

The date of a list is the newest release month it records (`month` column); the npm list has
no dates, so it takes the date of the PyPI list it was published with.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import zlib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "rules" / "dependencies" / "data"
BLOCK = 2048  # names per compressed block
_VALID = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pypi(path: Path) -> tuple[list[str], list[tuple[int, str]], str]:
    """(every normalised name, (rank, name) of the ranked ones, newest release month)."""
    names: set[str] = set()
    ranked: dict[str, int] = {}
    newest = ""
    with path.open(encoding="utf-8", errors="replace") as lines:
        next(lines)  # header
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            name = normalize(fields[0])
            if not _VALID.match(name):
                continue
            names.add(name)
            if len(fields) > 2 and re.fullmatch(r"\d{4}-\d{2}", fields[2]):
                newest = max(newest, fields[2])
            if len(fields) > 3 and fields[3].isdigit():
                ranked[name] = min(int(fields[3]), ranked.get(name, 1 << 30))
    return sorted(names), sorted((rank, name) for name, rank in ranked.items()), newest


def read_npm(path: Path) -> tuple[list[tuple[str, int]], list[str]]:
    """(every npm package with its monthly downloads, most downloaded first; every name, sorted)."""
    rows: list[tuple[str, int]] = []
    names: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as lines:
        next(lines)
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if not fields[0]:
                continue
            names.add(fields[0].lower())
            if len(fields) > 2 and fields[2].isdigit():
                rows.append((fields[0].lower(), int(fields[2])))
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows, sorted(names)


def most_downloaded(rows: list[tuple[str, int]], keep: int) -> list[tuple[str, int]]:
    return list(dict(rows[: keep * 2]).items())[:keep]


def blocks(names: list[str]) -> bytes:
    """The snapshot file: a JSON header line `[[first name, offset, length], ...]`, then the blocks."""
    header, body, offset = [], bytearray(), 0
    for start in range(0, len(names), BLOCK):
        chunk = zlib.compress("\n".join(names[start : start + BLOCK]).encode(), 9)
        header.append([names[start], offset, len(chunk)])
        body += chunk
        offset += len(chunk)
    return json.dumps(header, separators=(",", ":")).encode() + b"\n" + bytes(body)


def write_json(path: Path, document: object) -> None:
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pypi", type=Path, default=Path("/usr/share/package-lists/pypi.tsv"))
    parser.add_argument("--npm-list", type=Path, default=Path("/usr/share/package-lists/npm.tsv"))
    parser.add_argument("--npm", type=int, default=15000, help="how many npm packages to keep")
    parser.add_argument("--out", type=Path, default=DATA, help="folder to write (default: the bundled data)")
    args = parser.parse_args(argv)
    out = args.out
    names, ranked, newest = read_pypi(args.pypi)
    npm_rows, npm_names = read_npm(args.npm_list)
    npm = most_downloaded(npm_rows, args.npm)
    blob = blocks(names)
    (out / "pypi-names.bin").write_bytes(blob)
    (out / "npm-names.bin").write_bytes(blocks(npm_names))
    (out / "popular-pypi.txt").write_text("".join(f"{n}\n" for _, n in ranked), encoding="utf-8")
    (out / "popular-npm.txt").write_text("".join(f"{n}\t{d}\n" for n, d in npm), encoding="utf-8")
    source_pypi = f"{args.pypi.name}: public PyPI project list with download ranks"
    built = datetime.date.today().isoformat()
    write_json(
        out / "bundled.json",
        {
            "pypi-names": {"file": "pypi-names.bin", "count": len(names), "as_of": newest, "source": source_pypi},
            "popular-pypi": {"file": "popular-pypi.txt", "count": len(ranked), "as_of": newest, "source": source_pypi},
            "popular-npm": {
                "file": "popular-npm.txt",
                "count": len(npm),
                "as_of": newest,
                "source": f"{args.npm_list.name}: public npm package list with monthly downloads",
            },
            "npm-names": {
                "file": "npm-names.bin",
                "count": len(npm_names),
                "as_of": newest,
                "min_downloads": min((d for _, d in npm_rows), default=0),
                "source": f"{args.npm_list.name}: public npm package list with monthly downloads",
            },
            "built": built,
            **_kept(out / "bundled.json", "requires"),  # written by scripts/build_requires.py
        },
    )
    print(
        f"{len(names):,} PyPI names ({len(blob) / 1e6:.2f} MB compressed), {len(ranked):,} ranked, "
        f"{len(npm):,} popular npm packages, {len(npm_names):,} npm names; as of {newest}"
    )


def _kept(listing: Path, *parts: str) -> dict:
    """The entries of an existing `bundled.json` that another script owns."""
    try:
        document = json.loads(listing.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {part: document[part] for part in parts if part in document}


if __name__ == "__main__":
    main()
