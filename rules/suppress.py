"""Suppression comments: `# vetline: ignore[rule-id]`, Bandit's `# nosec`, Ruff's `# noqa: S…`.

- `# vetline: ignore[a, b]` (or bare `# vetline: ignore`) on the flagged line, or alone on the
  line before it; `# vetline: ignore-file[a]` anywhere silences a rule for the whole file.
- `# nosec` (all rules) or `# nosec B602 B603` (rules whose Bandit alias matches), same line.
- `# noqa: S602` (rules whose Ruff alias matches), same line. A bare `# noqa` is *not* honoured:
  teams add it for style checks and it must not silence a security finding by accident.
- `// nosemgrep` (all rules) or `// nosemgrep: rule-id` (rules with that Semgrep alias, by full
  id or last dotted part), on the line or alone on the line before; honoured with `nosec`.
- `// eslint-disable-line security/detect-child-process` and `// eslint-disable-next-line ...`
  naming an ESLint alias of a rule; honoured with `noqa`. A bare `eslint-disable-line` is not.

Candidates are found by a regular expression (cheap, usually no hit), then confirmed to sit in
a comment node, so a string literal that contains "# nosec" silences nothing. `//` and `/* */`
comments work the same way in languages that use them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .model import Finding
from .patterns import linear

if TYPE_CHECKING:
    from .context import FileContext
    from .engine import SuppressionSettings

_DIRECTIVE = linear(
    rb"(?:#|//|/\*)[^\n]*?\b(?:"
    rb"vetline:\s*(?P<kind>ignore-file|ignore)(?:\[(?P<ids>[^\]\n]*)\])?"
    rb"|(?P<nosec>nosec)(?P<nosec_ids>(?:[ \t,]+[A-Z]+\d+)*)"
    rb"|(?P<noqa>noqa)(?::\s*(?P<noqa_ids>[A-Z]+\d+(?:[ \t,]+[A-Z]+\d+)*))?"
    rb"|(?P<nosemgrep>nosemgrep)(?:[ \t]*:[ \t]*(?P<nosemgrep_ids>[\w./-]+(?:[ \t]*,[ \t]*[\w./-]+)*))?"
    rb"|(?P<eslint>eslint-disable(?P<eslint_next>-next)?-line)(?P<eslint_ids>(?:[ \t,]+[@\w./-]+)*)"
    rb")",
)
ALL = "*"


_MAX_FOREIGN_SPAN = 30  # lines of a multi-line finding searched for a Bandit/Ruff comment


@dataclass
class Suppressions:
    """Rule ids (or `*`) silenced per zero-based line, and for the whole file."""

    by_line: dict[int, set[str]] = field(default_factory=dict)
    file_wide: set[str] = field(default_factory=set)
    foreign_by_line: dict[int, set[str]] = field(default_factory=dict)  # Bandit/Ruff codes or *

    def silences(self, finding: Finding, aliases: tuple[str, ...]) -> bool:
        line = finding.start.line
        ids = self.by_line.get(line, set())
        if self.file_wide & {ALL, finding.rule_id} or ids & {ALL, finding.rule_id}:
            return True
        # Like Bandit's line range: a `# nosec`/`# noqa: S608` on any line of a multi-line finding
        # (the query string inside `cursor.execute(...)`) counts, as those tools report there.
        last = min(finding.end.line, line + _MAX_FOREIGN_SPAN)
        foreign = set().union(*(self.foreign_by_line.get(n, set()) for n in range(line, last + 1)))
        # Semgrep ids are dotted paths; a comment may name the rule by its last part.
        names = {*aliases, *(alias.rsplit(".", 1)[-1] for alias in aliases if "." in alias)}
        return ALL in foreign or bool(foreign & names)


def parse(ctx: FileContext, settings: SuppressionSettings) -> Suppressions:
    """Collect the suppression comments of a file."""
    found = Suppressions()
    for hit in _DIRECTIVE.finditer(ctx.source):
        if not _in_comment(ctx, hit.start()):
            continue
        position = ctx.position(hit.start())
        if hit.group("kind"):
            ids = _split_ids(hit.group("ids"))
            if hit.group("kind") == b"ignore-file":
                found.file_wide |= ids
            else:
                for line in _lines_covered(ctx, position.line, hit.start()):
                    found.by_line.setdefault(line, set()).update(ids)
        elif hit.group("nosec") and settings.honour_nosec:
            codes = _split_ids(hit.group("nosec_ids"))
            found.foreign_by_line.setdefault(position.line, set()).update(codes)
        elif hit.group("noqa") and settings.honour_noqa and hit.group("noqa_ids"):
            codes = _split_ids(hit.group("noqa_ids"))
            found.foreign_by_line.setdefault(position.line, set()).update(codes)
        elif hit.group("nosemgrep") and settings.honour_nosec:
            codes = _semgrep_ids(hit.group("nosemgrep_ids"))
            for line in _lines_covered(ctx, position.line, hit.start()):
                found.foreign_by_line.setdefault(line, set()).update(codes)
        elif hit.group("eslint") and settings.honour_noqa and hit.group("eslint_ids").strip():
            line = position.line + 1 if hit.group("eslint_next") else position.line
            found.foreign_by_line.setdefault(line, set()).update(_split_ids(hit.group("eslint_ids")))
    return found


def _semgrep_ids(raw: bytes | None) -> set[str]:
    """`nosemgrep: a.b.rule-id` matches an alias by its full id or its last dotted part."""
    ids = _split_ids(raw)
    return ids | {part.rsplit(".", 1)[-1] for part in ids}


def filter_findings(
    findings: list[Finding],
    ctx: FileContext,
    aliases: Mapping[str, tuple[str, ...]],
    settings: SuppressionSettings,
) -> list[Finding]:
    """Drop the findings that a suppression comment silences."""
    if not findings:
        return findings
    suppressions = parse(ctx, settings)
    if not (suppressions.by_line or suppressions.file_wide or suppressions.foreign_by_line):
        return findings
    return [f for f in findings if not suppressions.silences(f, aliases.get(f.rule_id, ()))]


def _split_ids(raw: bytes | None) -> set[str]:
    if raw is None or not raw.strip():
        return {ALL}
    return {part for part in re.split(r"[\s,]+", raw.decode("utf-8", "replace")) if part}


def _lines_covered(ctx: FileContext, line: int, offset: int) -> tuple[int, ...]:
    """A comment alone on its line covers the next line too; a trailing one only its own."""
    line_start = ctx.line_starts[line]
    if ctx.source[line_start:offset].strip() == b"":
        return (line, line + 1)
    return (line,)


def _in_comment(ctx: FileContext, offset: int) -> bool:
    if ctx.tree is None:
        return True  # plain-text formats: a comment marker is all there is
    node = ctx.tree.root_node.descendant_for_byte_range(offset, offset + 1)
    return node is not None and "comment" in node.type
