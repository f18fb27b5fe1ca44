"""The AI assistants vetline knows: how a project shows it uses each, and how each excludes files.

One row per tool, with the documentation its semantics come from. "Covered" means a tool's own
documented mechanism keeps the file out of what the assistant reads:
- an ignore file in gitignore syntax (`ignore_file`), at the project root unless `nested`
  (`.aiexclude` applies at or below the folder that holds it, and an empty one blocks all);
- `.gitignore`, for the tools documented to honour it (`honours_gitignore`);
- built-in defaults (`defaults`, gitignore patterns);
- Claude Code's `permissions.deny` `Read(...)` rules (`claude_permissions`).
A tool whose exclusions live outside the repository (`in_repo=False`: Copilot content
exclusion is set in GitHub's repository or organisation settings) cannot be checked from the
files; vetline notes it once per project instead of reporting every file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tool:
    key: str  # the name used in `[tool.vetline.ai_context] tools` and `--tools`
    name: str
    markers: tuple[str, ...]  # project-root paths that show the tool is used; "x/" is a folder
    mechanism: str  # how the tool excludes files, for messages and the README
    docs: str
    ignore_file: str | None = None
    nested: bool = False
    honours_gitignore: bool = False
    defaults: tuple[str, ...] = ()
    claude_permissions: bool = False
    in_repo: bool = True


TOOLS: tuple[Tool, ...] = (
    # .cursorignore blocks Agent, Tab, inline edit and @-mentions; .gitignore and
    # .cursorindexingignore only keep files out of the index, so they do not count here.
    # Cursor ignores `.env` files by default.
    Tool(
        "cursor",
        "Cursor",
        (".cursorignore", ".cursorindexingignore", ".cursor/", ".cursorrules"),
        "`.cursorignore`",
        "https://cursor.com/docs/reference/ignore-file",
        ignore_file=".cursorignore",
        defaults=(".env", ".env.*"),
    ),
    # Claude Code has no ignore file (a `.claudeignore` does nothing) and reads git-ignored
    # files; only `permissions.deny` `Read(...)` rules in its settings keep a file out.
    Tool(
        "claude-code",
        "Claude Code",
        (".claude/", "CLAUDE.md", "CLAUDE.local.md", ".mcp.json"),
        "`permissions.deny`",
        "https://code.claude.com/docs/en/settings",
        claude_permissions=True,
    ),
    # Aider works on the git repository: files git ignores stay out unless
    # --add-gitignore-files; .aiderignore (repository root) excludes more.
    Tool(
        "aider",
        "Aider",
        (".aiderignore", ".aider.conf.yml"),
        "`.aiderignore`",
        "https://aider.chat/docs/config/options.html#--aiderignore-aiderignore",
        ignore_file=".aiderignore",
        honours_gitignore=True,
    ),
    # Windsurf ignores .gitignore'd paths and those in .codeiumignore at the repository root.
    Tool(
        "windsurf",
        "Windsurf",
        (".codeiumignore", ".windsurf/", ".windsurfrules"),
        "`.codeiumignore`",
        "https://docs.windsurf.com/context-awareness/windsurf-ignore",
        ignore_file=".codeiumignore",
        honours_gitignore=True,
    ),
    # Gemini Code Assist and Gemini in Android Studio: .aiexclude files anywhere in the project
    # (gitignore syntax, no negation, an empty file blocks its whole folder); Code Assist also
    # honours the root .gitignore by default.
    Tool(
        "gemini-code-assist",
        "Gemini Code Assist",
        (".aiexclude",),
        "`.aiexclude`",
        "https://developers.google.com/gemini-code-assist/docs/create-aiexclude-file",
        ignore_file=".aiexclude",
        nested=True,
        honours_gitignore=True,
    ),
    # Gemini CLI respects .gitignore by default (`context.fileFiltering.respectGitIgnore`) and
    # reads .geminiignore at the project root.
    Tool(
        "gemini-cli",
        "Gemini CLI",
        ("GEMINI.md", ".gemini/", ".geminiignore"),
        "`.geminiignore`",
        "https://geminicli.com/docs/cli/gemini-ignore/",
        ignore_file=".geminiignore",
        honours_gitignore=True,
    ),
    # JetBrains AI Assistant and Junie: .aiignore at the project root, gitignore syntax.
    Tool(
        "jetbrains-ai",
        "JetBrains AI",
        (".aiignore", ".noai"),
        "`.aiignore`",
        "https://www.jetbrains.com/help/ai-assistant/disable-ai-assistant.html",
        ignore_file=".aiignore",
    ),
    # Continue: .continueignore in each workspace folder (core/indexing/continueignore.ts); its
    # file walk also skips what .gitignore ignores.
    Tool(
        "continue",
        "Continue",
        (".continueignore", ".continue/"),
        "`.continueignore`",
        "https://docs.continue.dev/customize/context/codebase",
        ignore_file=".continueignore",
        honours_gitignore=True,
    ),
    # Copilot content exclusion lives in GitHub's repository/organisation settings.
    Tool(
        "copilot",
        "GitHub Copilot",
        (".github/copilot-instructions.md", ".github/instructions/"),
        "content exclusion (GitHub settings)",
        "https://docs.github.com/copilot/concepts/context/content-exclusion",
        in_repo=False,
    ),
)

BY_KEY = {tool.key: tool for tool in TOOLS}
ALIASES = {
    "claude": "claude-code",
    "gemini": "gemini-code-assist",
    "jetbrains": "jetbrains-ai",
    "github-copilot": "copilot",
}
# Every file whose change can change what a tool covers (watched by the language server).
EXCLUSION_FILES = (
    ".gitignore",
    *(t.ignore_file for t in TOOLS if t.ignore_file),
    "settings.json",
    "settings.local.json",
)


def lookup(name: str) -> Tool | None:
    """The tool for a configured name (`cursor`, `claude-code`, aliases such as `claude`)."""
    key = name.strip().lower()
    return BY_KEY.get(ALIASES.get(key, key))


def names(tools: list[Tool] | tuple[Tool, ...]) -> str:
    """ "Cursor", "Cursor and Aider", "Cursor, Aider and Claude Code"."""
    return listing([tool.name for tool in tools], "and")


def listing(labels: list[str], word: str) -> str:
    """ "a", "a or b", "a, b or c"."""
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} {word} {labels[-1]}"
