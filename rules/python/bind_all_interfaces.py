"""Servers and sockets bound to every network interface (`0.0.0.0`, `::`) instead of one."""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, keyword_arg, positional_args, string_value
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "0:0:0:0:0:0:0:0"})
# Calls taking the host as `host=` (waitress also second, `run_simple` first, positionally).
HOST_CALLS = frozenset({".run", ".run_app", "uvicorn.run", "waitress.serve", "werkzeug.serving.run_simple"})
# Calls taking an `(host, port)` address tuple first.
ADDRESS_CALLS = frozenset(
    {
        ".bind",
        "socketserver.TCPServer",
        "socketserver.ThreadingTCPServer",
        "socketserver.UDPServer",
        "http.server.HTTPServer",
        "http.server.ThreadingHTTPServer",
        "wsgiref.simple_server.make_server",
    }
)


def host_node(match: Match) -> Node | None:
    """The expression naming the host the call listens on, when the call has one."""
    args = match.node("args")
    name = match.ctx.qualified_name(match.node("fn")) or match.ctx.text(match.node("fn"))
    if name == "wsgiref.simple_server.make_server":
        return argument(args, 0, "host")
    if name.endswith((".bind", "Server")):
        address = positional_args(args)[:1]
        if address and address[0].type in ("tuple", "parenthesized_expression"):
            inner = address[0].named_children
            return inner[0] if inner else None
        return None
    if name == "werkzeug.serving.run_simple":
        return argument(args, 0, "hostname")
    return argument(args, 1, "host") if name == "waitress.serve" else keyword_arg(args, "host")


def binds_all_interfaces(match: Match) -> bool | Report:
    host = host_node(match)
    value = string_value(host)
    if value not in ALL_INTERFACES:
        return False
    return Report(
        message=f"Listening on `{value}` exposes this service on every network interface, not just localhost.",
        node=host,
    )


RULE = Rule(
    id="bind-all-interfaces",
    title="Service bound to all network interfaces",
    category=Category.EXPOSURE,
    cwe=(1327,),
    owasp=("A05:2021",),
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=HOST_CALLS | ADDRESS_CALLS,
    where=binds_all_interfaces,
    aliases=("B104", "S104"),
    message="Listening on all interfaces exposes this service on every network the machine is on.",
    docs="""## Why is this bad?
`0.0.0.0` (IPv4) and `::` (IPv6) accept connections from every network the host is attached
to: a development server with debug mode or no authentication becomes reachable from the
office Wi-Fi, a VPN or the internet. Generated code binds to `0.0.0.0` by habit.

## How to fix
Bind to `127.0.0.1` for local development, and read the host from configuration where the
service must be reachable (inside a container, behind a reverse proxy). No automatic fix is
offered: in a container, `127.0.0.1` would make the service unreachable.
""",
    references=(
        "https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run",
        "https://www.uvicorn.org/settings/",
        "https://docs.python.org/3/library/socket.html#socket.socket.bind",
        "https://cwe.mitre.org/data/definitions/1327.html",
    ),
    examples="""
import socket
import uvicorn as uv
from http.server import HTTPServer
from waitress import serve

# ruleid: bind-all-interfaces
app.run(host="0.0.0.0", port=8080)
# ruleid: bind-all-interfaces
uv.run(app, host="0.0.0.0", port=8000)
sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
# ruleid: bind-all-interfaces
sock.bind(("::", 9000))
# ruleid: bind-all-interfaces
server = HTTPServer(("0.0.0.0", 8000), Handler)
# ruleid: bind-all-interfaces
serve(app, host="0.0.0.0", port=8080)
# ok: bind-all-interfaces
app.run(host="127.0.0.1", port=8080)
# ok: bind-all-interfaces
uv.run(app, host=settings.HOST)
# ok: bind-all-interfaces
sock.bind(("localhost", 9000))
# ok: bind-all-interfaces
app.run()
# todoruleid: bind-all-interfaces
app.run(host=os.environ.get("HOST", "0.0.0.0"))  # defaults inside environment look-ups are not read
# todoruleid: bind-all-interfaces
sock.bind(("", 9000))  # the empty host also means every interface but is often meant as "any" on purpose
""",
)
