"""Everything the dependency rules ask about one file, computed once and shared by all of them.

A *subject* is a package named at a byte range: an import of a third-party module (with the
distribution it comes from, and how that was decided) or a requirement on a manifest line.
An import is first-party (`_layout`), declared, installed only as a requirement of a declared
package (*transitive*: the environment's `Requires-Dist`, else PyPI's, bundled in
`data/requires.json`; extras the manifest asks for are followed), or undeclared. The environment (`_environment`) is read when the project has
one. The settings in force are the engine's `dependencies` options (see `server/config.py:
build_engine`) overlaid by settings written in the file itself: a PEP 723 script's
`[tool.vetline.dependencies]`, or a manifest's own table when the engine carries none.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from .. import walk
from ..aicontext import _mcp
from ..context import FileContext
from ..languages import is_javascript
from . import _data, _environment, _imports, _js_imports, _layout, _names, _npm_presence, bundled
from ._data import Settings
from ._environment import Environment
from ._js_locks import parse_pnpm_lock, parse_yarn_lock
from ._js_module_roots import resolves_locally
from ._manifests import Requirement, parse_package_json, parse_package_lock, parse_pipfile_lock, parse_requirements
from ._project import Project, project_for, project_settings
from ._toml_manifests import TomlManifest, parse_pyproject, parse_script, parse_toml_lock
from ._typosquat import Squats, squats

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Distribution names an import name is often published under (`import foo` from `python-foo`).
_IMPORT_VARIANTS = ("{}", "python-{}", "{}-python", "py{}", "py-{}", "django-{}", "flask-{}", "{}-py")
_SETUP_PY_IMPLIED = frozenset({"setuptools", "wheel"})
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
    installed: bool = False  # present in the project's environment
    via: str | None = None  # the declared distribution that requires it (a transitive import)
    chain: tuple[str, ...] = ()  # the distributions between `via` and this one (`flask` via `werkzeug`)
    how: str = ""  # how the distribution was found, for messages ("the metadata installed in .venv", ...)
    optional: bool = False  # an import guarded by `except ImportError`

    def written(self, source: bytes) -> str:
        """The name as the file spells it (before normalisation)."""
        return source[self.start : self.end].decode("utf-8", "replace")


@dataclass
class Facts:
    settings: Settings
    project: Project
    script: TomlManifest | None = None
    environment: Environment | None = None
    subjects: list[Subject] = field(default_factory=list)
    undeclared: list[tuple[_imports.Import | _js_imports.JsImport, Subject]] = field(default_factory=list)
    transitive: list[tuple[_imports.Import, Subject]] = field(default_factory=list)
    npm: _js_imports.JsProject | None = None  # the npm project of a JS file or package.json
    _memo: dict[Any, Any] = field(default_factory=dict)

    def chosen(self) -> Iterator[Subject]:
        """The subjects the project chose itself: no lock entries, no allow-listed names."""
        for subject in self.subjects:
            if not subject.locked and subject.name not in self.settings.allow:
                yield subject

    def unknown_requirements(self) -> tuple[str, ...]:
        """Declared distributions whose own requirements vetline cannot read: not installed in the
        environment and not in the bundled table. An undeclared import may come through them."""
        if "unknown requirements" not in self._memo:
            declared = (
                {_names.normalize(r.name) for r in self.script.requirements} if self.script else self.project.declared
            )
            table = bundled.requires()
            self._memo["unknown requirements"] = tuple(
                sorted(
                    name
                    for name in declared
                    if name not in table and not (self.environment is not None and self.environment.installed(name))
                )
            )
        return self._memo["unknown requirements"]

    def manifests(self) -> str:
        """The project's manifests by name, for messages ("requirements.txt, pyproject.toml")."""
        if self.script is not None:
            return "the script's `# /// script` block"
        if "manifests" not in self._memo:
            names = sorted({Path(f).name for f in self.project.declared_in.values()})
            self._memo["manifests"] = ", ".join(names) or "the project's manifests"
        return self._memo["manifests"]

    # The data views below are looked up once per file, whatever the number of imports.
    def popular(self, ecosystem: str) -> Squats:
        """Typosquat tables over the popular names of `ecosystem`."""
        key = ("squats", ecosystem)
        if key not in self._memo:
            self._memo[key] = squats(_data.popular(self.settings, ecosystem))
        return self._memo[key]

    def index(self) -> _data.Index | None:
        """The registry index and where it comes from, or None when there is none."""
        if "index" not in self._memo:
            self._memo["index"] = _data.index(self.settings)
        return self._memo["index"]

    def registered(self, name: str) -> bool:
        """True when the index lists `name` (memoised: a file names a package many times)."""
        key = ("registered", name)
        if key not in self._memo:
            index = self.index()
            self._memo[key] = index is None or name in index.names
        return self._memo[key]

    def imitated(self, subject: Subject) -> str | None:
        """The popular package `subject` imitates (typosquat-package), or None when it is trusted.

        Declared-and-installed packages and imports a real distribution provides never imitate.
        """
        if subject.installed and subject.declared:
            return None
        if subject.module is None or subject.ecosystem == "npm":  # an npm import names its package itself
            return self.popular(subject.ecosystem).target(subject.name)
        if subject.mapped or subject.via is not None or subject.module.startswith("_"):
            return None  # a real distribution provides it, or a private C module
        # An optional import (`except ImportError`) is still checked: whoever turns the feature on installs it.
        # `import bidi` is how `python-bidi` is imported: prefixes are no evidence on import lines
        return self.popular(subject.ecosystem).target(subject.name, affixes=False)

    def unregistered(self, subject: Subject) -> bool:
        """True when the registry (or the bundled snapshot) has no project for `subject` (unknown-package)."""
        if subject.ecosystem != "PyPI" or subject.installed or self.index() is None:
            return False  # declared and installed: real, whatever the snapshot's age
        if subject.module is None:  # a URL or path requirement does not come from the index
            return not (subject.requirement is not None and subject.requirement.direct) and not self.registered(
                subject.name
            )
        if subject.declared or subject.mapped or subject.via or subject.optional or subject.module.startswith("_"):
            return False  # declared ones are checked on their manifest line; `_private` modules are no project names
        key = ("import registered", subject.module)
        if key not in self._memo:  # `backports.asyncio.runner.Runner`: any of its candidate projects
            candidates = dict.fromkeys((subject.name, *_names.distributions(subject.module)))
            self._memo[key] = any(self.registered(p.format(c)) for c in candidates for p in _IMPORT_VARIANTS)
        return not self._memo[key]

    def npm_unknown(self, subject: Subject, path: str) -> NpmUnknown | None:
        """Why an npm name may not exist (absent from the snapshot, or the registry's 404), or None."""
        if subject.module is not None and subject.declared:
            return None  # checked on its package.json line
        if subject.requirement is not None and _npm_presence.names_no_registry_package(subject.requirement.spec):
            return None
        answer = self.npm_answers().get(subject.name)
        if answer is not None and answer.exists:
            return None
        if subject.name in _js_imports.NODE_BUILTINS:
            return None  # npm holds these names (`fs@0.0.1-security`): nobody can register them
        scope = subject.name.split("/")[0] if subject.name.startswith("@") else None
        if bundled.npm_listed(subject.name) or (scope is not None and bundled.npm_scope_listed(scope)):
            return None  # an owned scope: nobody but its owner can publish a name in it
        npm = self.npm if self.npm is not None else _js_imports.project_for(path)
        if subject.name in npm.own or _npm_presence.local_evidence(subject.name, path, npm) is not None:
            return None
        return NpmUnknown(answer)

    def npm_answers(self) -> Any:
        if "npm answers" not in self._memo:
            self._memo["npm answers"] = _data.npm_answers(self.settings)
        return self._memo["npm answers"]

    def advisories(self) -> dict[tuple[str, str], list[Any]]:
        if "advisories" not in self._memo:
            self._memo["advisories"] = _data.advisories(self.settings)
        return self._memo["advisories"]


