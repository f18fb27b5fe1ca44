"""MCP server configurations: which file belongs to which client, its servers, and the package
each server runs, with byte positions for findings and fixes.

`.vscode/mcp.json` lists `servers` (and `inputs`); `.cursor/mcp.json`, `.mcp.json` (Claude Code),
`claude_desktop_config.json`, `.gemini/settings.json`, `.roo/mcp.json` and any other JSON file
with a top-level `mcpServers` object list `mcpServers`. Each
client has its own syntax for referencing an environment variable, which the secrets fix uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from tree_sitter import Node

from ..patterns import linear
from . import _json

_NAME_END = linear(r"[\[=<>!~@;\s]")  # what ends the package name of a pip spec


@dataclass(frozen=True)
class Client:
    name: str
    servers_key: str
    env_reference: str | None  # format with NAME; None when the client expands no variables
    docs: str


CLIENTS = {
    ".vscode/mcp.json": Client(
        "VS Code", "servers", "${env:%s}", "https://code.visualstudio.com/docs/copilot/customization/mcp-servers"
    ),
    ".cursor/mcp.json": Client("Cursor", "mcpServers", "${env:%s}", "https://cursor.com/docs/context/mcp"),
    ".mcp.json": Client("Claude Code", "mcpServers", "${%s}", "https://code.claude.com/docs/en/mcp"),
    "claude_desktop_config.json": Client(
        "Claude Desktop", "mcpServers", None, "https://modelcontextprotocol.io/quickstart/user"
    ),
    ".gemini/settings.json": Client(
        "Gemini CLI", "mcpServers", "${%s}", "https://google-gemini.github.io/gemini-cli/docs/tools/mcp-server.html"
    ),
    ".roo/mcp.json": Client(
        "Roo Code", "mcpServers", "${env:%s}", "https://docs.roocode.com/features/mcp/using-mcp-in-roo"
    ),
}


@dataclass(frozen=True)
class Argument:
    value: str
    start: int  # byte range of the string's content (without quotes)
    end: int


@dataclass(frozen=True)
class Server:
    name: str
    command: str
    args: tuple[Argument, ...]
    url: Argument | None


@dataclass(frozen=True)
class Package:
    """The package or image a launcher runs, where its spec is written, and its ecosystem."""

    spec: Argument
    ecosystem: str  # "npm", "PyPI" or "docker"
    launcher: str


# Other clients (Cline, Windsurf, ...) use the same `mcpServers` shape under their own names.
GENERIC = Client("MCP client", "mcpServers", None, "https://modelcontextprotocol.io/quickstart/user")


def client_for(path: str, source: bytes) -> Client | None:
    """The MCP client whose configuration `path` is (any JSON with `mcpServers` counts), or None."""
    posix = "/" + path.replace("\\", "/").lstrip("/")
    known = next((client for suffix, client in CLIENTS.items() if posix.endswith("/" + suffix)), None)
    if known is not None:
        return known
    return GENERIC if posix.endswith(".json") and b'"mcpServers"' in source else None


def configured_servers(path: str, source: bytes) -> list[Server]:
    """The servers of an MCP configuration file, or [] for any other file."""
    client = client_for(path, source)
    return servers(source, client) if client is not None else []


def servers(source: bytes, client: Client) -> list[Server]:
    found = []
    for name, _, value in _json.members(_json.member(_json.document(source), client.servers_key)):
        command = _json.member(value, "command")
        args = tuple(_argument(item) for item in _json.items(_json.member(value, "args")) if item.type == "string")
        url = next(
            (_json.member(value, key) for key in ("url", "serverUrl", "httpUrl") if _json.member(value, key)), None
        )
        found.append(
            Server(
                name,
                _json.text(command) if command is not None and command.type == "string" else "",
                args,
                _argument(url) if url is not None and url.type == "string" else None,
            )
        )
    return found


def _argument(node: Node) -> Argument:
    start, end = _json.content_range(node)
    return Argument(_json.text(node), start, end)


# Options of `docker run` that take a value (the image is the first argument that is neither).
_DOCKER_VALUED = frozenset({
    "-e", "--env", "-v", "--volume", "--name", "-p", "--publish", "--network", "--env-file", "-w", "--workdir",
    "-u", "--user", "--mount", "--entrypoint", "-l", "--label", "--platform",
})  # fmt: skip
# Launcher -> (subcommand it needs, options whose value is the package, options taking a value, ecosystem).
_LAUNCHERS: dict[str, tuple[str | None, frozenset[str], frozenset[str], str]] = {
    "npx": (None, frozenset({"-p", "--package"}), frozenset({"-c", "--call", "--registry"}), "npm"),
    "bunx": (None, frozenset({"-p", "--package"}), frozenset({"--registry"}), "npm"),
    "pnpm": ("dlx", frozenset(), frozenset({"--registry", "--package"}), "npm"),
    "uvx": (None, frozenset({"--from"}), frozenset({"--with", "--python", "-p", "--index-url", "--index"}), "PyPI"),
    "uv": ("run", frozenset({"--from"}), frozenset({"--with", "--python", "-p"}), "PyPI"),
    "pipx": ("run", frozenset({"--spec"}), frozenset({"--python", "--pip-args"}), "PyPI"),
    "docker": ("run", frozenset(), _DOCKER_VALUED, "docker"),
}


def package(server: Server) -> Package | None:
    """The package a launcher (`npx -y pkg`, `uvx pkg`, `docker run img`) runs, or None."""
    launcher = PurePosixPath(server.command.replace("\\", "/")).name.removesuffix(".cmd").removesuffix(".exe")
    if launcher not in _LAUNCHERS:
        return None
    needed, package_options, valued, ecosystem = _LAUNCHERS[launcher]
    args = list(server.args)
    if needed is not None:
        index = next((i for i, a in enumerate(args) if a.value == needed), None)
        if index is None:
            return None
        args = args[index + 1 :]
    skip = False
    for position, arg in enumerate(args):
        if skip:
            skip = False
            continue
        option, _, inline = arg.value.partition("=")
        if option in package_options:
            if inline:
                offset = len(option.encode()) + 1
                return Package(Argument(inline, arg.start + offset, arg.end), ecosystem, launcher)
            if position + 1 < len(args):
                return Package(args[position + 1], ecosystem, launcher)
        if arg.value.startswith("-"):
            skip = option in valued and not inline
            continue
        return Package(arg, ecosystem, launcher)
    return None


_NPM_EXACT = linear(r"^(?:@[^/@\s]+/)?[^@\s/]+@v?\d+\.\d+\.\d+(?:[-+][\w.-]+)?$")
_PYPI_EXACT = linear(r"^[A-Za-z0-9][\w.-]*(?:\[[^\]]*\])?(?:==|@)\d+(?:\.\d+)*(?:[\w.+-]*)$")
_DOCKER_PINNED = linear(r"@sha256:[0-9a-f]{64}$|:v?\d+\.\d+(?:\.\d+)?(?:[-.][\w.-]+)?$")
_LOCAL = linear(r"^(?:\.{0,2}/|[A-Za-z]:\\|file:|git\+|https?://)")


def is_local(found: Package) -> bool:
    """A path, URL or VCS spec rather than a registry name."""
    return bool(_LOCAL.match(found.spec.value.strip()))


def is_pinned(found: Package) -> bool:
    """True when the package spec names an exact version (or a digest for images) or a local path."""
    spec = found.spec.value.strip()
    if _LOCAL.match(spec):
        return True
    if found.ecosystem == "npm":
        return bool(_NPM_EXACT.match(spec))
    if found.ecosystem == "PyPI":
        return bool(_PYPI_EXACT.match(spec))
    return bool(_DOCKER_PINNED.search(spec))


def package_name(found: Package) -> tuple[str, int, int]:
    """The bare package name of the spec (no version, extras or tag) and its byte range."""
    spec = found.spec.value
    if found.ecosystem == "npm":
        at = spec.find("@", 1)
        name = spec if at < 0 else spec[:at]
    else:
        name = _NAME_END.split(spec, maxsplit=1)[0]
    start = found.spec.start
    return name, start, start + len(name.encode())
