"""The quick fix shared by the import rules: declare a distribution where the project declares the others.

A PEP 723 script gets it in its `dependencies` array; a project in `[project.dependencies]` or
Poetry's table of its pyproject.toml when that is where it declares things, else in its
requirements file (an edit of another file, relative to the analysed one). No fix is offered
for a name that imitates a popular package or that the registry index does not list.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from .. import files
from ..context import FileContext
from ..engine import make_finding
from ..model import Confidence, Edit, Finding, Fix, Rule
from ._facts import Facts, Subject
from ._imports import Import
from ._js_imports import JsImport
from ._names import canonical, normalize
from ._toml_manifests import insert_item, parse_pyproject

Message = Callable[[Facts, str, str, Subject], str]  # (facts, module, distribution, subject) -> message


def import_findings(
    ctx: FileContext,
    known: Facts,
    rule: Rule,
    imports: Iterable[tuple[Import | JsImport, Subject]],
    message: Message,
    confidence: Confidence | None = None,
) -> list[Finding]:
    """One finding per import, each with the fix that declares its distribution (computed once per name)."""
    found = []
    fixes: dict[str, Fix | None] = {}
    for imported, subject in imports:
        pypi = subject.ecosystem == "PyPI"
        name = canonical(subject.name) if pypi else subject.name
        if name not in fixes:  # npm: no fix, `npm install` edits the lock file too
            fixes[name] = declare_fix(ctx, known, name) if pypi else None
        text = message(known, imported.module, name, subject)
        data = {"package": name, **({"via": subject.via} if subject.via else {})}
        found.append(
            make_finding(
                rule, ctx, imported.start, imported.end, message=text, fix=fixes[name], data=data, confidence=confidence
            )
        )
    return found


def declare_fix(ctx: FileContext, known: Facts, name: str) -> Fix | None:
    """Declare `name` where the project declares things; never for a look-alike of a popular name."""
    if known.popular("PyPI").target(normalize(name)) is not None:
        return None
    if known.index() is not None and not known.registered(normalize(name)):
        return None  # never offer to install a name the registry does not have (unknown-package)
    if known.script is not None and known.script.array is not None:
        position, text = insert_item(ctx.source, known.script.array, name, prefix=b"#")
        return Fix(f"Add `{name}` to the script's dependencies", (Edit(position, position, text),), safe=False)
    project = known.project
    if project.pyproject is not None and (project.declared or project.requirements is None):
        return _pyproject_fix(ctx, project.pyproject, name)
    if project.requirements is not None:
        existing = _read(project.requirements)
        text = ("\n" if existing and not existing.endswith(b"\n") else "") + name + "\n"
        edit = Edit(-1, -1, text, path=_relative(ctx, project.requirements))
        return Fix(f"Add `{name}` to {project.requirements.name}", (edit,), safe=False)
    return None


def _pyproject_fix(ctx: FileContext, path: Path, name: str) -> Fix | None:
    source = _read(path)
    manifest = parse_pyproject(source)
    relative = _relative(ctx, path)
    if manifest.array is not None:
        position, text = insert_item(source, manifest.array, name)
        return Fix(
            f"Add `{name}` to [project.dependencies]", (Edit(position, position, text, path=relative),), safe=False
        )
    if manifest.poetry_end is not None:
        edit = Edit(manifest.poetry_end, manifest.poetry_end, f'\n{name} = "*"', path=relative)
        return Fix(f"Add `{name}` to [tool.poetry.dependencies]", (edit,), safe=False)
    return None


def _read(manifest: Path) -> bytes:
    """The manifest the fix edits (a regular file of bounded size), empty when it cannot be read."""
    try:
        return files.read_bounded(manifest, files.MAX_MANIFEST_BYTES, within=manifest.parent)
    except OSError:
        return b""


def _relative(ctx: FileContext, target: Path) -> str:
    """`target` relative to the analysed file's folder as named (not resolved), as `Edit.path` expects."""
    return os.path.relpath(target, os.path.dirname(os.path.abspath(ctx.path))).replace(os.sep, "/")
