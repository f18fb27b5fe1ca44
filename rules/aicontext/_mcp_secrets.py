"""The quick fix for a literal secret in an MCP configuration: the client's own variable reference.

Cursor, VS Code and Roo Code expand `${env:NAME}`; Claude Code (`.mcp.json`) and Gemini CLI
expand `${NAME}`; VS Code can also prompt for the value once and store it encrypted, through an
`inputs` entry with `"password": true` referenced as `${input:id}`. Claude Desktop and unknown
clients expand nothing, so they get no fix (the finding still says to move the secret).
"""

from __future__ import annotations

import json

from ..context import FileContext
from ..model import Edit, Fix
from ..patterns import linear
from . import _json
from ._claude_settings import append_member, append_to_array, indent_unit
from ._mcp import client_for

_AUTH_SCHEME = linear(rb"(?i)(?:bearer|token|basic)\s+")


_NOT_ID = linear(r"[^a-z0-9]+")


def reference_fixes(ctx: FileContext, start: int, end: int, env: str) -> tuple[Fix | None, tuple[Fix, ...]]:
    """(preferred fix, alternatives) replacing the secret at `start:end` of an MCP config."""
    if ctx.language != "json":
        return None, ()
    client = client_for(ctx.path, ctx.source)
    if client is None or client.env_reference is None:
        return None, ()
    reference = client.env_reference % env
    scheme = _AUTH_SCHEME.match(ctx.source[start:end])
    start += scheme.end() if scheme else 0  # `"Bearer <token>"` keeps its scheme
    preferred = Fix(
        f"Reference `{reference}` (set {env} in the environment)", (Edit(start, end, reference),), safe=False
    )
    if client.name != "VS Code":
        return preferred, ()
    prompt = _input_fix(ctx.source, start, end, env)
    return preferred, (prompt,) if prompt is not None else ()


def _input_fix(source: bytes, start: int, end: int, env: str) -> Fix | None:
    """VS Code: prompt for the value once (`"password": true`) and reference `${input:id}`."""
    root = _json.document(source)
    if root is None or root.type != "object":
        return None
    identifier = _NOT_ID.sub("-", env.lower()).strip("-") or "secret"
    entry = json.dumps({"type": "promptString", "id": identifier, "description": env, "password": True})
    inputs = _json.member(root, "inputs")
    unit = indent_unit(source)
    if inputs is not None and inputs.type == "array":
        if any(_json.text(_json.member(item, "id") or item) == identifier for item in _json.items(inputs)):
            added = None
        else:
            added = append_to_array(source, inputs, entry, unit, None)
    elif inputs is None:
        added = append_member(source, root, f'"inputs": [{entry}]', unit, None)
    else:
        return None
    edits = (Edit(start, end, f"${{input:{identifier}}}"), *((added,) if added is not None else ()))
    return Fix(f"Prompt for it once and reference `${{input:{identifier}}}`", edits, safe=False)
