"""Resolve what a JavaScript/TypeScript name or member chain refers to through imports and `require`.

AI code mixes every module style, so rules never compare callee text: `import { exec } from
"child_process"; exec()`, `const cp = require("node:child_process"); cp.exec()`,
`import * as cp from "child_process"` and `require("child_process").exec()` all resolve to
`child_process.exec`. The `node:` prefix is dropped and `fs/promises` reads as `fs.promises`.
Names that nothing binds resolve to themselves (`eval`, `document.write`). Bindings are
collected from the whole file: a rule errs towards seeing the library.
"""

from __future__ import annotations

from tree_sitter import Node

from ..patterns import linear

_KEYWORDS = linear(rb"import|require")
# What may stand between `require(...)` and the declarator binding its result.
_REQUIRE_WRAPPERS = frozenset(
    {"call_expression", "member_expression", "await_expression", "parenthesized_expression", "arguments"}
)


class JsNameResolver:
    """Maps local names to the dotted module names they were imported or required as."""

    def __init__(self, root: Node) -> None:
        self.bindings: dict[str, str] = {}
        self._cache: dict[int, str | None] = {}
        self._collect(root)

    def _collect(self, root: Node) -> None:
        """Find `import`/`require` keywords in the bytes and ask the tree what each one is.

        A few calls per import, where walking every node of a big bundle costs millions.
        """
        source = root.text or b""
        seen: set[int] = set()
        offset = root.start_byte  # the program node starts after leading blank lines
        for hit in _KEYWORDS.finditer(source):
            node = root.descendant_for_byte_range(offset + hit.start(), offset + hit.end())
            statement = _binding_statement(node)
            if statement is None or statement.id in seen:
                continue
            seen.add(statement.id)
            if statement.type == "import_statement":
                self._bind_import(statement)
            else:
                self._bind_require(statement)

    def _bind_import(self, node: Node) -> None:
        for clause in node.named_children:
            if clause.type == "import_require_clause":  # TypeScript `import x = require("m")`
                name = clause.named_children[0] if clause.named_children else None
                module = module_name(_string(clause.child_by_field_name("source")))
                if name is not None and name.type == "identifier" and module:
                    self.bindings[_text(name)] = module
        module = module_name(_string(node.child_by_field_name("source")))
        for clause in node.named_children:
            if clause.type == "import_clause" and module:
                self._bind_clause(clause, module)

    def _bind_clause(self, clause: Node, module: str) -> None:
        for part in clause.named_children:
            if part.type == "identifier":  # default import
                self.bindings[_text(part)] = module
            elif part.type == "namespace_import":
                for name in part.named_children:
                    self.bindings[_text(name)] = module
            elif part.type == "named_imports":
                for specifier in part.named_children:
                    if specifier.type != "import_specifier":
                        continue
                    imported = _text(specifier.child_by_field_name("name"))
                    alias = specifier.child_by_field_name("alias")
                    local = _text(alias) if alias is not None else imported
                    self.bindings[local] = module if imported == "default" else f"{module}.{imported}"

    def _bind_require(self, declarator: Node) -> None:
        value = _unwrap(declarator.child_by_field_name("value"))
        target = self.required_name(value)
        if target is None:
            return
        pattern = declarator.child_by_field_name("name")
        if pattern is None:
            return
        if pattern.type == "identifier":
            self.bindings[_text(pattern)] = target
        elif pattern.type == "object_pattern":
            for prop in pattern.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self.bindings[_text(prop)] = f"{target}.{_text(prop)}"
                elif prop.type == "pair_pattern":
                    key, local = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if local is not None and local.type == "identifier":
                        self.bindings[_text(local)] = f"{target}.{_text(key)}"

    def required_name(self, node: Node | None) -> str | None:
        """`require("m")` -> "m", `require("m").a.b` -> "m.a.b", `await import("m")` -> "m"."""
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "member_expression":
            base = self.required_name(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return f"{base}.{_text(prop)}" if base is not None and prop is not None else None
        if node.type != "call_expression":
            return None
        callee = node.child_by_field_name("function")
        if callee is None or callee.type not in ("identifier", "import") or _text(callee) not in ("require", "import"):
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return module_name(_string(first)) or None

    def qualified_name(self, node: Node | None) -> str | None:
        """The dotted name an identifier or member chain stands for, or None if not a name."""
        if node is None:
            return None
        key = node.id
        if key not in self._cache:
            self._cache[key] = self._resolve(node)
        return self._cache[key]

    def _resolve(self, node: Node) -> str | None:
        # Iterative over the chain: `a.b.c.d` may be thousands of members long in generated code.
        properties: list[str] = []
        current: Node | None = node
        while current is not None and current.type in ("member_expression", "parenthesized_expression"):
            if current.type == "member_expression":
                prop = current.child_by_field_name("property")
                if prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
                    return None
                properties.append(_text(prop))
                current = current.child_by_field_name("object")
            else:
                current = current.named_children[0] if current.named_children else None
        if current is None:
            return None
        if current.type == "identifier":
            name = _text(current)
            base = self.bindings.get(name, name)
        elif current.type in ("this", "super"):
            base = current.type
        else:
            required = self.required_name(current)
            if required is None:
                return None
            base = required
        return ".".join([base, *reversed(properties)])

    def imports_module(self, module: str) -> bool:
        """True when any import or require in the file binds `module` or something inside it."""
        prefix = module + "."
        return any(v == module or v.startswith(prefix) for v in self.bindings.values())


def _binding_statement(keyword: Node | None) -> Node | None:
    """The import statement or `const x = require(...)` declarator around a keyword, if any."""
    if keyword is not None and keyword.parent is not None and keyword.parent.type == "import":
        keyword = keyword.parent  # the `import` keyword inside a dynamic `import(...)` callee
    if keyword is None or keyword.parent is None:
        return None
    if keyword.parent.type == "import_statement":
        return keyword.parent
    node = keyword.parent if keyword.type in ("identifier", "import") else None
    while node is not None and node.type in _REQUIRE_WRAPPERS:
        node = node.parent
    return node if node is not None and node.type == "variable_declarator" else None


def module_name(specifier: str) -> str:
    """The dotted form of a module specifier: `node:fs` -> `fs`, `fs/promises` -> `fs.promises`."""
    specifier = specifier.removeprefix("node:")
    if specifier.endswith("/promises") and not specifier.startswith((".", "@")):
        specifier = specifier.replace("/", ".")
    return specifier


def _unwrap(node: Node | None) -> Node | None:
    """Look through `await`, parentheses and TypeScript casts."""
    while node is not None and node.type in (
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "non_null_expression",
        "satisfies_expression",
    ):
        node = node.named_children[0] if node.named_children else None
    return node


def _string(node: Node | None) -> str:
    """The value of a plain string literal ('' for anything else)."""
    if node is None or node.type != "string":
        return ""
    return "".join(_text(part) for part in node.named_children if part.type == "string_fragment")


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", "replace")
