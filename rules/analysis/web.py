"""What Python web frameworks look like in a syntax tree: handlers, their routes, responses.

Flask, Quart, FastAPI, Starlette, Sanic and aiohttp declare a handler with a route decorator
(`@app.route("/x", methods=["POST"])`, `@router.delete("/x")`); Django views are plain
functions taking `request` (or `get`/`post` methods of a class-based view), with the HTTP method
given by `@require_POST`/`@require_http_methods` or tested in the body. Rules about exposure and
access control ask the same three questions: is this function a handler, for which methods and
path, and does this call build an HTTP response. The answers are heuristics on syntax (the
receiver `app` or `router` is never resolved), documented here once.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from tree_sitter import Node

from ..context import FileContext
from ..patterns import linear
from .names import NameResolver
from .nodes import decorators, enclosing_function, keyword_arg, positional_args, string_value

WEB_MODULES = (
    "flask",
    "quart",
    "fastapi",
    "starlette",
    "django",
    "rest_framework",
    "sanic",
    "aiohttp",
    "werkzeug",
    "bottle",
    "tornado",
    "litestar",
    "falcon",
)
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Route decorators: `@app.<verb>(...)`; `route`/`api_route` default to GET unless `methods=` says.
_VERB_DECORATORS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_ROUTE_DECORATORS = frozenset({"route", "api_route", "websocket"})
_DJANGO_METHOD_DECORATORS = {"require_POST": "POST", "require_GET": "GET", "require_safe": "GET"}
_METHOD_TEST = linear(rb"\.method\s*(?:==|!=|in)\s*[\[(\"']*\s*[\"']?(GET|POST|PUT|PATCH|DELETE)")

# Calls that build or raise an HTTP response, by alias-resolved name.
RESPONSE_CALLS = frozenset(
    {
        "flask.jsonify",
        "flask.make_response",
        "flask.Response",
        "flask.abort",
        "flask.render_template_string",
        "quart.jsonify",
        "quart.make_response",
        "quart.Response",
        "quart.abort",
        "werkzeug.wrappers.Response",
        "werkzeug.Response",
        "werkzeug.exceptions.abort",
        "fastapi.HTTPException",
        "fastapi.Response",
        "fastapi.exceptions.HTTPException",
        "starlette.exceptions.HTTPException",
        "rest_framework.response.Response",
        "django.http.HttpResponse",
        "django.http.JsonResponse",
        "django.http.HttpResponseBadRequest",
        "django.http.HttpResponseServerError",
        "django.http.HttpResponseForbidden",
        "sanic.response.json",
        "sanic.response.text",
        "sanic.response.html",
        "sanic.json",
        "sanic.text",
        "aiohttp.web.Response",
        "aiohttp.web.json_response",
    }
)
_RESPONSE_MODULES = ("fastapi.responses.", "starlette.responses.", "django.http.", "flask.wrappers.")
# Calls that return a server response object (what `set_cookie` is called on), by the last part of
# the name: constructors, Flask/Django helpers, and the next handler in Starlette/Django middleware.
_RESPONSE_FACTORIES = frozenset(
    {
        "make_response",
        "Response",
        "HttpResponse",
        "JsonResponse",
        "JSONResponse",
        "HTMLResponse",
        "PlainTextResponse",
        "RedirectResponse",
        "HttpResponseRedirect",
        "StreamingResponse",
        "FileResponse",
        "redirect",
        "render",
        "jsonify",
        "call_next",
        "get_response",
    }
)
_RESPONSE_PARAMETERS = frozenset({"response", "resp"})

# A Django function view returns a response; a context processor returns a dict.
_RETURNS_RESPONSE = linear(rb"\b(?:render\w*|redirect\w*|\w*Response\w*)\(")
_NOT_VIEW_MODULES = ("context_processors.py", "middleware.py")

_WEB_FILES: weakref.WeakKeyDictionary[NameResolver, bool] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Route:
    """How a handler is reached: its path when the decorator says it, and its HTTP methods."""

    path: str | None
    methods: frozenset[str]
    decorator: Node | None = None  # the route decorator's call node; None for Django views

    @property
    def changes_state(self) -> bool:
        return bool(self.methods & STATE_CHANGING)


def is_web_module(ctx: FileContext) -> bool:
    """True when the file imports a web framework (a cheap filter before handler checks)."""
    resolver = ctx.names
    if resolver not in _WEB_FILES:  # asked once per except clause or handler: answer once per file
        _WEB_FILES[resolver] = any(name.split(".", 1)[0] in WEB_MODULES for name in resolver.bindings.values())
    return _WEB_FILES[resolver]


def route_of(ctx: FileContext, function: Node) -> Route | None:
    """The route of a handler function, or None when the function is not a request handler."""
    if function.type != "function_definition":
        return None
    for decorator in decorators(function):
        route = _decorator_route(ctx, decorator)
        if route is not None:
            return route
    return _django_route(ctx, function)


def enclosing_handler(ctx: FileContext, node: Node) -> Node | None:
    """The request handler function around `node` (innermost `def`), or None."""
    function = enclosing_function(node)
    if function is None or route_of(ctx, function) is None:
        return None
    return function


def is_response_call(ctx: FileContext, call: Node) -> bool:
    """True when `call` constructs, aborts with or raises an HTTP response."""
    if call.type != "call":
        return False
    name = ctx.qualified_name(call.child_by_field_name("function")) or ""
    return name in RESPONSE_CALLS or name.startswith(_RESPONSE_MODULES)


def builds_response(ctx: FileContext, node: Node | None) -> bool:
    """`make_response(...)`, `HttpResponse(...)`, `await call_next(request)`: a server response object."""
    if node is not None and node.type == "await" and node.named_children:
        node = node.named_children[0]
    if node is None or node.type != "call":
        return False
    callee = node.child_by_field_name("function")
    name = ctx.qualified_name(callee) or ctx.text(callee)
    return name.rsplit(".", 1)[-1] in _RESPONSE_FACTORIES


def is_response_parameter(ctx: FileContext, function: Node | None, name: str) -> bool:
    """`name` is a parameter of `function` called `response`/`resp` or annotated with a `...Response` type."""
    parameters = function.child_by_field_name("parameters") if function is not None else None
    for param in parameters.named_children if parameters is not None else ():
        named = param if param.type == "identifier" else param.child_by_field_name("name")
        named = named or (param.named_children[0] if param.type == "typed_parameter" else None)
        if named is None or ctx.text(named) != name:
            continue
        annotation = ctx.text(param.child_by_field_name("type"))
        return name in _RESPONSE_PARAMETERS or annotation.endswith("Response")
    return False


def is_built_string(node: Node | None) -> bool:
    """An f-string with fields, `+`/`%` on strings, or `"...".format(...)`: text assembled here."""
    if node is None:
        return False
    if node.type == "string":
        return any(child.type == "interpolation" for child in node.named_children)
    if node.type == "binary_operator":
        operator = node.child_by_field_name("operator")
        return operator is not None and operator.type in ("+", "%") and _has_string(node)
    if node.type == "call":
        callee = node.child_by_field_name("function")
        return (
            callee is not None
            and callee.type == "attribute"
            and callee.text is not None
            and (callee.text.endswith(b".format") or callee.text.endswith(b".join"))
            and _has_string(callee)
        )
    return node.type == "parenthesized_expression" and is_built_string(node.named_children[0])


def looks_like_html(node: Node) -> bool:
    """Some literal part of the expression contains a tag (`<p>`), so it is meant as HTML."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "string_content" and b"<" in (current.text or b""):
            return True
        stack.extend(current.named_children)
    return False


