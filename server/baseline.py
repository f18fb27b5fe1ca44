"""Baselines: findings a team has accepted, so that only new ones are reported.

An entry is keyed by rule, path (relative to the project root), the enclosing scope name
(`Service.connect`, from `Finding.data["scope"]`) and a hash of the flagged text with its
whitespace normalised. No line numbers and no timestamps: inserting lines above a baselined
finding keeps it suppressed, changing the flagged text reports it again, and the file is
written sorted with stable JSON so it does not churn in review. The hash is salted with the
rule and path so the file does not double as a dictionary of short passwords.

A detect-secrets `.secrets.baseline` is read too (file name and SHA-1 of the secret), so a
team moving from detect-secrets keeps its audited list.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vetline.rules import files
from vetline.rules.model import Finding
from vetline.rules.secrets import _allowlist, _detect

FORMAT_VERSION = 1


@dataclass(frozen=True, order=True)
class Entry:
    """One accepted finding."""

    rule: str
    path: str
    scope: str
    hash: str


@dataclass(frozen=True)
class Baseline:
    """Accepted findings (vetline entries) and detect-secrets (filename, SHA-1) pairs."""

    entries: tuple[Entry, ...] = ()
    detect_secrets: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def filter(self, findings: Sequence[Finding], relative_path: str, source: bytes) -> list[Finding]:
        """The findings the baseline does not account for; each entry absorbs one finding."""
        budget = Counter(e for e in self.entries if e.path == relative_path)
        kept = []
        for finding in findings:
            entry = entry_for(finding, relative_path, source)
            if budget[entry] > 0:
                budget[entry] -= 1
            elif not self._in_detect_secrets(finding, relative_path, source):
                kept.append(finding)
        return kept

    def _in_detect_secrets(self, finding: Finding, relative_path: str, source: bytes) -> bool:
        if not self.detect_secrets or "secret_kind" not in finding.data:
            return False
        text = _unquote(source[finding.start_byte : finding.end_byte].decode("utf-8", "replace"))
        candidates = {text}
        url = _detect.url_password(text)
        if url is not None:
            candidates.add(text[url[0] : url[1]])
        return any((relative_path, _allowlist.sha1(c)) in self.detect_secrets for c in candidates)


def entry_for(finding: Finding, relative_path: str, source: bytes) -> Entry:
    """The baseline entry that accounts for a finding."""
    text = b" ".join(source[finding.start_byte : finding.end_byte].split())
    digest = hashlib.sha256(b"\0".join([finding.rule_id.encode(), relative_path.encode(), text])).hexdigest()
    return Entry(finding.rule_id, relative_path, str(finding.data.get("scope") or ""), digest[:32])


def load_baseline(path: Path) -> Baseline:
    """Read a vetline baseline or a detect-secrets `.secrets.baseline`; raises ValueError if neither."""
    document = json.loads(files.read_bounded(path, files.MAX_BASELINE_BYTES))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: not a baseline file")  # noqa: TRY004 - callers report any malformed file alike
    if "results" in document:
        return Baseline(detect_secrets=_allowlist.parse_detect_secrets(document))
    entries = tuple(
        Entry(**{k: str(item[k]) for k in ("rule", "path", "scope", "hash")}) for item in document.get("entries", ())
    )
    return Baseline(entries=entries)


def dump_baseline(entries: Iterable[Entry]) -> str:
    """Stable JSON text: sorted entries, sorted keys, two-space indent, final newline."""
    items = [{"rule": e.rule, "path": e.path, "scope": e.scope, "hash": e.hash} for e in sorted(entries)]
    return json.dumps({"version": FORMAT_VERSION, "entries": items}, indent=2, sort_keys=True) + "\n"


def _unquote(text: str) -> str:
    """The contents of a string literal (`b"x"`, `'x'`, `\"\"\"x\"\"\"`), or the text itself."""
    stripped = text.lstrip("rRbBuUfF")
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(stripped) >= 2 * len(quote) and stripped.startswith(quote) and stripped.endswith(quote):
            return stripped[len(quote) : -len(quote)]
    return text
