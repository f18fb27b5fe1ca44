"""An agent instruction file that tells the assistant to leak secrets, run downloaded code,
switch off security checks or hide what it does: a poisoned or careless rules file."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ._instructions import is_instruction_file, red_flags


def find_risky_instructions(ctx: FileContext) -> list[Finding]:
    if not is_instruction_file(ctx.path):
        return []
    rule = ctx.rules.get(RULE.id, RULE)
    text = ctx.source.decode("utf-8", "replace")
    found = []
    for start, end, description in red_flags(_reveal(text)):
        head = len(text[:start].encode("utf-8"))
        tail = head + len(text[start:end].encode("utf-8"))
        hidden = " (written in hidden Unicode tag characters)" if _reveal(text[start:end]) != text[start:end] else ""
        message = f"This instruction{hidden} {description}; an agent following it acts against the user."
        found.append(make_finding(rule, ctx, head, tail, message=message))
    return found


def _reveal(text: str) -> str:
    """Tag characters (U+E0020-E007E) read as the ASCII they mirror, one character for one, so
    instructions hidden from the reader are judged like visible ones at the same offsets."""
    if not any(0xE0000 <= ord(ch) <= 0xE007F for ch in text):
        return text
    return "".join(chr(ord(ch) - 0xE0000) if 0xE0020 <= ord(ch) <= 0xE007E else ch for ch in text)


RULE = Rule(
    id="agent-instruction-risk",
    title="Risky instruction in an agent instruction file",
    category=Category.AI_CONTEXT,
    cwe=(1427, 506),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"markdown"}),
    scan=find_risky_instructions,
    message="An agent instruction file asks the assistant to do something harmful.",
    docs="""## Why is this bad?
Assistants follow `AGENTS.md`, `CLAUDE.md`, `GEMINI.md`, `.cursorrules`, `.cursor/rules/*.mdc`,
`.github/copilot-instructions.md`, `.github/instructions/*.md`, `.windsurfrules`,
`.windsurf/rules/*`, `.clinerules` and agent skills (`SKILL.md`) as if the user had typed them. A contributed or
compromised rules file can tell the agent to send secrets or files to a URL, to pipe a download
into a shell, to disable or skip security checks (`--no-verify`, "skip the security scan"), or
to hide what it does from the user.

The patterns are conservative: each needs a verb of sending, piping, disabling or hiding aimed
at a secret, a shell or a check, and a negated sentence ("never send secrets to ...", "do not
disable SSL verification") is a convention, not a red flag. Confidence is medium: read the
instruction in its context.

## How to fix
Remove the instruction, or reword it so the agent asks the user first. Review who added it.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1427.html",
        "https://genai.owasp.org/llmrisk/llm01-prompt-injection/",
        "https://agents.md/",
    ),
    examples="",  # Markdown has no grammar for the annotation harness: tests/rules/test_aicontext_instructions.py
)
