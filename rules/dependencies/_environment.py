"""The project's Python environment, read from its files: what is installed and what requires what.

The environment is the first that exists of: the configured interpreter (`VETLINE_PYTHON`, a
user setting, never a repository's), a `.venv`, `venv` or `env` folder of the project (inside
it: a symlink that leads out is not followed), or `$VIRTUAL_ENV`. Its `site-packages/*.dist-info`
folders are read as files, never by running that interpreter: `METADATA` (`Name`,
`Requires-Dist`, those of each extra apart), `top_level.txt`, else the first path parts of
`RECORD` (read also for namespace packages, whose RECORD tells `google.cloud.storage` from
`google.protobuf`); `*.egg-info` folders the same way. Every read is bounded (`READ_LIMIT`,
`MAX_DISTRIBUTIONS`) and the result is cached by the folder's modification time, which changes
whenever a package is installed or removed."""

from __future__ import annotations

import functools
import os
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..patterns import linear
from ._names import NAMESPACE_ROOTS, normalize, plugin_host
from .bundled import Requires

READ_LIMIT = 16 << 20  # bytes of one metadata file; a larger one (never seen: RECORDs run to a few MB) is not read
MAX_DISTRIBUTIONS = 5000  # distributions read from one site-packages folder
_PROJECT_ENVIRONMENTS = (".venv", "venv", "env")
_REQUIRES = linear(r"^Requires-Dist:[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)([^\n]*)$", re.MULTILINE)
_NAME = linear(r"^Name:[ \t]*(\S+)[ \t]*$", re.MULTILINE)
_EXTRA = linear(r"""\bextra\s*==\s*["']([^"'\n]+)["']""")
_WANTED = linear(r"^[ \t]*\[([^\]\n]*)\]")  # `Requires-Dist: mcp[cli]`: the extras it asks of its requirement
_NOT_MODULES = frozenset({"__pycache__", "bin", "..", "", "__editable__"})


