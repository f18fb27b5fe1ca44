"""How a file's bytes become the UTF-8 text the engine parses, and what was lost on the way.

tree-sitter and every rule read UTF-8. A Python file may declare another encoding in a PEP 263
cookie (`# -*- coding: latin-1 -*-`): it is decoded as the cookie says (the standard library's
`tokenize.detect_encoding` reads the cookie and the BOM exactly as the interpreter does) and
analysed as UTF-8, so its lines and characters stay where they were. A file that is still not
valid text (one stray byte, a wrong cookie) is analysed with each undecodable byte replaced by
U+FFFD, and a note says so: findings next to the byte may be missing, so the analysis is partial.
"""

from __future__ import annotations

import codecs
import io
import tokenize
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceText:
    """The UTF-8 bytes to analyse and, when the file did not decode cleanly, why (`note`)."""

    source: bytes
    note: str | None = None


def as_utf8(data: bytes, language: str | None) -> SourceText:
    """`data` as UTF-8: unchanged when it is UTF-8, decoded per its PEP 263 cookie for Python,
    else with undecodable bytes replaced and a note."""
    encoding = _declared_encoding(data) if language == "python" else "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        text = data.decode(encoding, "replace")
        return SourceText(
            text.encode("utf-8"), f"not valid {_label(encoding)} ({where}); analysed with U+FFFD in its place"
        )
    return SourceText(data if _is_utf8(encoding) else text.encode("utf-8"))


def _declared_encoding(data: bytes) -> str:
    """The encoding a Python file declares (cookie or UTF-8 BOM), or UTF-8; an unknown or
    contradictory declaration falls back to UTF-8 (the bytes then decide)."""
    lines = io.BytesIO(data[:4096]).readline  # the cookie is on line 1 or 2
    try:
        encoding, _ = tokenize.detect_encoding(lines)
    except (SyntaxError, LookupError):
        return "utf-8"
    return "utf-8" if encoding == "utf-8-sig" else encoding


def _is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def _label(encoding: str) -> str:
    return "UTF-8" if _is_utf8(encoding) else f"{encoding} (its coding cookie)"
