"""Redirects that are not a `redirect(...)` call: a `Location` header, a meta refresh in HTML.

Not a rule module (the leading underscore keeps the registry out); `open-redirect` reads it.
`response.headers["Location"] = url`, Django's `response["Location"] = url`, an `http.server`
handler's `self.send_header("Location", url)` and `<meta http-equiv="refresh" content="0;
url={url}">` all send the browser wherever `url` says. A `Location` on a response built with a
literal 2xx status (`make_response(body, 201)`) names a created resource and is not followed.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, string_value
from ..context import Match
from ..patterns import linear
from ._expressions import definition

# Assignments to a `Location` header and the strings of a meta refresh, for the rule's query.
QUERY = """
(assignment
  left: (subscript subscript: (string (string_content) @header (#match? @header "^[Ll]ocation$")))
  right: (_) @url) @target
(string (interpolation) (#match? @target "[Hh][Tt][Tt][Pp]-[Ee][Qq][Uu][Ii][Vv]=.?[Rr][Ee][Ff][Rr][Ee][Ss][Hh]")) @target
"""
HEADER_CALLS = frozenset({".send_header", ".add_header", ".set_header"})
_URL_FIELD = linear(rb"url\s*=\s*['\"]?$", re.IGNORECASE)


def not_a_redirect_response(match: Match) -> bool:
    """`r = make_response(jsonify(x), 201); r.headers["Location"] = ...`: a `Location` on a
    response built with a literal non-3xx status names a created resource; browsers do not follow it."""
    target = match.node("url")
    left = match.target.child_by_field_name("left") if target is not None else None
    headers = left.child_by_field_name("value") if left is not None else None
    response = headers.child_by_field_name("object") if headers is not None and headers.type == "attribute" else headers
    if response is None or response.type != "identifier":
        return False
    built = definition(response)
    arguments = built.child_by_field_name("arguments") if built is not None and built.type == "call" else None
    statuses = [
        int(a.text)
        for a in (arguments.named_children if arguments is not None else ())
        if a.type == "integer" and a.text and a.text.isdigit()
    ]
    return bool(statuses) and not any(300 <= status < 400 for status in statuses)


def header_target(match: Match) -> Node | None:
    """The value of `self.send_header("Location", value)`, else None."""
    args = match.node("args")
    name = string_value(argument(args, 0))
    return argument(args, 1) if name is not None and name.lower() == "location" else None


def refresh_target(match: Match) -> Node | None:
    """The interpolated expression after `url=` in a meta-refresh f-string."""
    literal = match.target
    before = b""
    for child in literal.named_children:
        if child.type == "interpolation" and _URL_FIELD.search(before[-40:]):
            return child.child_by_field_name("expression") or (
                child.named_children[0] if child.named_children else None
            )
        before += child.text or b"" if child.type != "interpolation" else b"{}"
    return None
