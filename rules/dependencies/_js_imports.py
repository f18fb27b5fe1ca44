"""What a JavaScript/TypeScript file imports, and which npm package each import names.

Static `import ... from "x"`, `export ... from "x"`, `require("x")` and dynamic `import("x")`
with a literal specifier. A specifier names no package when it is relative or absolute, a Node
built-in (`fs`, `node:fs`, `fs/promises`), a subpath import (`#internal`), a URL, or an alias of
the project (`tsconfig.json`/`jsconfig.json` `paths`, a folder under `baseUrl`, a workspace
package, the package's own name). Otherwise the package is the first segment, or the first two
for a scoped name (`@scope/pkg/sub` -> `@scope/pkg`).

The project is the nearest folder with a `package.json` (up to the repository root): its
`dependencies`, `devDependencies`, `peerDependencies` and `optionalDependencies` are declared,
and a workspace root's packages (npm/yarn `workspaces`, `pnpm-workspace.yaml`, lerna.json
`packages`) are its own.

A built library copied into the project (a UMD/AMD bundle such as `static/select2/select2.js`,
or a webpack bundle) imports its own dependencies, which its own package declared: such a file
names no package of this project (`is_bundled_library`).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import tree_sitter
from tree_sitter import Node

from .. import files, languages
from ..patterns import backtracking, linear

# `require("module").builtinModules` of Node 20, plus modules only reachable as `node:x`.
NODE_BUILTINS = frozenset(
    [
        "assert",
        "async_hooks",
        "buffer",
        "child_process",
        "cluster",
        "console",
        "constants",
        "crypto",
        "dgram",
        "diagnostics_channel",
        "dns",
        "domain",
        "events",
        "fs",
        "http",
        "http2",
        "https",
        "inspector",
        "module",
        "net",
        "os",
        "path",
        "perf_hooks",
        "process",
        "punycode",
        "querystring",
        "readline",
        "repl",
        "stream",
        "string_decoder",
        "sys",
        "timers",
        "tls",
        "trace_events",
        "tty",
        "url",
        "util",
        "v8",
        "vm",
        "wasi",
        "worker_threads",
        "zlib",
        "test",
        "sqlite",
        "sea",
    ]
)
DEPENDENCY_TABLES = ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies")
_QUERY = """
(import_statement source: (string (string_fragment) @spec))
(export_statement source: (string (string_fragment) @spec))
(call_expression function: (identifier) @fn (#eq? @fn "require") arguments: (arguments . (string (string_fragment) @spec)))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @spec)))
"""
_MAX_MANIFEST = 2_000_000  # bytes of a package.json/tsconfig read at most
_PACKAGE_NAME = linear(r"^(?:@[a-z0-9][\w.~-]*/)?[a-z0-9][\w.~-]*$", re.IGNORECASE)


@dataclass(frozen=True)
class JsImport:
    """One imported package: the specifier, the package it names, and the bytes of the specifier."""

    specifier: str
    package: str
    start: int
    end: int
    optional: bool = False  # the shape of `_imports.Import`, which the dependency rules share

    @property
    def module(self) -> str:
        return self.specifier


@dataclass(frozen=True)
class JsProject:
    """The npm project a file belongs to: its folder and what it declares and owns."""

    folder: Path | None = None
    declared: frozenset[str] = frozenset()
    own: frozenset[str] = frozenset()  # workspace packages and the package's own name
    aliases: tuple[str, ...] = ()  # `paths` prefixes (`@/`, `~/`, `@app/`) from tsconfig/jsconfig
    base_entries: frozenset[str] = frozenset()  # first-level names under `baseUrl`


# The wrappers a built library carries (`typeof define === "function" && define.amd`) and webpack's loader.
_BUNDLE_MARKER = linear(rb"\bdefine\.amd\b|\b__webpack_require__\b")


def is_bundled_library(source: bytes) -> bool:
    """True for a vendored, built library (UMD/AMD wrapper or webpack bundle), not the project's own code."""
    return _BUNDLE_MARKER.search(source) is not None


def package_of(specifier: str) -> str | None:
    """The npm package a specifier names, or None for built-ins, relative paths and URLs."""
    if not specifier or specifier.startswith((".", "/", "#", "node:", "data:", "http:", "https:", "file:", "virtual:")):
        return None
    parts = specifier.split("/")
    name = "/".join(parts[:2]) if specifier.startswith("@") and len(parts) > 1 else parts[0]
    if name in NODE_BUILTINS or not _PACKAGE_NAME.match(name):
        return None
    return name.lower()


def imports(ctx_language: str, root: Node) -> list[JsImport]:
    """Every package import of a parsed JavaScript/TypeScript file, in source order."""
    query = _query(ctx_language)
    if query is None:
        return []
    found: list[JsImport] = []
    for node in tree_sitter.QueryCursor(query).captures(root).get("spec", ()):
        specifier = (node.text or b"").decode("utf-8", "replace")
        package = package_of(specifier)
        if package is not None:
            found.append(JsImport(specifier, package, node.start_byte, node.end_byte))
    return sorted(found, key=lambda i: i.start)


def is_project_alias(project: JsProject, specifier: str) -> bool:
    """True when a specifier resolves inside the project (tsconfig paths, baseUrl, workspaces)."""
    if any(specifier == alias.rstrip("/") or specifier.startswith(alias) for alias in project.aliases):
        return True
    head = specifier.split("/")[0]
    if head in project.base_entries:
        return True
    package = package_of(specifier)
    return package is not None and package in project.own


@functools.lru_cache(maxsize=16)
def _query(language: str) -> tree_sitter.Query | None:
    grammar = languages.grammar(language)
    return tree_sitter.Query(grammar, _QUERY) if grammar is not None else None


def project_for(path: str) -> JsProject:
    """The npm project of a file: the nearest `package.json` up to the repository root."""
    if not path:
        return JsProject()
    start = Path(path).resolve().parent
    for folder in (start, *start.parents):
        if (folder / "package.json").is_file():
            return _project(folder, _stamp(folder))
        if (folder / ".git").exists():
            break
    return JsProject()


def _stamp(folder: Path) -> tuple[int, ...]:
    """Modification times of the files a project is read from, so an edit invalidates the cache."""
    names = ("package.json", *COMPILER_CONFIGS, "pnpm-workspace.yaml", "lerna.json")
    return tuple(_mtime(folder / name) for name in names)


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@functools.lru_cache(maxsize=64)
def _project(folder: Path, _stamp: tuple[int, ...]) -> JsProject:
    manifest = _read_json(folder / "package.json")
    declared = {name.lower() for table in DEPENDENCY_TABLES for name in _table(manifest, table)}
    name = manifest.get("name")
    own = {name.lower()} if isinstance(name, str) else set()
    own |= _workspace_names(folder, manifest)
    root = workspace_root(folder)
    if root is not None and root != folder:
        root_manifest = _read_json(root / "package.json")
        own |= _workspace_names(root, root_manifest)
        declared |= {name.lower() for table in DEPENDENCY_TABLES for name in _table(root_manifest, table)}
    aliases, base_entries = _compiler_paths(folder)
    return JsProject(folder, frozenset(declared), frozenset(own), aliases, base_entries)


def _table(manifest: dict[str, object], key: str) -> list[str]:
    table = manifest.get(key)
    return [name for name in table if isinstance(name, str)] if isinstance(table, dict) else []


def workspace_root(folder: Path) -> Path | None:
    """The nearest parent (up to the repository root) whose package.json declares workspaces."""
    for parent in folder.parents:
        if (
            (parent / "pnpm-workspace.yaml").is_file()
            or "workspaces" in _read_json(parent / "package.json")
            or "packages" in _read_json(parent / "lerna.json")
        ):
            return parent
        if (parent / ".git").exists():
            return None
    return None


def _workspace_names(root: Path, manifest: dict[str, object]) -> set[str]:
    """The `name` of every package matched by the root's workspace globs (one level of `*`)."""
    globs = manifest.get("workspaces")
    if isinstance(globs, dict):
        globs = globs.get("packages")
    patterns = [g for g in globs if isinstance(g, str)] if isinstance(globs, list) else []
    patterns += _pnpm_globs(root / "pnpm-workspace.yaml")
    lerna = _read_json(root / "lerna.json").get("packages")
    patterns += [g for g in lerna if isinstance(g, str)] if isinstance(lerna, list) else []
    names: set[str] = set()
    for pattern in patterns:
        if ".." in pattern or pattern.startswith("/"):
            continue  # a workspace outside the repository is not read
        for candidate in root.glob(pattern.rstrip("/")):
            name = _read_json(candidate / "package.json").get("name")
            if isinstance(name, str):
                names.add(name.lower())
    return names


def _pnpm_globs(path: Path) -> list[str]:
    """`packages:` list items of a pnpm-workspace.yaml (a tiny subset of YAML, enough for it)."""
    text = _read_text(path)
    globs, inside = [], False
    for line in text.splitlines():
        if line.strip().startswith("packages:"):
            inside = True
        elif inside and line.strip().startswith("- "):
            globs.append(line.strip()[2:].strip().strip("'\""))
        elif inside and line.strip() and not line.startswith((" ", "\t")):
            inside = False
    return globs


# Where TypeScript projects keep `compilerOptions`: Vite's template puts `paths` in tsconfig.app.json,
# which tsconfig.json only `references`; monorepos share a tsconfig.base.json.
COMPILER_CONFIGS = (
    "tsconfig.json",
    "jsconfig.json",
    "tsconfig.app.json",
    "tsconfig.base.json",
    "tsconfig.build.json",
    "tsconfig.lib.json",
    "tsconfig.dev.json",
)


def _compiler_paths(folder: Path) -> tuple[tuple[str, ...], frozenset[str]]:
    """`compilerOptions.paths` prefixes and the entries under `baseUrl` (or a catch-all `"*"` path),
    from the folder's tsconfig/jsconfig files."""
    aliases: set[str] = set()
    entries: set[str] = set()
    for name in COMPILER_CONFIGS:
        options = _read_json(folder / name, jsonc=True).get("compilerOptions")
        if not isinstance(options, dict):
            continue
        paths = options.get("paths")
        for key, targets in paths.items() if isinstance(paths, dict) else ():
            prefix = key.rstrip("*") if isinstance(key, str) else ""
            if prefix:
                aliases.add(prefix)
            elif isinstance(targets, list):  # `"*": ["./*"]`: a bare name is first looked up in that folder
                entries |= {e for t in targets if isinstance(t, str) for e in _entries(folder, t.rstrip("*"))}
        base = options.get("baseUrl")
        if isinstance(base, str):
            entries |= _entries(folder, base)
    return tuple(sorted(aliases)), frozenset(entries)


def _entries(folder: Path, relative: str) -> set[str]:
    """The module names (files without extension, folders) in `folder/relative`, inside `folder` only."""
    if ".." in relative or relative.startswith(("/", "\\")):
        return set()
    try:
        target = folder / relative
        names = [p.name for p in target.iterdir()] if target.is_dir() else []
    except OSError:
        return set()
    # `playwright.config.ts` is imported as `playwright.config`; `utils.ts` and `utils/` as `utils`
    return {n.split(".")[0] for n in names} | {n.rsplit(".", 1)[0] for n in names}


def _read_text(path: Path) -> str:
    """A manifest's text through the shared bounded reader; empty for a FIFO, a device, a link
    out of its folder, a missing or oversized file."""
    try:
        return files.read_text_bounded(path, _MAX_MANIFEST, within=path.parent)
    except OSError:
        return ""


def _read_json(path: Path, jsonc: bool = False) -> dict[str, object]:
    text = _read_text(path)
    if not text:
        return {}
    try:
        value = json.loads(strip_json_comments(text) if jsonc else text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# Every alternative consumes what it starts (an unterminated string or comment runs to the end of
# its line or the text), so the scan is linear on any input.
_JSONC_TOKENS = backtracking(
    r'"(?:[^"\\\n]|\\.)*(?:"|(?=\n)|\Z)|//[^\n]*|/\*(?:[^*]|\*(?!/))*(?:\*/|\Z)|,(?=\s*[}\]])',
    why="each alternative starts on a different character and its look-aheads read one character, or the white space up to the next comma",
)


def strip_json_comments(text: str) -> str:
    """JSON with comments and trailing commas (tsconfig's dialect) as plain JSON."""
    return _JSONC_TOKENS.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
