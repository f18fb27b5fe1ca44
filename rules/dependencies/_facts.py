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
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ..context import FileContext
from . import _imports, _names
from ._data import Settings
from ._manifests import Requirement, parse_package_json, parse_package_lock, parse_requirements
from ._project import Project, project_for, project_settings
from ._toml_manifests import TomlManifest, parse_pyproject, parse_script

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

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


@dataclass
class Facts:
    settings: Settings
    project: Project
    script: TomlManifest | None = None
    subjects: list[Subject] = field(default_factory=list)
    undeclared: list[tuple[_imports.Import, str]] = field(default_factory=list)  # with its distribution


def facts(ctx: FileContext) -> Facts:
    """The (memoised) dependency facts of the file under analysis."""
    memo = vars(ctx).get(_CACHE_ATTRIBUTE)
    if memo is None:
        memo = _compute(ctx)
        vars(ctx)[_CACHE_ATTRIBUTE] = memo
    return memo


def _compute(ctx: FileContext) -> Facts:
    folder = Path(ctx.path).parent if ctx.path else None
    layers: list[dict[str, Any]] = []
    project = project_for(ctx.path)
    if (own_project := project_settings(project.folder)) is not None:
        layers.append(own_project)
    if ctx.language == "python":
        script = parse_script(ctx.source) if b"# /// script" in ctx.source else None
        if script is not None and script.settings:
            layers.append({**script.settings, "root": str(folder) if folder else None})
        settings = _settings(ctx.options.get("dependencies"), layers, own_project is not None)
        return _python(ctx, Facts(settings, project, script))
    if ctx.language == "toml" and (own := _own_settings(ctx.source)) is not None:
        layers.append({**own, "root": str(folder) if folder else None})
    facts = Facts(_settings(ctx.options.get("dependencies"), layers, own_project is not None), Project())
    locked = PurePath(ctx.path).name == "package-lock.json"
    facts.subjects = [_manifest_subject(r, locked) for r in _manifest_requirements(ctx)]
    return facts


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


def _python(ctx: FileContext, facts: Facts) -> Facts:
    project, script = facts.project, facts.script
    declared = frozenset(_names.normalize(r.name) for r in script.requirements) if script else project.declared
    can_declare = script is not None or (project.has_manifest and not project.opaque)
    folders = tuple(f for f in (Path(ctx.path).parent if ctx.path else None, project.folder) if f is not None)
    folders += tuple(f / "src" for f in folders)
    assert ctx.tree is not None
    for found in _imports.imports(ctx.tree.root_node):
        if found.relative or found.top in _imports.STDLIB or _imports.is_local(found.module, folders):
            continue
        if _names.normalize(found.top) in project.own_names:
            continue
        candidates = _names.distributions(found.module)
        match = next((c for c in candidates if c in declared), None) or _declared_alias(found.top, declared)
        name = match or candidates[0]
        mapped = match is not None or _names.is_mapped(found.module)
        facts.subjects.append(Subject(name, "PyPI", found.start, found.end, found.module, match is not None, mapped))
        if match is None and can_declare and not found.optional:
            facts.undeclared.append((found, name))
    if script is not None:
        facts.subjects.extend(_manifest_subject(r, False) for r in script.requirements)
    facts.subjects.sort(key=lambda s: s.start)
    return facts


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
    if ctx.language == "toml" and base != "Pipfile":
        return parse_pyproject(ctx.source).requirements
    if ctx.language == "json" and base == "package.json":
        return parse_package_json(ctx.source)
    if ctx.language == "json" and base == "package-lock.json":
        return parse_package_lock(ctx.source)
    return []


def _manifest_subject(requirement: Requirement, locked: bool) -> Subject:
    key = _names.normalize(requirement.name) if requirement.ecosystem == "PyPI" else requirement.name.lower()
    return Subject(key, requirement.ecosystem, requirement.start, requirement.end, requirement=requirement, locked=locked)


def import_name(distribution: str) -> str:
    """The module a distribution is imported as (`pyyaml` -> `yaml`), for import-line fixes."""
    reverse = {_names.normalize(dist): module for module, dist in _names.IMPORT_TO_DIST.items() if "." not in module}
    return reverse.get(distribution, re.sub(r"[-.]", "_", distribution))
