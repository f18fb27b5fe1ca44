"""Whether a JavaScript name or value is about a password, token, key or signature.

The crypto rules judge MD5/SHA-1 and `Math.random()` by what they protect: a cache key or an
element id is fine, a password hash or a session token is not. Names are split on camelCase,
`_` and `-` so `resetToken`, `api_key` and `sessionId` all read as secrets, `tokenizer` not.
"""

from __future__ import annotations

import re

SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "secret",
        "token",
        "apikey",
        "key",
        "signature",
        "sig",
        "hmac",
        "nonce",
        "otp",
        "salt",
        "session",
        "sessionid",
        "sid",
        "csrf",
        "xsrf",
        "auth",
        "credential",
        "credentials",
        "cookie",
        "code",
        "pin",
        "reset",
        "verification",
        "invite",
    }
)
# Words that make a "key"/"code"-ish name ordinary (`cacheKey`, `keyCode`, `statusCode`).
ORDINARY_WORDS = frozenset({"cache", "map", "row", "react", "status", "error", "country", "zip", "color", "lang", "char"})
_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def words(name: str) -> list[str]:
    """`resetToken` -> ["reset", "token"]; `API_KEY` -> ["api", "key"]."""
    return [part.lower() for part in _PARTS.findall(name)]


def is_secret_name(name: str) -> bool:
    """True when a name is about a secret value (`sessionToken`, `password_hash`, `apiKey`)."""
    parts = words(name)
    if not parts or ORDINARY_WORDS & set(parts):
        return False
    joined = "".join(parts)
    return bool(SECRET_WORDS & set(parts)) or joined in SECRET_WORDS
