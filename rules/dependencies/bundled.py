"""The package data shipped in the wheel: popular PyPI and npm names, every PyPI name, and npm names.

Everything here is offline and loaded lazily, on first use, then kept for the process:

    from vetline.rules.dependencies import bundled

    bundled.popular("npm")          # tuple of npm names, most downloaded first (15,000)
    bundled.popular("PyPI")         # tuple of normalised PyPI names, most downloaded first
    bundled.rank("npm", "react")    # 0-based popularity rank, or None when not in the list
    bundled.downloads("react")      # npm monthly downloads recorded in the list, or None
    bundled.pypi_exists("requests") # True when the PyPI snapshot lists the (normalised) name
    bundled.npm_listed("left-pad")  # True when the npm snapshot lists the (lower-case) name
    bundled.as_of("pypi-names")     # "2026-11": the date of a part ("popular-pypi", "popular-npm")
    bundled.requires()["flask"]     # Requires(requires=("blinker", "click", ...), extras={"async": ("asgiref",)})
    bundled.import_providers()      # {"argon2": ("argon2-cffi",), ...}: import names the bundled wheels install

The files are written by `scripts/build_package_data.py` from public package lists (and
`requires.json` by `scripts/build_requires.py` from the PyPI JSON API and local wheels); their
source, size and date are in `data/bundled.json` (and the README). The PyPI snapshot is the
sorted names in zlib-compressed blocks of 2,048 (4.2 MB in the wheel) behind a one-line JSON
table of each block's first name: a look-up bisects that table, decompresses one ~10 KB block
(kept in a small LRU cache) and bisects it in place with `_index.NameIndex`, so first use
costs one file read. Names are PEP 503-normalised for PyPI, lower case for npm.

The npm snapshot (`npm-names.bin`, same format, 1.3 MB) is NOT the whole registry: the public
list it comes from holds the ~227,000 packages downloaded at least `npm_min_downloads()` times a
month, of about 3 million. A name missing from it is either free or rarely downloaded, which is
why `unknown-package` reports such npm names at low confidence until the registry confirms.
"""

from __future__ import annotations

import bisect
import functools
import json
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
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
def _rows(ecosystem: str) -> tuple[tuple[str, int], ...]:
    """(name, monthly downloads or 0) in popularity order, from `popular-<ecosystem>.txt`."""
    try:
        text = (DATA / f"popular-{ecosystem.lower()}.txt").read_text(encoding="utf-8")
    except OSError:
        return ()
    rows = []
    for line in text.splitlines():
        name, _, count = line.partition("\t")
        if name:
            rows.append((name, int(count) if count.isdigit() else 0))
    return tuple(rows)


@functools.cache
def popular(ecosystem: str) -> tuple[str, ...]:
    """Popular names of `ecosystem` ("PyPI" or "npm"), most downloaded first."""
    try:
        text = (DATA / f"popular-{ecosystem.lower()}.txt").read_text(encoding="utf-8")
    except OSError:
        return ()
    if "\t" not in text:  # the PyPI list holds names only: split at C speed (first use of every Python file)
        return tuple(dict.fromkeys(text.split()))
    return tuple(dict.fromkeys(name for name, _ in _rows(ecosystem)))


@functools.cache
def _ranks(ecosystem: str) -> dict[str, int]:
    return {name: rank for rank, name in enumerate(popular(ecosystem))}


def rank(ecosystem: str, name: str) -> int | None:
    """0-based popularity rank of a (normalised) name, or None when it is not in the list."""
    return _ranks(ecosystem).get(name)


@functools.cache
def _downloads() -> dict[str, int]:
    return dict(_rows("npm"))


def downloads(name: str) -> int | None:
    """Monthly downloads of an npm package as the bundled list records them, or None."""
    return _downloads().get(name.lower())


