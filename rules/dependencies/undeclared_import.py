"""A third-party import that no manifest of the project declares: unpinned, unvetted, installed by hand."""

from __future__ import annotations

import os
from pathlib import Path

from ..context import FileContext
from ..engine import make_finding
from ..languages import is_javascript
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from ._facts import Facts, facts
from ._names import canonical, normalize
from ._toml_manifests import insert_item, parse_pyproject


def find_undeclared(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    found = []
    fixes: dict[str, Fix | None] = {}
    npm = is_javascript(ctx.language)
    for imported, normalized in known.undeclared:
        name = normalized if npm else canonical(normalized)
        where = "the script's dependencies" if known.script else "package.json" if npm else "the project's manifests"
        message = (
            f"`{imported.module}` is imported but `{name}` is not declared in {where}, so nobody vetted or pinned it."
        )
        if name not in fixes:
            fixes[name] = None if npm else _fix(ctx, known, name)  # npm: `npm install` edits the lock file too
        fix = fixes[name]
        found.append(
            make_finding(RULE, ctx, imported.start, imported.end, message=message, fix=fix, data={"package": name})
        )
    return found


def _fix(ctx: FileContext, known: Facts, name: str) -> Fix | None:
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
        existing = project.requirements.read_bytes() if project.requirements.is_file() else b""
        text = ("\n" if existing and not existing.endswith(b"\n") else "") + name + "\n"
        edit = Edit(-1, -1, text, path=_relative(ctx, project.requirements))
        return Fix(f"Add `{name}` to {project.requirements.name}", (edit,), safe=False)
    return None


def _pyproject_fix(ctx: FileContext, path: Path, name: str) -> Fix | None:
    source = path.read_bytes()
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


def _relative(ctx: FileContext, target: Path) -> str:
    """`target` relative to the analysed file's folder, as `Edit.path` expects."""
    return os.path.relpath(target, Path(ctx.path).resolve().parent).replace(os.sep, "/")


RULE = Rule(
    id="undeclared-import",
    title="Third-party import not declared as a dependency",
    category=Category.DEPENDENCIES,
    cwe=(1357,),
    owasp=("A06:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python", "javascript", "typescript", "typescriptreact"}),
    scan=find_undeclared,
    fixable=True,
    message="The import is not declared as a dependency of the project.",
    docs="""## Why is this bad?
An import that no manifest declares gets installed by hand, by a guess (`pip install
<import name>` installs whatever owns that name on PyPI, which is not always the project you
meant), or not at all. It escapes pinning, review, licence checks and vulnerability audits.
AI assistants add such imports silently.

An import is fine when it is the standard library, a local module (a relative import, or a
module or package next to the file, at the project root or under `src/`), optional (inside
`try: ... except ImportError:`), or declared: `[project.dependencies]` and optional
dependencies, `[dependency-groups]`, Poetry tables, `requirements*.txt` (with `-r`
includes), `setup.cfg`, `Pipfile`, or a PEP 723 `# /// script` block. Import names are mapped
to projects (`yaml` is `PyYAML`, `cv2` is `opencv-python`) by a built-in table and the
installed packages' metadata. Files outside any project are not checked, nor are projects
whose `setup.py` computes its dependencies.

## How to fix
Declare the dependency (with a version constraint) where the project declares the others.

## Fix safety
Unsafe: it adds a dependency that will be installed; check that the name is the project you
mean. No fix is offered for a name that imitates a popular package or is missing from the
registry index.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1357.html",
        "https://packaging.python.org/en/latest/specifications/declaring-project-metadata/",
        "https://peps.python.org/pep-0723/",
    ),
    examples="""
# /// script
# dependencies = ["requests", "PyYAML>=6", "python-dateutil"]
# ///
# ruleid: undeclared-import
import httpx
# ruleid: undeclared-import
from flask import Flask
# ruleid: undeclared-import
import numpy as np
# ok: undeclared-import
import requests
# ok: undeclared-import
import yaml
# ok: undeclared-import
from dateutil import parser as dateparser
# ok: undeclared-import
import os, json
# ok: undeclared-import
from . import models
try:
    # ok: undeclared-import
    import ujson as json_impl
except ImportError:
    json_impl = None
""",
)
