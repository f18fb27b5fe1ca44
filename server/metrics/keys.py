"""Salted, hashed keys that recognise a finding again without storing anything about its code.

A finding's key hashes the workspace's random salt, the file's path relative to the workspace,
the rule id, the flagged text with its whitespace collapsed, and which occurrence of that text
it is. The flagged text makes the key survive lines moving up and down while the user edits;
the salt (kept in the local database only) means a key cannot be checked against a guessed
secret or line of code. The same key is computed by the editor and by `vetline scan --record`.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence

from vetline.rules.model import Finding

KEY_CHARS = 32


def file_key(salt: str, relative_path: str) -> str:
    return _digest(salt, "file", relative_path)[:16]


def commit_key(salt: str, sha: str, relative_path: str) -> str:
    """The key of the lines one commit wrote in one file (counted once however often recorded)."""
    return _digest(salt, "commit", sha, relative_path)[:KEY_CHARS]


def finding_keys(salt: str, relative_path: str, findings: Sequence[Finding], source: bytes) -> list[str]:
    """One key per finding, in order; equal flagged texts are told apart by occurrence."""
    occurrences: Counter[tuple[str, bytes]] = Counter()
    keys = []
    for finding in findings:
        text = b" ".join(source[finding.start_byte : finding.end_byte].split())
        occurrences[(finding.rule_id, text)] += 1
        count = occurrences[(finding.rule_id, text)]
        keys.append(_digest(salt, relative_path, finding.rule_id, text.hex(), str(count))[:KEY_CHARS])
    return keys


def _digest(*parts: str | Iterable[str]) -> str:
    return hashlib.sha256("\0".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()
