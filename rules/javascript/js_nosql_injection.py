"""Request data used as a MongoDB query: `User.findOne({ email: req.body.email })`, `$where` strings.

A JSON body can carry objects where strings were expected: `{"email": {"$ne": null}}` matches
the first user, `{"password": {"$gt": ""}}` any password. Reported when a filter value (or the
whole filter) is request data that no `String(...)`/`Number(...)` coerced, and for `$where`
built from data (server-side JavaScript). Mongoose with `sanitizeFilter` is clean, and so are
path parameters (always strings), a project's service layer (`itemsService.updateOne(pk,
data)`) and `.update(values)` calls that pass no `$` update document (Sequelize, lodash).
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._nodes import argument, method_name, property_value, receiver, unwrap
from ._sinks import from_browser, taint_verdict

QUERY_METHODS = (
    "find",
    "findOne",
    "findOneAndUpdate",
    "findOneAndDelete",
    "updateOne",
    "updateMany",
    "deleteOne",
    "deleteMany",
    "countDocuments",
    "aggregate",
    "exists",
)
# `collection.update(filter, { $set: ... })` (the MongoDB driver's legacy API, MarsDB, NeDB):
# only a MongoDB call when its second argument is an update document of `$` operators, since
# `.update(values)` is also Sequelize's, lodash's and every form library's.
LEGACY_UPDATE_METHODS = frozenset({"update"})


def _filter_values(filter_node: Node) -> list[Node]:
    obj = unwrap(filter_node)
    if obj is None:
        return []
    if obj.type != "object":
        return [obj]
    values = []
    for pair in obj.named_children:
        if pair.type == "pair":
            value = pair.child_by_field_name("value")
            if value is not None and unwrap(value) is not None and unwrap(value).type != "object":  # type: ignore[union-attr]
                values.append(value)
        elif pair.type == "shorthand_property_identifier":
            values.append(pair)
    return values


def _coerced(match: Match, value: Node) -> bool:
    """`String(x)`, `` `${x}` `` and `x + ""` are strings: no operator object survives them."""
    node = unwrap(value)
    if node is None:
        return True
    if node.type in ("template_string", "binary_expression"):
        return True
    if node.type == "call_expression":
        return match.ctx.qualified_name(node.child_by_field_name("function")) in _COERCIONS
    return False


# Express and Koa path parameters are always strings: they cannot carry an operator object.
STRING_SOURCES = frozenset({"req.params", "request.params", "ctx.params"})
# `service.updateOne(pk, data)`, `new UsersService(...).deleteMany(keys)`: a project's own service
# layer (Directus, Strapi, Nest) takes keys and values, not a MongoDB filter.
_SERVICE_RECEIVER = linear(r"(?i)service(?:\([^()]*\))?$")


def _is_service_call(match: Match) -> bool:
    owner = receiver(match)
    text = match.ctx.text(owner) if owner is not None else ""
    return owner is not None and (owner.type == "new_expression" or _SERVICE_RECEIVER.search(text) is not None)


_COERCIONS = frozenset({"String", "Number", "parseInt", "parseFloat", "Boolean", "mongoose.Types.ObjectId"})


def _is_update_document(node: Node | None) -> bool:
    """`{ $set: {...} }`: an object whose keys are MongoDB update operators."""
    obj = unwrap(node)
    if obj is None or obj.type != "object":
        return False
    keys = [pair.child_by_field_name("key") for pair in obj.named_children if pair.type == "pair"]
    return any(key is not None and (key.text or b"").lstrip(b"'\"").startswith(b"$") for key in keys)


def injects_query_operators(match: Match) -> Report | None:
    if match.ctx.contains(b"sanitizeFilter") or match.ctx.contains(b"mongo-sanitize"):
        return None
    if method_name(match) in LEGACY_UPDATE_METHODS and not _is_update_document(argument(match.target, 1)):
        return None
    if _is_service_call(match):
        return None
    filter_node = argument(match.target, 0)
    if filter_node is None:
        return None
    where = property_value(filter_node, "$where")
    if where is not None:
        return taint_verdict(match, where, "a `$where` JavaScript query", consequence="it runs as code in the database")
    for value in _filter_values(filter_node):
        if _coerced(match, value):
            continue
        verdict = taint_verdict(
            match,
            value,
            f"a MongoDB filter (`{method_name(match)}`)",
            report_unknown=False,
            consequence='an object such as `{"$ne": null}` in it matches any document',
        )
        if verdict is not None and (verdict.data or {}).get("source") in STRING_SOURCES:
            continue  # a path parameter is a string
        if verdict is not None and not from_browser(verdict):  # jQuery's `$el.find(location.hash)`
            return Report(confidence=Confidence.MEDIUM, message=verdict.message, data=verdict.data)
    return None


RULE = Rule(
    id="js-nosql-injection",
    title="Request data used as a MongoDB query",
    category=Category.INJECTION,
    cwe=(943,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset(f".{m}" for m in (*QUERY_METHODS, *LEGACY_UPDATE_METHODS)),
    where=injects_query_operators,
    aliases=("javascript.express.security.injection.tainted-sql-string", "javascript.mongodb.security.nosqli"),
    message="Request data in a MongoDB filter can carry query operators.",
    docs="""## Why is this bad?
`express.json()` turns `{"password": {"$gt": ""}}` into an object, and
`User.findOne({ user: req.body.user, password: req.body.password })` then matches any
password. Coerce each value (`String(req.body.user)`), validate the body with a schema
(zod, joi), or enable Mongoose's `sanitizeFilter` / `express-mongo-sanitize`. `$where` with
data runs JavaScript inside the database.

Reported at medium confidence: the value may already be a string because of how the route
parses its body.
""",
    references=(
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection",
        "https://mongoosejs.com/docs/api/mongoose.html#Mongoose.prototype.sanitizeFilter()",
    ),
    examples="""
// ok: js-nosql-injection
const open = $fieldset.find(location.hash).length > 0;
app.post("/login", async (req, res) => {
  // ruleid: js-nosql-injection
  const user = await User.findOne({ email: req.body.email, password: req.body.password });
  // ruleid: js-nosql-injection
  const items = await db.collection("items").find(req.query).toArray();
  // ruleid: js-nosql-injection
  await Item.find({ $where: "this.owner == '" + req.body.owner + "'" });
  // ok: js-nosql-injection
  const u2 = await User.findOne({ email: String(req.body.email) });
  // ok: js-nosql-injection
  const u3 = await User.findOne({ _id: id });
  // ruleid: js-nosql-injection
  await db.reviews.update({ _id: req.body.id }, { $set: { message: req.body.message } }, { multi: true });
  // ok: js-nosql-injection
  await user.update({ name: req.body.name, bio: req.body.bio });
  // ok: js-nosql-injection
  const post = await Post.findOne({ slug: req.params.slug });
  // ok: js-nosql-injection
  if (req.body.keys) await service.deleteMany(req.body.keys);
  // ok: js-nosql-injection
  await new UsersService({ schema: req.schema }).updateOne(req.params.pk, req.body);
});
""",
)
