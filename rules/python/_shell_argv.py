"""The argument vector a no-shell process call runs, and the shell script hidden in it.

Not a rule module (the leading underscore keeps the registry out). `subprocess.run(["bash",
"-c", script])` has no `shell=True`, yet `script` is parsed by a shell all the same, so
`os-command-injection` treats the item after `-c` (`/c` for `cmd`, `-Command` for PowerShell)
as a shell command. A list assigned to a local name first (`argv = [...]; Popen(argv)`) is
followed to its literal and to the items `append` adds to it before the call, so its items are
judged one by one rather than as a whole.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import argument, positional_args, string_value
from ..context import Match
from ..patterns import linear
from ._expressions import definition

_POSIX_SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"})
# `-c`, and combined short flags that include it (`-lc`, `-ec`), but not long options.
_POSIX_FLAG = linear(r"-[a-zA-Z]*c[a-zA-Z]*")
_OTHER_FLAGS = {"cmd": ("/c", "/k"), "powershell": ("-command", "-c"), "pwsh": ("-command", "-c")}
# Where the argv starts, for the exec/spawn families: `os.execl(path, arg0, ...)`,
# `os.execv(path, argv)`, `os.spawnl(mode, path, arg0, ...)`, `os.posix_spawn(path, argv, env)`.
_SPREAD_FROM = {"os.execl": 1, "os.spawnl": 2, "asyncio.create_subprocess_exec": 0}
_LIST_AT = {"os.execv": 1, "os.spawnv": 2, "os.posix_spawn": 1}


def argv_items(match: Match, name: str, subprocess_calls: frozenset[str]) -> list[Node] | None:
    """The items of the argument vector, or None when it is not a list written in this scope."""
    args = match.node("args")
    family = name.rstrip("pe") if name.startswith("os.") else name
    if family in _SPREAD_FROM:
        return positional_args(args)[_SPREAD_FROM[family] :]
    if name in subprocess_calls:
        vector = argument(args, 0, "args")
    elif family in _LIST_AT:
        vector = argument(args, _LIST_AT[family], "argv")
    else:
        return None
    name_node = vector
    vector = definition(vector)
    if vector is None or vector.type not in ("list", "tuple"):
        return None
    items = [item for item in vector.named_children if item.type != "comment"]
    if name_node is not None and name_node is not vector and vector.type == "list":
        items += appended(name_node, vector)
    return items


def appended(name: Node, literal: Node) -> list[Node]:
    """Items added by `name.append(x)` between the list literal and the use of `name`, in order."""
    scope = literal.parent
    while scope is not None and scope.type not in ("function_definition", "module"):
        scope = scope.parent
    found: list[Node] = []
    stack = [scope] if scope is not None else []
    while stack:
        node = stack.pop()
        if node.end_byte <= literal.end_byte or node.start_byte >= name.start_byte:
            continue
        if node.type == "call" and _appends_to(node, name.text):
            args = node.child_by_field_name("arguments")
            found.extend(args.named_children[:1] if args is not None else [])
        stack.extend(reversed(node.named_children))
    return sorted(found, key=lambda item: item.start_byte)


def _appends_to(call: Node, name: bytes | None) -> bool:
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "attribute":
        return False
    receiver, method = callee.child_by_field_name("object"), callee.child_by_field_name("attribute")
    return receiver is not None and receiver.text == name and method is not None and method.text == b"append"


def shell_script(items: list[Node]) -> tuple[str, Node] | None:
    """(`bash -c`, script) when the vector runs a shell on a script given as an argument."""
    program = string_value(items[0]) if items else None
    if program is None:
        return None
    shell = re.split(r"[\\/]", program)[-1].lower().removesuffix(".exe")
    for index in range(1, len(items) - 1):
        flag = string_value(items[index])
        if flag is None:
            return None  # a computed option: no guess about what follows it
        if _is_script_flag(shell, flag):
            return f"{shell} {flag}", items[index + 1]
    return None


def _is_script_flag(shell: str, flag: str) -> bool:
    if shell in _POSIX_SHELLS:
        return _POSIX_FLAG.fullmatch(flag) is not None
    return flag.lower() in _OTHER_FLAGS.get(shell, ())
