"""Request data used as a file path: `open`, `send_file`, `FileResponse`, `shutil`, `os.remove`, pathlib.

Only tainted paths are reported (high confidence). File paths of unknown origin are in almost
every program (a function's `path` parameter), so reporting them would bury the real cases.
A path is clean after `os.path.basename` or `secure_filename`, or after a containment check
(`p.resolve().is_relative_to(BASE)`, `os.path.realpath(p).startswith(BASE)`) or a rejection of
`..` or of the separator (`if os.path.sep in name: raise ...`) with an early exit.
`sys.argv`, `input()` and the environment do not count: the user running the program chose them.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument
from ..analysis.sinks import taint_verdict
from ..analysis.taint_tables import PATH_GUARD
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

# Sink -> (position, keyword) of each path argument.
_SRC_DST = ((0, "src"), (1, "dst"))
PATH_ARGUMENTS: dict[str, tuple[tuple[int, str], ...]] = {
    "open": ((0, "file"),),
    "io.open": ((0, "file"),),
    "codecs.open": ((0, "filename"),),
    "flask.send_file": ((0, "path_or_file"),),
    "quart.send_file": ((0, "filename_or_io"),),
    # send_from_directory joins its filename safely (werkzeug.security.safe_join): only the directory matters.
    "flask.send_from_directory": ((0, "directory"),),
    "starlette.responses.FileResponse": ((0, "path"),),
    "fastapi.responses.FileResponse": ((0, "path"),),
    **{f"shutil.{name}": _SRC_DST for name in ("copy", "copy2", "copyfile", "copytree", "move")},
    **{f"os.{name}": _SRC_DST for name in ("rename", "replace")},
    **{f"os.{name}": ((0, "path"),) for name in ("remove", "unlink", "rmdir", "removedirs")},
    "shutil.rmtree": ((0, "path"),),
}
PATH_METHODS = frozenset({".read_text", ".write_text", ".read_bytes", ".write_bytes", ".unlink", ".rmdir", ".open"})
_PATH_TYPES = ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath")


def _path_method_receiver(match: Match) -> Node | None:
    """The path a pathlib method works on; `.open` only on an evident `Path(...)` or `a / b`."""
    callee = match.node("fn")
    if callee is None or callee.type != "attribute":
        return None
    receiver = callee.child_by_field_name("object")
    if receiver is None or match.ctx.text(callee.child_by_field_name("attribute")) != "open":
        return receiver
    if receiver.type == "binary_operator":
        return receiver
    if receiver.type == "call" and match.ctx.qualified_name(receiver.child_by_field_name("function")) in _PATH_TYPES:
        return receiver
    return None


def _paths(match: Match) -> list[Node]:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in PATH_ARGUMENTS:
        found = (argument(match.node("args"), position, keyword) for position, keyword in PATH_ARGUMENTS[name])
        return [node for node in found if node is not None]
    receiver = _path_method_receiver(match)
    return [receiver] if receiver is not None else []


def opens_tainted_path(match: Match) -> Report | None:
    sink = f"the file path of `{match.ctx.text(match.node('fn'))}`"
    for path in _paths(match):
        verdict = taint_verdict(
            match,
            path,
            sink,
            local_input=False,
            report_unknown=False,
            sanitizers=("os.path.basename", "posixpath.basename", "ntpath.basename", PATH_GUARD),
            consequence="`../` in it reaches files outside the intended directory",
        )
        if verdict is not None:
            return verdict
    return None


RULE = Rule(
    id="path-traversal",
    title="File path from request data",
    category=Category.INJECTION,
    cwe=(22,),
    owasp=("A01:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset(PATH_ARGUMENTS) | PATH_METHODS,
    where=opens_tainted_path,
    message="A file path taken from request data can point outside the intended directory.",
    docs="""## Why is this bad?
`open(os.path.join(UPLOADS, request.args["name"]))` with `name=../../etc/passwd` reads any
file the process can read; the same data in `shutil.rmtree`, `os.remove` or `write_text`
deletes or overwrites files. `os.path.join` does not help: an absolute second argument
replaces the base entirely.

Only paths that data flow traces to request data (request attributes, route parameters) are
reported, with high confidence. Paths of unknown origin are everywhere in ordinary code, and a
path from `sys.argv`, `input()` or the environment was chosen by whoever runs the program (a
CLI opening the file it was given): both are deliberately not reported. `flask.send_from_directory` joins its file name safely, so only a
tainted *directory* argument is reported there. A name checked by an early exit that rejects
`..` or the separator (`if os.path.sep in name: raise PermissionDenied`) is one component of
the folder it is joined to, and is not reported. A function shaped like a Django view
(`def send_file(request, filepath)`) but undecorated in a helper module (`utils/`,
`core/http.py`, `*_backend.py`) is a helper its callers give their own paths, not a view.

