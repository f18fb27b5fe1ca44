"""Which top-level modules are the project's own (first-party), decided from its file tree.

A name is first-party when it is importable from one of the project's source roots: the
project folder itself, `src/`, the roots its manifest declares (`[tool.setuptools]
package-dir` and `packages.find`, Poetry `packages`, Hatch `packages`/`sources`, PDM
`package-dir`, Flit's module, `setup.cfg` `package_dir`/`where`, a literal `package_dir` in
`setup.py`), and every folder holding a `manage.py` (Django puts its apps beside it). The
importing file adds its own folder and each parent up to the project folder (a package
imports its siblings and its own sub-packages by their absolute names), and a `lib/`-style
folder (`LIBRARY_FOLDERS`) beside each of them: scripts put such folders on `sys.path`
(`sys.path.insert(0, "lib")`, App Engine's `vendor.add("lib")`) and import what is inside by
its bare name. An enclosing project of a monorepo adds its roots too. A file outside any
project gets its own folder (and its `lib/`-style folders) and the folder above its package
chain (how Python itself finds it).

A folder counts as a package when it has an `__init__.py`, Python files, or a sub-package
(namespace packages). The roots of a project are found once and cached per project, keyed by
the manifests' and the project folder's modification times and by `generation()`, which the
language server bumps when the client reports files created or deleted (`invalidate`).
Folder listings are cached by their own modification time.
"""

from __future__ import annotations

import configparser
import functools
import os
import sys
from pathlib import Path
from typing import Any

from .. import files
from ..patterns import linear
from . import _project

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

MANAGE_PY_DEPTH = 3  # how deep below the project folder `manage.py` is looked for
MAX_FOLDERS = 4000  # folders visited looking for it, whatever the project's size
_SKIPPED = frozenset({"node_modules", "__pycache__", "site-packages", "build", "dist", "venv", "env", "htmlcov"})
_MODULE_SUFFIXES = (".py", ".pyi", ".pyx", ".so", ".pyd")
# Folders of code a script adds to `sys.path` itself, by convention: their modules are first-party.
LIBRARY_FOLDERS = ("lib", "libs", "vendor", "_vendor", "third_party")
_SETUP_PY_ROOT = linear(rb"""package_dir\s*=\s*\{\s*['"]{2}\s*:\s*['"]([^'"\n]+)['"]""")
_SETUP_PY_WHERE = linear(rb"""where\s*=\s*\[?\s*['"]([^'"\n]+)['"]""")
_generation = [0]


def invalidate() -> None:
    """Forget every layout (files were created or deleted somewhere)."""
    _generation[0] += 1
    _listing.cache_clear()


def generation() -> int:
    return _generation[0]


def first_party(path: str, project_folder: Path | None) -> frozenset[str]:
    """Top-level names the file at `path` imports from its own project (or its own folder)."""
    folder = _file_folder(path)
    if project_folder is None:
        return _loose_names(folder) if folder is not None else frozenset()
    names = set(_project_names(project_folder))
    if folder is not None:
        for parent in (folder, *folder.parents):
            names |= _folder_names(parent)
            if parent == project_folder or project_folder not in parent.parents:
                break
    return frozenset(names)


def _file_folder(path: str) -> Path | None:
    if not path or ":" in path.split("/")[0] and not Path(path).is_absolute():
        return None  # `untitled:Untitled-1` and other unsaved buffers
    try:
        folder = Path(path).resolve().parent
    except (OSError, RuntimeError):
        return None
    return folder if folder.is_dir() else None


def _loose_names(folder: Path) -> frozenset[str]:
    """A script's folder, and the folder above the packages it sits in (`python -m` finds them there)."""
    names = set(_folder_names(folder))
    top = folder
    while (top / "__init__.py").is_file() and top.parent != top:
        top = top.parent
    names |= module_names(top)
    if "site-packages" in folder.parts:  # an installed package imports the others installed beside it
        site = Path(*folder.parts[: folder.parts.index("site-packages") + 1])
        names |= module_names(site)
    return frozenset(names)


def _folder_names(folder: Path) -> frozenset[str]:
    """What a file in `folder` imports by bare name from there: its modules and its `lib/`-style folders' modules."""
    names = module_names(folder)
    for library in LIBRARY_FOLDERS:
        if library in names:
            names = names.union(module_names(folder / library))
    return names


def _project_names(folder: Path) -> frozenset[str]:
    manifests = tuple(_stamp(folder / name) for name in ("pyproject.toml", "setup.cfg", "setup.py"))
    return _names_for(folder, _stamp(folder), manifests, generation())


@functools.lru_cache(maxsize=64)
def _names_for(folder: Path, stamp: int, manifests: tuple[int, ...], generation: int) -> frozenset[str]:
    roots, names = declared_roots(folder)
    roots |= {folder, folder / "src", *_manage_py_folders(folder)}
    outer = _enclosing_project(folder)
    if outer is not None:
        names |= _project_names(outer)
    return frozenset(names.union(*(module_names(root) for root in roots)))


