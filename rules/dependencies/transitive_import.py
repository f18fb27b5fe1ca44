"""An import the project uses directly but only gets because a declared package requires it."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import bundled
from ._declare import import_findings
from ._facts import Facts, Subject, facts
from ._imports import Import
from ._names import canonical, plugin_host


def find_transitive(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    first: dict[
        str, tuple[Import, Subject]
    ] = {}  # one finding per package and file: `from starlette.x import a` then `.y import b` is one fact
    for imported, subject in known.transitive:
        first.setdefault(subject.name, (imported, subject))
    return import_findings(ctx, known, RULE, first.values(), _message)


def _message(known: Facts, module: str, name: str, subject: Subject) -> str:
    via = canonical(subject.via or "")
    where = known.project.declared_in.get(subject.via or "", "")
    declared = f"declared in {where.rsplit('/', 1)[-1]}" if where else "declared"
    return (
        f"`{module}`{_package(module, name)} is installed only as a requirement of {_chain(known, subject)} "
        f"({declared}; per {_source(known, subject)}); "
        f"declare `{name}` directly so an upgrade of `{via}` cannot remove or change it under you."
    )


def _chain(known: Facts, subject: Subject) -> str:
    """`flask` via `werkzeug`; `Django[argon2]` when the project asks for extras."""
    root = subject.via or ""
    asked = known.project.extras.get(root, frozenset())
    declared = f"`{canonical(root)}[{','.join(sorted(asked))}]`" if asked else f"`{canonical(root)}`"
    between = " via " + " and ".join(f"`{canonical(name)}`" for name in subject.chain) if subject.chain else ""
    return declared + between


def _source(known: Facts, subject: Subject) -> str:
    root = subject.via or ""
    if known.environment is not None and known.environment.installed(root):
        return f"`Requires-Dist` in {known.environment.where}"
    if root not in bundled.requires() and (host := plugin_host(root)) is not None:
        return f"its name: a `{host}` plugin requires `{host}`"
    return f"PyPI's `Requires-Dist` of {bundled.requires_as_of()}, bundled with vetline"


def _package(module: str, name: str) -> str:
    return "" if module.split(".")[0].lower() == name.lower() else f" (`{name}`)"


RULE = Rule(
    id="transitive-import",
    title="Import provided only by another package's requirements",
    category=Category.DEPENDENCIES,
    cwe=(1357,),
    owasp=("A06:2021",),
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    languages=frozenset({"python"}),
    scan=find_transitive,
    fixable=True,
    message="The import is installed only because a declared package requires it.",
    docs="""## Why is this bad?
`import sqlalchemy` works in a project that declares only `sqlmodel`, because `sqlmodel`
requires it. The project now depends on a package it does not pin or review: a new
release of `sqlmodel` may drop the requirement or move to an incompatible version, and
the import breaks or changes behaviour without a change to the project's own manifest.
This is a maintenance risk more than a security one, hence low severity and confidence.

vetline reads the requirements from the project's environment when it has one (a `.venv`,
`venv` or `env` folder, `$VIRTUAL_ENV`, `VETLINE_PYTHON` or the editor setting
`vetline.pythonInterpreter`: the `Requires-Dist` lines of
each installed `*.dist-info/METADATA`, followed to any depth), else from the `Requires-Dist`
of popular PyPI projects bundled with vetline (`flask` installs `werkzeug`, `click`, `jinja2`,
...; `scripts/build_requires.py` regenerates it from the PyPI JSON API), else, for a framework
plugin known by neither, from its name (`django-sortedm2m` requires `django`, `flask-foo`
requires `flask`, `pytest-foo` requires `pytest`). Extras are expanded:
`Django[argon2]` installs `argon2-cffi`, so `import argon2` is such a note too. The message
names the chain: "installed only as a requirement of `flask` via `werkzeug`".

Reported once per package and file, on its first import.

## How to fix
Declare the package directly, with the version range your code needs.

## Fix safety
Unsafe: it adds a direct dependency; check the version constraint.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1357.html",
        "https://deptry.com/rules-violations/#transitive-dependencies-dep003",
    ),
    examples="""
# /// script
# dependencies = ["flask", "sqlmodel"]
# ///
# ruleid: transitive-import
from werkzeug.security import check_password_hash
# ruleid: transitive-import
import sqlalchemy
# ok: transitive-import
from flask import Flask
# ok: transitive-import
import sqlmodel
# ok: transitive-import
import os
# ok: transitive-import
from werkzeug.utils import secure_filename
""",
)
