"""Unknown-origin JavaScript findings in vendored libraries and build output are not reported; request data still is."""

from __future__ import annotations

import pytest
from vetline.rules.engine import Engine
from vetline.rules.javascript.js_eval_of_dynamic_code import RULE as EVAL_RULE
from vetline.rules.javascript.js_os_command_injection import RULE as COMMAND_RULE
from vetline.rules.javascript.js_xss_inner_html import RULE

ASSEMBLED = "function show(item) {\n  list.innerHTML = `<li>${item.comment}</li>`;\n}\n"
FROM_URL = 'const p = new URLSearchParams(location.search);\nel.innerHTML = `<b>${p.get("q")}</b>`;\n'


def lines(text: str, path: str) -> list[int]:
    return [f.start.line for f in Engine([RULE]).analyze(text.encode(), "javascript", path).findings]


def test_application_code_reports_assembled_markup() -> None:
    """Ensure that markup assembled from unknown data in the application's own script is a finding."""
    assert lines(ASSEMBLED, "app/static/js/topics.js") == [1]


@pytest.mark.parametrize(
    "path",
    [
        "app/static/vendor/select2.js",
        "core/static_build/js/jquery.12e87d2f3a4c.js",
        "flaskbb/static/vendors.js",
        "cps/static/js/libs/bar-ui.js",
        "mediagoblin/static/js/extlib/thingiview.js/thingiloader.js",
    ],
)
def test_vendored_and_hashed_files_drop_unknown_origin(path: str) -> None:
    """Ensure that a vendored library or a content-hashed copy does not report its own API's innerHTML."""
    assert lines(ASSEMBLED, path) == []


def test_library_banner_and_minified_line_drop_unknown_origin() -> None:
    """Ensure that a `/*!` banner or a 1,000-character line marks third-party or built code."""
    assert lines("/*! d3 v6.7.0 | ISC */\n" + ASSEMBLED, "app/static/d3/d3.js") == []
    minified = "var a=1;" * 200 + "function s(e){x.innerHTML=`<li>${e.comment}</li>`}\n"
    assert lines(minified, "app/static/js/core.js") == []


def test_emscripten_runtime_is_built_code() -> None:
    """Ensure that the runtime Emscripten generates (its `eval` of asm constants) is not reported."""
    code = "function asmConst(code, args) {\n  return eval('(function(' + args.join(',') + '){ ' + code + ' })');\n}\n"
    banner = "// Note: Some Emscripten settings will significantly limit the speed of the generated code.\n"
    engine = Engine([EVAL_RULE])
    assert not engine.analyze((banner + code).encode(), "javascript", "rdp/core/rle.js").findings
    assert [f.start.line for f in engine.analyze(code.encode(), "javascript", "rdp/core/rle.js").findings] == [1]


def test_url_data_is_reported_even_in_vendored_code() -> None:
    """Ensure that data from the URL reaching innerHTML stays a finding wherever the file is."""
    assert lines(FROM_URL, "app/static/vendor/widget.js") == [1]


def test_vendored_javascript_reports_no_generic_password() -> None:
    """Ensure that a credential-named literal in a vendored library is quiet, and in the app's own script is not."""
    from vetline.rules.secrets.hardcoded_password import RULE as PASSWORD

    text = 'const config = { secret: "Tr0ub4dor-horse" };\n'
    engine = Engine([PASSWORD])
    assert engine.analyze(text.encode(), "javascript", "app/static/vendor/showdown.js").findings == ()
    assert [f.start.line for f in engine.analyze(text.encode(), "javascript", "app/static/js/app.js").findings] == [0]


def test_jinja_environments_of_command_line_code_are_not_reported() -> None:
    """Ensure that a CLI that renders a config file is quiet, and a web module's environment is reported."""
    from vetline.rules.python.jinja2_autoescape_disabled import RULE as JINJA

    text = "from jinja2 import Environment, FileSystemLoader\nenv = Environment(loader=FileSystemLoader('configs'))\n"
    engine = Engine([JINJA])
    assert engine.analyze(text.encode(), "python", "flaskbb/cli/main.py").findings == ()
    assert [f.start.line for f in engine.analyze(text.encode(), "python", "flaskbb/app.py").findings] == [1]


def test_command_line_tooling_drops_unknown_origin_but_not_argv() -> None:
    """Ensure that `bin/` scripts' own commands are not reported, while `process.argv` in them is."""
    own = 'const cp = require("child_process");\nconst run = (cmd) => cp.execSync(cmd);\n'
    argv = 'const cp = require("child_process");\ncp.execSync("git log " + process.argv[2]);\n'
    engine = Engine([COMMAND_RULE])
    language = "javascript"
    assert not engine.analyze(own.encode(), language, "repo/bin/release.js").findings
    assert engine.analyze(own.encode(), language, "repo/lib/release.js").findings
    assert [f.start.line + 1 for f in engine.analyze(argv.encode(), language, "repo/bin/release.js").findings] == [2]


def test_url_data_on_a_minified_line_is_not_reported() -> None:
    """Ensure that a minified bundle's reuse of one-letter names is no URL-to-redirect finding, while readable code is."""
    from vetline.rules.javascript.js_open_redirect import RULE as REDIRECT

    flow = "function h(e){var n=location.hash.substring(1);window.location.href=n}"
    engine = Engine([REDIRECT])
    minified = ("var a=1;" * 200 + flow + "\n").encode()
    assert engine.analyze(minified, "javascript", "shop/static/js/scripts.js").findings == ()
    assert engine.analyze(flow.encode(), "javascript", "shop/static/js/carousel.min.js").findings == ()
    readable = flow.replace(";", ";\n").encode()
    assert [f.start.line for f in engine.analyze(readable, "javascript", "shop/static/js/scripts.js").findings] == [1]
