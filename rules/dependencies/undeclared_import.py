"""A third-party import that no manifest of the project declares: unpinned, unvetted, installed by hand."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from ._declare import import_findings
from ._facts import Facts, Subject, facts


def find_undeclared(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    # a typosquat or a name missing from PyPI is reported by its own rule: installing it is the danger
    # (the engine keeps one dependency finding per import, which covers npm imports too)
    wanted = [(i, s) for i, s in known.undeclared if s.ecosystem != "PyPI" or not _reported_elsewhere(known, s)]
    python = [(i, s) for i, s in wanted if s.ecosystem == "PyPI"]
    npm = [(i, s) for i, s in wanted if s.ecosystem != "PyPI"]
    # When declared packages' requirements are unknown, an undeclared import may well come through them.
    confidence = Confidence.LOW if known.unknown_requirements() else None
    return [
        *import_findings(ctx, known, RULE, python, _message, confidence),
        *import_findings(ctx, known, RULE, npm, _message),
    ]


def _reported_elsewhere(known: Facts, subject: Subject) -> bool:
    return known.imitated(subject) is not None or known.unregistered(subject)


def _message(known: Facts, module: str, name: str, subject: Subject) -> str:
    """Say how the distribution was found and where vetline looked for a declaration."""
    if subject.ecosystem == "npm":
        return f"`{module}` is imported but `{name}` is not declared in package.json, so nobody vetted or pinned it."
    if known.script is not None:
        where = "the script's dependencies"
    else:
        where = known.manifests()
    package = "" if module.split(".")[0].lower() == name.lower() else f" (package `{name}`, per {subject.how})"
    unknown = known.unknown_requirements()
    if not unknown:
        return (
            f"`{module}`{package} is imported but not declared in {where}, and no declared package installs it, "
            "so nobody vetted or pinned it."
        )
    return (
        f"`{module}`{package} is imported but not declared in {where}, so nobody vetted or pinned it; "
        f"it may come in through {_named(unknown)}, whose requirements vetline cannot read here "
        "(not installed, not in its bundled table): point `VETLINE_PYTHON` at the project's environment to tell."
    )


def _named(names: tuple[str, ...]) -> str:
    shown = ", ".join(f"`{name}`" for name in names[:3])
    return shown + (f" and {len(names) - 3} more declared packages" if len(names) > 3 else "")


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

An import is fine when it is the standard library (Python 2 and removed modules too), first-party
(decided from the file tree: the project folder, `src/`, source roots declared in
`[tool.setuptools]` `package-dir`/`packages.find`, Poetry `packages`, Hatch, PDM, Flit,
`setup.cfg` or `setup.py`, folders holding a `manage.py`, namespace packages without
`__init__.py`, the importing file's own folder and its parents up to the project, and the
`lib/`, `libs/`, `vendor/`, `_vendor/` or `third_party/` folders beside them that scripts put on
`sys.path`), a
relative import, optional (inside `try: ... except ImportError:`), or declared:
`[project.dependencies]` and optional dependencies, `[dependency-groups]`, `[build-system]
requires`, Poetry tables, `requirements*.txt` (with `-r` includes), `setup.cfg`, `Pipfile`, a
literal `install_requires` in `setup.py` (when it computes them: the `*.egg-info/requires.txt`
or sdist `PKG-INFO` setuptools wrote), PDM's and uv's `dev-dependencies`, or a PEP 723
`# /// script` block. Each file is judged by its nearest project (a monorepo's projects each
by their own manifest; a `setup.cfg` or `pyproject.toml` holding only tool settings is not a
project; a folder holding only a `requirements*.txt`, such as `tests/`, belongs to the Python
project just above it as well). Code copied from another project into a `vendor/`,
`vendored/`, `_vendor/` or `third_party/` folder is not judged here (its imports are that
project's), only by `typosquat-package` and `unknown-package`. On JavaScript, a built library
copied into the project (a UMD/AMD wrapper or a webpack bundle, such as
`static/select2/select2.js`) names its own dependencies and is not held to `package.json`. Import names are
mapped to distributions (`yaml` is `PyYAML`, `django_filters` is `django-filter`) by the
project's environment (`.venv`, `venv`, `env`, `$VIRTUAL_ENV` or `VETLINE_PYTHON`: its
`*.dist-info` files are read, never run) and a built-in table; a declared `python-foo`,
`django-crispy-forms` or `apache-superset-core` provides `import foo`, `crispy_forms` and
`superset_core`, and `node-semver`, `zipstream-ng` or `django-activity-stream` provide
`nodesemver`, `zipstream.ng` and `actstream`. An import installed only because a declared package requires it is
`transitive-import` (low) instead (a declared framework plugin vetline knows nothing else about,
such as `django-sortedm2m` or `flask-foo`, counts as requiring its framework). When some declared
packages' requirements cannot be read (not installed in the environment, not in the bundled
table), the finding is low confidence and names them: the import may come in through them; a typosquat or a name missing from PyPI is reported by
`typosquat-package` or `unknown-package` alone, and an import carries one dependency finding,
the most severe (a denied package that is also undeclared is `denied-package`). Files outside
any project are not checked here, nor are projects whose `setup.py` computes its dependencies
and left no metadata.

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
try:
    import orjson as fast_json
except ImportError:
    # ok: undeclared-import
    import simplejson as fast_json
""",
)
