"""Redirects that are not a `redirect(...)` call: a `Location` header, a meta refresh in HTML.

Not a rule module (the leading underscore keeps the registry out); `open-redirect` reads it.
`response.headers["Location"] = url`, Django's `response["Location"] = url`, an `http.server`
handler's `self.send_header("Location", url)` and `<meta http-equiv="refresh" content="0;
url={url}">` all send the browser wherever `url` says.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, string_value
from ..context import Match
from ..patterns import linear

# Assignments to a `Location` header and the strings of a meta refresh, for the rule's query.
QUERY = """
(assignment
  left: (subscript subscript: (string (string_content) @header (#match? @header "^[Ll]ocation$")))
  right: (_) @url) @target
(string (interpolation) (#match? @target "[Hh][Tt][Tt][Pp]-[Ee][Qq][Uu][Ii][Vv]=.?[Rr][Ee][Ff][Rr][Ee][Ss][Hh]")) @target
"""
HEADER_CALLS = frozenset({".send_header", ".add_header", ".set_header"})
_URL_FIELD = linear(rb"url\s*=\s*['\"]?$", re.IGNORECASE)


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
