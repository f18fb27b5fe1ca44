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

from ..patterns import WORD_SPLIT_REASON, backtracking
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
            if callee == "range":
                break  # a length or a count, not the value itself
            names.append(callee)
        elif parent.type.endswith(("_statement", "_definition")):
            break
        node = parent
    return names
