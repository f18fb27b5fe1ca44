"""How a secret may appear in anything vetline prints: its kind, its name, never its value.

Messages, hover text, JSON, SARIF, `Finding.data` and logs all go through `preview`, which
keeps at most the first three characters (enough to tell `sk-` from `ghp_`) and the length.
Short values keep fewer characters so that a 4-character password is not three-quarters shown.
"""

from __future__ import annotations

from ..patterns import backtracking, linear

_ENV_UNSAFE = linear(r"[^A-Z0-9_]+")
_CAMEL = backtracking(r"(?<=[a-z0-9])(?=[A-Z])", why="two one-character look-arounds, no quantifier")


def preview(value: str) -> str:
    """`sk-…, 51 chars`: a redacted description of a secret value."""
    shown = 3 if len(value) >= 12 else 1 if len(value) >= 6 else 0
    return f"{value[:shown]}…, {len(value)} chars"


def describe(kind: str, name: str | None, value: str, verb: str = "assigned to") -> str:
    """`OpenAI API key assigned to `OPENAI_API_KEY` (sk-…, 51 chars)` without the value."""
    where = f" {verb} `{name}`" if name else ""
    return f"{kind}{where} ({preview(value)})"


def env_name(name: str | None, fallback: str = "SECRET") -> str:
    """An environment variable name for a code name: `openaiApiKey` -> `OPENAI_API_KEY`."""
    text = _CAMEL.sub("_", name or "").upper()
    text = _ENV_UNSAFE.sub("_", text).strip("_")
    text = text.lstrip("0123456789_")
    return text or fallback
