"""The `vetline` command line: dispatch to the subcommand modules in `vetline.server.commands`.

Exit codes, for every subcommand: 0 success (for `scan`: nothing at or above `--fail-on`),
1 findings, 2 usage or configuration errors.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from vetline import __version__

from .commands import COMMANDS

EXIT_USAGE = 2


class SuggestingParser(argparse.ArgumentParser):
    """An argument parser whose "unrecognized arguments" error names the closest known flag."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments:"):
            unknown = [word for word in message.split(":", 1)[1].split() if word.startswith("--")]
            close = [
                match for word in unknown for match in difflib.get_close_matches(word.split("=")[0], _flags(self), n=1)
            ]
            if close:
                message += f" (did you mean {', '.join(close)}?)"
        super().error(message)


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    """Every long option of the parser and its subcommands."""
    found: list[str] = []
    for action in parser._actions:
        found.extend(option for option in action.option_strings if option.startswith("--"))
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found.extend(_flags(child))
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = SuggestingParser(
        prog="vetline",
        description="Security linter for AI-written code: a CLI and a language server on one engine.",
    )
    parser.add_argument("--version", action="version", version=f"vetline {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=SuggestingParser)
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
