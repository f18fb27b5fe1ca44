"""MCP server configurations: unpinned launchers, plain-HTTP transport, literal secrets fixed with
each client's reference syntax (JSON edits before/after), server packages through typosquat."""

from __future__ import annotations

import json

import pytest
from vetline.rules import registry, testing
from vetline.rules.engine import Engine
from vetline.rules.model import Finding

RULES = registry.by_id()
TOKEN = "ghp_" + "Zq4Lw8Nx2Vb6Tm0Rk3Hy7Jd1Fs5Gp9Ca2EuW"


def run(rule_id: str, config: dict | str, path: str) -> tuple[str, list[Finding]]:
    text = config if isinstance(config, str) else json.dumps(config, indent=2)
    return text, list(Engine([RULES[rule_id]]).analyze(text.encode(), "json", path).findings)


def servers(key: str, **entries: dict) -> dict:
    return {key: entries}


@pytest.mark.parametrize(
    ("command", "args", "spec"),
    [
        ("npx", ["-y", "@modelcontextprotocol/server-github"], "@modelcontextprotocol/server-github"),
        ("npx", ["-y", "server-x@latest"], "server-x@latest"),
        ("npx", ["-y", "server-x@^1.2.0"], "server-x@^1.2.0"),
        ("npx", ["--package", "tool-x", "tool-x-serve"], "tool-x"),
        ("bunx", ["server-x"], "server-x"),
        ("pnpm", ["dlx", "server-x"], "server-x"),
        ("uvx", ["mcp-server-fetch"], "mcp-server-fetch"),
        ("uvx", ["--from", "mcp-tools>=1", "mcp-tool"], "mcp-tools>=1"),
        ("pipx", ["run", "mcp-server-time"], "mcp-server-time"),
        ("docker", ["run", "-i", "--rm", "-e", "TOKEN", "mcp/github"], "mcp/github"),
        ("docker", ["run", "ghcr.io/org/server:latest"], "ghcr.io/org/server:latest"),
        ("/usr/local/bin/npx", ["-y", "server-x"], "server-x"),
    ],
)
def test_unpinned_launchers_are_reported_on_the_package_argument(command: str, args: list[str], spec: str) -> None:
    """Ensure that each launcher without an exact version or digest is reported on its package argument."""
    text, found = run(
        "mcp-server-unpinned", servers("mcpServers", s={"command": command, "args": args}), "p/.cursor/mcp.json"
    )
    (finding,) = found
    assert text.encode()[finding.start_byte : finding.end_byte].decode() == spec
    assert text.splitlines()[finding.start.line].strip().strip('",') == spec


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("npx", ["-y", "@modelcontextprotocol/server-github@2025.4.8"]),
        ("npx", ["-y", "server-x@1.2.3"]),
        ("uvx", ["mcp-server-fetch==2025.4.7"]),
        ("uvx", ["mcp-server-fetch@2025.4.7"]),
        ("pipx", ["run", "--spec", "mcp-tools==1.0.0", "mcp-tool"]),
        ("docker", ["run", "-i", "mcp/github@sha256:" + "a" * 64]),
        ("docker", ["run", "-i", "ghcr.io/org/server:1.4.2"]),
        ("npx", ["-y", "./local-server"]),
        ("node", ["server.js"]),
        ("python", ["-m", "my_server"]),
    ],
)
def test_pinned_local_and_plain_commands_are_quiet(command: str, args: list[str]) -> None:
    """Ensure that exact versions, digests, exact tags, local paths and non-launchers give no finding."""
    assert (
        run("mcp-server-unpinned", servers("mcpServers", s={"command": command, "args": args}), "p/.mcp.json")[1] == []
    )


def test_vs_code_uses_servers_and_other_files_are_ignored() -> None:
    """Ensure that `.vscode/mcp.json` is read under `servers`, and a JSON file without MCP servers is not read."""
    config = servers("servers", s={"command": "npx", "args": ["-y", "x-server"]})
    assert len(run("mcp-server-unpinned", config, "p/.vscode/mcp.json")[1]) == 1
    assert run("mcp-server-unpinned", config, "p/tsconfig.json")[1] == []


def test_half_typed_config_keeps_other_servers() -> None:
    """Ensure that a syntax error in one server (mid-typing) does not hide findings in the others."""
    text = '{"mcpServers": {"a": {"command": "npx", "args": ["-y", "x-server"]}, "b": {"command": "npx", "args": [}}'
    assert len(run("mcp-server-unpinned", text, "p/.mcp.json")[1]) == 1


@pytest.mark.parametrize(
    ("url", "reported"),
    [
        ("http://mcp.example.net/mcp", True), ("https://mcp.example.net/mcp", False), ("http://localhost:3000/mcp", False),
        ("http://127.0.0.1:8931/sse", False), ("http://[::1]:8000/mcp", False), ("HTTP://10.0.0.5/mcp", True),
    ],
)  # fmt: skip
def test_plain_http_to_remote_hosts_is_reported(url: str, reported: bool) -> None:
    """Ensure that only non-loopback plain-HTTP server URLs are reported, with an unsafe https fix."""
    text, found = run("mcp-server-insecure-transport", servers("mcpServers", r={"url": url}), "p/.cursor/mcp.json")
    assert bool(found) is reported
    if found:
        assert found[0].fix is not None and not found[0].fix.safe
        assert "https://" in testing.apply_fixes(text.encode(), [found[0].fix]).decode()


