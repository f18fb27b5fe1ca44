"""What a name says about the value bound to it: `signing`, `password`, `credential` or nothing.

Names are split into words (`openaiApiKey`, `DB_PASSWORD`, `client-secret`) and judged by their
head noun, the last word: `author` is not `auth`, `PASSWORD_FIELD` (a field name) is not a
password, and neither is `password_keyword` (a regex that finds password keywords).
"""

from __future__ import annotations

from ..bounded_cache import SECRETS_BUDGET, lru_cache_bytes
from ..patterns import WORD_SPLIT_REASON, backtracking, linear

# fmt: off
# Word lists stay one table per line: a column of 70 words is harder to review.
_WORD = backtracking(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", why=WORD_SPLIT_REASON)
_COUNTER = linear(r"[-_]\d+$")
# detect-secrets' keyword plugin DENYLIST, as words, plus the token/credential vocabulary.
_PASSWORD_WORDS = frozenset({"password", "passwd", "pwd", "pass", "passphrase", "contrasena", "passwort", "pw"})
_CREDENTIAL_WORDS = frozenset({"secret", "secrets", "token", "apikey", "credential", "credentials", "creds", "bearer", "authorization", "auth"})
_KEY_QUALIFIERS = frozenset({"api", "access", "private", "secret", "auth", "client", "service", "account", "master", "encryption", "db", "database", "priv", "signing", "license", "app"})
# A name ending in one of these describes a credential (its field, header, file) rather than holding it.
_DESCRIPTIVE = frozenset({
    "field", "fields", "header", "headers", "name", "names", "url", "uri", "path", "file", "filename", "dir", "env",
    "var", "variable", "length", "len", "prefix", "suffix", "type", "label", "placeholder", "pattern", "regex",
    "format", "hint", "policy", "param", "column", "attr", "attribute", "endpoint", "method", "scheme", "mode",
    "count", "min", "max", "expiry", "expires", "ttl", "timeout", "hash", "hashed", "salt", "id", "key_id", "message",
    "msg", "error", "prompt", "text", "title", "description", "help", "query", "reset", "rounds", "algorithm",
    "alg", "location", "store", "provider", "backend", "class", "scope", "scopes", "input", "form", "cookie", "route",
    "keyword", "encoding", "end", "ref", "start", "re", "sep", "keys", "kind", "style", "charset", "chars",
    "characters", "alphabet",
})
# Trailing words that say how a credential is held, not what it is: `password_value`, `token_b64`.
_NEUTRAL = frozenset({"value", "val", "str", "string", "raw", "plain", "plaintext", "b64", "base64", "bytes"})
_SIGNING_NAMES = frozenset({
    "secret_key", "jwt_secret", "jwt_secret_key", "jwt_key", "jwt_signing_key", "signing_key", "session_secret",
    "secret_key_base", "token_secret", "cookie_secret", "app_secret_key", "flask_secret_key", "django_secret_key",
})
# fmt: on
# `'click .js-copy-token': '_onCopyClicked'`: a Backbone/jQuery event map binds a DOM event on a
# CSS selector to a handler; the selector's words (`token`) name an element, not a credential.
_EVENT_BINDING = linear(
    r"^(?:click|dblclick|contextmenu|submit|change|input|reset|select|focus|blur|focusin|focusout|key(?:up|down|press)"
    r"|mouse\w+|pointer\w+|touch\w+|drag\w*|drop|paste|copy|cut|scroll|wheel)(?:\.\w+)?\s+[.#\w\[]"
)


def words(name: str) -> tuple[str, ...]:
    """`openaiApiKey` -> (`openai`, `api`, `key`); `DB_PASSWORD` -> (`db`, `password`)."""
    return tuple(w.lower() for w in _WORD.findall(name))


def _head(name: str) -> tuple[str, ...]:
    """The words up to the head noun: neutral suffixes and a separated counter (`TOKEN_2`) dropped.

    A digit glued to a word (`auth0`) stays, so the product name is not read as `auth`."""
    parts = words(_COUNTER.sub("", name))
    while len(parts) > 1 and parts[-1] in _NEUTRAL:
        parts = parts[:-1]
    return parts


@lru_cache_bytes(SECRETS_BUDGET)
def name_class(name: str | None) -> str | None:
    """`signing`, `password`, `credential` or None for a name a literal is assigned to."""
    if not name or _EVENT_BINDING.match(name):
        return None
    parts = _head(name)
    # The head noun (last word) decides: `password_keyword`, `_token_end` and `basic_auth_encoding`
    # describe something else, and `key_or_pass` names a choice, not a value.
    if not parts or parts[-1] in _DESCRIPTIVE or "field" in parts or "header" in parts or "or" in parts:
        return None
    joined = "_".join(parts)
    if joined in _SIGNING_NAMES or "_".join(parts[-2:]) in ("jwt_secret", "signing_key") or "secret_key_" in joined:
        return "signing"
    if parts[-1] in _PASSWORD_WORDS:
        return "password"
    if parts[-1] in _CREDENTIAL_WORDS or parts[-1] == "key" and any(p in _KEY_QUALIFIERS for p in parts[:-1]):
        return "credential"
    return None
