"""What a string is, judged from its text alone: provider key, private key, URL with a
password, placeholder, high-entropy token, or a reference to configuration.

The provider patterns and the entropy measures are detect-secrets' own plugins, instantiated
once here with their default settings and asked only `analyze_string` (never `analyze_line`,
which may verify a secret over the network, and never a whole-file scan). Every answer is cached
by the text, so re-checking a literal that did not change costs a dictionary look-up.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.plugins import base as ds_base
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.high_entropy_strings import Base64HighEntropyString, HexHighEntropyString
from detect_secrets.plugins.ip_public import IPPublicDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector

from ..bounded_cache import SECRETS_BUDGET, lru_cache_bytes
from ..patterns import linear, re2_source
from . import _guards

# Secret types of the plugins whose findings other rules own (or that are not secrets at all).
_NOT_PROVIDERS = frozenset(
    {BasicAuthDetector.secret_type, PrivateKeyDetector.secret_type, IPPublicDetector.secret_type}
)
# detect-secrets names the type; users read a kind ("OpenAI API key"): the ones that differ.
_KINDS = {
    "OpenAI Token": "OpenAI API key",
    "AWS Access Key": "AWS access key",
    "GitHub Token": "GitHub token",
    "Slack Token": "Slack token",
    "Stripe Access Key": "Stripe API key",
    "JSON Web Token": "JSON Web Token",
}
# Environment variable names for provider keys found where no variable names them.
PROVIDER_ENV = {
    "OpenAI Token": "OPENAI_API_KEY",
    "AWS Access Key": "AWS_ACCESS_KEY_ID",
    "GitHub Token": "GITHUB_TOKEN",
    "Slack Token": "SLACK_TOKEN",
    "Stripe Access Key": "STRIPE_API_KEY",
    "Anthropic API Key": "ANTHROPIC_API_KEY",
}
MIN_PROVIDER_LENGTH = 16  # shorter strings match no provider pattern: skip the regexes
_BASE64 = Base64HighEntropyString()
_HEX = HexHighEntropyString()
_ENTROPY_CHARSETS = tuple((plugin, frozenset(plugin.charset)) for plugin in (_HEX, _BASE64))
ENTROPY_TYPES = frozenset({None, str(_HEX.secret_type), str(_BASE64.secret_type)})
_URL_CREDENTIALS = linear(
    r"\b(?P<scheme>postgres(?:ql)?(?:\+\w+)?|mysql(?:\+\w+)?|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|https?|ftp|smtp|mssql|oracle)"
    r"://(?P<user>[^:/@\s'\"]+):(?P<password>[^@/\s'\"]+)@",
    re.IGNORECASE,
)
_KEY_HEADER = r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
# A header is not a key: a real block goes on (after optional `Version:` lines) with base64 data,
# and a PuTTY file has its `Private-Lines:`. Line breaks may be real or `\n` escapes.
_PRIVATE_KEY = linear(
    rf"{_KEY_HEADER}(?:\s|\\[rn])*(?:[A-Za-z-]+: [^\n\\]*(?:\s|\\[rn])+)*[A-Za-z0-9+/]{{12}}"
    r"|PuTTY-User-Key-File-\d+: .*?Private-Lines: *\d+",
    re.DOTALL,
)
# A line of a text format holding only the header: its body follows on the next lines.
_HEADER_LINE = linear(rf"^\s*{_KEY_HEADER}\s*$")
# Named providers detect-secrets does not know (it has only OpenAI's legacy `T3BlbkFJ` keys),
# searched before its plugins so that a `sk-proj-` key is not labelled "IBM Cloud IAM Key".
_NATIVE = (
    (linear(r"sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{20,}"), "Anthropic API key", "Anthropic API Key"),
    (linear(r"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}"), "OpenAI API key", "OpenAI Token"),
)
# Plugins whose pattern also matches identifiers (`APActivationPayload` is "Artifactory"): a
# match counts only with some digits in it, as every real key of theirs has.
_NEEDS_DIGITS = frozenset({"Artifactory Credentials"})
# Values that are code, not credentials: regex syntax, `#rgb`/`#rrggbb` colours, `****` masks,
# dotted names (`a.b.c`) and constant or class names (`DSA`, `ActivationPayload`).
_NOT_A_SECRET = linear(
    r"\(\?|\\[dDwWsSbB]|\[\^|\[[^\]\s]-[^\]\s]|\{\d+(?:,\d*)?\}|\*{3,}"
    r"|^#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"
    r"|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?::[A-Za-z_]\w*)?$|^(?:[A-Z][A-Z_]*|[A-Z][a-z]+(?:[A-Z][a-z]+)+)$"
    # `pkg.plugin:Plugin` (an entry point), `__CENSORED__` (a redaction marker), `{base}auth/` (a URL template)
    r"|^[A-Za-z_]\w*(?:\.\w+)*:[A-Za-z_]\w*$|^_+[A-Z][A-Z_]*$|\{[A-Za-z_][\w.]*\}[^{}]*/"
    # `'__r'`, `'.data-api'`: code markers; fetch's `credentials: 'same-origin'`; no letter or digit at all
    r"|^[._$][\w.-]{0,10}$|^(?:same-origin|include|omit|no-cors|cors)$|^[^A-Za-z0-9]*$"
)
_REFERENCE = linear(r"\$\{|\{\{|%\(|^\$[A-Za-z_]|^\{[\w.]*\}$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^env:|^vault:|^arn:")
_PLACEHOLDER_WORDS = frozenset(
    {
        "changeme",
        "change_me",
        "change-me",
        "changethis",
        "change_this",
        "replaceme",
        "replace_me",
        "replace-me",
        "placeholder",
        "dummy",
        "example",
        "sample",
        "test",
        "testing",
        "secret",
        "password",
        "pass",
        "passw0rd",
        "p@ssw0rd",
        "p@ssword",
        "password1",
        "password123",
        "passwd",
        "admin",
        "root",
        "guest",
        "default",
        "letmein",
        "qwerty",
        "todo",
        "tbd",
        "fixme",
        "none",
        "null",
        "xxx",
        "abc123",
        "secret123",
        "token",
        "mysecret",
        "mypassword",
        "supersecret",
        "topsecret",
        "s3cr3t",
        "foobar",
        "apikey",
        "api_key",
    }
)
_PLACEHOLDER = linear(
    r"^(?:your|my|insert|enter|put|add|replace)[-_ ]?.*(?:key|token|secret|password|pass|id|here)$"
    r"|[-_ ]here$|^<[^<>]+>$|\.\.\.|…|0123456|1234567|abcdefg|^sk-(?:proj-)?x+$"
    r"|abc123|(?:[a-z]{3}\d{3}){3}",  # `sk-proj-abc123def456ghi789…`: typed, not random
    re.IGNORECASE,
)
_PLACEHOLDER_RUN = 6  # `aaaaaa`, `xxxxxx`: a run this long is typed, not random
PROVIDER_PREFIXES = (
    "sk-",
    "sk_",
    "pk_",
    "rk_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "xox",
    "AKIA",
    "AIza",
    "glpat-",
    "hf_",
    "whsec_",
)


@dataclass(frozen=True)
class Provider:
    """A provider pattern that matched: the user-facing kind and detect-secrets' type name."""

    kind: str
    secret_type: str
    start: int  # character offsets of the match within the scanned text
    end: int


