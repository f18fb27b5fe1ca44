"""Invisible Unicode (bidi controls, zero-width and tag characters, variation-selector runs) that
makes text read differently to a reviewer than to a compiler or a model: Trojan Source and the
"rules file backdoor" of agent instruction files."""

from __future__ import annotations

import unicodedata

from ..context import FileContext
from ..engine import make_finding
from ..languages import LANGUAGES
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from ._hidden import HiddenRun, hidden_runs
from ._instructions import is_instruction_file

_PROSE = frozenset({"markdown", "ignore"})  # removing an invisible character never changes meaning
_STRING_NODES = ("string", "template_string", "string_fragment", "string_content", "concatenated_string", "regex")


_DATA = ("a string literal", "a configuration value")
_GENERATED_LINE = 1000  # bytes: a line this long is minified or generated, not code a reviewer reads


def find_hidden(ctx: FileContext) -> list[Finding]:
    rule = ctx.rules.get(RULE.id, RULE)
    found = []
    start, end = 0, -1
    for run in hidden_runs(ctx.source):
        where = _context(ctx, run)
        if run.start > end:  # runs come in order: a line's bounds are found once, however many runs it holds
            start, end = _line_bounds(ctx.source, run.start)
        if where not in ("a comment", "Markdown text") and end - start > _GENERATED_LINE:
            continue  # checked first: the right-to-left test below reads the whole line
        if where in _DATA and (not _smuggles(run) or _formats_rtl_text(ctx.source[start:end], run)):
            continue  # a lone zero-width character in data: locale text, a whitespace table
        found.append(_finding(ctx, rule, run, where))
    return found


def _smuggles(run: HiddenRun) -> bool:
    """Bidi controls, tag characters and variation-selector runs change or hide text even inside data."""
    return any(kind.startswith(("bidirectional", "Unicode tag", "variation")) for kind in run.kinds)


def _formats_rtl_text(line: bytes, run: HiddenRun) -> bool:
    """Bidi controls beside right-to-left letters on the same line of a value: the embedding and
    override controls translators put around Arabic, Hebrew or Urdu words (a weekday name in a
    locale file), not text made to read differently from what it is."""
    if not all(kind.startswith("bidirectional") for kind in run.kinds):
        return False
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in line.decode("utf-8", "replace"))


def _line_bounds(source: bytes, offset: int) -> tuple[int, int]:
    """Start and end (exclusive, before the line break) of the line holding `offset`."""
    start = source.rfind(b"\n", 0, offset) + 1
    end = source.find(b"\n", offset)
    return start, len(source) if end < 0 else end


def _finding(ctx: FileContext, rule: Rule, run: HiddenRun, where: str) -> Finding:
    message = (
        f"Hidden characters ({', '.join(run.kinds)}) in {where}: the text a reviewer sees differs from what "
        "a compiler or an AI assistant reads."
    )
    if run.decoded:
        message += f' They spell out hidden text: "{run.decoded}".'
    safe = where in ("a comment", "Markdown text")
    title = "Remove the hidden characters" + ("" if safe else " (review: they are inside code or a value)")
    fix = Fix(title, (Edit(run.start, run.end, ""),), safe=safe)
    cwe = (1007, 451) if "bidirectional" not in " ".join(run.kinds) else (451, 1007)
    severity = None if _smuggles(run) else Severity.MEDIUM if is_instruction_file(ctx.path) else Severity.LOW
    data = {"kinds": list(run.kinds)}
    return make_finding(rule, ctx, run.start, run.end, message=message, fix=fix, data=data, cwe=cwe, severity=severity)


def _context(ctx: FileContext, run: HiddenRun) -> str:
    """Where the run sits: a comment, a string literal, code, Markdown text or a configuration value."""
    if ctx.language in _PROSE:
        return "Markdown text" if ctx.language == "markdown" else "an ignore file"
    if ctx.tree is None:
        return "a configuration value"
    node = ctx.tree.root_node.descendant_for_byte_range(run.start, run.end)
    while node is not None:
        if "comment" in node.type:
            return "a comment"
        if node.type in _STRING_NODES:
            return "a string literal"
        node = node.parent
    return "code"


RULE = Rule(
    id="hidden-unicode-characters",
    title="Hidden Unicode characters",
    category=Category.AI_CONTEXT,
    cwe=(1007, 451),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset(spec.id for spec in LANGUAGES),
    scan=find_hidden,
    fixable=True,
    message="Invisible Unicode characters make the text read differently than it looks.",
    docs="""## Why is this bad?
Bidirectional controls (U+202A-U+202E, U+2066-U+2069) reorder what an editor shows, so code that
looks like a comment runs (Trojan Source, CVE-2021-42574). Zero-width characters split or join
words invisibly. Unicode tag characters (U+E0000-U+E007F) and runs of variation selectors carry
whole hidden sentences that a model reads and a human does not: the "rules file backdoor" hides
instructions in `AGENTS.md`, `.cursor/rules/*.mdc` or `.github/copilot-instructions.md`. The
message decodes tag and variation-selector text so you can see what is hidden.

Inside string literals and configuration values (locale text, whitespace tables) only the
characters that reorder or hide text are reported: bidi controls, tag characters and
variation-selector runs, not a lone zero-width character; and bidi controls on a line that
holds right-to-left letters (a translated Urdu or Hebrew word in a locale file) format that
text, so they are not reported there either. Lines over 1,000 bytes in code and
data (minified bundles, generated tables) are not read: nobody reviews them line by line.
Legitimate uses stay quiet: one variation selector after a visible character (an emoji's
`U+FE0F`, a CJK variant), a zero-width joiner or non-joiner after a letter or symbol of a script that
needs it (emoji sequences, Persian, Kurdish, Indic), a subdivision flag's tag sequence, a byte-order mark at
the start of a file, and right-to-left text with only directional marks (LRM, RLM, ALM).

Bidi controls, tag characters and variation-selector runs are high severity; a stray zero-width
character (often pasted from a word processor) is low, medium in an agent instruction file.

## How to fix
Delete the characters; if right-to-left text needs direction control, use the marks (LRM/RLM).

## Fix safety
Safe in comments, Markdown and ignore files, where the characters carry no meaning a program
reads. Unsafe inside string literals, code and configuration values, where removing them
changes the value: review that the program did not rely on them.
""",
    references=(
        "https://trojansource.codes/",
        "https://cwe.mitre.org/data/definitions/1007.html",
        "https://www.unicode.org/reports/tr9/",
        "https://www.pillar.security/blog/new-vulnerability-in-github-copilot-and-cursor-how-hackers-can-weaponize-code-agents",
    ),
    examples="""
# ruleid: hidden-unicode-characters
access = "user" # Check if admin\u202e \u2066# begin admin only
# ruleid: hidden-unicode-characters
token = "ab\u202ecd"
# ok: hidden-unicode-characters
persian_space = "\u200c"
# ruleid: hidden-unicode-characters
style = "pep8"  # Follow the style guide\U000e0053\U000e0065\U000e006e\U000e0064
# ok: hidden-unicode-characters
greeting = "I \u2764\ufe0f Python"
# ok: hidden-unicode-characters
hebrew = "\u05e9\u05dc\u05d5\u05dd"
# ok: hidden-unicode-characters
sunday_ur = "\u0627\u062a\u0648\u0627\u0631\u202c\u202e"
# ruleid: hidden-unicode-characters
sunday_ur = "\u0627\u062a"  # \u202e check admin
# ok: hidden-unicode-characters
family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
""",
)