@pytest.mark.parametrize(
    ("path", "reference"),
    [
        ("p/.cursor/mcp.json", "${env:GITHUB_TOKEN}"),
        ("p/.vscode/mcp.json", "${env:GITHUB_TOKEN}"),
        ("p/.roo/mcp.json", "${env:GITHUB_TOKEN}"),
        ("p/.mcp.json", "${GITHUB_TOKEN}"),
        ("p/.gemini/settings.json", "${GITHUB_TOKEN}"),
    ],
)
def test_secret_in_env_is_replaced_by_the_clients_reference(path: str, reference: str) -> None:
    """Ensure that a literal token in `env` gets the client's variable reference as its (unsafe) fix."""
    key = "servers" if ".vscode" in path else "mcpServers"
    config = servers(key, gh={"command": "npx", "args": ["-y", "s@1.0.0"], "env": {"GITHUB_TOKEN": TOKEN}})
    text, found = run("hardcoded-secret", config, path)
    (finding,) = found
    assert finding.fix is not None and not finding.fix.safe and TOKEN not in finding.message
    fixed = json.loads(testing.apply_fixes(text.encode(), [finding.fix]).decode())
    assert fixed[key]["gh"]["env"]["GITHUB_TOKEN"] == reference


def test_secret_in_headers_keeps_the_bearer_prefix() -> None:
    """Ensure that only the token inside `"Bearer <token>"` is replaced."""
    config = servers("mcpServers", d={"url": "https://x.example", "headers": {"Authorization": f"Bearer {TOKEN}"}})
    text, (finding,) = run("hardcoded-secret", config, "p/.cursor/mcp.json")
    assert finding.fix is not None
    fixed = json.loads(testing.apply_fixes(text.encode(), [finding.fix]).decode())
    assert fixed["mcpServers"]["d"]["headers"]["Authorization"] == "Bearer ${env:AUTHORIZATION}"


def test_vs_code_can_prompt_for_the_secret_with_a_password_input() -> None:
    """Ensure that VS Code also gets `${input:id}` plus an `inputs` entry with `"password": true` (JSON edit)."""
    text = '{\n  "servers": {\n    "gh": {"command": "npx", "env": {"GITHUB_TOKEN": "' + TOKEN + '"}}\n  }\n}\n'
    _, (finding,) = run("hardcoded-secret", text, "p/.vscode/mcp.json")
    (prompt,) = finding.alternative_fixes
    after = testing.apply_fixes(text.encode(), [prompt]).decode()
    assert after == (
        '{\n  "servers": {\n    "gh": {"command": "npx", "env": {"GITHUB_TOKEN": "${input:github-token}"}}\n  },\n'
        '  "inputs": [{"type": "promptString", "id": "github-token", "description": "GITHUB_TOKEN", "password": true}]\n}\n'
    )
    with_inputs = text.replace(
        '{\n  "servers"',
        '{\n  "inputs": [\n    {"type": "pickString", "id": "region", "options": ["eu"]}\n  ],\n  "servers"',
    )
    _, (again,) = run("hardcoded-secret", with_inputs, "p/.vscode/mcp.json")
    document = json.loads(testing.apply_fixes(with_inputs.encode(), [again.alternative_fixes[0]]).decode())
    assert [item["id"] for item in document["inputs"]] == ["region", "github-token"]
    assert document["inputs"][1]["password"] is True


def test_claude_desktop_gets_no_reference_fix() -> None:
    """Ensure that a client that expands no variables (Claude Desktop) is reported without a fix."""
    config = servers("mcpServers", s={"command": "x", "env": {"SLACK_BOT_TOKEN": TOKEN}})
    _, (finding,) = run("hardcoded-secret", config, "p/claude_desktop_config.json")
    assert finding.fix is None


def test_server_packages_go_through_the_typosquat_check() -> None:
    """Ensure that an `npx` and a `uvx` package one typo from a popular name are typosquat findings."""
    config = servers(
        "mcpServers",
        a={"command": "npx", "args": ["-y", "lodahs@4.17.21"]},
        b={"command": "uvx", "args": ["reqeusts==2.0"]},
    )
    text, found = run("typosquat-package", config, "p/.cursor/mcp.json")
    assert [text.encode()[f.start_byte : f.end_byte].decode() for f in found] == ["lodahs", "reqeusts"]


def test_secret_in_args_is_reported_and_replaced() -> None:
    """Ensure that a token passed on the command line (`args`) is found and gets the client's reference."""
    config = servers("mcpServers", s={"command": "npx", "args": ["-y", "gh-server@1.0.0", "--token", TOKEN]})
    text, (finding,) = run("hardcoded-secret", config, "p/.mcp.json")
    assert finding.fix is not None
    fixed = json.loads(testing.apply_fixes(text.encode(), [finding.fix]).decode())
    assert fixed["mcpServers"]["s"]["args"][-1].startswith("${") and TOKEN not in json.dumps(fixed)


def test_python_server_packages_go_through_the_unknown_package_check() -> None:
    """Ensure that a `uvx` package the index does not list is an unknown-package finding (npm names are not)."""
    config = servers(
        "mcpServers",
        a={"command": "uvx", "args": ["mcp-server-halucinated==1.0"]},
        b={"command": "uvx", "args": ["requests==2.32.3"]},
    )
    text = json.dumps(config, indent=2)
    engine = Engine([RULES["unknown-package"]], options={"dependencies": {"index": ["requests"]}})
    found = engine.analyze(text.encode(), "json", "p/.mcp.json").findings
    assert [text.encode()[f.start_byte : f.end_byte].decode() for f in found] == ["mcp-server-halucinated"]
