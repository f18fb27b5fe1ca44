"""Web frameworks started or configured with debug mode on (Flask, Django, FastAPI, Starlette)."""

from __future__ import annotations

from pathlib import PurePath

from tree_sitter import Node

from ..analysis.nodes import is_true, keyword_arg
from ..analysis.test_code import is_test_code
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Rule, Severity
from ..patterns import linear
from ._edits import import_edit
from ._expressions import definition

APP_CONSTRUCTORS = frozenset(
    {"fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart", "aiohttp.web.Application"}
)
# `<app>.debug = True` counts only on an application object; `self.debug` is a parser, a logger...
APP_CLASSES = frozenset({"flask.Flask", "fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart"})
CONFIG_UPDATES = frozenset({".update", ".from_mapping"})
_DEV_SETTINGS = linear(r"dev|local|test")
# A module named as the debugging entry point (`zou/debug.py`, `run_debug.py`, `debug_server.py`):
# running it is how a developer starts the debug server; deployments start the app elsewhere.
_DEBUG_ENTRY_POINT = linear(r"^(?:run_?)?debug(?:_?(?:server|app))?$")


def debug_value(match: Match) -> Node | None:
    """The literal `True` that turns debug mode on, or None."""
    if match.node("fn") is None:
        return match.node("value")  # query patterns capture it; the settings one needs a look
    name = match.ctx.qualified_name(match.node("fn")) or ""
    args = match.node("args")
    if name.startswith("asyncio."):
        return None  # `asyncio.run(main(), debug=True)` only adds event-loop checks
    if name.endswith(tuple(CONFIG_UPDATES)):
        receiver = match.node("fn").child_by_field_name("object")  # type: ignore[union-attr]
        if receiver is None or not match.ctx.text(receiver).endswith("config"):
            return None
        value = keyword_arg(args, "DEBUG")
    else:
        value = keyword_arg(args, "debug")
    return value if is_true(value) else None


def is_app(match: Match, receiver: Node | None) -> bool:
    """A receiver named `app` or assigned a Flask/FastAPI/Starlette/Quart instance in this file."""
    if receiver is None or receiver.type not in ("identifier", "attribute"):
        return False
    name = match.ctx.text(receiver)
    if name.rsplit(".", 1)[-1] == "app":
        return True
    values = [definition(receiver)] if receiver.type == "identifier" else []
    root = receiver
    while root.parent is not None:
        root = root.parent
    for statement in root.named_children:  # module-level `application = Flask(__name__)`
        assignment = statement.named_children[0] if statement.named_children else statement
        if assignment.type == "assignment" and match.ctx.text(assignment.child_by_field_name("left")) == name:
            values.append(assignment.child_by_field_name("right"))
    return any(
        value is not None
        and value.type == "call"
        and match.ctx.qualified_name(value.child_by_field_name("function")) in APP_CLASSES
        for value in values
    )


def is_debug_enabled(match: Match) -> bool:
    value = debug_value(match)
    if value is None:
        return False
    if match.node("a") is not None:
        left = match.target.child_by_field_name("left")
        return left is not None and is_app(match, left.child_by_field_name("object"))
    if match.node("setting") is not None:
        # `DEBUG = True` in a testing settings module configures the test run, not a deployment.
        return looks_like_django_settings(match) and not is_test_code(match.ctx.path)
    return not (is_server_run(match) and _DEBUG_ENTRY_POINT.search(PurePath(match.ctx.path).stem))


def is_server_run(match: Match) -> bool:
    """`app.run(...)`, `socketio.run(app, ...)`: starting a server, not configuring one."""
    return (match.ctx.qualified_name(match.node("fn")) or "").endswith(".run")


def looks_like_django_settings(match: Match) -> bool:
    """Production settings modules: named settings.py or declaring Django's core settings."""
    path = PurePath(match.ctx.path)
    if _DEV_SETTINGS.search(path.stem):
        return False  # settings/dev.py and local_settings.py are meant to debug
    return path.name == "settings.py" or match.ctx.contains(b"INSTALLED_APPS") or match.ctx.contains(b"ROOT_URLCONF")


def read_from_environment(match: Match) -> Fix | None:
    value = debug_value(match)
    if value is None:
        return None
    if match.node("setting") is not None:
        variable = "DJANGO_DEBUG"
    elif match.ctx.qualified_name(match.node("fn")) not in APP_CONSTRUCTORS and match.ctx.names.imports_module("flask"):
        variable = "FLASK_DEBUG"
    else:
        variable = "APP_DEBUG"
    edits = [Edit(value.start_byte, value.end_byte, f'os.environ.get("{variable}") == "1"')]
    add_os = import_edit(match.ctx, "os")
    if add_os is not None:
        edits.insert(0, add_os)
    return Fix(f"Read debug mode from the `{variable}` environment variable", tuple(edits), safe=False)


