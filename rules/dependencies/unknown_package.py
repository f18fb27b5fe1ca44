"""A package that does not exist on the registry: an AI hallucination anyone can register."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ._facts import Subject, facts


def find_unknown(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    names = known.index()
    if names is None:  # no index: skip quietly (noted once) rather than guess
        return []
    popular = known.popular("PyPI")
    found = []
    for subject in known.chosen():
        if not _checkable(subject) or known.registered(subject.name):
            continue
        if popular.target(subject.name) is not None:
            continue  # typosquat-package reports it, with a better message
        found.append(_finding(ctx, subject))
    return found


def _checkable(subject: Subject) -> bool:
    if subject.ecosystem != "PyPI":
        return False
    # A declared import is checked on its manifest line; a mapped one names a real project.
    return subject.module is None or (not subject.declared and not subject.mapped)


def _finding(ctx: FileContext, subject: Subject) -> Finding:
    written = subject.written(ctx.source)
    if subject.module is not None:
        message = (
            f"No project named `{subject.name}` (for `import {written}`) exists in the package index: it may be "
            "hallucinated, and an attacker can register this name."
        )
        confidence = Confidence.MEDIUM  # the import name may differ from its project's name
    else:
        message = (
            f"`{written}` does not exist in the package index: it may be hallucinated, and an attacker can register "
            "this name."
        )
        confidence = Confidence.HIGH
    return make_finding(RULE, ctx, subject.start, subject.end, message=message, confidence=confidence)


RULE = Rule(
    id="unknown-package",
    title="Package not found in the registry (possibly hallucinated)",
    category=Category.DEPENDENCIES,
    cwe=(829, 1357),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python", "pip-requirements", "toml", "json", "javascript", "typescript", "typescriptreact"}),
    scan=find_unknown,
    message="The package does not exist in the registry: it may be hallucinated.",
    docs="""## Why is this bad?
AI assistants invent plausible package names (`huggingface-cli`, `flask-security-utils`).
Attackers watch for such names and register them ("slopsquatting"); the next `pip install`
runs their code. A name absent from the registry index today is exactly such a free name.

The check compares requirement names, and imports no manifest declares, with the registry's
project list: the `index` of `[tool.vetline.dependencies]` (a PEP 691 JSON project list or a
text file of names, as a local path; or a URL cached by `vetline data update`). Without an
index the check is skipped with one informational note; it never guesses. On import lines the
project name is derived from the import name, so those findings have medium confidence.
Names listed in `allow` (for example private packages) are never reported.

## How to fix
Find the real package that provides the functionality, or write it yourself. If the package
is private, add it to `allow` or to a private index.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/829.html",
        "https://peps.python.org/pep-0691/",
        "https://arxiv.org/abs/2406.10279",
    ),
    examples="""
# /// script
# dependencies = ["requests"]
# [tool.vetline.dependencies]
# index = ["requests", "numpy", "flask"]
# ///
# ruleid: unknown-package
import flask_ai_guard
# ruleid: unknown-package
from torch_utils_pro import trainer as t
# ok: unknown-package
import requests
# ok: unknown-package
import numpy as np
# ok: unknown-package
from json import loads
# ok: unknown-package
from .local import helper
""",
)
