"""The JavaScript rules' sink policy: `analysis.sinks.taint_verdict`, plus where the code lives.

Test suites, benchmarks and examples build commands, queries and code from their own fixtures:
a value of unknown origin reaching a sink there is no finding (request data still is). Library
and application code keep the shared policy unchanged.
"""

from __future__ import annotations

from collections.abc import Collection

from tree_sitter import Node

from ..analysis import sinks
from ..context import FileContext, Match
from ..model import Confidence, Report
from ..patterns import linear

# Folders and file names of tests, benchmarks and examples (anchored on path separators).
_TEST_PATH = linear(
    r"(?:^|[/\\])(?:tests?|__tests__|spec|specs|benchmarks?|bench|examples?|fixtures|e2e)(?:[/\\])"
    r"|(?:^|[/\\])[^/\\]*[._-](?:test|spec|bench)\.[cm]?[jt]sx?$"
)


def in_test_code(ctx: FileContext) -> bool:
    """True for files of test suites, benchmarks and examples."""
    return bool(_TEST_PATH.search(ctx.path.replace("\\", "/")))


def taint_verdict(
    match: Match,
    value: Node | None,
    sink: str,
    *,
    environment: bool = False,
    streams: bool = False,
    local_input: bool = True,
    sanitizers: Collection[str] = (),
    report_unknown: bool = True,
    consequence: str = "",
) -> Report | None:
    """`analysis.sinks.taint_verdict`, with unknown-origin findings dropped in test code."""
    verdict = sinks.taint_verdict(
        match,
        value,
        sink,
        environment=environment,
        streams=streams,
        local_input=local_input,
        sanitizers=sanitizers,
        report_unknown=report_unknown,
        consequence=consequence,
    )
    if verdict is not None and verdict.confidence is Confidence.MEDIUM and in_test_code(match.ctx):
        return None
    return verdict
