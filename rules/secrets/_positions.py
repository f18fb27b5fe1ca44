"""Where a string literal sits: the credential-looking name it is assigned to or passed as.

Entropy and placeholder checks only run in credential positions, so the position decides
whether `"8f14e45fceea167a"` is a key (`api_key = ...`) or a checksum (`digest = ...`). One
tree-sitter query per language finds the literals and comments (C speed); the position is read
from the few parent nodes above each literal. Names are split into words (`openaiApiKey`,
`DB_PASSWORD`, `client-secret`) and judged by those words, so `author` is not `auth` and
`PASSWORD_FIELD` (a field name) is not a password.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

import tree_sitter
from tree_sitter import Node

from .. import languages
from ..analysis.nodes import enclosing_scope_name
from ..context import FileContext

_QUERIES = {
    # `@part`: the pieces of `"a" "b"`, read as one literal through their concatenation.
    "python": "[(string) (concatenated_string) (comment)] @item (concatenated_string (string) @part)",
    "javascript": "[(string) (template_string) (comment)] @item",
}
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
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
})
_SIGNING_NAMES = frozenset({
    "secret_key", "jwt_secret", "jwt_secret_key", "jwt_key", "jwt_signing_key", "signing_key", "session_secret",
    "secret_key_base", "token_secret", "cookie_secret", "app_secret_key", "flask_secret_key", "django_secret_key",
})
# Binding nodes whose name is not in a field called `name`, and those that are parameter defaults.
_NAME_FIELDS = {"assignment_pattern": "left", "field_definition": "property", "required_parameter": "pattern",
                "optional_parameter": "pattern", "default_parameter": "name", "typed_default_parameter": "name"}
_DEFAULTS = frozenset({"assignment_pattern", "required_parameter", "optional_parameter", "default_parameter", "typed_default_parameter"})
_ENV_READS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})
_JWT_CALLS = re.compile(r"(?:^|\.)(?:jwt|jose\.jwt|jsonwebtoken)\.(?:encode|decode|sign|verify)$")


class Literal(NamedTuple):
    """A string literal or comment and the name whose value it is (None when it has none).

    A named tuple rather than a frozen dataclass: one is built per literal of the file, and a
    frozen dataclass costs four times as much to construct."""

    start: int
    end: int
    value: str
    name: str | None
    role: str  # assign, keyword, key, default, compare, argument, signing, comment, text
    interpolated: bool = False
    node: Node | None = None


def words(name: str) -> tuple[str, ...]:
    """`openaiApiKey` -> (`openai`, `api`, `key`); `DB_PASSWORD` -> (`db`, `password`)."""
    return tuple(w.lower() for w in _WORD.findall(name))


@functools.lru_cache(maxsize=4096)
def name_class(name: str | None) -> str | None:
    """`signing`, `password`, `credential` or None for a name a literal is assigned to."""
    if not name:
        return None
    parts = words(name)
    if not parts or parts[-1] in _DESCRIPTIVE or "field" in parts or "header" in parts:
        return None
    if "_".join(parts) in _SIGNING_NAMES or "_".join(parts[-2:]) in ("jwt_secret", "signing_key"):
        return "signing"
    if any(p in _PASSWORD_WORDS for p in parts):
        return "password"
    if any(p in _CREDENTIAL_WORDS for p in parts) or parts[-1] in ("key", "keys") and any(p in _KEY_QUALIFIERS for p in parts):
        return "credential"
    return None


def literals(ctx: FileContext) -> Iterator[Literal]:
    """Every string literal and comment of a parsed file, with its position."""
    assert ctx.tree is not None
    query = _query(ctx.language)
    if query is None:
        return
    captures = tree_sitter.QueryCursor(query).captures(ctx.tree.root_node)
    parts = set(captures.get("part", ()))
    source = ctx.source
    for node in captures.get("item", ()):
        start, end, kind = node.start_byte, node.end_byte, node.type
        if kind == "comment":
            yield Literal(start, end, source[start:end].decode("utf-8", "replace"), None, "comment", node=node)
        elif node not in parts:
            value, interpolated = (kind != "concatenated_string" and _plain_value(source[start:end])) or _value(node)
            if _may_be_bound(value, interpolated):
                name, role = _position(ctx, node)
            else:
                name, role = None, "argument"  # prose or empty: no name can make it a credential
            yield Literal(start, end, value, name, role, interpolated, node=node)


def _may_be_bound(value: str, interpolated: bool) -> bool:
    """Cheap gate before reading the position: prose (docstrings, log lines) never needs it."""
    return bool(value) and not interpolated and "\n" not in value and value.count(" ") < 4


# The opening of a string literal: prefix letters (`rb`, `f`) and the quote.
_OPENING = re.compile(rb"([A-Za-z]{0,3})(\"\"\"|'''|\"|'|`)")


def _plain_value(raw: bytes) -> tuple[str, bool] | None:
    """The text between the quotes, read straight from the source (no child nodes built);
    None when the literal may interpolate (`f"{x}"`, `${x}`) or is malformed: `_value` then
    reads it from the tree."""
    opening = _OPENING.match(raw)
    if opening is None:
        return None
    quote = opening.group(2)
    if len(raw) < opening.end() + len(quote) or not raw.endswith(quote):
        return None
    content = raw[opening.end() : len(raw) - len(quote)]
    if (opening.group(1) or quote == b"`") and b"{" in content:
        return None
    return content.decode("utf-8", "replace"), False


def _value(node: Node) -> tuple[str, bool]:
    """The literal's text without quotes; interpolations become `{}`."""
    children = node.named_children
    if node.type == "string" and len(children) == 3 and children[0].type == "string_start":
        return (node.text or b"")[children[1].start_byte - node.start_byte : children[1].end_byte - node.start_byte].decode("utf-8", "replace"), children[1].type == "interpolation"
    if node.type == "concatenated_string":
        parts = [_value(child) for child in node.named_children]
        return "".join(p[0] for p in parts), any(p[1] for p in parts)
    text: list[str] = []
    interpolated = False
    for child in node.named_children:
        if child.type in ("interpolation", "template_substitution"):
            text.append("{}")
            interpolated = True
        elif child.type in ("string_content", "string_fragment", "escape_sequence"):
            text.append((child.text or b"").decode("utf-8", "replace"))
    return "".join(text), interpolated


