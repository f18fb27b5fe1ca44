"""Local evidence that an npm name is a real package, for `unknown-package` on npm names.

The bundled npm snapshot is not the whole registry (see `bundled`), so before calling a name
unknown vetline looks for what the project itself knows: the package installed in a
`node_modules` folder (Node's resolution, from the file's folder up to the repository root),
the name in a lock file (`package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`) of the project or
its workspace root, a private registry configured for the name or its scope (`.npmrc`
`registry=` / `@scope:registry=`, `.yarnrc.yml` `npmRegistryServer` / `npmScopes`), and, in
`package.json`, a version that names no registry package (`npm:` aliases, `file:`, `link:`,
`workspace:`, git and tarball URLs). Nothing outside the repository is read, and no registry
URL or token is ever put in a message.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ._js_imports import JsProject, workspace_root
from ._js_locks import parse_pnpm_lock, parse_yarn_lock
from ._manifests import parse_package_lock

_LOCKS = {"package-lock.json": parse_package_lock, "yarn.lock": parse_yarn_lock, "pnpm-lock.yaml": parse_pnpm_lock}
_NOT_REGISTRY = ("npm:", "file:", "link:", "workspace:", "portal:", "patch:", "git", "http:", "https:", "github:")
_NPMRC_REGISTRY = re.compile(r"^[ \t]*(?:(?P<scope>@[\w.~-]+):)?registry[ \t]*=[ \t]*(?P<url>\S+)", re.MULTILINE)
_YARNRC_SERVER = re.compile(r"^npmRegistryServer:[ \t]*[\"']?(?P<url>[^\"'\s]+)", re.MULTILINE)
_YARNRC_SCOPE = re.compile(r"^[ \t]+[\"']?(?P<scope>[\w.~-]+)[\"']?:[ \t]*$", re.MULTILINE)
_PUBLIC_REGISTRIES = ("https://registry.npmjs.org", "https://registry.yarnpkg.com", "http://registry.npmjs.org")
_REGISTRY_SCOPES = frozenset({"@jsr"})  # JSR's npm mirror (npm.jsr.io) serves `@jsr/*`, never the npm registry
_MAX_CONFIG = 1 << 20  # bytes of an .npmrc / .yarnrc.yml read at most


@dataclass(frozen=True)
class Private:
    """What a project's registry configuration sends elsewhere than the public registry."""

    everything: bool = False
    scopes: frozenset[str] = frozenset()


def names_no_registry_package(spec: str) -> bool:
    """True when a package.json version is an alias, a local path, a workspace link or a URL,
    or a GitHub shorthand (`user/repo#tag`): the name then needs no registry entry."""
    spec = spec.strip()
    return spec.startswith(_NOT_REGISTRY) or ("/" in spec and not spec.startswith("@"))


def local_evidence(name: str, file: str, project: JsProject) -> str | None:
    """Why `name` is real as far as the project knows (for no message), or None when nothing says so."""
    if name.split("/")[0] in _REGISTRY_SCOPES:
        return "served by its own registry"
    folders = _project_folders(project)
    if _installed(name, Path(file).parent if file else None, folders):
        return "installed in node_modules"
    if any(name in _locked(folder) for folder in folders):
        return "in a lock file"
    if any(_served_privately(name, _private(folder, _stamp(folder))) for folder in folders):
        return "served by a private registry"
    return None


def _project_folders(project: JsProject) -> tuple[Path, ...]:
    if project.folder is None:
        return ()
    root = workspace_root(project.folder)
    return (project.folder,) if root is None or root == project.folder else (project.folder, root)


def _installed(name: str, start: Path | None, folders: tuple[Path, ...]) -> bool:
    """`node_modules/<name>/package.json` in a folder from `start` up to the top project folder."""
    if not folders:
        return False
    top = folders[-1].resolve()
    candidates = [*folders]
    if start is not None:
        start = start.resolve()
        chain = (start, *start.parents)
        if top in chain:
            candidates = [*chain[: chain.index(top) + 1]]
    return any(files.is_readable_file(folder / "node_modules" / name / "package.json") for folder in candidates)


def _locked(folder: Path) -> frozenset[str]:
    return _lock_names(folder, _stamp(folder))


def _stamp(folder: Path) -> tuple[int, ...]:
    names = (*_LOCKS, ".npmrc", ".yarnrc.yml")
    stamps = []
    for name in names:
        try:
            stamps.append((folder / name).stat().st_mtime_ns)
        except OSError:
            stamps.append(-1)
    return tuple(stamps)


@functools.lru_cache(maxsize=32)
def _lock_names(folder: Path, _stamp: tuple[int, ...]) -> frozenset[str]:
    names: set[str] = set()
    for lock, parse in _LOCKS.items():
        try:
            source = files.read_bounded(folder / lock, files.MAX_LOCK_BYTES, within=folder)
        except OSError:
            continue
        names.update(requirement.name.lower() for requirement in parse(source))
    return frozenset(names)


@functools.lru_cache(maxsize=32)
def _private(folder: Path, _stamp: tuple[int, ...]) -> Private:
    everything, scopes = False, set[str]()
    npmrc = _read(folder / ".npmrc")
    for match in _NPMRC_REGISTRY.finditer(npmrc):
        public = match.group("url").rstrip("/").startswith(_PUBLIC_REGISTRIES)
        if match.group("scope"):
            scopes.update(() if public else (match.group("scope").lower(),))
        elif not public:
            everything = True
    yarnrc = _read(folder / ".yarnrc.yml")
    server = _YARNRC_SERVER.search(yarnrc)
    everything |= server is not None and not server.group("url").rstrip("/").startswith(_PUBLIC_REGISTRIES)
    if "npmScopes:" in yarnrc:
        block = yarnrc.split("npmScopes:", 1)[1]
        scopes.update("@" + m.group("scope").lower() for m in _YARNRC_SCOPE.finditer(block))
    return Private(everything, frozenset(scopes))


def _served_privately(name: str, private: Private) -> bool:
    return private.everything or (name.startswith("@") and name.split("/")[0] in private.scopes)


def _read(path: Path) -> str:
    try:
        return files.read_text_bounded(path, _MAX_CONFIG, within=path.parent)
    except OSError:
        return ""