@functools.cache
def _provider_plugins() -> tuple[ds_base.RegexBasedDetector, ...]:
    """One instance of every detect-secrets regex plugin that finds provider credentials."""
    found: list[ds_base.RegexBasedDetector] = []
    # detect-secrets annotates the return with a TypeVar that only occurs there; name the real type.
    plugins: Mapping[str, type[ds_base.BasePlugin]] = get_mapping_from_secret_type_to_class()
    for secret_type, plugin_class in sorted(plugins.items()):
        if issubclass(plugin_class, ds_base.RegexBasedDetector) and secret_type not in _NOT_PROVIDERS:
            found.append(plugin_class())
    return tuple(found)


@functools.cache
def _provider_patterns() -> tuple[tuple[ds_base.RegexBasedDetector, tuple[Any, ...]], ...]:
    """Every provider plugin with its patterns in RE2 form (`linear_form`), searched in its place."""
    return tuple((plugin, tuple(linear_form(regex) for regex in plugin.denylist)) for plugin in _provider_plugins())


# detect-secrets' look-arounds, as the consuming forms RE2 can run: "after a non-word character
# or at the start" and "not followed by one of these characters".
_AFTER_NON_WORD = "(?:(?<=\\W)|(?<=^))"
_NOT_FOLLOWED = re.compile(r"\(\?!(\\w|\[[^\]]*\])\)")  # run on pattern sources only
_SPAN = "vetline_span"


