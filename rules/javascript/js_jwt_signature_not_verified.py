"""JWTs accepted without a signature check: `algorithms` allowing `none`, or `jwt.decode` used as verification.

`jsonwebtoken`'s `jwt.decode(token)` only base64-decodes: anyone can write the payload. Using its
result in a function that never calls `jwt.verify` trusts the client's claims.
`jwt.verify(token, key, { algorithms: ["none"] })` accepts unsigned tokens. Decoding only to read
a token's routing metadata (`header`/`kid` to pick a key, `iss`, `exp`) trusts no claim.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._nodes import argument, property_value, string_value, unwrap
from ._taint import scope_of

JWT_MODULES = ("jsonwebtoken", "jose", "jwt-simple", "jws")


# Parts of a token read to route it (which issuer, which key, when it expires), not trusted claims.
METADATA = frozenset({"header", "kid", "alg", "iss", "exp", "iat", "nbf", "typ"})


def _reads_only_metadata(match: Match, scope: Node) -> bool:
    """The decoded token is only read for `header`/`iss`/`exp`..., or tested, never passed on whole."""
    parent = match.target.parent
    if parent is not None and parent.type == "member_expression":
        return match.ctx.text(parent.child_by_field_name("property")) in METADATA
    name = parent.child_by_field_name("name") if parent is not None and parent.type == "variable_declarator" else None
    if name is None:
        return False
    uses = [n for n in _identifiers(scope, name.text or b"") if n != name]
    return bool(uses) and all(_is_metadata_read(match, use) for use in uses)


def _identifiers(scope: Node, text: bytes) -> list[Node]:
    found, stack = [], [scope]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and node.text == text:
            found.append(node)
        stack.extend(node.named_children)
    return found


def _is_metadata_read(match: Match, use: Node) -> bool:
    """`decoded.exp`, `decoded.header.kid`, or a test such as `if (!decoded)` / `decoded && ...`."""
    parent = use.parent
    if parent is not None and parent.type == "member_expression" and parent.child_by_field_name("object") == use:
        return match.ctx.text(parent.child_by_field_name("property")) in METADATA
    return parent is not None and parent.type in _TEST_CONTEXTS


# Where a bare name is only tested: `!decoded`, `decoded && ...`, `typeof decoded`, `if (decoded)`.
_TEST_CONTEXTS = frozenset({"unary_expression", "binary_expression", "parenthesized_expression"})


def trusts_unverified_token(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if not name.startswith(JWT_MODULES):
        return None
    if name.endswith(".verify"):
        algorithms = unwrap(property_value(argument(match.target, 2), "algorithms"))
        items = algorithms.named_children if algorithms is not None and algorithms.type == "array" else []
        if any((string_value(item) or "").lower() == "none" for item in items):
            return Report(message="`algorithms` includes `none`: unsigned tokens are accepted as valid.")
        return None
    scope = scope_of(match.target)
    if name.endswith(".decode") and _reads_only_metadata(match, scope):
        return None  # `jwt.decode(t)?.iss`, `decoded.header.kid`: routing a token, not trusting its claims
    if name.endswith(".decode") and not match.ctx.contains(b".verify(", scope):
        return Report(
            message="`jwt.decode` does not check the signature, and this function never calls `jwt.verify`: the client can write any claims."
        )
    return None


RULE = Rule(
    id="js-jwt-signature-not-verified",
    title="JWT signature not verified (JavaScript)",
    category=Category.CRYPTO,
    cwe=(347,),
    owasp=("A02:2021", "A07:2021"),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({f"{module}.{fn}" for module in JWT_MODULES for fn in ("verify", "decode")}),
    where=trusts_unverified_token,
    aliases=(
        "javascript.jsonwebtoken.security.audit.jwt-decode-without-verify",
        "javascript.jsonwebtoken.security.jwt-none-alg",
    ),
    message="The token's signature is not checked: the client can forge its claims.",
    docs="""## Why is this bad?
A JWT is only as trustworthy as its signature check. `jwt.decode()` reads the payload without
checking anything, and an `algorithms` list containing `none` makes `jwt.verify` accept
tokens with no signature at all. Verify with `jwt.verify(token, key, { algorithms: ["HS256"] })`
(or your asymmetric algorithm) before reading any claim.
""",
    references=(
        "https://github.com/auth0/node-jsonwebtoken#jwtdecodetoken--options",
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
    ),
    examples="""
const jwt = require("jsonwebtoken");
function currentUser(req) {
  // ruleid: js-jwt-signature-not-verified
  const claims = jwt.decode(req.headers.authorization);
  return claims.sub;
}
function checked(token) {
  // ruleid: js-jwt-signature-not-verified
  return jwt.verify(token, key, { algorithms: ["HS256", "none"] });
}
function isOurToken(token) {
  // ok: js-jwt-signature-not-verified
  return jwt.decode(token, { json: true })?.iss === "our-app";
}
function expiresAt(token) {
  // ok: js-jwt-signature-not-verified
  const decoded = jwt.decode(token);
  return decoded && decoded.exp ? decoded.exp : null;
}
function keyIdOf(token) {
  // ok: js-jwt-signature-not-verified
  const decoded = jwt.decode(token, { complete: true });
  return decoded.header.kid;
}
function claimsOf(token) {
  // ruleid: js-jwt-signature-not-verified
  const decoded = jwt.decode(token);
  if (decoded.exp < Date.now() / 1000) return null;
  return decoded;
}
const jws = require("jws");
// ruleid: js-jwt-signature-not-verified
const payloadOf = (token) => jws.decode(token).payload;
function strict(token) {
  // ok: js-jwt-signature-not-verified
  const header = jwt.decode(token, { complete: true }).header;
  // ok: js-jwt-signature-not-verified
  return jwt.verify(token, keys[header.kid], { algorithms: ["RS256"] });
}
""",
)
