"""A package name one typo away from a popular project: the classic typosquat, on imports and manifests."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from . import bundled
from ._facts import Facts, Subject, facts, import_name


def find_typosquats(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    found = []
    for subject in known.chosen():
        target = known.imitated(subject)
        if target is not None and not _optional_submodule(ctx, subject):
            found.append(_finding(ctx, known, subject, target))
    return found


def _finding(ctx: FileContext, known: Facts, subject: Subject, target: str) -> Finding:
    written = subject.written(ctx.source)
    if subject.module is not None and subject.ecosystem == "npm":  # `"expresss/lib/x"`: the package part
        replacement, where = target, "import"
        edits: tuple[Edit, ...] = (Edit(subject.start, subject.start + len(subject.name.encode()), target),)
    elif subject.module is not None:  # an import line: rename the top-level module (and its uses)
        top, replacement, where = subject.module.split(".")[0], import_name(target), "import"
        edits = (
            Edit(subject.start, subject.start + len(top.encode()), replacement),
            *_uses(ctx, subject, top, replacement),
        )
    else:
        replacement, where = target, "package"
        edits = (Edit(subject.start, subject.end, target),)
    message = (
        f"{where.capitalize()} `{written}` is one typo away from `{target}`, {_standing(subject.ecosystem, target)}; "
        f"`{subject.name}` is not itself a popular name{_why_not_trusted(known, subject)}. "
        "Typosquatted packages run the attacker's code at install and import time." + _optional_note(subject)
    )
    fix = Fix(f"Replace with `{replacement}`", edits, safe=False) if _fix_checks(subject, target, replacement) else None
    confidence = Confidence.LOW if subject.optional else None  # a fallback is often a real, rarer alternative
    return make_finding(
        RULE, ctx, subject.start, subject.end, message=message, fix=fix, data={"target": target}, confidence=confidence
    )


def _optional_submodule(ctx: FileContext, subject: Subject) -> bool:
    """`try: from stats.models import X`: an optional edition's or plugin's own app, not a mistyped package."""
    return subject.optional and subject.module is not None and "." in subject.written(ctx.source)


def _optional_note(subject: Subject) -> str:
    if not subject.optional:
        return ""
    return (
        " The import is optional (`except ImportError`), so the program runs without it, but whoever turns the"
        " feature on installs this name."
    )


def _standing(ecosystem: str, target: str) -> str:
    rank = bundled.rank(ecosystem, target)
    part = "popular-npm" if ecosystem == "npm" else "popular-pypi"
    if rank is None:
        return "a popular package of the configured list"
    return f"the #{rank + 1} most downloaded {ecosystem} package (bundled list of {bundled.as_of(part)})"


def _why_not_trusted(known: Facts, subject: Subject) -> str:
    if subject.module is not None:
        return ", no known distribution provides this import" + (
            "" if subject.installed else ", and it is not installed"
        )
    if known.environment is None:
        return " and no environment shows it installed"
    return f" and it is not installed in {known.environment.where}"


def _fix_checks(subject: Subject, target: str, replacement: str) -> bool:
    """Offer the rename only when the bundled data confirms the replacement's names."""
    if subject.ecosystem != "PyPI":
        return True  # the popular list named it, as npm spells it
    exists = bundled.pypi_exists(target) or bundled.rank("PyPI", target) is not None
    if subject.module is None:
        return exists
    return exists and (replacement != target.replace("-", "_") or "-" not in target)


def _uses(ctx: FileContext, subject: Subject, top: str, replacement: str) -> list[Edit]:
    """After a plain `import reqeusts`, the code says `reqeusts.get(...)`: rename those too."""
    assert ctx.tree is not None
    named = ctx.tree.root_node.descendant_for_byte_range(subject.start, subject.end)
    while named is not None and named.type in ("identifier", "dotted_name"):
        named = named.parent
    statement = named
    if statement is None or statement.type != "import_statement":
        return []  # `from x import y` and `import x as y` keep their local names
    edits, stack, wanted = [], [ctx.tree.root_node], top.encode()
    while stack:
        node = stack.pop()
        if node.type in ("import_statement", "import_from_statement"):
            continue
        if node.type == "identifier" and node.text == wanted:
            edits.append(Edit(node.start_byte, node.end_byte, replacement))
        stack.extend(node.children)
    return edits


