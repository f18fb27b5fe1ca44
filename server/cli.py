"""The `vetline` command line: dispatch to the subcommand modules in `vetline.server.commands`.

Exit codes, for every subcommand: 0 success (for `scan`: nothing at or above `--fail-on`),
1 findings, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence

from vetline import __version__

from .commands import COMMANDS

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vetline",
        description="Security linter for AI-written code: a CLI and a language server on one engine.",
    )
    parser.add_argument("--version", action="version", version=f"vetline {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module_name = f"{__package__}.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="vetline: %(levelname)s: %(message)s", stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `vetline scan | head` closed the pipe: not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
