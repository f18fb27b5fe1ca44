""" "Move to environment variable" for the languages read as text, where a safe form exists.

The quoted literal (quotes and any `@`/`$` prefix included) becomes the language's own read of
the environment, and `NAME=` goes to `.env.example` with `.env` in `.gitignore`, as for Python
and JavaScript (`_fix`). No fix is offered where the replacement would not compile or would
change meaning: Kotlin `const val`, C# `const` and attribute arguments, Java annotations, Go
constants or a Go file that does not import `os`, PHP class properties and constants. Terraform
(a `var.` reference needs a declaration), Makefiles, XML, `.properties`, `.conf` and plain text
have no single-edit form and get no fix.
"""

from __future__ import annotations

import re

from ..context import FileContext
from ..model import Edit, Fix
from ..patterns import linear
from . import _fix
from ._positions import Literal

FIXABLE_ROLES = frozenset({"assign", "default", "keyword", "paired"})  # `paired`: PHP `define()` only
_READS = {
    "java": 'System.getenv("{}")',
    "kotlin": 'System.getenv("{}")',
    "groovy": 'System.getenv("{}")',
    "ruby": 'ENV.fetch("{}")',
    "php": "getenv('{}')",
    "go": 'os.Getenv("{}")',
    "csharp": 'Environment.GetEnvironmentVariable("{}")',
    "powershell": "$env:{}",
    "shellscript": '"${{{}:?}}"',
}
_GO_IMPORTS_OS = linear(rb'(?m)^\s*(?:import\s+)?"os"\s*$')
_GO_CONST_BLOCK = linear(rb"(?m)^\s*const\s*\(")
_CSHARP_USING_SYSTEM = linear(rb"(?m)^\s*using\s+System\s*;")


def move_to_env(ctx: FileContext, literal: Literal, env: str) -> Fix | None:
    """Replace the quoted literal with an environment read, or None where no safe form exists."""
    template = _READS.get(ctx.language)
    span = _quoted_span(ctx.source, literal, bare=ctx.language == "shellscript")
    if template is None or span is None or literal.interpolated:
        return None
    if not _allowed(ctx, span[0], literal.role):
        return None
    read = template.format(env)
    if ctx.language == "csharp" and not _CSHARP_USING_SYSTEM.search(ctx.source):
        read = f"System.{read}"
    edits = [Edit(span[0], span[1], read), *_fix._sibling_edits(ctx, env)]
    return Fix(f"Move to environment variable `{env}`", tuple(edits), safe=False)


def _quoted_span(source: bytes, literal: Literal, bare: bool = False) -> tuple[int, int] | None:
    """The literal with its quotes (and a C# `@`/`$` prefix), or None for a raw value, or a bare
    one unless `bare` (a shell word, replaced whole)."""
    start, end = literal.start - 1, literal.end + 1
    if bare and source[start : literal.start] not in (b'"', b"'"):
        return literal.start, literal.end
    if start < 0 or end > len(source):
        return None
    quote = source[start : literal.start]
    if quote not in (b'"', b"'") or source[literal.end : end] != quote:
        return None
    if source[start - 2 : start] == quote * 2:
        return None  # a triple-quoted (raw) string: leave it to the author
    while start > 0 and source[start - 1 : start] in (b"@", b"$"):
        start -= 1
    return start, end


def _allowed(ctx: FileContext, start: int, role: str) -> bool:
    """The replacement is valid where the literal stands (no constant or annotation context)."""
    head = ctx.source.rfind(b"\n", 0, start) + 1
    before = ctx.source[head:start]
    stripped = before.lstrip()
    if role == "paired":
        return ctx.language == "php" and stripped.startswith(b"define(")
    if ctx.language in ("kotlin", "csharp", "go", "php") and b"const" in re.findall(rb"\w+", before):
        return False
    if stripped.startswith((b"@", b"[", b"case ")):
        return False  # Java annotations and C# attributes take constants only
    if ctx.language == "go":
        return _GO_IMPORTS_OS.search(ctx.source) is not None and not _in_go_const_block(ctx.source, start)
    if ctx.language == "php":
        return stripped.startswith((b"$", b"define("))
    return True


def _in_go_const_block(source: bytes, start: int) -> bool:
    opened = [m.end() for m in _GO_CONST_BLOCK.finditer(source, 0, start)]
    return bool(opened) and re.search(rb"(?m)^\s*\)", source[opened[-1] : start]) is None
