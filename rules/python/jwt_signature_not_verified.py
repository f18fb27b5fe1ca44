"""JSON Web Tokens decoded without checking the signature, or issued unsigned.

Owns PyJWT and python-jose `jwt.decode` called with `options={"verify_signature": False}`,
the old `verify=False`, an `algorithms` list allowing `"none"`, or no `algorithms` at all (the
token's own header then picks the algorithm), and `jwt.encode(..., algorithm="none")`. An
unverified decode that only peeks at a claim (`iss`, `kid`) before the same function decodes the
same token again with a key and pinned algorithms is the documented way to pick a key.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, enclosing_function, has_splat, is_false, keyword_arg, string_value
from ..context import FileContext, Match
from ..model import Category, Confidence, Report, Rule, Severity

DECODERS = frozenset({"jwt.decode", "jwt.decode_complete", "jwt.api_jwt.decode", "jose.jwt.decode"})
ENCODERS = frozenset({"jwt.encode", "jose.jwt.encode"})
UNVERIFIED = "The JWT is decoded without verifying its signature, so anyone can forge its claims."
NONE_ALGORITHM = "Allowing the `none` algorithm accepts unsigned tokens, so anyone can forge their claims."
NO_ALGORITHMS = "Without `algorithms=` the token's header picks the algorithm (alg confusion); pin the expected one."
UNSIGNED = '`algorithm="none"` issues unsigned tokens that anyone can forge.'


def disables_signature(options: Node | None) -> bool:
    """True for an options dict literal holding `"verify_signature": False`."""
    if options is None or options.type != "dictionary":
        return False
    pairs = [p for p in options.named_children if p.type == "pair"]
    return any(
        string_value(p.child_by_field_name("key")) == "verify_signature" and is_false(p.child_by_field_name("value"))
        for p in pairs
    )


def allows_none(algorithms: Node | None) -> bool:
    """True for `"none"` or a list/tuple/set literal that contains it."""
    if algorithms is None:
        return False
    values = algorithms.named_children if algorithms.type in ("list", "tuple", "set") else [algorithms]
    return any((string_value(v) or "").lower() == "none" for v in values)


def skips_verification(args: Node) -> bool:
    """True for `options={"verify_signature": False}` or the old `verify=False`."""
    return disables_signature(argument(args, 3, "options")) or is_false(keyword_arg(args, "verify"))


def verifies(args: Node) -> bool:
    """True for a decode with a key and a pinned algorithm list that excludes `none`."""
    algorithms = argument(args, 2, "algorithms")
    key = argument(args, 1, "key")
    return not skips_verification(args) and key is not None and algorithms is not None and not allows_none(algorithms)


def verified_later(ctx: FileContext, args: Node) -> bool:
    """True when the enclosing function decodes the same token variable again, verified, after this call."""
    token, function = argument(args, 0, "jwt"), enclosing_function(args)
    if token is None or token.type != "identifier" or function is None:
        return False
    stack = [function]
    while stack:
        node = stack.pop()
        later = node.child_by_field_name("arguments") if node.type == "call" else None
        if later is not None and node.start_byte > args.end_byte:
            first = argument(later, 0, "jwt")
            same = first is not None and ctx.text(first) == ctx.text(token)
            if same and ctx.qualified_name(node.child_by_field_name("function")) in DECODERS and verifies(later):
                return True
        stack.extend(node.named_children)
    return False


def unverified(match: Match) -> Report | None:
    args = match.node("args")
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in ENCODERS:
        return Report(message=UNSIGNED) if allows_none(argument(args, 2, "algorithm")) else None
    if args is not None and skips_verification(args):
        return None if verified_later(match.ctx, args) else Report(message=UNVERIFIED)
    algorithms = argument(args, 2, "algorithms")
    if allows_none(algorithms):
        return Report(message=NONE_ALGORITHM)
    if algorithms is None and not has_splat(args):
        return Report(message=NO_ALGORITHMS, severity=Severity.MEDIUM, confidence=Confidence.MEDIUM)
    return None


RULE = Rule(
    id="jwt-signature-not-verified",
    title="JWT signature not verified",
    category=Category.CRYPTO,
    cwe=(347,),
    owasp=("A02:2021", "A07:2021"),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=DECODERS | ENCODERS,
    where=unverified,
    message=UNVERIFIED,
    docs="""## Why is this bad?
A JWT is only as trustworthy as its signature check. Decoding with `verify_signature` off,
accepting `alg: none`, or letting the token's header choose the algorithm (an RS256 public key
then works as an HS256 secret) lets an attacker write any `sub`, `role` or `exp` they like and
be believed.

## How to fix
Verify with the expected key and pin the algorithm:
`jwt.decode(token, key, algorithms=["HS256"])` (or `["RS256"]` with the public key). To read
the header before verifying (e.g. to pick a key by `kid`), use `jwt.get_unverified_header`
and still verify afterwards. Never issue tokens with `algorithm="none"`.
""",
    references=(
        "https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode",
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/347.html",
    ),
    examples="""
import jwt
import jwt as pyjwt
from jwt import decode as jwt_decode
from jose import jwt as jose_jwt
claims = jwt.decode(token, options={"verify_signature": False})  # ruleid: jwt-signature-not-verified
# ruleid: jwt-signature-not-verified
claims = pyjwt.decode(token, key, algorithms=["HS256"], options={"verify_signature": False, "verify_exp": False})
claims = jwt_decode(token, key, verify=False)  # ruleid: jwt-signature-not-verified
claims = jwt.decode(token, key, algorithms=["HS256", "none"])  # ruleid: jwt-signature-not-verified
claims = jwt.decode(token, public_key)  # ruleid: jwt-signature-not-verified
# ruleid: jwt-signature-not-verified
claims = jose_jwt.decode(token, key, options={"verify_signature": False})
token = jwt.encode({"sub": user_id}, None, algorithm="none")  # ruleid: jwt-signature-not-verified
claims = jwt.decode(token, key, algorithms=["HS256"])  # ok: jwt-signature-not-verified
def authenticate(token):
    unverified = jwt.decode(token, options={"verify_signature": False})  # ok: jwt-signature-not-verified
    key = keys_for(unverified["iss"])
    return jwt.decode(token, key, algorithms=["RS256"], audience="api")
def peek_only(token, other):
    unverified = jwt.decode(token, options={"verify_signature": False})  # ruleid: jwt-signature-not-verified
    jwt.decode(other, key, algorithms=["RS256"])
    return unverified
# ok: jwt-signature-not-verified
claims = jose_jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})
header = jwt.get_unverified_header(token)  # ok: jwt-signature-not-verified
token = jwt.encode({"sub": user_id}, key, algorithm="HS256")  # ok: jwt-signature-not-verified
claims = jwt.decode(token, **settings.jwt)  # ok: jwt-signature-not-verified
# todoruleid: jwt-signature-not-verified (options built in a variable are not followed)
claims = jwt.decode(token, key, algorithms=["HS256"], options=UNVERIFIED_OPTIONS)
# todook: jwt-signature-not-verified (reading claims a gateway already verified looks the same)
tenant = jwt.decode(gateway_verified_token, options={"verify_signature": False})["tenant"]
""",
)
