"""HTML that leaves a handler without a template: written to `self.wfile`, or accumulated and returned.

Tornado handlers write their page with `self.write(html)`, which counts the same way.

Not a rule module (the leading underscore keeps the registry out); `xss-unescaped-html` reads it.
`http.server` handlers write their page to `self.wfile` (`self.wfile.write(f"<h1>{name}</h1>"
.encode())`); OWASP Benchmark-style Flask views build the page in a variable
(`RESPONSE += f"<p>{bar}</p>"; return RESPONSE`) or an `io.StringIO` (`buf.write(...)`;
`return buf.getvalue()`). Such an output is HTML when some literal written into it holds a tag.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, enclosing_function
from ..analysis.web import is_built_string, looks_like_html
from ..context import Match

_WRITES = frozenset({"write", "append", "writelines"})


def written_to_wfile(match: Match) -> Node | None:
    """The text of `self.wfile.write(text.encode())` (or Tornado's `self.write(text)`) when it is built HTML."""
    callee = match.node("fn")
    receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
    if receiver is None:
        return None
    tornado = match.ctx.text(receiver) == "self" and match.ctx.names.imports_module("tornado")  # `self.write(html)`
    if not tornado and match.ctx.text(receiver) not in ("self.wfile", "handler.wfile", "self.request.wfile"):
        return None
    value = argument(match.node("args"), 0)
    text = _without_encode(value)
    if text is None or not looks_like_html(text) or not is_built_string(text):
        return None
    return text


def _without_encode(value: Node | None) -> Node | None:
    """`("<p>" + x + "</p>").encode()` -> the string expression that was encoded."""
    while value is not None and value.type == "call":
        callee = value.child_by_field_name("function")
        method = callee.child_by_field_name("attribute") if callee is not None else None
        if callee is None or callee.type != "attribute" or method is None or method.text != b"encode":
            return value
        value = callee.child_by_field_name("object")
    while value is not None and value.type == "parenthesized_expression" and value.named_children:
        value = value.named_children[0]
    return value


def accumulated_name(match: Match, value: Node) -> str | None:
    """`RESPONSE` for `return RESPONSE` / `buf` for `return buf.getvalue()`, when HTML was put into it."""
    if value.type == "identifier":
        name = match.ctx.text(value)
    elif value.type == "call":
        callee = value.child_by_field_name("function")
        receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
        if receiver is None or receiver.type != "identifier":
            return None
        name = match.ctx.text(receiver)
    else:
        return None
    function = enclosing_function(value)
    return name if function is not None and _html_written(match, function, name.encode()) else None


def _html_written(match: Match, function: Node, name: bytes) -> bool:
    """Some `name = ...`, `name += ...` or `name.write(...)` in the function puts a tag into `name`."""
    stack = [function.child_by_field_name("body")]
    while stack:
        node = stack.pop()
        if node is None or node.type in ("function_definition", "class_definition", "lambda"):
            continue
        if node.type in ("assignment", "augmented_assignment"):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and left.text == name and right is not None and looks_like_html(right):
                return True
        if node.type == "call":
            callee = node.child_by_field_name("function")
            receiver = (
                callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
            )
            method = callee.child_by_field_name("attribute") if receiver is not None and callee is not None else None
            args = node.child_by_field_name("arguments")
            if (
                receiver is not None
                and receiver.text == name
                and method is not None
                and (method.text or b"").decode() in _WRITES
                and args is not None
                and looks_like_html(args)
            ):
                return True
        stack.extend(node.named_children)
    return False
