"""Dependencies declared in TOML: pyproject (PEP 621, dependency groups, Poetry) and PEP 723.

`tomllib` forgets where a value was written, and a diagnostic must sit on the requirement's
own bytes, so this module scans the few tables that declare dependencies itself: string-aware
array scanning for `[project] dependencies`, optional dependencies and `[dependency-groups]`,
`name = "spec"` lines for Poetry, and the same scanner over a PEP 723 `# /// script` block
(its `#` prefixes are blanked to spaces so byte offsets stay those of the Python file).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ..patterns import linear
from ._manifests import _REQUIREMENT, Requirement, extras_of, requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_HEADER = linear(rb"[ \t]*\[\[?[ \t]*(?P<table>[^\]\n]+?)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?$")
_KEY = linear(rb"""[ \t]*(?P<key>"[^"\n]+"|'[^'\n]+'|[A-Za-z0-9_.-]+)[ \t]*=[ \t]*""")
_POETRY_TABLE = linear(r"^tool\.poetry\.(?:dependencies|dev-dependencies|group\.[^.]+\.dependencies)$")
_POETRY_PIN = linear(rb"^(?:==)?[ \t]*(?P<version>\d[A-Za-z0-9.+!_-]*)$")
_POETRY_VERSION = linear(rb"""version[ \t]*=[ \t]*["'](?P<spec>[^"'\n]*)["']""")
_SCRIPT = linear(rb"(?m)^# /// script[ \t]*\r?\n(?P<body>(?:#(?:[ \t][^\n]*)?\n)*?)# ///[ \t]*\r?$")


@dataclass(frozen=True)
class TomlManifest:
    """The requirements a TOML document declares, and where a new one would go."""

    requirements: list[Requirement]
    array: tuple[int, int] | None = None  # `[` and `]` of `[project] dependencies` (or a script's)
    poetry_end: int | None = None  # end of the last line of `[tool.poetry.dependencies]`
    settings: dict[str, Any] = field(default_factory=dict)  # a script's [tool.vetline.dependencies]


def parse_pyproject(source: bytes, script: bool = False) -> TomlManifest:
    """Requirements of a pyproject.toml (or, with `script`, a blanked PEP 723 block)."""
    found: list[Requirement] = []
    array: tuple[int, int] | None = None
    poetry_end: int | None = None
    table, position = "", 0
    while position < len(source):
        line_end = _line_end(source, position)
        header = _HEADER.fullmatch(source, position, line_end)
        key = None if header else _KEY.match(source, position, line_end)
        if header is not None:
            table = _unquote(header.group("table")).replace(" ", "")
        elif key is not None:
            name = _unquote(key.group("key"))
            if _declares_array(table, name, script) and source[key.end() : key.end() + 1] == b"[":
                strings, line_end = _array_strings(source, key.end())
                found.extend(_pep508(source, start, end) for start, end in strings)
                if name == "dependencies" and table in ("project", ""):
                    array = (key.end(), line_end - 1)
                line_end = _line_end(source, line_end)
            elif _POETRY_TABLE.match(table) and name != "python":
                found.append(_poetry(source, key.start("key"), name, key.end(), line_end))
                poetry_end = line_end if table == "tool.poetry.dependencies" else poetry_end
        position = line_end + 1
    return TomlManifest(found, array, poetry_end)


