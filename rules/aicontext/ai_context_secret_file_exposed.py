"""A secret-bearing file that at least one assistant the project uses may read and send to its model."""

from __future__ import annotations

from pathlib import Path

from ..context import FileContext
from ..engine import make_finding
from ..languages import LANGUAGES
from ..model import Category, Confidence, Finding, Fix, Rule, Severity
from ._exposure import exposure, fix_edits
from ._tools import listing, names


def find_exposed(ctx: FileContext) -> list[Finding]:
    found = exposure(ctx)
    if found is None or not found.exposing:
        return []
    rule = ctx.rules.get(RULE.id, RULE)
    tools = found.exposing
    mechanisms = listing(list(dict.fromkeys(tool.mechanism for tool in tools)), "or")
    message = (
        f"`{found.relative}` ({found.reason}) is readable by {names(tools)}: not covered by {mechanisms}; "
        "its contents can reach the assistant's model provider."
    )
    edits = fix_edits(found, Path(ctx.path).resolve().parent)
    fix = Fix(f"Exclude `{found.relative}` from {names(tools)}", tuple(edits), safe=True) if edits else None
    end = ctx.source.find(b"\n")
    end = len(ctx.source) if end < 0 else end
    data = {"tools": [tool.key for tool in tools], "path": found.relative}
    return [make_finding(rule, ctx, 0, end, message=message, fix=fix, data=data)]


RULE = Rule(
    id="ai-context-secret-file-exposed",
    title="Secret file readable by an AI assistant",
    category=Category.AI_CONTEXT,
    cwe=(200,),
    owasp=("A01:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    # Configuration, text and key files; source code is checked by the secrets rules instead.
    languages=frozenset(spec.id for spec in LANGUAGES if spec.grammar is None),
    scan=find_exposed,
    fixable=True,
    message="A secret-bearing file is readable by an AI assistant the project uses.",
    docs="""## Why is this bad?
AI assistants read the workspace and send what they read to a model provider. A `.env`, a
private key or a cloud service-account file that a tool's exclusions do not cover can end up
in a prompt, a log or a generated commit. Teams are told to "configure exclusions and verify
they work"; this rule is the verification.

vetline detects the assistants a project uses from their files (`.cursor/`, `.claude/`,
`CLAUDE.md`, `.aiderignore`, `.windsurf/`, `.aiexclude`, `GEMINI.md`, `.aiignore`,
`.continue/`, ...) or from `[tool.vetline.ai_context] tools = [...]`, and models each tool's
documented exclusions: its ignore file in gitignore syntax (`.cursorignore`, `.aiderignore`,
`.codeiumignore`, `.aiexclude` in any folder, `.geminiignore`, `.aiignore`, `.continueignore`),
whether it honours `.gitignore`, its built-in defaults (Cursor skips `.env` files), and Claude
Code's `permissions.deny` `Read(...)` rules in `.claude/settings.json` or
`.claude/settings.local.json`. A file is secret-bearing by name (`.env`, `.env.*` except
examples, `*.pem`, `*.key`, `*.p12`, `*.pfx`, `id_rsa*`, `*credentials*`/`*secrets*` data files,
`*.tfvars`, `kubeconfig`, `.npmrc`/`.pypirc` holding tokens, service-account JSON) or because git
ignores it and vetline finds a secret in it (source code files are left to the secrets
rules, which report the secret itself). The finding sits on line 1 of that file and names
the tools that can read it. GitHub Copilot's content exclusion lives in GitHub's settings, so
vetline cannot check it and says so once per scan.

## How to fix
Add the file to each exposing tool's ignore file, and deny `Read(./path)` in
`.claude/settings.json`; `vetline ai-context init` writes a baseline for every detected tool.

## Fix safety
Safe: it only adds exclusion lines (creating the tool's ignore file when the tool was detected
by another file) and one `permissions.deny` entry, keeping the settings file's formatting.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/200.html",
        "https://cursor.com/docs/reference/ignore-file",
        "https://code.claude.com/docs/en/settings",
        "https://aider.chat/docs/config/options.html",
        "https://developers.google.com/gemini-code-assist/docs/create-aiexclude-file",
    ),
    # The rule judges files by name and place in a project: tests/rules/test_aicontext_exposure.py.
    examples="",
)