RULE = Rule(
    id="typosquat-package",
    title="Package name imitates a popular package",
    category=Category.DEPENDENCIES,
    cwe=(829, 1357),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python", "pip-requirements", "toml", "json", "javascript", "typescript", "typescriptreact"}),
    scan=find_typosquats,
    fixable=True,
    message="The package name is one typo away from a popular package.",
    docs="""## Why is this bad?
Attackers publish packages whose names are one keystroke away from popular ones (`reqeusts`,
`python-requests`, `beautifulsoup`, `pyyaml` vs `yaml`) and wait for a typo, a copied snippet
or an AI assistant to install them. The package's setup code and import-time code run with
the developer's or CI's credentials.

vetline flags a name within one edit (insertion, deletion, substitution or a swap of
neighbouring letters), a separator change (`scikitlearn`) or a `python-`/`py` prefix or
suffix confusion (on manifest lines: import names routinely drop `python-`, as `import bidi`
does for `python-bidi`) of one of the 5,000 most downloaded packages, when the name is not itself
popular (any of the ~15,000 ranked names: a legitimate near-name such as `tblib` or
`grequests` is decided by that data, not a hand list). It never fires on a package that is
both declared and installed in the project's environment, on an import that the environment
or vetline's import table maps to a real distribution (`import django_filters` is
`django-filter`, `import mysql.connector` is `mysql-connector-python`) or that is how a ranked
project is imported once its `python3-`/`python-`/`py-` prefix or `-python`/`-py` suffix is
dropped (`import openid` is `python3-openid`, not `open3d`), nor on first-party
modules or private `_modules` (C extensions such as `_zstd`: no PyPI name starts with `_`).
Optional imports (inside `try: ... except ImportError:`) are checked too, at low confidence: the
program runs without them, and such a fallback is often a real but rarer alternative, yet
whoever turns the feature on runs `pip install` on the name as written. An optional import of
a sub-module (`from stats.models import Stat` in a `try`) is not reported: that is how code
reaches the apps of an edition or plugin that is not in the tree. Single files outside any
project are checked too. Popular names come from the
bundled lists (PyPI and npm, dated in `vetline data status`) and, when configured, the
`popular` source of `[tool.vetline.dependencies]`. Names in `allow` are trusted.

The fix renames an import to the real package's import name (`python-dateutil` is imported
as `dateutil`) and a manifest entry to its distribution name; it is offered only when the
bundled data confirms those names.

## How to fix
Use the name of the package you meant. If the name really is the package you want, add it to
`allow` in `[tool.vetline.dependencies]`.

## Fix safety
Unsafe: it changes which package is installed and imported; review the replacement.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/829.html",
        "https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-03-Dependency-Chain-Abuse",
        "https://github.com/DataDog/guarddog",
    ),
    examples="""
# /// script
# dependencies = []
# ///
# ruleid: typosquat-package
import reqeusts
# ruleid: typosquat-package
from beautifulsop4 import BeautifulSoup
# ruleid: typosquat-package
import numpyy as np
# ruleid: typosquat-package
from python_dateutils import parser as dateparser
# ok: typosquat-package
import requests
# ok: typosquat-package
from bs4 import BeautifulSoup
# ok: typosquat-package
import numpy as np
# ok: typosquat-package
import os.path
# ok: typosquat-package
from . import models
# ok: typosquat-package
import mongo
# ok: typosquat-package
from openid.consumer import consumer
try:
    # ruleid: typosquat-package
    import reqests
except ImportError:
    reqests = None
try:
    # ok: typosquat-package
    from stats.models import Stat
except ImportError:
    Stat = None
try:
    # ok: typosquat-package
    import ujson as json
except ImportError:
    import json
""",
)
