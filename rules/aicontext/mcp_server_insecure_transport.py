"""A remote MCP server reached over plain `http://`: tool calls and tokens travel in clear text."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..context import FileContext
from ..engine import make_finding
from ..model import Category, Confidence, Edit, Finding, Fix, Rule, Severity
from ..secrets._config_values import is_loopback
from ._mcp import configured_servers


def find_plain_http(ctx: FileContext) -> list[Finding]:
    rule = ctx.rules.get(RULE.id, RULE)
    found = []
    for server in configured_servers(ctx.path, ctx.source):
        url = server.url
        if url is None or not url.value.lower().startswith("http://"):
            continue
        host = urlsplit(url.value).hostname or ""
        if is_loopback(host) or host in ("::1", "[::1]"):
            continue
        fix = Fix("Use `https://`", (Edit(url.start, url.start + len("http://"), "https://"),), safe=False)
        message = (
            f"MCP server `{server.name}` is reached over plain HTTP at `{host}`: anyone on the network can read "
            "and change its tool calls and the credentials sent with them."
        )
        found.append(make_finding(rule, ctx, url.start, url.end, message=message, fix=fix))
    return found


RULE = Rule(
    id="mcp-server-insecure-transport",
    title="MCP server over plain HTTP",
    category=Category.AI_CONTEXT,
    cwe=(319,),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"json"}),
    scan=find_plain_http,
    fixable=True,
    message="A remote MCP server is reached over plain HTTP.",
    docs="""## Why is this bad?
A remote MCP server (`"url"`, `"serverUrl"`, `"httpUrl"`) over `http://` sends the agent's tool
calls, their results and the `Authorization` headers in clear text; anyone on the path can
read them or answer with instructions of their own. Loopback addresses (`localhost`,
`127.0.0.1`, `[::1]`) stay on the machine and are not reported.

## How to fix
Use the server's `https://` endpoint.

## Fix safety
Unsafe: the server must actually serve TLS at the same address; check it before relying on it.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/319.html",
        "https://modelcontextprotocol.io/specification/2025-06-18/basic/transports",
    ),
    examples="",  # JSON has no grammar for the annotation harness: tests/rules/test_aicontext_mcp.py
)
