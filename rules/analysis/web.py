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

import re
import weakref
from collections.abc import Collection
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

# Decorator, dependency and mixin names that mean "someone checked who is calling" (`Depends(get_session)`
# is a database session, so "session" is deliberately not a dependency hint).
_AUTH_HINT = linear(r"login|auth|permission|jwt|admin|role|token|api_?key|signed|requires|staff|superuser|user_passes")
# A decorator defined in the file is an auth check when its wrapper turns callers away with 401/403:
# `abort(401)`, `raise HTTPException(status_code=403)`, `raise PermissionDenied`, `return ..., 401`.
_DENIES = linear(
    rb"abort\(\s*40[13]\b|HTTPException\([^)]*\b40[13]\b|HTTP_40[13]|status(?:_code)?\s*=\s*40[13]\b"
    rb"|PermissionDenied|HttpResponseForbidden|\braise\s+(?:\w+\.)*(?:Unauthorized|Forbidden)\b"
    rb"|\breturn\b[^\n]*,\s*40[13]\b"
)
_DEPENDENCY_HINT = linear(r"user|auth|token|admin|verify|api_?key|permission|login|principal|oauth|jwt|cred")
_DEPENDENCY_CALL = linear(rb"\b(Depends|Security)\(\s*([\w.]*)")
# Checks inside a handler body (or a class / `before_request` hook) that authenticate the caller.
_BODY_CHECK = linear(
    rb"is_authenticated|has_perm|is_staff|is_superuser|current_user|get_jwt_identity|verify_jwt|verify_token"
    rb"|check_auth|authenticate|authorize|abort\(\s*40[13]|HTTP_40[13]|status_code\s*=\s*40[13]|\b40[13]\s*\)"
    rb"|PermissionDenied|Unauthorized|Forbidden|session\.get\(\s*[\"']|session\[\s*[\"']|in session|g\.user"
    rb"|request\.user|permission_classes|LoginRequired|PermissionRequired|UserPassesTest|Authorization|api_key|x-api-key",
    re.IGNORECASE,
)


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


def has_auth_decorator(
    ctx: FileContext, node: Node, extra_decorators: Collection[str] = (), extra_dependencies: Collection[str] = ()
) -> bool:
    """A decorator naming login/auth/permission/role (or in `extra_decorators`), or carrying an auth dependency."""
    for decorator in decorators(node):
        callee = decorator.child_by_field_name("function") if decorator.type == "call" else decorator
        name = (ctx.qualified_name(callee) or ctx.text(callee)).rsplit(".", 1)[-1]
        if name in extra_decorators or _AUTH_HINT.search(name.lower()) or _denies_callers(ctx, node, name):
            return True
        if has_auth_dependency(ctx, decorator, extra_dependencies):
            return True
    return False


def _denies_callers(ctx: FileContext, node: Node, name: str) -> bool:
    """`name` is a decorator defined at the top of this file whose wrapper answers 401/403."""
    root = node
    while root.parent is not None:
        root = root.parent
    for statement in root.named_children:
        function = (
            statement.child_by_field_name("definition") if statement.type == "decorated_definition" else statement
        )
        if function is not None and function.type == "function_definition" and function_name(function) == name:
            return _DENIES.search(ctx.source[function.start_byte : function.end_byte]) is not None
    return False


def has_auth_dependency(ctx: FileContext, node: Node, extra: Collection[str] = ()) -> bool:
    """`Depends(get_current_user)` / `Security(...)` in parameters or a route's `dependencies=`."""
    text = ctx.source[node.start_byte : node.end_byte]
    for call in _DEPENDENCY_CALL.finditer(text):
        dependency = call.group(2).decode().rsplit(".", 1)[-1]
        if call.group(1) == b"Security" or dependency in extra or _DEPENDENCY_HINT.search(dependency.lower()):
            return True
    return False


def has_auth_check(ctx: FileContext, node: Node | None) -> bool:
    """True when the code of `node` tests who is calling (a textual check: cheap, errs to quiet)."""
    return node is not None and _BODY_CHECK.search(ctx.source[node.start_byte : node.end_byte]) is not None


def has_auth_hook(ctx: FileContext, node: Node) -> bool:
    """A Flask `before_request` hook in the file of `node` that checks the caller (guards every route)."""
    if b"before_request" not in ctx.source and b"before_app_request" not in ctx.source:
        return False
    root = node
    while root.parent is not None:
        root = root.parent
    for statement in root.named_children:
        function = statement.child_by_field_name("definition") if statement.type == "decorated_definition" else None
        hook = function is not None and any(b"before_" in (d.text or b"") for d in decorators(function))
        if hook and has_auth_check(ctx, function):
            return True
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
    """Django function views take `request` first; class-based views name methods after verbs."""
    names = parameter_names(ctx, function)
    name = function_name(function)
    if names[:2] == ["self", "request"] and name.upper() in HTTP_METHODS:
        return Route(None, frozenset({name.upper()}))
    if not names or names[0] != "request":
        return None
    methods = set()
    for decorator in decorators(function):
        methods |= _django_decorator_methods(ctx, decorator)
    body = function.child_by_field_name("body")
    source = ctx.source[body.start_byte : body.end_byte] if body is not None else b""
    methods |= {m.group(1).decode() for m in _METHOD_TEST.finditer(source)}
    return Route(None, frozenset(methods) or frozenset({"GET"}))


def _django_decorator_methods(ctx: FileContext, decorator: Node) -> set[str]:
    callee = decorator.child_by_field_name("function") if decorator.type == "call" else decorator
    name = (ctx.qualified_name(callee) or "").rsplit(".", 1)[-1]
    if name in _DJANGO_METHOD_DECORATORS:
        return {_DJANGO_METHOD_DECORATORS[name]}
    if name == "require_http_methods" and decorator.type == "call":
        listed = positional_args(decorator.child_by_field_name("arguments"))
        return set(_listed_methods(listed[0] if listed else None))
    return set()
