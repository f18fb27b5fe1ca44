"""A registry's project list held compactly: one sorted blob of names and an offset table.

PyPI lists ~800,000 projects. As a Python `set` of strings that costs ~80 MB inside an editor
process; a sorted newline-joined `bytes` with an `array` of line offsets costs ~16 MB and a
look-up is a 20-step binary search (microseconds). Sources: the PEP 691 JSON project list
(`{"meta": ..., "projects": [{"name": ...}]}`), or plain text with one name per line (the
format `vetline data update` caches, already normalised and sorted under a header line).
"""

from __future__ import annotations

import json
import re
from array import array
from pathlib import Path

from .. import files
from ._names import normalize

HEADER = b"# vetline-index v1 normalized sorted\n"
_NEWLINE = re.compile(rb"\n")


class NameIndex:
    """Membership test over a sorted list of normalised names."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob if blob.endswith(b"\n") or not blob else blob + b"\n"
        starts = array("L", [0])
        starts.extend(m.end() for m in _NEWLINE.finditer(self._blob))
        self._starts = starts  # the last entry is the end of the blob

    @property
    def nbytes(self) -> int:
        """Memory held by the index itself (the blob and the offset table)."""
        return len(self._blob) + self._starts.itemsize * len(self._starts)

    def __len__(self) -> int:
        return len(self._starts) - 1

    def _name(self, i: int) -> bytes:
        return self._blob[self._starts[i] : self._starts[i + 1] - 1]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        wanted = name.encode()
        low, high = 0, len(self)
        while low < high:
            middle = (low + high) // 2
            if self._name(middle) < wanted:
                low = middle + 1
            else:
                high = middle
        return low < len(self) and self._name(low) == wanted

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
