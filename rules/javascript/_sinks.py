"""The JavaScript rules' sink policy: `analysis.sinks.taint_verdict`, plus where the code lives.

Test suites, benchmarks and examples build commands, queries and code from their own fixtures:
a value of unknown origin reaching a sink there is no finding (request data still is). The same
holds for third-party and built code that web applications ship in their static folders
(vendored jQuery, Vue, d3, Bootstrap; bundles with content-hashed names; minified lines): its
`innerHTML` of a parameter is the library's API, not a flaw of the application, and nobody
reviews a minified line. On a minified line (or in a `*.min.js` file) even the page's URL reaching
a sink is no finding: minifiers reuse one-letter names in every scope, so the flow read there is a
guess (a carousel's `location.hash` "reaching" `location`); readable vendored code keeps it. The same holds for an operator's command-line tooling (`bin/`, `scripts/`, `tools/`), whose
commands are built from its own configuration. Application code keeps the shared policy unchanged.
"""

from __future__ import annotations

from collections.abc import Collection

from tree_sitter import Node

from ..analysis import sinks
from ..context import FileContext, Match
from ..model import Confidence, Report
from ..patterns import linear
from ._frameworks import BROWSER_SOURCES

# Folders and file names of tests, benchmarks and examples (anchored on path separators).
_TEST_PATH = linear(
    r"(?:^|[/\\])(?:tests?|__tests__|spec|specs|benchmarks?|bench|examples?|fixtures|e2e)(?:[/\\])"
    r"|(?:^|[/\\])[^/\\]*[._-](?:test|spec|bench)\.[cm]?[jt]sx?$"
)


# An operator's command-line tooling (`bin/`, `scripts/`, `tools/`): the values its commands and
# queries are built from are its own configuration; `process.argv` and request data still count.
_TOOLING_PATH = linear(r"(?:^|[/\\])(?:bin|scripts?|tools)[/\\]")


# Vendored libraries and build output inside an application's static files.
_SHIPPED_PATH = linear(
    r"(?:^|/)(?:vendors?|vendored|third[_-]?party|static_build|bower_components|extlibs?)/"
    r"|(?:^|/)static/(?:[^/]+/)*libs?/"  # `static/js/libs/bar-ui.js`: libraries copied into static files
    r"|(?:^|/)vendors?\.[cm]?js$"
    r"|\.[0-9a-f]{8,}\.[cm]?js$"  # `jquery.12e87d2f3a4c.js`: a content-hashed copy (Django's manifest storage)
)
# A library's banner in its first bytes: `/*! jQuery v3.7.1 | (c) ...`, `@license MIT`, or the
# runtime Emscripten writes before the code it compiled from C (`// Note: Some Emscripten settings`).
_LIBRARY_BANNER = linear(rb"/\*!|@license\b|\bv\d+\.\d+\.\d+\b|\bEmscripten\b")
_BANNER_BYTES = 600
_MINIFIED_NAME = linear(r"[.-]min\.[cm]?js$")
MINIFIED_LINE = 1000  # characters: no one writes, or reviews, a line this long


def from_browser(verdict: Report | None) -> bool:
    """The finding's data comes from the page's URL or cookies: the code runs in a browser."""
    return verdict is not None and (verdict.data or {}).get("source") in BROWSER_SOURCES


def in_test_code(ctx: FileContext) -> bool:
    """True for files of test suites, benchmarks and examples."""
    return bool(_TEST_PATH.search(ctx.path.replace("\\", "/")))


def is_shipped_file(ctx: FileContext) -> bool:
    """A vendored library or build output: by its folder, its content-hashed name or its banner."""
    return bool(_SHIPPED_PATH.search(ctx.path.replace("\\", "/")) or _LIBRARY_BANNER.search(ctx.source[:_BANNER_BYTES]))


def in_shipped_code(ctx: FileContext, node: Node) -> bool:
    """True for vendored libraries and build output, and for any minified line."""
    return is_shipped_file(ctx) or is_minified(ctx, node)


def is_minified(ctx: FileContext, node: Node) -> bool:
    """A `*.min.js` file, or a line longer than anyone writes."""
    if _MINIFIED_NAME.search(ctx.path):
        return True
    start = ctx.source.rfind(b"\n", 0, node.start_byte) + 1
    end = ctx.source.find(b"\n", node.start_byte)
    return (len(ctx.source) if end < 0 else end) - start > MINIFIED_LINE


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
    """`analysis.sinks.taint_verdict`, with unknown-origin findings dropped in test and shipped code."""
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
    if from_browser(verdict) and is_minified(match.ctx, match.target):
        return None  # minifiers reuse one-letter names in every scope: a data flow read there is a guess
    if verdict is None or verdict.confidence is not Confidence.MEDIUM:
        return verdict
    if in_test_code(match.ctx):
        return None
    if (verdict.data or {}).get("taint") == "unknown" and in_shipped_code(match.ctx, match.target):
        return None  # a library's or a bundle's own values; the command line and the environment still count
    if (verdict.data or {}).get("taint") == "unknown" and _TOOLING_PATH.search(match.ctx.path.replace("\\", "/")):
        return None  # `bin/release.js`: `execSync(cmd)` of the script's own commands
    return verdict
