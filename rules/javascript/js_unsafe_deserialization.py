"""Deserializers that run code: `node-serialize` `unserialize`, `serialize-to-js`/`funcster`, js-yaml's
unsafe schemas, and `serialize-javascript` output fed back to `eval`.

`node-serialize` revives `_$$ND_FUNC$$_` strings as functions and calls IIFEs while parsing:
`unserialize(cookie)` is remote code execution. js-yaml 3's `load` with `DEFAULT_FULL_SCHEMA`
(or an explicit unsafe schema) builds functions and regexps from the document.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._nodes import argument, property_value
from ._sinks import taint_verdict

CODE_DESERIALIZERS = frozenset(
    {"node-serialize.unserialize", "serialize-to-js.deserialize", "funcster.deepDeserialize", "cryo.parse"}
)
YAML_LOADS = frozenset({"js-yaml.load", "js-yaml.loadAll", "yaml.load"})
UNSAFE_SCHEMAS = ("DEFAULT_FULL_SCHEMA", "FULL_SCHEMA", "JS_SCHEMA")


def revives_code(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in CODE_DESERIALIZERS:
        verdict = taint_verdict(
            match,
            argument(match.target, 0),
            f"`{name}`",
            streams=True,
            consequence="it runs functions embedded in the data",
        )
        return verdict or Report(confidence=Confidence.MEDIUM)
    schema = property_value(argument(match.target, 1), "schema")
    if name in YAML_LOADS and schema is not None and match.ctx.text(schema).endswith(UNSAFE_SCHEMAS):
        return Report(
            node=schema,
            message=f"`{match.ctx.text(schema)}` lets the YAML document build functions: use the default schema.",
        )
    return None


RULE = Rule(
    id="js-unsafe-deserialization",
    title="Deserialization that runs code (JavaScript)",
    category=Category.INJECTION,
    cwe=(502,),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=CODE_DESERIALIZERS | YAML_LOADS,
    where=revives_code,
    aliases=("javascript.lang.security.audit.unsafe-serialization", "javascript.node-serialize.security.unserialize"),
    message="This deserializer can run code embedded in the data.",
    docs="""## Why is this bad?
`require("node-serialize").unserialize(data)` evaluates functions stored in the data, and an
IIFE (`_$$ND_FUNC$$_function(){...}()`) runs during parsing: a cookie or body that reaches it
is remote code execution (CVE-2017-5941). js-yaml's full schema constructs JavaScript functions.
Exchange data as JSON (`JSON.parse`) or YAML with the default schema (`yaml.load` in js-yaml 4).
""",
    references=(
        "https://nvd.nist.gov/vuln/detail/CVE-2017-5941",
        "https://github.com/nodeca/js-yaml#load-string---options-",
    ),
    examples="""
const serialize = require("node-serialize");
const yaml = require("js-yaml");
app.get("/profile", (req, res) => {
  // ruleid: js-unsafe-deserialization
  const profile = serialize.unserialize(Buffer.from(req.cookies.profile, "base64").toString());
  // ruleid: js-unsafe-deserialization
  const doc = yaml.load(req.body, { schema: yaml.DEFAULT_FULL_SCHEMA });
  // ok: js-unsafe-deserialization
  const safe = yaml.load(req.body);
  // ok: js-unsafe-deserialization
  const data = JSON.parse(req.cookies.profile);
});
""",
)
