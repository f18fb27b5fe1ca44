"""Template engines configured to render without HTML escaping (Nunjucks, Handlebars, Mustache, Eta).

`nunjucks.configure(..., { autoescape: false })`, `new nunjucks.Environment(..., { autoescape:
false })`, `Handlebars.compile(src, { noEscape: true })`, `eta.configure({ autoEscape: false })`
and `swig.setDefaults({ autoescape: false })` render every `{{ value }}` raw: one value from a
user is script in the page. The quick fix turns escaping back on.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._nodes import arguments, is_false, is_true, property_value, unwrap

OPTIONS = {"autoescape": False, "autoEscape": False, "noEscape": True}
CALLS = frozenset(
    {
        "nunjucks.configure",
        "nunjucks.Environment",
        "handlebars.compile",
        "handlebars.create",
        "eta.configure",
        "swig.setDefaults",
        "mustache.render",
    }
)
_QUERY = "(new_expression constructor: (_) @ctor arguments: (arguments) @args) @target"


def _disabled_option(match: Match) -> tuple[str, Node] | None:
    for arg in arguments(match.target):
        obj = unwrap(arg)
        if obj is None or obj.type != "object":
            continue
        for key, bad in OPTIONS.items():
            value = property_value(obj, key)
            if value is not None and (is_true(value) if bad else is_false(value)):
                return key, value
    return None


def disables_escaping(match: Match) -> Report | None:
    callee = match.node("ctor") or match.node("fn")
    name = (match.ctx.qualified_name(callee) or "").lower()
    if name not in {call.lower() for call in CALLS}:
        return None
    found = _disabled_option(match)
    if found is None:
        return None
    node = found[1]
    return Report(node=node, message=f"`{found[0]}` turns off HTML escaping: every rendered value can inject script.")


def enable_escaping(match: Match) -> Fix | None:
    found = _disabled_option(match)
    if found is None:
        return None
    key, node = found
    new_value = "false" if key == "noEscape" else "true"
    return Fix(
        title="Turn HTML escaping back on",
        edits=(Edit(node.start_byte, node.end_byte, new_value),),
        safe=False,
    )


RULE = Rule(
    id="js-template-escaping-disabled",
    title="Template engine renders without HTML escaping",
    category=Category.INJECTION,
    cwe=(79, 116),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset(c for c in CALLS if c != "nunjucks.Environment")
    | frozenset({"Handlebars.compile", "Handlebars.create"}),
    query=_QUERY,
    where=disables_escaping,
    fix=enable_escaping,
    fixable=True,
    aliases=("javascript.express.security.audit.xss.template-explicit-unescape",),
    message="The template engine renders values without HTML escaping.",
    docs="""## Why is this bad?
With escaping off, `{{ comment }}` copies `<script>` and `onerror=` from data into the page.
Keep escaping on and mark the few trusted fragments safe one by one (`| safe` in Nunjucks,
`{{{ }}}` in Handlebars) after sanitizing them.

## Fix safety
The fix sets `autoescape: true` (or `noEscape: false`). It is unsafe: templates that relied
on raw output (pre-built HTML fragments) then show escaped markup and need `| safe` on those
fragments.
""",
    references=(
        "https://mozilla.github.io/nunjucks/api.html#configure",
        "https://handlebarsjs.com/api-reference/compilation.html#handlebars-compile-template-options",
    ),
    examples="""
const nunjucks = require("nunjucks");
const Handlebars = require("handlebars");
// ruleid: js-template-escaping-disabled
nunjucks.configure("views", { autoescape: false, express: app });
// ruleid: js-template-escaping-disabled
const env = new nunjucks.Environment(loader, { autoescape: false });
// ruleid: js-template-escaping-disabled
const template = Handlebars.compile(source, { noEscape: true });
// ok: js-template-escaping-disabled
nunjucks.configure("views", { autoescape: true, express: app });
// ok: js-template-escaping-disabled
const safe = Handlebars.compile(source);
""",
)