## How to fix
Keep only the file name (`werkzeug.utils.secure_filename(name)` or `os.path.basename(name)`),
or resolve the full path and check it stays inside the base directory before using it:
`target = (BASE / name).resolve()` then `if not target.is_relative_to(BASE): abort(404)`.
For downloads prefer `send_from_directory(BASE, name)`.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/22.html",
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://flask.palletsprojects.com/en/stable/api/#flask.send_from_directory",
        "https://docs.python.org/3/library/pathlib.html#pathlib.PurePath.is_relative_to",
    ),
    examples="""
import codecs
import configparser
import urllib.parse
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse
import os
import shutil
import sys
from pathlib import Path
from flask import Flask, request, send_file, send_from_directory
from fastapi import FastAPI
from fastapi.responses import FileResponse
from werkzeug.utils import secure_filename
app = Flask(__name__)
api = FastAPI()
UPLOADS = Path("/srv/uploads")

@app.route("/download")
def download():
    name = request.args["file"]
    # ruleid: path-traversal
    data = open(os.path.join("/srv/uploads", name)).read()
    # ruleid: path-traversal
    send_file(UPLOADS / name)
    # ruleid: path-traversal
    (UPLOADS / name).read_text()
    # ruleid: path-traversal
    shutil.rmtree(f"/srv/cache/{name}")
    # ruleid: path-traversal
    Path(name).open()
    # ok: path-traversal
    send_from_directory(UPLOADS, name)
    # ok: path-traversal
    open(os.path.join("/srv/uploads", secure_filename(name)))
    # ok: path-traversal
    os.remove(os.path.join("/srv/uploads", os.path.basename(name)))
    # ok: path-traversal
    open("/srv/static/index.html")
    target = (UPLOADS / name).resolve()
    if not target.is_relative_to(UPLOADS):
        return "not found", 404
    # ok: path-traversal
    return send_file(target)

@app.route("/users/<int:uid>/download-data/<path:file_name>")
def download_user_data(uid, file_name):
    # askbot: a name with a separator is refused, so it is one component of the export folder.
    if os.path.sep in file_name:
        raise PermissionError(file_name)
    # ok: path-traversal
    return send_file(open(os.path.join(export_dir(uid), file_name), "rb"))

@app.route("/exports/<path:file_name>")
def export_file(file_name):
    if "/" in file_name:
        return "not found", 404
    # ok: path-traversal
    open(os.path.join("/srv/exports", file_name))
    if "\\" in file_name:
        return "not found", 404
    # ruleid: path-traversal
    return open(os.path.join("/srv/exports", request.args["other"]))

@app.route("/read/<int:book_id>/<book_format>")
def read_book(book_id, book_format):
    if book_format.upper() == "TXT":
        # A case-folded comparison with a constant leaves only spellings of "txt".
        # ok: path-traversal
        return open(os.path.join("/srv/books", str(book_id) + "." + book_format)).read()
    # ruleid: path-traversal
    return open(os.path.join("/srv/books", str(book_id) + "." + book_format)).read()

@app.route("/watch/<uuid>/html")
def latest_html(uuid):
    watch = datastore.data["watching"].get(uuid)
    # A record looked up by the route parameter: its folder is the application's, not the key.
    # ok: path-traversal
    return open(os.path.join(watch.data_dir, "latest.html")).read()

@api.get("/files/{path}")
def read_file(path: str):
    full = os.path.realpath(os.path.join("/srv/files", path))
    # ruleid: path-traversal
    response = FileResponse(full)
    if not full.startswith("/srv/files/"):
        raise ValueError(path)
    # ok: path-traversal
    return FileResponse(full)

def load(path):
    # ok: path-traversal
    return open(path).read()

# ok: path-traversal
print(open(sys.argv[1]).read())

# A path kept on `self` between methods is not followed (the analysis is per function).
class Store:
    def __init__(self, name):
        self.name = name
    def read(self):
        # todoruleid: path-traversal
        return open(self.name).read()
# OWASP Benchmark style: routes inside `init(app)`, configparser keys, early-return guards.
def init(app):
    @app.route("/benchmark/pathtraver-00/Case002", methods=["POST"])
    def case002():
        param = request.form.get("Case002", "")
        conf = configparser.ConfigParser()
        conf.set("section", "keyA", "a-Value")
        conf.set("section", "keyB", param)
        # ruleid: path-traversal
        codecs.open(os.path.join("/srv/testfiles", conf.get("section", "keyB")))
        # ok: path-traversal
        codecs.open(os.path.join("/srv/testfiles", conf.get("section", "keyA")))
        name = urllib.parse.unquote_plus(request.cookies.get("Case002", ""))
        if "../" in name:
            return "Invalid file name"
        # ok: path-traversal
        return open(os.path.join("/srv/testfiles", name)).read()
class Files(BaseHTTPRequestHandler):
    def do_GET(self):
        name = parse_qs(urlparse(self.path).query)["file"][0]
        # ruleid: path-traversal
        self.wfile.write((Path("/srv/static") / name).read_bytes())
""",
)
