"""CORS that lets any origin make credentialed requests: `cors({ origin: true | "*", credentials: true })`.

With `credentials: true`, a reflected or wildcard origin lets every website call your API with
the visitor's cookies and read the answers. Browsers refuse a literal `*` with credentials, so
AI code "fixes" it with `origin: true` (reflect the caller), which is worse.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._nodes import argument, is_true, property_value, string_value


def trusts_every_origin(match: Match) -> Report | None:
    options = argument(match.target, 0)
    origin = property_value(options, "origin")
    if origin is None or not is_true(property_value(options, "credentials")):
        return None
    if is_true(origin) or string_value(origin) == "*":
        return Report(node=origin)
    return None


RULE = Rule(
    id="js-cors-credentials-with-any-origin",
    title="CORS allows credentials from any origin",
    category=Category.EXPOSURE,
    cwe=(942, 346),
    owasp=("A05:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({"cors", "@fastify/cors", "fastify-cors"}),
    where=trusts_every_origin,
    aliases=("javascript.express.security.cors-misconfiguration.cors-misconfiguration",),
    message="Any website can make requests with the user's cookies and read the responses.",
    docs="""## Why is this bad?
`cors({ origin: true, credentials: true })` echoes every caller's `Origin` back together with
`Access-Control-Allow-Credentials: true`: a page on any site can then fetch your API as the
logged-in visitor and read their data. List the origins you trust
(`origin: ["https://app.example.com"]`) or drop `credentials`.
""",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#requests_with_credentials",
        "https://github.com/expressjs/cors#configuration-options",
    ),
    examples="""
const cors = require("cors");
// ruleid: js-cors-credentials-with-any-origin
app.use(cors({ origin: true, credentials: true }));
// ruleid: js-cors-credentials-with-any-origin
app.use(cors({ origin: "*", credentials: true }));
// ok: js-cors-credentials-with-any-origin
app.use(cors({ origin: ["https://app.example.com"], credentials: true }));
// ok: js-cors-credentials-with-any-origin
app.use(cors({ origin: "*" }));
""",
)
