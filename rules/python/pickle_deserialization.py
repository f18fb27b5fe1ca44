"""Pickle-family loaders (pickle, dill, shelve, marshal, jsonpickle, pandas, joblib, numpy).

Every call is reported, since any of them runs code held in the data; data flow only sets the
confidence (high: request data, argv or a socket reaches it; medium: unknown origin or a file
read; low: a constant path). `torch.load` and `yaml.load` have rules of their own.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, enclosing_function, is_false, keyword_arg, positional_args
from ..analysis.sinks import bound_value, is_third_party_copy, taint_verdict, unknown_may_be_request_data
from ..analysis.taint import Kind
from ..analysis.taint_tables import FILE_READ
from ..analysis.web import parameter_names
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._expressions import definition

# Loader name -> the keyword under which the data may be passed instead of position 0.
DATA_KEYWORD = {
    "load": "file",
    "loads": "data",
    "Unpickler": "file",
    "open": "filename",
    "read_pickle": "filepath_or_buffer",
    "decode": "string",
}
PICKLE_MODULES = ("pickle", "_pickle", "cPickle", "dill", "cloudpickle")
LOADERS = frozenset(
    {f"{module}.{name}" for module in PICKLE_MODULES for name in ("load", "loads", "Unpickler")}
    | {
        "shelve.open",
        "shelve.DbfilenameShelf",
        "marshal.load",
        "marshal.loads",
        "jsonpickle.decode",
        "jsonpickle.unpickler.decode",
        "pandas.read_pickle",
        "joblib.load",
        "sklearn.externals.joblib.load",
        "numpy.load",
    }
)
OPENERS = frozenset({"open", "io.open", "builtins.open", "gzip.open", "bz2.open", "lzma.open"})
CONSEQUENCE = "unpickling runs any code the data holds"
# marshal builds objects (not calls), but it trusts its input: crafted data can crash the
# interpreter, and the code objects it returns run when the program executes them.
MARSHAL_CONSEQUENCE = "`marshal` is not safe against crafted data, and a code object it loads runs when executed"
# `loads(dumps(x))` round-trips an object this process made (copying, tests): nothing to load from outside.
SERIALIZERS = frozenset({f"{module}.dumps" for module in (*PICKLE_MODULES, "marshal")} | {"jsonpickle.encode"})


def _opened_path(match: Match, node: Node | None) -> Node | None:
    """The path of `open(path)`, given inline, assigned, or bound by `with open(path) as f`."""
    opened = definition(node)
    if opened is None or opened.type != "call":
        return None
    opener = match.ctx.qualified_name(opened.child_by_field_name("function"))
    return argument(opened.child_by_field_name("arguments"), 0, "file") if opener in OPENERS else None


def _data(match: Match, name: str) -> Node | None:
    keyword = "filename" if name.endswith("joblib.load") else DATA_KEYWORD.get(name.rsplit(".", 1)[-1])
    data = argument(match.node("args"), 0, keyword)
    return _opened_path(match, data) or data


JOINS = frozenset({"os.path.join", "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"})


def _folder_head(match: Match, path: Node) -> Node | None:
    """The directory part a built path starts with: `os.path.join(MEDIA_ROOT, ...)`'s first
    argument, the left end of `BASE / name`, an f-string's leading `/cache/` text; None when the
    path is not built from a head and more (a bare `path`, a single value)."""
    for _ in range(3):
        if path.type != "identifier":
            break
        bound = bound_value(path)
        if bound is None:
            return None
        path = bound
    if path.type == "call" and match.ctx.qualified_name(path.child_by_field_name("function")) in JOINS:
        pieces = positional_args(path.child_by_field_name("arguments"))
        return pieces[0] if len(pieces) > 1 else None
    if path.type == "binary_operator" and match.ctx.text(path.child_by_field_name("operator")) == "/":
        left = path.child_by_field_name("left")
        return _folder_head(match, left) or left if left is not None else None
    if path.type == "string" and path.named_children:
        head = path.named_children[1] if len(path.named_children) > 2 else None
        text = match.ctx.text(head) if head is not None and head.type == "string_content" else ""
        return head if text.startswith("/") and text.endswith("/") and text.count("/") > 1 else None
    return None


def _key_picks_own_file(match: Match, path: Node | None) -> bool:
    """`pickle.load(gzip.open(os.path.join(MEDIA_ROOT, "skin_maps", f"skin_map_{pk}.p")))` in a
    view: the program's own folder, a file name a record's key picks. The bytes are the program's
    (its cache or store), not the visitor's: a route segment holds no `/` to leave that folder,
    and a value of unknown origin is the program's own. Query and form values are still reported."""
    if path is None:
        return False
    head = _folder_head(match, path)
    if head is None or match.ctx.taint.origin(head).kind is Kind.TAINTED:
        return False
    origin = match.ctx.taint.origin(path)
    if origin.kind is Kind.UNKNOWN:
        return True
    source = origin.source or ""
    return source.startswith("route parameter") and not _path_converter(match, source)


