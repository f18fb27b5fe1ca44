"""The one pass all secrets rules share: classify every literal once, then let each rule
turn its own verdicts into findings.

`classify` decides which rule (if any) owns a literal from its text, the class of the name it
is bound to and its role; it is cached by those values, so a literal that did not change is
re-checked with a dictionary look-up. The per-file list of verdicts is computed on the first
secrets rule's call and kept on the `FileContext`, so eight rules cost one walk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import generated
from ..aicontext._mcp_secrets import reference_fixes
from ..analysis.test_code import IN_TEST_CODE, is_test_code, not_deployed_label
from ..bounded_cache import SECRETS_BUDGET, lru_cache_bytes
from ..context import FileContext
from ..engine import make_finding
from ..javascript._sinks import MINIFIED_LINE, is_shipped_file
from ..model import Confidence, Finding, Rule, Severity
from ..patterns import clip_literal, linear
from . import _allowlist, _detect, _fix, _lines, _names, _positions, _syntax, _text_fix
from ._positions import Literal
from ._redact import describe, env_name

_CACHE_KEY = "_vetline_secret_verdicts"  # per-file verdicts live in the FileContext's __dict__
TEXT_FORMATS = frozenset({"dotenv", "ini", "yaml", "json", "toml", "dockerfile"}) | _syntax.LANGUAGES
CODE_LANGUAGES = frozenset({"python", "javascript", "typescript", "typescriptreact"})
_VERBS = {
    "keyword": "passed as",
    "key": "stored under",
    "default": "default of",
    "compare": "compared with",
    "signing": "used as",
    "key-argument": "used as",
    "paired": "paired with",
}
# Positions judged loosely: only a key-like value counts (`token == "with"` is a parser).
_LOOSE_ROLES = frozenset({"compare", "paired"})
_EXAMPLE_SUFFIXES = (".example", ".sample", ".template", ".dist")
_CATALOGUE_FOLDERS = frozenset({"LC_MESSAGES", "i18n", "locale", "locales", "translations"})
_LABEL = linear(r"^[A-Z][a-z]{2,9}$")
_URL_TEMPLATE = linear(r"@(?:host|hostname|your[-_]\w*|<[^>]*>)(?::port\b|[:/]|$)|:port\b|\[\?")
_ENDPOINT = linear(r"https?://[^\s:@/]+(?::\d+)?(?:/\S*)?$")  # a URL with no user:password part
_FLAG_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "none", "null", "enabled", "disabled"})
_NOT_WORD = linear(r"[\W_]+")


@dataclass(frozen=True)
class Verdict:
    """Which rule owns a literal, what kind of secret it is, and where in the text it lies."""

    rule_id: str
    kind: str
    secret_type: str | None = None  # detect-secrets' type name, for `.secrets.baseline`
    span: tuple[int, int] | None = None  # character span within the value; None = the whole literal
    confidence: Confidence | None = None


_MIN_KEY = 8  # characters a literal passed as a key needs before it is reported


@lru_cache_bytes(SECRETS_BUDGET)
def classify(value: str, name_class: str | None, role: str, interpolated: bool, example: bool) -> Verdict | None:
    """The rule that owns a literal, judged from its text and position (cached)."""
    if not value.strip():
        return None
    span = _detect.private_key(value, line=role == "text")
    if span is not None:
        return Verdict("private-key-block", "Private key", "Private Key", span)
    url = _detect.url_password(value) if role != "docstring" else None  # docstrings show examples
    if url is not None:
        password = value[url[0] : url[1]]
        weak = Confidence.MEDIUM if _detect.is_placeholder(password) else None
        if weak and (role in ("comment", "text", "docstring") or " " in value or _URL_TEMPLATE.search(value)):
            return None  # `# DATABASE_URL = 'postgresql://user:password@host:port/db'` documents the format
        if role in ("comment", "docstring") and _URL_TEMPLATE.search(value) or "\\" in password:
            return None  # `# like http://user:passw@hostname:port/path`; `http://INTERNAL:8888\@PUBLIC/` is a URL trick
        if _local_default(value, url):
            return None
        return Verdict("credentials-in-url", f"{url[2]} URL with a password", "Basic Auth Credentials", url[:2], weak)
    found = _detect.provider(value)
    prose = role in ("comment", "text", "docstring")
    if found is not None:
        # A provider-shaped key that is obviously fake (`sk-proj-XXXX…`, runs, `abcdefg`) is a
        # placeholder in code; in prose (`# Account SID (ACxxxx…)`) it documents the format.
        # In prose the key is judged alone: a line's indentation is no "aaaaaa" run.
        judged = value[found.start : found.end] if prose else value
        if _detect.is_placeholder(judged) and not example:
            return None if prose else Verdict("placeholder-credential", found.kind, found.secret_type)
        return Verdict("hardcoded-secret", found.kind, found.secret_type, (found.start, found.end) if prose else None)
    if prose or interpolated or _detect.is_reference(value):
        return None
    return _by_position(value, name_class, role, example)


_PROSE_ROLES = frozenset({"comment", "text", "docstring"})
_UNNAMED_ROLES = frozenset({"key-argument", "signing"})  # roles that own a literal without a name


def cannot_own(
    value: str, name_class: str | None, role: str, interpolated: bool, may_hold_provider: bool | None = None
) -> bool:
    """True when `classify` certainly returns None for this literal, told by substrings and one search.

    A literal without a key header, a URL or a provider key (one search of all their patterns at
    once) can only be owned through its position: a credential name, a signing or key argument,
    or a provider prefix (`sk-...` placeholders). That is most literals of a file, so the other
    regexes, the caches and the name checks are skipped for them. Any literal this does not rule
    out is classified. `may_hold_provider`: `_detect.may_hold_provider(value)`, when the caller
    has it already (`_detect.may_hold_provider_each` answers for a whole file at once)."""
    if may_hold_provider is None:
        may_hold_provider = _detect.may_hold_provider(value)
    if "://" in value or "PRIVATE KEY" in value or "PuTTY" in value or may_hold_provider:
        return False
    if interpolated or role in _PROSE_ROLES:
        return True
    return name_class is None and role not in _UNNAMED_ROLES and not value.startswith(_detect.PROVIDER_PREFIXES)


_LOCAL_HOST = linear(r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[::1\]|host\.docker\.internal)(?:[:/]|$)")


def _local_default(value: str, url: tuple[int, int, str]) -> bool:
    """`postgres://lnbits:lnbits@localhost/db`, `fief:fiefpassword@localhost`: a database on the
    developer's own machine with the user name or plain words (`off-wger`) as its password is a local default
    that every copy of the project's setup guide shares, not a leaked credential. A random
    password is reported wherever the host is."""
    if _LOCAL_HOST.search(value[url[1] + 1 :]) is None:
        return False
    password = value[url[0] : url[1]]
    user = value[: url[0] - 1].rsplit("/", 1)[-1]
    words = password.replace("-", "").replace("_", "")  # `off:off-wger@127.0.0.1`: words, not a random password
    return password == user or words.isalpha() or _detect.is_placeholder(password)


def _word_of_name(value: str, name: str | None) -> bool:
    """A plain lower-case word that spells out a word of the name (`AUTH` -> "authentication");
    `WTF_CSRF_SECRET_KEY = "reallyhardtoguess"` is a passphrase and stays reported."""
    if not name or not (value.isalpha() and value.islower()):
        return False
    return any(len(word) >= 3 and value.startswith(word) for word in _names.words(name))


def _by_position(value: str, name_class: str | None, role: str, example: bool) -> Verdict | None:
    if example:
        return None  # `.env.example` shows the shape of each value; only provider-format keys leak from it
    if role == "key-argument":  # `hmac.new(b"key", ...)`: a one-to-few byte key is a test vector, not a secret
        return Verdict("hardcoded-signing-key", "Signing key", "Secret Keyword") if len(value) >= _MIN_KEY else None
    if _LABEL.match(value):
        return None  # `token: 'Key'`, `eclair_pass: 'Password'`: a form's label or placeholder text
    if role == "signing" or name_class == "signing":
        return Verdict("hardcoded-signing-key", "Signing key", "Secret Keyword")
    if name_class is None:
        if value.startswith(_detect.PROVIDER_PREFIXES) and _detect.is_placeholder(value) and not example:
            return Verdict("placeholder-credential", "Placeholder credential")
        return None
    if _detect.is_code_text(value):
        return None  # a regex, a colour, a mask or a name held under a credential-looking name
    if _ENDPOINT.match(value):
        return None  # `"device_auth": "https://storeapi.kobo.com/v1/auth/device"`: where to authenticate
    if _detect.is_placeholder(value):
        # `token == "root"` is a parser; only `password == "admin"` checks a default credential.
        if example or role in _LOOSE_ROLES and name_class != "password":
            return None
        return Verdict("placeholder-credential", "Placeholder credential", "Secret Keyword")
    if any(c.isspace() for c in value) or len(value) < 3:
        return None  # a prompt or label ("Enter your password"), not a credential
    if role in _LOOSE_ROLES and not _detect.looks_credential(value):
        return None  # `token == "with"`: a keyword, not a key
    entropy = _detect.entropy_type(value)
    if entropy is not None:
        return Verdict("hardcoded-secret", "High-entropy secret", entropy, confidence=Confidence.MEDIUM)
    return Verdict("hardcoded-password", "Password" if name_class == "password" else "Credential", "Secret Keyword")


def is_translation_catalogue(path: str) -> bool:
    """`locale/de/LC_MESSAGES/messages.json`, `static/i18n/fr.js`: translations of the interface."""
    folders = path.replace("\\", "/").split("/")[:-1]
    return bool(_CATALOGUE_FOLDERS.intersection(folders))


def names_itself(value: str, name: str | None) -> bool:
    """`google_auth = "google-auth"`, `RESET_PASSWORD = "reset_password"`, `"auth": "true"`,
    `TOKEN = "token"`: an enum member or a flag, not a credential."""
    if value.lower() in _FLAG_WORDS:
        return True
    plain = not (_NOT_WORD.search(value) or value[:1].isupper())
    if not name or plain and _names.name_class(name) == "password":
        return False  # `password = "password"` stays a placeholder credential
    # `#_SHARE_TOKEN = "RADICALE:share-token"`: a storage key namespaced by the application.
    simple = _NOT_WORD.sub("", value.rsplit(":", 1)[-1]).lower()
    return bool(simple) and _NOT_WORD.sub("", name.rsplit(".", 1)[-1]).lower().endswith(simple)


def verdicts(ctx: FileContext) -> list[tuple[Literal, Verdict]]:
    """Every literal of the file that some secrets rule owns (computed once per file)."""
    cached = ctx.__dict__.get(_CACHE_KEY)
    if cached is None:
        cached = ctx.__dict__[_CACHE_KEY] = list(_compute(ctx))
    return cached


def _compute(ctx: FileContext) -> list[tuple[Literal, Verdict]]:
    if is_translation_catalogue(ctx.path):
        return []  # translated UI text: its "user:password@host" is an example for the reader
    if ctx.language in _syntax.LANGUAGES:
        if generated.reason(ctx.source, ctx.path) is not None:
            return []  # minified or generated: the CLI reports the reason (`scanner.scan_file`)
        items = _syntax.literals(ctx)
    elif ctx.language in TEXT_FORMATS:
        items = _lines.literals(ctx)
    elif ctx.tree is not None:
        items = _positions.literals(ctx)
    else:
        return []
    example = (
        ctx.path.endswith(_EXAMPLE_SUFFIXES)
        or generated.is_lockfile(ctx.path)
        or (ctx.language in _syntax.LANGUAGES and _syntax.is_documentation(ctx.path))
    )
    # A vendored library or bundle (`static/vendor/showdown.js`) is not where the application keeps
    # its credentials; only provider-format keys, which leak wherever they are, are reported there.
    shipped = ctx.language in CODE_LANGUAGES and ctx.language != "python" and is_shipped_file(ctx)
    documentation = _syntax.is_documentation(ctx.path)
    found = []
    text_format = ctx.language in _syntax.LANGUAGES
    literals = list(items)
    values = [clip_literal(literal.value) for literal in literals]
    for literal, value, provider in zip(literals, values, _detect.may_hold_provider_each(values)):
        name = _syntax.name_for_class(literal.name, ctx.language) if text_format else literal.name
        name_class = _names.name_class(name) if name else None
        if cannot_own(value, name_class, literal.role, literal.interpolated, provider):
            continue  # most literals of a file: decided without a regex or a cache look-up
        if names_itself(literal.value, literal.name) or _is_field_name(literal) or _is_document_path(literal.value):
            continue
        if name_class == "credential" and _word_of_name(literal.value, name):
            continue  # `ACTIVATION_TOKEN = "activation"`, `AUTH = "authentication"`: an enum value
        if _is_style_token(literal.value, name) or _is_enumerated_type(literal.value, name):
            continue
        verdict = classify(value, name_class, literal.role, literal.interpolated, example)
        if verdict is None or (documentation and _is_documented_example(literal.value, verdict)):
            continue
        if _repeated_sample(ctx, literal.value, verdict):
            continue
        if _in_documentation_slot(literal.name) and not is_provider_key(verdict):
            continue  # `example: "postgresql://user:pass@host/db"`, `Field(example=...)`: shown to the reader
        if not (shipped or _on_minified_line(ctx, literal)) or is_provider_key(verdict):
            found.append((literal, verdict))
    return found


# Keys and keywords whose value illustrates a setting for the reader (config schemas, OpenAPI).
_DOCUMENTATION_SLOTS = frozenset({"example", "examples", "sample", "placeholder", "help_text"})


def _in_documentation_slot(name: str | None) -> bool:
    """True for a value stored under `example:`/`placeholder=`/`help_text=` (the last part of the name)."""
    return name is not None and name.rsplit(".", 1)[-1].lower() in _DOCUMENTATION_SLOTS


def _is_documented_example(value: str, verdict: Verdict) -> bool:
    """AWS's documented key (`AKIAIOSFODNN7EXAMPLE`) is the one policy for code and text alike:
    in documentation it is the page's example, not a leak; elsewhere it stands where a real key
    belongs (AI code pastes it as a placeholder) and is reported."""
    start, end = verdict.span or (0, len(value))
    return verdict.rule_id == "hardcoded-secret" and _syntax.is_documented_example(value[start:end])


# `bark_api_token: "auth_token"`, `api_key = "no_api_key"`, `AUTH_EVENT_TYPE_KEY =
# "authentication_event_type"`: snake_case words naming a field or a sentinel are names.
# `"secrets": "backend_kwarg__"`: a trailing separator makes the value a key prefix.
_FIELD_NAME = linear(r"[a-z]+(?:__?[a-z]+)+_*")  # `user_name`, a Django lookup `config__subnet__name`
# `- Token: 'models/users/token.md'` (a documentation site's navigation): a relative path to a
# page, a picture or a stylesheet names a file, it does not hold a credential.
_DOCUMENT_PATH = linear(r"[\w.-]+(?:/[\w.-]+)*\.(?:md|rst|html?|txt|png|svg|jpe?g|gif|css|pdf)")
# `"access_token": "password"`, `'Secret': 'password'`: a dict mapping one field name or type to another.
_FIELD_WORDS = frozenset({"password", "passwd", "secret", "token", "credential", "credentials", "apikey", "string"})


def _is_field_name(literal: Literal) -> bool:
    """A value that names a field rather than holding a credential (placeholders excepted)."""
    if _FIELD_NAME.fullmatch(literal.value):
        return not _detect.is_placeholder(literal.value)
    return (
        literal.role == "key"
        and literal.value in _FIELD_WORDS
        and literal.name is not None
        and (_NOT_WORD.sub("", literal.name).lower() != literal.value)
    )


# `token: 'rb-cm-codeblock-plain'` (a CodeMirror simple mode, a Prism or highlight.js grammar):
# a syntax highlighter's token type is a CSS class, lower-case words joined by hyphens.
_STYLE_CLASS = linear(r"[a-z]+(?:-[a-z]+)+")


def _is_style_token(value: str, name: str | None) -> bool:
    """A bare `token` key holding a kebab-case CSS class: the highlighter's token type."""
    return name is not None and _names.words(name) == ("token",) and _STYLE_CLASS.fullmatch(value) is not None


