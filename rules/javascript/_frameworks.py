"""What the JavaScript data flow knows about frameworks and libraries, as data.

Sources (Express, Koa, Fastify, Next.js route handlers and API routes, the browser, Node's
`process`), sanitizers and pass-through functions. Names are alias-resolved by `_names`
(`const { exec } = require("child_process")` makes `exec` read `child_process.exec`). A new
framework is a table edit here; `_taint.py` explains how the tables are used.
"""

from __future__ import annotations

from ..patterns import linear

# Parameters with these names hold a request object in handlers (Express `req`, Fetch/Next.js
# `request`); `ctx` is Koa's context, whose request data lives under `CONTEXT_ATTRS`.
REQUEST_PARAMETERS = frozenset({"req", "request"})
CONTEXT_PARAMETERS = frozenset({"ctx"})
# A parameter beside the request that shows the function is an HTTP handler.
HANDLER_SIBLINGS = frozenset({"res", "response", "reply", "resp", "next", "h"})
# Properties of a request object that hold client data (Express, Fastify, Next.js, Fetch).
REQUEST_ATTRS = frozenset(
    {
        "query",
        "params",
        "body",
        "headers",
        "cookies",
        "signedCookies",
        "url",
        "originalUrl",
        "path",
        "hostname",
        "files",
        "file",
        "rawBody",
        "nextUrl",
        "searchParams",
        "raw",
    }
)
# Methods of a request object that return client data (`req.get("X")`, `await request.json()`).
REQUEST_METHODS = frozenset({"get", "header", "param", "json", "text", "formData", "arrayBuffer", "blob"})
# Koa context properties that hold client data (`ctx.request` is the request object itself).
CONTEXT_ATTRS = frozenset({"query", "params", "headers", "cookies", "querystring", "href", "url", "originalUrl"})
# Next.js: the second parameter of a route handler (`{ params }`) carries the dynamic segments.
ROUTE_HANDLER_NAMES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# Names that are client-controlled data in the browser or on the command line.
SOURCE_NAMES = {
    "location": "location",
    "window.location": "location",
    "document.location": "location",
    "document.URL": "document.URL",
    "document.documentURI": "document.URL",
    "document.baseURI": "document.URL",
    "document.referrer": "document.referrer",
    "document.cookie": "document.cookie",
    "window.name": "window.name",
    "process.argv": "process.argv",
    "process.env": "process.env",
}
# Angular's `ActivatedRoute.snapshot`: `this.route.snapshot.queryParams.q` is the page's URL.
ROUTE_SNAPSHOT = "snapshot"
ROUTE_SNAPSHOT_ATTRS = frozenset({"queryParams", "params", "fragment", "queryParamMap", "paramMap", "url"})
# The sources above that exist only in a browser: code reading them runs in the visitor's page,
# where a server-side flaw (SSRF, a database query) cannot be.
BROWSER_SOURCES = frozenset({"location", "document.URL", "document.referrer", "document.cookie", "window.name"})
# Calls that sanitise completely (the result is a number or a boolean).
SANITIZERS = frozenset(
    {"parseInt", "parseFloat", "Number", "Boolean", "Number.parseInt", "Number.parseFloat", "Math.floor"}
)
# Context-specific sanitizers: the value stays tainted, marked with the sanitizer; a sink that
# this sanitizer protects (`encodeURIComponent` in a URL, `DOMPurify.sanitize` in HTML) drops it.
PARTIAL_SANITIZERS = frozenset(
    {
        "encodeURIComponent",
        "encodeURI",
        "escape",
        "path.basename",
        "dompurify.sanitize",
        "DOMPurify.sanitize",
        "isomorphic-dompurify.sanitize",
        "sanitize-html",
        "xss",
        "validator.escape",
        "escape-html",
        "he.encode",
        "he.escape",
        "lodash.escape",
        "_.escape",
        "shell-quote.quote",
        "shell-escape",
        "sqlstring.escape",
        "mysql.escape",
        "pg-format",
        "createHTML",
        "trustedHTMLFromString",
    }
)
HTML_SANITIZERS = frozenset(
    {
        "encodeURIComponent",  # leaves no `<`, `>`, `&` or `"`: text or a double-quoted attribute
        "createHTML",  # a Trusted Types policy's output
        "trustedHTMLFromString",
        "dompurify.sanitize",
        "DOMPurify.sanitize",
        "isomorphic-dompurify.sanitize",
        "sanitize-html",
        "xss",
        "validator.escape",
        "escape-html",
        "he.encode",
        "he.escape",
        "lodash.escape",
        "_.escape",
        "escape",
    }
)
# Methods that check a variable, in an early exit (`if (!ALLOWED.includes(x)) return`) or a
# ternary (`isSafeRelativeUrl(next) ? next : "/"`): the value that passed is clean.
CHECK_METHODS = frozenset({"includes", "has", "test", "startsWith", "endsWith", "match", "indexOf", "isValid"})


# `is*` calls that test a type, not a value: `if (Array.isArray(req.body))` leaves the body as it was.
TYPE_PREDICATES = frozenset(
    {"isArray", "isString", "isObject", "isPlainObject", "isNumber", "isEmpty", "isNil", "isNull", "isUndefined"}
    | {"isDefined", "isBuffer", "isFunction", "isNaN", "isFinite", "isInteger", "isSafeInteger"}
)


_PASCAL_CHECK = linear(r"Is[A-Z]")  # `IsFilenameValid(x)`


def is_check_method(name: str) -> bool:
    """`includes`, `test`, `isSafeUrl`, `validateRedirect`...: a call that checks its argument."""
    return name in CHECK_METHODS or name.startswith(("is", "valid", "Valid")) or _PASCAL_CHECK.match(name) is not None


# Functions whose result carries their arguments' data.
PASSTHROUGH = frozenset(
    {
        "String",
        "JSON.parse",
        "JSON.stringify",
        "decodeURIComponent",
        "decodeURI",
        "unescape",
        "atob",
        "Buffer.from",
        "Array.from",
        "Array.of",
        "Object.assign",
        "Object.values",
        "Object.entries",
        "Object.keys",
        "path.join",
        "path.resolve",
        "path.normalize",
        "url.resolve",
        "url.parse",
        "querystring.parse",
        "qs.parse",
        "util.format",
        "Promise.resolve",
        "structuredClone",
    }
)
# Constructors whose object carries their arguments' data (`new URL(request.url)`).
PASSTHROUGH_CONSTRUCTORS = frozenset({"URL", "URLSearchParams", "String", "Buffer", "Request"})
# `window.addEventListener("message", (event) => ...)`: `event.data` is another origin's data.
MESSAGE_EVENT = "message"
