"""Does an identifier or key name a credential? (`api_key`, `X-Api-Key`, `userPassword`: yes.)

Not a rule module. Names are split into words (snake_case, camelCase, kebab-case); a name is a
credential when a word or adjacent pair is a credential word, unless another word says the
name only describes one (`token_count`, `password_hash`, `max_tokens` in LLM code). `token`
alone is too common outside auth (LSP progress tokens, parser and lexer tokens): it names a
credential only after a qualifier (`access_token`, `idToken`, `CSRF_TOKEN`), or when the caller
knows the value came from a header, a cookie, the environment or a credentials object.
"""

from __future__ import annotations

import itertools

from ..patterns import WORD_SPLIT_REASON, backtracking

_SECRET_WORDS = {
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "authorization",
    "cookie",
    "cookies",
    "ssn",
    "cvv",
    "credentials",
    "creds",
    "jwt",
}
_SECRET_PAIRS = {
    ("api", "key"),
    ("credit", "card"),
    ("card", "number"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
    ("auth", "header"),
    ("session", "key"),
    ("client", "secret"),
}
# Words that make a name describe a secret rather than hold it (`token_count`, `password_hash`).
_HARMLESS_WORDS = {
    "len",
    "length",
    "count",
    "hash",
    "hashed",
    "masked",
    "mask",
    "redacted",
    "type",
    "id",
    "name",
    "field",
    "url",
    "expiry",
    "expires",
    "expiration",
    "at",
    "is",
    "has",
    "valid",
    "required",
    "used",
    "total",
    "max",
    "min",
    "prompt",
    "completion",
    "num",
    "limit",
    "remaining",
    "input",
    "output",
    "usage",
    "policy",
    "hint",
    "prefix",
    "path",
    "file",
    "env",
    "header_name",
}
_TOKEN_QUALIFIERS = {"auth", "access", "api", "bearer", "refresh", "session", "csrf", "xsrf", "id", "oauth"}
_WORD = backtracking(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", why=WORD_SPLIT_REASON)


def is_secret_name(name: str, bare_token: bool = False) -> bool:
    """True when an identifier or key (`api_key`, `X-Api-Key`, `userPassword`) names a credential.

    `bare_token`: the value is known to come from a header, cookie, environment variable or
    credentials object, so `token` needs no qualifier.
    """
    words = [w.lower() for w in _WORD.findall(name)]
    pairs = list(itertools.pairwise(words))
    harmless = _HARMLESS_WORDS.intersection(words) - ({"id"} if ("id", "token") in pairs else set())
    if not words or harmless:
        return False
    if _SECRET_WORDS.intersection(words) - {"token"} or any(pair in _SECRET_PAIRS for pair in pairs):
        return True
    return "token" in words and (bare_token or any(a in _TOKEN_QUALIFIERS and b == "token" for a, b in pairs))
