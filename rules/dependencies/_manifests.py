"""Read requirement lines from manifests with the exact byte range of each name and version.

Diagnostics belong on the manifest line itself, so parsing keeps offsets: `requirements*.txt`
line by line (with `-r` includes), `package.json` dependency tables, and `package-lock.json`
entries. A requirements line counts only when the whole line is a PEP 508 requirement (name,
extras, version specifiers, marker, pip options, comment): a file of other text `-r`-included
by a stranger's repository yields no names. An include is followed only to a regular file inside
the project folder; one leading elsewhere is reported, never read. TOML manifests (pyproject, Poetry, PEP 723 script blocks) live in `_toml_manifests`.
A manifest that does not parse yields what could be read, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import files as files_module
from ..patterns import LinearMatch, linear

_REQUIREMENT = linear(
    rb"[ \t]*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)[ \t]*(?:\[(?P<extras>[^\]\n]*)\])?[ \t]*(?P<spec>[^;#\n]*)"
)
_SEPARATORS = linear(r"[-_.]+")
_PIN = linear(rb"^(?:===?)[ \t]*(?P<version>[A-Za-z0-9.+!_-]+)[ \t]*$")
_OPERATOR = rb"(?:~=|===|==|!=|<=|>=|<|>)[ \t]*[A-Za-z0-9.*+!_-]+"
_SPECIFIERS = rb"\(?[ \t]*" + _OPERATOR + rb"(?:[ \t]*,[ \t]*" + _OPERATOR + rb")*[ \t]*\)?"
_REQUIREMENT_TAIL = linear(  # what may follow a name and its extras on a requirements line
    rb"[ \t]*(?:" + _SPECIFIERS + rb"|@[ \t]*\S+)?[ \t]*(?:;[^#\n]*)?"
    rb"(?:[ \t]+--?[A-Za-z][\w-]*(?:[ =]\S+)?)*[ \t]*\\?[ \t]*(?:#.*)?\r?"
)
_INCLUDE = linear(rb"^[ \t]*(?:-r|--requirement)[ \t=]+(?P<path>\S+)", re.MULTILINE)
_NPM_TABLE = linear(rb'"(?:dependencies|devDependencies|optionalDependencies|peerDependencies)"\s*:\s*\{')
_NPM_ENTRY = linear(rb'\s*"(?P<name>[^"\\]+)"\s*:\s*"(?P<spec>[^"\\]*)"\s*,?')
_NPM_EXACT = linear(rb"^=?v?(?P<version>\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$")
_NPM_LOCK = linear(rb'"(?:[^"]*/)?node_modules/(?P<name>(?:@[^/"]+/)?[^/"]+)"\s*:\s*\{[^{}]*?"version"\s*:\s*"')


@dataclass(frozen=True)
class Requirement:
    """One declared dependency: its name, where it is written and its exact pin if any."""

    name: str
    ecosystem: str  # OSV ecosystem: "PyPI" or "npm"
    start: int  # byte range of the name in its file
    end: int
    version: str | None = None  # the exactly pinned version (`==1.2.3`, npm `1.2.3`)
    version_start: int = -1  # byte range of that version text
    version_end: int = -1
    direct: bool = False  # installed from a URL or a path (`name @ git+https://...`), not from the index
    spec: str = ""  # npm: the version range as written (`^1.2`, `npm:other@1`, `file:../lib`, `workspace:*`)
    extras: frozenset[str] = frozenset()  # PyPI: the extras asked for (`Django[argon2]`), normalised


def parse_requirements(source: bytes) -> list[Requirement]:
    """Requirement lines of a pip requirements file (options, URLs and comments skipped)."""
    found: list[Requirement] = []
    offset = 0
    for line in source.split(b"\n"):
        found.extend(_requirement_line(line, offset))
        offset += len(line) + 1
    return found


def _requirement_line(line: bytes, offset: int) -> list[Requirement]:
    stripped = line.strip()
    if not stripped or stripped.startswith((b"#", b"-")) or b"://" in stripped.split(b"@")[0]:
        return []
    match = _REQUIREMENT.match(line)
    if match is None or _REQUIREMENT_TAIL.fullmatch(line, match.start("spec")) is None:
        return []
    return [
        requirement(
            match.group("name"),
            match.group("spec"),
            offset + match.start("name"),
            offset + match.start("spec"),
            extras=extras_of(match),
        )
    ]


def extras_of(match: LinearMatch) -> frozenset[str]:
    """The normalised extras of a `_REQUIREMENT` match (`Django[argon2, bcrypt]`)."""
    listed = match.group("extras") or b""
    return frozenset(
        _SEPARATORS.sub("-", e.strip().decode("ascii", "replace")).lower() for e in listed.split(b",") if e.strip()
    )


def requirement(
    name: bytes,
    spec: bytes,
    name_start: int,
    spec_start: int,
    ecosystem: str = "PyPI",
    extras: frozenset[str] = frozenset(),
) -> Requirement:
    """A Requirement from a PEP 508 name and version specifier found at the given offsets."""
    start = name_start
    pin = _PIN.match(spec.rstrip(b" \t\r\\"))
    if pin is None or spec.strip().startswith(b"@") or b"*" in spec:
        direct = spec.strip().startswith(b"@")
        return Requirement(name.decode(), ecosystem, start, start + len(name), direct=direct, extras=extras)
    version_start = spec_start + pin.start("version")
    version = pin.group("version").decode()
    return Requirement(
        name.decode(),
        ecosystem,
        start,
        start + len(name),
        version,
        version_start,
        version_start + len(version),
        extras=extras,
    )


def included_files(path: Path, within: Path, refused: list[str] | None = None) -> list[Path]:
    """`path` and every requirements file it includes with `-r`, each once (cycles are cut).

    Only regular files really inside the folder `within` are read; each include that is not
    is described in `refused` (when given) and not followed."""
    seen: set[str] = set()
    files: list[Path] = []
    pending: list[tuple[Path, str | None]] = [(path, None)]
    while pending:
        candidate, written = pending.pop(0)
        try:
            real = files_module.contained_path(candidate, within)
            if real in seen:
                continue
            text = files_module.read_bounded(real, files_module.MAX_MANIFEST_BYTES, within=within)
        except OSError as error:
            if written is not None and refused is not None:
                refused.append(f"{written} not followed: {_reason(error)}")
            continue
        seen.add(real)
        files.append(Path(real))
        for match in _INCLUDE.finditer(text):
            include = match.group("path").decode(errors="replace")
            pending.append((Path(real).parent / include, f"{Path(real).name}: `-r {include}`"))
    return files


def _reason(error: OSError) -> str:
    return str(error) if isinstance(error, files_module.FileRefused) else error.strerror or str(error)


def parse_package_json(source: bytes) -> list[Requirement]:
    """The entries of `dependencies`, `devDependencies`, ... tables of a package.json."""
    found: list[Requirement] = []
    for table in _NPM_TABLE.finditer(source):
        position = table.end()
        while (entry := _NPM_ENTRY.match(source, position)) is not None:
            found.append(_npm_requirement(entry))
            position = entry.end()
    return found


def _npm_requirement(entry: LinearMatch) -> Requirement:
    name, spec = entry.group("name"), entry.group("spec")
    exact = _NPM_EXACT.match(spec)
    start, end = entry.start("name"), entry.end("name")
    written = spec.decode("utf-8", "replace")
    if exact is None:
        return Requirement(name.decode(), "npm", start, end, spec=written)
    version_start = entry.start("spec") + exact.start("version")
    version = exact.group("version").decode()
    return Requirement(
        name.decode(), "npm", start, end, version, version_start, version_start + len(version), spec=written
    )


def parse_package_lock(source: bytes) -> list[Requirement]:
    """Installed packages of an npm lock file (v2/v3 `packages` entries) with their versions."""
    found: list[Requirement] = []
    for match in _NPM_LOCK.finditer(source):
        version_start = match.end()
        version_end = source.find(b'"', version_start)
        version = source[version_start:version_end].decode(errors="replace")
        name = match.group("name").decode(errors="replace")
        found.append(
            Requirement(name, "npm", match.start("name"), match.end("name"), version, version_start, version_end)
        )
    return found


_PIPFILE_LOCK = linear(rb'"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)"\s*:\s*\{[^{}]*?"version"\s*:\s*"==(?P<version>[^"]+)"')


def parse_pipfile_lock(source: bytes) -> list[Requirement]:
    """The `default` and `develop` entries of a Pipfile.lock with their `==` versions."""
    found = []
    for match in _PIPFILE_LOCK.finditer(source):
        name = match.group("name").decode()
        version = match.group("version").decode()
        found.append(
            Requirement(
                name,
                "PyPI",
                match.start("name"),
                match.end("name"),
                version,
                match.start("version"),
                match.end("version"),
            )
        )
    return found
