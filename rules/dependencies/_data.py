"""Dependency data from local files only: settings, the registry index, popular names, advisories.

Rules never touch the network (that is `vetline data update`, in `vetline.server.depdata`):
each source is a local path used directly, or a URL whose last download sits in the user
cache directory under a name derived from the URL (`cache_file`). Loaded data is cached per
(path, mtime, size), so a keystroke costs a few `stat` calls. The wheel bundles a snapshot of
every PyPI name and the popular lists (`bundled`); a downloaded index is used instead of the
snapshot only when it is newer. A local path comes from a project's configuration, which may
be a stranger's: it must stay inside the project folder (`root`) once symlinks are followed,
`~` is never expanded, and every file is read through `vetline.rules.files` (regular files
only, size-capped). An engine built without dependency settings (library use, the example
harness) reads no cache: results then depend only on the file, the project and the bundled data.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import logging
import os
import zipfile
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import files
from . import _advisories, bundled
from ._index import load_index
from ._names import normalize

log = logging.getLogger("vetline.dependencies")
DEFAULTS = {
    "index": "https://pypi.org/simple/",
    "popular": "https://hugovk.github.io/top-pypi-packages/top-pypi-packages.min.json",
    "advisories": "https://api.osv.dev",
    "npm_registry": "https://registry.npmjs.org",
}
NPM_ANSWER_DAYS = 7  # a registry answer older than this is asked again by the next update
_loaded: dict[tuple[str, str], tuple[tuple[int, int], Any]] = {}
_noted: set[str] = set()


@dataclass(frozen=True)
class Settings:
    """`[tool.vetline.dependencies]` resolved: sources, policy, and where the cache lives."""

    configured: bool = False  # False: no settings reached the engine; read no cache
    root: Path | None = None  # relative paths start here
    index: str | tuple[str, ...] | None = None  # path, URL, or (in-file) a list of names
    popular: str | None = None
    popular_npm: str | None = None  # no public default: npm publishes no download ranking
    advisories: str | None = None
    npm_registry: str = DEFAULTS["npm_registry"]  # asked `GET <registry>/<name>` by `vetline data update`
    allow: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    mode: str = "warn"  # "warn" | "allowlist"

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None, root: Path | None = None) -> Settings:
        """Settings from the engine's `dependencies` options (None when the engine had none)."""
        if options is None:
            return cls()
        index = options.get("index", DEFAULTS["index"])
        return cls(
            configured=True,
            root=Path(options["root"]) if options.get("root") else root,
            index=_names_setting(index, "index") if isinstance(index, list) else _source(index, "index"),
            popular=_source(options.get("popular", DEFAULTS["popular"]), "popular"),
            popular_npm=_source(options.get("popular_npm"), "popular_npm"),
            advisories=_source(options.get("advisories", DEFAULTS["advisories"]), "advisories"),
            npm_registry=_source(options.get("npm_registry"), "npm_registry") or DEFAULTS["npm_registry"],
            allow=frozenset(_names_setting(options.get("allow", []), "allow")),
            deny=frozenset(_names_setting(options.get("deny", []), "deny")),
            mode="allowlist" if options.get("mode") == "allowlist" else "warn",
        )


