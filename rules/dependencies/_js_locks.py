"""Installed npm packages and their versions from `yarn.lock` (v1 and Berry) and `pnpm-lock.yaml`.

Each entry becomes a `Requirement` whose name and version ranges point at the lock file's bytes,
so `vulnerable-pinned-version` can report the exact line, as it does for `package-lock.json`.
Both formats are read line by line with anchored patterns (linear time), without a YAML parser.
"""

from __future__ import annotations

import re

from ..patterns import linear
from ._manifests import Requirement

# yarn: `"@scope/pkg@^1.0.0", "@scope/pkg@npm:^1.2":` or `lodash@^4.17.21:` opens an entry;
# its `version "4.17.21"` (v1) or `version: 4.17.21` (Berry) line follows, indented.
_YARN_ENTRY = linear(rb'^"?(?P<name>@?[^@"\s,][^@"\s,]*)@[^\n]*:[ \t]*$', re.MULTILINE)
_YARN_VERSION = linear(rb'^[ \t]+version:?[ \t]+"?(?P<version>[0-9][^"\s]*)"?[ \t]*$', re.MULTILINE)
# pnpm v6-v9: `  /lodash@4.17.21:`, `  /lodash/4.17.21:`, `  lodash@4.17.21:`, `  '@babel/core@7.24.0':`,
# optionally followed by a `(peer@x)` (v9) or `_peer@x` (v5) suffix.
_PNPM_ENTRY = linear(
    rb"^[ \t]{2}'?/?(?P<name>(?:@[\w.~-]+/)?[\w.~-]+)[@/](?P<version>[0-9][\w.+-]*?)(?:_[^\s:'(]*)?(?:\([^\n]*\))?'?:[ \t]*$",
    re.MULTILINE,
)


def parse_yarn_lock(source: bytes) -> list[Requirement]:
    """Every package entry of a yarn.lock with the version it resolved to."""
    found: list[Requirement] = []
    entries = list(_YARN_ENTRY.finditer(source))
    for index, entry in enumerate(entries):
        end = entries[index + 1].start() if index + 1 < len(entries) else len(source)
        version = _YARN_VERSION.search(source, entry.end(), end)
        name = entry.group("name").decode("utf-8", "replace")
        if version is None or name == "__metadata":
            continue
        found.append(
            Requirement(
                name,
                "npm",
                entry.start("name"),
                entry.end("name"),
                version.group("version").decode(),
                version.start("version"),
                version.end("version"),
            )
        )
    return found


def parse_pnpm_lock(source: bytes) -> list[Requirement]:
    """Every `packages:`/`snapshots:` key of a pnpm-lock.yaml with its version."""
    seen: set[tuple[str, str]] = set()
    found: list[Requirement] = []
    for entry in _PNPM_ENTRY.finditer(source):
        name = entry.group("name").decode("utf-8", "replace")
        version = entry.group("version").decode()
        if (name, version) in seen:
            continue  # pnpm 9 lists a package under `packages:` and again under `snapshots:`
        seen.add((name, version))
        found.append(
            Requirement(
                name,
                "npm",
                entry.start("name"),
                entry.end("name"),
                version,
                entry.start("version"),
                entry.end("version"),
            )
        )
    return found
