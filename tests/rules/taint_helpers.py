"""Shared by the taint tests: the origins the analysis gives the argument of every `sink(...)` call."""

from __future__ import annotations

import tree_sitter
from vetline.rules import languages
from vetline.rules.analysis.taint import Origin
from vetline.rules.context import FileContext

_SINKS = '(call function: (identifier) @f (#eq? @f "sink") arguments: (argument_list . (_) @arg))'


def sink_origins(source_text: str) -> list[Origin]:
    """The origins of every `sink(x)` argument of `source_text`, in source order."""
    source = source_text.encode()
    tree = languages.parser("python").parse(source)  # type: ignore[union-attr]
    ctx = FileContext("test.py", "python", source, tree)
    query = tree_sitter.Query(languages.grammar("python"), _SINKS)  # type: ignore[arg-type]
    nodes = [caps["arg"][0] for _, caps in tree_sitter.QueryCursor(query).matches(tree.root_node)]
    return [ctx.taint.origin(node) for node in sorted(nodes, key=lambda n: n.start_byte)]
