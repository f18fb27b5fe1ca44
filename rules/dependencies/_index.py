"""A registry's project list held compactly: one sorted blob of names and an offset table.

PyPI lists ~890,000 projects. As a Python `set` of strings that costs ~80 MB inside an editor
process; a sorted newline-joined `bytes` costs ~13 MB and a look-up is a 20-step binary search
over byte positions (each step finds its line with `rfind`/`find`: microseconds), so loading
is one read (and, for the bundled snapshot, one `zlib.decompress`), with no table to build. Sources: the PEP 691 JSON project list
(`{"meta": ..., "projects": [{"name": ...}]}`), or plain text with one name per line (the
format `vetline data update` caches, already normalised and sorted under a header line).
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import files
from ._names import normalize

HEADER = b"# vetline-index v1 normalized sorted\n"


class NameIndex:
    """Membership test over a sorted, newline-joined blob of normalised names."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob if blob.endswith(b"\n") or not blob else blob + b"\n"
        self._count: int | None = None

    @property
    def nbytes(self) -> int:
        """Memory held by the index itself (the blob)."""
        return len(self._blob)

    def __len__(self) -> int:
        if self._count is None:
            self._count = self._blob.count(b"\n")
        return self._count

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str) or not name or "\n" in name:
            return False
        wanted, blob = name.encode(), self._blob
        low, high = 0, len(blob)  # `low` and `high` are always line starts
        while low < high:
            newline = blob.rfind(b"\n", low, (low + high) // 2)
            start = low if newline < 0 else newline + 1
            end = blob.find(b"\n", start)
            line = blob[start:end]
            if line == wanted:
                return True
            if line < wanted:
                low = end + 1
            else:
                high = start
        return False

    def has_prefix(self, prefix: str) -> bool:
        """True when some name starts with `prefix` (one linear pass over the blob)."""
        wanted = prefix.encode()
        return bool(wanted) and (self._blob.startswith(wanted) or self._blob.find(b"\n" + wanted) >= 0)

    @classmethod
    def from_names(cls, names: list[str] | set[str]) -> NameIndex:
        """An index over any names (normalised, de-duplicated and sorted here)."""
        return cls("\n".join(sorted({normalize(n) for n in names})).encode())

    def to_text(self) -> bytes:
        """The cache format: header line, then the sorted names."""
        return HEADER + self._blob


def load_index(path: Path) -> NameIndex:
    """Read a cached text index, a plain name list or a PEP 691 JSON project list."""
    data = files.read_bounded(path, files.MAX_DATA_BYTES)
    if data.startswith(HEADER):
        return NameIndex(data[len(HEADER) :])
    if data.lstrip()[:1] == b"{":
        return NameIndex.from_names(project_names(json.loads(data)))
    return NameIndex.from_names(
        [line.strip() for line in data.decode().splitlines() if line.strip()[:1] not in ("", "#")]
    )


def project_names(document: object) -> list[str]:
    """The `projects[].name` of a PEP 691 project list; ValueError when it is not one."""
    if not isinstance(document, dict) or not isinstance(document.get("projects"), list):
        raise ValueError("not a PEP 691 project list (no `projects` array)")  # noqa: TRY004 - bad data, not a bug
    return [p["name"] for p in document["projects"] if isinstance(p, dict) and isinstance(p.get("name"), str)]
