"""Unit tests of the taint analysis: `TaintAnalysis.origin()` on the argument of `sink(...)`."""

from __future__ import annotations

import textwrap

import pytest
from taint_helpers import sink_origins
from vetline.rules import registry
from vetline.rules.analysis.sinks import effective_origin
from vetline.rules.analysis.taint import Kind, Origin
from vetline.rules.engine import Engine
from vetline.rules.model import Confidence

PRELUDE = """
import os, sys, shlex, html, re
from pathlib import Path
from flask import Flask, request
from flask import request as req
app = Flask(__name__)
TABLE = "orders"
ALLOWED = {"a", "b"}
BASE = Path("/srv/files")
"""


def origins(body: str) -> list[Origin]:
    """The origins of every `sink(x)` argument, in source order."""
    return sink_origins(PRELUDE + textwrap.dedent(body))


def only(body: str) -> Origin:
    found = origins(body)
    assert len(found) == 1
    return found[0]


@pytest.mark.parametrize(
    ("expression", "described"),
    [
        ("request.args.get('q')", "`request.args`"),
        ("request.form['name']", "`request.form`"),
        ("request.get_json()", "`request.get_json()`"),
        ("req.cookies.get('sid')", "`request.cookies`"),
        ("input()", "`input()`"),
        ("sys.argv[1]", "`sys.argv`"),
        ("os.environ['HOME']", "`os.environ`"),
        ("os.getenv('HOME')", "`os.environ`"),
    ],
)
def test_sources_are_tainted_and_named(expression: str, described: str) -> None:
    """Ensure that request data, input(), argv and the environment are tainted sources."""
    origin = only(f"def f():\n    sink({expression})\n")
    assert origin.kind is Kind.TAINTED
    assert origin.describe() == described


def test_route_parameters_are_tainted_unless_typed() -> None:
    """Ensure that route-handler parameters are tainted, except ones the route types as numbers."""
    name, uid, typed = origins("""
        @app.route("/u/<int:uid>/<name>")
        def view(uid, name, count: int = 1):
            sink(name)
            sink(uid)
            sink(count)
    """)
    assert (name.kind, name.describe()) == (Kind.TAINTED, "route parameter `name`")
    assert uid.kind is Kind.CONSTANT and typed.kind is Kind.CONSTANT


def test_django_view_request_attributes_are_tainted() -> None:
    """Ensure that a view's `request` parameter is a request object in a web-framework file."""
    origin = only("def view(request, pk):\n    sink(request.GET['q'])\n")
    assert (origin.kind, origin.describe()) == (Kind.TAINTED, "`request.GET`")


def test_request_object_keeps_its_identity_through_assignment() -> None:
    """Ensure that `r = request; r.args` is still a request source."""
    origin = only("def f():\n    r = request\n    sink(r.args['q'])\n")
    assert (origin.kind, origin.describe()) == (Kind.TAINTED, "`request.args`")


def test_plain_function_parameter_is_unknown() -> None:
    """Ensure that a parameter of a non-route function is of unknown origin, not tainted."""
    origin = only("def helper(q):\n    sink(q)\n")
    assert (origin.kind, origin.describe()) == (Kind.UNKNOWN, "`q` (origin unknown)")


@pytest.mark.parametrize(
    "statements",
    [
        "x = term",
        "x = 'a'\n    x += term",
        "x = f'SELECT {term}'",
        "x = 'SELECT ' + term",
        "x = 'SELECT %s' % term",
        "x = 'SELECT {}'.format(term)",
        "x = ','.join([term, 'b'])",
        "x = term[1:5]",
        "x = {'k': term}",
        "x = (1, term)",
        "a, x = 'c', term",
        "x = term.strip().lower()",
        "x = os.path.join('/srv', term)",
        "x = [t for t in term.split(',')]",
    ],
)
def test_taint_propagates_through_expressions(statements: str) -> None:
    """Ensure that taint flows through assignment, operators, f-strings, containers and methods."""
    origin = only(f"def f():\n    term = request.args['q']\n    {statements}\n    sink(x)\n")
    assert origin.kind is Kind.TAINTED
    assert origin.describe() == "`term` from `request.args`"


@pytest.mark.parametrize(
    "statements",
    [
        "x = int(term)",
        "x = float(term)",
        "x = bool(term)",
        "x = shlex.quote(term)",
        "x = html.escape(term)",
        "x = term\n    if x not in ALLOWED:\n        abort(400)",
        "x = term\n    if x not in ALLOWED:\n        return None",
        "x = term\n    if not x.isdigit():\n        raise ValueError(x)",
        "x = (BASE / term).resolve()\n    if not x.is_relative_to(BASE):\n        abort(404)",
        "x = os.path.realpath(os.path.join('/srv', term))\n    if not x.startswith('/srv/'):\n        abort(404)",
    ],
)
def test_sanitizers_make_the_value_clean(statements: str) -> None:
    """Ensure that conversions, escapes, allow-lists and containment checks with early exit sanitise."""
    origin = only(f"def f():\n    term = request.args['q']\n    {statements}\n    sink(x)\n")
    assert origin.kind is Kind.CONSTANT
    assert origin.sanitized_by


