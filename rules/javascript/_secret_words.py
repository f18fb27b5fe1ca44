"""Whether a JavaScript name or value is about a password, token, key or signature.

The crypto rules judge MD5/SHA-1 and `Math.random()` by what they protect: a cache key or an
element id is fine, a password hash or a session token is not. Names are split on camelCase,
`_` and `-` so `resetToken`, `api_key` and `sessionId` all read as secrets, `tokenizer`,
`randomKey` and `keyCode` not.
"""

from __future__ import annotations

from ..patterns import WORD_SPLIT_REASON, backtracking

SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "signature",
        "hmac",
        "nonce",
        "otp",
        "salt",
        "session",
        "sessionid",
        "sid",
        "csrf",
        "xsrf",
        "credential",
        "credentials",
    }
)
# Words that are secrets only after a qualifier: `apiKey`, `resetCode`, but not `cacheKey`,
# `randomKey`, `keyCode`, `statusCode` (React keys, map keys and codes are everywhere).
QUALIFIED_WORDS = {
    "key": frozenset({"api", "secret", "private", "signing", "access", "encryption", "master", "session", "auth"}),
    "code": frozenset({"verification", "reset", "invite", "otp", "auth", "access", "recovery", "confirmation"}),
    "pin": frozenset({"user", "card", "login"}),
}
# Words that make a name ordinary whatever else it says (`cacheKey`, `statusCode`, `keyPath`).
ORDINARY_WORDS = frozenset(
    {"cache", "map", "row", "react", "status", "error", "country", "zip", "color", "lang", "char", "path"}
)
_PARTS = backtracking(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", why=WORD_SPLIT_REASON)


def words(name: str) -> list[str]:
    """`resetToken` -> ["reset", "token"]; `API_KEY` -> ["api", "key"]."""
    return [part.lower() for part in _PARTS.findall(name)]


def is_secret_name(name: str) -> bool:
    """True when a name is about a secret value (`sessionToken`, `password_hash`, `apiKey`)."""
    parts = words(name)
    if not parts or ORDINARY_WORDS & set(parts):
        return False
    if SECRET_WORDS & set(parts) or "".join(parts) in SECRET_WORDS:
        return True
    return any(
        word in QUALIFIED_WORDS and QUALIFIED_WORDS[word] & set(parts[:index]) for index, word in enumerate(parts)
    )