def _path_converter(match: Match, source: str) -> bool:
    """A route parameter typed `<path:rest>` / `{rest:path}` spans segments, `/` included."""
    name = source.removeprefix("route parameter").strip(" `")
    function = enclosing_function(match.target)
    text = match.ctx.text(function.parent) if function is not None and function.parent is not None else ""
    return f"path:{name}>" in text or f"{{{name}:path}}" in text


def _round_trip(match: Match, data: Node | None) -> bool:
    made_by = definition(data)
    callee = made_by.child_by_field_name("function") if made_by is not None and made_by.type == "call" else None
    return callee is not None and match.ctx.qualified_name(callee) in SERIALIZERS


# A method implementing a serializer's interface (`Serializer.loads(self, data)`, a cache
# backend's `_deserialize(value)`): what it loads is decided by its callers, where it matters.
WRAPPER_NAMES = frozenset({"load", "loads", "deserialize", "unserialize", "unpickle", "decode", "from_bytes"})


def _is_serializer_wrapper(match: Match, data: Node | None) -> bool:
    """`def loads(self, bvalue): return pickle.loads(bvalue)`: the loader's own parameter, passed on."""
    function = enclosing_function(match.target)
    if (
        function is None
        or data is None
        or data.type != "identifier"
        or match.ctx.taint.origin(data).kind is Kind.TAINTED
    ):
        return False
    if match.ctx.text(function.child_by_field_name("name")).strip("_") not in WRAPPER_NAMES:
        return False
    return match.ctx.text(data) in parameter_names(match.ctx, function)