def test_allow_list_check_sanitises_inside_the_branch_only() -> None:
    """Ensure that `if x in ALLOWED:` cleans `x` in its body but not after the if."""
    inside, after = origins("""
        def f():
            x = request.args['t']
            if x in ALLOWED:
                sink(x)
            sink(x)
    """)
    assert inside.kind is Kind.CONSTANT and after.kind is Kind.TAINTED


def test_basename_alone_is_a_path_only_sanitizer() -> None:
    """Ensure that `os.path.basename` keeps the taint but lets a path sink discount it."""
    origin = only("def f():\n    sink(os.path.basename(request.args['f']))\n")
    assert (origin.kind, origin.sanitized_by) == (Kind.TAINTED, "os.path.basename")
    assert effective_origin(origin, sanitizers=("os.path.basename",)).kind is Kind.CONSTANT


def test_constants_are_never_tainted() -> None:
    """Ensure that literals, module constants and local constants evaluate to CONSTANT."""
    local, module, mixed = origins("""
        def f():
            table = "orders"
            sink(f"SELECT COUNT(*) FROM {table}")
            sink("SELECT * FROM " + TABLE)
            sink("%s-%d" % (TABLE, 3))
    """)
    assert local.kind is module.kind is mixed.kind is Kind.CONSTANT


def test_reassignment_later_does_not_taint_earlier_use() -> None:
    """Ensure that the analysis is flow-sensitive: each use sees the assignments before it."""
    before, after, again = origins("""
        def f():
            x = "constant"
            sink(x)
            x = request.args["q"]
            sink(x)
            x = "clean again"
            sink(x)
    """)
    assert [before.kind, after.kind, again.kind] == [Kind.CONSTANT, Kind.TAINTED, Kind.CONSTANT]


def test_branches_join_to_the_most_dangerous_value() -> None:
    """Ensure that a value tainted on one branch is tainted after the branches meet."""
    origin = only("""
        def f(flag):
            x = "a"
            if flag:
                x = request.args["q"]
            else:
                x = "b"
            sink(x)
    """)
    assert origin.kind is Kind.TAINTED


def test_in_file_helper_passes_taint_from_parameter_to_return() -> None:
    """Ensure that a same-file helper returning its parameter in a string returns tainted data."""
    tainted, clean = origins("""
        def build(q):
            return "SELECT * FROM t WHERE a = '" + q + "'"

        def view():
            term = request.args["q"]
            sink(build(term))
            sink(build("fixed"))
    """)
    assert (tainted.kind, tainted.describe()) == (Kind.TAINTED, "`term` from `request.args`")
    assert clean.kind is Kind.CONSTANT


def test_in_file_helper_taints_its_result_only_through_the_parameters_that_reach_the_return() -> None:
    """Ensure that request data passed for a parameter the helper never returns leaves the result clean,
    by position or by keyword, while the parameter it returns still carries it."""
    ignored, by_keyword, returned, splat = origins("""
        def pick(state, default):
            check(state)
            return default

        def spread(*values):
            return values[0]

        def view():
            sink(pick(request.args["state"], "/home"))
            sink(pick(default="/home", state=request.args["state"]))
            sink(pick("/home", request.args["next"]))
            sink(spread(request.args["next"]))
    """)
    assert ignored.kind is not Kind.TAINTED and by_keyword.kind is not Kind.TAINTED
    assert returned.kind is Kind.TAINTED and splat.kind is Kind.TAINTED


def test_comprehensions_carry_what_their_element_holds_with_loop_names_bound_to_the_iterable() -> None:
    """Ensure that `escape(k) for k in request.args` is escaped text while `k for k in ...` and a
    nested loop over a tainted list stay tainted, and a constant element stays constant."""
    escaped, raw, nested, constant = origins("""
        def view():
            sink("".join(f"<i>{escape(k)}</i>" for k in request.args))
            sink("".join(f"<i>{k}</i>" for k in request.args))
            sink([v for k, values in request.args.lists() for v in values])
            sink(["x" for k in request.args])
    """)
    assert escaped.kind is not Kind.TAINTED and constant.kind is Kind.CONSTANT
    assert raw.kind is Kind.TAINTED and nested.kind is Kind.TAINTED


