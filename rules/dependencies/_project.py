"""The project a file belongs to, and every dependency its manifests declare.

The project folder is the nearest folder upwards holding a manifest (`pyproject.toml`,
`requirements*.txt`, `setup.cfg`, `setup.py`, `Pipfile`, `package.json`); the walk stops at a
repository root (`.git`). Declarations are re-read only when a manifest's mtime or size
changes, so analysing on every keystroke costs a handful of `stat` calls. Manifests are read
only as regular files inside the project folder (`vetline.rules.files`); what was refused is
kept in `Project.notes`.
"""

from __future__ import annotations

import configparser
import dataclasses
import functools
import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import files
from ..patterns import LinearMatch, linear
from ._manifests import _REQUIREMENT, Requirement, extras_of, included_files, parse_package_json, parse_requirements
from ._names import normalize
from ._toml_manifests import parse_pyproject

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

log = logging.getLogger("vetline.dependencies")
PYTHON_MANIFESTS = ("pyproject.toml", "setup.cfg", "setup.py", "Pipfile")
SUPPLEMENT_DEPTH = 1  # how far above a requirements-only folder its Python project may be (`tests/`, `docs/`)
_SETUP_PY_LIST = linear(rb"install_requires\s*=\s*\[(?P<items>[^\]]*)\]")
# Literal extras and test/setup requirements: `extras_require={"test": ["pytest>=5"]}`.
_SETUP_PY_MORE = linear(
    rb"(?:tests_require|setup_requires)\s*=\s*\[(?P<items>[^\]]*)\]|extras_require\s*=\s*\{(?P<extras>[^{}]*)\}"
)
_LIST = linear(rb"\[(?P<items>[^\]]*)\]")
_QUOTED = linear(rb"""["']([^"'\n]+)["']""")


@dataclass(frozen=True)
class Project:
    """What a project declares; `folder` is None for a buffer outside any project."""

    folder: Path | None = None
    declared: frozenset[str] = frozenset()  # normalised PyPI names
    declared_npm: frozenset[str] = frozenset()
    has_manifest: bool = False  # some Python manifest could declare an import
    opaque: bool = False  # declarations live where vetline cannot read them (setup.py code)
    own_names: frozenset[str] = frozenset()
    requirements: Path | None = None  # the requirements file new dependencies go to
    pyproject: Path | None = None  # or the pyproject.toml, when it declares dependencies
    notes: tuple[str, ...] = ()  # includes not followed (outside the project, not a regular file)
    declared_in: Mapping[str, str] = field(default_factory=dict)  # declared name -> the manifest's path
    extras: Mapping[str, frozenset[str]] = field(
        default_factory=dict
    )  # declared name -> extras asked (`Django[argon2]`)


def find_folder(path: str) -> Path | None:
    """The project folder of the analysed file, or None (unsaved buffer, no manifest)."""
    file = Path(path)
    if not path or not (file.is_file() or (file.is_absolute() and file.parent.is_dir())):
        return None
    start = Path(os.path.abspath(file)).parent  # as named: fixes address the editor's path, not the real one
    for folder in (start, *start.parents):
        names, repository_root = _listing(str(folder))
        if names:
            return folder
        if repository_root:
            return None
    return None


def project_for(path: str) -> Project:
    """The (cached) declarations of the project that holds `path`.

    A folder whose only manifests are requirements files inside a Python project
    (`tests/requirements.txt` beside the package's pyproject.toml) supplements that project:
    its files also count the outer project's declarations.
    """
    folder = find_folder(path)
    if folder is None:
        return Project()
    project = _read_project(folder, _stamps(folder))
    outer = supplemented_project(folder)
    if outer is None:
        return project
    around = _read_project(outer, _stamps(outer))
    declared_in = {**around.declared_in, **project.declared_in}
    extras = {
        name: around.extras.get(name, frozenset()) | project.extras.get(name, frozenset())
        for name in {*around.extras, *project.extras}
    }
    return dataclasses.replace(
        project, declared=project.declared | around.declared, declared_in=declared_in, extras=extras
    )


