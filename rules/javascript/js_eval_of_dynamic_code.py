"""Code built at run time: `eval`, `new Function`, string timers and the `vm` module.

`eval(x)`, `new Function(..., body)`, `setTimeout("code", ms)`/`setInterval`, `vm.runIn*`,
`vm.compileFunction` and `new vm.Script(code)` compile their string as JavaScript. Constant
code is not reported (it is a style problem, not an injection); data flow sets confidence.
`vm` is no sandbox: code run there reaches `process` through any object it is given.
Only `eval` is reported for data of unknown origin; `new Function`, timers and `vm` need data
from a source, since code generators (template engines, validators) build their own bodies.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._nodes import argument, arguments, is_string_building, string_value, unwrap
from ._sinks import taint_verdict

EVAL_CALLS = frozenset({"eval", "window.eval", "globalThis.eval"})
TIMER_CALLS = frozenset({"setTimeout", "setInterval", "window.setTimeout", "window.setInterval"})
VM_CALLS = frozenset(
    {f"vm.{name}" for name in ("runInNewContext", "runInThisContext", "runInContext", "compileFunction")}
)
# math.js parses and runs its own expression language; its `eval` (before 4.0) and `evaluate`
# with request data have reached `constructor` and `Function` (CVE-2017-1001002, -1001003).
EXPRESSION_EVALUATORS = frozenset({"mathjs.eval", "mathjs.evaluate"})
CONSTRUCTORS = frozenset({"Function", "vm.Script"})
_QUERY = "(new_expression constructor: (_) @ctor arguments: (arguments) @args) @target"


def _code(match: Match) -> Node | None:
    if match.node("ctor") is not None:
        name = match.ctx.qualified_name(match.node("ctor"))
        if name not in CONSTRUCTORS:
            return None
        args = arguments(match.target)
        return (args[-1] if name == "Function" else args[0]) if args else None  # Function's body is its last argument
    name = match.ctx.qualified_name(match.node("fn")) or ""
    code = unwrap(argument(match.target, 0))
    if name in TIMER_CALLS and not (string_value(code) is not None or is_string_building(code)):
        return None  # a callback (`fn`, `fn.bind(this)`, `() => ...`): the ordinary use
    return code


def runs_dynamic_code(match: Match) -> Report | None:
    code = _code(match)
    if code is None:
        return None
    name = match.ctx.qualified_name(match.node("ctor") or match.node("fn")) or "eval"
    # Code generators (template engines, validators, routers) build `new Function` bodies from
    # their own pieces: only `eval` of unknown data is worth a look; the others need a source.
    return taint_verdict(
        match,
        code,
        f"`{name}`",
        report_unknown=name in EVAL_CALLS,
        consequence="it runs as JavaScript with the program's rights",
    )


def use_json_parse(match: Match) -> Fix | None:
    """`eval(text)` that reads data -> `JSON.parse(text)`."""
    callee = match.node("fn")
    args = arguments(match.target)
    if callee is None or match.ctx.qualified_name(callee) not in EVAL_CALLS or len(args) != 1:
        return None
    if args[0].type not in ("identifier", "member_expression", "subscript_expression"):
        return None  # `eval("(" + text + ")")` is no JSON text
    return Fix(
        title="Parse the data with `JSON.parse` instead of running it",
        edits=(Edit(callee.start_byte, callee.end_byte, "JSON.parse"),),
        safe=False,
    )


RULE = Rule(
    id="js-eval-of-dynamic-code",
    title="eval of dynamic code (JavaScript)",
    category=Category.INJECTION,
    cwe=(95, 94),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=EVAL_CALLS | TIMER_CALLS | VM_CALLS | EXPRESSION_EVALUATORS,
    query=_QUERY,
    where=runs_dynamic_code,
    fix=use_json_parse,
    fixable=True,
    aliases=("no-eval", "no-new-func", "no-implied-eval", "security/detect-eval-with-expression"),
    message="Code built from data runs with the program's rights.",
    docs="""## Why is this bad?
`eval`, `new Function`, string arguments to `setTimeout`/`setInterval` and the `vm` module
compile text as JavaScript. Data that reaches them is code: in a server it can
`require("child_process")`, in a browser it runs in the page's origin (DOM XSS). `vm` is not a
security boundary. Data usually needs a parser (`JSON.parse`), a lookup table, or a callback.

## Fix safety
`eval(text)` becomes `JSON.parse(text)`. It is unsafe: it only works when the text is JSON,
which is the common reason AI code reaches for `eval`; anything else throws.
""",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/eval#never_use_direct_eval!",
        "https://nodejs.org/api/vm.html#vm-executing-javascript",
    ),
    examples="""
const vm = require("vm");
const mathjs = require("mathjs");
app.post("/calc", (req, res) => {
  // ruleid: js-eval-of-dynamic-code
  const result = eval(req.body.expression);
  // ruleid: js-eval-of-dynamic-code
  const fn = new Function("a", req.body.code);
  // ruleid: js-eval-of-dynamic-code
  setTimeout("run(" + req.query.arg + ")", 10);
  // ruleid: js-eval-of-dynamic-code
  vm.runInNewContext(req.body.script, {});
  // ruleid: js-eval-of-dynamic-code
  res.json({ result: mathjs.evaluate(req.body.eqn) });
  // ok: js-eval-of-dynamic-code
  const area = mathjs.evaluate("pi * r ^ 2", { r: 2 });
  // ok: js-eval-of-dynamic-code
  setTimeout(() => run(req.query.arg), 10);
  // ok: js-eval-of-dynamic-code
  const data = JSON.parse(req.body.payload);
  // ok: js-eval-of-dynamic-code
  eval("1 + 1");
  // ok: js-eval-of-dynamic-code
  const d = new Date(req.query.when);
});
function load(text) {
  // ruleid: js-eval-of-dynamic-code
  return eval("(" + text + ")");
}
""",
)
