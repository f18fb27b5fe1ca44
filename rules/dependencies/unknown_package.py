"""A package that does not exist on the registry: an AI hallucination anyone can register."""

from __future__ import annotations

import urllib.parse

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from . import bundled
from ._facts import Facts, NpmUnknown, Subject, facts


def find_unknown(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    found = []
    for subject in known.chosen():
        if subject.ecosystem == "npm":
            verdict = known.npm_unknown(subject, ctx.path) if bundled.npm_names() is not None else None
            if verdict is not None and known.imitated(subject) is None:  # typosquat-package says it better
                found.append(_npm_finding(ctx, subject, verdict))
        elif known.unregistered(subject) and known.imitated(subject) is None:
            index = known.index()
            assert index is not None  # `unregistered` is False without an index
            found.append(_finding(ctx, known, subject, index.origin))
    return found


def _npm_finding(ctx: FileContext, subject: Subject, verdict: NpmUnknown) -> Finding:
    """A registry 404 is proof (high confidence); absence from the partial snapshot is a hint (low)."""
    written = subject.written(ctx.source)
    checked = "it is not installed in node_modules, in a lock file, a workspace package or served by a private registry"
    if subject.module is not None:
        checked = "it is not declared in package.json, " + checked.removeprefix("it is ")
    if verdict.answer is not None:
        host = urllib.parse.urlsplit(verdict.answer.registry).hostname or "the npm registry"
        message = (
            f"`{written}` does not exist on the npm registry ({host} answered 404 on {verdict.answer.day}) "
            f"and {checked}. It may be hallucinated, and anyone can register it."
        )
        return make_finding(RULE, ctx, subject.start, subject.end, message=message, confidence=Confidence.HIGH)
    message = (
        f"`{written}` is not in vetline's npm snapshot ({bundled.count('npm-names'):,} names from a public list "
        f"of packages downloaded at least {bundled.npm_min_downloads():,} times a month, {bundled.as_of('npm-names')}; "
        f"the registry holds about 3 million), and {checked}. It may be hallucinated (anyone can register a free name) or just rarely used: "
        "`vetline data update`, or `online = true` with `vetline.allowNetwork`, asks the npm registry."
    )
    # `npm_unconfirmed` names what the registry may be asked about (vetline.server.depdata)
    data = {"npm_unconfirmed": subject.name}
    return make_finding(RULE, ctx, subject.start, subject.end, message=message, confidence=Confidence.LOW, data=data)


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

npm names (JavaScript/TypeScript imports, `package.json` lines, MCP servers run with `npx`)
are compared with a bundled snapshot that is NOT the whole registry: it lists the ~227,000
packages downloaded at least ~500 times a month, of about 3 million. So a name missing from
it is reported at low confidence, and only when nothing local explains it: it is not declared
(declared imports are checked on their `package.json` line), not installed in `node_modules`,
not in `package-lock.json`/`yarn.lock`/`pnpm-lock.yaml`, not a workspace package, a tsconfig
alias or the package's own name, not served by a private registry configured in `.npmrc` or
`.yarnrc.yml`, not a `package.json` alias or local/git/URL version (`npm:`, `file:`,
`workspace:`, ...), and not in a scope the snapshot knows (only a scope's owner publishes in
it). The message says what was checked. `vetline data update` (or the editor, when the
project sets `online = true` and the user allows `vetline.allowNetwork`) asks the registry
(`GET <npm_registry>/<name>`, default `https://registry.npmjs.org`) about those names only and
caches the answers: a 404 makes the finding high confidence, an existing package removes it.

## How to fix
Find the real package that provides the functionality, or write it yourself. If the package
is private, add it to `allow` or to a private index.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/829.html",
        "https://peps.python.org/pep-0691/",
        "https://arxiv.org/abs/2406.10279",
        "https://github.com/npm/registry/blob/main/docs/REGISTRY-API.md",
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
