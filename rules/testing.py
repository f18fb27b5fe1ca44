"""The annotation harness: a rule's `examples` (and fixture files) are its tests.

Semgrep's convention, found through tree-sitter comment nodes so `#`, `//` and `/* */` work:
- `ruleid: <id>`     the rule must fire on the next code line;
- `ok: <id>`         it must not fire there;
- `todoruleid: <id>` a known miss: it must not fire (yet); the test flips when the rule improves;
- `todook: <id>`     a known false alarm: it fires (for now).
A trailing annotation (`code  # ok: id`) annotates its own line. Besides the annotated lines,
the rule must fire nowhere else in the example, so a finding on the wrong line fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import languages
from .engine import Engine
from .model import Edit, Fix, Rule
from .patterns import linear
from .secrets._syntax import comment_spans as text_comments
from .templates._syntax import TEMPLATE_LANGUAGES
from .templates._syntax import comments as template_comments

_ANNOTATION = linear(r"\b(?P<kind>todoruleid|todook|ruleid|ok)\s*:\s*(?P<ids>[a-z0-9, -]+)")


@dataclass
class Expectations:
    """Zero-based lines where a rule must fire and where it must stay quiet."""

    fires: set[int] = field(default_factory=set)
    quiet: set[int] = field(default_factory=set)
    annotated_kinds: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class HarnessResult:
    """What the rule did against what the annotations asked, as sorted 1-based line lists."""

    expected: list[int]
    actual: list[int]
    missing: list[int]
    unexpected: list[int]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected


def expectations(source: str, language: str, rule_id: str) -> Expectations:
    """Read the annotations for `rule_id` from the comments of `source`."""
    data = source.encode("utf-8")
    lines = data.split(b"\n")
    result = Expectations()
    for start, end in _comments(data, language):
        for hit in _ANNOTATION.finditer(data[start:end].decode("utf-8", "replace")):
            ids = {part.strip(" -") for part in hit.group("ids").split(",")}  # ` -->` closes XML
            if rule_id not in ids:
                continue
            kind = hit.group("kind")
            result.annotated_kinds.add(kind)
            line_start = data.rfind(b"\n", 0, start) + 1
            line = _annotated_line(lines, data.count(b"\n", 0, start), start - line_start)
            (result.fires if kind in ("ruleid", "todook") else result.quiet).add(line)
    return result


def _comments(data: bytes, language: str) -> list[tuple[int, int]]:
    """Byte spans of the comments: tree-sitter comment nodes, or `{# #}` in templates."""
    if language in TEMPLATE_LANGUAGES:
        text = data.decode("utf-8")
        return [(len(text[:s].encode()), len(text[:e].encode())) for s, e in template_comments(text)]
    if languages.grammar(language) is None:  # full-line comments, found as the secrets reader finds them
        text = data.decode("utf-8")
        return [(len(text[:s].encode()), len(text[:e].encode())) for s, e in text_comments(text, language)]
    ts_parser = languages.parser(language)
    assert ts_parser is not None
    found = []
    stack = [ts_parser.parse(data).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if "comment" in node.type:
            found.append((node.start_byte, node.end_byte))
    return found


def _annotated_line(lines: list[bytes], comment_line: int, comment_column: int) -> int:
    if lines[comment_line][:comment_column].strip():
        return comment_line  # trailing annotation: annotates its own line
    for line in range(comment_line + 1, len(lines)):
        stripped = lines[line].strip()
        if stripped and not stripped.startswith((b"#", b"//", b"/*", b"*", b"{#", b"<!--")):
            return line
    return comment_line + 1


def check_examples(rule: Rule, source: str, language: str, path: str = "example") -> HarnessResult:
    """Run only `rule` over `source` and compare the lines it fires on with the annotations."""
    expected = expectations(source, language, rule.id)
    analysis = Engine([rule]).analyze(source.encode("utf-8"), language, path)
    if analysis.errors:
        raise AssertionError(f"rule {rule.id} crashed: {analysis.errors}")
    actual = {f.start.line for f in analysis.findings}
    return HarnessResult(
        expected=sorted(line + 1 for line in expected.fires),
        actual=sorted(line + 1 for line in actual),
        missing=sorted(line + 1 for line in expected.fires - actual),
        unexpected=sorted(line + 1 for line in actual - expected.fires),
    )


def apply_fixes(source: bytes, fixes: list[Fix], only_safe: bool = False) -> bytes:
    """Apply `fixes` to `source` the way an editor's fix-all does (edits on other files ignored).

    Fixes are taken whole or not at all: a fix whose edits overlap an edit already accepted is
    skipped (the next lint pass offers it again). Identical edits (two fixes adding the same
    import) are applied once.
    """
    accepted: set[Edit] = set()
    for fix in fixes:
        if only_safe and not fix.safe:
            continue
        own = {e for e in fix.edits if e.path is None}
        if not any(_overlaps(e, other) for e in own for other in accepted if e != other):
            accepted |= own
    result = source
    for edit in sorted(accepted, key=lambda e: (e.start_byte, e.end_byte), reverse=True):
        result = result[: edit.start_byte] + edit.new_text.encode("utf-8") + result[edit.end_byte :]
    return result


def _overlaps(a: Edit, b: Edit) -> bool:
    if a.start_byte == a.end_byte == b.start_byte == b.end_byte:
        return True  # two different insertions at one point: their order would be a guess
    return a.start_byte < b.end_byte and b.start_byte < a.end_byte