def supplemented_project(folder: Path) -> Path | None:
    """The Python project a requirements-only folder belongs to (`SUPPLEMENT_DEPTH` levels up at most), or None.

    The project above must be the same tree: inside the same git repository, or the root of an
    unpacked sdist (`PKG-INFO`). A folder checked out or unpacked on its own (no `.git` above it)
    never makes vetline read the manifests of whatever folder it was put in.
    """
    names, repository_root = _listing(str(folder))
    if repository_root or not names or not all(_is_requirements(n) for n in names):
        return None
    for parent in list(folder.parents)[:SUPPLEMENT_DEPTH]:
        names, repository_root = _listing(str(parent))
        if any(n in PYTHON_MANIFESTS for n in names) and _same_tree(parent):
            return parent
        if names or repository_root:
            return None
    return None


def _same_tree(folder: Path) -> bool:
    """True when `folder` lies in a git repository (a `.git` at or above it) or is an unpacked sdist's root."""
    if (folder / "PKG-INFO").is_file():
        return True
    return any(os.path.lexists(os.path.join(ancestor, ".git")) for ancestor in (folder, *folder.parents))


def _stamps(folder: Path) -> tuple[tuple[str, int, int], ...]:
    return tuple(sorted((str(f), *_stamp(f)) for f in _manifest_files(folder)))


def project_in(folder: Path) -> Project:
    """The declarations of the project whose folder is `folder` (for `vetline data update`)."""
    stamps = tuple(sorted((str(f), *_stamp(f)) for f in _manifest_files(folder)))
    return _read_project(Path(os.path.abspath(folder)), stamps) if stamps else Project(folder)


def project_settings(folder: Path | None) -> dict | None:
    """The project's own `[tool.vetline.dependencies]` (`.vetline.toml` first), or None.

    In a monorepo each project keeps its own dependency data and policy, whichever
    configuration the scan started from; relative paths in it start at `folder`.
    """
    if folder is None:
        return None
    for name in (".vetline.toml", "pyproject.toml"):
        path = folder / name
        if path.is_file():
            table = _settings_table(path, *_stamp(path))
            if table is not None:
                return {**table, "root": str(folder)}
    return None


