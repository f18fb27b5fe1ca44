"""An MCP server launched from a registry package or image without an exact version or digest."""

from __future__ import annotations

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Finding, Rule, Severity
from ._mcp import configured_servers, is_pinned, package


def find_unpinned(ctx: FileContext) -> list[Finding]:
    rule = ctx.rules.get(RULE.id, RULE)
    found = []
    for server in configured_servers(ctx.path, ctx.source):
        launched = package(server)
        if launched is None or is_pinned(launched):
            continue
        what = "image" if launched.ecosystem == "docker" else "package"
        pin = "a digest (`@sha256:...`) or an exact tag" if launched.ecosystem == "docker" else "an exact version"
        message = (
            f"MCP server `{server.name}` runs `{launched.launcher}` {what} `{launched.spec.value}` without {pin}: "
            "every start may fetch new code with the agent's access to your files and tokens."
        )
        found.append(make_finding(rule, ctx, launched.spec.start, launched.spec.end, message=message))
    return found


RULE = Rule(
    id="mcp-server-unpinned",
    title="MCP server package not pinned",
    category=Category.AI_CONTEXT,
    cwe=(1357, 494),
    owasp=("A08:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"json"}),
    scan=find_unpinned,
    message="An MCP server runs a package or image without an exact version or digest.",
    docs="""## Why is this bad?
`npx -y some-mcp-server`, `uvx`, `pipx run`, `bunx`, `pnpm dlx` and `docker run` fetch the
newest release every time the client starts the server. A hijacked maintainer account or a
malicious update then runs, unreviewed, as a tool of an agent that can read your files and
holds your tokens. vetline reads `.vscode/mcp.json`, `.cursor/mcp.json`, `.mcp.json`,
`claude_desktop_config.json`, `.gemini/settings.json` and `.roo/mcp.json` and reports the
package argument of a launcher that has no exact version (`pkg@1.2.3`, `pkg==1.2.3`) or, for
images, no digest or exact tag. Local paths are not reported. The package names also go
through `typosquat-package` and `unknown-package`.

## How to fix
Pin the version you reviewed: `"@modelcontextprotocol/server-github@2025.4.8"`,
`"mcp-server-fetch==2025.4.7"`, `"ghcr.io/github/github-mcp-server@sha256:..."`.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1357.html",
        "https://modelcontextprotocol.io/specification/draft/basic/security_best_practices",
        "https://docs.npmjs.com/cli/commands/npx",
    ),
    examples="",  # JSON has no grammar for the annotation harness: tests/rules/test_aicontext_mcp.py
)
