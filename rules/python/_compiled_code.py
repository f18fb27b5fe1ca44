"""What `eval-of-dynamic-code` needs to know about `compile()`: is its input a tree, is its result used?

Not a rule module (the leading underscore keeps the registry out). `compile(tree, ...)` on an
`ast` tree the program built (`ast.parse`, `ast.Expression(...)`, a same-file function typed
`-> ast.Module`) compiles code the program wrote, and `compile(text, "", "eval")` whose result
is thrown away only checks the syntax. When `code = compile(src, ...)` is later run by
`exec(code)`, the finding belongs to the `compile` (which sees where `src` came from), so the
`exec` of a compiled code object is skipped: one finding per flow.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node

from ..analysis.bindings import last_binding
from ..context import FileContext

COMPILE = frozenset({"compile", "builtins.compile"})
_SCOPES = frozenset({"function_definition", "module"})
_NESTED = frozenset({"function_definition", "class_definition", "lambda"})
_TARGETS = frozenset({"pattern_list", "tuple_pattern", "list_pattern", "tuple", "list"})


def bound_value(name: Node) -> Node | None:
    """The expression last assigned to identifier `name` before it in its scope; for
    `a, b = f()` the whole `f()` (or the matching item of a same-length tuple literal)."""
    scope = name.parent
    while scope is not None and scope.type not in _SCOPES:
        scope = scope.parent
    return last_binding(scope, name, _assignments) if scope is not None else None


def _assignments(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """Each name an assignment in `scope` (outside nested functions, classes and lambdas) binds."""
    stack = list(scope.named_children)
    while stack:
        node = stack.pop()
        if node.type in _NESTED:
            continue
        if node.type == "assignment":
            for target in _target_names(node):
                value = _assigned(node, target)
                if value is not None:
                    yield node.start_byte, target, value
        stack.extend(node.named_children)


def _target_names(assignment: Node) -> set[bytes]:
    left = assignment.child_by_field_name("left")
    if left is None:
        return set()
    targets = [left] if left.type == "identifier" else left.named_children if left.type in _TARGETS else []
    return {target.text for target in targets if target.type == "identifier" and target.text is not None}


def _assigned(assignment: Node, name: bytes | None) -> Node | None:
    left, right = assignment.child_by_field_name("left"), assignment.child_by_field_name("right")
    if left is None or right is None:
        return None
    if left.type == "identifier":
        return right if left.text == name else None
    if left.type not in _TARGETS:
        return None
    targets = left.named_children
    for index, target in enumerate(targets):
        if target.type == "identifier" and target.text == name:
            items = right.named_children if right.type in ("tuple", "expression_list", "list") else []
            return items[index] if len(items) == len(targets) else right
    return None


def value_of(node: Node | None) -> Node | None:
    """`node`, or for a local name the value it was last assigned."""
    if node is not None and node.type == "identifier":
        return bound_value(node) or node
    return node


def is_ast_tree(ctx: FileContext, node: Node | None) -> bool:
    """True when `node` is (or names) an `ast` tree: an `ast.*` call, a same-file function typed to
    return one, or a parameter annotated `ast.*`."""
    value = value_of(node)
    if value is None:
        return False
    if value.type == "identifier":
        return _annotated_ast(value)
    if value.type != "call":
        return False
    callee = value.child_by_field_name("function")
    if (ctx.qualified_name(callee) or "").startswith("ast."):
        return True
    function = (
        ctx.taint.module_function(ctx.text(callee)) if callee is not None and callee.type == "identifier" else None
    )
    returns = function.child_by_field_name("return_type") if function is not None else None
    return returns is not None and "ast." in ctx.text(returns)


def parsed_text(ctx: FileContext, node: Node | None) -> Node | None:
    """The text of `ast.parse(text)` when `node` is (or names) that call: the tree is only as
    trustworthy as the text, so the rule still reports request data parsed and compiled."""
    value = value_of(node)
    if value is None or value.type != "call":
        return None
    if ctx.qualified_name(value.child_by_field_name("function")) != "ast.parse":
        return None
    args = value.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    return first if first is not None and first.type != "keyword_argument" else None


def _annotated_ast(name: Node) -> bool:
    """A parameter of the enclosing function annotated with an `ast` type (`tree: ast.Module`)."""
    function = name.parent
    while function is not None and function.type != "function_definition":
        function = function.parent
    params = function.child_by_field_name("parameters") if function is not None else None
    for param in params.named_children if params is not None else ():
        annotation = param.child_by_field_name("type")
        first = param.named_children[0] if param.named_children else None
        if annotation is not None and first is not None and first.text == name.text:
            return (annotation.text or b"").startswith(b"ast.")
    return False


def result_unused(call: Node) -> bool:
    """`compile(text, "", "eval")` as a statement of its own: a syntax check, nothing runs."""
    parent = call.parent
    return parent is not None and parent.type == "expression_statement"


def is_compiled(ctx: FileContext, node: Node | None) -> bool:
    """True when `node` is (or names) the result of `compile(...)`: `exec(code)` after `code = compile(...)`."""
    value = value_of(node)
    return (
        value is not None
        and value.type == "call"
        and ctx.qualified_name(value.child_by_field_name("function")) in COMPILE
    )
