"""Scan report formats: Ruff-like text for people, JSON for scripts, SARIF 2.1.0 for code scanning.

Each module exposes `render(results, rules) -> str`. All formats report columns in characters
(code points), 1-based, the way editors and GitHub count them; the engine counts bytes.
"""

from __future__ import annotations

from vetline.rules.model import Finding

from ..notebook_scan import part_key
from ..scanner import FileResult


def char_column(source: bytes | None, line_start_byte: int, byte_column: int) -> int:
    """The 1-based character column of a byte column within a line."""
    if source is None:
        return byte_column + 1
    prefix = source[line_start_byte : line_start_byte + byte_column]
    return len(prefix.decode("utf-8", "replace")) + 1


def source_of(result: FileResult, finding: Finding) -> bytes | None:
    """The text a finding's positions count in: the file's, or its notebook cell's or output's."""
    if result.parts:
        return result.parts.get(part_key(finding))
    return result.source


def notebook_place(finding: Finding) -> dict[str, int] | None:
    """`{"cell": n}` or `{"cell": n, "output": m}` (1-based) for a notebook finding, else None."""
    place = finding.data.get("notebook")
    return dict(place) if isinstance(place, dict) else None


def place_label(finding: Finding) -> str:
    """`cell 3:` or `cell 3 output 1:` before a notebook finding's line, `` for a plain file."""
    place = notebook_place(finding)
    if place is None:
        return ""
    output = f" output {place['output']}" if "output" in place else ""
    return f"cell {place['cell']}{output}:"


def span(result: FileResult, finding: Finding) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column), 1-based, columns in characters; for a notebook
    finding they count in its cell (or output)."""
    source = source_of(result, finding)
    start_col, end_col = finding.start.column + 1, finding.end.column + 1
    if source is not None:
        start_col = char_column(source, finding.start_byte - finding.start.column, finding.start.column)
        end_col = char_column(source, finding.end_byte - finding.end.column, finding.end.column)
    return finding.start.line + 1, start_col, finding.end.line + 1, end_col


def is_secret(finding: Finding) -> bool:
    """Findings whose flagged text is a credential: never print that text."""
    return "preview" in finding.data or "secret_kind" in finding.data


def origin_of(finding: Finding) -> str | None:
    """Where the flagged code came from (`inserted-block`, `typed`, `ai-commit`, `human-commit`), if known."""
    value = finding.data.get("origin")
    return value if isinstance(value, str) else None
