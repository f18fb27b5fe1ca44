"""Incremental analysis: re-analyse only the top-level statements an edit touched.

An edit inside one function changes nothing the engine concludes about other functions
(rules and data flow are intra-procedural; imports live at module level), so the server
parses just the module-level statements plus the edited top-level units (a unit is one
top-level statement and the gap after it, so text typed at the end of a function, a function
inserted or pasted after another, or statements appended at the end of the file belong to it;
tree-sitter `included_ranges` keeps real byte offsets), runs the engine on that partial tree,
and keeps the previous findings of every untouched definition, moved by the edits. The cost of
an edit then follows the size of what was edited, not of the file. An edit that adds or removes
`import` text, spans several units, touches more than `MAX_UNITS`, or leaves a syntax error takes
the full path instead. Module-level assignments can still change what a function's data flow
concludes, so a full analysis follows once the buffer has been quiet for a second and even
cross-definition effects converge.

Python and the JavaScript family (JavaScript, TypeScript, TSX) differ only in what counts as
module-level context: in Python every statement that is not a definition; in JavaScript the
imports and the declarations of values that are not functions (`const app = express()`,
`let BASE = "/api"`), so a route registration (`app.get("/x", handler)`), a function, a class
or an exported function is a unit of its own. `require` text, like `import` text, takes the
full path.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from collections.abc import Sequence

import tree_sitter
from vetline.rules import languages
from vetline.rules.model import Edit, Finding, Fix, Position

from .documents import Document

DEFINITIONS = frozenset({"function_definition", "class_definition", "decorated_definition"})
JS_CONTEXT = frozenset({"import_statement", "lexical_declaration", "variable_declaration", "export_statement"})
JS_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "class", "generator_function"})
MAX_UNITS = 8  # more edited definitions than this: a full analysis is as cheap
Span = tuple[int, int]


def plan(doc: Document) -> list[Span] | None:
    """The byte ranges to re-parse and re-analyse, or None when a full analysis is needed."""
    if not _supported(doc.language) or doc.tree is None or doc.base is None or not doc.dirty:
        return None
    if doc.imports_touched or not doc.index.rows_are_lines:  # a lone `\r` line end: whole lines below would not be rows
        return None
    root = doc.tree.root_node
    children = root.children
    if not children or (root.has_error and doc.language == "python"):
        return None
    starts = [child.start_byte for child in children]
    units: set[int] = set()
    for start, end in doc.dirty:
        i = bisect.bisect_right(starts, start) - 1
        next_start = starts[i + 1] if i + 1 < len(children) else len(doc.source)
        if i < 0 or end > next_start:
            return None
        units.add(i)
    if len(units) > MAX_UNITS:
        return None
    spans = [_unit_span(children, i, len(doc.source)) for i in sorted(units)]
    if root.has_error and not _errors_within(root, spans):
        return None  # JavaScript: an error elsewhere (half-typed code in another unit) may spill over
    module_level = [(c.start_byte, c.end_byte) for c in children if _is_context(c, doc.language or "")]
    return _merged([_whole_lines(doc, s) for s in (*module_level, *spans)])


def _supported(language: str | None) -> bool:
    return language == "python" or languages.is_javascript(language or "")


def _is_context(node: tree_sitter.Node, language: str) -> bool:
    """A top-level statement every partial analysis must see (imports, module-level values)."""
    if language == "python":
        return node.type not in DEFINITIONS
    if node.type not in JS_CONTEXT:
        return False
    if node.type == "import_statement":
        return True
    declaration = node.child_by_field_name("declaration") if node.type == "export_statement" else node
    if declaration is None:  # `export ... from "x"`, `export default value`, `export { a }`
        value = node.child_by_field_name("value")
        return node.child_by_field_name("source") is not None or (
            value is not None and value.type not in JS_FUNCTION_VALUES
        )
    if declaration.type not in ("lexical_declaration", "variable_declaration"):
        return False  # an exported function, class, interface or type: a unit of its own
    values = [d.child_by_field_name("value") for d in declaration.named_children if d.type == "variable_declarator"]
    return not values or any(v is None or v.type not in JS_FUNCTION_VALUES for v in values)


def parse(doc: Document, ranges: list[Span]) -> tree_sitter.Tree | None:
    """The partial tree, or None when it has a syntax error."""
    parser = _partial_parser(doc.language or "")
    parser.included_ranges = [
        tree_sitter.Range(doc.index.point(start), doc.index.point(end), start, end) for start, end in ranges
    ]
    tree = parser.parse(doc.source)
    if not tree.root_node.has_error:
        return tree
    # JavaScript recovers from an error inside the statement that holds it, as the full parse
    # does (`plan` made sure no other unit had one); Python's indentation errors can swallow
    # what follows, so Python goes full. The full analysis after a quiet second settles both.
    return tree if doc.language != "python" else None


def _errors_within(root: tree_sitter.Node, spans: Sequence[Span]) -> bool:
    """True when every syntax error below `root` lies inside one of `spans` (descends only into
    subtrees that hold an error, so the cost follows the errors, not the file)."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            if not any(start <= node.start_byte and node.end_byte <= end for start, end in spans):
                return False
            continue
        pending.extend(child for child in node.children if child.has_error)
    return True