@functools.lru_cache(maxsize=64)
def _settings_table(path: Path, mtime: int, size: int) -> dict | None:
    try:
        document = tomllib.loads(_read(path, path.parent).decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return None
    tool = document.get("tool", {}).get("vetline")
    table = (tool if isinstance(tool, dict) else document if path.name == ".vetline.toml" else {}).get("dependencies")
    return dict(table) if isinstance(table, dict) else None


def _manifest_names(folder: Path) -> tuple[str, ...]:
    return _listing(str(folder))[0]


def _listing(folder: str) -> tuple[tuple[str, ...], bool]:
    """The manifest files in a folder and whether it is a repository root (cached by mtime)."""
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return (), False
    return _read_listing(folder, stamp)


@functools.lru_cache(maxsize=1024)
def _read_listing(folder: str, stamp: int) -> tuple[tuple[str, ...], bool]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return (), False
    names = tuple(
        sorted(
            e.name
            for e in entries
            if _is_manifest(e.name) and files.entry_is_file(e) and _describes_project(e.path, folder)
        )
    )
    return names, any(e.name == ".git" for e in entries)


_PROJECT_TABLES = {
    "setup.cfg": (b"[metadata]", b"[options]"),
    "pyproject.toml": (b"[project]", b"[tool.poetry", b"[build-system]", b"[dependency-groups]", b"[tool.setuptools"),
}


def _describes_project(path: str, folder: str) -> bool:
    """False for a setup.cfg or pyproject.toml that only configures tools (`[flake8]`, `[tool.ruff]`).

    A folder whose only such file is tool configuration is not a project: its files belong to the
    project above (pretix keeps a `src/setup.cfg` of linter settings under its real pyproject).
    """
    markers = _PROJECT_TABLES.get(os.path.basename(path))
    if markers is None:
        return True
    try:
        head = files.read_bounded(path, files.MAX_MANIFEST_BYTES, within=folder)
    except OSError:
        return False
    return any(marker in head for marker in markers)


def _is_manifest(name: str) -> bool:
    return name in PYTHON_MANIFESTS or name == "package.json" or _is_requirements(name)


def _is_requirements(name: str) -> bool:
    return name.endswith(".txt") and "requirements" in name


def _manifest_files(folder: Path) -> list[Path]:
    files = [folder / n for n in _manifest_names(folder)]
    nested = folder / "requirements"
    if nested.is_dir():
        files.extend(sorted(nested.glob("*.txt")))
    return files


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_project(folder: Path, stamps: tuple[tuple[str, int, int], ...]) -> Project:
    manifests = [Path(entry[0]) for entry in stamps]
    declared_in: dict[str, str] = {}
    own: set[str] = set()
    refused: list[str] = []
    build_only: set[str] = set()  # `[build-system] requires`: they say nothing of what the code imports
    pyproject = requirements = None
    extras: dict[str, frozenset[str]] = {}
    for file in manifests:
        found: dict[str, frozenset[str]] = {}
        if file.name == "pyproject.toml":
            manifest = parse_pyproject(_read(file, folder))
            _add(found, manifest.requirements)
            build = _build_requires(file, folder)  # setup.py and build hooks import them
            found.update((name, found.get(name, frozenset())) for name in build)
            build_only.update(build - {normalize(r.name) for r in manifest.requirements})
            own.update(_own_names(file, folder))
            pyproject = file if manifest.array is not None or manifest.poetry_end is not None else pyproject
        elif _is_requirements(file.name) or file.parent.name == "requirements":  # `requirements/base.txt`
            for included in included_files(file, folder, refused):
                _add(found, parse_requirements(_read(included, folder)))
        elif file.name == "setup.cfg":
            found.update(_setup_cfg(file, folder))
        elif file.name == "Pipfile":
            found.update(dict.fromkeys(_pipfile(file, folder), frozenset()))
        for name, asked in found.items():
            declared_in.setdefault(name, str(file))
            extras[name] = extras.get(name, frozenset()) | asked
    for name in own:  # `motherduck = ["apache-superset[duckdb]"]`: an extra of itself is no dependency
        declared_in.pop(name, None)
    declared = set(declared_in)
    requirements = next((f for f in manifests if f.name == "requirements.txt"), None)
    requirements = requirements or next((f for f in manifests if _is_requirements(f.name) and f.parent == folder), None)
    setup_py = folder / "setup.py"
    opaque = setup_py.is_file() and not _setup_py(setup_py, declared, extras, folder) and not declared - build_only
    if opaque and (generated := _egg_info_requirements(folder)):
        opaque, declared = False, declared | set(generated)  # what setup.py computed, as setuptools wrote it down
        for name, asked in generated.items():
            extras[name] = extras.get(name, frozenset()) | asked
    declared_in.update((name, str(setup_py)) for name in declared - set(declared_in))
    npm = {r.name.lower() for f in manifests if f.name == "package.json" for r in parse_package_json(_read(f, folder))}
    has_manifest = any(f.name in PYTHON_MANIFESTS or _is_requirements(f.name) for f in manifests)
    for note in refused:
        log.info("%s", note)
    return Project(
        folder,
        frozenset(declared),
        frozenset(npm),
        has_manifest,
        opaque,
        frozenset(own),
        requirements,
        pyproject,
        tuple(dict.fromkeys(refused)),
        declared_in,
        {name: asked for name, asked in extras.items() if asked and name in declared},
    )


def _add(found: dict[str, frozenset[str]], requirements: list[Requirement]) -> None:
    for requirement in requirements:
        name = normalize(requirement.name)
        found[name] = found.get(name, frozenset()) | requirement.extras


def _named(match: LinearMatch) -> tuple[str, frozenset[str]]:
    """(normalised name, extras asked) of a `_REQUIREMENT` match."""
    return normalize(match.group("name").decode()), extras_of(match)


def _read(path: Path, folder: Path) -> bytes:
    """A manifest's bytes; empty when it is missing, not a regular file, too large or outside `folder`."""
    try:
        return files.read_bounded(path, files.MAX_MANIFEST_BYTES, within=folder)
    except OSError:
        return b""


def _own_names(pyproject: Path, folder: Path) -> set[str]:
    try:
        document = tomllib.loads(_read(pyproject, folder).decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return set()
    names = [document.get("project", {}).get("name"), document.get("tool", {}).get("poetry", {}).get("name")]
    return {normalize(n) for n in names if isinstance(n, str)}


def _build_requires(pyproject: Path, folder: Path) -> set[str]:
    try:
        document = tomllib.loads(_read(pyproject, folder).decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return set()
    requires = document.get("build-system", {}).get("requires", [])
    lines = [r.encode() for r in requires if isinstance(r, str)] if isinstance(requires, list) else []
    return {normalize(m.group("name").decode()) for line in lines if (m := _REQUIREMENT.match(line))}


def _setup_cfg(path: Path, folder: Path) -> dict[str, frozenset[str]]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read(path, folder).decode("utf-8", "replace"))
    except configparser.Error:
        return {}
    lines = parser.get("options", "install_requires", fallback="").splitlines()
    if parser.has_section("options.extras_require"):
        lines += [line for _, value in parser.items("options.extras_require") for line in value.splitlines()]
    return dict(_named(m) for line in lines if (m := _REQUIREMENT.match(line.encode())))


def _pipfile(path: Path, folder: Path) -> set[str]:
    try:
        document = tomllib.loads(_read(path, folder).decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return set()
    return {normalize(name) for table in ("packages", "dev-packages") for name in document.get(table, {})}


def _egg_info_requirements(folder: Path) -> dict[str, frozenset[str]]:
    """The requirements setuptools wrote to `<name>.egg-info/requires.txt` (sdists, `pip install -e .`)
    and to an sdist's `PKG-INFO` (`Requires-Dist`).

    A setup.py that computes `install_requires` (a string's `.split()`, a file read) leaves its
    result there; every section (extras, markers) counts as declared.
    """
    found = _metadata_requirements(_read(folder / "PKG-INFO", folder))
    for parent in (folder, folder / "src"):
        try:
            infos = [e.path for e in os.scandir(parent) if e.name.endswith(".egg-info") and e.is_dir()]
        except OSError:
            continue
        for info in infos[:4]:
            for line in _read(Path(info) / "requires.txt", folder).splitlines():
                if (match := _REQUIREMENT.match(line.strip())) is not None and not line.startswith(b"["):
                    name, asked = _named(match)
                    found[name] = found.get(name, frozenset()) | asked
    return found


def _metadata_requirements(metadata: bytes) -> dict[str, frozenset[str]]:
    """The `Requires-Dist:` names (with the extras they ask) of a core metadata file (an sdist's PKG-INFO)."""
    names: dict[str, frozenset[str]] = {}
    for line in metadata.split(b"\n\n", 1)[0].splitlines():
        if line.startswith(b"Requires-Dist:") and (match := _REQUIREMENT.match(line[14:].strip())) is not None:
            name, asked = _named(match)
            names[name] = names.get(name, frozenset()) | asked
    return names


def _setup_py(path: Path, declared: set[str], extras: dict[str, frozenset[str]], folder: Path) -> bool:
    """Add a literal `install_requires=[...]` of setup.py to `declared`; False when there is none."""
    source = _read(path, folder)
    match = _SETUP_PY_LIST.search(source)
    if match is None:
        return False
    lists = [match.group("items")]
    for more in _SETUP_PY_MORE.finditer(source):
        lists.extend(
            [more.group("items")]
            if more.group("items") is not None
            else [m.group("items") for m in _LIST.finditer(more.group("extras") or b"")]
        )
    for items in lists:
        for quoted in _QUOTED.finditer(items):
            if (match := _REQUIREMENT.match(quoted.group(1))) is not None:
                name, asked = _named(match)
                declared.add(name)
                extras[name] = extras.get(name, frozenset()) | asked
    return True
