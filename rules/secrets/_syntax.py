"""Credential positions in the languages vetline reads as text: where a value is bound to a name.

No grammar is bundled for shell, Go, Java, Kotlin, C#, Ruby, PHP, Terraform, `.properties`,
XML, `.conf`, Gradle, Makefiles, PowerShell or plain text, so each line is read with the few
binding forms its language has (`export X=`, `$env:X =`, `x := "..."`, `'key' => '...'`,
`setPassword("...")`, `<password>...</password>`, `key: value`). Every binding becomes a
`Literal` whose name is the bound name, and the same credential-position logic as for parsed
code judges it (`_scan.classify`). The rest of a line (or a line with no binding) is still
searched for provider keys, private keys and URLs with passwords (role `text`).

Every pattern is RE2-compatible (no back-references, no look-arounds, bounded repeats) and
runs over a line of at most `MAX_LINE_CHARS` characters: a longer line is cut into windows
for the provider search and read for no bindings. Only lines holding a credential word are
read for bindings at all (`_CREDENTIAL_HINT`), which keeps the cost to a substring test for
almost every line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..context import FileContext
from ..languages import READ_AS_TEXT
from ..patterns import LinearPattern, linear
from . import _detect
from ._positions import Literal

MAX_LINE_CHARS = 4096  # longer lines are data (or minified): provider search only, in windows
CODE = frozenset({"go", "java", "kotlin", "csharp", "ruby", "php", "groovy", "terraform", "powershell"})
CONFIG = frozenset({"properties", "conf", "plaintext"})
LANGUAGES = READ_AS_TEXT
assert CODE | CONFIG | {"shellscript", "makefile", "xml"} == LANGUAGES

# A quoted literal, its text in one of three groups (RE2 has no back-references to pair quotes).
_STRING = r"""(?:"(?P<dq>(?:[^"\\\n]|\\.){0,400})"|'(?P<sq>(?:[^'\\\n]|\\.){0,400})'|`(?P<bq>[^`\n]{0,400})`)"""
_NAME = r"(?P<name>(?:\$(?:env:)?|@{1,2})?[A-Za-z_]\w{0,60}(?:(?:\.|->|::)\$?[A-Za-z_]\w{0,60}){0,4})"
_QNAME = r"""(?:["'](?P<qname>[A-Za-z_][\w.-]{0,60})["']|:(?P<sym>[A-Za-z_]\w{0,60}))"""
_TYPE = r"(?:\s*:\s*[A-Za-z_][\w.<>?\[\]]{0,40})?"  # `val password: String = "..."`
_BARE = r"(?P<bare>[^\s\"'`;#]{1,400})"
_REST = r"(?P<rest>[^\s\"'][^\n]{0,400})"


def _compile(*patterns: str) -> tuple[LinearPattern, ...]:
    return tuple(linear(p) for p in patterns)


