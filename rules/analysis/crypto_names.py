"""Names the weak-crypto rules judge by: password and secret words, and where a value flows.

Two rules decide from names alone whether a value is security-sensitive (`weak-hash-md5-sha1`
asks "is this a password?", `insecure-random-for-secrets` asks "is this a token?"). Keeping the
word lists and the "which names does this value reach" walk here means both rules agree. Names
are compared word by word (`reset_token`, `resetToken`, `RESET-TOKEN` -> reset, token), never
by substring, so `keyboard` is not a `key` and `spinner` is not a `pin`. No verdicts live here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tree_sitter import Node

from ..patterns import WORD_SPLIT_REASON, backtracking, linear
from .nodes import enclosing_function

if TYPE_CHECKING:
    from ..context import FileContext

# Words that mark a password-like input: hashing it needs a slow, salted KDF.
PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "secret", "pw"})

# Words that mark a value an attacker must not be able to guess, whatever produced it.
SECRET_WORDS = frozenset(
    {
        "token",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "otp",
        "totp",
        "hotp",
        "salt",
        "secret",
        "nonce",
        "csrf",
        "xsrf",
        "apikey",
        "sessionid",
        "sid",
        "jti",
        "mfa",
        "2fa",
        "verification",
    }
)

# Words that mark a secret only when the value is built from digits or characters:
# `code = random.randint(100000, 999999)` is a one-time code, `key = random.choice(keys)` is not.
AMBIGUOUS_SECRET_WORDS = frozenset({"key", "code", "pin", "reset", "session", "invite", "activation", "auth"})

# Where a value stops flowing into a name: it became a bool, a length, or a statement.
BOUNDARIES = frozenset({"comparison_operator", "not_operator", "boolean_operator", "block", "module", "lambda"})
# Parent type -> the field that names where the value goes, and whether the flow ends there.
NAMING_FIELDS = {
    "assignment": ("left", True),
    "augmented_assignment": ("left", True),
    "keyword_argument": ("name", False),
    "pair": ("key", False),
}
_WORD = backtracking(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+[a-z]*", why=WORD_SPLIT_REASON)


def name_words(name: str) -> set[str]:
    """The lower-case words of an identifier: `resetToken`, `RESET_TOKEN` -> {reset, token}."""
    words = {word.lower() for word in _WORD.findall(name)}
    # `api_key` and `session_id` read as one secret word each.
    if {"api", "key"} <= words:
        words.add("apikey")
    if {"session", "id"} <= words:
        words.add("sessionid")
    return words


def is_password_name(name: str) -> bool:
    """True when an identifier names a password or similar secret (`user_password`, `pwd`)."""
    return bool(name_words(name) & PASSWORD_WORDS)


def destination_names(ctx: FileContext, value: Node) -> list[str]:
    """The names a value flows into before its expression ends, innermost first.

    `token = "".join(random.choice(cs) for _ in r)` -> [`"".join`, `token`]; a `return` gives
    the function's name, a keyword argument or dict key its name; `range(...)`, comparisons and
    statements end the flow (the value became a count, a bool, or was dropped).
    """
    names: list[str] = []
    node = value
    while (parent := node.parent) is not None and parent.type not in BOUNDARIES:
        if parent.type in NAMING_FIELDS:
            field, final = NAMING_FIELDS[parent.type]
            names.append(ctx.text(parent.child_by_field_name(field)))
            if final:
                break
        elif parent.type == "return_statement":
            function = enclosing_function(parent)
            names.append(ctx.text(function.child_by_field_name("name")) if function else "")
            break
        elif parent.type == "call" and node.type in ("argument_list", "generator_expression"):
            callee = ctx.text(parent.child_by_field_name("function"))
            if callee == "range" or _otp_counter(ctx, parent.child_by_field_name("function")):
                break  # a length or a count, not the value itself
            names.append(callee)
        elif parent.type.endswith(("_statement", "_definition")):
            break
        node = parent
    return names


# Where a value becomes a credential by use rather than by name: a cookie value, an entry of
# the session, a response header (`session[cookie] = value`, `resp.set_cookie("id", value)`).
SECRET_CONTAINERS = frozenset({"session", "cookies", "headers", "mysession"})
COOKIE_SETTERS = frozenset({"set_cookie", "set_signed_cookie"})
_MAX_HOPS = 3
# Calls that turn a value into a count or a pause: what they return is no longer the value.
_CONSUMERS = frozenset({"range", "len", "sleep", "time.sleep", "asyncio.sleep", "bool"})


# A keyed one-time-password generator's counter: `pyotp.HOTP(secret).at(count)` is as strong as
# `secret`, whatever `count` is (zou's e-mail OTP draws its counter with `random.randint`).
_OTP_COUNTER_METHODS = frozenset({"at", "generate_otp"})
_OTP_GENERATOR = linear(r"(?i)[ht]otp")


def _consumed(ctx: FileContext, parent: Node) -> bool:
    call = parent.parent if parent.type == "argument_list" else None
    if call is None:
        return False
    callee = call.child_by_field_name("function")
    return ctx.text(callee) in _CONSUMERS or _otp_counter(ctx, callee)
    # `a = random...; b = str(a); session[k] = b` is followed through _MAX_HOPS names


def _otp_counter(ctx: FileContext, callee: Node | None) -> bool:
    """True for `HOTP(key).at(...)`, `hotp.at(...)`: the argument is a counter, the key is the secret."""
    if callee is None or callee.type != "attribute":
        return False
    method, receiver = callee.child_by_field_name("attribute"), callee.child_by_field_name("object")
    return ctx.text(method) in _OTP_COUNTER_METHODS and bool(_OTP_GENERATOR.search(ctx.text(receiver)))


def secret_sink(ctx: FileContext, value: Node) -> str | None:
    """The cookie, session entry, header or secret-named keyword the expression `value` fills."""
    node = value
    while (parent := node.parent) is not None and parent.type not in BOUNDARIES:
        if parent.type == "assignment":
            left = parent.child_by_field_name("left")
            if node != parent.child_by_field_name("right") or left is None or left.type != "subscript":
                return None
            container = ctx.text(left.child_by_field_name("value"))
            return f"`{container}[...]`" if container.rsplit(".", 1)[-1] in SECRET_CONTAINERS else None
        if parent.type == "keyword_argument":
            name = ctx.text(parent.child_by_field_name("name"))
            if name_words(name) & SECRET_WORDS:
                return f"`{name}=`"
        if parent.type == "argument_list" and parent.parent is not None and _sets_cookie(ctx, parent, node):
            return "a cookie"
        if parent.type.endswith(("_statement", "_definition")) or _consumed(ctx, parent):
            return None
        node = parent
    return None


def _sets_cookie(ctx: FileContext, args: Node, item: Node) -> bool:
    callee = args.parent.child_by_field_name("function") if args.parent is not None else None
    method = (
        ctx.text(callee.child_by_field_name("attribute")) if callee is not None and callee.type == "attribute" else ""
    )
    if method not in COOKIE_SETTERS:
        return False
    if item.type == "keyword_argument":
        return ctx.text(item.child_by_field_name("name")) == "value"
    positional = [c for c in args.named_children if c.type not in ("keyword_argument", "comment")]
    return len(positional) > 1 and positional[1] == item


def flows_to_secret_sink(ctx: FileContext, value: Node) -> str | None:
    """Follow `value` through local assignments (a few hops) to a cookie, session entry or secret name."""
    pending, seen = [value], set()
    for _ in range(_MAX_HOPS + 1):
        following = []
        for node in pending:
            sink = secret_sink(ctx, node)
            if sink is not None:
                return sink
            name = _assigned_name(ctx, node)
            if name is None or name in seen:
                continue
            if name_words(name) & SECRET_WORDS:
                return f"`{name}`"
            seen.add(name)
            following.extend(_later_uses(ctx, node, name))
        pending = following
    return None


def _assigned_name(ctx: FileContext, node: Node) -> str | None:
    """`name` when the expression is (part of) the right side of `name = ...`."""
    while (parent := node.parent) is not None and parent.type not in BOUNDARIES:
        if parent.type == "assignment":
            left = parent.child_by_field_name("left")
            right = parent.child_by_field_name("right")
            return ctx.text(left) if node == right and left is not None and left.type == "identifier" else None
        if parent.type.endswith(("_statement", "_definition")) or _consumed(ctx, parent):
            return None
        node = parent
    return None


def _later_uses(ctx: FileContext, node: Node, name: str) -> list[Node]:
    scope = enclosing_function(node)
    if scope is None:  # module level: the module is the scope
        scope = node
        while scope.parent is not None:
            scope = scope.parent
    uses, stack = [], [scope]
    encoded = name.encode()
    while stack:
        current = stack.pop()
        if current.end_byte <= node.end_byte:
            continue
        if current.type == "identifier" and current.text == encoded and current.start_byte > node.end_byte:
            uses.append(current)
        stack.extend(current.named_children)
    return uses
