"""The last binding of a name before a use, answered from one walk of its scope (issue 15 part 7:
a function with thousands of sinks walked its whole body again for every sink)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tree_sitter import Node
from vetline.rules import languages
from vetline.rules.analysis import bindings
from vetline.rules.analysis.sinks import bound_value
from vetline.rules.engine import Engine
from vetline.rules.javascript._values import bound_value as js_bound_value
from vetline.rules.registry import by_id


def parse(text: str, language: str = "python") -> Node:
    parser = languages.parser(language)
    assert parser is not None
    return parser.parse(text.encode()).root_node


def uses_of(root: Node, name: str) -> list[Node]:
    """Every identifier `name` that is an argument of a call, in source order."""
    found, stack = [], [root]
    while stack:
        node = stack.pop()
        if (
            node.type == "identifier"
            and node.text == name.encode()
            and node.parent.type in ("argument_list", "arguments")
        ):
            found.append(node)
        stack.extend(reversed(node.children))
    return found


def text(node: Node | None) -> str | None:
    return node.text.decode() if node is not None and node.text is not None else None


def test_each_use_sees_the_binding_just_before_it() -> None:
    """Ensure that every use of a reassigned name sees its own last value, not a later one or a nested function's."""
    root = parse(
        "def f():\n"
        "    q = 'one'\n"
        "    run(q)\n"
        "    def inner():\n"
        "        q = 'nested'\n"
        "    q = 'two'\n"
        "    run(q)\n"
        "    with open(p) as q:\n"
        "        run(q)\n"
    )
    assert [text(bound_value(use)) for use in uses_of(root, "q")] == ["'one'", "'two'", "open(p)"]


def test_javascript_uses_see_their_own_declaration() -> None:
    """Ensure that a JavaScript name resolves to the declaration or assignment just before each use."""
    root = parse("function f() {\n  let sql = 'a';\n  run(sql);\n  sql = 'b' + x;\n  run(sql);\n}\n", "javascript")
    assert [text(js_bound_value(use)) for use in uses_of(root, "sql")] == ["'a'", "'b' + x"]


def test_a_scope_is_walked_once_for_any_number_of_questions() -> None:
    """Ensure that asking about 500 uses in one function walks the function once (it walked it 500 times)."""
    body = "".join(f"    v = 'text {i}'\n    run(v)\n" for i in range(500))
    root = parse("def f():\n" + body)
    walks = []

    def counting(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
        walks.append(scope)
        for statement in scope.named_children[-1].named_children:
            assignment = statement.named_children[0]
            if assignment.type == "assignment":
                yield assignment.start_byte, b"v", assignment.child_by_field_name("right")

    function = root.named_children[0]
    answers = [text(bindings.last_binding(function, use, counting)) for use in uses_of(root, "v")]
    assert answers == [f"'text {i}'" for i in range(500)] and len(walks) == 1
    bindings.forget()


@pytest.mark.parametrize("sinks", [300, 1_200])
def test_every_sink_of_a_long_function_is_reported(sinks: int) -> None:
    """Ensure that each `exec` of a parameter in a long function is reported once, on its own line."""
    source = "def handler(code):\n" + "".join(f"    exec(code + {i!r})\n" for i in range(sinks))
    engine = Engine([by_id()["eval-of-dynamic-code"]])
    lines = [f.start.line for f in engine.analyze(source.encode(), "python", "app.py").findings]
    assert lines == list(range(1, sinks + 1))