# Bindings every language has: a header with a scheme, a `Password=...;` connection-string pair.
_COMMON = _compile(
    r"(?i)\b(?P<name>authorization|proxy-authorization|x-api-key|x-auth-token|api-key)[\"']?\s*[:=,]\s*[\"']?"
    r"(?:bearer|basic|token|bot)\s+(?P<bare>[A-Za-z0-9._~+/=-]{8,400})",
    r"(?i)[;\"'?&]\s*(?P<name>password|pwd|passwd|user password|account ?key)\s*=\s*"
    r"(?P<bare>[^;\"'\s<>{}$()&]{1,200})(?:[;\"'&]|$)",
)
# `name = "..."`, `name := "..."`, `"name" => "..."`, `name: "..."`, `setName("...")`, `put("name", "...")`.
_CODE = _compile(
    rf"(?:^|[^\w$@.>:-]){_NAME}{_TYPE}\s*(?::=|\?\?=|\|\|=|=>|=|:)\s*(?:\([A-Za-z]\w*\)\s*)?@?\$?{_STRING}",
    rf"{_QNAME}\s*(?:=>|:|=)\s*{_STRING}",
    rf"\[\s*{_QNAME}\s*\]\s*=\s*{_STRING}",
    rf"\b(?:set|with|put)(?P<name>[A-Z]\w{{0,60}})\s*\(\s*{_STRING}\s*[,)]",
    rf"\(\s*{_QNAME}\s*,\s*{_STRING}",
    rf"(?:^|[^\w$@.>:-]){_NAME}\s*(?:===?|!==?)\s*{_STRING}",
    rf"(?:^|[^\w$@.>:-]){_NAME}\.(?:equals|Equals|equalsIgnoreCase)\(\s*{_STRING}",
)
# The role of each `_CODE` form: a call's `("name", "value")` pair and a comparison are judged
# loosely (only key-like values count): `hasScope("token", "read")` names no credential.
_CODE_ROLES = ("assign", "key", "key", "assign", "paired", "compare", "compare")
_GO_VAR = linear(rf"\bvar\s+{_NAME}\s+[\w.\[\]*]{{1,40}}\s*=\s*{_STRING}")
_GROOVY_CALL = linear(rf"^\s*{_NAME}\s+{_STRING}\s*$")  # Gradle's `password 's3cret'`
_POWERSHELL = _compile(
    rf"(?i)ConvertTo-SecureString\s+(?:-String\s+)?(?P<name>){_STRING}",
    rf"(?:^|\s)-(?P<name>[A-Za-z]\w{{1,40}})\s+{_STRING}",
)
# `export X=...`, `local X=...`, `X=... cmd`, `--password=...`, Makefile `X := ...`.
_SHELL = _compile(
    rf"(?:^|[\s;&|(])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*|typeset\s+)?"
    rf"(?P<name>[A-Za-z_]\w{{0,60}})=(?:{_STRING}|{_BARE})",
    rf"(?:^|\s)--(?P<name>[A-Za-z][\w-]{{1,40}})(?:=|\s+)(?:{_STRING}|{_BARE})",
)
_MAKE = linear(
    rf"^\s*(?:export\s+|override\s+)?(?P<name>[A-Za-z_][\w.-]{{0,60}})\s*(?:\?=|::=|:=|\+=|=)\s*(?:{_STRING}|{_REST})"
)
# `key = value`, `key: value`, `key value` (nginx, redis, `.properties`), each alone on its line.
_CONFIG_LINE = linear(rf"^\s*(?P<name>[A-Za-z_][\w.\-/\[\]]{{0,80}})(?:\s*[=:]\s*|\s+)(?:{_STRING}|{_REST})")
_TEXT_LINE = linear(rf"^\s*(?P<name>[A-Za-z_][\w.\-/\[\]]{{0,80}})\s*[=:]\s*(?:{_STRING}|{_REST})")
_NETRC = linear(r"^\s*(?:machine|default)\s.{0,300}?\s(?P<name>password|passwd)\s+(?P<bare>\S{1,200})")
_TRAILING_COMMENT = linear(r"\s+[#;]|\s*;\s*$")
_XML = _compile(
    r"""\b(?:key|name)\s*=\s*"(?P<name>[^"<>]{1,80})"\s+value\s*=\s*"(?P<dq>[^"<>]{0,400})\"""",
    r"<(?P<name>[A-Za-z_][\w:.-]{0,60})(?:\s[^<>]{0,300})?>(?P<bare>[^<>]{1,400})</",
    r"""\s(?P<name>[A-Za-z_][\w:.-]{0,60})\s*=\s*(?:"(?P<dq>[^"<>]{0,400})"|'(?P<sq>[^'<>]{0,400})')""",
)
# Words without which a line holds no credential binding (lower case; `pw` covers `pwd`).
_CREDENTIAL_HINT = ("pass", "pw", "secret", "token", "key", "auth", "cred", "bearer", "private", "securestring")
# References and templates: the value names configuration (`${VAR}`, `$(VAR)`, `@VAR@`, `%VAR%`,
# `{{ .Values.x }}`, `<%= x %>`, `#{x}`, jasypt's `ENC(...)`), or is a stored hash, not a secret.
_REFERENCE = linear(
    r"\$\{|\$\(|#\{|\{\{|\{%|<%|%\(|^\$[A-Za-z_]|^@[\w.-]+@$|^%[\w.-]+%$|^__[A-Za-z0-9_]+__$|^ENC\(|^\[\["
    r"|^(?:env|vault|secret|ref|arn|file|aws-secretsmanager):|^!vault|^<[^<>]{1,80}>$"
    r"|^\{[A-Za-z0-9+/=]{8,200}\}$"  # Maven's `{...}`: encrypted with the master password
)
_HASH = linear(
    r"^\$(?:2[abxy]?|1|5|6|y|apr1|argon2(?:id|i|d)|pbkdf2(?:-sha\d+)?|scrypt|sha\d*)\$"
    r"|^\{(?:S?SHA\d*|S?MD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}|^(?:sha\d+|md5|pbkdf2_sha\d+|bcrypt|argon2)[:$]"
)
_HEX_DIGEST = linear(r"^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}|[0-9a-fA-F]{128})$")
_INTERPOLATES = linear(r"\$[A-Za-z_{(]|#\{|\{\$")
# Languages whose double-quoted strings interpolate `$x` (Ruby and C# mark theirs with `#{}`/`$"`).
_DOLLAR_STRINGS = frozenset({"shellscript", "makefile", "php", "kotlin", "groovy", "powershell", "terraform"})
# Glued config keys (`requirepass`, `dbpassword`) read as their credential word.
# Only the password words: a glued `token` or `secret` is a package or a field (`jsonwebtoken`).
_GLUED = linear(r"(?i)^(?P<head>[a-z]+?)(?P<word>password|passwd)$")
# Objects a setting hangs off (`config.password`): the variable is named after the setting alone.
_RECEIVERS = frozenset({"this", "self", "config", "settings", "cfg", "conf", "options", "opts", "app"})
_AUTH_IS_A_METHOD = CONFIG | {"xml", "ini", "makefile", "shellscript"}
_AUTH_LAST = linear(r"(?i)auth$")
_PUBLIC = linear(r"(?i)(?:^|[_.-])public|^public|Public")
# A compared or paired value that reads as words (`token == "line-through"`) is a keyword.
_WORDS_VALUE = linear(r"^[a-z]+(?:[-_.][a-z]+)*$")
_METASYNTACTIC = frozenset({"foo", "bar", "baz", "qux", "quux", "xyz", "abc"})
# Documentation: its bindings show the shape of a setting (only provider-format keys count there).
_DOC_FOLDERS = frozenset({"doc", "docs", "wiki", "examples", "example", "samples", "sample", "man", "manual"})
_DOC_NAMES = linear(r"(?i)^(?:readme|changes|changelog|news|history|install|authors|license|copying)\b")
# `console = pkg.module:main` (`entry_points.txt`), `module.path:attr`: a code reference.
_ENTRY_POINT = linear(r"^[A-Za-z_][\w.-]*:[A-Za-z_][\w.]*(?:\s*\[[\w, -]*\])?$")
_VARIABLE = linear(r'^\s*variable\s+"(?P<var>[^"]{1,80})"')
_ALIASES = {"requirepass": "require_password", "masterauth": "master_password", "rootpw": "root_password"}

