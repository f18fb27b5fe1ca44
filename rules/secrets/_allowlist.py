"""Secrets a team has already triaged: detect-secrets' `# pragma: allowlist secret` comments,
an existing detect-secrets `.secrets.baseline`, and test folders downgraded by configuration.

The `.secrets.baseline` is found upwards from the file (stopping at the repository root),
parsed once per modification time, and matched like detect-secrets does: the file name
relative to the baseline's folder and the SHA-1 of the secret.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from .. import files
from ..patterns import linear

_PRAGMA = linear(rb"pragma:\s*allowlist[ -](?P<next>nextline[ -])?secret")
DETECT_SECRETS_BASELINE = ".secrets.baseline"


def pragma_lines(source: bytes) -> frozenset[int]:
    """Zero-based lines a `pragma: allowlist secret` (or `allowlist nextline secret`) covers."""
    if b"allowlist" not in source:
        return frozenset()
    lines = set()
    for match in _PRAGMA.finditer(source):
        line = source.count(b"\n", 0, match.start())
        lines.add(line + 1 if match.group("next") else line)
    return frozenset(lines)


def sha1(secret: str) -> str:
    return hashlib.sha1(secret.encode("utf-8")).hexdigest()


def parse_detect_secrets(document: Mapping[str, Any]) -> frozenset[tuple[str, str]]:
    """(filename, hashed_secret) pairs of a detect-secrets baseline document."""
    results = document.get("results", {})
    if not isinstance(results, Mapping):
        return frozenset()
    return frozenset(
        (str(filename), str(entry.get("hashed_secret")))
        for filename, entries in results.items()
        for entry in entries
        if isinstance(entry, Mapping)
    )


def detect_secrets_hashes(path: str) -> frozenset[str]:
    """SHA-1s a `.secrets.baseline` above `path` lists for that file (empty when none)."""
    resolved = Path(os.path.realpath(path)) if path else None  # realpath: never raises on a symlink loop
    found = _baseline_for(str(resolved.parent)) if resolved is not None else None
    if resolved is None or found is None:
        return frozenset()
    folder, entries = found
    relative = resolved.relative_to(folder).as_posix()
    return frozenset(hashed for filename, hashed in entries if filename == relative)


def _baseline_for(folder: str) -> tuple[Path, frozenset[tuple[str, str]]] | None:
    for directory in (Path(folder), *Path(folder).parents):
        candidate = directory / DETECT_SECRETS_BASELINE
        try:
            mtime = candidate.stat().st_mtime_ns
        except OSError:
            if (directory / ".git").exists():
                return None
            continue
        return directory, _load(str(candidate), mtime)
    return None


@functools.lru_cache(maxsize=16)
def _load(path: str, mtime: int) -> frozenset[tuple[str, str]]:
    try:
        return parse_detect_secrets(json.loads(files.read_bounded(path, files.MAX_BASELINE_BYTES)))
    except (OSError, ValueError):
        return frozenset()


def is_test_path(path: str, patterns: Iterable[str]) -> bool:
    """True when any trailing part of `path` matches a glob (`tests/**` matches `/x/tests/a.py`)."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    tails = ["/".join(parts[i:]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(tail, pattern) for pattern in patterns for tail in tails)