def _has_string(node: Node) -> bool:
    return any(
        child.type in ("string", "concatenated_string") or _has_string(child)
        for child in node.named_children
        if child.type != "argument_list"
    )


def function_name(function: Node) -> str:
    name = function.child_by_field_name("name")
    return (name.text or b"").decode("utf-8", "replace") if name is not None else ""


def parameter_names(ctx: FileContext, function: Node) -> list[str]:
    """The names of a function's parameters in order (`*args`/`**kwargs` without stars)."""
    parameters = function.child_by_field_name("parameters")
    names = []
    for param in parameters.named_children if parameters is not None else ():
        name = param if param.type == "identifier" else param.child_by_field_name("name")
        if name is None and param.named_children:
            name = param.named_children[0]
        names.append(ctx.text(name))
    return names


def _decorator_route(ctx: FileContext, decorator: Node) -> Route | None:
    if decorator.type != "call":
        return None
    callee = decorator.child_by_field_name("function")
    if callee is None or callee.type != "attribute":
        return None
    verb = ctx.text(callee.child_by_field_name("attribute"))
    args = decorator.child_by_field_name("arguments")
    positional = positional_args(args)
    path = string_value(
        keyword_arg(args, "path") or keyword_arg(args, "rule") or (positional[0] if positional else None)
    )
    if verb in _VERB_DECORATORS and path is not None and path.startswith("/"):
        return Route(path, frozenset({verb.upper()}), decorator)
    if verb in _ROUTE_DECORATORS:
        return Route(path, _listed_methods(keyword_arg(args, "methods")) or frozenset({"GET"}), decorator)
    return None


