"""Outgoing HTTP requests to a URL taken from the request: `fetch`, axios, got, `http.request`...

Only request-controlled URLs are reported (a URL of unknown origin is every API client). A
value passed through `encodeURIComponent` is a path or query *piece*, not a host, and is clean.
The URL is the first argument, or the `url` option of `axios({...})`/`request({...})`.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._http import CLIENT_CALLS
from ._nodes import argument, property_value, unwrap
from ._sinks import from_browser, taint_verdict


def requests_tainted_url(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    url = argument(match.target, 0)
    options = unwrap(url)
    if options is not None and options.type == "object":
        url = property_value(options, "url") or property_value(options, "hostname") or property_value(options, "host")
    verdict = taint_verdict(
        match,
        url,
        f"the URL of an outgoing request (`{name}`)",
        local_input=False,
        report_unknown=False,
        sanitizers=("encodeURIComponent",),
        consequence="the server can be made to call internal services",
    )
    return None if from_browser(verdict) else verdict  # `fetch(location.href)` runs in the page: no server call


RULE = Rule(
    id="js-ssrf-tainted-url",
    title="Server-side request to a URL from the request (JavaScript)",
    category=Category.INJECTION,
    cwe=(918,),
    owasp=("A10:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=CLIENT_CALLS,
    where=requests_tainted_url,
    aliases=("javascript.express.security.injection.tainted-url-host.tainted-url-host",),
    message="A URL taken from the request makes the server call wherever the caller wants.",
    docs="""## Why is this bad?
`fetch(req.query.url)` lets any caller make your server request `http://169.254.169.254/`
(cloud credentials), `http://localhost:6379/` or any internal service, and read the answer.
Allow-list the hosts (parse with `new URL()` and compare `hostname`), or let the client pick
among known endpoints by name.

Only request data is reported; URLs of unknown origin and `process.argv` are not.
""",
    references=(
        "https://owasp.org/Top10/A10_2021-Server-Side_Request_Forgery_%28SSRF%29/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html",
    ),
    examples="""
import axios from "axios";
app.get("/proxy", async (req, res) => {
  // ruleid: js-ssrf-tainted-url
  const r = await fetch(req.query.url);
  // ruleid: js-ssrf-tainted-url
  await axios.get(`${req.body.host}/status`);
  // ruleid: js-ssrf-tainted-url
  await axios({ method: "get", url: req.query.target });
  // ok: js-ssrf-tainted-url
  await fetch(`https://api.example.com/items/${encodeURIComponent(req.query.id)}`);
  // ok: js-ssrf-tainted-url
  await fetch(process.env.API_URL);
  // ok: js-ssrf-tainted-url
  await fetch(location.href + "?partial=1");
});
export async function GET(request) {
  const target = request.nextUrl.searchParams.get("u");
  // ruleid: js-ssrf-tainted-url
  return fetch(target);
}
""",
)