@functools.cache
def linear_form(regex: re.Pattern[str]) -> Any:
    """`regex` (a detect-secrets pattern) compiled by RE2, matching the same strings.

    Its look-arounds become consuming groups (`(?<=\\W)` -> `(?:^|\\W)`, `(?!\\w)` -> `(?:\\W|$)`);
    group `vetline_span` holds the match without the consumed lead character.
    """
    lead, source = _consuming_form(regex)
    return linear(f"{lead}(?P<{_SPAN}>{source})", regex.flags & ~re.VERBOSE)


def _consuming_form(regex: re.Pattern[str]) -> tuple[str, str]:
    """The lead group and the body of `regex` with its look-arounds made consuming (`linear_form`)."""
    source = _NOT_FOLLOWED.sub(_negated_or_end, regex.pattern)
    lead = ""
    if source.startswith(_AFTER_NON_WORD):
        lead, source = "(?:^|\\W)", source[len(_AFTER_NON_WORD) :]
    return lead, source


@functools.cache
def _any_provider() -> Any:
    """One RE2 alternation of every provider pattern (each `linear_form` without its group name,
    its flags scoped to its branch): a text it does not match holds no provider key, so one
    linear search per literal replaces a search per pattern; the patterns one by one (in
    detect-secrets' order, which decides the kind) only run on a text it matches."""
    branches = []
    for regex in (regex for plugin in _provider_plugins() for regex in plugin.denylist):
        lead, source = _consuming_form(regex)
        branches.append(f"(?:{re2_source(f'{lead}(?:{source})', regex.flags & ~re.VERBOSE)})")
    return linear("|".join(branches))


def _negated_or_end(match: re.Match[str]) -> str:
    chars = match.group(1)
    negated = "\\W" if chars == "\\w" else f"[^{chars[1:-1]}]"
    return f"(?:{negated}|$)"


@functools.cache
def _provider_prefilter() -> tuple[_guards.Guard, ...]:
    """Every plugin's patterns, each guarded by the length and text its matches need (`_guards`),
    checked before the search. The RE2 forms are searched; the guards read the original source."""
    pairs = [(regex, linear_form(regex)) for plugin in _provider_plugins() for regex in plugin.denylist]
    return _guards.guards(pairs)


def _may_hold_provider(text: str) -> bool:
    return _any_provider().search(text) is not None


def may_hold_provider(text: str) -> bool:
    """False when `provider(text)` is certainly None: too short, or no provider pattern matches."""
    return len(text) >= MIN_PROVIDER_LENGTH and ("sk-" in text or _may_hold_provider(text))


def may_hold_provider_each(texts: Sequence[str]) -> list[bool]:
    """`may_hold_provider` of every text of a file, with one search along them all instead of
    one search per text (the search's setup costs more than a short literal's scan).

    The texts are joined by line breaks and searched with the alternation in multi-line mode
    (`_any_provider_by_line`). A match of a text alone is also a match of the same span in the
    joined text: its characters are the same, and at its ends a line break or the text's edge
    reads alike to `^`, `$` and `\\b`; multi-line mode only adds matches. So a text in which
    no search of the joined text starts holds no provider pattern. A text some search starts in
    is checked alone, and the next search starts at the text after it (the bytes before stay
    context): texts that may hold a key cost one more search each, the others none."""
    found = [len(text) >= MIN_PROVIDER_LENGTH and "sk-" in text for text in texts]
    searched = [i for i, text in enumerate(texts) if len(text) >= MIN_PROVIDER_LENGTH and not found[i]]
    pieces = [texts[i].encode("utf-8") for i in searched]
    starts = list(itertools.accumulate((len(piece) + 1 for piece in pieces[:-1]), initial=0))
    joined, regex, position = b"\n".join(pieces), _any_provider_by_line(), 0
    while searched:
        start = regex.match_start_from(joined, position)
        if start is None:
            break
        index = bisect.bisect_right(starts, start) - 1
        found[searched[index]] = _may_hold_provider(texts[searched[index]])
        if index + 1 == len(starts):
            break
        position = starts[index + 1]
    return found


@functools.cache
def _any_provider_by_line() -> Any:
    """`_any_provider` in multi-line mode (`^` and `$` also at line breaks), for `may_hold_provider_each`."""
    return linear(_any_provider().pattern, re.MULTILINE)


@lru_cache_bytes(SECRETS_BUDGET)
def provider(text: str) -> Provider | None:
    """The first provider credential in `text` (cached by text), or None."""
    if len(text) < MIN_PROVIDER_LENGTH:
        return None
    if "sk-" in text:
        for regex, kind, secret_type in _NATIVE:
            match = regex.search(text)
            if match is not None:
                return Provider(kind, secret_type, match.start(), match.end())
    if not _may_hold_provider(text):
        return None
    for plugin, regexes in _provider_patterns():
        spans = [m.span(_SPAN) for m in (regex.search(text) for regex in regexes) if m]
        if not spans:
            continue
        start, end = spans[0]
        if plugin.secret_type in _NEEDS_DIGITS and sum(c.isdigit() for c in text[start:end]) < 3:
            continue
        return Provider(_KINDS.get(plugin.secret_type, plugin.secret_type), plugin.secret_type, start, end)
    return None