def _listed_methods(node: Node | None) -> frozenset[str]:
    if node is None or node.type not in ("list", "tuple", "set"):
        return frozenset()
    values = (string_value(child) for child in node.named_children)
    return frozenset(v.upper() for v in values if v and v.upper() in HTTP_METHODS)


def _django_route(ctx: FileContext, function: Node) -> Route | None:
    """Django function views take `request` first; class-based views name methods after verbs;
    `http.server` handlers are `do_POST(self)` methods. A function that takes `request` but
    returns no response (a context processor, a helper) is not a view."""
    names = parameter_names(ctx, function)
    name = function_name(function)
    if names[:2] == ["self", "request"] and name.upper() in HTTP_METHODS:
        return Route(None, frozenset({name.upper()}))
    if names == ["self"] and name.startswith("do_") and name[3:] in HTTP_METHODS:
        return Route(None, frozenset({name[3:]}))
    if not names or names[0] != "request" or not _is_view(ctx, function):
        return None
    methods = set()
    for decorator in decorators(function):
        methods |= _django_decorator_methods(ctx, decorator)
    body = function.child_by_field_name("body")
    source = ctx.source[body.start_byte : body.end_byte] if body is not None else b""
    methods |= {m.group(1).decode() for m in _METHOD_TEST.finditer(source)}
    return Route(None, frozenset(methods) or frozenset({"GET"}))


def _is_view(ctx: FileContext, function: Node) -> bool:
    """Decorated, or builds a response (`render`, `redirect`, `HttpResponse`): not a context processor."""
    if ctx.path.replace("\\", "/").endswith(_NOT_VIEW_MODULES) or "/templatetags/" in ctx.path:
        return False
    if decorators(function):
        return True
    body = function.child_by_field_name("body")
    text = ctx.source[body.start_byte : body.end_byte] if body is not None else b""
    return _RETURNS_RESPONSE.search(text) is not None


def _django_decorator_methods(ctx: FileContext, decorator: Node) -> set[str]:
    callee = decorator.child_by_field_name("function") if decorator.type == "call" else decorator
    name = (ctx.qualified_name(callee) or "").rsplit(".", 1)[-1]
    if name in _DJANGO_METHOD_DECORATORS:
        return {_DJANGO_METHOD_DECORATORS[name]}
    if name == "require_http_methods" and decorator.type == "call":
        listed = positional_args(decorator.child_by_field_name("arguments"))
        return set(_listed_methods(listed[0] if listed else None))
    return set()