_LINE_COMMENTS = {
    "go": ("//",), "java": ("//", "*", "/*"), "kotlin": ("//", "*", "/*"), "csharp": ("//", "*", "/*"),
    "groovy": ("//", "*", "/*"), "php": ("//", "#", "*", "/*"), "terraform": ("#", "//", "/*", "*"),
    "ruby": ("#",), "powershell": ("#",), "shellscript": ("#",), "makefile": ("#",),
    "properties": ("#", "!"), "conf": ("#", ";", "//"), "plaintext": ("#",), "xml": ("<!--",),
}  # fmt: skip
_BLOCKS = {"go": ("/*", "*/"), "java": ("/*", "*/"), "kotlin": ("/*", "*/"), "csharp": ("/*", "*/"),
           "groovy": ("/*", "*/"), "php": ("/*", "*/"), "terraform": ("/*", "*/"), "xml": ("<!--", "-->"),
           "powershell": ("<#", "#>"), "ruby": ("=begin", "=end")}  # fmt: skip


@dataclass(frozen=True)
class Binding:
    """One value bound to a name on a line: character span of the value, name, role."""

    start: int
    end: int
    value: str
    name: str
    role: str
    quoted: bool


def name_for_class(name: str | None, language: str = "") -> str | None:
    """The name to judge for a text-format binding: `requirepass` reads as `require_password`;
    in configuration `auth` names a method (`auth = pam`, `wsrep_sst_auth = root:`), not a secret."""
    if not name:
        return name
    simple = name.rsplit(".", 1)[-1].lstrip("$@-")
    if simple.lower() in _ALIASES:
        return _ALIASES[simple.lower()]
    if language in _AUTH_IS_A_METHOD and _AUTH_LAST.search(simple):
        return None
    if _PUBLIC.search(simple):
        return None  # .NET's `publicKeyToken`, `PUBLIC_KEY`: published by design
    glued = _GLUED.match(simple)
    return f"{glued['head']}_{glued['word']}" if glued else name


