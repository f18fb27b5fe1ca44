"""Server-side requests to a URL taken from request data (requests, httpx, urllib, aiohttp).

Only tainted URLs are reported: programs fetch URLs of unknown origin all the time (config,
arguments), and flagging each would drown the real cases. A URL whose literal prefix fixes
the scheme and host (`f"https://api.example.com/users/{uid}"`, a `str.format` template such as
`"http://localhost:{}/api/{}".format(PORT, name)`) is not SSRF either: the data picks a path on
a host the program chose. Allow-list checks on the URL or its host sanitise.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument
from ..analysis.sinks import bound_value, taint_verdict
from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._url_pieces import url_pieces

VERBS = ("get", "post", "put", "patch", "delete", "head", "options")
URL_FIRST = frozenset(
    {f"requests.{verb}" for verb in VERBS}
    | {f"httpx.{verb}" for verb in VERBS}
    | {"urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen", "httpx.stream"}
)
METHOD_FIRST = frozenset({"requests.request", "httpx.request", "aiohttp.request", "requests.api.request"})
CLIENTS = frozenset(
    {"requests.Session", "requests.session", "httpx.Client", "httpx.AsyncClient", "aiohttp.ClientSession"}
)
_FIXED_HOST = linear(r"^[A-Za-z][\w+.-]*://[^/{}?#]+[/?#]")


def _is_client(match: Match, value: Node | None) -> bool:
    if value is not None and value.type == "identifier":
        value = bound_value(value)
    if value is None or value.type != "call":
        return False
    return match.ctx.qualified_name(value.child_by_field_name("function")) in CLIENTS


def _imports_client_library(match: Match) -> bool:
    """Cheap gate before looking for a client object behind `x.get(...)`, the commonest call there is."""
    return any(match.ctx.names.imports_module(module) for module in ("requests", "httpx", "aiohttp"))


def _url(match: Match) -> Node | None:
    args = match.node("args")
    callee = match.node("fn")
    name = match.ctx.qualified_name(callee) or ""
    if name in URL_FIRST:
        return argument(args, 0, "url")
    if name in METHOD_FIRST:
        return argument(args, 1, "url")
    if callee is None or callee.type != "attribute" or not _imports_client_library(match):
        return None
    if not _is_client(match, callee.child_by_field_name("object")):
        return None
    verb = match.ctx.text(callee.child_by_field_name("attribute"))
    return argument(args, 1 if verb == "request" else 0, "url")


def _fixed_host(node: Node) -> bool:
    """True when a literal prefix of the URL already names the scheme and host.

    Follows names to their values and `a + b` to `a`, iteratively: `url = url + input()`
    binds `url` to an expression that starts with `url` again, so a visited set ends the walk.
    """
    seen: set[int] = set()
    current: Node | None = node
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.type == "identifier":
            bound = bound_value(current)
            current = bound if bound is not None and bound.type != "identifier" else None
        elif current.type == "binary_operator":
            current = current.child_by_field_name("left")
        elif current.type == "string":
            return bool(_FIXED_HOST.match(_literal_prefix(current).decode("utf-8", "replace")))
        else:
            return False
    return False


def _literal_prefix(string: Node) -> bytes:
    prefix = b""
    for child in string.named_children:
        if child.type == "interpolation":
            break
        if child.type == "string_content":
            prefix += child.text or b""
    return prefix


# Stands for a configured base URL (`settings.reviews_url`) when reading the URL's head.
_CONFIGURED_ORIGIN = "https://configured.host"


def _host_fixed_by_program(match: Match, url: Node) -> bool:
    """True when the URL's head, up to its first request value, names scheme and host: a module
    constant (`KOBO_STOREAPI_URL + "/" + path`), a configured base followed by a path
    (`settings.reviews_url + f"/reviews/{ext_id}"`), or what an in-file helper returns."""
    head = ""
    for index, piece in enumerate(url_pieces(_returned_by_helper(match, url) or url)):
        if piece.type == "string_content":
            head += match.ctx.text(piece)
        elif piece.type == "identifier" and match.ctx.taint.module_string(match.ctx.text(piece)) is not None:
            head += match.ctx.taint.module_string(match.ctx.text(piece)) or ""
        elif (
            index == 0
            and piece.type in ("attribute", "subscript", "identifier")
            and (match.ctx.taint.origin(piece).kind is not Kind.TAINTED)
        ):
            head += _CONFIGURED_ORIGIN
        else:
            break
    return bool(_FIXED_HOST.match(head))


def _returned_by_helper(match: Match, url: Node) -> Node | None:
    """The one returned expression of the in-file function `url` calls, if that is all it does."""
    callee = url.child_by_field_name("function") if url.type == "call" else None
    function = match.ctx.taint.module_function(match.ctx.text(callee)) if callee is not None else None
    body = function.child_by_field_name("body") if function is not None else None
    returns = [c for c in body.named_children if c.type == "return_statement"] if body is not None else []
    return returns[0].named_children[0] if len(returns) == 1 and returns[0].named_children else None


# A `str.format` field: `{}`, `{0}`, `{name}`, `{0:>4}`.
_FIELD = linear(r"\{([^{}]*)\}")


def _format_template_fixes_host(match: Match, url: Node) -> bool:
    """`"http://localhost:{0}/api/task/{1}".format(PORT, task_id)`: the template's text up to its
    first field filled with request data names scheme and host (fields the program fills, such
    as a configured port, stand in as text); the data only picks a path on that host."""
    call = bound_value(url) if url.type == "identifier" else url
    if call is None or call.type != "call":
        return False
    callee = call.child_by_field_name("function")
    if (
        callee is None
        or callee.type != "attribute"
        or match.ctx.text(callee.child_by_field_name("attribute")) != "format"
    ):
        return False
    template = callee.child_by_field_name("object")
    if template is None or template.type != "string":
        return False
    if any(child.type == "interpolation" for child in template.named_children):
        return False
    text = _literal_prefix(template).decode("utf-8", "replace")
    args = call.child_by_field_name("arguments")
    head, start = "", 0
    for position, field in enumerate(_FIELD.finditer(text)):
        head += text[start : field.start()]
        key = field.group(1).split(":", 1)[0].split("!", 1)[0]
        value = argument(args, int(key) if key.isdigit() else position, key if key and not key.isdigit() else None)
        if value is None or match.ctx.taint.origin(value).kind is Kind.TAINTED:
            return bool(_FIXED_HOST.match(head))
        head, start = head + "0", field.end()
    return bool(_FIXED_HOST.match(head + text[start:]))


def requests_tainted_url(match: Match) -> Report | None:
    url = _url(match)
    if url is None or _fixed_host(url) or _host_fixed_by_program(match, url) or _format_template_fixes_host(match, url):
        return None
    sink = f"the URL of `{match.ctx.text(match.node('fn'))}`"
    return taint_verdict(
        match,
        url,
        sink,
        report_unknown=False,
        local_input=False,
        consequence="the server can be made to call internal services such as cloud metadata",
    )


RULE = Rule(
    id="ssrf-tainted-url",
    title="Server-side request to a URL from request data",
    category=Category.INJECTION,
    cwe=(918,),
    owasp=("A10:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=URL_FIRST | METHOD_FIRST | frozenset(f".{verb}" for verb in (*VERBS, "request")),
    where=requests_tainted_url,
    message="The server fetches a URL chosen by the client, which can reach internal services.",
    docs="""## Why is this bad?
