"""Evaluate OSV advisories against a pinned version: which apply, how bad, what fixes them.

Records follow the OSV schema (https://ossf.github.io/osv-schema/): each `affected` entry
names a package and lists exact `versions` and/or `ranges` whose `events` (`introduced`,
`fixed`, `last_affected`, `limit`) mark spans of the version line. ECOSYSTEM and SEMVER ranges
are evaluated with `_versions`; GIT ranges name commits, which a pin cannot match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import _versions
from ._names import normalize


@dataclass(frozen=True)
class Hit:
    """One advisory that affects a pinned version."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    severity: str | None  # "critical", "high", "moderate", "low" when the record says
    fixed: str | None  # the first fixed version above the pin, if any


def package_key(name: str, ecosystem: str) -> str:
    """How advisories are indexed: PEP 503 for PyPI, lower case for npm."""
    return normalize(name) if ecosystem == "PyPI" else name.lower()


def index_records(records: Iterable[Mapping[str, Any]]) -> dict[tuple[str, str], list[Mapping[str, Any]]]:
    """Group OSV records by (ecosystem, package key) of each affected package."""
    grouped: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for record in records:
        for affected in record.get("affected", ()) or ():
            package = affected.get("package") or {}
            ecosystem, name = package.get("ecosystem"), package.get("name")
            if isinstance(ecosystem, str) and isinstance(name, str):
                bucket = grouped.setdefault((ecosystem, package_key(name, ecosystem)), [])
                if not bucket or bucket[-1] is not record:
                    bucket.append(record)
    return grouped


def hits(records: Iterable[Mapping[str, Any]], name: str, version: str, ecosystem: str) -> list[Hit]:
    """The advisories among `records` that affect `name==version`, sorted by id."""
    wanted = package_key(name, ecosystem)
    found: dict[str, Hit] = {}
    for record in records:
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", ()) or ():
            package = affected.get("package") or {}
            if package.get("ecosystem") != ecosystem or package_key(str(package.get("name", "")), ecosystem) != wanted:
                continue
            fixed = _affected_fixed(affected, version, ecosystem)
            if fixed is not False:
                found[str(record.get("id"))] = _hit(record, affected, fixed)
    return [found[key] for key in sorted(found)]


def _affected_fixed(affected: Mapping[str, Any], version: str, ecosystem: str) -> str | None | bool:
    """False when `version` is not affected, else the first fixed version above it (or None)."""
    listed = version in (affected.get("versions") or ())
    fixes: list[str] = []
    hit = listed
    for span in affected.get("ranges") or ():
        if span.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        scheme = "npm" if span.get("type") == "SEMVER" else ecosystem
        if _in_range(span.get("events") or (), version, scheme):
            hit = True
            fixes.extend(e["fixed"] for e in span.get("events") or () if isinstance(e.get("fixed"), str))
    if not hit:
        return False
    later = [f for f in fixes if _versions.compare(f, version, ecosystem) > 0]
    return min(later, key=lambda f: _versions.key(f, ecosystem)) if later else None


def _in_range(events: Iterable[Mapping[str, str]], version: str, ecosystem: str) -> bool:
    """OSV's evaluation: walk the sorted events, switching on at introduced, off at fixed/limit."""
    target = (1, _versions.key(version, ecosystem))
    affected = False
    for kind, value in sorted(_event_pairs(events), key=lambda pair: _event_key(pair[1], ecosystem)):
        here = _event_key(value, ecosystem)
        if kind == "introduced" and target >= here:
            affected = True
        elif (kind in ("fixed", "limit") and target >= here) or (kind == "last_affected" and target > here):
            affected = False
    return affected


def _event_pairs(events: Iterable[Mapping[str, str]]) -> list[tuple[str, str]]:
    pairs = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected", "limit"):
            if isinstance(event.get(kind), str):
                pairs.append((kind, event[kind]))
    return pairs


def _event_key(value: str, ecosystem: str) -> tuple:
    return (0,) if value == "0" else (1, _versions.key(value, ecosystem))


def _hit(record: Mapping[str, Any], affected: Mapping[str, Any], fixed: str | None | bool) -> Hit:
    severity = (record.get("database_specific") or {}).get("severity")
    severity = severity or (affected.get("ecosystem_specific") or {}).get("severity")
    return Hit(
        id=str(record.get("id")),
        aliases=tuple(str(a) for a in record.get("aliases") or ()),
        summary=str(record.get("summary") or ""),
        severity=str(severity).lower() if isinstance(severity, str) else None,
        fixed=fixed if isinstance(fixed, str) else None,
    )