def _position(ctx: FileContext, node: Node) -> tuple[str | None, str]:
    child, parent = node, node.parent
    # `os.getenv("X") or "fallback"`, `process.env.X || "fallback"`, `a if c else "b"`: look through.
    while parent is not None and parent.type in ("boolean_operator", "binary_expression", "conditional_expression",
                                                   "ternary_expression", "parenthesized_expression", "as_expression"):
        if parent.type == "binary_expression" and _operator(parent) in ("==", "===", "!=", "!=="):
            other = parent.child_by_field_name("left" if child == parent.child_by_field_name("right") else "right")
            return _target_name(ctx, other), "compare"
        if parent.type == "binary_expression" and _operator(parent) not in ("||", "??"):
            return None, "argument"
        child, parent = parent, parent.parent
    if parent is None:
        return None, "argument"
    kind = parent.type
    if kind in ("assignment", "assignment_expression", "augmented_assignment") and child == parent.child_by_field_name("right"):
        return _target_name(ctx, parent.child_by_field_name("left")), "assign"
    if kind in _NAME_FIELDS or kind in ("keyword_argument", "variable_declarator", "public_field_definition"):
        field = _NAME_FIELDS.get(kind, "name")
        role = "keyword" if kind == "keyword_argument" else "default" if kind in _DEFAULTS else "assign"
        if child != parent.child_by_field_name(field):
            return _target_name(ctx, parent.child_by_field_name(field)), role
    if kind == "pair" and child == parent.child_by_field_name("value"):
        return _target_name(ctx, parent.child_by_field_name("key")), "key"
    if kind == "comparison_operator":
        others = [c for c in parent.named_children if c != child]
        return (_target_name(ctx, others[0]) if others else None), "compare"
    if kind in ("argument_list", "arguments"):
        return _argument_position(ctx, parent, child)
    return None, "argument"


def _argument_position(ctx: FileContext, args: Node, child: Node) -> tuple[str | None, str]:
    first = _first_of_two_positionals(child)
    if first is None:  # only a second positional argument can be a key or a default
        return None, "argument"
    call = args.parent
    callee = call.child_by_field_name("function") if call is not None else None
    name = (ctx.qualified_name(callee) if ctx.language == "python" else None) or ctx.text(callee)
    if _JWT_CALLS.search(name):
        return "jwt signing key", "signing"
    if name in _ENV_READS and first.type == "string":
        return _value(first)[0], "default"
    return None, "argument"


def _first_of_two_positionals(child: Node) -> Node | None:
    """The first positional argument when `child` is the second one, else None."""
    before = []
    sibling = child.prev_named_sibling
    while sibling is not None and len(before) < 2:
        if sibling.type not in ("keyword_argument", "comment"):
            before.append(sibling)
        sibling = sibling.prev_named_sibling
    return before[0] if len(before) == 1 else None


def _target_name(ctx: FileContext, node: Node | None) -> str | None:
    """The name a value is bound to: `api_key`, `self.api_key` -> `api_key`, `cfg["api_key"]`."""
    if node is None:
        return None
    if node.type in ("identifier", "property_identifier", "shorthand_property_identifier", "private_property_identifier"):
        return ctx.text(node)
    if node.type in ("string", "concatenated_string"):
        return _value(node)[0]
    if node.type in ("attribute", "member_expression"):
        return _target_name(ctx, node.child_by_field_name("attribute") or node.child_by_field_name("property"))
    if node.type in ("subscript", "subscript_expression"):
        return _target_name(ctx, node.child_by_field_name("subscript") or node.child_by_field_name("index"))
    return None


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return operator.type if operator is not None else ""


def scope_name(literal: Literal, language: str) -> str:
    """`Class.method` around a literal, for baselines that must survive moved lines."""
    if literal.node is None:
        return ""
    return enclosing_scope_name(literal.node) if language == "python" else _js_scope(literal.node)


def _js_scope(node: Node) -> str:
    names: list[str] = []
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "class_declaration", "method_definition", "generator_function_declaration"):
            name = current.child_by_field_name("name")
            if name is not None and name.text:
                names.append(name.text.decode("utf-8", "replace"))
        current = current.parent
    return ".".join(reversed(names))


@functools.cache
def _query(language: str) -> tree_sitter.Query | None:
    grammar = languages.grammar(language)
    source = _QUERIES.get(language, _QUERIES["javascript"] if language in ("typescript", "typescriptreact") else "")
    return tree_sitter.Query(grammar, source) if grammar is not None and source else None