_EGG_NAME = linear(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class Environment:
    """The installed distributions of one environment, by import name and by requirement."""

    where: str  # how the user would name it: ".venv", "$VIRTUAL_ENV", "the configured interpreter"
    providers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # dotted module -> distributions
    requires: dict[str, Requires] = field(default_factory=dict)  # distribution -> its requirements

    def installed(self, distribution: str) -> bool:
        return distribution in self.requires

    def distributions(self, module: str) -> tuple[str, ...]:
        """The installed distributions providing `module` (its longest known dotted prefix)."""
        parts = module.split(".")
        shared = parts[0] in NAMESPACE_ROOTS  # `google` alone says nothing about which distribution
        for end in range(min(len(parts), 3), 1 if shared else 0, -1):
            found = self.providers.get(".".join(parts[:end]))
            if found:
                return found
        return ()


def find(folder: Path | None, interpreter: str | None = None) -> Environment | None:
    """The environment of the project in `folder` (see the module docstring), or None.

    `interpreter` (else `$VETLINE_PYTHON`) is the user's own choice: never a repository setting.
    """
    interpreter = interpreter or os.environ.get("VETLINE_PYTHON")
    if interpreter:
        site = _interpreter_site_packages(Path(os.path.expanduser(interpreter)))
        if site:
            return _read(site, "the configured interpreter")
    for name in _PROJECT_ENVIRONMENTS if folder is not None else ():
        assert folder is not None
        site = _site_packages(folder / name, inside=folder)
        if site:
            return _read(site, name)
    active = os.environ.get("VIRTUAL_ENV")
    site = _site_packages(Path(active)) if active else ()
    return _read(site, "$VIRTUAL_ENV") if site else None


def _interpreter_site_packages(executable: Path) -> tuple[Path, ...]:
    """`<prefix>/lib/python3.X/site-packages` (or `Lib/site-packages`) of an interpreter path."""
    prefix = executable.parent.parent if executable.parent.name in ("bin", "Scripts") else executable.parent
    return _site_packages(prefix)


def _site_packages(prefix: Path, inside: Path | None = None) -> tuple[Path, ...]:
    try:
        if not (prefix / "pyvenv.cfg").is_file() and not (prefix / "lib").is_dir():
            return ()
        if inside is not None and not prefix.resolve().is_relative_to(inside.resolve()):
            return ()  # a symlinked environment elsewhere: a repository must not make vetline read outside it
    except OSError:
        return ()
    found = sorted(prefix.glob("lib/python3*/site-packages")) + sorted(prefix.glob("Lib/site-packages"))
    return tuple(p for p in found if p.is_dir())


def _read(sites: Iterable[Path], where: str) -> Environment:
    stamps = []
    for site in sites:
        try:
            stamps.append((str(site), site.stat().st_mtime_ns))
        except OSError:
            continue
    return _read_stamped(tuple(stamps), where)


@functools.lru_cache(maxsize=16)
def _read_stamped(stamps: tuple[tuple[str, int], ...], where: str) -> Environment:
    providers: dict[str, set[str]] = {}
    requires: dict[str, Requires] = {}
    for site, _ in stamps:
        for metadata in _metadata_folders(Path(site)):
            name, needs, modules = _distribution(metadata)
            if name is None:
                continue
            requires[name] = needs
            for module in modules:
                providers.setdefault(module, set()).add(name)
    return Environment(where, {m: tuple(sorted(d)) for m, d in providers.items()}, requires)


def _metadata_folders(site: Path) -> list[Path]:
    try:
        entries = [e for e in os.scandir(site) if e.name.endswith((".dist-info", ".egg-info")) and e.is_dir()]
    except OSError:
        return []
    return [Path(e.path) for e in sorted(entries, key=lambda e: e.name)[:MAX_DISTRIBUTIONS]]


def _distribution(folder: Path) -> tuple[str | None, Requires, set[str]]:
    """(normalised name, requirements, importable dotted prefixes) of one dist-info."""
    egg = folder.name.endswith(".egg-info")
    metadata = _text(folder / ("PKG-INFO" if egg else "METADATA"))
    match = _NAME.search(metadata)
    name = normalize(match.group(1)) if match else _name_from_folder(folder.name)
    needs = _requirements(metadata, name)
    if egg:
        needs = Requires(tuple(sorted({*needs.requires, *_egg_requires(_text(folder / "requires.txt"))})), needs.extras)
    top_level = [line.strip() for line in _text(folder / "top_level.txt").splitlines() if line.strip()]
    if top_level and not NAMESPACE_ROOTS.intersection(t.split("/")[0] for t in top_level):
        return name, needs, {t.replace("/", ".") for t in top_level if t.replace("/", "").isidentifier()}
    modules = _record_modules(_text(folder / "RECORD"), top_level)  # no top_level.txt, or a namespace package
    return name, needs, modules


def _requirements(metadata: str, own: str | None) -> Requires:
    """`Requires-Dist` lines as `name` / `name[extra,...]`, those under an `extra == "x"` marker apart."""
    always: set[str] = set()
    extras: dict[str, set[str]] = {}
    for match in _REQUIRES.finditer(metadata):
        name, rest = normalize(match.group(1)), match.group(2)
        wanted = _WANTED.match(rest)
        spec = name + (
            f"[{','.join(sorted(normalize(e.strip()) for e in wanted.group(1).split(',')))}]" if wanted else ""
        )
        named = [normalize(m.group(1)) for m in _EXTRA.finditer(rest.partition(";")[2])]
        if not named and name != own:
            always.add(spec)
        for extra in named:
            extras.setdefault(extra, set()).add(spec)
    return Requires(tuple(sorted(always)), {extra: tuple(sorted(specs)) for extra, specs in extras.items()})


def _name_from_folder(folder_name: str) -> str | None:
    stem = folder_name.rsplit(".", 1)[0]
    return normalize(stem.split("-")[0]) if stem else None


def _egg_requires(text: str) -> set[str]:
    """requires.txt: plain lines until the first `[extra]` section."""
    found = set()
    for line in text.splitlines():
        if line.startswith("["):
            break
        match = _EGG_NAME.match(line)
        if match:
            found.add(normalize(match.group(1)))
    return found


def _record_modules(record: str, top_level: list[str]) -> set[str]:
    """Importable names a RECORD installs: top-level modules and folders, and each regular package
    (a folder with `__init__.py`) up to three parts deep, so `google.cloud.storage` is told from
    another distribution's `google.cloud.pubsub` (`google` and `google.cloud` are shared namespaces)."""
    modules = {t.replace("/", ".") for t in top_level if t.replace("/", "").isidentifier()}
    for line in record.splitlines():
        parts = line.split(",", 1)[0].split("/")
        if not parts or parts[0] in _NOT_MODULES or parts[0].endswith((".dist-info", ".egg-info", ".data")):
            continue
        stem = parts[0].split(".")[0]
        if len(parts) == 1 and parts[0].endswith((".py", ".so", ".pyd")) and stem.isidentifier():
            modules.add(stem)
        elif len(parts) > 1 and parts[0].isidentifier():
            modules.add(parts[0])
            if parts[-1] == "__init__.py" and all(p.isidentifier() for p in parts[1:-1]):
                modules.add(".".join(parts[:-1][:3]))
    return modules


def _text(path: Path) -> str:
    """A metadata file's text (a regular file only: a planted FIFO must not hang the scan)."""
    try:
        return files.read_text_bounded(path, READ_LIMIT)
    except OSError:
        return ""


def installed_by(
    environment: Environment | None,
    declared: Iterable[str],
    table: Mapping[str, Requires],
    extras: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Every distribution the declared ones require, directly or not -> the chain that brings it.

    The chain starts with the declared distribution and ends with the one that requires it:
    `markupsafe` -> ("flask", "werkzeug"). Extras are followed: those the project asks for
    (`extras`: `{"django": {"argon2"}}` for `Django[argon2]`) and those a requirement asks of
    its own requirements (`mcp[cli]`). A distribution's requirements come from the environment's
    `Requires-Dist` when it is installed there, else from `table` (vetline's bundled
    `requires.json`), else from its name when it is a framework's plugin (`django-taggit`
    requires `django`, `_names.plugin_host`). Breadth first, so each chain is a shortest one.
    """

    def needs(name: str, extra: str) -> tuple[str, ...]:
        if environment is not None and environment.installed(name):
            return environment.requires[name].wanted(extra)
        found = table.get(name)
        if found is not None:
            return found.wanted(extra)
        host = plugin_host(name) if not extra else None
        return (host,) if host is not None else ()  # nothing known but its name: a plugin needs its host

    roots = sorted(set(declared))
    wanted = extras or {}
    via: dict[str, tuple[str, ...]] = {}
    seen: set[tuple[str, str]] = set()
    queue: deque[tuple[str, frozenset[str], tuple[str, ...]]] = deque(
        (root, frozenset(wanted.get(root, ())), (root,)) for root in roots
    )
    while queue:
        name, asked, chain = queue.popleft()
        for extra in ("", *sorted(asked)):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for spec in needs(name, extra):
                required, _, listed = spec.partition("[")
                if required not in via and required not in roots:
                    via[required] = chain
                further: tuple[str, ...] = (required,) if required in roots else (*chain, required)
                queue.append((required, frozenset(e for e in listed.rstrip("]").split(",") if e), further))
    return via