def loads_untrusted_objects(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or "pickle.load"
    if name == "numpy.load":
        allow = keyword_arg(match.node("args"), "allow_pickle")
        if allow is None or is_false(allow):
            return None  # numpy refuses object arrays unless allow_pickle is switched on
    sink, data = f"`{name}`", _data(match, name)
    opened = _opened_path(match, argument(match.node("args"), 0, DATA_KEYWORD.get(name.rsplit(".", 1)[-1])))
    consequence = MARSHAL_CONSEQUENCE if name.startswith("marshal.") else CONSEQUENCE
    if _round_trip(match, data) or _is_serializer_wrapper(match, data):
        return None
    if is_third_party_copy(match.ctx) and (data is None or match.ctx.taint.origin(data).kind is not Kind.TAINTED):
        return None  # a vendored library's own loads: request data reaching it is still reported
    if data is not None and match.ctx.taint.origin(data).source == FILE_READ:
        return Report(
            confidence=Confidence.MEDIUM,
            message=f"Bytes read from a file reach {sink}: {consequence}; "
            "make sure nothing untrusted can write that file.",
        )
    if _key_picks_own_file(match, opened):
        return Report(
            confidence=Confidence.LOW,
            message=f"{sink} on a file in the program's own folder: {consequence}; "
            "make sure only this program can write there.",
        )
    verdict = taint_verdict(match, data, sink, streams=True, consequence=consequence)
    if verdict is not None and (verdict.data or {}).get("taint") == "unknown":
        # Unknown data outside handlers and helpers is the program's own store, cache or state file.
        return verdict if unknown_may_be_request_data(match, data) else None
    if verdict is not None or data is None:
        return verdict or Report()
    return Report(
        confidence=Confidence.LOW,
        message=f"{sink} on a fixed file: {consequence}; make sure only this program can write it.",
    )


RULE = Rule(
    id="pickle-deserialization",
    title="Deserialization with pickle-based loaders",
    category=Category.INJECTION,
    cwe=(502,),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=LOADERS,
    where=loads_untrusted_objects,
    aliases=("B301", "S301", "B302", "S302"),
    message="Pickle-based loaders run code embedded in the data; never load data an attacker can influence.",
    docs="""## Why is this bad?
Unpickling calls whatever callables the byte stream names (`__reduce__`), so loading a pickle
is running a program written by whoever produced it. `dill`, `cloudpickle`, `shelve`,
`jsonpickle`, `pandas.read_pickle`, `joblib.load` and `numpy.load(allow_pickle=True)` are
pickle underneath; `marshal` can build code objects and crash the interpreter. Model files,
caches and session blobs that a user can upload or tamper with are the usual way in.

Confidence is high when request data, `sys.argv`, `input()` or a socket reaches the call,
medium for unknown origins and file reads, low for a constant path (safe only while nothing
untrusted can write that file) and for a file in the program's own folder that a record's key
picks (`os.path.join(MEDIA_ROOT, "skin_maps", f"map_{pk}.p")` in a view: a route segment holds
no `/`, so the bytes are the program's own cache, not the visitor's). A file a query or form
value picks stays high. Vendored libraries' own loads (`_vendor/`, a bundled `bottle.py`) are
not reported unless request data reaches them.

## How to fix
Exchange data as JSON, MessagePack or Protocol Buffers; for models use `safetensors`,
ONNX or `skops.io` (for scikit-learn) instead of pickles. If a pickle cannot be avoided, sign
it with `hmac` and verify the signature before loading, or restrict `Unpickler.find_class`
to an allow-list of harmless classes.
""",
    references=(
        "https://docs.python.org/3/library/pickle.html#restricting-globals",
        "https://joblib.readthedocs.io/en/stable/persistence.html",
        "https://huggingface.co/docs/hub/security-pickle",
        "https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/502.html",
    ),
    examples="""
import pickle, pickle as pkl, dill, joblib, marshal, shelve, jsonpickle, numpy as np, pandas as pd
import gzip, os
from django.http import JsonResponse
from pickle import loads
from pickle import Unpickler as Reader
from flask import Flask, request
app = Flask(__name__)
@app.post("/predict")
def predict():
    # ruleid: pickle-deserialization
    model = pickle.loads(request.data)
    blob = request.files["model"]
    # ruleid: pickle-deserialization
    model = pkl.load(blob)
    # ruleid: pickle-deserialization
    state = Reader(request.stream).load()
    name = request.args["name"]
    # ruleid: pickle-deserialization
    model = joblib.load(f"/models/{name}.joblib")
    # ruleid: pickle-deserialization
    frame = pd.read_pickle(request.args.get("path"))
    # ruleid: pickle-deserialization
    obj = jsonpickle.decode(request.form["state"])
    # ruleid: pickle-deserialization
    cache = shelve.open(name)
    # ruleid: pickle-deserialization
    state = loads(request.get_data())
    # ok: pickle-deserialization
    return json.loads(request.data)
class CacheSerializer:
    def loads(self, bvalue):
        # A serializer's own `loads` passes its caller's bytes on: the callers decide.
        # ok: pickle-deserialization
        return pickle.loads(bvalue)
    def load_blob(self, bvalue):
        # ruleid: pickle-deserialization
        return pickle.loads(bvalue)
def load_session(blob):
    # ruleid: pickle-deserialization
    return dill.loads(blob)
from django.conf import settings
from remapp.models import Study
def skin_map(request, pk):
    study = Study.objects.get(pk=pk)
    path = os.path.join(settings.MEDIA_ROOT, "skin_maps", f"{study.study_date:%Y/%m/%d}", "skin_map_" + str(pk) + ".p")
    # The program's own cache folder, a file a record's key picks: its own bytes, a note at low confidence.
    with gzip.open(path, "rb") as cached:
        # ruleid: pickle-deserialization
        return JsonResponse(pickle.load(cached))
@app.route("/models/<model_id>")
def model_card(model_id):
    with open(CACHE_DIR / f"{model_id}.pkl", "rb") as cached:
        # ruleid: pickle-deserialization
        card = pickle.load(cached)
    with open(os.path.join(CACHE_DIR, request.args["name"]), "rb") as chosen:
        # ruleid: pickle-deserialization
        return pickle.load(chosen)
@app.route("/files/<path:rest>")
def any_file(rest):
    with open(os.path.join(CACHE_DIR, rest), "rb") as chosen:
        # ruleid: pickle-deserialization
        return pickle.load(chosen)
def load_code(path):
    with open(path, "rb") as handle:
        # ruleid: pickle-deserialization
        return marshal.load(handle)
def load_cache(sock):
    with open("cache.pkl", "rb") as handle:
        # ruleid: pickle-deserialization
        return pickle.load(handle), pickle.loads(sock.recv(4096))
def load_arrays(upload):
    # ruleid: pickle-deserialization
    return np.load(upload, allow_pickle=True)
# Module code that is no handler loads the program's own state: unknown there is not a visitor's.
# ok: pickle-deserialization
nodes = marshal.loads(db[nodeid])
# ok: pickle-deserialization
arrays = np.load(upload), np.load(upload, allow_pickle=False), pickle.dumps(state), jsonpickle.encode(state)
# ok: pickle-deserialization
clone = pickle.loads(pickle.dumps(model))
blob = dill.dumps(model)
# ok: pickle-deserialization
clone = dill.loads(blob)
# ruleid: pickle-deserialization
index = pickle.loads(pathlib.Path(index_path).read_bytes())
@app.post("/signed")
def signed():
    if not hmac.compare_digest(request.headers["X-Sig"], sign(request.data)):
        abort(403)
    # A verified HMAC signature is not recognised as making the bytes trustworthy.
    # todook: pickle-deserialization
    return pickle.loads(request.data)
# A loader reached through another name is not followed.
loader = pickle.loads
# todoruleid: pickle-deserialization
loader(request.data)
""",
)
