"""Everything the dependency rules ask about one file, computed once and shared by all five.

A *subject* is a package named at a byte range: an import of a third-party module (with the
distribution it most likely comes from) or a requirement on a manifest line. The facts also
list undeclared imports and the settings in force, which are the engine's `dependencies`
options (see `server/config.py: build_engine`) overlaid by settings written in the file itself:
a PEP 723 script's `[tool.vetline.dependencies]`, or a manifest's own table when the engine
carries none.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ..context import FileContext
from ..languages import is_javascript
from . import _data, _imports, _js_imports, _names
from ._data import Settings
from ._js_locks import parse_pnpm_lock, parse_yarn_lock
from ._manifests import Requirement, parse_package_json, parse_package_lock, parse_pipfile_lock, parse_requirements
from ._project import Project, project_for, project_settings
from ._toml_manifests import TomlManifest, parse_pyproject, parse_script, parse_toml_lock
from ._typosquat import Squats, squats

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOCK_FILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock", "uv.lock", "Pipfile.lock"})
_CACHE_ATTRIBUTE = "_vetline_dependency_facts"  # memo on the FileContext: one computation per file


@dataclass(frozen=True)
class Subject:
    """A package named in the file, and the bytes that name it."""

    name: str  # normalised distribution name (npm: lower case)
    ecosystem: str  # "PyPI" or "npm"
    start: int
    end: int
    module: str | None = None  # the imported module, on import lines
    declared: bool = False  # an import some manifest declares
    mapped: bool = True  # False when the distribution is only guessed from the import name
    requirement: Requirement | None = None
    locked: bool = False  # a lock-file entry (transitive dependencies too)

    def written(self, source: bytes) -> str:
        """The name as the file spells it (before normalisation)."""
        return source[self.start : self.end].decode("utf-8", "replace")


@dataclass
class Facts:
    settings: Settings
    project: Project
    script: TomlManifest | None = None
    subjects: list[Subject] = field(default_factory=list)
    # with its distribution (npm: its package)
    undeclared: list[tuple[_imports.Import | _js_imports.JsImport, str]] = field(default_factory=list)
    _memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def judges_imports(self) -> bool:
        """Whether an import's name says which package it is: only inside a project or a script.

        Elsewhere (a loose file, an interpreter's own library) modules come from `sys.path`
        tricks vetline cannot see, so a name near a popular one is no evidence of a typosquat.
        """
        return self.script is not None or self.project.folder is not None

    def chosen(self) -> Iterator[Subject]:
        """The subjects the project chose itself: no lock entries, no allow-listed names, and
        imports only where their names say which package they are."""
        for subject in self.subjects:
            if subject.locked or subject.name in self.settings.allow:
                continue
            if subject.module is not None and not self.judges_imports:
                continue
            yield subject

    # The data views below are looked up once per file, whatever the number of imports.
    def popular(self, ecosystem: str) -> Squats:
        """Typosquat tables over the popular names of `ecosystem`."""
        key = ("squats", ecosystem)
        if key not in self._memo:
            self._memo[key] = squats(_data.popular(self.settings, ecosystem))
        return self._memo[key]

    def index(self) -> Any:
        """The registry index (`in` works on it), or None when there is none."""
        if "index" not in self._memo:
            self._memo["index"] = _data.index(self.settings)
        return self._memo["index"]

    def registered(self, name: str) -> bool:
        """True when the index lists `name` (memoised: a file names a package many times)."""
        key = ("registered", name)
        if key not in self._memo:
            self._memo[key] = name in self.index()
        return self._memo[key]

    def advisories(self) -> dict[tuple[str, str], list[Any]]:
        if "advisories" not in self._memo:
            self._memo["advisories"] = _data.advisories(self.settings)
        return self._memo["advisories"]


def facts(ctx: FileContext) -> Facts:
    """The (memoised) dependency facts of the file under analysis."""
    memo = vars(ctx).get(_CACHE_ATTRIBUTE)
    if memo is None:
        memo = _compute(ctx)
        vars(ctx)[_CACHE_ATTRIBUTE] = memo
    return memo


def _compute(ctx: FileContext) -> Facts:
    """Facts of one file; the project is looked up only when the file names a package at all."""
    engine = ctx.options.get("dependencies")
    if ctx.language == "python":
        assert ctx.tree is not None
        script = parse_script(ctx.source) if b"# /// script" in ctx.source else None
        found = [i for i in _imports.imports(ctx.tree.root_node) if not i.relative and i.top not in _imports.STDLIB]
        if not found and script is None:
            return Facts(Settings.from_options(engine), Project())
        project = project_for(ctx.path)
        in_file = script.settings if script is not None else None
        return _python(ctx, Facts(_layered(ctx, engine, project, in_file), project, script), found)
    if is_javascript(ctx.language):
        return _javascript(ctx, engine)
    requirements = _manifest_requirements(ctx)
    if not requirements:
        return Facts(Settings.from_options(engine), Project())
    own = _own_settings(ctx.source) if ctx.language == "toml" else None
    facts = Facts(_layered(ctx, engine, project_for(ctx.path), own), Project())
    locked = PurePath(ctx.path).name in LOCK_FILES
    facts.subjects = [_manifest_subject(r, locked) for r in requirements]
    return facts


def _layered(ctx: FileContext, engine: Any, project: Project, in_file: dict[str, Any] | None) -> Settings:
    layers: list[dict[str, Any]] = []
    if (own_project := project_settings(project.folder)) is not None:
        layers.append(own_project)
    if in_file:
        folder = Path(ctx.path).parent if ctx.path else None
        layers.append({**in_file, "root": str(folder) if folder else None})
    return _settings(engine, layers, own_project is not None)


def _settings(engine: Any, layers: list[dict[str, Any]], project_configured: bool) -> Settings:
    """Engine options, then the project's own table, then settings written in the file.

    Only configuration (the engine's or the project's) unlocks the download cache: settings
    written in an analysed file alone keep results independent of the machine.
    """
    if not layers:
        return Settings.from_options(engine)
    merged = dict(engine or {})
    for layer in layers:
        merged.update(layer)
    settings = Settings.from_options(merged)
    configured = engine is not None or project_configured
    return settings if configured else dataclasses.replace(settings, configured=False)


def _own_settings(source: bytes) -> dict[str, Any] | None:
    if b"[tool.vetline" not in source:
        return None
    try:
        document = tomllib.loads(source.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return None
    table = document.get("tool", {}).get("vetline", {}).get("dependencies")
    return dict(table) if isinstance(table, dict) else None


def _python(ctx: FileContext, facts: Facts, imports: list[_imports.Import]) -> Facts:
    project, script = facts.project, facts.script
    declared = frozenset(_names.normalize(r.name) for r in script.requirements) if script else project.declared
    can_declare = script is not None or (project.has_manifest and not project.opaque)
    folders = tuple(f for f in (Path(ctx.path).parent if ctx.path else None, project.folder) if f is not None)
    local = _imports.local_names((*folders, *(f / "src" for f in folders)))
    resolved: dict[str, tuple[str, bool, bool] | None] = {}  # one decision per module per file
    for found in imports:
        if found.top in local:
            continue
        if found.module not in resolved:
            resolved[found.module] = _resolve(found, declared, project.own_names)
        if (decision := resolved[found.module]) is None:
            continue
        name, is_declared, mapped = decision
        facts.subjects.append(Subject(name, "PyPI", found.start, found.end, found.module, is_declared, mapped))
        if not is_declared and can_declare and not found.optional:
            facts.undeclared.append((found, name))
    if script is not None:
        facts.subjects.extend(_manifest_subject(r, False) for r in script.requirements)
    facts.subjects.sort(key=lambda s: s.start)
    return facts


def _javascript(ctx: FileContext, engine: Any) -> Facts:
    """npm imports: declared in the nearest package.json, or the project's own (aliases, workspaces)."""
    assert ctx.tree is not None
    found = _js_imports.imports(ctx.language, ctx.tree.root_node)
    if not found:
        return Facts(Settings.from_options(engine), Project())
    npm = _js_imports.project_for(ctx.path)
    project = Project(folder=npm.folder, declared_npm=npm.declared, has_manifest=npm.folder is not None)
    facts = Facts(_layered(ctx, engine, project_for(ctx.path), None), project)
    for imported in found:
        if _js_imports.is_project_alias(npm, imported.specifier):
            continue
        declared = imported.package in npm.declared
        facts.subjects.append(
            Subject(imported.package, "npm", imported.start, imported.end, imported.specifier, declared, True)
        )
        if not declared and npm.folder is not None:
            facts.undeclared.append((imported, imported.package))
    return facts


def _resolve(found: _imports.Import, declared: frozenset[str], own: frozenset[str]) -> tuple[str, bool, bool] | None:
    """(distribution, declared?, mapped?) for a third-party import; None for the project itself."""
    if _names.normalize(found.top) in own:
        return None
    candidates = _names.distributions(found.module)
    match = next((c for c in candidates if c in declared), None) or _declared_alias(found.top, declared)
    return match or candidates[0], match is not None, match is not None or _names.is_mapped(found.module)


def _declared_alias(top: str, declared: frozenset[str]) -> str | None:
    """A declared `python-foo`, `py-foo`, `foo-python` or `pyfoo` that provides `import foo`."""
    bare = _names.normalize(top)
    for name in (f"python-{bare}", f"py-{bare}", f"{bare}-python", f"py{bare}", f"{bare}-py"):
        if name in declared:
            return name
    return None


def _manifest_requirements(ctx: FileContext) -> list[Requirement]:
    base = PurePath(ctx.path).name
    if ctx.language == "pip-requirements":
        return parse_requirements(ctx.source)
    if base in ("poetry.lock", "uv.lock"):
        return parse_toml_lock(ctx.source)
    if base == "Pipfile.lock":
        return parse_pipfile_lock(ctx.source)
    if ctx.language == "toml" and base != "Pipfile":
        return parse_pyproject(ctx.source).requirements
    if ctx.language == "json" and base == "package.json":
        return parse_package_json(ctx.source)
    if ctx.language == "json" and base == "package-lock.json":
        return parse_package_lock(ctx.source)
    if ctx.language == "yarn-lock":
        return parse_yarn_lock(ctx.source)
    if ctx.language == "pnpm-lock":
        return parse_pnpm_lock(ctx.source)
    return []


def _manifest_subject(requirement: Requirement, locked: bool) -> Subject:
    key = _names.normalize(requirement.name) if requirement.ecosystem == "PyPI" else requirement.name.lower()
    return Subject(
        key, requirement.ecosystem, requirement.start, requirement.end, requirement=requirement, locked=locked
    )


def import_name(distribution: str) -> str:
    """The module a distribution is imported as (`pyyaml` -> `yaml`), for import-line fixes."""
    reverse = {_names.normalize(dist): module for module, dist in _names.IMPORT_TO_DIST.items() if "." not in module}
    return reverse.get(distribution, re.sub(r"[-.]", "_", distribution))