def test_unknown_calls_and_soft_sources_are_unknown_for_other_sinks() -> None:
    """Ensure that an unknown call is UNKNOWN and file reads count only where the sink accepts them."""
    call, read = origins("""
        def f(path):
            sink(compute())
            sink(open(path).read())
    """)
    assert call.kind is Kind.UNKNOWN
    assert read.kind is Kind.TAINTED and read.source == "a file read"
    assert effective_origin(read).kind is Kind.UNKNOWN
    assert effective_origin(read, streams=True).kind is Kind.TAINTED


def test_module_level_code_is_analysed_in_order() -> None:
    """Ensure that script code at module level is analysed like a function body."""
    tainted, clean = origins("""
        cmd = sys.argv[1]
        sink(cmd)
        cmd = "ls"
        sink(cmd)
    """)
    assert tainted.kind is Kind.TAINTED and clean.kind is Kind.CONSTANT


def test_sink_messages_say_where_the_data_came_from() -> None:
    """Ensure that a tainted finding is high confidence and names the variable and its source."""
    source = (
        PRELUDE
        + "\n@app.route('/s')\ndef s(cur):\n    term = request.args['q']\n    cur.execute(f\"SELECT * FROM t WHERE a = '{term}'\")\n"
    )
    rule = registry.by_id()["sql-query-built-from-strings"]
    (finding,) = Engine([rule]).analyze(source.encode(), "python").findings
    assert finding.confidence is Confidence.HIGH
    assert finding.message.startswith("`term` from `request.args` reaches an SQL query")


def test_unknown_origin_is_medium_confidence() -> None:
    """Ensure that a non-constant query of unknown origin is reported with medium confidence."""
    source = "import os\ndef run(cmd):\n    os.system('sh -c ' + cmd)\n"
    (finding,) = Engine([registry.by_id()["os-command-injection"]]).analyze(source.encode(), "python").findings
    assert finding.confidence is Confidence.MEDIUM
    assert "`cmd` (origin unknown)" in finding.message


def _findings(rule_id: str, body: str) -> list[tuple[int, Confidence, str]]:
    """(1-based line, confidence, message) of every finding of one rule on `body` (no prelude)."""
    source = textwrap.dedent(body).encode()
    result = Engine([registry.by_id()[rule_id]]).analyze(source, "python")
    return [(f.start.line + 1, f.confidence, f.message) for f in result.findings]


@pytest.mark.parametrize(
    ("statements", "described"),
    [
        ("x, a = term, 'c'", "`term` from `request.args`"),
        ("[x, a] = [term, 1]", "`term` from `request.args`"),
        ("a, x = term.split(',')", "`x` from `request.args`"),
        ("for a, x in zip(['k'], [term]):\n        pass", "`x` from `request.args`"),
    ],
)
def test_unpacking_names_the_element_it_binds(statements: str, described: str) -> None:
    """Ensure that unpacking tracks literal tuples element-wise and otherwise names its own target."""
    origin = only(f"def f():\n    term = request.args['q']\n    {statements}\n    sink(x)\n")
    assert (origin.kind, origin.describe()) == (Kind.TAINTED, described)


def test_unpacking_a_literal_keeps_constant_elements_clean() -> None:
    """Ensure that `a, b = term, "c"` leaves `b` constant."""
    origin = only("def f():\n    a, b = request.args['q'], 'c'\n    sink(b)\n")
    assert origin.kind is Kind.CONSTANT


def test_in_file_call_result_does_not_carry_the_callee_local_names() -> None:
    """Ensure that `h, co = rewrite(fn)` reports `co`, not a local name inside `rewrite`."""
    origin = only("""
        def rewrite(fn):
            source_hash = digest(fn)
            co = compile(fn.read(), "x", "exec")
            return source_hash, co

        def load(fn):
            source_hash, co = rewrite(fn)
            sink(co)
    """)
    assert origin.describe() == "`co` (origin unknown)"


def test_environment_is_medium_confidence_at_command_sinks() -> None:
    """Ensure that `os.environ` in a shell command is medium, named, and never makes a program name reportable."""
    found = _findings(
        "os-command-injection",
        """
        import os, subprocess
        os.system("make " + os.environ["TARGET"])
        subprocess.check_output([os.path.join(os.environ["ProgramFiles(x86)"], "vswhere.exe"), "-latest"])
        subprocess.run([os.getenv("EDITOR"), "notes.txt"])
        """,
    )
    assert found == [
        (
            3,
            Confidence.MEDIUM,
            "`os.environ` reaches a shell command (`os.system`): the shell runs any command it contains.",
        )
    ]