# `PROMPT_TYPE_PASSWORD = 'password'`, `INPUT_KIND_TOKEN = "token"`: a member of an enumeration of
# types, whose value is its own last word.
_ENUMERATING_WORDS = frozenset({"type", "types", "kind", "kinds", "mode", "modes"})


def _is_enumerated_type(value: str, name: str | None) -> bool:
    """A constant `<THING>_TYPE_<WORD>` whose value is `<word>`: an enum member, not a credential."""
    parts = _names.words(name) if name else ()
    return len(parts) >= 2 and value.lower() == parts[-1] and bool(_ENUMERATING_WORDS.intersection(parts[:-1]))


def _is_document_path(value: str) -> bool:
    """`models/users/token.md`, `img/key.png`: a file a page links to."""
    return _DOCUMENT_PATH.fullmatch(value) is not None


def _on_minified_line(ctx: FileContext, literal: Literal) -> bool:
    """A JavaScript literal on a line no one writes or reviews (a minified bundle such as Ace)."""
    if ctx.language not in CODE_LANGUAGES or ctx.language == "python":
        return False
    start = ctx.source.rfind(b"\n", 0, literal.start) + 1
    end = ctx.source.find(b"\n", literal.start)
    return (len(ctx.source) if end < 0 else end) - start > MINIFIED_LINE


