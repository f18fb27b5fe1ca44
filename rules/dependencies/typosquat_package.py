"""A package name one typo away from a popular project: the classic typosquat, on imports and manifests."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from ._facts import Subject, facts, import_name


def find_typosquats(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    found = []
    for subject in known.chosen():
        target = known.popular(subject.ecosystem).target(subject.name)
        if target is not None:
            found.append(_finding(ctx, subject, target))
    return found


def _finding(ctx: FileContext, subject: Subject, target: str) -> Finding:
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
        f"{where.capitalize()} `{written}` is one typo away from the popular package `{target}`; "
        "typosquatted packages run the attacker's code at install and import time."
    )
    fix = Fix(f"Replace with `{replacement}`", edits, safe=False)
    return make_finding(RULE, ctx, subject.start, subject.end, message=message, fix=fix, data={"target": target})


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
suffix confusion of a popular package, when the name is not itself popular. Import lines are
judged inside a project (a folder with a manifest) or a PEP 723 script, where imports name
packages; a loose file's imports may come from anywhere on `sys.path`. Popular names
come from the bundled list and, when configured, the `popular` source of
`[tool.vetline.dependencies]` (the top-pypi-packages format). Names in `allow` are trusted.

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
from beautifulsoup import BeautifulSoup
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
# `mongo` is a real if little-used project; the `py` prefix check cannot tell it from `pymongo`.
# todook: typosquat-package
import mongo
""",
)
