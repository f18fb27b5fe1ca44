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


def build_parser(
    only: str | None = None, parser_class: type[SuggestingParser] = SuggestingParser
) -> argparse.ArgumentParser:
    """The `vetline` parser with every subcommand, or with the one whose module is `only`."""
    parser = parser_class(
        prog="vetline",
        description="Security linter for AI-written code: a CLI and a language server on one engine.",
    )
    parser.add_argument("--version", action="version", version=f"vetline {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=parser_class)
    for name in COMMANDS if only is None else (only,):
        module_name = f"{__package__}.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).add_parser(subparsers)
    return parser


class _NeedsEveryCommand(Exception):
    """The arguments do not parse with one subcommand's parser: parse them again with all of them."""


class _OneCommandParser(SuggestingParser):
    """A parser holding only the subcommand the arguments name (`_parse`): its errors are
    reported by the full parser instead, whose message may name other commands' flags."""

    def error(self, message: str) -> NoReturn:
        raise _NeedsEveryCommand(message)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line, importing only the subcommand it names when it names one first
    (`vetline scan ...` need not import the modules of `serve`, `report` or `baseline`)."""
    words = list(sys.argv[1:] if argv is None else argv)
    module = words[0].replace("-", "_") if words else ""
    if module in COMMANDS:
        try:
            args = build_parser(module, _OneCommandParser).parse_args(words)
            if getattr(args, "command", None) == words[0]:
                return args
        except _NeedsEveryCommand:
            pass
    return build_parser().parse_args(words)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    logging.basicConfig(level=logging.WARNING, format="vetline: %(levelname)s: %(message)s", stream=sys.stderr)
    args = _parse(argv)
    if not getattr(args, "run", None):
        build_parser().print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `vetline scan | head` closed the pipe: not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
