"""Edits that several Python rules' fixes need: add an import, add or set a keyword argument.

Not a rule module (the leading underscore keeps the registry out). A new `import x` goes
before the first top-level statement that is not the module docstring, a comment or a
`from __future__` import, so it never breaks either of those placement rules. A new keyword
argument follows the call's layout: inline for one-line calls, its own line otherwise.
"""

from __future__ import annotations

from ..analysis.nodes import keyword_arg, line_indent
from ..context import FileContext, Match
from ..model import Edit


def import_edit(ctx: FileContext, module: str) -> Edit | None:
    """An edit adding `import <module>`, or None when the name is already bound to the module."""
    if ctx.names.bindings.get(module) == module:
        return None
    assert ctx.tree is not None
    for index, statement in enumerate(ctx.tree.root_node.named_children):
        if statement.type in ("comment", "future_import_statement"):
            continue
        if index == 0 and statement.type == "expression_statement" and statement.named_children[0].type == "string":
            continue
        return Edit(statement.start_byte, statement.start_byte, f"import {module}\n")
    end = len(ctx.source)
    prefix = "" if ctx.source.endswith(b"\n") or not ctx.source else "\n"
    return Edit(end, end, f"{prefix}import {module}\n")


def append_keyword(match: Match, keyword: str) -> Edit:
    """Add `keyword` after the last argument, on its own line when the call spans lines."""
    args = match.node("args")
    assert args is not None
    if not args.named_children:
        return Edit(args.start_byte + 1, args.start_byte + 1, keyword)
    last = args.named_children[-1]
    if last.start_point[0] == args.start_point[0]:
        return Edit(last.end_byte, last.end_byte, f", {keyword}")
    return Edit(last.end_byte, last.end_byte, f",\n{line_indent(match.ctx.source, last)}{keyword}")


def set_keyword(match: Match, keyword: str, value: str, inline: bool = False) -> Edit | None:
    """Rewrite the value of `keyword=` where the call passes it, else append `keyword=value`.

    `inline` appends after the last argument whatever the call's layout (None for a call with
    no arguments); otherwise `append_keyword` follows the layout.
    """
    args = match.node("args")
    current = keyword_arg(args, keyword)
    if current is not None:
        return Edit(current.start_byte, current.end_byte, value)
    if not inline:
        return append_keyword(match, f"{keyword}={value}")
    assert args is not None
    arguments = [child for child in args.named_children if child.type != "comment"]
    if not arguments:
        return None
    return Edit(arguments[-1].end_byte, arguments[-1].end_byte, f", {keyword}={value}")
