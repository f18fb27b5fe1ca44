"""A package the organisation's policy forbids: on the deny list, or off the allow list in allow-list mode."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ._facts import Subject, facts


def find_denied(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    settings = known.settings
    if not settings.deny and settings.mode != "allowlist":
        return []
    found = []
    for subject in known.subjects:
        reason = _violation(subject, settings.deny, settings.allow, settings.mode)
        if reason is not None:
            message = f"`{subject.name}` {reason} in `[tool.vetline.dependencies]`; using it needs approval."
            found.append(make_finding(RULE, ctx, subject.start, subject.end, message=message))
    return found


def _violation(subject: Subject, deny: frozenset[str], allow: frozenset[str], mode: str) -> str | None:
    if subject.name in deny:
        return "is on the deny list"
    # transitive lock entries are not the project's choice; allow-list mode judges direct ones
    if mode == "allowlist" and subject.name not in allow and not subject.locked:
        return "is not on the allow list (allow-list mode)"
    return None


RULE = Rule(
    id="denied-package",
    title="Package not approved by the dependency policy",
    category=Category.DEPENDENCIES,
    cwe=(1357,),
    owasp=("A06:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python", "pip-requirements", "toml", "json", "javascript", "typescript", "typescriptreact"}),
    scan=find_denied,
    message="The package is not approved by the project's dependency policy.",
    docs="""## Why is this bad?
Organisations vet third-party code before it ships: licences, maintenance, past incidents.
AI assistants do not know the policy and happily import a banned or unvetted package.

Configure the policy in `[tool.vetline.dependencies]`:

```toml
[tool.vetline.dependencies]
deny = ["pycrypto", "request"]   # always reported
mode = "allowlist"               # "warn" (default): only `deny` applies
allow = ["requests", "flask"]    # in allow-list mode, everything else is reported
```

Names are compared after PEP 503 normalisation; imports are judged by the project they come
from (`import yaml` is `pyyaml`). The severity is configurable like any rule's:
`severity_overrides = { denied-package = "high" }`.

## How to fix
Use an approved package, or get the package approved and add it to `allow`.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1357.html",
        "https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/",
    ),
    examples="""
# /// script
# dependencies = ["requests"]
# [tool.vetline.dependencies]
# deny = ["pycryptodome", "PyYAML"]
# ///
# ruleid: denied-package
import yaml
# ruleid: denied-package
from Crypto.Cipher import AES
# ruleid: denied-package
import yaml as y
# ok: denied-package
import requests
# ok: denied-package
from os import path
""",
)
