"""Error internals sent to the client: `res.send(err.stack)`, `res.json({ error: err.stack })`.

A stack trace names files, library versions and code paths an attacker uses to aim the next
request. Sending `err.message` of an error the code raised on purpose is ordinary; `.stack`
and whole error objects from `catch` in a response body are reported.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._http import RESPONSE_NAMES, SEND_METHODS
from ._nodes import arguments, method_name, receiver


def _stack_reference(node: Node) -> Node | None:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type == "member_expression":
            prop = current.child_by_field_name("property")
            if prop is not None and prop.text == b"stack":
                return current
        if current.type not in ("arrow_function", "function_expression"):
            stack.extend(current.named_children)
    return None


def sends_stack(match: Match) -> Report | None:
    owner = receiver(match)
    if (
        owner is None
        or match.ctx.text(owner).split(".")[0] not in RESPONSE_NAMES
        or method_name(match) not in SEND_METHODS
    ):
        return None
    for arg in arguments(match.target):
        found = _stack_reference(arg)
        if found is not None:
            return Report(
                node=found,
                message=f"`{match.ctx.text(found)}` sends a stack trace to the client: log it and answer with a generic message.",
            )
    return None


RULE = Rule(
    id="js-stack-trace-in-response",
    title="Stack trace sent to the client",
    category=Category.EXPOSURE,
    cwe=(209,),
    owasp=("A04:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset(f".{m}" for m in SEND_METHODS),
    where=sends_stack,
    aliases=("javascript.express.security.audit.express-detect-stack-trace",),
    message="A stack trace in the response shows the server's internals.",
    docs="""## Why is this bad?
Stack traces reveal file paths, dependency versions, query text and which code path failed;
they help an attacker tune an injection or find a known-vulnerable library. Log the error on
the server and send the client a generic message and a correlation id.
""",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",),
    examples="""
app.get("/x", async (req, res) => {
  try {
    await work();
  } catch (err) {
    // ruleid: js-stack-trace-in-response
    res.status(500).send(err.stack);
    // ruleid: js-stack-trace-in-response
    res.json({ error: err.message, trace: err.stack });
    // ok: js-stack-trace-in-response
    res.status(500).json({ error: "Internal error", id: req.id });
    // ok: js-stack-trace-in-response
    console.error(err.stack);
  }
});
""",
)
