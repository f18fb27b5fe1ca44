"""An API base URL or service endpoint written into code instead of configuration.

Only a URL that a program calls counts: one passed to a network client (`requests`, `httpx`,
`urllib`, `aiohttp`, a session's `.get`/`.post`, an SDK's `base_url=`) or stored under an
endpoint-like name (`API_BASE_URL`, `WEBHOOK_URL`, `*_ENDPOINT`, `*_HOST`). Links to
documentation, source hosting and schemas, and `url`/`*_url` metadata attributes are not.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from . import _config_values as cv

# A name that says "the service this code talks to"; a bare `url`/`issue_url` needs a client call.
_ENDPOINT_WORDS = linear(r"api|base|endpoint|webhook|server|service|host|backend|gateway|callback|upstream")
# Keyword arguments that configure where an SDK or client connects, whatever the callee.
_ENDPOINT_KEYWORDS = frozenset(
    {"base_url", "api_base", "api_url", "base_uri", "endpoint", "endpoint_url", "server_url", "host", "webhook_url", "azure_endpoint"}
)  # fmt: skip


def _why(match: Match) -> str | None:
    """Where the URL is used (for the message), or None when it is not a configured endpoint."""
    target, ctx = match.node("target"), match.ctx
    assert target is not None
    name = match.text("name")
    parent = target.parent
    if parent is not None and parent.type == "argument_list":
        call = parent.parent
        if call is None or not cv.is_client_call(ctx, call):
            return None
        return f"the call to `{ctx.text(call.child_by_field_name('function'))}`"
    if parent is not None and parent.type == "keyword_argument":
        call = parent.parent.parent if parent.parent is not None else None
        return (
            f"`{name}=`" if name in _ENDPOINT_KEYWORDS or (call is not None and cv.is_client_call(ctx, call)) else None
        )
    leaf = name.rsplit(".", 1)[-1]
    if _ENDPOINT_WORDS.search(leaf.lower()) or cv.reaches_client_call(ctx, cv.enclosing_scope(target), name):
        return f"`{name}`"
    return None


def is_service_url(match: Match) -> bool | Report:
    target = match.node("target")
    assert target is not None
    if match.node("name") is None and (target.parent is None or target.parent.type != "argument_list"):
        return False  # the URL pattern is rooted at the string (see `query`): only call arguments count
    host = cv.service_host(cv.literal_prefix(target))
    if host is None:
        return False
    is_stub, is_test = cv.is_stub_or_test(match.ctx)
    if is_stub or (is_test and cv.is_loopback(host)):
        return False
    where = _why(match)
    if where is None:
        return False
    return Report(
        message=f"Endpoint `{host}` is hard-coded in {where}: it belongs in configuration so each environment can point elsewhere."
    )


RULE = Rule(
    id="hardcoded-endpoint-url",
    title="Hard-coded service endpoint",
    category=Category.CONFIGURATION,
    cwe=(1051,),
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    # The URL-argument pattern is a bare `(string)`, its parent checked in Python: rooted at the
    # call, it kept a cursor state open per nested call (quadratic on `f(f(f(...)))`).
    query="""
(assignment left: (_) @name right: (string) @target
  (#match? @name "([Uu][Rr][LlIi]|[Ee]ndpoint|ENDPOINT|[Hh]ost|HOST|API_BASE|api_base|[Ww]ebhook|WEBHOOK)$"))
(keyword_argument name: (identifier) @name value: (string) @target
  (#match? @name "^(base_url|api_base|api_url|base_uri|endpoint|endpoint_url|server_url|host|webhook_url|azure_endpoint|url)$"))
((string) @target (#match? @target "^[rRbBuUfF]*['\\"]+(https?|wss?)://"))
""",
    where=is_service_url,
    message="A service endpoint is hard-coded: it belongs in configuration.",
    docs="""## Why is this bad?
Assistants write the API base URL, webhook and service endpoints straight into the code. The
code then talks to one environment only: staging traffic hits production, a moved service
needs a release, and internal host names leak with the code. This is a configuration finding
(low severity): select or ignore it with the `configuration` category.

## What is reported
A URL literal (an f-string counts by its literal start) that is passed to a network client
(`requests`, `httpx`, `urllib.request`, `urllib3`, `aiohttp`, `websockets`, or a session's
`.get`/`.post`/`.request`...), given as `base_url=`/`endpoint=`/`host=`... to any call, or
assigned to an endpoint-like name (`API_BASE_URL`, `WEBHOOK_URL`, `*_ENDPOINT`, `*_HOST`). A
plain `url`/`*_url` is reported only when the same scope passes it to a network client, so
`url = ...` metadata on a class (a lexer's homepage, an issue tracker) is not. Never reported:
documentation, source-hosting and schema hosts (github.com, gitlab.com, readthedocs, `docs.*`,
python.org, schemastore.org, json-schema.org, w3.org, example.com), URLs ending in `.html` or
carrying a `#fragment`, docstrings, comments, `.pyi` stubs, and loopback URLs
(`http://localhost:8000`) in test modules, where a local server is the point. Loopback URLs in
application code are reported: they are the classic "works on my machine" endpoint.

## How to fix
Read the URL from settings or the environment, with the production value as configuration.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1051.html",
        "https://12factor.net/config",
    ),
    examples="""
import os
import openai
import requests
import httpx as hx
from urllib.request import urlopen
# ruleid: hardcoded-endpoint-url
API_BASE_URL = "https://api.internal.acme.io/v2"
# ruleid: hardcoded-endpoint-url
SLACK_WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXX"
# ruleid: hardcoded-endpoint-url
client = openai.OpenAI(base_url="http://10.0.0.5:8000/v1")
# ruleid: hardcoded-endpoint-url
requests.get("https://api.acme.io/v2/users")
# ruleid: hardcoded-endpoint-url
hx.post(f"https://api.acme.io/v2/users/{user_id}", json=body)
# ruleid: hardcoded-endpoint-url
session.get("http://localhost:8000/health")
def paste(data):
    # ruleid: hardcoded-endpoint-url
    url = "https://bpa.st"
    return urlopen(url, data=data)
# ok: hardcoded-endpoint-url
API_BASE_URL = os.environ.get("API_BASE_URL", "")
# ok: hardcoded-endpoint-url
requests.get(f"{API_BASE_URL}/users")
# ok: hardcoded-endpoint-url
DOCS_URL = "https://example.com/docs"
# ok: hardcoded-endpoint-url
message = "https://api.acme.io"
# ok: hardcoded-endpoint-url
BASE_RTD_URL = "https://mypy.rtfd.io/en/stable/_refs.html"
# ok: hardcoded-endpoint-url
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
# ok: hardcoded-endpoint-url
issue_url = "https://github.com/pypa/pip/issues/10151"
# ok: hardcoded-endpoint-url
setup(name="acme", url="https://acme.io")
# ok: hardcoded-endpoint-url
print("see https://api.acme.io/v2/users for details")
# ok: hardcoded-endpoint-url
requests.get("https://api.acme.io/guide.html")
class PhpLexer:
    # ok: hardcoded-endpoint-url
    url = "https://www.php.net"
""",
)