@lru_cache_bytes(SECRETS_BUDGET)
def url_password(text: str) -> tuple[int, int, str] | None:
    """The span of the password in a `scheme://user:password@` URL and the scheme, or None."""
    match = _URL_CREDENTIALS.search(text) if "://" in text else None
    if match is None or _REFERENCE.search(match.group("password")) or "{" in match.group("password"):
        return None
    if match.group("password").startswith(("%", "<", "*")):
        return None
    return match.start("password"), match.end("password"), match.group("scheme").lower()


def private_key(text: str, line: bool = False) -> tuple[int, int] | None:
    """The span of a private-key block (header and the start of its body), or None.

    `line`: `text` is one line of a text format, where a header alone is enough (the body is on
    the lines after it)."""
    if "PRIVATE KEY" not in text and "PuTTY" not in text:
        return None
    match = _PRIVATE_KEY.search(text) or (_HEADER_LINE.match(text) if line else None)
    if match is None:
        return None
    start = text.index("-----BEGIN", match.start()) if "-----BEGIN" in match.group() else match.start()
    # The span is the header only, as detect-secrets hashes it: the body may be cut anywhere.
    end = text.index("-----", start + 10) + 5 if text.startswith("-----", start) else text.index(":", start)
    return start, end


@lru_cache_bytes(SECRETS_BUDGET)
def is_code_text(value: str) -> bool:
    """A regex, a `#rrggbb` colour, a `****` mask, a dotted or constant name: not a credential."""
    return bool(_NOT_A_SECRET.search(value))


def looks_credential(value: str) -> bool:
    """Long enough and mixed enough to be a key, not a word: `secret-api-key-123`, not `with`."""
    if len(value) < 8:
        return False
    classes = (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
    return classes >= 2 or entropy_type(value) is not None


@lru_cache_bytes(SECRETS_BUDGET)
def is_placeholder(value: str) -> bool:
    """`your-api-key-here`, `<YOUR_TOKEN>`, `sk-...XXXX`, `changeme`, `password123`, `aaaaaa`."""
    return value.lower() in _PLACEHOLDER_WORDS or bool(_PLACEHOLDER.search(value)) or _has_run(value, _PLACEHOLDER_RUN)


def _has_run(value: str, length: int) -> bool:
    """`value` repeats one letter or digit `length` times in a row (`(.)\\1{5,}`, which RE2 cannot say)."""
    run, previous = 0, ""
    for char in value:  # `--------` is a rule line, not a typed placeholder
        run = run + 1 if char == previous and char.isalnum() else 1
        if run >= length:
            return True
        previous = char
    return False


# A configobj/validate specification (`email_smtp_pass = string(default=None)` in a `config_spec.ini`):
# the type a setting must have, not its value.
_TYPE_SPEC = linear(
    r"^(?:string|integer|float|boolean|option|list|tuple|string_list|int_list|float_list|bool_list"
    r"|mixed_list|force_list|ip_addr|pass)\([^()]{0,200}\)$"
)


@lru_cache_bytes(SECRETS_BUDGET)
def is_reference(value: str) -> bool:
    """A value that names configuration instead of holding a secret: `${DB_PASSWORD}`, `OPENAI_API_KEY`,
    or a configobj type specification (`string(default=None)`)."""
    return bool(_REFERENCE.search(value)) or _TYPE_SPEC.search(value) is not None


@lru_cache_bytes(SECRETS_BUDGET)
def entropy_type(value: str) -> str | None:
    """detect-secrets' entropy type when the whole value is a high-entropy token, else None."""
    if len(value) < 16 or " " in value:
        return None
    chars = frozenset(value)
    for plugin, charset in _ENTROPY_CHARSETS:
        # k distinct characters carry at most log2(k) bits each: most passwords cannot reach
        # the limit, so detect-secrets' own (slow, per-character) measure is skipped for them.
        if not chars <= charset or math.log2(len(chars)) < plugin.entropy_limit - 1e-9:
            continue
        if plugin.calculate_shannon_entropy(value) > plugin.entropy_limit:
            return str(plugin.secret_type)
    return None
