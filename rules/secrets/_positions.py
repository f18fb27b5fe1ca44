"""Where a string literal sits: the credential-looking name it is assigned to or passed as.

Entropy and placeholder checks only run in credential positions, so the position decides
whether `"8f14e45fceea167a"` is a key (`api_key = ...`) or a checksum (`digest = ...`). One
tree-sitter query per language finds the literals and comments (C speed); the position is read
from the few parent nodes above each literal; `_names` judges the name it finds.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import NamedTuple

import tree_sitter
from tree_sitter import Node

from .. import languages, walk
from ..analysis.nodes import enclosing_scope_name
from ..context import FileContext
from ..patterns import linear
from ._refused import refuses_value
from ._values import literal_value

_QUERIES = {
    # `@part`: the pieces of `"a" "b"`, read as one literal through their concatenation.
    # `@concat`: every binary operator, its shape checked in Python (`_is_concat`). A pattern with
    # child constraints keeps a cursor state open for each ancestor on a deep `a + a + ... + a`
    # chain: quadratic in tree-sitter (4 s for 8,000 operands, 20 s for 16,000).
    "python": "[(string) (concatenated_string) (comment)] @item (concatenated_string (string) @part)"
    " (binary_operator) @concat",
    "javascript": "[(string) (template_string) (comment)] @item (binary_expression) @concat",
}
LITERALS_KEY = "secrets.literals"  # this query's captures, from the engine's shared walk
walk.share(
    LITERALS_KEY,
    {
        language: _QUERIES.get(language, _QUERIES["javascript"])
        for language in ("python", "javascript", "typescript", "typescriptreact")
    },
)
# fmt: off
# Binding nodes whose name is not in a field called `name`, and those that are parameter defaults.
_NAME_FIELDS = {"assignment_pattern": "left", "field_definition": "property", "required_parameter": "pattern",
                "optional_parameter": "pattern", "default_parameter": "name", "typed_default_parameter": "name"}
_DEFAULTS = frozenset({"assignment_pattern", "required_parameter", "optional_parameter", "default_parameter", "typed_default_parameter"})
_LOOK_THROUGH = frozenset({"boolean_operator", "binary_expression", "conditional_expression", "ternary_expression",
                           "parenthesized_expression", "as_expression"})
_ASSIGNMENTS = frozenset({"assignment", "assignment_expression", "augmented_assignment"})
_BINDINGS = frozenset({*_NAME_FIELDS, "keyword_argument", "variable_declarator", "public_field_definition"})
# The parents under which a literal can be bound to a name; under any other it has none.
_MAY_BIND = _LOOK_THROUGH | _ASSIGNMENTS | _BINDINGS | {"pair", "comparison_operator", "argument_list", "arguments"}
# fmt: on
_ENV_READS = frozenset({"os.getenv", "os.environ.get", "getenv", "environ.get"})
# Calls whose first positional argument is a signing or encryption key (`Fernet(b"...")`).
_ITSDANGEROUS = (
    "Signer",
    "TimestampSigner",
    "Serializer",
    "TimedSerializer",
    "URLSafeSerializer",
    "URLSafeTimedSerializer",
    "JSONWebSignatureSerializer",
    "TimedJSONWebSignatureSerializer",
)
KEY_FIRST_CALLS = frozenset(
    {"cryptography.fernet.Fernet", "hmac.new", "hmac.HMAC", "hmac.digest"}
    | {f"itsdangerous.{name}" for name in _ITSDANGEROUS}
    | {f"itsdangerous.url_safe.{name}" for name in _ITSDANGEROUS}
    | {f"itsdangerous.serializer.{name}" for name in _ITSDANGEROUS}
    | {f"itsdangerous.timed.{name}" for name in _ITSDANGEROUS}
)
_JWT_CALLS = linear(r"(?:^|\.)(?:jwt|jose\.jwt|jsonwebtoken)\.(?:encode|decode|sign|verify)$")


class Literal(NamedTuple):
    """A string literal or comment and the name whose value it is (None when it has none).

    A named tuple rather than a frozen dataclass: one is built per literal of the file, and a
    frozen dataclass costs four times as much to construct."""

    start: int
    end: int
    value: str
    name: str | None
    role: str  # assign, keyword, key, default, compare, argument, signing, comment, text, docstring
    interpolated: bool = False
    node: Node | None = None


def literals(ctx: FileContext) -> Iterator[Literal]:
    """Every string literal and comment of a parsed file, with its position."""
    assert ctx.tree is not None
    captures = walk.shared(ctx, LITERALS_KEY)
    if captures is None:
        query = _query(ctx.language)
        if query is None:
            return
        captures = languages.cursor(query).captures(ctx.tree.root_node)
    parts = set(captures.get("part", ()))
    source = ctx.source
    concats = [node for node in captures.get("concat", ()) if _is_concat(node)]
    # The inner `+` of a longer chain is its parent's left operand (found downwards: tree-sitter
    # finds a node's parent by walking from the root, which is quadratic down a long chain).
    inner = {concat.child_by_field_name("left") for concat in concats}
    for concat in concats:  # in source order, like the findings
        if concat in inner:
            continue  # folded with the chain it belongs to: folding it again would be quadratic
        leaves = _folded_leaves(concat)
        if leaves is None:
            continue  # not all literals
        parts.update(leaves)
        yield _literal(ctx, concat, "".join(literal_value(source, n, n.type)[0] for n in leaves), False)
    for node in captures.get("item", ()):
        start, end, kind = node.start_byte, node.end_byte, node.type
        if kind == "comment":
            yield Literal(start, end, source[start:end].decode("utf-8", "replace"), None, "comment", node=node)
        elif node not in parts:
            yield _literal(ctx, node, *literal_value(source, node, kind))


def _literal(ctx: FileContext, node: Node, value: str, interpolated: bool) -> Literal:
    if "://" in value and node.parent is not None and node.parent.type == "expression_statement":
        name, role = None, "docstring"  # a bare string statement shows examples, not config
    elif _may_be_bound(value, interpolated):
        name, role = _position(ctx, node)
    else:
        name, role = None, "argument"  # prose or empty: no name can make it a credential
    return Literal(node.start_byte, node.end_byte, value, name, role, interpolated, node=node)


def _is_concat(node: Node) -> bool:
    """`"a" + "b"` or `<chain> + "b"`: the shape whose leaves `_folded_leaves` joins."""
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    return (
        right is not None
        and right.type == "string"
        and left is not None
        and left.type in ("string", node.type)
        and _operator(node) == "+"
    )


def _folded_leaves(node: Node) -> list[Node] | None:
    """The plain string literals of a `"sk-proj-" + "..."` chain, left to right, or None.

    Iterative: a chain of 100,000 operands is a tree that deep."""
    leaves: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("binary_operator", "binary_expression"):
            left, right = current.child_by_field_name("left"), current.child_by_field_name("right")
            if _operator(current) != "+" or left is None or right is None:
                return None
            stack.extend((right, left))  # left is popped first
        elif current.type == "string" and not any(
            c.type in ("interpolation", "template_substitution") for c in current.children
        ):
            leaves.append(current)
        else:
            return None
    return leaves


def _may_be_bound(value: str, interpolated: bool) -> bool:
    """Cheap gate before reading the position: prose (docstrings, log lines) never needs it."""
    return bool(value) and not interpolated and "\n" not in value and value.count(" ") < 4


def _position(ctx: FileContext, node: Node) -> tuple[str | None, str]:
    child, parent = node, node.parent
    if parent is None or parent.type not in _MAY_BIND:
        return None, "argument"  # a docstring, a list element, a returned value: no name
    kind = parent.type
    # `os.getenv("X") or "fallback"`, `process.env.X || "fallback"`, `a if c else "b"`: look through.
    while kind in _LOOK_THROUGH:
        if kind == "binary_expression" and _operator(parent) in ("==", "===", "!=", "!=="):
            if refuses_value(parent, _operator(parent)):
                return None, "argument"  # `if (secret === "changeme") throw ...`: a refused default
            other = parent.child_by_field_name("left" if child == parent.child_by_field_name("right") else "right")
            return _compared_name(ctx, other), "compare"
        if kind == "binary_expression" and _operator(parent) not in ("||", "??"):
            return None, "argument"
        child, parent = parent, parent.parent
        if parent is None:  # ran out of ancestors: the literal is bound to no name
            return None, "argument"
        kind = parent.type
    if kind in _ASSIGNMENTS and child == parent.child_by_field_name("right"):
        return _target_name(ctx, parent.child_by_field_name("left")), "assign"
    if kind in _BINDINGS:
        field = _NAME_FIELDS.get(kind, "name")
        role = "keyword" if kind == "keyword_argument" else "default" if kind in _DEFAULTS else "assign"
        if child != parent.child_by_field_name(field):
            return _target_name(ctx, parent.child_by_field_name(field)), role
    if kind == "pair" and child == parent.child_by_field_name("value"):
        key = parent.child_by_field_name("key")
        if ctx.language == "python" and key is not None and key.type != "string":
            return None, "argument"  # `{Token: "#d0d0d0"}`: the key is an object, not a credential name
        return _target_name(ctx, key), "key"
    if kind == "comparison_operator":
        if any(c.type in ("in", "not in") for c in parent.children):
            return None, "argument"  # membership (`"file" in keys`) never checks a credential
        if refuses_value(parent, _comparison_operator(parent)):
            return None, "argument"  # `if SECRET_KEY == "changeme": raise ...`: a refused default
        others = [c for c in parent.named_children if c != child]
        return (_compared_name(ctx, others[0]) if others else None), "compare"
    if kind in ("argument_list", "arguments"):
        return _argument_position(ctx, parent, child)
    return None, "argument"


def _argument_position(ctx: FileContext, args: Node, child: Node) -> tuple[str | None, str]:
    if ctx.language == "python" and _is_first_positional(child):
        callee = args.parent.child_by_field_name("function") if args.parent is not None else None
        if (ctx.qualified_name(callee) or "") in KEY_FIRST_CALLS:
            return "signing key", "key-argument"
    first = _first_of_two_positionals(child)
    if first is None:  # only a second positional argument can be a key or a default
        return None, "argument"
    call = args.parent
    callee = call.child_by_field_name("function") if call is not None else None
    name = (ctx.qualified_name(callee) if ctx.language == "python" else None) or ctx.text(callee)
    if _JWT_CALLS.search(name):
        return "jwt signing key", "signing"
    if name in _ENV_READS and first.type == "string":
        return literal_value(ctx.source, first, first.type)[0], "default"
    return None, "argument"


def _is_first_positional(child: Node) -> bool:
    sibling = child.prev_named_sibling
    while sibling is not None and sibling.type == "comment":
        sibling = sibling.prev_named_sibling
    return sibling is None and child.type not in ("keyword_argument", "list_splat", "dictionary_splat")


def _first_of_two_positionals(child: Node) -> Node | None:
    """The first positional argument when `child` is the second one, else None."""
    before: list[Node] = []
    sibling = child.prev_named_sibling
    while sibling is not None and len(before) < 2:
        if sibling.type not in ("keyword_argument", "comment"):
            before.append(sibling)
        sibling = sibling.prev_named_sibling
    return before[0] if len(before) == 1 else None


def _compared_name(ctx: FileContext, node: Node | None) -> str | None:
    """What a literal is compared with: a name, or the key a call reads (`headers.get("X-API-Key")`)."""
    if node is None or node.type not in ("call", "call_expression"):
        return _target_name(ctx, node)
    args = node.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is not None and first.type == "string":
        return literal_value(ctx.source, first, first.type)[0]
    return _target_name(ctx, node.child_by_field_name("function"))


def _target_name(ctx: FileContext, node: Node | None) -> str | None:
    """The name a value is bound to: `api_key`, `self.api_key` -> `api_key`, `cfg["api_key"]`."""
    if node is None:
        return None
    if node.type in (
        "identifier",
        "property_identifier",
        "shorthand_property_identifier",
        "private_property_identifier",
    ):
        return ctx.text(node)
    if node.type in ("string", "concatenated_string"):
        return literal_value(ctx.source, node, node.type)[0]
    if node.type in ("attribute", "member_expression"):
        return _target_name(ctx, node.child_by_field_name("attribute") or node.child_by_field_name("property"))
    if node.type in ("subscript", "subscript_expression"):
        return _target_name(ctx, node.child_by_field_name("subscript") or node.child_by_field_name("index"))
    return None


def _comparison_operator(comparison: Node) -> str:
    """The operator of a two-sided Python comparison (`a == b`); empty for a chain (`a < b < c`)."""
    operators = [child.type for child in comparison.children if not child.is_named]
    return operators[0] if len(operators) == 1 else ""


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
        if current.type in (
            "function_declaration",
            "class_declaration",
            "method_definition",
            "generator_function_declaration",
        ):
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
