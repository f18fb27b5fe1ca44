"""A dependency pinned to a version that a published advisory (OSV) says is vulnerable."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from . import _advisories, _versions
from ._facts import Subject, facts

_SEVERITY = {
    "critical": Severity.HIGH,
    "high": Severity.HIGH,
    "moderate": Severity.MEDIUM,
    "medium": Severity.MEDIUM,
    "low": Severity.LOW,
}


def find_vulnerable(ctx: FileContext) -> list[Finding]:
    known = facts(ctx)
    pinned = [s for s in known.subjects if s.requirement is not None and s.requirement.version]
    if not pinned:
        return []
    records = known.advisories()
    found = []
    for subject in pinned:
        assert subject.requirement is not None  # `pinned` keeps only subjects with a requirement
        key = (subject.ecosystem, _advisories.package_key(subject.name, subject.ecosystem))
        hits = _advisories.hits(
            records.get(key, ()), subject.name, subject.requirement.version or "", subject.ecosystem
        )
        if hits:
            found.append(_finding(ctx, subject, hits))
    return found


def _finding(ctx: FileContext, subject: Subject, hits: list[_advisories.Hit]) -> Finding:
    requirement = subject.requirement
    assert requirement is not None and requirement.version is not None
    ids = ", ".join(_label(hit) for hit in hits[:3]) + (f" and {len(hits) - 3} more" if len(hits) > 3 else "")
    fixes = [hit.fixed for hit in hits]
    target = max(fixes, key=lambda v: _versions.key(v, subject.ecosystem)) if None not in fixes else None
    remedy = f"upgrade to {target}" if target else "no fixed version covers every advisory"
    message = f"`{subject.name}` {requirement.version} is affected by {ids}; {remedy}."
    fix = None
    if target is not None:
        edit = Edit(requirement.version_start, requirement.version_end, target)
        fix = Fix(f"Bump `{subject.name}` to {target}", (edit,), safe=False)
    levels = [_SEVERITY[h.severity] for h in hits if h.severity in _SEVERITY]
    data = {"advisories": [h.id for h in hits], "fixed": target}
    end = max(requirement.version_end, requirement.end)
    return make_finding(
        RULE, ctx, requirement.start, end, message=message, severity=max(levels, default=None), fix=fix, data=data
    )


def _label(hit: _advisories.Hit) -> str:
    cve = next((a for a in hit.aliases if a.startswith("CVE-")), None)
    parts = [p for p in (cve, hit.severity) if p]
    return f"{hit.id} ({', '.join(parts)})" if parts else hit.id


RULE = Rule(
    id="vulnerable-pinned-version",
    title="Dependency pinned to a vulnerable version",
    category=Category.DEPENDENCIES,
    cwe=(1395,),
    owasp=("A06:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"pip-requirements", "toml", "json", "yarn-lock", "pnpm-lock"}),
    scan=find_vulnerable,
    fixable=True,
    message="The pinned version is affected by a known vulnerability.",
    docs="""## Why is this bad?
A dependency pinned (`==` in requirements or pyproject, a bare version in Poetry or
package.json, an entry of package-lock.json) to a version with a published advisory ships
that vulnerability to every install. AI assistants pin the versions they saw in training,
often years old.

Advisories come from the `advisories` source of `[tool.vetline.dependencies]`: a local
directory or zip of OSV records (for example osv.dev's `PyPI/all.zip`), or the OSV API
(default), whose records for the project's packages `vetline data update` caches. Only
package names are sent. `ranges` with ECOSYSTEM and SEMVER events and explicit `versions`
lists are evaluated with PEP 440 (PyPI) and SemVer (npm) ordering. The finding's severity
follows the worst advisory (critical/high, moderate, low) and lists advisory ids, CVE aliases
and the first fixed version.

## How to fix
Upgrade to a fixed version and re-run your tests.

## Fix safety
Unsafe: the bump goes to the highest of the advisories' first fixed versions, and a new version
can change behaviour or need other upgrades.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1395.html",
        "https://ossf.github.io/osv-schema/",
        "https://google.github.io/osv.dev/post-v1-querybatch/",
    ),
    examples="""
# requirements.txt, with advisories = "osv/" holding PYSEC-2023-0001 for django < 3.2.19
# ruleid: vulnerable-pinned-version
django==3.2.0
# ok: vulnerable-pinned-version
django==3.2.19
# ok: vulnerable-pinned-version
django>=3.2
""",
)
