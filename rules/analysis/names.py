"""Resolve what a Python name or attribute chain refers to through the file's imports.

AI code uses every import style, so rules never compare callee text: `import hashlib as h;
h.md5()`, `from hashlib import md5; md5()` and `hashlib.md5()` all resolve to `hashlib.md5`.
Names that no import binds resolve to themselves (`eval`, `open`, `request.args` in a file
that imported `request` from flask resolves to `flask.request.args`). Imports are collected
from the whole file, wherever they appear: a rule errs towards seeing the library. A name a
function imports itself resolves, inside that function, to its own import (`from yaml import
load as orig` in one function and `from yaml import dump as orig` in the next are two names).
"""

from __future__ import annotations

from tree_sitter import Node

from ..patterns import linear


class NameResolver:
    """Maps local names to the dotted names they were imported as, for one file."""

    def __init__(self, root: Node) -> None:
        self.bindings: dict[str, str] = {}
        self._cache: dict[int, str | None] = {}
        self._local: dict[tuple[int, str], str] = {}  # (function node id, name) -> a function-level import
        self._locally_bound: set[str] = set()
        self._imports: dict[str, bool] = {}  # module -> `imports_module(module)`
        self._collect(root)

    def _collect(self, root: Node) -> None:
        source = root.text
        if source is None:
            self._walk(root)
            return
        statements = [s for s in _import_statements(root, source) if _reachable(s, root)]
        # `_walk` pops a stack, so it binds later imports first and earlier ones overwrite them.
        for statement in reversed(statements):
            self._bind(statement)

    def _bind(self, node: Node) -> None:
        bound = self._bind_import(node) if node.type == "import_statement" else self._bind_from_import(node)
        function = _enclosing_function(node)
        if function is not None:
            for name, target in bound:
                self._local[(function.id, name)] = target
                self._locally_bound.add(name)

    def _walk(self, root: Node) -> None:
        """Every import in statements, the slow way: for a tree that does not keep its text."""
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "import_statement":
                self._bind_import(node)
            elif node.type == "import_from_statement":
                self._bind_from_import(node)
            elif node.type in _MAY_CONTAIN_IMPORTS or node.is_error:
                stack.extend(node.named_children)

    def _bind_import(self, node: Node) -> list[tuple[str, str]]:
        """Binds the names an `import` statement binds, and returns them with their targets."""
        bound = []
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                bound.append((_text(child.child_by_field_name("alias")), _text(child.child_by_field_name("name"))))
                self.bindings[bound[-1][0]] = bound[-1][1]
            else:
                head = _text(child).split(".")[0]
                self.bindings.setdefault(head, head)
                bound.append((head, head))
        return bound

    def _bind_from_import(self, node: Node) -> list[tuple[str, str]]:
        """Binds the names a `from ... import` statement binds, and returns them with their targets."""
        module_node = node.child_by_field_name("module_name")
        module = _text(module_node) if module_node is not None else ""
        bound = []
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                name = _text(child.child_by_field_name("name"))
                bound.append((_text(child.child_by_field_name("alias")), f"{module}.{name}"))
            else:
                name = _text(child)
                bound.append((name.split(".")[-1], f"{module}.{name}"))
            self.bindings[bound[-1][0]] = bound[-1][1]
        return bound

    def qualified_name(self, node: Node | None) -> str | None:
        """The dotted name an identifier or attribute chain stands for, or None if not a name."""
        if node is None:
            return None
        key = node.id
        if key not in self._cache:
            self._cache[key] = self._resolve(node)
        return self._cache[key]

    def _resolve(self, node: Node) -> str | None:
        if node.type == "identifier":
            name = _text(node)
            if name in self._locally_bound:
                function = _enclosing_function(node)
                while function is not None:
                    if (function.id, name) in self._local:
                        return self._local[(function.id, name)]
                    function = _enclosing_function(function)
            return self.bindings.get(name, name)
        if node.type == "attribute":
            base = self.qualified_name(node.child_by_field_name("object"))
            attribute = node.child_by_field_name("attribute")
            if base is None or attribute is None:
                return None
            return f"{base}.{_text(attribute)}"
        return None

    def imports_module(self, module: str) -> bool:
        """True when any import in the file binds `module` or something inside it (remembered:
        rules ask it for every candidate sink, and the imports do not change)."""
        if module not in self._imports:
            prefix = module + "."
            self._imports[module] = any(v == module or v.startswith(prefix) for v in self.bindings.values())
        return self._imports[module]


def _import_statements(root: Node, source: bytes) -> list[Node]:
    """The import statements under `root`, found from their `import` keyword in the bytes.

    Searching the text and asking the tree what each hit is costs a few calls per import,
    where walking every statement of a big module costs thousands of node objects.
    """
    found: dict[int, Node] = {}
    offset = root.start_byte
    for hit in _IMPORT_KEYWORD.finditer(source):
        # The smallest named node around the keyword is its statement; around the word in a
        # name (`importlib`), string, comment or error it is that node instead.
        statement = root.named_descendant_for_byte_range(offset + hit.start(), offset + hit.end())
        if statement is not None and statement.type in _IMPORT_STATEMENTS:
            found.setdefault(statement.id, statement)
    return list(found.values())


def _enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None and current.type != "function_definition":
        current = current.parent
    return current


def _reachable(statement: Node, root: Node) -> bool:
    """True when `_walk` would reach `statement`: every enclosing node may hold imports."""
    node = statement.parent
    while node is not None:
        if node.type not in _MAY_CONTAIN_IMPORTS and not node.is_error:
            return False
        if node.id == root.id:
            return True
        node = node.parent
    return False


_IMPORT_KEYWORD = linear(rb"import")  # a plain literal: `\b` would defeat the fast search
_IMPORT_STATEMENTS = frozenset({"import_statement", "import_from_statement"})

# Statements whose bodies may hold imports; expressions never do, so the walk skips them.
_MAY_CONTAIN_IMPORTS = frozenset(
    {
        "module",
        "block",
        "if_statement",
        "elif_clause",
        "else_clause",
        "try_statement",
        "except_clause",
        "except_group_clause",
        "finally_clause",
        "with_statement",
        "function_definition",
        "class_definition",
        "decorated_definition",
        "for_statement",
        "while_statement",
    }
)


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")
