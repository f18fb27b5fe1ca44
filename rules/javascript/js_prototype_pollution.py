"""Request objects deep-merged into application objects: `_.merge({}, req.body)`, `deepmerge`,
`$.extend(true, ...)`, `_.set(obj, req.body.path, value)`, and `obj[key1][key2] = value` with
request-chosen keys.

A body of `{"__proto__": {"isAdmin": true}}` merged recursively writes `Object.prototype`, and
every object in the process then has `isAdmin`. Older lodash/jQuery versions do this; hand-written
deep merges still do. Reported when request data is a merge *source* or chooses the path.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._nodes import argument, arguments, is_true, unwrap
from ._sinks import taint_verdict

MERGES = frozenset(
    {
        f"{lib}.{fn}"
        for lib in ("lodash", "_", "lodash-es", "underscore")
        for fn in ("merge", "mergeWith", "defaultsDeep", "set", "setWith", "zipObjectDeep")
    }
    | {
        "lodash.merge",
        "lodash.set",
        "lodash.defaultsdeep",
        "deepmerge",
        "deepmerge.all",
        "merge-deep",
        "mixin-deep",
        "deep-extend",
        "dset",
        "set-value",
        "jquery.extend",
        "$.extend",
        "jQuery.extend",
    }
)
_PATH_SETTERS = ("set", "setWith", "dset", "set-value", "zipObjectDeep")


def merges_request_object(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    args = arguments(match.target)
    if name.endswith(_PATH_SETTERS):
        return taint_verdict(
            match,
            argument(match.target, 1),
            f"the property path of `{name}`",
            report_unknown=False,
            consequence="`__proto__.x` in it writes Object.prototype",
        )
    if name.endswith("extend") and not (args and is_true(args[0])):
        return None  # shallow `$.extend(a, b)` copies own properties only
    for source in args[1:]:
        if unwrap(source) is not None and unwrap(source).type == "object":  # type: ignore[union-attr]
            continue  # a literal's keys are the code's own
        verdict = taint_verdict(
            match,
            source,
            f"a deep merge (`{name}`)",
            report_unknown=False,
            consequence="a `__proto__` key in it pollutes Object.prototype",
        )
        if verdict is not None:
            return verdict
    return None


RULE = Rule(
    id="js-prototype-pollution",
    title="Request data deep-merged into objects",
    category=Category.INJECTION,
    cwe=(1321,),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=MERGES,
    where=merges_request_object,
    aliases=("javascript.lang.security.audit.prototype-pollution.prototype-pollution-loop",),
    message="A deep merge of request data can write `Object.prototype`.",
    docs="""## Why is this bad?
Recursive merges copy `__proto__` and `constructor.prototype` keys like any other: merging
`{"__proto__": {"isAdmin": true}}` from a JSON body sets `isAdmin` on every object, which can
bypass authorization checks or crash the server. Validate the body against a schema and copy
the fields you expect, merge into `Object.create(null)`, or use a merge that skips those keys.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Prototype_Pollution_Prevention_Cheat_Sheet.html",
        "https://github.com/advisories/GHSA-jf85-cpcp-j695",
    ),
    examples="""
const _ = require("lodash");
const merge = require("deepmerge");
app.post("/settings", (req, res) => {
  // ruleid: js-prototype-pollution
  const settings = _.merge({}, defaults, req.body);
  // ruleid: js-prototype-pollution
  const merged = merge(current, req.body.prefs);
  // ruleid: js-prototype-pollution
  _.set(config, req.body.path, req.body.value);
  // ok: js-prototype-pollution
  const copy = _.merge({}, defaults, { theme: String(req.body.theme) });
  // ok: js-prototype-pollution
  const shallow = Object.assign({}, defaults);
});
""",
)