`requests.get(request.args["url"])` lets a client make the server fetch
`http://169.254.169.254/latest/meta-data/` (cloud credentials), `http://localhost:6379/`
or any host on the internal network, and often read the answer back (Capital One, 2019).

Only URLs that data flow traces to request data (request attributes, route parameters) are
reported, with high confidence; a URL from `sys.argv` or `input()` was chosen by whoever runs
the program (a CLI fetching what it was told to). URLs of unknown origin are deliberately not reported (configuration, function
parameters: far too common to review one by one), nor are URLs whose literal prefix already
fixes the scheme and host (`f"https://api.example.com/items/{item_id}"`, or a `str.format`
template whose fields before the first request value are the program's own:
`"http://localhost:{0}/api/task/{1}".format(FLOWER_PORT, task_id)`).

## How to fix
Do not let the client choose the host: map a client-supplied key to a URL on the server, or
parse the URL and check its scheme and host against an allow-list before fetching
(`if urlparse(url).hostname not in ALLOWED_HOSTS: abort(400)`), and disable redirects to
unchecked hosts. Network-level egress rules are the second line of defence.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/918.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/",
    ),
    examples="""
import aiohttp
import httpx
import requests
import requests as r
from urllib.parse import urlparse
from urllib.request import urlopen
from flask import Flask, request
app = Flask(__name__)
ALLOWED_HOSTS = {"api.example.com"}

@app.route("/preview")
async def preview():
    url = request.args["url"]
    # ruleid: ssrf-tainted-url
    requests.get(url, timeout=5)
    # ruleid: ssrf-tainted-url
    r.request("POST", url)
    # ruleid: ssrf-tainted-url
    urlopen(url).read()
    # ruleid: ssrf-tainted-url
    httpx.post(url, json={})
    session = requests.Session()
    # ruleid: ssrf-tainted-url
    session.get(url)
    async with aiohttp.ClientSession() as client:
        # ruleid: ssrf-tainted-url
        await client.get(url)
    # ok: ssrf-tainted-url
    requests.get(f"https://api.example.com/items/{url}")
    # ok: ssrf-tainted-url
    requests.get("https://api.example.com/health")
    # ok: ssrf-tainted-url
    request.args.get(url)
    if urlparse(url).hostname not in ALLOWED_HOSTS:
        return "forbidden", 403
    # ok: ssrf-tainted-url
    return requests.get(url).text

@app.route("/grow")
def grow():
    url = "https://"
    url = url + request.args["host"]  # the same name on both sides: no endless walk
    # ruleid: ssrf-tainted-url
    requests.get(url)

@app.route("/admin/queues/<queue>/purge")
def purge_queue(queue):
    # A fixed local host (the message broker's admin API): the route segment is a path there.
    queue_url = "http://localhost:15672/api/queues/%2f/{0}/contents".format(queue)
    # ok: ssrf-tainted-url
    requests.delete(queue_url, auth=("guest", "guest"))
    # ok: ssrf-tainted-url
    requests.post("http://localhost:{0}/api/task/revoke/{1}".format(FLOWER_PORT, queue))
    # ok: ssrf-tainted-url
    requests.get("https://{host}/api/{name}".format(host=API_HOST, name=queue))
    # ruleid: ssrf-tainted-url
    requests.get("http://{0}/api/queues".format(queue))
    # ruleid: ssrf-tainted-url
    requests.get("http://localhost:{port}/api".format(port=queue))

KOBO_STOREAPI_URL = "https://storeapi.kobo.com"

def store_url():
    return KOBO_STOREAPI_URL + "/" + request.full_path

@app.route("/kobo/<path:rest>")
def kobo_proxy(rest):
    # A module constant names the host: the request only picks the path there.
    # ok: ssrf-tainted-url
    requests.request(method=request.method, url=store_url())
    # ok: ssrf-tainted-url
    requests.get(KOBO_STOREAPI_URL + "/v1/" + rest)
    # ruleid: ssrf-tainted-url
    requests.get(KOBO_STOREAPI_URL + rest)

@app.route("/reviews/<ext_id>")
async def reviews(ext_id):
    async with httpx.AsyncClient() as client:
        # A configured base URL followed by a path: the route parameter picks a path on it.
        # ok: ssrf-tainted-url
        await client.get(settings.reviews_url + f"/reviews/{ext_id}?{request.query_string}")
        # ruleid: ssrf-tainted-url
        await client.get(request.args["base"] + f"/reviews/{ext_id}")

def fetch(url):
    # ok: ssrf-tainted-url
    return httpx.get(url).text

# ok: ssrf-tainted-url
print(requests.get(input("URL: ")).text)

@app.route("/proxy")
def proxy():
    target = request.json["target"]
    client = make_client()
    # A client built by a helper is not recognised as an HTTP client.
    # todoruleid: ssrf-tainted-url
    return client.get(target).text
""",
)