RULE = Rule(
    id="debug-mode-enabled",
    title="Web application runs in debug mode",
    category=Category.EXPOSURE,
    cwe=(489,),
    owasp=("A05:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=frozenset({".run", *APP_CONSTRUCTORS, *CONFIG_UPDATES}),
    query="""
(assignment left: (attribute attribute: (identifier) @a (#eq? @a "debug")) right: (true) @value) @target
(assignment
  left: (subscript value: (attribute attribute: (identifier) @c (#eq? @c "config"))
                   subscript: (string (string_content) @k (#eq? @k "DEBUG")))
  right: (true) @value) @target
(module (expression_statement
  (assignment left: (identifier) @setting (#eq? @setting "DEBUG") right: (true) @value) @target))
""",
    where=is_debug_enabled,
    fix=read_from_environment,
    aliases=("B201", "S201"),
    message="Debug mode is on: tracebacks, settings and (in Flask) an interactive console are exposed to clients.",
    docs="""## Why is this bad?
Flask's debugger (Werkzeug) lets anyone who can reach the server run Python code from an error
page. Django's `DEBUG = True` shows settings, SQL and source in error pages. FastAPI/Starlette
`debug=True` returns tracebacks to clients. AI assistants copy `debug=True` from tutorials and
it reaches production unchanged.

## How to fix
Turn debug mode on only from the environment of a developer machine, e.g.
`app.run(debug=os.environ.get("FLASK_DEBUG") == "1")`, or run `flask --debug run` locally.
Keep Django's `DEBUG = True` in a development-only settings module (`settings/dev.py`).
A server started with `debug=True` in a module named as the debugging entry point (`debug.py`,
`run_debug.py`, `debug_server.py`) is not reported: deployments start the application elsewhere.

## Fix safety
Unsafe: the fix reads an environment variable (`FLASK_DEBUG`, `DJANGO_DEBUG` or `APP_DEBUG`)
and adds `import os` when missing; debug mode is off until the variable is set to `1`.
""",
    references=(
        "https://flask.palletsprojects.com/en/stable/debugging/",
        "https://docs.djangoproject.com/en/stable/ref/settings/#debug",
        "https://www.starlette.io/applications/",
        "https://cwe.mitre.org/data/definitions/489.html",
    ),
    examples="""
import asyncio
import fastapi
from flask import Flask
from starlette.applications import Starlette as App

app = Flask(__name__)
application = fastapi.FastAPI()
# ruleid: debug-mode-enabled
app.debug = True
def create_app():
    # ruleid: debug-mode-enabled
    application.debug = True
class ParserElement:
    def set_debug(self):
        # ok: debug-mode-enabled
        self.debug = True
# ok: debug-mode-enabled
parser.debug = True
# ruleid: debug-mode-enabled
app.config["DEBUG"] = True
# ruleid: debug-mode-enabled
app.config.update(DEBUG=True, TESTING=False)
# ruleid: debug-mode-enabled
api = fastapi.FastAPI(title="svc", debug=True)
# ruleid: debug-mode-enabled
star = App(debug=True)
from aiohttp import web
# ruleid: debug-mode-enabled
aio = web.Application(debug=True, middlewares=[session_middleware])
# ok: debug-mode-enabled
aio = web.Application(middlewares=[session_middleware])
INSTALLED_APPS = ["django.contrib.admin"]
# ruleid: debug-mode-enabled
DEBUG = True
if __name__ == "__main__":
    # ruleid: debug-mode-enabled
    app.run(host="127.0.0.1", debug=True)
    # ok: debug-mode-enabled
    app.run(debug=False)
    # ok: debug-mode-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    # ok: debug-mode-enabled
    uvicorn.run("main:app", reload=True)
    # ok: debug-mode-enabled
    asyncio.run(main(), debug=True)
# ok: debug-mode-enabled
cache.update(DEBUG=True)
# ok: debug-mode-enabled
app.config["TESTING"] = True
def configure(app):
    # ok: debug-mode-enabled
    DEBUG = True
    # todoruleid: debug-mode-enabled
    app.run(**{"debug": True})  # options passed through a dict splat are not read
""",
)