@dataclass(frozen=True)
class NpmUnknown:
    """An npm name no local evidence knows; `answer` is the registry's 404 when it was asked."""

    answer: _data.RegistryAnswer | None = None


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
        found = [
            i
            for i in _imports.imports(ctx.tree.root_node, walk.shared(ctx, _imports.IMPORTS_KEY))
            if not i.relative and i.top not in _imports.STDLIB
        ]
        if not found and script is None:
            return Facts(Settings.from_options(engine), Project())
        project = project_for(ctx.path)
        in_file = script.settings if script is not None else None
        facts = Facts(_layered(ctx, engine, project, in_file), project, script, _environment.find(project.folder))
        return _python(ctx, facts, found)
    if is_javascript(ctx.language):
        return _javascript(ctx, engine)
    requirements = _manifest_requirements(ctx)
    if not requirements:
        return Facts(Settings.from_options(engine), Project())
    own = _own_settings(ctx.source) if ctx.language == "toml" else None
    project = project_for(ctx.path)
    facts = Facts(_layered(ctx, engine, project, own), Project(), environment=_environment.find(project.folder))
    locked = PurePath(ctx.path).name in LOCK_FILES
    facts.subjects = [_manifest_subject(r, locked, facts.environment) for r in requirements]
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
    if PurePath(ctx.path).name == "setup.py":
        declared |= _SETUP_PY_IMPLIED  # the legacy build backend always provides them
    can_declare = script is not None or (
        project.has_manifest and not project.opaque and not _vendored(ctx.path, project)
    )
    local = _layout.first_party(ctx.path, project.folder)
    extras = {_names.normalize(r.name): r.extras for r in script.requirements} if script else project.extras
    provided = _environment.installed_by(facts.environment, declared, bundled.requires(), extras)
    resolved: dict[str, Subject | None] = {}  # one decision per module per file
    for found in imports:
        if found.top in local or _names.normalize(found.top) in project.own_names:
            continue
        if found.module not in resolved:
            resolved[found.module] = _resolve(found.module, declared, provided, facts.environment)
        decision = resolved[found.module]
        if decision is None:
            continue
        subject = dataclasses.replace(decision, start=found.start, end=found.end, optional=found.optional)
        facts.subjects.append(subject)
        if subject.declared or not can_declare or found.optional:
            continue
        (facts.transitive if subject.via else facts.undeclared).append((found, subject))
    if script is not None:
        facts.subjects.extend(_manifest_subject(r, False, facts.environment) for r in script.requirements)
    facts.subjects.sort(key=lambda s: s.start)
    return facts


