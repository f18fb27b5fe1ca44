"""`eval`, `exec` and `compile` on a string that is not a constant of the program.

Any Python the string holds runs with the program's rights. A literal, or a string built only
from constants, is the program's own code and clean; request data is high confidence, anything
else medium. `compile()` is reported only when its code can run: not for a syntax check whose
result is dropped, nor for an `ast` tree the program built (unless it parsed request data), and
`exec(code)` of a `code = compile(src)` in the same scope is left to the `compile` finding.
`ast.literal_eval` (a different name) is the usual safe replacement for parsing Python
literals, and the quick fix offers it for a plain one-argument `eval(x)`.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, enclosing_function, positional_args
from ..analysis.sinks import taint_verdict
from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ..patterns import linear
from ._compiled_code import is_ast_tree, is_compiled, parsed_text, result_unused
from ._edits import import_edit

_RUNS = "any Python code in it runs"
CALLS = frozenset({"eval", "exec", "compile", "builtins.eval", "builtins.exec", "builtins.compile"})
# A string literal that opens a Python definition (`f"def {name}({args}):"`, `f"lambda _cls, {fields}: ..."`).
GENERATED_SOURCE = linear(r"""(?:^|[\s(\[=+,])[rRfFbBuU]{0,2}(?:"{1,3}|'{1,3})\s*(?:async\s+def|def|lambda|class)\s""")


def _shadowed(match: Match) -> bool:
    """`compile(pattern)` in a module that defines its own `compile` (re2, regex wrappers)."""
    callee = match.node("fn")
    if callee is None or callee.type != "identifier":
        return False
    return match.ctx.taint.global_origin(match.ctx.text(callee)) is not None


def evaluates_dynamic_code(match: Match) -> Report | None:
    if _shadowed(match):
        return None
    name = (match.ctx.qualified_name(match.node("fn")) or "eval").rsplit(".", 1)[-1]
    code = argument(match.node("args"), 0, "source")
    if name == "compile" and _compiles_nothing_to_run(match, code):
        return None
    if name == "compile" and is_ast_tree(match.ctx, code):
        parsed = parsed_text(match.ctx, code)  # only request data, argv or input() parsed here is worth a report
        sink = "`compile` through `ast.parse`"
        return taint_verdict(match, parsed, sink, report_unknown=False, consequence=_RUNS) if parsed else None
    if name != "compile" and is_compiled(match.ctx, code):
        return None  # `exec(compile(src, ...))`: reported once, at the `compile` that sees `src`
    if _writes_its_own_code(match, code):
        return None
    # Unknown code outside handlers and helpers is the project's own settings, plugins or modules.
    return taint_verdict(match, code, f"`{name}`", unknown_needs_request=True, consequence=_RUNS)


def _writes_its_own_code(match: Match, code: Node | None) -> bool:
    """Code generation (`dataclasses`, `namedtuple`, attrs, cattrs): the function that runs the
    text writes it from a template opening a definition, filling in names and fields its caller
    passed. Request data reaching the text is still reported; a value of unknown origin is not."""
    function = enclosing_function(match.target)
    if function is None or code is None or match.ctx.taint.origin(code).kind is not Kind.UNKNOWN:
        return False
    return GENERATED_SOURCE.search(match.ctx.text(function)) is not None


def _compiles_nothing_to_run(match: Match, code: Node | None) -> bool:
    """A syntax check whose result is dropped, or a parse to an AST (`flags=ast.PyCF_ONLY_AST`)."""
    flags = argument(match.node("args"), 3, "flags")
    only_ast = flags is not None and "PyCF_ONLY_AST" in match.ctx.text(flags)
    return only_ast or result_unused(match.target)


def use_literal_eval(match: Match) -> Fix | None:
    """`eval(x)` -> `ast.literal_eval(x)` for a plain builtin `eval` of one argument."""
    callee, args = match.node("fn"), match.node("args")
    if callee is None or args is None or match.ctx.text(callee) != "eval":
        return None
    if len(positional_args(args)) != 1 or len(args.named_children) != 1:
        return None  # globals/locals given: the code expects names, which literal_eval refuses
    alias = next((local for local, full in match.ctx.names.bindings.items() if full == "ast.literal_eval"), None)
    if alias is not None:
        return Fix("Use `literal_eval`", (Edit(callee.start_byte, callee.end_byte, alias),), safe=False)
    module = next((local for local, full in match.ctx.names.bindings.items() if full == "ast"), None)
    edits = [Edit(callee.start_byte, callee.end_byte, f"{module or 'ast'}.literal_eval")]
    if module is None:
        added = import_edit(match.ctx, "ast")
        if added is not None:
            edits.insert(0, added)
    return Fix("Use `ast.literal_eval`", tuple(edits), safe=False)


RULE = Rule(
    id="eval-of-dynamic-code",
    title="eval/exec of dynamic code",
    category=Category.INJECTION,
    cwe=(95, 94),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=CALLS,
    where=evaluates_dynamic_code,
    fix=use_literal_eval,
    aliases=("B307", "S307", "B102", "S102"),
    message="`eval`/`exec`/`compile` of a dynamic string runs any Python code it contains.",
    docs="""## Why is this bad?
`eval("__import__('os').system('id')")` runs a shell command; `exec` and `compile` are the
same door. AI-written code reaches for `eval` to parse numbers, lists or dicts from a request,
a config file or a model's output, which hands the sender of that text the process.

Confidence is high when request data, `input()` or `sys.argv` reaches the call, medium when the
string's origin is unknown. A literal or a string built only from constants is the program's
own code and is not reported; nor is code generation of unknown origin, where the function
that runs the text writes it from a template opening a definition (`f"def {name}({args}):"`,
`f"lambda _cls, {fields}: ..."`, as `dataclasses` and `namedtuple` do).

`code = compile(src, ...)` then `exec(code)` in one function is one finding, at the `compile`
(which sees where `src` came from). A `compile(text, "", "eval")` whose result is dropped only
checks syntax, and an `ast` tree the program built (`ast.parse`, `ast.Expression(...)`, a
function typed `-> ast.Module`) is its own code: neither is reported, unless request data,
`input()` or `sys.argv` was parsed into the tree.

## How to fix
Parse data as data: `ast.literal_eval` for Python literals, `json.loads` for JSON, `int()` /
`float()` for numbers, a dict of allowed operations instead of evaluating an expression.

## Fix safety
The quick fix replaces a one-argument `eval(x)` with `ast.literal_eval(x)` (adding `import ast`
when needed). It is unsafe: `literal_eval` accepts only literals, so input that used names,
calls or operators other than `+`/`-` on numbers now raises `ValueError`. Calls that pass
globals or locals, and `exec`/`compile`, get no quick fix.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/95.html",
        "https://docs.python.org/3/library/ast.html#ast.literal_eval",
        "https://docs.python.org/3/library/functions.html#eval",
    ),
    examples="""
import ast
import builtins
import sys
from flask import Flask, request
app = Flask(__name__)
FORMULA = "2 + 3"

@app.route("/calc")
def calc():
    expression = request.args.get("expr", "0")
    # ruleid: eval-of-dynamic-code
    result = eval(expression)
    # ruleid: eval-of-dynamic-code
    exec(f"value = {expression}", {})
    # ruleid: eval-of-dynamic-code
    code = compile(request.get_data(as_text=True), "<input>", "exec")
    # ruleid: eval-of-dynamic-code
    builtins.eval(expression)
    # ok: eval-of-dynamic-code
    ast.literal_eval(expression)
    # ok: eval-of-dynamic-code
    eval("1 + 1")
    # ok: eval-of-dynamic-code
    eval(FORMULA)
    # ok: eval-of-dynamic-code
    eval(str(int(expression)) + " * 2")
    return str(result)

def create_fn(name, args, body, namespace):
    text = f"def {name}({', '.join(args)}):\\n" + "\\n".join(f"  {line}" for line in body)
    # ok: eval-of-dynamic-code
    exec(text, namespace)
    return namespace[name]

def tuple_new(typename, field_names):
    code = f"lambda _cls, {', '.join(field_names)}: _tuple_new(_cls, ({', '.join(field_names)}))"
    # ok: eval-of-dynamic-code
    return eval(code, {"_tuple_new": tuple.__new__})

@app.route("/handler")
def make_handler():
    # ruleid: eval-of-dynamic-code
    exec(f"def handler():\\n    return {request.args['expr']}", {})

def run_plugin(source):
    # ruleid: eval-of-dynamic-code
    exec(source)

class LazyAdminSite(AdminSite):
    def lazy_registration(self):
        # The project's own settings, outside any request handler: no visitor chooses them.
        for model in getattr(settings, "ADMIN_REMOVAL", []):
            # ok: eval-of-dynamic-code
            exec("from %s import %s" % tuple(model.rsplit(".", 1)))

with open(os.path.join(PROJECT_ROOT, "local_settings.py")) as settings_file:
    # ok: eval-of-dynamic-code
    exec(settings_file.read())

def run_script(script, namespace):
    # ruleid: eval-of-dynamic-code
    code = compile(script, "<script>", "exec")
    # ok: eval-of-dynamic-code
    exec(code, namespace)
    # ok: eval-of-dynamic-code
    compile(script, "", "eval")

def run_tree(source: str):
    tree = ast.parse(source)
    # ok: eval-of-dynamic-code
    code = compile(tree, "<rewritten>", "exec")
    expr, names = build_tree()
    # ok: eval-of-dynamic-code
    compile(expr, "<built>", "eval")

def build_tree() -> tuple[ast.Expression, set]:
    return ast.Expression(ast.Constant(1)), set()

@app.post("/run")
def run_posted():
    # ruleid: eval-of-dynamic-code
    exec(compile(ast.parse(request.data), "<posted>", "exec"))

# ruleid: eval-of-dynamic-code
print(eval(sys.argv[1]))
# `eval` taken out of `__builtins__` by subscript is not a call the rule recognises.
# todoruleid: eval-of-dynamic-code
__builtins__["eval"](sys.argv[1])
""",
)
