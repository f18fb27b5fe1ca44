"""What the taint analysis knows about libraries: sources, sanitizers, pass-through functions.

Names are alias-resolved (`from flask import request as req` makes `req.args` a source).
Everything here is data or a small syntactic question, so extending the analysis to a new
framework is a table edit. `taint.py` explains how the tables are used.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import FileContext
from ..patterns import linear

WEB_MODULES = (
    "flask",
    "quart",
    "django",
    "rest_framework",
    "fastapi",
    "starlette",
    "sanic",
    "bottle",
    "aiohttp",
    "litestar",
)
# Module-level request proxies: their attributes are request data.
REQUEST_GLOBALS = frozenset({"flask.request", "flask.globals.request", "quart.request", "bottle.request"})
# Annotations that make a parameter a request object (FastAPI/Starlette/Django/aiohttp).
REQUEST_TYPES = frozenset(
    {"Request", "HttpRequest", "WebSocket", "HTTPConnection", "BaseRequest", "WSGIRequest", "ASGIRequest"}
)
# What each framework's request object carries, one row per framework: attributes that hold
# client data and methods that return it (`request.get_json()`, `await request.post()`).
# A new framework is a new row; the taint analysis reads only the unions below.
REQUEST_SOURCES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "flask/quart/werkzeug": (
        frozenset({"args", "form", "json", "data", "files", "values", "headers", "cookies", "view_args"}),
        frozenset({"get_json", "get_data"}),
    ),
    "flask/quart/werkzeug urls": (
        frozenset({"path", "full_path", "url", "base_url", "query_string", "stream", "referrer"}),
        frozenset(),
    ),
    "django": (
        frozenset({"GET", "POST", "FILES", "COOKIES", "META", "body", "headers", "path", "path_info", "raw_post_data"}),
        frozenset({"read", "readline", "get_full_path", "build_absolute_uri", "get_signed_cookie"}),
    ),
    "rest_framework": (frozenset({"data", "query_params"}), frozenset()),
    "fastapi/starlette": (
        frozenset({"query_params", "path_params", "headers", "cookies", "url"}),
        frozenset({"json", "form", "body", "stream"}),
    ),
    "aiohttp": (
        frozenset({"match_info", "query", "rel_url", "headers", "cookies", "content", "path", "raw_path"}),
        frozenset({"post", "json", "text", "read", "multipart"}),
    ),
    "sanic/bottle/falcon": (frozenset({"params", "query", "body", "content"}), frozenset({"get_param"})),
}
# `self` in a request handler class of these bases carries the request (`self.path`, `self.rfile`).
HANDLER_BASES = frozenset(
    {
        "http.server.BaseHTTPRequestHandler",
        "http.server.SimpleHTTPRequestHandler",
        "http.server.CGIHTTPRequestHandler",
        "BaseHTTPServer.BaseHTTPRequestHandler",
        "SimpleHTTPServer.SimpleHTTPRequestHandler",
        "socketserver.StreamRequestHandler",
        "socketserver.DatagramRequestHandler",
        "socketserver.BaseRequestHandler",
        "wsgiref.simple_server.WSGIRequestHandler",
        "tornado.web.RequestHandler",
    }
)
# `self.request` in a class-based view of these bases is the request object itself.
VIEW_BASES = frozenset(
    {
        "aiohttp.web.View",
        "aiohttp.web_urldispatcher.View",
        "django.views.View",
        "django.views.generic.View",
        "django.views.generic.base.View",
        "django.views.generic.TemplateView",
        "django.views.generic.FormView",
        "rest_framework.views.APIView",
        "rest_framework.generics.GenericAPIView",
    }
)
HANDLER_ATTRS = frozenset({"path", "headers", "rfile", "requestline", "raw_requestline", "request"})
HANDLER_METHODS = frozenset(
    {"get_argument", "get_arguments", "get_query_argument", "get_body_argument", "get_cookie", "get_body_arguments"}
)
SOURCE_ATTRS = frozenset(name for attrs, _ in REQUEST_SOURCES.values() for name in attrs)
SOURCE_METHODS = frozenset(name for _, methods in REQUEST_SOURCES.values() for name in methods)
# Module-level names that are sources by themselves.
SOURCE_NAMES = {
    "sys.argv": "sys.argv",
    "sys.stdin": "sys.stdin",
    "os.environ": "os.environ",
    "os.environb": "os.environ",
}
SOURCE_CALLS = {
    "input": "input()",
    "raw_input": "input()",
    "os.getenv": "os.environ",
    "os.getenvb": "os.environ",
    "os.environ.get": "os.environ",
    "sys.stdin.read": "sys.stdin",
    "sys.stdin.readline": "sys.stdin",
}
ENVIRONMENT = "os.environ"
NODE_ENVIRONMENT = "process.env"  # the same source as JavaScript names it
ENVIRONMENT_SOURCES = frozenset({ENVIRONMENT, NODE_ENVIRONMENT})
FILE_READ = "a file read"
SOCKET_READ = "a socket read"
# Sources an attacker controls only in some deployments: sinks opt in (`sinks.taint_verdict`).
SOFT_SOURCES = frozenset({*ENVIRONMENT_SOURCES, FILE_READ, SOCKET_READ})
STREAM_METHODS = {
    "read": FILE_READ,
    "readline": FILE_READ,
    "readlines": FILE_READ,
    "read_bytes": FILE_READ,
    "read_text": FILE_READ,
    "recv": SOCKET_READ,
    "recvfrom": SOCKET_READ,
    "recv_bytes": SOCKET_READ,
}

# Calls whose result carries none of the argument's danger.
SANITIZERS = frozenset(
    {
        "int",
        "float",
        "bool",
        "len",
        "abs",
        "round",
        "complex",
        "ord",
        "hash",
        "id",
        "isinstance",
        "shlex.quote",
        "pipes.quote",
        "html.escape",
        "markupsafe.escape",
        "flask.escape",
        "jinja2.escape",
        "django.utils.html.escape",
        # HTML builders whose result is escaped markup (`mark_safe` over them is fine): web-precision
        "django.utils.html.conditional_escape",
        "django.utils.html.format_html",
        "django.utils.html.format_html_join",
        "django.utils.html.strip_tags",
        "django.forms.utils.flatatt",
        "django.template.loader.render_to_string",
        "django.template.defaultfilters.escape",
        "flask.render_template",
        "markupsafe.Markup.escape",
        "bleach.clean",
        "nh3.clean",
        # Translations: the catalogue is the project's own text (`mark_safe(_("<b>New</b>"))`).
        "django.utils.translation.gettext",
        "django.utils.translation.gettext_lazy",
        "django.utils.translation.pgettext",
        "django.utils.translation.pgettext_lazy",
        "django.utils.translation.ngettext",
        "django.utils.translation.ugettext",
        "django.utils.translation.ugettext_lazy",
        "flask_babel.gettext",
        "flask_babel.lazy_gettext",
        "gettext.gettext",
        "cgi.escape",
        "werkzeug.utils.secure_filename",
        "werkzeug.secure_filename",
        # `safe_join(base, path)` raises (Django) or returns None (Werkzeug) outside `base`.
        "django.utils._os.safe_join",
        "werkzeug.security.safe_join",
        "werkzeug.utils.safe_join",
        "flask.helpers.safe_join",
        "uuid.UUID",
        "decimal.Decimal",
        "ipaddress.ip_address",
        "urllib.parse.quote",
        "urllib.parse.quote_plus",
    }
)
# Sanitizers that protect one kind of sink only: the value stays tainted, marked, and the sink decides.
PARTIAL_SANITIZERS = frozenset({"os.path.basename", "posixpath.basename", "ntpath.basename"})
# Calls whose result is made of their arguments (the danger passes through).
PASSTHROUGH = frozenset(
    {
        "str",
        "bytes",
        "bytearray",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "sorted",
        "reversed",
        "format",
        "repr",
        "ascii",
        "min",
        "max",
        "next",
        "iter",
        "enumerate",
        "zip",
        "map",
        "filter",
        "range",
        "itertools.product",
        "itertools.chain",
        "itertools.chain.from_iterable",
        "itertools.permutations",
        "itertools.combinations",
        "itertools.repeat",
        "getattr",
        "os.path.join",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
        "os.path.expanduser",
        "os.fspath",
        "os.path.dirname",
        "posixpath.join",
        "ntpath.join",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "pathlib.PurePosixPath",
        "pathlib.WindowsPath",
        "urllib.parse.urljoin",
        "urllib.parse.unquote",
        "urllib.parse.unquote_plus",
        "urllib.parse.unquote_to_bytes",
        "urllib.parse.urlparse",
        "urllib.parse.urlsplit",
        "urllib.parse.parse_qs",
        "urllib.parse.parse_qsl",
        "html.unescape",
        "base64.b64encode",
        "base64.standard_b64decode",
        "base64.b32decode",
        "base64.b16decode",
        "base64.b85decode",
        "base64.decodebytes",
        "binascii.unhexlify",
        "binascii.a2b_base64",
        "codecs.decode",
        "json.load",
        "shlex.split",
        "urllib.parse.urlunparse",
        "base64.b64decode",
        "base64.urlsafe_b64decode",
        "bytes.fromhex",
        "json.loads",
        "json.dumps",
        "textwrap.dedent",
        "string.Template",
        "typing.cast",
    }
)
# Methods that build a string from their receiver and arguments.
STRING_METHODS = frozenset(
    {
        "format",
        "format_map",
        "join",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "casefold",
        "title",
        "capitalize",
        "swapcase",
        "replace",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "rpartition",
        "encode",
        "decode",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "expandtabs",
        "removeprefix",
        "removesuffix",
        "translate",
        "substitute",
        "safe_substitute",
        "copy",
        "joinpath",
        "with_name",
        "with_suffix",
        "resolve",
        "absolute",
        "expanduser",
        "as_posix",
        "get",
        "getlist",
        "pop",
        "values",
        "items",
        "keys",
        "__str__",
        "getvalue",
    }
)
# Methods that put their arguments into the receiver (`parts.append(x)`, `buf.write(x)`): the
# receiver variable then holds their data. `set` stores a value under a key
# (`configparser.set(section, key, value)`), so reads of other keys stay clean.
CONTAINER_WRITES = frozenset(
    {"append", "extend", "insert", "add", "update", "appendleft", "extendleft", "write", "writelines", "put"}
)
KEYED_WRITES = {"set": (1, 2), "setdefault": (0, 1), "__setitem__": (0, 1)}  # method -> (key, value) positions
KEYED_READS = frozenset({"get", "pop", "getlist", "__getitem__"})
# `if "../" in name: return ...` rejects one kind of payload: the name stays tainted, marked with
# the guard, and only the sinks that payload matters for accept it (`sinks.taint_verdict`).
PATH_GUARD = "a check that rejects `..`"
PATH_SEPARATORS = frozenset({"os.sep", "os.path.sep", "posixpath.sep", "ntpath.sep", "os.altsep"})
QUOTE_GUARD = "a check that rejects quotes"
SHELL_GUARD = "a check that rejects shell metacharacters"
MARKUP_GUARD = "a check that rejects `<`"
GUARDS = (
    (PATH_GUARD, ("..",)),
    (QUOTE_GUARD, ("'", '"')),
    (SHELL_GUARD, (";", "|", "&", "$", "`")),
    (MARKUP_GUARD, ("<",)),
)
# Calls that never return: the code after them is unreachable (early-exit sanitising).
EXIT_CALLS = frozenset(
    {
        "abort",
        "flask.abort",
        "quart.abort",
        "werkzeug.exceptions.abort",
        "bottle.abort",
        "sys.exit",
        "exit",
        "quit",
        "os._exit",
        "os.abort",
        "pytest.fail",
        "pytest.skip",
    }
)
# Methods whose result carries none of the receiver's danger: a digest (hex or bytes), a bit count.
SAFE_METHODS = frozenset({"hexdigest", "digest", "bit_length"})
# Predicate methods that, when true, prove a string harmless (`x.isdigit()`).
SAFE_PREDICATES = frozenset({"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha", "isidentifier", "isascii"})
# Annotations that make a route parameter a validated scalar (FastAPI parses and rejects others).
SAFE_TYPES = frozenset({"int", "float", "bool", "UUID", "date", "datetime", "Decimal", "PositiveInt", "conint"})
VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "dispatch"})
_ROUTE_VERBS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "head", "options", "websocket", "api_route", "view"}
)
_DEPENDENCIES = ("Depends", "Security", "Annotated")
# Modules of helpers, not views: `utils/`, `helpers.py`, `core/http.py`, `functions/common.py`,
# a `*_backend.py` (`taint.TaintAnalysis._helper_module` reads it with the function's shape).
HELPER_MODULE = linear(
    r"(?:^|/)(?:utils?|helpers?|functions|common|core|lib|libs|backends?|services?|shortcuts|http)(?:/|\.py$)"
    r"|_(?:backends?|utils?|helpers?)\.py$"
)
_CONVERTER = linear(r"<(int|float|uuid):(\w+)>|\{(\w+):(int|float|uuid)\}")


def imports_web_framework(ctx: FileContext) -> bool:
    return ctx.tree is not None and any(ctx.names.imports_module(m) for m in WEB_MODULES)


def is_route_decorator(ctx: FileContext, decorator: Node) -> bool:
    """`@app.route(...)`, `@bp.get(...)`, `@router.post(...)`, DRF `@api_view(...)`."""
    if decorator.type != "call":
        return False
    callee = decorator.child_by_field_name("function")
    if callee is None:
        return False
    if callee.type == "attribute":
        return ctx.text(callee.child_by_field_name("attribute")) in _ROUTE_VERBS
    return (ctx.qualified_name(callee) or "").endswith("api_view")


def route_converters(path: str | None) -> dict[str, str]:
    """Parameters the route pattern types as numbers (`/<int:user_id>`, `/{item_id:int}`)."""
    found: dict[str, str] = {}
    for match in _CONVERTER.finditer(path or ""):
        if match.group(1):
            found[match.group(2)] = match.group(1)
        else:
            found[match.group(3)] = match.group(4)
    return found


def is_dependency(ctx: FileContext, default: Node) -> bool:
    """FastAPI injects `Depends(...)` parameters: they are server objects, not client data."""
    if default.type != "call":
        return False
    return ctx.text(default.child_by_field_name("function")).endswith(_DEPENDENCIES)


def is_dependency_annotation(ctx: FileContext, annotation: Node) -> bool:
    """`Annotated[Session, Depends(get_session)]`, or a name for one such alias (`AuthManagerDep`,
    `SessionDep`: FastAPI's documented convention): FastAPI injects what the dependency returns."""
    text = ctx.text(annotation)
    if "Depends(" in text or "Security(" in text:
        return True
    simple = text.rsplit(".", 1)[-1]
    return simple.isidentifier() and simple.endswith(("Dep", "Dependency")) and simple[:1].isupper()


def function_name(function: Node) -> str:
    name = function.child_by_field_name("name")
    return (name.text or b"").decode("utf-8", "replace") if name is not None else ""


# Module-level statements whose bodies still bind module names.
_MODULE_BLOCKS = frozenset(
    {
        "if_statement",
        "elif_clause",
        "else_clause",
        "try_statement",
        "except_clause",
        "finally_clause",
        "with_statement",
        "block",
        "for_statement",
        "while_statement",
    }
)


def module_bindings(ctx: FileContext) -> dict[str, list[Node | None]]:
    """Module-level name -> the expressions assigned to it (None for `def`/`class`)."""
    bindings: dict[str, list[Node | None]] = {}
    if ctx.tree is None:
        return bindings
    stack = list(reversed(ctx.tree.root_node.named_children))
    while stack:
        node = stack.pop()
        if node.type == "decorated_definition":
            node = node.child_by_field_name("definition") or node
        if node.type in ("function_definition", "class_definition"):
            bindings.setdefault(function_name(node), []).append(None)
        elif node.type == "expression_statement" and node.named_children:
            _bind_assignment(node.named_children[0], bindings)
        elif node.type == "for_statement":
            _bind_targets(node.child_by_field_name("left"), node.child_by_field_name("right"), bindings)
            stack.extend(reversed(node.named_children))
        elif node.type in _MODULE_BLOCKS:
            stack.extend(reversed(node.named_children))
    return bindings


def _bind_assignment(node: Node, bindings: dict[str, list[Node | None]]) -> None:
    while node.type in ("assignment", "augmented_assignment"):
        value = node.child_by_field_name("right")
        if value is None:
            return
        inner = value if value.type in ("assignment", "augmented_assignment") else None
        _bind_targets(node.child_by_field_name("left"), _innermost_value(value), bindings)
        if inner is None:
            return
        node = inner


def _innermost_value(value: Node) -> Node:
    while value.type in ("assignment", "augmented_assignment") and value.child_by_field_name("right") is not None:
        value = value.child_by_field_name("right")  # type: ignore[assignment]
    return value


def _bind_targets(target: Node | None, value: Node | None, bindings: dict[str, list[Node | None]]) -> None:
    if target is None or value is None:
        return
    if target.type == "identifier":
        bindings.setdefault((target.text or b"").decode(), []).append(value)
    elif target.type in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"):
        for child in target.named_children:
            _bind_targets(child, value, bindings)