SAMPLE_REPEATS = 3  # a password-like literal written this many times in one file is sample data


def _repeated_sample(ctx: FileContext, value: str, verdict: Verdict) -> bool:
    """A word-like credential the file writes three or more times (`'secret': '6zzjnumtsx136ddy'`
    in every sample order of a preview): a real credential is written once and read by name,
    the same literal pasted again and again is example data. Provider-format keys, URLs with
    passwords and signing keys are never sample data here, and test code keeps its own grading."""
    if verdict.rule_id not in ("hardcoded-password", "placeholder-credential") or len(value) < _MIN_KEY:
        return False
    if is_test_code(ctx.path):
        return False  # test fixtures keep their low-severity "in test code" findings (issue 10)
    raw = value.encode("utf-8", "replace")
    return sum(ctx.source.count(quote + raw + quote) for quote in (b'"', b"'")) >= SAMPLE_REPEATS


Describe = Callable[[str, str | None, str, str], str]


def advice(text: str) -> Describe:
    """A rule's message: the redacted description of the literal, a colon, then `text`."""

    def message(kind: str, name: str | None, value: str, verb: str) -> str:
        return f"{describe(kind, name, value, verb)}: {text}"

    return message


def findings(ctx: FileContext, rule: Rule, message: Describe, fixable: bool = True) -> list[Finding]:
    """The findings of one secrets rule: its verdicts minus allowlisted ones, redacted."""
    rule = ctx.rules.get(rule.id, rule)
    mine = [(lit, v) for lit, v in verdicts(ctx) if v.rule_id == rule.id]
    if not mine:
        return []
    allowed = _allowlist.pragma_lines(ctx.source)
    audited = _audited(ctx)
    options = {**ctx.options.get("secrets", {}), **ctx.options.get(rule.id, {})}
    label = not_deployed_label(ctx.path)
    if label is None and _allowlist.is_test_path(ctx.path, options.get("test_paths", ())):
        label = IN_TEST_CODE
    result = []
    for literal, verdict in mine:
        start, end, secret = _range(literal, verdict)
        if allowed and ctx.position(start).line in allowed:
            continue
        if audited and audited & {_allowlist.sha1(secret), _allowlist.sha1(literal.value)}:
            continue
        downgrade = None if is_provider_key(verdict) else label
        result.append(_finding(ctx, rule, literal, verdict, (start, end, secret), message, fixable, downgrade, options))
    return result