def _source(value: Any, key: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    note_once(f"[tool.vetline.dependencies] `{key}` must be a path or URL string; ignored")
    return None


def _names_setting(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(normalize(v) for v in value)
    note_once(f"[tool.vetline.dependencies] `{key}` must be a list of package names; ignored")
    return ()


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/vetline`, else `~/.cache/vetline` (`VETLINE_CACHE_DIR` overrides)."""
    explicit = os.environ.get("VETLINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "vetline"


def cache_file(kind: str, url: str) -> Path:
    """Where the last download of `url` (an index, popular list or advisory set) is kept."""
    return _cache_file(kind, url, str(cache_dir()))


@functools.lru_cache(maxsize=64)
def _cache_file(kind: str, url: str, base: str) -> Path:
    digest = hashlib.sha256(url.encode()).hexdigest()[:16]
    return Path(base) / f"{kind}-{digest}"


def is_url(value: str) -> bool:
    return value.startswith(("https://", "http://"))


def local_source(settings: Settings, kind: str, value: str | None) -> Path | None:
    """The local file behind a setting: the path itself, or the cached download of a URL."""
    if value is None:
        return None
    if is_url(value):
        return cache_file(kind, value) if settings.configured else None
    path = Path(value)  # never `~`-expanded: the setting may come from a cloned repository
    if settings.root is None:
        return path
    path = settings.root / path
    try:
        files.contained_path(path, settings.root)
    except files.FileRefused:
        note_once(
            f"[tool.vetline.dependencies] `{kind}` = {value!r} leads outside the project {settings.root}; ignored"
        )
        return None
    return path


@dataclass(frozen=True)
class Index:
    """The registry's project names and where they come from, for messages."""

    names: Container[str]  # a NameIndex, the bundled Snapshot, or a frozenset of names
    origin: str  # "the PyPI snapshot of 2026-11", "the package index downloaded on 2026-12-05", ...


def index(settings: Settings) -> Index | None:
    """The registry's project names: inline, a local file, a newer download, else the snapshot."""
    if isinstance(settings.index, tuple):
        return Index(frozenset(settings.index), "the configured `index` list")
    path = local_source(settings, "index", settings.index)
    if path is not None and not is_url(settings.index or ""):
        names = _cached(path, load_index)
        return Index(names, f"the index {path.name}") if names is not None else _bundled_index(settings)
    downloaded = _newer_download(path)
    if downloaded is not None:
        names = _cached(path, load_index)
        if names is not None:
            return Index(names, f"the package index downloaded on {downloaded}")
    return _bundled_index(settings)


def _bundled_index(settings: Settings) -> Index | None:
    names = bundled.pypi_names()
    if names is None:
        if settings.configured:
            note_once(
                "unknown-package checks are skipped: the bundled PyPI snapshot is missing; run `vetline data update`"
            )
        return None
    return Index(names, f"the PyPI snapshot of {bundled.as_of('pypi-names')}")


def _newer_download(path: Path | None) -> str | None:
    """The download date of a cached index when it is newer than the bundled snapshot."""
    if path is None or not path.is_file():
        return None
    try:
        fetched = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))["fetched_at"]
        day = datetime.datetime.fromtimestamp(float(fetched), datetime.timezone.utc).date()
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        day = datetime.datetime.fromtimestamp(path.stat().st_mtime, datetime.timezone.utc).date()
    return day.isoformat() if day.isoformat()[:7] > bundled.as_of("pypi-names") else None


def popular(settings: Settings, ecosystem: str) -> tuple[str, ...]:
    """Popular project names, most popular first: the configured list, then the bundled one."""
    npm = ecosystem == "npm"
    shipped = bundled.popular("npm" if npm else "PyPI")
    kind = "popular_npm" if npm else "popular"
    path = local_source(settings, kind, settings.popular_npm if npm else settings.popular)
    configured = _cached(path, _load_popular_npm if npm else _load_popular) if path is not None else None
    return tuple(dict.fromkeys((*configured, *shipped))) if configured else shipped


def advisories(settings: Settings) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """OSV records by (ecosystem, package), from a directory, a zip, or the advisory cache."""
    path = local_source(settings, "advisories", settings.advisories)
    return (_cached(path, _load_osv) if path is not None else None) or {}


@dataclass(frozen=True)
class RegistryAnswer:
    """What the npm registry said about a name: whether it exists, and when it was asked."""

    exists: bool
    asked_at: float  # seconds since the epoch
    registry: str

    @property
    def day(self) -> str:
        return datetime.datetime.fromtimestamp(self.asked_at, datetime.timezone.utc).date().isoformat()


def npm_answers(settings: Settings) -> Mapping[str, RegistryAnswer]:
    """The npm registry's cached answers (`vetline data update`, or the editor when online), by name.

    Empty for an engine without settings: its results depend only on the file and the bundled data.
    """
    path = npm_answers_file(settings.npm_registry) if settings.configured else None
    return (_cached(path, _load_npm_answers) if path is not None else None) or {}


def npm_answers_file(registry: str) -> Path:
    """Where the answers of the npm registry at `registry` are cached."""
    return cache_file("npm-registry", registry.rstrip("/"))


def _load_npm_answers(path: Path) -> dict[str, RegistryAnswer]:
    document = json.loads(files.read_bounded(path, files.MAX_DATA_BYTES))
    registry = str(document.get("registry", "")) if isinstance(document, dict) else ""
    answers = document.get("answers", {}) if isinstance(document, dict) else {}
    return {
        name: RegistryAnswer(bool(entry["exists"]), float(entry["asked_at"]), registry)
        for name, entry in answers.items()
        if isinstance(entry, dict)
        and isinstance(entry.get("exists"), bool)
        and isinstance(entry.get("asked_at"), int | float)
    }


def missing_data(options: Mapping[str, Any] | None) -> list[str]:
    """What the checks will lack under these engine options, for a front end to say once.

    (The rules themselves only log; a CLI with worker processes should call this up front.)
    """
    settings = Settings.from_options(options or {})
    missing = []
    if index(settings) is None:
        missing.append("unknown-package checks are skipped: no package index is available; run `vetline data update`")
    if _cached(local_source(settings, "advisories", settings.advisories), _load_osv) is None:
        missing.append(
            "vulnerable-pinned-version checks are skipped: no advisory data is cached; run `vetline data update`"
        )
    return missing


def note_once(message: str) -> None:
    """Log an informational note the first time it arises in this process."""
    if message not in _noted:
        _noted.add(message)
        log.info("%s", message)


def notes() -> list[str]:
    """The notes raised so far (front ends may show them once)."""
    return sorted(_noted)


def _cached(path: Path | None, loader: Callable[[Path], Any]) -> Any:
    """`loader(path)`, reloaded only when the file's mtime or size changes; None if missing."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = (str(path), loader.__name__)
    if key not in _loaded or _loaded[key][0] != stamp:
        try:
            _loaded[key] = (stamp, loader(path))
        except (OSError, ValueError, zipfile.BadZipFile) as error:
            note_once(f"cannot read dependency data {path}: {error}")
            _loaded[key] = (stamp, None)
    return _loaded[key][1]


def _load_popular(path: Path) -> tuple[str, ...]:
    """The top-pypi-packages format (`rows` of `project`) or a plain JSON list of names."""
    document = json.loads(files.read_bounded(path, files.MAX_DATA_BYTES))
    rows = document.get("rows", []) if isinstance(document, dict) else document
    names = (row.get("project") if isinstance(row, dict) else row for row in rows)
    return tuple(normalize(n) for n in names if isinstance(n, str))


def _load_popular_npm(path: Path) -> tuple[str, ...]:
    """An npm popular list: JSON (`rows` of `project`, or a list of names) or one name per line."""
    data = files.read_bounded(path, files.MAX_DATA_BYTES)
    if data.lstrip()[:1] in (b"{", b"["):
        return tuple(n.lower() for n in _load_popular(path))
    return tuple(line.split("\t")[0].strip().lower() for line in data.decode().splitlines() if line.strip())


def _load_osv(path: Path) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """Every OSV record in a directory tree, a zip file, or one JSON file (a record or a list)."""
    records: list[Any] = []
    if path.is_dir():
        budget = files.MAX_DATA_BYTES  # for the whole folder, not per file
        for file in _advisory_files(path):
            try:
                data = files.read_bounded(file, budget, within=path)
            except files.FileRefused as error:
                note_once(f"advisory file {file} not read: {error}")
                continue
            budget -= len(data)
            records.extend(_records(data))
        return _advisories.index_records(r for r in records if isinstance(r, dict))
    data = files.read_bounded(path, files.MAX_DATA_BYTES)
    if data.startswith(b"PK"):
        records.extend(_zip_records(data))
    else:
        records.extend(_records(data))
    return _advisories.index_records(r for r in records if isinstance(r, dict))


def _advisory_files(folder: Path) -> list[Path]:
    """The `*.json` files below `folder` (symlinked folders not followed), at most MAX_ADVISORY_FILES."""
    found: list[Path] = []
    for parent, subfolders, names in os.walk(folder):
        subfolders.sort()
        found.extend(Path(parent) / name for name in sorted(names) if name.endswith(".json"))
        if len(found) >= files.MAX_ADVISORY_FILES:
            note_once(f"advisory folder {folder} holds over {files.MAX_ADVISORY_FILES:,} files; the rest are not read")
            return found[: files.MAX_ADVISORY_FILES]
    return found


def _zip_records(data: bytes) -> list[Any]:
    """The records of a zip of OSV JSON files, refusing members that unpack past the data cap."""
    records: list[Any] = []
    budget = files.MAX_DATA_BYTES
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in sorted((i for i in archive.infolist() if i.filename.endswith(".json")), key=lambda i: i.filename):
            budget -= info.file_size
            if budget < 0:
                raise ValueError(f"unpacks to over {files.MAX_DATA_BYTES:,} bytes")
            with archive.open(info) as member:
                records.extend(_records(member.read(info.file_size + 1)[: info.file_size]))
    return records


def _records(data: bytes) -> list[Any]:
    document = json.loads(data)
    if isinstance(document, dict) and "vulns" in document:
        return list(document["vulns"])
    return document if isinstance(document, list) else [document]