def test_setuptools_git_clone_pattern_is_still_reported() -> None:
    """Ensure that `os.system("git clone --quiet %s %s" % (url, filename))` (CVE-2024-6345) is reported."""
    found = _findings(
        "os-command-injection",
        """
        import os
        def _download_git(url, filename):
            os.system("git clone --quiet %s %s" % (url, filename))
        """,
    )
    assert [(line, confidence) for line, confidence, _ in found] == [(4, Confidence.MEDIUM)]


@pytest.mark.parametrize(
    ("call", "via"),
    [
        ('subprocess.run(["sh", "-c", "convert " + name + " out.png"])', "`sh -c`"),
        ('subprocess.Popen(["/usr/bin/bash", "-c", name])', "`bash -c`"),
        ('subprocess.call(["cmd.exe", "/C", "type " + name])', "`cmd /C`"),
        ('subprocess.run(["powershell", "-NoProfile", "-Command", name])', "`powershell -Command`"),
        ('os.execlp("zsh", "zsh", "-c", name)', "`zsh -c`"),
    ],
)
def test_shell_script_in_an_argv_list_is_a_shell_command(call: str, via: str) -> None:
    """Ensure that the item after `-c` of a shell argv is judged as a shell command and named so
    (medium: `sys.argv` is the command line of whoever runs the program, not a web request)."""
    found = _findings("os-command-injection", f"import os, subprocess, sys\nname = sys.argv[1]\n{call}\n")
    assert found == [
        (
            3,
            Confidence.MEDIUM,
            f"`name` from `sys.argv` reaches a shell script via {via}: the shell runs any command it contains.",
        )
    ]


def test_compile_then_exec_is_reported_once_at_the_compile() -> None:
    """Ensure that `code = compile(src); exec(code)` gives one finding, on the `compile` line."""
    found = _findings(
        "eval-of-dynamic-code",
        """
        def run(script):
            code = compile(script, "<script>", "exec")
            exec(code)
            eval(compile(script, "<s>", "eval"))
        """,
    )
    assert [line for line, _, _ in found] == [3, 5]
    assert all("`compile`" in message for _, _, message in found)


def test_compile_of_program_built_ast_or_syntax_check_is_not_reported() -> None:
    """Ensure that compiling an `ast` tree the program built, or only syntax-checking, is not reported."""
    found = _findings(
        "eval-of-dynamic-code",
        """
        import ast
        def expression(s) -> tuple[ast.Expression, frozenset[str]]:
            return ast.Expression(parse(s)), frozenset()
        def check(modname, source, node: ast.Module):
            compile(modname, "", "eval")
            tree = ast.parse(source)
            exec(compile(tree, "<rewritten>", "exec"))
            astexpr, idents = expression(modname)
            code = compile(astexpr, "<expr>", "eval")
            compile(node, "<n>", "exec")
        """,
    )
    assert found == []


def test_compile_of_parsed_request_data_is_still_reported() -> None:
    """Ensure that an `ast.parse` of request data compiled and run is a high-confidence finding."""
    found = _findings(
        "eval-of-dynamic-code",
        """
        import ast
        from flask import Flask, request
        app = Flask(__name__)
        @app.post("/run")
        def run():
            tree = ast.parse(request.get_data(as_text=True))
            exec(compile(tree, "<posted>", "exec"))
        """,
    )
    assert [(line, confidence) for line, confidence, _ in found] == [(8, Confidence.HIGH)]


def test_marshal_has_its_own_wording() -> None:
    """Ensure that `marshal.load` findings do not talk about unpickling."""
    ((_, _, message),) = _findings(
        "pickle-deserialization", "import marshal\ndef f(handle):\n    marshal.load(handle)\n"
    )
    assert "unpickling" not in message and "`marshal` is not safe against crafted data" in message


def test_pandas_read_sql_with_a_built_query_is_reported() -> None:
    """Ensure that `pd.read_sql(f"...{q}...")` (alias-resolved) reaches the SQL rule with the taint source."""
    found = _findings(
        "sql-query-built-from-strings",
        """
        import pandas as pd
        from flask import request
        def report(con):
            q = request.args["q"]
            return pd.read_sql(f"SELECT * FROM t WHERE a = '{q}'", con), pd.read_sql("SELECT 1", con)
        """,
    )
    assert [(line, confidence) for line, confidence, _ in found] == [(6, Confidence.HIGH)]
    assert found[0][2].startswith("`q` from `request.args` reaches an SQL query")


def test_command_line_data_is_medium_confidence_at_most() -> None:
    """Ensure that `sys.argv` reaching a sink is named as the source but never high confidence."""
    found = _findings(
        "sql-query-built-from-strings",
        "import sys\nname = sys.argv[1]\ncur.execute(\"SELECT * FROM t WHERE n = '%s'\" % name)\n",
    )
    assert [(line, confidence) for line, confidence, _ in found] == [(3, Confidence.MEDIUM)]
    assert "sys.argv" in found[0][2]