def merge(doc: Document, fresh: Sequence[Finding], ranges: list[Span]) -> tuple[Finding, ...]:
    """Fresh findings inside the re-analysed ranges plus the moved findings outside them."""
    assert doc.base is not None
    kept = [f for f in fresh if _inside(f.start_byte, ranges)]
    for finding in doc.base:
        moved = _moved(finding, doc)
        if moved is not None and not _inside(moved.start_byte, ranges):
            kept.append(moved)
    return tuple(sorted(kept, key=lambda f: (f.start_byte, f.end_byte, f.rule_id)))


def _unit_span(children: list[tree_sitter.Node], i: int, size: int) -> Span:
    # The gap after a definition belongs to it: text typed at the end of a function lands there.
    return children[i].start_byte, children[i + 1].start_byte if i + 1 < len(children) else size


def _whole_lines(doc: Document, span: Span) -> Span:
    """Widen to whole lines: Python's indentation scanner needs each statement's newline."""
    start_line = doc.index.line_of(span[0])[0]
    end_line = doc.index.line_of(max(span[0], span[1] - 1))[0]
    starts = doc.index.starts
    return starts[start_line], starts[end_line + 1] if end_line + 1 < len(starts) else len(doc.source)


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _inside(offset: int, ranges: list[Span]) -> bool:
    return any(start <= offset < end for start, end in ranges)


def _moved(finding: Finding, doc: Document) -> Finding | None:
    """The finding moved through the edits since its analysis; None if an edit touched it."""
    span = _moved_span(finding.start_byte, finding.end_byte, doc.edits_since)
    if span is None:
        return None
    fix = _moved_fix(finding.fix, doc.edits_since)
    alternatives = tuple(f for f in (_moved_fix(a, doc.edits_since) for a in finding.alternative_fixes) if f)
    start, end = span
    return dataclasses.replace(
        finding,
        start_byte=start,
        end_byte=end,
        fix=fix,
        alternative_fixes=alternatives,
        start=Position(*doc.index.point(start)),
        end=Position(*doc.index.point(end)),
    )


def _moved_span(start: int, end: int, edits: list[tuple[int, int, int]]) -> Span | None:
    for edit_start, edit_end, new_length in edits:
        if end <= edit_start:
            continue
        if start < edit_end:
            return None
        delta = new_length - (edit_end - edit_start)
        start, end = start + delta, end + delta
    return start, end


def _moved_fix(fix: Fix | None, edits: list[tuple[int, int, int]]) -> Fix | None:
    if fix is None:
        return None
    moved: list[Edit] = []
    for edit in fix.edits:
        span = (
            (edit.start_byte, edit.end_byte)
            if edit.path is not None
            else _moved_span(edit.start_byte, edit.end_byte, edits)
        )
        if span is None:
            return None
        moved.append(
            edit
            if span == (edit.start_byte, edit.end_byte)
            else dataclasses.replace(edit, start_byte=span[0], end_byte=span[1])
        )
    return dataclasses.replace(fix, edits=tuple(moved))


@functools.cache
def _partial_parser(language: str) -> tree_sitter.Parser:
    # A parser of its own: `included_ranges` sticks to a parser, the full parser must not see it.
    parser = languages.parser(language)
    assert parser is not None
    return parser
