"""Which files are agent instruction files, and the red-flag instructions vetline looks for in them.

Every pattern is matched line by line with bounded gaps (`[^\\n]{0,N}`) and no nested
repetition, so matching is linear in the file size. Patterns are deliberately narrow: a
convention such as "never commit secrets" or "do not disable SSL verification" is negated
and never matches; a finding needs a verb of sending or disabling aimed at a secret or a check.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from ..patterns import LinearPattern, linear

INSTRUCTION_FILES = (
    "AGENTS.md", "AGENT.md", "CLAUDE.md", "CLAUDE.local.md", "GEMINI.md", ".cursorrules", ".windsurfrules",
    ".clinerules", "copilot-instructions.md", "SKILL.md",
)  # fmt: skip
INSTRUCTION_GLOBS = (
    "*/.cursor/rules/*", "*/.github/instructions/*.md", "*/.windsurf/rules/*", "*/.clinerules/*",
    "*/.github/prompts/*.md", "*/.claude/commands/*.md", "*/.claude/agents/*.md",
)  # fmt: skip

_SECRET = (
    r"(?:\b(?:secrets?|tokens?|api[ _-]?keys?|credentials?|passwords?|ssh[ _-]?keys?|private[ _-]?keys?|id_rsa"
    r"|environment variables|env vars|cookies)\b|\.env\b|~/\.(?:aws|ssh)\b)"
)
_NEGATION = linear(
    r"\b(?:never|not|don'?t|doesn'?t|avoid|without|no|forbid\w*|prohibit\w*|instead of)\b", re.IGNORECASE
)

CHECKS: tuple[tuple[str, LinearPattern, str], ...] = (
    (
        "exfiltration",
        linear(
            r"\b(?:send|post|upload|exfiltrate|transmit|forward|leak|report|submit)\b[^\n]{0,40}?"
            + _SECRET
            + r"[^\n]{0,60}?\b(?:to|into|at)\b[^\n]{0,30}?(?:https?://|webhook|pastebin|gist\b|discord|telegram)",
            re.IGNORECASE,
        ),
        "tells the agent to send secrets or files to a remote address",
    ),
    (
        "exfiltration",
        linear(
            r"\b(?:curl|wget)\b[^\n]{0,80}?(?:-d|--data\S*|-F|--form|-T|--upload-file)\s+\S{0,4}@?[^\n]{0,20}?"
            + _SECRET,
            re.IGNORECASE,
        ),
        "tells the agent to upload secrets with curl or wget",
    ),
    (
        "pipe-to-shell",
        linear(
            r"\b(?:curl|wget|iwr|irm|Invoke-WebRequest|Invoke-RestMethod)\b[^\n|]{0,200}\|\s*(?:sudo\s+)?(?:ba|z|da|k)?sh\b"
            r"|\b(?:curl|wget)\b[^\n|]{0,200}\|\s*(?:sudo\s+)?(?:python3?|node|perl|ruby|iex)\b"
            r"|\b(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b",
            re.IGNORECASE,
        ),
        "tells the agent to pipe a download into a shell",
    ),
    (
        "disable-checks",
        linear(
            r"\b(?:disable|skip|bypass|turn off|switch off|deactivate|circumvent|suppress)\s+(?:all\s+|any\s+|the\s+)?"
            r"(?:security|safety|secret|vulnerability|ssl|tls|certificate|signature|permission|sandbox|vetline|bandit"
            r"|semgrep|codeql|snyk|pre-commit)\s+(?:checks?|scans?|scanning|scanners?|warnings?|verification|validation"
            r"|prompts?|rules?|hooks?|reviews?|linters?|tests?)\b"
            r"|\bgit\s+(?:commit|push|merge|rebase|am)\b[^\n`]{0,80}?--no-verify\b"
            r"|--dangerously-skip-permissions\b|\bbypassPermissions\b",
            re.IGNORECASE,
        ),
        "tells the agent to disable or skip security checks",
    ),
    (
        "conceal",
        linear(
            r"\b(?:hide|conceal)\s+(?:this|these|the|your|any|all)?\s*(?:actions?|changes?|commands?|steps?|activity|edits?)"
            r"\s+from\s+(?:the\s+)?(?:user|developer|human|reviewer|owner)"
            r"|\bwithout\s+(?:telling|informing|notifying|alerting)\s+(?:the\s+)?(?:user|developer|human|reviewer)"
            r"|\b(?:do not|don'?t|never)\s+(?:tell|inform|notify|alert)\s+(?:the\s+)?(?:user|developer|human|reviewer)"
            r"\s+(?:about|of|that)\b"
            r"|\bsilently\s+(?:send|upload|post|exfiltrate|transmit|download|install)\b",
            re.IGNORECASE,
        ),
        "tells the agent to hide what it does from the user",
    ),
)
# Conceal checks are themselves negations ("do not tell the user"), so they skip the negation test.
_NEGATABLE = frozenset({"exfiltration", "pipe-to-shell", "disable-checks"})


def is_instruction_file(path: str) -> bool:
    """True for the files assistants load as instructions (by name or by folder)."""
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.name in INSTRUCTION_FILES:
        return True
    anchored = "/" + posix.as_posix().lstrip("/")
    return any(fnmatch.fnmatch(anchored, pattern) for pattern in INSTRUCTION_GLOBS)


def red_flags(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, what it asks) character offsets of each red-flag instruction, one per line."""
    offset = 0
    for line in text.split("\n"):
        for kind, pattern, description in CHECKS:
            match = pattern.search(line)
            if match is None:
                continue
            if kind in _NEGATABLE and _NEGATION.search(line[: match.start()]):
                continue
            yield offset + match.start(), offset + match.end(), description
            break
        offset += len(line) + 1