def env_key(name: str | None) -> str | None:
    """The part of a bound name an environment variable is named after: `$env:API_KEY` ->
    `API_KEY`, `$this->password` -> `password`, `db.password` -> `db.password`."""
    if not name:
        return name
    simple = re.split(r"->|::|\$env:", name)[-1].lstrip("$@-") or name
    head, _, rest = simple.partition(".")
    return rest if rest and head.lower() in _RECEIVERS else simple


def is_documentation(path: str) -> bool:
    """`docs/`, `wiki/`, `examples/` folders and `README.txt`-like files: text for a reader."""
    parts = path.replace("\\", "/").split("/")
    return bool(_DOC_FOLDERS.intersection(p.lower() for p in parts[:-1])) or _DOC_NAMES.match(parts[-1]) is not None


def not_a_secret(value: str, name: str | None) -> bool:
    """A reference, a template, a stored hash, an entry point, an enum constant naming itself
    (`const AUTH = 'auth'`): names or verifies a secret without being one."""
    if _REFERENCE.search(value) or _HASH.search(value) or _ENTRY_POINT.match(value):
        return True
    if value.lower() in _METASYNTACTIC:
        return True
    simple = (name or "").rsplit(".", 1)[-1].lstrip("$@:")
    # `Authorization: 'authorization'`, `const AUTH = 'auth'`; `password = "password"` stays a placeholder.
    if _letters(simple) == _letters(value) and not _detect.is_placeholder(value):
        return True
    return bool(name) and "pass" in (name or "").lower() and _HEX_DIGEST.match(value) is not None


def _letters(text: str) -> str:
    return re.sub(r"[\W_]", "", text).lower()


def is_documented_example(secret: str) -> bool:
    """AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`, `...EXAMPLEKEY`): in every doc page."""
    return "EXAMPLE" in secret


def comment_spans(text: str, language: str) -> Iterator[tuple[int, int]]:
    """Character spans of full-line comments (the annotation harness reads its marks there)."""
    markers = _LINE_COMMENTS.get(language, ("#",))
    offset = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith(markers):
            yield offset + len(line) - len(stripped), offset + len(line)
        offset += len(line) + 1


def literals(ctx: FileContext) -> Iterator[Literal]:
    """The bound values and the remaining text of every line of a file read as text."""
    reader = _Reader(ctx.language)
    offset = 0
    for raw in ctx.source.split(b"\n"):
        line = raw.decode("utf-8", "replace")
        yield from reader.line(line, offset)
        offset += len(raw) + 1


