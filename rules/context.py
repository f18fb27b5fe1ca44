"""What a rule sees: the file being analysed (`FileContext`) and one match in it (`Match`).

Analyses that several rules need (import resolution, data flow) hang off the file context as
lazily computed properties, so a file pays for them once, and only if some rule asks.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from tree_sitter import Node, Tree

from .languages import is_javascript
from .model import Position

T = TypeVar("T")

if TYPE_CHECKING:
    from .analysis.names import NameResolver
    from .analysis.taint import TaintAnalysis
    from .model import Rule


@dataclass
class FileContext:
    """One file under analysis: its bytes, its tree (None for plain-text formats), settings."""

    path: str
    language: str
    source: bytes
    tree: Tree | None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The engine's rules by id, as configured (severity overrides applied): a `scan=` function
    # builds its findings from these so that configuration reaches whole-file rules too.
    rules: Mapping[str, Rule] = field(default_factory=dict)
    _contains: dict[tuple[bytes, int, int], bool] = field(default_factory=dict, init=False, repr=False)
    _facts: dict[str, Any] = field(default_factory=dict, init=False, repr=False)

    def text(self, node: Node | None) -> str:
        """The source text of a node, decoded (invalid bytes replaced)."""
        if node is None:
            return ""
        return self.source[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def option(self, rule: Rule, key: str, default: Any = None) -> Any:
        """A per-rule option from configuration, falling back to the rule's documented default."""
        configured = self.options.get(rule.id, {})
        if key in configured:
            return configured[key]
        return rule.options.get(key, default)

    def fact(self, key: str, compute: Callable[[], T]) -> T:
        """A file-wide fact a rule needs at many matches (the file's guarded routers), computed once."""
        if key not in self._facts:
            self._facts[key] = compute()
        return cast(T, self._facts[key])

    def contains(self, needle: bytes, within: Node | None = None) -> bool:
        """Whether `needle` occurs in the file, or in the text of `within`. Each question is
        answered once per file, so a rule asking it at each of thousands of matches stays linear."""
        start, end = (within.start_byte, within.end_byte) if within is not None else (0, len(self.source))
        key = (needle, start, end)
        if key not in self._contains:
            self._contains[key] = self.source.find(needle, start, end) != -1
        return self._contains[key]

    @functools.cached_property
    def line_starts(self) -> list[int]:
        """Byte offset of the start of each line, for positions of text-format findings."""
        starts = [0]
        starts.extend(match.end() for match in re.finditer(b"\n", self.source))  # C speed on big files
        return starts

    def position(self, byte_offset: int) -> Position:
        """The zero-based line and byte column of a byte offset."""
        line = bisect.bisect_right(self.line_starts, byte_offset) - 1
        return Position(line, byte_offset - self.line_starts[line])

    @functools.cached_property
    def names(self) -> NameResolver:
        assert self.tree is not None, "name resolution needs a parsed file"
        if is_javascript(self.language):
            from .javascript._names import JsNameResolver

            # It answers what rules ask of either resolver: bindings, qualified_name, imports_module.
            return cast("NameResolver", JsNameResolver(self.tree.root_node))
        from .analysis.names import NameResolver

        return NameResolver(self.tree.root_node)

    @functools.cached_property
    def taint(self) -> TaintAnalysis:
        if is_javascript(self.language):
            from .javascript._taint import JsTaintAnalysis

            # It answers `origin(node)`, the one question the shared sink policy asks.
            return cast("TaintAnalysis", JsTaintAnalysis(self))
        from .analysis.taint import TaintAnalysis

        return TaintAnalysis(self)

    def qualified_name(self, node: Node | None) -> str | None:
        """The alias-resolved dotted name of an identifier or attribute chain."""
        return self.names.qualified_name(node)


@dataclass(frozen=True)
class Match:
    """One place a rule's query or call list matched: the target node and named captures."""

    ctx: FileContext
    rule: Rule
    target: Node
    captures: Mapping[str, list[Node]]

    def node(self, name: str) -> Node | None:
        """The first node captured under `name`, or None."""
        nodes = self.captures.get(name)
        return nodes[0] if nodes else None

    def text(self, name: str) -> str:
        """The source text of the first node captured under `name` ('' when absent)."""
        return self.ctx.text(self.node(name))

    def option(self, key: str, default: Any = None) -> Any:
        return self.ctx.option(self.rule, key, default)
