"""Server-side XSS: `res.send(...)`/`res.write(...)` of HTML built from request data.

Express sends a string body as `text/html`, so `res.send("<h1>" + req.query.name + "</h1>")`
reflects script. Only bodies that build markup (a tag in their literal parts) from request
data are reported; JSON (`res.json`), plain values and escaped values are clean.
"""

from __future__ import annotations

from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._html import builds_markup, html_verdict
from ._http import RESPONSE_NAMES
from ._nodes import argument, receiver
from ._values import resolved


def reflects_request_html(match: Match) -> Report | None:
    owner = receiver(match)
    if owner is None or match.ctx.text(owner).split(".")[0] not in RESPONSE_NAMES:
        return None
    body = argument(match.target, 0)
    if not builds_markup(match, resolved(body)):
        return None
    verdict = html_verdict(match, body, "an HTML response")
    if verdict is None or (verdict.data or {}).get("taint") != Kind.TAINTED.name.lower():
        return None
    return verdict


RULE = Rule(
    id="js-xss-html-response",
    title="HTML response built from request data",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({".send", ".write", ".end"}),
    where=reflects_request_html,
    aliases=("javascript.express.security.audit.xss.direct-response-write.direct-response-write",),
    message="HTML built from request data reflects script to the user's browser.",
    docs="""## Why is this bad?
`res.send(`<p>Hello ${req.query.name}</p>`)` answers with `text/html`; a link with
`?name=<script>...</script>` runs script on your domain in whoever opens it (reflected XSS).
Render through a template engine that escapes (EJS `<%=`, Pug, Handlebars `{{ }}`, React on
the server), or escape each value with `escape-html`.
""",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",),
    examples="""
const escapeHtml = require("escape-html");
app.get("/hello", (req, res) => {
  // ruleid: js-xss-html-response
  res.send(`<h1>Hello ${req.query.name}</h1>`);
  const page = "<p>" + req.params.msg + "</p>";
  // ruleid: js-xss-html-response
  res.status(200).send(page);
  // ok: js-xss-html-response
  res.send(`<h1>Hello ${escapeHtml(req.query.name)}</h1>`);
  // ok: js-xss-html-response
  res.json({ name: req.query.name });
  // ok: js-xss-html-response
  res.send(req.query.name.length.toString());
  // ok: js-xss-html-response
  res.end('<meta http-equiv="refresh" content="0;url=/go?to=' + encodeURIComponent(req.query.to) + '">');
});
""",
)