class _Reader:
    """Line-by-line state: an open block comment, a Terraform `variable "x" {` block."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.block = _BLOCKS.get(language)
        self.in_block = False
        self.variable: str | None = None

    def line(self, line: str, offset: int) -> Iterator[Literal]:
        if not line.strip():
            return
        if len(line) > MAX_LINE_CHARS:
            for start in range(0, len(line), MAX_LINE_CHARS):
                window = line[start : start + MAX_LINE_CHARS]
                yield Literal(
                    _byte(line, offset, start), _byte(line, offset, start + len(window)), window, None, "text"
                )
            return
        comment = self._is_comment(line)
        found = [] if comment else list(self._bindings(line))
        for item in found:
            yield Literal(
                _byte(line, offset, item.start),
                _byte(line, offset, item.end),
                item.value,
                item.name,
                item.role,
                interpolated=_interpolates(self.language, line, item),
            )
        yield from _rest(line, offset, found, "comment" if comment else "text")

    def _is_comment(self, line: str) -> bool:
        stripped = line.lstrip()
        if self.block is not None:
            opening, closing = self.block
            if self.in_block:
                self.in_block = closing not in line
                return True
            if stripped.startswith(opening) and closing not in stripped[len(opening) :]:
                self.in_block = True
                return True
        return stripped.startswith(_LINE_COMMENTS.get(self.language, ("#",)))

    def _bindings(self, line: str) -> Iterator[Binding]:
        if self.language == "terraform":
            self._track_variable(line)
        lowered = line.lower() if self.variable is None else f"{line} {self.variable}".lower()
        if not any(hint in lowered for hint in _CREDENTIAL_HINT):
            return
        taken: list[tuple[int, int]] = []
        for binding in _candidates(self.language, line):
            if binding.name == "default" and self.variable:
                binding = Binding(binding.start, binding.end, binding.value, self.variable, "default", binding.quoted)
            if any(binding.start < end and start < binding.end for start, end in taken):
                continue
            if binding.role in ("compare", "paired") and _WORDS_VALUE.match(binding.value):
                continue
            taken.append((binding.start, binding.end))
            yield binding

    def _track_variable(self, line: str) -> None:
        match = _VARIABLE.match(line) if "variable" in line else None
        if match:
            self.variable = match["var"]
        elif line.startswith("}"):
            self.variable = None


def _candidates(language: str, line: str) -> Iterator[Binding]:
    """Every binding form of `language` that matches the line, most specific first."""
    for pattern in _COMMON:
        yield from _matches(pattern, line, "key")
    if language in CODE:
        if language == "go":
            yield from _matches(_GO_VAR, line, "assign")
        if language == "powershell":
            for pattern in _POWERSHELL:
                yield from _matches(pattern, line, "keyword", default_name="SecureString password")
        for pattern, role in zip(_CODE, _CODE_ROLES):
            yield from _matches(pattern, line, role)
        if language == "groovy":
            yield from _matches(_GROOVY_CALL, line, "assign")
    elif language == "xml":
        for pattern in _XML:
            yield from _matches(pattern, line, "key")
    elif language == "shellscript" or language == "makefile" and line.startswith("\t"):
        for pattern in _SHELL:
            yield from _matches(pattern, line, "assign")
    elif language == "makefile":
        yield from _matches(_MAKE, line, "assign")
    else:
        yield from _matches(_NETRC, line, "key")
        # Prose has `word word` everywhere: plain text needs `key = value` or `key: value`.
        yield from _matches(_CONFIG_LINE if language != "plaintext" else _TEXT_LINE, line, "key")


def _matches(pattern: LinearPattern, line: str, role: str, default_name: str = "") -> Iterator[Binding]:
    for match in pattern.finditer(line):
        groups = match.groupdict()
        name = groups.get("name") or groups.get("qname") or groups.get("sym") or default_name
        for group in ("dq", "sq", "bq", "bare", "rest"):
            if groups.get(group) is not None:
                value = _TRAILING_COMMENT.split(groups[group], 1)[0].rstrip() if group == "rest" else groups[group]
                if group == "rest" and any(c.isspace() for c in value):
                    break  # `auth required pam_unix.so`: a directive with arguments, not a value
                start = match.start(group)
                yield Binding(start, start + len(value), value, name, role, group in ("dq", "sq", "bq"))
                break


def _interpolates(language: str, line: str, item: Binding) -> bool:
    """A double-quoted or bare value that substitutes something (`"$HOME/x"`, `"#{x}"`)."""
    if _REFERENCE.search(item.value) or not_a_secret(item.value, item.name):
        return True
    quote = line[item.start - 1 : item.start] if item.start else ""
    if quote == "'":
        return False  # single quotes substitute nothing in shell, PHP, Ruby, PowerShell, Groovy
    if language in _DOLLAR_STRINGS or not item.quoted:
        return _INTERPOLATES.search(item.value) is not None
    if language == "csharp":
        return line[item.start - 2 : item.start - 1] == "$" and "{" in item.value  # `$"...{x}"`
    return "#{" in item.value if language == "ruby" else False


def _rest(line: str, offset: int, found: list[Binding], role: str) -> Iterator[Literal]:
    """The line with its bound values blanked, searched for provider keys and URLs."""
    text = line
    for item in found:
        if not item.value.isascii():
            return  # blanking would move the byte offsets of what follows
        text = text[: item.start] + " " * (item.end - item.start) + text[item.end :]
    if text.strip():
        yield Literal(offset, offset + len(line.encode("utf-8")), text, None, role)


def _byte(line: str, offset: int, char_index: int) -> int:
    return offset + len(line[:char_index].encode("utf-8"))
