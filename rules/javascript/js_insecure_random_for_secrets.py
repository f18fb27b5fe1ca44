"""`Math.random()` flowing into a token, id, password, key or cookie.

`Math.random()` is a fast, predictable generator: a few outputs reveal its state, so a reset
token or session id built from it can be guessed. Reported only where the value reaches a
secret: a secret-named variable, property or function result, or a cookie, directly or through
one local variable. Shuffles, jitter and UI ids are not reported.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._secret_words import is_secret_name
from ._taint import FUNCTION_TYPES, scope_of

# Expressions a random number passes through on its way to a value (`.toString(36).slice(2)`).
_CARRIERS = frozenset(
    {
        "member_expression",
        "call_expression",
        "arguments",
        "binary_expression",
        "template_substitution",
        "template_string",
        "parenthesized_expression",
        "array",
        "ternary_expression",
        "await_expression",
    }
)
_COOKIE_METHODS = (b"cookie", b"setCookie")
_CHAIN_METHODS = (b"toString", b"slice", b"substring", b"substr", b"padStart")


def _sets_cookie(prop: Node, callee: Node, arguments: Node) -> bool:
    """`res.cookie(...)`, `cookies.set(...)`, `setHeader("Set-Cookie", ...)`."""
    if prop.text in _COOKIE_METHODS:
        return True
    receiver = callee.child_by_field_name("object")
    if prop.text == b"set" and receiver is not None and (receiver.text or b"").lower().endswith(b"cookies"):
        return True
    first = arguments.named_children[0] if arguments.named_children else None
    return (
        prop.text == b"setHeader" and first is not None and (first.text or b"").lower().strip(b"'\"`") == b"set-cookie"
    )


def _destination(node: Node) -> tuple[Node, str] | None:
    """Where the expression holding `node` ends: (node naming it, the name), if named."""
    current = node
    while current.parent is not None and current.parent.type in _CARRIERS:
        parent = current.parent
        if parent.type == "arguments" and parent.parent is not None:
            callee = parent.parent.child_by_field_name("function")
            prop = (
                callee.child_by_field_name("property")
                if callee is not None and callee.type == "member_expression"
                else None
            )
            if prop is not None and callee is not None and _sets_cookie(prop, callee, parent):
                return prop, "cookie"
        current = parent
    holder = current.parent
    if holder is None:
        return None
    return _named_holder(holder)


def _named_holder(parent: Node) -> tuple[Node, str] | None:
    """The name an expression is stored under: a variable, a property, a function's result."""
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return (name, (name.text or b"").decode()) if name is not None else None
    if parent.type in ("assignment_expression", "pair"):
        target = parent.child_by_field_name("left") or parent.child_by_field_name("key")
        return (target, (target.text or b"").decode().rsplit(".", 1)[-1].strip("'\"")) if target is not None else None
    if parent.type == "return_statement":
        function = scope_of(parent)
        name = function.child_by_field_name("name")
        if name is None and function.parent is not None and function.parent.type == "variable_declarator":
            name = function.parent.child_by_field_name("name")
        return (name, (name.text or b"").decode()) if name is not None else None
    return None


def _later_uses(name_node: Node) -> list[Node]:
    """Identifiers with the same name after `name_node` in its scope."""
    scope = scope_of(name_node)
    found, stack = [], [scope]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and node.text == name_node.text and node.start_byte > name_node.end_byte:
            found.append(node)
        if node.type not in FUNCTION_TYPES or node is scope:
            stack.extend(node.named_children)
    return found


def reaches_secret(match: Match) -> Report | None:
    destination = _destination(match.target)
    if destination is None:
        return None
    node, name = destination
    if name == "cookie" or is_secret_name(name):
        return Report(
            message=f"`Math.random()` is predictable and makes {_what(name)}: use `crypto.randomBytes`/`crypto.randomUUID()`."
        )
    if node.type != "identifier":
        return None
    for use in _later_uses(node):  # one hop: `const r = Math.random(); const token = String(r)`
        onward = _destination(use)
        if onward is not None and (onward[1] == "cookie" or is_secret_name(onward[1])):
            return Report(
                message=f"`Math.random()` is predictable and makes {_what(onward[1])} through `{name}`: use `crypto.randomBytes`/`crypto.randomUUID()`."
            )
    return None


def _what(name: str) -> str:
    return "a cookie" if name == "cookie" else f"`{name}`"


def use_random_uuid(match: Match) -> Fix | None:
    """`Math.random().toString(36).slice(2)` -> `crypto.randomUUID()`."""
    node = match.target
    while node.parent is not None and node.parent.type == "member_expression":
        call = node.parent.parent
        prop = node.parent.child_by_field_name("property")
        if call is None or call.type != "call_expression" or prop is None or prop.text not in _CHAIN_METHODS:
            break
        node = call
    if node is match.target:
        return None  # a bare number used in arithmetic: no drop-in replacement
    return Fix(
        title="Use `crypto.randomUUID()` (cryptographically secure)",
        edits=(Edit(node.start_byte, node.end_byte, "crypto.randomUUID()"),),
        safe=False,
    )


RULE = Rule(
    id="js-insecure-random-for-secrets",
    title="Math.random() used for a secret",
    category=Category.CRYPTO,
    cwe=(330, 338),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({"Math.random"}),
    where=reaches_secret,
    fix=use_random_uuid,
    fixable=True,
    aliases=("sonarjs/pseudo-random", "node_insecure_random_generator"),
    message="`Math.random()` is predictable: tokens and ids made from it can be guessed.",
    docs="""## Why is this bad?
`Math.random()` (xorshift128+ in V8) is not a cryptographic generator: observing a few outputs
recovers its state and every later "random" token. Session ids, reset tokens, API keys,
passwords and invite codes need `crypto.randomBytes(32).toString("hex")`,
`crypto.randomUUID()` or `crypto.getRandomValues()` in the browser.

## Fix safety
`Math.random().toString(36).slice(2)`-style chains become `crypto.randomUUID()`. It is unsafe:
the format changes (36 characters with dashes), and in Node before 19 `crypto` must be
imported (`import crypto from "node:crypto"`).
""",
    references=(
        "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Math/random",
        "https://nodejs.org/api/crypto.html#cryptorandomuuidoptions",
    ),
    examples="""
// ruleid: js-insecure-random-for-secrets
const resetToken = Math.random().toString(36).slice(2);
function generateApiKey() {
  // ruleid: js-insecure-random-for-secrets
  return "sk_" + Math.random().toString(36).substring(2);
}
app.post("/login", (req, res) => {
  // ruleid: js-insecure-random-for-secrets
  const id = Math.random().toString(36);
  // ruleid: js-insecure-random-for-secrets
  res.cookie("sid", Math.random().toString(36), { httpOnly: true });
  req.session.sessionId = id;
});
// ok: js-insecure-random-for-secrets
const jitter = Math.random() * 100;
// ok: js-insecure-random-for-secrets
const index = Math.floor(Math.random() * items.length);
// ok: js-insecure-random-for-secrets
const token = crypto.randomUUID();
""",
)
