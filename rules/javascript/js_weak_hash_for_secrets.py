"""MD5 or SHA-1 over passwords, tokens or signatures: `crypto.createHash("md5"|"sha1")`, the `md5`/`sha1` packages.

Both are broken for collisions and far too fast for passwords (billions of guesses a second on
one GPU). Only hashes of secret-named data, assigned to secret-named variables or appended to a literal
that names them (`"&token=" + md5(login)`), are
reported: an ETag, a cache key or a Gravatar URL is no security use, and HTTP Digest
authentication (`username:realm:password`, RFC 7616) uses MD5 because the protocol says so. Passwords want scrypt,
argon2 or bcrypt; signatures an HMAC-SHA-256 or a real signature scheme.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._nodes import argument, string_value
from ._secret_words import is_secret_name

WEAK = frozenset({"md5", "sha1", "sha-1", "md4", "rsa-md5"})
# `md5(username:realm:password)`, `md5(ha1:nonce:...)`: HTTP Digest's HA1 and response.
_DIGEST_AUTH_WORDS = linear(r"\b(?:realm|c?nonce)\b")


def _chain_inputs(call: Node) -> list[Node]:
    """The arguments of `.update(...)` calls chained on `createHash(...)`."""
    found: list[Node] = []
    node = call
    while node.parent is not None and node.parent.type == "member_expression":
        method = node.parent.child_by_field_name("property")
        outer = node.parent.parent
        if outer is None or outer.type != "call_expression":
            break
        if method is not None and method.text == b"update":
            first = argument(outer, 0)
            if first is not None:
                found.append(first)
        node = outer
    return found


def _outermost_call(call: Node) -> Node:
    """`crypto.createHash("md5").update(x).digest("hex")` for its inner `createHash` call."""
    node = call
    while node.parent is not None and node.parent.type == "member_expression" and node.parent.parent is not None:
        if node.parent.parent.type != "call_expression":
            break
        node = node.parent.parent
    return node


def _assigned_name(call: Node) -> str:
    node = call
    while node.parent is not None and node.parent.type in (
        "member_expression",
        "call_expression",
        "arguments",
        "await_expression",
    ):
        node = node.parent
    parent = node.parent
    if parent is not None and parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return (name.text or b"").decode() if name is not None else ""
    if parent is not None and parent.type in ("assignment_expression", "pair"):
        target = parent.child_by_field_name("left") or parent.child_by_field_name("key")
        return (target.text or b"").decode().rsplit(".", 1)[-1] if target is not None else ""
    if parent is not None and parent.type == "return_statement":
        function = parent.parent
        while function is not None and function.child_by_field_name("name") is None and function.parent is not None:
            function = function.parent
        name = function.child_by_field_name("name") if function is not None else None
        return (name.text or b"").decode() if name is not None else ""
    return ""


# The `md5` and `sha1` npm packages: `md5(text)` returns the hex digest.
HASH_PACKAGES = frozenset({"md5", "sha1"})
# Only the packages count: a protocol's own `md5()` helper (NTLM, RDP) is what the protocol requires.
_HASH_PACKAGE_IMPORT = linear(r"""(?:require\(\s*|from\s+)['"](?:md5|sha1)['"]""")
# `"...&token=" + md5(login)`: the literal before the hash names what it is.
_NAMED_BY_PREFIX = linear(r"(?i)(?:token|secret|password|passwd|signature|sig|key)[\w-]*[=:]\s*$")


def _named_by_prefix(call: Node) -> str:
    """`token` when the hash is concatenated right after a literal ending in `token=`."""
    parent = call.parent
    if parent is None or parent.type != "binary_expression" or parent.child_by_field_name("right") != call:
        return ""
    left = parent.child_by_field_name("left")
    while left is not None and left.type == "binary_expression":
        left = left.child_by_field_name("right")
    found = _NAMED_BY_PREFIX.search(string_value(left) or "") if left is not None else None
    return found.group(0).rstrip("=: ") if found else ""


def hashes_secret(match: Match) -> Report | None:
    package = match.ctx.qualified_name(match.node("fn")) or ""
    if package in HASH_PACKAGES and _HASH_PACKAGE_IMPORT.search(match.ctx.source):
        algorithm, chained = package, [match.ctx.text(argument(match.target, 0))]
    else:
        algorithm = (string_value(argument(match.target, 0)) or "").lower()
        chained = [match.ctx.text(n) for n in _chain_inputs(match.target)]
    if algorithm not in WEAK:
        return None
    if any(_DIGEST_AUTH_WORDS.search(text) for text in chained):
        return None  # HTTP Digest authentication (RFC 7616): the protocol names the hash
    inputs = [text.rsplit(".", 1)[-1] for text in chained]
    names = [name for name in [*inputs, _assigned_name(match.target)] if name and is_secret_name(name.strip("()"))]
    names += [name for name in [_named_by_prefix(_outermost_call(match.target))] if name]
    if not names:
        return None
    return Report(
        message=f"{algorithm.upper()} protects `{names[0]}`: it is too fast and broken for secrets; use scrypt/argon2 for passwords, HMAC-SHA-256 for signatures."
    )


RULE = Rule(
    id="js-weak-hash-for-secrets",
    title="MD5/SHA-1 used for passwords or signatures (JavaScript)",
    category=Category.CRYPTO,
    cwe=(328, 916),
    owasp=("A02:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({"crypto.createHash"}) | HASH_PACKAGES,
    where=hashes_secret,
    aliases=("javascript.lang.security.audit.md5-used-as-password.md5-used-as-password", "sonarjs/hashing"),
    message="MD5/SHA-1 is too fast and broken for passwords and signatures.",
    docs="""## Why is this bad?
`crypto.createHash("md5").update(password)` stores a hash that a GPU reverses at billions of
guesses a second; MD5 and SHA-1 collisions are practical, so signatures built on them can be
forged. Hash passwords with `crypto.scrypt` (or argon2/bcrypt) and a per-user salt; sign with
`crypto.createHmac("sha256", key)`. MD5 for cache keys and ETags is fine and is not reported.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
        "https://nodejs.org/api/crypto.html#cryptoscryptpassword-salt-keylen-options-callback",
    ),
    examples="""
const crypto = require("crypto");
// ruleid: js-weak-hash-for-secrets
const hash = crypto.createHash("md5").update(password).digest("hex");
// ruleid: js-weak-hash-for-secrets
const passwordHash = crypto.createHash("sha1").update(input).digest("hex");
function signatureFor(body) {
  // ruleid: js-weak-hash-for-secrets
  return crypto.createHash("sha1").update(body).digest("hex");
}
const md5 = require("md5");
app.post("/forgot", (req, res) => {
  // ruleid: js-weak-hash-for-secrets
  res.send("Reset link: /resetpw?login=" + req.body.login + "&token=" + md5(req.body.login));
  // ok: js-weak-hash-for-secrets
  res.send("Avatar: https://www.gravatar.com/avatar/" + md5(req.body.email));
});
// ruleid: js-weak-hash-for-secrets
const resetToken = md5(user.email + Date.now());
// ok: js-weak-hash-for-secrets
const etag = crypto.createHash("md5").update(body).digest("hex");
// ok: js-weak-hash-for-secrets
const digest = crypto.createHash("sha256").update(password).digest("hex");
// ok: js-weak-hash-for-secrets
const ha1 = crypto.createHash("md5").update(username + ":" + realm + ":" + password).digest("hex");
// ok: js-weak-hash-for-secrets
const cacheKey = crypto.createHash("md5").update(url).digest("hex");
""",
)
