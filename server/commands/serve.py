"""`vetline serve`: run the language server over stdio (default) or TCP (for debugging)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

LOG_LEVELS = ("error", "warning", "info", "debug")


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the language server",
        description="Run vetline's language server. Editors start it over stdio; --tcp helps debugging.",
    )
    parser.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead of stdio")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info", help="stderr log level (default: info)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    address = _address(args.tcp) if getattr(args, "tcp", None) else None
    if getattr(args, "tcp", None) and address is None:
        print(f"vetline serve: --tcp expects HOST:PORT, got {args.tcp!r}", file=sys.stderr)
        return 2
    # stdout carries the protocol: every log line must go to stderr.
    logging.basicConfig(
        stream=sys.stderr, level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s: %(message)s"
    )
    logging.getLogger("vetline").setLevel(getattr(logging, str(args.log_level).upper(), logging.INFO))
    from vetline.server.lsp.logs import redact_stderr
    from vetline.server.lsp.server import create_server
    from vetline.server.lsp.transport import serve_stdio
    from vetline.server.memory_trace import start_if_requested

    redact_stderr()
    start_if_requested()  # off unless VETLINE_TRACEMALLOC is set (memory debugging)

    server = create_server()
    if address is None:
        serve_stdio(server)
    else:
        logging.getLogger("pygls.server").setLevel(logging.INFO)  # prints "Serving on ..." once bound
        server.start_tcp(*address)
    return 0


def _address(text: str) -> tuple[str, int] | None:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        return None
    return host, int(port)
