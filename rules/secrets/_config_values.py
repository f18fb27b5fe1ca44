"""What makes a literal URL, port or timeout deployment configuration rather than a constant.

The two `configuration` rules (`hardcoded-endpoint-url`, `hardcoded-port-or-timeout`) share
these questions: is this file a stub or a test, is this URL a service endpoint or a link to
documentation, does this call talk to the network. On real libraries almost every URL literal
is metadata (a lexer's homepage, an issue tracker, a JSON-schema id), so the rules only report
a value that reaches a network client or sits under an endpoint-like name.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ..analysis.test_code import is_test_code
from ..context import FileContext
from ..patterns import linear

# Documentation, source hosting and schema hosts: a URL there is a link, not a service to call.
_LINK_HOSTS = linear(
    r"(?:^|\.)(?:github\.com|gitlab\.com|bitbucket\.org|readthedocs\.(?:io|org)|rtfd\.io"
    r"|python\.org|schemastore\.org|json-schema\.org|w3\.org|wikipedia\.org|stackoverflow\.com"
    r"|opensource\.org|creativecommons\.org|example\.(?:com|org|net))$"
    r"|^docs?\.|^(?:[^.]+\.)?example$"
)
_URL = linear(r"^(?:https?|wss?|grpcs?)://(?P<host>[^/\s?#:@]+)(?::\d+)?(?P<rest>[/?#]\S*)?$")
_LOOPBACK = linear(r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\])$")

# Callees that open a connection to the URL they are given (alias-resolved module prefixes).
_CLIENT_MODULES = ("requests.", "httpx.", "urllib.request.", "urllib3.", "aiohttp.", "websockets.", "websocket.")
# Methods of a session/client object (`session.get(url)`) whose receiver type is unknown.
_CLIENT_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "urlopen", "ws_connect"}
)

# Callees that connect to a database, cache, mail or socket server.
_CONNECTORS = frozenset(
    {
        "psycopg2.connect", "psycopg.connect", "pymysql.connect", "mysql.connector.connect", "asyncpg.connect",
        "asyncpg.create_pool", "redis.Redis", "redis.StrictRedis", "pymongo.MongoClient", "socket.create_connection",
        "smtplib.SMTP", "smtplib.SMTP_SSL", "ftplib.FTP", "http.client.HTTPConnection", "http.client.HTTPSConnection",
    }
)  # fmt: skip
_URLISH = linear(r"url|uri|http|endpoint|/")


def literal_prefix(node: Node) -> str:
    """The text of a string up to its first interpolation (`f"https://h/{x}"` -> `https://h/`)."""
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "interpolation":
            break
        if child.type == "string_content":
            parts.append((child.text or b"").decode("utf-8", "replace"))
    return "".join(parts)


def service_host(url: str) -> str | None:
    """The host of a URL that looks like a service endpoint, or None for a link or non-URL."""
    match = _URL.match(url)
    if match is None:
        return None
    host, rest = match["host"].lower(), match["rest"] or ""
    if _LINK_HOSTS.search(host) or "#" in rest or rest.split("?", 1)[0].endswith((".html", ".htm", ".md", ".rst")):
        return None
    return host


def is_loopback(host: str) -> bool:
    return _LOOPBACK.match(host) is not None


def is_stub_or_test(ctx: FileContext) -> tuple[bool, bool]:
    """(is a `.pyi` stub, is a test module): stubs declare library constants, tests use local servers."""
    return ctx.path.endswith(".pyi"), is_test_code(ctx.path)


def is_client_call(ctx: FileContext, call: Node) -> bool:
    """True when `call` sends a request: an HTTP/websocket library function or a session verb."""
    callee = call.child_by_field_name("function")
    name = ctx.qualified_name(callee) or ""
    if name.startswith(_CLIENT_MODULES):
        return True
    return callee is not None and callee.type == "attribute" and name.rsplit(".", 1)[-1] in _CLIENT_METHODS


def is_network_call(ctx: FileContext, call: Node) -> bool:
    """True when `call` opens a connection: a client call (a verb method only with a URL-ish
    first argument, so `queue.get(timeout=1)` is not one) or a database/socket connector."""
    callee = call.child_by_field_name("function")
    name = ctx.qualified_name(callee) or ""
    if name.startswith(_CLIENT_MODULES) or name in _CONNECTORS:
        return True
    if not is_client_call(ctx, call):
        return False
    args = call.child_by_field_name("arguments")
    first = next((a for a in (args.named_children if args else []) if a.type != "keyword_argument"), None)
    return first is not None and _URLISH.search(ctx.text(first).lower()) is not None


def enclosing_scope(node: Node) -> Node:
    """The innermost function, class or module around `node`."""
    current = node.parent
    while current is not None and current.type not in ("function_definition", "class_definition", "module"):
        current = current.parent
    return current if current is not None else node


def _calls(node: Node) -> Iterator[Node]:
    """Every call under `node`, not descending into nested functions or classes."""
    for child in node.named_children:
        if child.type == "call":
            yield child
        if child.type not in ("function_definition", "class_definition"):
            yield from _calls(child)


def reaches_client_call(ctx: FileContext, scope: Node, name: str) -> bool:
    """True when variable `name` is an argument of a network client call in `scope`."""
    for call in _calls(scope):
        args = call.child_by_field_name("arguments")
        if args is None or not is_client_call(ctx, call):
            continue
        for arg in args.named_children:
            value = arg.child_by_field_name("value") if arg.type == "keyword_argument" else arg
            if value is not None and value.type == "identifier" and ctx.text(value) == name:
                return True
    return False
