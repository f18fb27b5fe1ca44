"""Key/value pairs of plain-text configuration formats, read line by line.

`.env`, `.ini`/`.cfg`/`.properties`, YAML, JSON, TOML and Dockerfile `ENV`/`ARG` lines all boil
down to "a name, then a value"; each pair becomes a `Literal` whose name is the key, so the same
credential-position logic as for code applies. A line with no pair is still searched for
provider keys, private-key headers and URLs with passwords (role `text`). Byte offsets are exact
so that findings point at the value, not the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..context import FileContext
from ..patterns import clip_line, linear
from ._positions import Literal

# A value, bare or in matching quotes: one named group per quoting (RE2 has no back-references).
_VALUE = r"""(?:"(?P<value_dq>.*?)"|'(?P<value_sq>.*?)'|(?P<value>.*?))"""
_KEY = r"""(?:"(?P<key_dq>[\w.-]+)"|'(?P<key_sq>[\w.-]+)'|(?P<key>[\w.-]+))"""
_PAIRS = {
    "dotenv": linear(rf"^\s*(?:export\s+)?(?P<key>[A-Za-z_][\w.-]*)\s*=\s*{_VALUE}\s*(?:#.*)?$"),
    "ini": linear(rf"^\s*(?P<key>[^=:#;\[\s][^=:]*?)\s*[=:]\s*{_VALUE}\s*$"),
    "yaml": linear(rf"^\s*(?:-\s+)?{_KEY}\s*:\s+{_VALUE}\s*(?:\s#.*)?$"),
    "toml": linear(rf"^\s*{_KEY}\s*=\s*{_VALUE}\s*(?:#.*)?$"),
    "dockerfile": linear(rf"^\s*(?:ENV|ARG)\s+(?P<key>[A-Za-z_]\w*)(?:\s*=\s*|\s+){_VALUE}\s*$", re.IGNORECASE),
}
_JSON_PAIR = linear(r'"(?P<key>[^"\\]+)"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"')
_COMMENT = linear(r"^\s*[#;]")


_BLOCK_START = linear(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def literals(ctx: FileContext) -> Iterator[Literal]:
    """The values of every line of a text-format file, each with its key as the name.

    The lines of a YAML block scalar (`source: |` and the indented lines under it: the code
    samples of an OpenAPI document) are free text, not pairs: `'x-api-key': 'YOUR_API_KEY',` in
    a Python sample is searched for provider keys only."""
    offset, block_indent = 0, None
    for raw in ctx.source.split(b"\n"):
        line = raw.decode("utf-8", "replace")
        indent = len(line) - len(line.lstrip())
        if block_indent is not None and line.strip() and indent <= block_indent:
            block_indent = None
        if block_indent is not None:
            if line.strip():
                yield Literal(offset, offset + len(raw), line, None, "text")
        else:
            yield from _line_literals(ctx.language, line, offset)
            if ctx.language == "yaml" and _BLOCK_START.search(line) and not _COMMENT.match(line):
                block_indent = indent
        offset += len(raw) + 1


def _line_literals(language: str, line: str, offset: int) -> Iterator[Literal]:
    if not line.strip():
        return
    if language == "json":
        pairs = list(_JSON_PAIR.finditer(clip_line(line)))
    elif _COMMENT.match(line):
        pairs = []
    else:
        pattern = _PAIRS.get(language)
        match = pattern.match(clip_line(line)) if pattern is not None else None
        pairs = [match] if match else []
    found = False
    for match in pairs:
        value_group = _chosen(match, "value")
        value = match.group(value_group)
        if value.startswith(("|", ">")) and language == "yaml":
            continue  # a block scalar: its content is on the next lines, read as free text
        found = True
        yield Literal(
            _byte(line, offset, match.start(value_group)),
            _byte(line, offset, match.end(value_group)),
            value,
            match.group(_chosen(match, "key")),
            "key",
        )
    if not found:
        yield Literal(offset, offset + len(line.encode("utf-8")), line, None, "text")


def _chosen(match: Any, name: str) -> str:
    """Which of `name`'s quoting groups (`name_dq`, `name_sq`, `name`) took part in the match."""
    for group in (f"{name}_dq", f"{name}_sq"):
        if group in match.re.groupindex and match.group(group) is not None:
            return group
    return name


def _byte(line: str, offset: int, char_index: int) -> int:
    return offset + len(line[:char_index].encode("utf-8"))
