"""The package data shipped in the wheel: popular PyPI and npm names, and every PyPI name.

Everything here is offline and loaded lazily, on first use, then kept for the process:

    from vetline.rules.dependencies import bundled

    bundled.popular("npm")          # tuple of npm names, most downloaded first (15,000)
    bundled.popular("PyPI")         # tuple of normalised PyPI names, most downloaded first
    bundled.rank("npm", "react")    # 0-based popularity rank, or None when not in the list
    bundled.downloads("react")      # npm monthly downloads recorded in the list, or None
    bundled.pypi_exists("requests") # True when the PyPI snapshot lists the (normalised) name
    bundled.as_of("pypi-names")     # "2026-11": the date of a part ("popular-pypi", "popular-npm")
    bundled.hard_dependencies()     # {"flask": ("blinker", "click", ...), ...}: well-known requirements

The files are written by `scripts/build_package_data.py` from public package lists; their
source, size and date are in `data/bundled.json` (and the README). The PyPI snapshot is a
sorted, newline-joined, zlib-compressed blob (4 MB in the wheel, 13 MB once loaded) searched
in place by `_index.NameIndex`. Names are PEP 503-normalised for PyPI, lower case for npm.
"""

from __future__ import annotations

import functools
import json
import zlib
from pathlib import Path
from typing import Any

from ._index import NameIndex

DATA = Path(__file__).with_name("data")


@functools.cache
def metadata() -> dict[str, Any]:
    """`data/bundled.json`: per part, its file, name count, date (`as_of`) and source."""
    try:
        return json.loads((DATA / "bundled.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def as_of(part: str) -> str:
    """The month (`YYYY-MM`) a bundled part describes, or "" when it is missing."""
    entry = metadata().get(part)
    return str(entry.get("as_of", "")) if isinstance(entry, dict) else ""


@functools.cache
def _rows(ecosystem: str) -> tuple[dict[str, Any], ...]:
    try:
        document = json.loads((DATA / f"popular-{ecosystem.lower()}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    rows = document.get("rows", []) if isinstance(document, dict) else []
    return tuple(row for row in rows if isinstance(row, dict) and isinstance(row.get("project"), str))


@functools.cache
def popular(ecosystem: str) -> tuple[str, ...]:
    """Popular names of `ecosystem` ("PyPI" or "npm"), most downloaded first."""
    return tuple(dict.fromkeys(row["project"] for row in _rows(ecosystem)))


@functools.cache
def _ranks(ecosystem: str) -> dict[str, int]:
    return {name: rank for rank, name in enumerate(popular(ecosystem))}


def rank(ecosystem: str, name: str) -> int | None:
    """0-based popularity rank of a (normalised) name, or None when it is not in the list."""
    return _ranks(ecosystem).get(name)


@functools.cache
def _downloads() -> dict[str, int]:
    return {row["project"]: int(row.get("downloads", 0)) for row in _rows("npm")}


def downloads(name: str) -> int | None:
    """Monthly downloads of an npm package as the bundled list records them, or None."""
    return _downloads().get(name.lower())


@functools.cache
def pypi_names() -> NameIndex | None:
    """Every PyPI project name (normalised), or None when the snapshot is missing or broken."""
    try:
        return NameIndex(zlib.decompress((DATA / "pypi-names.zlib").read_bytes()))
    except (OSError, zlib.error):
        return None


def pypi_exists(name: str) -> bool:
    """True when the bundled PyPI snapshot lists `name` (already PEP 503-normalised)."""
    names = pypi_names()
    return names is not None and name in names


@functools.cache
def hard_dependencies() -> dict[str, tuple[str, ...]]:
    """Normalised distribution -> what it always installs (no extras), for projects with no environment."""
    try:
        document = json.loads((DATA / "hard-dependencies.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    table = document.get("requires", {}) if isinstance(document, dict) else {}
    return {name: tuple(needs) for name, needs in table.items() if isinstance(needs, list)}
