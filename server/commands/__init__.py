"""The `vetline` subcommands: one module each, exposing `add_parser(subparsers)` and `run(args)`.

`COMMANDS` fixes their order in `vetline --help`; a module that is not installed is left out.
"""

COMMANDS: tuple[str, ...] = (
    "scan",
    "rules",
    "explain",
    "test_rules",
    "serve",
    "baseline",
    "data",
    "ai_context",
    "report",
)