def is_provider_key(verdict: Verdict) -> bool:
    """A key in a provider's own format (`AKIA…`, `ghp_…`): a leak wherever it is, tests included."""
    return verdict.rule_id == "hardcoded-secret" and verdict.secret_type not in _detect.ENTROPY_TYPES


def _audited(ctx: FileContext) -> frozenset[str]:
    """The file's entries in a detect-secrets `.secrets.baseline`, looked up once per file."""
    key = "_vetline_secrets_audited"
    if key not in ctx.__dict__:
        ctx.__dict__[key] = _allowlist.detect_secrets_hashes(ctx.path)
    return ctx.__dict__[key]


def _range(literal: Literal, verdict: Verdict) -> tuple[int, int, str]:
    """Byte range to report and the secret text itself (never printed, only hashed)."""
    if verdict.span is None:
        return literal.start, literal.end, literal.value
    start, end = verdict.span
    secret = literal.value[start:end]
    if literal.node is not None and literal.role != "comment":
        return literal.start, literal.end, secret  # a code literal is reported whole
    head = literal.start + len(literal.value[:start].encode("utf-8"))
    return head, head + len(secret.encode("utf-8")), secret


def _finding(
    ctx: FileContext,
    rule: Rule,
    literal: Literal,
    verdict: Verdict,
    where: tuple[int, int, str],
    message: Describe,
    fixable: bool,
    downgrade: str | None,
    options: dict,
) -> Finding:
    start, end, secret = where
    name = literal.name if literal.node is not None else _syntax.env_key(literal.name)
    env = env_name(
        name if literal.role != "signing" else "JWT_SECRET",
        _detect.PROVIDER_ENV.get(
            verdict.secret_type or "", "DATABASE_URL" if rule.id == "credentials-in-url" else "SECRET"
        ),
    )
    fix = (
        _fix.move_to_env(ctx, literal, env)
        if fixable and ctx.language in CODE_LANGUAGES and literal.role not in ("comment", "text")
        else None
    )
    if fixable and fix is None and ctx.language in _syntax.LANGUAGES and literal.role in _text_fix.FIXABLE_ROLES:
        fix = _text_fix.move_to_env(ctx, literal, env)
    alternatives = _fix.settings_alternatives(ctx, literal, env) if fix is not None else ()
    if fixable and fix is None and ctx.language == "json":  # an MCP config: the client's `${...}` reference
        fix, alternatives = reference_fixes(ctx, start, end, env)
    data = {
        "secret_kind": verdict.kind,
        "preview": describe("", None, secret).strip(" ()"),
        "env_name": env,
        "name": literal.name,
        "scope": _positions.scope_name(literal, ctx.language),
    }
    if verdict.secret_type:
        data["detect_secrets_type"] = verdict.secret_type
    severity = Severity.parse(str(options.get("test_severity", "low"))) if downgrade else None
    return make_finding(
        rule,
        ctx,
        start,
        end,
        message=message(verdict.kind, literal.name, secret, _VERBS.get(literal.role, "assigned to"))
        + (f" ({downgrade})" if downgrade else ""),
        confidence=verdict.confidence,
        severity=severity,
        fix=fix,
        data=data,
        alternative_fixes=alternatives,
    )