# Folders holding copies of other projects (`datasette/vendored/pint`, `archivebox/vendor/django-taggit`).
VENDORED_FOLDERS = frozenset({"vendor", "vendored", "_vendor", "third_party"})


def _vendored(path: str, project: Project) -> bool:
    """True for a file of a project copied into this one: its imports are declared by that project, elsewhere.

    Such a file is still checked for typosquats and unknown names, as a loose file is.
    """
    if project.folder is None:
        return False
    try:
        below = Path(path).resolve().relative_to(project.folder.resolve()).parts[:-1]
    except (OSError, RuntimeError, ValueError):
        return False
    return bool(VENDORED_FOLDERS.intersection((project.folder.parent.name, *below)))


def _javascript(ctx: FileContext, engine: Any) -> Facts:
    """npm imports: declared in the nearest package.json, or the project's own (aliases, workspaces)."""
    assert ctx.tree is not None
    found = [] if _js_imports.is_bundled_library(ctx.source) else _js_imports.imports(ctx.language, ctx.tree.root_node)
    if not found:
        return Facts(Settings.from_options(engine), Project())
    npm = _js_imports.project_for(ctx.path)
    project = Project(folder=npm.folder, declared_npm=npm.declared, has_manifest=npm.folder is not None)
    facts = Facts(_layered(ctx, engine, project_for(ctx.path), None), project, npm=npm)
    for imported in found:
        if _js_imports.is_project_alias(npm, imported.specifier) or resolves_locally(
            ctx.path, npm.folder, imported.specifier
        ):
            continue
        declared = imported.package in npm.declared
        subject = Subject(imported.package, "npm", imported.start, imported.end, imported.specifier, declared, True)
        facts.subjects.append(subject)
        if not declared and npm.folder is not None:
            facts.undeclared.append((imported, subject))
    return facts


def _resolve(
    module: str, declared: frozenset[str], provided: dict[str, tuple[str, ...]], environment: Environment | None
) -> Subject:
    """Which distribution a third-party import comes from, and whether the project declares it."""
    from_environment = environment.distributions(module) if environment is not None else ()
    *known, guess = _names.distributions(module)  # the last candidate is the import name itself
    from_wheels = _bundled_providers(module)
    candidates = tuple(dict.fromkeys((*from_environment, *known, *from_wheels, guess)))
    top = module.split(".")[0]
    match = next((c for c in candidates if c in declared), None) or _dotted_declared(module, declared)
    match = match or _declared_alias(top, declared)
    if from_environment:
        how = f"the metadata installed in {environment.where}" if environment is not None else ""
    elif _names.is_mapped(module):
        how = "vetline's table of import names"
    elif from_wheels:
        how = "the import names of PyPI's wheels bundled with vetline"
    else:
        how = "its import name"
    name = match or next((c for c in candidates if c in provided), None) or candidates[0]
    chain = provided.get(name, ()) if match is None else ()
    return Subject(
        name,
        "PyPI",
        0,
        0,
        module,
        declared=match is not None,
        mapped=bool(from_environment) or _names.is_mapped(module) or bool(from_wheels),
        installed=environment is not None and environment.installed(name),
        via=chain[0] if chain else None,
        chain=chain[1:],
        how=how,
    )


def _bundled_providers(module: str) -> tuple[str, ...]:
    """The bundled distributions whose wheels install `module`'s top-level name (`argon2` -> `argon2-cffi`)."""
    top = module.split(".")[0]
    return () if top in _names.NAMESPACE_ROOTS else bundled.import_providers().get(top, ())


