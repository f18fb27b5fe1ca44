"""Turn the origin of a value reaching a sink into a finding's confidence and message.

One policy for every injection rule: constant-only data is never reported; data of unknown
origin is medium confidence ("is this reachable by a user?"); tainted data is high confidence
and the message says where it came from. Some sources count only for some sinks: the
environment counts for commands (CI jobs and containers take settings from it), at medium
confidence only, since whoever runs the program usually set it; it never counts for SQL;
file and socket reads matter for deserialization; `sys.argv`/`input()` choose a CLI's own
files and URLs, which is no attack (path and SSRF sinks discount them). The sink opts in to those, and names
the context-specific sanitizers (`shlex.quote` for a shell, `os.path.basename` for a path) that
protect it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from tree_sitter import Node

from ..context import FileContext, Match
from ..model import Confidence, Report
from ..patterns import linear
from .bindings import last_binding
from .nodes import enclosing_function
from .taint import Kind, Origin
from .taint_tables import ENVIRONMENT_SOURCES, FILE_READ, SOCKET_READ, SOFT_SOURCES, STRING_METHODS
from .test_code import is_migration, is_test_code, is_vendored_code
from .web import enclosing_handler, parameter_names

# Command-line and scaffolding code (Django `management/commands/`, `cli.py`, `scripts/`): a
# developer runs it on their own files and settings, so a value of unknown origin there is no request.
COMMAND_LINE_PATH = linear(r"(?:^|/)(?:cli|scripts|tools|bin|management/commands)/|(?:^|/)(?:cli|manage)\.py$")
# Input typed by whoever runs the program: an attack only where the program serves others, so
# never more than medium confidence (argparse/click values are of unknown origin, medium too).
LOCAL_SOURCES = frozenset({"sys.argv", "input()", "sys.stdin", "process.argv", "argparse", "click"})


def effective_origin(
    origin: Origin,
    *,
    environment: bool = False,
    streams: bool = False,
    local_input: bool = True,
    sanitizers: Collection[str] = (),
) -> Origin:
    """The origin as this sink sees it: sources it does not accept become unknown."""
    if origin.sanitized_by is not None and origin.sanitized_by in sanitizers:  # whatever its origin
        return Origin(Kind.CONSTANT, origin.source, origin.variable, origin.sanitized_by)
    if origin.kind is not Kind.TAINTED:
        return origin
    accepted = set(ENVIRONMENT_SOURCES) if environment else set()
    if streams:
        accepted |= {FILE_READ, SOCKET_READ}
    if not local_input:
        accepted -= ENVIRONMENT_SOURCES
    if origin.source in SOFT_SOURCES and origin.source not in accepted:
        return Origin(Kind.UNKNOWN, None, origin.variable)
    if not local_input and origin.source in LOCAL_SOURCES:
        return Origin(Kind.UNKNOWN, None, origin.variable)
    return origin


def taint_verdict(
    match: Match,
    value: Node | None,
    sink: str,
    *,
    environment: bool = False,
    streams: bool = False,
    local_input: bool = True,
    sanitizers: Collection[str] = (),
    report_unknown: bool = True,
    unknown_needs_request: bool = False,
    consequence: str = "",
) -> Report | None:
    """None when `value` is constant-only; medium when its origin is unknown or the environment; high when tainted.

    `sink` names what is reached ("an SQL query", "`pickle.loads`"); `consequence` (optional)
    ends the message ("an attacker can run any command"). `environment` makes `os.environ` count
    (medium confidence, reported only with `report_unknown`), `streams` makes file/socket reads
    count as tainted; `local_input=False` discounts `sys.argv`,
    `input()`, `sys.stdin` and the environment (the user running the program chose them, as for a
    CLI's file argument); `sanitizers` are the context-specific
    sanitizers that protect this sink; `unknown_needs_request` reports an unknown origin only
    where it may be request data (`unknown_may_be_request_data`).
    """
    if value is None:
        return None
    origin = match.ctx.taint.origin(value)
    origin = effective_origin(
        origin, environment=environment, streams=streams, local_input=local_input, sanitizers=sanitizers
    )
    tail = f": {consequence}" if consequence else ""
    data = {"taint": origin.kind.name.lower(), "source": origin.source or ""}
    if origin.kind is Kind.CONSTANT or (origin.kind is Kind.UNKNOWN and _serves_no_request(match.ctx.path)):
        return None  # a migration or a test computes its own values: "unknown" there is never a request
    if origin.kind is Kind.UNKNOWN and is_third_party_copy(match.ctx):
        return None  # a vendored library's own values (its API's parameters); request data there still counts
    if origin.kind is Kind.UNKNOWN and unknown_needs_request and not unknown_may_be_request_data(match, value):
        return None
    message = f"{_capital(origin.describe())} reaches {sink}{tail}."
    # The environment and the command line are named as the source but only worth medium: the user
    # running the program set them (a developer's own CLI is not a web request).
    if origin.kind is Kind.UNKNOWN or origin.source in ENVIRONMENT_SOURCES or origin.source in LOCAL_SOURCES:
        return Report(confidence=Confidence.MEDIUM, message=message, data=data) if report_unknown else None
    return Report(confidence=Confidence.HIGH, message=message, data=data)


def _serves_no_request(path: str) -> bool:
    return is_migration(path) or is_test_code(path)


def is_third_party_copy(ctx: FileContext) -> bool:
    """A vendored library's module (`test_code.is_vendored_code`): values of unknown origin there
    are the library's API parameters, not the application's data (request data still counts)."""
    return is_vendored_code(ctx.path)


def is_command_line_code(path: str) -> bool:
    """True when `path` is a command-line or scaffolding module (see `COMMAND_LINE_PATH`)."""
    return COMMAND_LINE_PATH.search(path.replace("\\", "/")) is not None


def unknown_may_be_request_data(match: Match, value: Node | None) -> bool:
    """Whether a value of unknown origin at this sink is worth a report: inside a request
    handler, or built from a parameter of the enclosing function (a helper whose callers
    choose the value). Elsewhere "unknown" is the program's own settings, files or objects
    (`exec` of `local_settings.py`, an importer's module source, a value read from the
    document being queried)."""
    if value is None or enclosing_handler(match.ctx, match.target) is not None:
        return value is not None
    function = enclosing_function(match.target)
    if function is None:
        return False
    parameters = {p.encode() for p in parameter_names(match.ctx, function)} - {b"self", b"cls"}
    return bool(parameters) and _mentions(value, parameters) and not _called_only_with_constants(match, function)


def _called_only_with_constants(match: Match, function: Node) -> bool:
    """A module function every call of which in this file passes literals (`snarf("node --version")`):
    the helper runs the file's own values. A function nobody in the file calls stays a helper whose
    callers elsewhere choose the value."""
    taint = match.ctx.taint
    name = match.ctx.text(function.child_by_field_name("name"))
    defined = taint.module_function(name)
    if defined is None or defined.id != function.id:
        return False
    calls = [a for a in taint.call_sites(name) if not function.start_byte <= a.start_byte < function.end_byte]
    return bool(calls) and all(_constant_arguments(match, arguments) for arguments in calls)


def _constant_arguments(match: Match, arguments: Node) -> bool:
    for argument_node in arguments.named_children:
        if argument_node.type == "comment":
            continue
        if argument_node.type in ("list_splat", "dictionary_splat"):
            return False
        value = (
            argument_node.child_by_field_name("value") if argument_node.type == "keyword_argument" else argument_node
        )
        if value is None or match.ctx.taint.origin(value).kind is not Kind.CONSTANT:
            return False
    return True


def _mentions(node: Node, names: set[bytes]) -> bool:
    """True when an identifier in `node`, or in the last assignment of a local it names, is in `names`."""
    stack, seen = [node], 0
    while stack and seen < 200:
        current = stack.pop()
        seen += 1
        if current.type == "identifier":
            if current.text in names:
                return True
            bound = bound_value(current)
            if bound is not None and bound is not current and seen < 50:
                stack.append(bound)
            continue
        if current.type == "call":
            stack.extend(_data_of_call(current))
            continue
        if current.type == "subscript":  # `store[key]` is the stored value: the key only selects it
            stack.extend(current.children_by_field_name("value"))
            continue
        stack.extend(current.named_children)
    return False


def _data_of_call(call: Node) -> list[Node]:
    """The nodes a call's result is made of: a function's arguments, a string method's receiver
    and arguments (`name.strip()`), nothing of a query on an object (`tree.xpath(q, namespaces=ns)`
    returns the object's data, which its arguments only select)."""
    arguments = list(call.children_by_field_name("arguments"))
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "attribute":
        return arguments
    method = (callee.child_by_field_name("attribute") or callee).text or b""
    if method.decode("utf-8", "replace") in STRING_METHODS:
        return [*callee.children_by_field_name("object"), *arguments]
    return []


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text and not text.startswith("`") else text


# String-building expressions: an f-string with interpolations, `+`, `%`, `.format(...)`, `.join(...)`.
_BUILDER_METHODS = frozenset({"format", "format_map", "join", "replace", "substitute"})


def is_string_building(node: Node | None) -> bool:
    """True when the expression itself builds a string from parts."""
    if node is None:
        return False
    if node.type == "parenthesized_expression" and node.named_children:
        return is_string_building(node.named_children[0])
    if node.type == "string":
        return any(child.type == "interpolation" for child in node.named_children)
    if node.type == "concatenated_string":
        return any(is_string_building(child) for child in node.named_children)
    if node.type == "binary_operator":
        operator = node.child_by_field_name("operator")
        return operator is not None and operator.type in ("+", "%")
    if node.type == "call":
        callee = node.child_by_field_name("function")
        attribute = (
            callee.child_by_field_name("attribute") if callee is not None and callee.type == "attribute" else None
        )
        method = (attribute.text or b"").decode() if attribute is not None else ""
        return method in _BUILDER_METHODS and not (method == "join" and _joins_tables(node))
    return False


def _joins_tables(call: Node) -> bool:
    """`select(...).join(Other, onclause, isouter=True)`: a query builder's join, not `str.join`,
    which takes exactly one positional argument."""
    arguments = call.child_by_field_name("arguments")
    values = arguments.named_children if arguments is not None else []
    return len(values) != 1 or values[0].type in ("keyword_argument", "dictionary_splat")


def built_from_strings(node: Node | None, ctx: FileContext | None = None) -> bool:
    """True when `node` builds a string, is a local name an earlier statement built (or `+=`),
    or (given `ctx`) calls a function of this file that returns a built string."""
    if node is None:
        return False
    if node.type == "call" and ctx is not None:
        return is_string_building(node) or _returns_built_string(ctx, node)
    if node.type != "identifier":
        return is_string_building(node)
    return last_binding(_enclosing_scope(node), node, _string_buildings) is not None


def _string_buildings(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """Each `name += ...` or `name = <string-building expression>` in `scope`, outside nested code."""
    stack = [scope]
    while stack:
        current = stack.pop()
        if current.type in ("assignment", "augmented_assignment"):
            left = current.child_by_field_name("left")
            if left is not None and left.text is not None and _builds(current, left.text):
                yield current.start_byte, left.text, current
        if current.type not in ("function_definition", "class_definition", "lambda") or current is scope:
            stack.extend(current.named_children)


def _builds(assignment: Node, name: bytes | None) -> bool:
    """`name += ...` or `name = <string-building expression>`."""
    left = assignment.child_by_field_name("left")
    if left is None or left.type != "identifier" or left.text != name:
        return False
    if assignment.type == "augmented_assignment":
        return True
    right = assignment.child_by_field_name("right")
    return is_string_building(right) and not _extends_itself(right, name)


def _extends_itself(call: Node | None, name: bytes | None) -> bool:
    """`query = query.join(Other)`: a builder object extended in place; `str.join` never takes
    the joined text as its separator."""
    callee = call.child_by_field_name("function") if call is not None and call.type == "call" else None
    receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
    method = callee.child_by_field_name("attribute") if callee is not None and callee.type == "attribute" else None
    return receiver is not None and receiver.text == name and method is not None and method.text == b"join"


def _returns_built_string(ctx: FileContext, call: Node) -> bool:
    callee = call.child_by_field_name("function")
    if callee is None or callee.type != "identifier":
        return False
    function = ctx.taint.module_function(ctx.text(callee))
    stack = [function.child_by_field_name("body")] if function is not None else []
    while stack:
        current = stack.pop()
        if current is None or current.type in ("function_definition", "class_definition"):
            continue
        if (
            current.type == "return_statement"
            and current.named_children
            and built_from_strings(current.named_children[0])
        ):
            return True
        stack.extend(current.named_children)
    return False


def _enclosing_scope(node: Node) -> Node:
    current = node
    while current.parent is not None and current.type != "function_definition":
        current = current.parent
    return current


def bound_value(name: Node) -> Node | None:
    """The value last bound to identifier `name` by `x = ...` or `with ... as x` before it, in its scope."""
    return last_binding(_enclosing_scope(name), name, _assignments_and_aliases)


def _assignments_and_aliases(scope: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """`x = ...` and `... as x` in `scope` outside nested functions and classes, in source order."""
    stack = [scope]
    while stack:
        node = stack.pop()
        if node.type == "assignment":
            left = node.child_by_field_name("left")
            if left is not None and left.text is not None:
                yield node.start_byte, left.text, node.child_by_field_name("right")
        elif node.type == "as_pattern":
            alias = node.child_by_field_name("alias")
            if alias is not None and alias.text is not None and node.named_children:
                yield node.start_byte, alias.text, node.named_children[0]
        if node.type not in ("function_definition", "class_definition") or node is scope:
            stack.extend(reversed(node.named_children))
