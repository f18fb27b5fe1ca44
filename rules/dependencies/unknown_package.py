"""A package that does not exist on the registry: an AI hallucination anyone can register."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ._facts import Facts, Subject, facts


def find_unknown(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    index = known.index()
    if index is None:  # no index and no bundled snapshot: skip quietly (noted once) rather than guess
        return []
    found = []
    for subject in known.chosen():
        if known.unregistered(subject) and known.imitated(subject) is None:  # typosquat-package says it better
            found.append(_finding(ctx, known, subject, index.origin))
    return found


def _finding(ctx: FileContext, known: Facts, subject: Subject, origin: str) -> Finding:
    written = subject.written(ctx.source)
    as_of = origin.removeprefix("the PyPI snapshot of ")
    where = f"on PyPI (as of {as_of})" if as_of != origin else f"in {origin}"
    if subject.module is not None:
        message = (
            f"`{written}` is not {where}: no project `{subject.name}` (nor `python-{subject.name}` or similar), "
            "it is not first-party, declared or installed, and vetline's import table does not know it. "
            "It may be hallucinated, and anyone can register it."
        )
        confidence = Confidence.MEDIUM  # the import name may differ from its project's name
    else:
        message = f"`{written}` is not {where}: it may be hallucinated, and anyone can register it."
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

The check compares requirement names, and imports nothing else explains, with the registry's
project list. It works offline out of the box: the wheel bundles a snapshot of every PyPI
project name (dated; `vetline data status` shows it). A newer download by `vetline data
update` wins over the snapshot, and the `index` of `[tool.vetline.dependencies]` can name a
private list instead (a PEP 691 JSON project list or a text file of names, as a local path; or
a URL). A package that is declared and installed in the project's environment is never
reported, whatever the snapshot's age. On import lines the project name is derived from the
import name (and its usual `python-`/`py`/`django-` variants are tried), so those findings
have medium confidence; first-party, declared, installed, transitive, mapped and optional
(`except ImportError`) imports are not checked, nor are private `_modules`; a dotted import is
known when any of its candidate projects is (`backports.asyncio.runner`). Requirements taken
from a URL or a path (`name @ git+https://...`, Poetry `git`/`path`/`url` entries) do not come
from the index and are not looked up. Files outside any project are checked too.
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