class Snapshot:
    """Every PyPI name, as compressed blocks decompressed one at a time on demand."""

    def __init__(self, data: bytes) -> None:
        newline = data.index(b"\n")
        table = json.loads(data[:newline])
        self._data, self._base = data, newline + 1
        self._firsts = [entry[0] for entry in table]
        self._spans = [(int(entry[1]), int(entry[2])) for entry in table]
        self._block = functools.lru_cache(maxsize=64)(self._decompress)

    def __len__(self) -> int:
        """The number of names (decompresses every block: for tests and benchmarks, not look-ups)."""
        return sum(len(NameIndex(self._raw(i))) for i in range(len(self._spans)))

    def _raw(self, position: int) -> bytes:
        offset, length = self._spans[position]
        start = self._base + offset
        try:
            return zlib.decompress(self._data[start : start + length])
        except zlib.error:
            return b""

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        position = bisect.bisect_right(self._firsts, name) - 1
        return position >= 0 and name in self._block(position)

    def has_prefix(self, prefix: str) -> bool:
        """True when some name starts with `prefix` (`@scope/`: the scope has packages)."""
        position = max(bisect.bisect_right(self._firsts, prefix) - 1, 0)
        blocks = range(position, min(position + 2, len(self._firsts)))
        return any(self._block(p).has_prefix(prefix) for p in blocks)

    @property
    def nbytes(self) -> int:
        return len(self._data)

    def _decompress(self, position: int) -> NameIndex:
        return NameIndex(self._raw(position))  # a damaged block holds no names, never raises


@functools.cache
def _snapshot(file: str) -> Snapshot | None:
    try:
        return Snapshot((DATA / file).read_bytes())
    except (OSError, ValueError, zlib.error):
        return None


def pypi_names() -> Snapshot | None:
    """Every PyPI project name (normalised), or None when the snapshot is missing or broken."""
    return _snapshot("pypi-names.bin")


def npm_names() -> Snapshot | None:
    """The npm names of the npm list (lower case), or None when the snapshot is missing or broken."""
    return _snapshot("npm-names.bin")


def npm_listed(name: str) -> bool:
    """True when the bundled npm snapshot lists `name` (lower case)."""
    names = npm_names()
    return names is not None and name in names


def count(part: str) -> int:
    """How many names a bundled part holds, as `bundled.json` records it (0 when missing)."""
    entry = metadata().get(part)
    return int(entry.get("count", 0)) if isinstance(entry, dict) else 0


def npm_scope_listed(scope: str) -> bool:
    """True when the npm snapshot lists a package of `@scope` (an owned scope: nobody else publishes in it)."""
    names = npm_names()
    return names is not None and names.has_prefix(f"{scope}/")


def npm_min_downloads() -> int:
    """The fewest monthly downloads of a package the npm snapshot lists (its list's threshold)."""
    entry = metadata().get("npm-names")
    return int(entry.get("min_downloads", 0)) if isinstance(entry, dict) else 0


def pypi_exists(name: str) -> bool:
    """True when the bundled PyPI snapshot lists `name` (already PEP 503-normalised)."""
    names = pypi_names()
    return names is not None and name in names


@dataclass(frozen=True)
class Requires:
    """What one distribution requires: always (`requires`) and per extra; each `name` or `name[extra,...]`."""

    requires: tuple[str, ...] = ()
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def wanted(self, extra: str) -> tuple[str, ...]:
        """The requirements of one extra ("" for those always installed)."""
        return self.extras.get(extra, ()) if extra else self.requires


@functools.cache
def _requires_document() -> dict[str, Any]:
    try:
        document = json.loads((DATA / "requires.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def requires_as_of() -> str:
    """The month `requires.json` was generated (`YYYY-MM`), or "" when it is missing."""
    meta = _requires_document().get("_meta")
    return str(meta.get("as_of", "")) if isinstance(meta, dict) else ""


class RequiresTable(Mapping[str, Requires]):
    """`requires.json` as a mapping, each entry turned into `Requires` only when asked for (first use stays cheap)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self._document = {name: entry for name, entry in document.items() if not name.startswith("_")}
        self._built: dict[str, Requires] = {}

    def __getitem__(self, name: str) -> Requires:
        if name not in self._built:
            entry = self._document[name]
            extras = entry.get("extras", {}) if isinstance(entry, dict) else {}
            self._built[name] = Requires(
                tuple(entry.get("requires", ())) if isinstance(entry, dict) else (),
                {extra: tuple(needs) for extra, needs in extras.items()} if isinstance(extras, dict) else {},
            )
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._document)

    def __len__(self) -> int:
        return len(self._document)


@functools.cache
def requires() -> RequiresTable:
    """Normalised distribution -> its `Requires-Dist`, extras included, for projects with no environment."""
    return RequiresTable(_requires_document())


@functools.cache
def import_providers() -> dict[str, tuple[str, ...]]:
    """Top-level import name -> the bundled distributions known to install it (`argon2` -> `argon2-cffi`)."""
    providers: dict[str, list[str]] = {}
    for name, entry in _requires_document().items():
        if isinstance(entry, dict):
            for module in entry.get("imports", ()):
                providers.setdefault(module, []).append(name)
    return {module: tuple(names) for module, names in providers.items()}
