"""File paths from request data: `fs.*`, `res.sendFile`/`res.download`, with `path.join` on top.

Only *request* data (and browser-side sources) is reported: `fs.readFile(variable)` of unknown
origin is ordinary code, and a CLI's own arguments choose its own files. `path.basename`
removes directories and sanitises; `path.join`/`path.resolve` do not (`../` survives them),
and `sendFile` with a `root` option confines the path.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._http import RESPONSE_NAMES
from ._nodes import argument, method_name, property_value, receiver
from ._sinks import taint_verdict
from ._values import resolved

FS_FUNCTIONS = (
    "readFile",
    "readFileSync",
    "writeFile",
    "writeFileSync",
    "appendFile",
    "appendFileSync",
    "createReadStream",
    "createWriteStream",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "readdir",
    "readdirSync",
    "open",
    "openSync",
    "copyFile",
    "rename",
    "mkdir",
    "stat",
)
FS_CALLS = frozenset(
    {f"{module}.{name}" for module in ("fs", "fs.promises", "fs-extra", "graceful-fs") for name in FS_FUNCTIONS}
)
RESPONSE_CALLS = frozenset({".sendFile", ".download"})


def _is_response_call(match: Match) -> bool:
    owner = receiver(match)
    return owner is not None and match.ctx.text(owner) in RESPONSE_NAMES


def reads_requested_path(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name not in FS_CALLS:
        if not _is_response_call(match) or property_value(resolved(argument(match.target, 1)), "root") is not None:
            return None
        name = f"res.{method_name(match)}"
    verdict = taint_verdict(
        match,
        argument(match.target, 0),
        f"a file path (`{name}`)",
        local_input=False,
        report_unknown=False,
        sanitizers=("path.basename",),
        consequence="`../` in it reaches any file the process can open",
    )
    return verdict


RULE = Rule(
    id="js-path-traversal",
    title="File path from request data (JavaScript)",
    category=Category.INJECTION,
    cwe=(22,),
    owasp=("A01:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=FS_CALLS | RESPONSE_CALLS,
    where=reads_requested_path,
    aliases=(
        "security/detect-non-literal-fs-filename",
        "javascript.express.security.audit.express-path-join-resolve-traversal",
    ),
    message="A file path taken from the request can name any file on the server.",
    docs="""## Why is this bad?
`fs.readFile(path.join(__dirname, "uploads", req.params.name))` serves `/etc/passwd` when
`name` is `../../../etc/passwd`: `path.join` and `path.resolve` keep `..`. Take the base name
(`path.basename(name)`), or resolve the path and check it still starts with the folder, or
give `res.sendFile` a `root` option (it then refuses paths that leave it).

Only request data is reported, at high confidence; a path of unknown origin is not (that is
most file handling), nor a command-line argument.
""",
    references=(
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://expressjs.com/en/api.html#res.sendFile",
    ),
    examples="""
const fs = require("fs");
const path = require("path");
app.get("/file", (req, res) => {
  // ruleid: js-path-traversal
  fs.readFile(path.join(__dirname, "uploads", req.query.name), (err, data) => res.send(data));
  // ruleid: js-path-traversal
  res.sendFile(path.resolve("public", req.params.file));
  // ruleid: js-path-traversal
  fs.promises.unlink(`/tmp/${req.body.id}`);
  // ok: js-path-traversal
  fs.readFile(path.join(__dirname, "uploads", path.basename(req.query.name)), cb);
  // ok: js-path-traversal
  res.sendFile(req.params.file, { root: path.join(__dirname, "public") });
  // ok: js-path-traversal
  fs.readFileSync(path.join(__dirname, "config.json"));
  const options = { root: path.join(__dirname, "lib", "debug"), dotfiles: "deny" };
  // ok: js-path-traversal
  res.sendFile(req.params[0], options);
});
app.get("/packages/:package/:filename", (req, res) => {
  const fileName = req.params.filename;
  if (!registry.getFiles().includes(`${req.params.package}/${fileName}`)) {
    return res.status(404).send("Not found");
  }
  // ok: js-path-traversal
  return res.sendFile(path.join(packagesPath, fileName));
});
app.get("/dump", (req, res) => {
  if (req.query.dump != null && common.IsFilenameValid(req.query.dump)) {
    // ok: js-path-traversal
    res.sendFile(path.join(dumpsPath, req.query.dump));
  }
  if (Array.isArray(req.query.files)) {
    // ruleid: js-path-traversal
    res.sendFile(path.join(dumpsPath, req.query.files[0]));
  }
  if (req.query.name.startsWith("report-")) {
    // ruleid: js-path-traversal
    res.sendFile(path.join(dumpsPath, req.query.name));
  }
});
function load(file) {
  // ok: js-path-traversal
  return fs.readFileSync(file, "utf8");
}
""",
)