# Words that projects put around an import name in their distribution name (`django-crispy-forms`).
_AFFIXES = frozenset(
    {
        "python",
        "py",
        "django",
        "flask",
        "drf",
        "pytest",
        "sphinxcontrib",
        "fastapi",
        "types",
        "binary",
        "client",
        "sdk",
        "api",
        "lib",
        "official",
        "djangorestframework",
        "aio",
    }
)


def _dotted_declared(module: str, declared: frozenset[str]) -> str | None:
    """A declared distribution named after a dotted import (`zipstream.ng` from `zipstream-ng`)."""
    parts = module.split(".")
    dotted = (_names.normalize("-".join(parts[:end])) for end in range(len(parts), 1, -1))
    return next((name for name in dotted if name in declared), None)


def _declared_alias(top: str, declared: frozenset[str]) -> str | None:
    """A declared distribution whose name is the import name plus affixes (`python-foo` for `import foo`,
    `django-crispy-forms` for `crispy_forms`, `djangorestframework-simplejwt` for `rest_framework_simplejwt`)."""
    bare = _names.normalize(top)
    words, joined = bare.split("-"), bare.replace("-", "")
    for name in sorted(declared):
        tokens = name.split("-")
        if len(words) > 1 and len(tokens) > len(words) and words in (tokens[: len(words)], tokens[-len(words) :]):
            return name  # `superset_core` from `apache-superset-core`
        if len(tokens) == 2 and tokens[1] == bare and len(bare) >= 6:
            return name  # an owner's prefix: `opengraph` from `topicaxis-opengraph`
        for start in range(len(tokens) - len(words) + 1):
            if tokens[start : start + len(words)] == words and _AFFIXES.issuperset(
                tokens[:start] + tokens[start + len(words) :]
            ):
                return name
        flat = name.replace("-", "")
        if (
            flat == joined
            or any(flat in (affix + joined, joined + affix) for affix in _AFFIXES)
            or flat == "py" + joined
        ):
            return name  # `nodesemver` from `node-semver`
    extension = _rest_framework_extension(bare)
    aliased = _declared_alias(extension, declared) if extension else None
    if aliased is not None:
        return aliased  # `rest_access_policy` from `drf-access-policy`
    return next((name for name in sorted(declared) if _abbreviates(joined, _without_affixes(name))), None)


def _rest_framework_extension(bare: str) -> str | None:
    """`access-policy` for `rest-access-policy` or `drf-access-policy`: Django REST framework extensions
    are imported as `rest_*`/`drf_*` and published as `drf-*` or `djangorestframework-*`."""
    first, _, rest = bare.partition("-")
    return rest if first in ("rest", "drf") and rest else None


def _without_affixes(name: str) -> str:
    """`activitystream` for `django-activity-stream`: the name's words after its leading affixes, joined."""
    tokens = name.split("-")
    while len(tokens) > 1 and tokens[0] in _AFFIXES:
        tokens = tokens[1:]
    return "".join(tokens)


def _abbreviates(joined: str, flat: str) -> bool:
    """`paypalcheckoutsdk` for `paypal-checkout-serversdk`, `actstream` for `django-activity-stream` (after
    `_without_affixes`): same first three letters, the import's letters in order,
    and whole words left out (at least 3 letters: a typo's missing letter never counts)."""
    if len(joined) < 6 or flat[:3] != joined[:3] or len(joined) * 2 < len(flat) or len(flat) - len(joined) < 3:
        return False
    letters = iter(flat)
    return all(char in letters for char in joined)


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
    if ctx.language == "json" and (client := _mcp.client_for(ctx.path, ctx.source)) is not None:
        return _mcp_requirements(ctx.source, client)
    return []


def _mcp_requirements(source: bytes, client: _mcp.Client) -> list[Requirement]:
    """The npm and PyPI packages an MCP configuration's servers launch (`npx -y pkg`, `uvx pkg`)."""
    found = []
    for server in _mcp.servers(source, client):
        launched = _mcp.package(server)
        if launched is None or launched.ecosystem == "docker" or _mcp.is_local(launched):
            continue
        name, start, end = _mcp.package_name(launched)
        if name:
            found.append(Requirement(name, launched.ecosystem, start, end))
    return found


def _manifest_subject(requirement: Requirement, locked: bool, environment: Environment | None = None) -> Subject:
    pypi = requirement.ecosystem == "PyPI"
    key = _names.normalize(requirement.name) if pypi else requirement.name.lower()
    installed = pypi and environment is not None and environment.installed(key)
    how = f"declared here and installed in {environment.where}" if installed and environment else ""
    return Subject(
        key,
        requirement.ecosystem,
        requirement.start,
        requirement.end,
        requirement=requirement,
        locked=locked,
        declared=True,
        installed=installed,
        how=how,
    )


def import_name(distribution: str) -> str:
    """The module a distribution is imported as (`pyyaml` -> `yaml`), for import-line fixes."""
    return _names.import_name(distribution)
