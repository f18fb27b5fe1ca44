"""`vetline scan` text output: grouped by file, the flagged line with a caret, like Ruff.

Colours only when writing to a terminal (and never when NO_COLOR is set). The flagged text of a
secret finding is masked in the shown line: the report must not echo a credential.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from vetline.rules.model import Finding, Rule, Severity

from ..scanner import FileResult
from . import is_secret, place_label, source_of, span

COLOURS = {Severity.HIGH: "31", Severity.MEDIUM: "33", Severity.LOW: "36"}
MASK = "•"


class Palette:
    """ANSI styling that collapses to plain text when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def render(results: Sequence[FileResult], rules: Mapping[str, Rule], colour: bool = False) -> str:
    palette = Palette(colour)
    blocks = [_file_block(r, rules, palette) for r in results if r.findings]
    errors = [f"{r.relative}: {palette.paint('skipped', '2')}: {e}" for r in results for e in r.errors]
    return "\n".join([*blocks, *errors, _summary(results, palette)]) + "\n"


def _file_block(result: FileResult, rules: Mapping[str, Rule], palette: Palette) -> str:
    lines = [palette.paint(result.relative, "1")]
    secrets = _secret_spans(result)
    for finding in result.findings:
        lines.extend(_finding_lines(result, finding, rules[finding.rule_id], palette, secrets))
    return "\n".join(lines) + "\n"


def _finding_lines(
    result: FileResult, finding: Finding, rule: Rule, palette: Palette, secrets: _SecretSpans
) -> list[str]:
    line, column, _, _ = span(result, finding)
    severity = palette.paint(finding.severity.label, COLOURS[finding.severity])
    head = f"  {place_label(finding)}{line}:{column} {palette.paint(rule.id, '1')} [{severity}, CWE-{(finding.cwe or rule.cwe)[0]}] {finding.message}"
    out = [head]
    if source_of(result, finding) is not None:
        out.extend(_snippet(result, finding, palette, secrets))
    if finding.fix is not None:
        safety = "safe fix" if finding.fix.safe else "unsafe fix: review it"
        out.append(f"     = {palette.paint('fix', '32')}: {finding.fix.title} ({safety})")
    return out


def _snippet(result: FileResult, finding: Finding, palette: Palette, secrets: _SecretSpans) -> list[str]:
    source = source_of(result, finding)
    assert source is not None
    line, column, end_line, end_column = span(result, finding)
    start = finding.start_byte - finding.start.column
    end = source.find(b"\n", start)
    text = source[start : end if end != -1 else len(source)].decode("utf-8", "replace").rstrip("\r")
    text = _mask_secrets(secrets.get((id(source), line), ()), text)
    last = end_column - 1 if end_line == line else len(text)
    gutter = " " * len(str(line))
    width = max(1, last - (column - 1))
    return [
        f"     {gutter} |",
        f"     {line} | {text}",
        f"     {gutter} | {' ' * (column - 1)}{palette.paint('^' * width, COLOURS[finding.severity])}",
    ]


_SecretSpans = dict[tuple[int, int], list[tuple[int, int | None]]]
"""(id of the text, 1-based line) -> the 0-based character range of each flagged secret on that
line (an end of None: the secret runs on past the line's end)."""


def _secret_spans(result: FileResult) -> _SecretSpans:
    """Where each flagged secret of the file lies, by line, so any finding's shown line masks them all."""
    spans: _SecretSpans = {}
    for finding in result.findings:
        source = source_of(result, finding)
        if not is_secret(finding) or source is None:
            continue
        first, column, last, end_column = span(result, finding)
        for line in range(first, last + 1):
            start = column - 1 if line == first else 0
            end = end_column - 1 if line == last else None
            spans.setdefault((id(source), line), []).append((start, end))
    return spans


def _mask_secrets(secrets: Sequence[tuple[int, int | None]], text: str) -> str:
    """Mask every flagged secret on the shown line, whichever finding the line is shown for.

    The mask keeps the length (which the message already states) so carets stay aligned.
    """
    for start, end in secrets:
        stop = len(text) if end is None else end
        text = text[:start] + MASK * (stop - start) + text[stop:]
    return text


def _summary(results: Sequence[FileResult], palette: Palette) -> str:
    counts = Counter(f.severity for r in results for f in r.findings)
    files = sum(1 for r in results if r.findings)
    total = sum(counts.values())
    if not total:
        return f"No findings in {len(results)} file(s)."
    by_severity = ", ".join(
        palette.paint(f"{counts[s]} {s.label}", COLOURS[s]) for s in sorted(Severity, reverse=True) if counts[s]
    )
    return f"Found {total} finding(s) in {files} file(s): {by_severity}."