def _enclosing_project(folder: Path) -> Path | None:
    """The next folder up that holds a Python manifest, inside the same repository (a `.git` above).

    Outside a repository nothing above the project is read: its parents are not the project's,
    except the Python project a requirements-only folder supplements (`tests/requirements.txt`).
    """
    if (folder / ".git").exists():
        return None
    supplemented = _project.supplemented_project(folder)
    if supplemented is not None:
        return supplemented
    found = None
    for parent in folder.parents:
        if found is None and any((parent / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg")):
            found = parent
        if (parent / ".git").exists():
            return found
    return None


def declared_roots(folder: Path) -> tuple[set[Path], set[str]]:
    """(source folders, first-party top-level names) the project's manifests declare."""
    roots: set[Path] = set()
    names: set[str] = set()
    _from_pyproject(folder, roots, names)
    _from_setup_cfg(folder, roots, names)
    setup_py = _read(folder / "setup.py")
    for pattern in (_SETUP_PY_ROOT, _SETUP_PY_WHERE):
        roots.update(folder / m.group(1).decode(errors="replace") for m in pattern.finditer(setup_py))
    return {r for r in roots if _inside(r, folder)}, names


def _from_pyproject(folder: Path, roots: set[Path], names: set[str]) -> None:
    try:
        document = tomllib.loads(_read(folder / "pyproject.toml").decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return
    tool = _table(document, "tool")
    setuptools = _table(tool, "setuptools")
    for key, value in _table(setuptools, "package-dir").items():
        if isinstance(value, str):
            roots.add(folder / value) if key == "" else names.add(key.split(".")[0])
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        names.update(p.split(".")[0] for p in packages if isinstance(p, str))
    where = _list(_table(packages if isinstance(packages, dict) else {}, "find"), "where")
    roots.update(folder / w for w in where if isinstance(w, str))
    names.update(m for m in _list(setuptools, "py-modules") if isinstance(m, str))
    for entry in _list(_table(tool, "poetry"), "packages"):
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            names.add(entry["include"].split("/")[0].split(".")[0])
            roots.add(folder / str(entry.get("from", ".")))
    _from_hatch(folder, _table(tool, "hatch"), roots, names)
    pdm_dir = _table(_table(tool, "pdm"), "build").get("package-dir")
    if isinstance(pdm_dir, str):
        roots.add(folder / pdm_dir)
    flit = _table(_table(tool, "flit"), "module").get("name")
    if isinstance(flit, str):
        names.add(flit.split(".")[0])


def _from_hatch(folder: Path, hatch: dict[str, Any], roots: set[Path], names: set[str]) -> None:
    build = _table(hatch, "build")
    for table in (build, _table(_table(build, "targets"), "wheel")):
        for package in _list(table, "packages"):
            if isinstance(package, str):
                names.add(Path(package).name)
                roots.add((folder / package).parent)
        sources = table.get("sources")
        for source in sources if isinstance(sources, (list, dict)) else ():
            if isinstance(source, str) and source:
                roots.add(folder / source)


def _from_setup_cfg(folder: Path, roots: set[Path], names: set[str]) -> None:
    text = _read(folder / "setup.cfg").decode("utf-8", "replace")
    if not text:
        return
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        key, _, value = line.partition("=")
        if value.strip():
            roots.add(folder / value.strip()) if not key.strip() else names.add(key.strip().split(".")[0])
    for where in parser.get("options.packages.find", "where", fallback="").split():
        roots.add(folder / where)
    names.update(parser.get("options", "py_modules", fallback="").split())


def _manage_py_folders(folder: Path) -> list[Path]:
    """Folders holding a `manage.py`, at most `MANAGE_PY_DEPTH` below the project folder."""
    found: list[Path] = []
    queue, visited = [(folder, 0)], 0
    while queue and visited < MAX_FOLDERS:
        current, depth = queue.pop(0)
        visited += 1
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        if any(e.name == "manage.py" for e in entries):
            found.append(current)
        if depth < MANAGE_PY_DEPTH:
            queue.extend((Path(e.path), depth + 1) for e in entries if _walkable(e))
    return found


def _walkable(entry: os.DirEntry) -> bool:
    try:
        return (
            entry.is_dir(follow_symlinks=False)
            and not entry.name.startswith(".")
            and entry.name not in _SKIPPED
            and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
        )
    except OSError:
        return False


def module_names(folder: Path) -> frozenset[str]:
    """Importable top-level names in a folder: modules, packages, namespace packages."""
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return frozenset()
    return _listing(str(folder), stamp)


@functools.lru_cache(maxsize=1024)
def _listing(folder: str, stamp: int) -> frozenset[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset()
    names = set()
    for entry in entries:
        stem = entry.name.split(".")[0]
        if not stem.isidentifier():
            continue
        if entry.name.endswith(_MODULE_SUFFIXES) and _is_file(entry):
            names.add(stem)
        elif "." not in entry.name and _is_package(entry):
            names.add(entry.name)
    return frozenset(names)


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_package(entry: os.DirEntry) -> bool:
    """A folder with `__init__.py`, Python files, or a sub-package (a namespace package).

    Symbolic links are not followed: one may lead out of the project (`package.json` -> `/`)."""
    try:
        if not entry.is_dir(follow_symlinks=False):  # a link may lead outside the project: never read there
            return False
        children = list(os.scandir(entry.path))
    except OSError:
        return False
    if any(c.name.endswith(_MODULE_SUFFIXES) for c in children):
        return True
    return any(_is_dir(c) and _holds_python(c.path) for c in children[:200])


def _holds_python(folder: str) -> bool:
    try:
        return any(e.name.endswith(_MODULE_SUFFIXES) for e in os.scandir(folder))
    except OSError:
        return False


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _table(document: object, key: str) -> dict[str, Any]:
    value = document.get(key) if isinstance(document, dict) else None
    return value if isinstance(value, dict) else {}


def _list(document: object, key: str) -> list[Any]:
    value = document.get(key) if isinstance(document, dict) else None
    return value if isinstance(value, list) else []


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _stamp(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _read(path: Path, limit: int = files.MAX_MANIFEST_BYTES) -> bytes:
    """A regular file's bytes in its own folder (never a FIFO, a device or a link out), empty otherwise."""
    try:
        return files.read_bounded(path, limit, within=path.parent)
    except OSError:
        return b""