def parse_script(source: bytes) -> TomlManifest | None:
    """The PEP 723 `# /// script` block of a Python file, or None when it has none."""
    match = _SCRIPT.search(source)
    if match is None:
        return None
    body = match.group("body")
    blanked = b" " * match.start("body") + re.sub(rb"(?m)^#", b" ", body)
    manifest = parse_pyproject(blanked, script=True)
    try:
        document = tomllib.loads(blanked.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        document = {}
    settings = document.get("tool", {}).get("vetline", {}).get("dependencies", {})
    return TomlManifest(
        manifest.requirements, manifest.array, None, dict(settings) if isinstance(settings, dict) else {}
    )


def _declares_array(table: str, key: str, script: bool) -> bool:
    if script:
        return table == "" and key == "dependencies"
    return (
        (table == "project" and key == "dependencies")
        or table in ("project.optional-dependencies", "dependency-groups", "tool.pdm.dev-dependencies")
        or (table == "tool.uv" and key == "dev-dependencies")  # uv's and PDM's tables before PEP 735
    )


def _array_strings(source: bytes, position: int) -> tuple[list[tuple[int, int]], int]:
    """The (start, end) of each string's content in the array at `position`; and its end.

    Strings inside an inline table (`{ include-group = "docs" }` of PEP 735) are not requirements.
    """
    strings: list[tuple[int, int]] = []
    depth = braces = 0
    while position < len(source):
        char = source[position : position + 1]
        if char in (b'"', b"'"):
            close = source.find(char, position + 1)
            while char == b'"' and close > 0 and source[close - 1 : close] == b"\\":
                close = source.find(char, close + 1)
            if close < 0:
                break
            if not braces:
                strings.append((position + 1, close))
            position = close
        elif char == b"{":
            braces += 1
        elif char == b"}":
            braces = max(braces - 1, 0)
        elif char == b"#":
            position = _line_end(source, position) - 1
        elif char == b"[":
            depth += 1
        elif char == b"]":
            depth -= 1
            if depth == 0:
                return strings, position + 1
        position += 1
    return strings, len(source)


def _pep508(source: bytes, start: int, end: int) -> Requirement:
    match = _REQUIREMENT.match(source, start, end)
    if match is None:
        return Requirement(source[start:end].decode(errors="replace"), "PyPI", start, end)
    return requirement(
        match.group("name"), match.group("spec"), match.start("name"), match.start("spec"), extras=extras_of(match)
    )


# `{ git = "..." }`, `{ path = "../lib" }`, `{ url = "..." }`: a Poetry dependency not taken from the index.
_POETRY_SOURCE = linear(rb"\b(?:git|path|url)[ \t]*=")


def _poetry(source: bytes, key_start: int, name: str, value_start: int, line_end: int) -> Requirement:
    """A Poetry `name = "spec"` or `name = { version = "spec", ... }` line (bare `1.2.3` pins)."""
    quoted = source[key_start : key_start + 1] in (b'"', b"'")
    name_start = key_start + 1 if quoted else key_start
    value = source[value_start:line_end]
    inner = _POETRY_VERSION.search(value) if value.startswith(b"{") else None
    if inner is not None:
        spec, spec_start = inner.group("spec"), value_start + inner.start("spec")
    elif value[:1] in (b'"', b"'"):
        spec, spec_start = value[1:].split(value[:1])[0], value_start + 1
    else:
        spec, spec_start = b"", value_start
    pin = _POETRY_PIN.match(spec.strip())
    direct = value.startswith(b"{") and _POETRY_SOURCE.search(value) is not None
    plain = Requirement(name, "PyPI", name_start, name_start + len(name.encode()), direct=direct)
    if pin is None:
        return plain
    version_start = spec_start + spec.index(pin.group("version"))
    version = pin.group("version").decode()
    return Requirement(name, "PyPI", plain.start, plain.end, version, version_start, version_start + len(version))


def _line_end(source: bytes, position: int) -> int:
    end = source.find(b"\n", position)
    return len(source) if end < 0 else end


def _unquote(raw: bytes) -> str:
    return raw.decode(errors="replace").strip().strip("\"'")


def insert_item(source: bytes, array: tuple[int, int], item: str, prefix: bytes = b"") -> tuple[int, str]:
    """Where and what to insert to append `"item"` to the TOML array spanning `array`.

    Keeps the array's layout: `["a", "b"]` gets `, "item"`; a one-item-per-line array gets a
    new line with the last item's indentation. `prefix` is the comment marker of PEP 723 lines.
    """
    open_, close = array
    quoted = f'"{item}"'
    inner = source[open_ + 1 : close]
    if b"\n" not in inner:
        before = inner.rstrip()
        position = open_ + 1 + len(before)
        if not before.strip():
            return position, quoted
        return position, (" " if before.endswith(b",") else ", ") + quoted
    last = close - 1
    while last > open_ and source[last : last + 1] in (b" ", b"\t", b"\r", b"\n") + ((prefix,) if prefix else ()):
        last -= 1
    line_start = source.rfind(b"\n", 0, last) + 1
    line = source[line_start:last]
    body = line[len(prefix) :] if prefix and line.startswith(prefix) else line
    indent = body[: len(body) - len(body.lstrip())].decode() or "    "
    lead = "\n" + prefix.decode() + indent
    if source[last : last + 1] in (b",", b"["):
        return last + 1, f"{lead}{quoted},"
    return last + 1, f",{lead}{quoted}"


_LOCK_ENTRY = linear(rb"(?m)^\[\[package\]\]\s*\n(?P<body>(?:(?:[^\[\n][^\n]*)?\n)*(?:[^\[\n][^\n]*)?)")
_LOCK_FIELD = linear(rb'(?m)^(?P<key>name|version)[ \t]*=[ \t]*"(?P<value>[^"\n]*)"')


def parse_toml_lock(source: bytes) -> list[Requirement]:
    """The `[[package]]` entries (name and exact version) of poetry.lock or uv.lock."""
    found = []
    for entry in _LOCK_ENTRY.finditer(source):
        fields = {m.group("key"): m for m in _LOCK_FIELD.finditer(source, entry.start("body"), entry.end("body"))}
        name, version = fields.get(b"name"), fields.get(b"version")
        if name is None:
            continue
        requirement = Requirement(name.group("value").decode(), "PyPI", name.start("value"), name.end("value"))
        if version is not None:
            requirement = Requirement(
                requirement.name,
                "PyPI",
                requirement.start,
                requirement.end,
                version.group("value").decode(),
                version.start("value"),
                version.end("value"),
            )
        found.append(requirement)
    return found
