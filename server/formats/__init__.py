"""Scan report formats: Ruff-like text for people, JSON for scripts, SARIF 2.1.0 for code scanning.

Each module exposes `render(results, rules) -> str`. All formats report columns in characters
(code points), 1-based, the way editors and GitHub count them; the engine counts bytes.
"""

from __future__ import annotations

from vetline.rules.model import Finding

from ..scanner import FileResult


def char_column(source: bytes | None, line_start_byte: int, byte_column: int) -> int:
    """The 1-based character column of a byte column within a line."""
    if source is None:
        return byte_column + 1
    prefix = source[line_start_byte : line_start_byte + byte_column]
    return len(prefix.decode("utf-8", "replace")) + 1


def line_start(source: bytes, line: int) -> int:
    """The byte offset where zero-based `line` starts."""
    offset = 0
    for _ in range(line):
        offset = source.index(b"\n", offset) + 1
    return offset


def span(result: FileResult, finding: Finding) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column), 1-based, columns in characters."""
    source = result.source
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
