"""A constant IV or nonce for `crypto.createCipheriv`: a literal, `Buffer.from("...")` or `Buffer.alloc(n)`.

With the same key, a reused IV makes CBC leak equal prefixes and makes GCM/CTR leak the XOR of
plaintexts and lose authenticity altogether. The IV must come from `crypto.randomBytes` for
every message. The quick fix draws one (and the IV must then be stored with the ciphertext).
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._nodes import argument, string_value, unwrap
from ._values import resolved

_IV_SIZES = {"gcm": 12, "ccm": 12, "chacha20-poly1305": 12}


def _constant_iv(match: Match) -> Node | None:
    iv = argument(match.target, 2)
    value = unwrap(resolved(iv))
    if value is None:
        return None
    if string_value(value) is not None and string_value(value) != "":
        return iv
    if value.type in ("call_expression", "new_expression"):
        callee = value.child_by_field_name("function") or value.child_by_field_name("constructor")
        name = match.ctx.qualified_name(callee) or ""
        first = unwrap(argument(value, 0))
        if name == "Buffer.alloc" or (
            name in ("Buffer.from", "Buffer")
            and first is not None
            and (string_value(first) is not None or first.type == "array")
        ):
            return iv
    return None


def reuses_iv(match: Match) -> Report | None:
    iv = _constant_iv(match)
    return Report(node=iv) if iv is not None else None


def random_iv(match: Match) -> Fix | None:
    iv = argument(match.target, 2)
    if iv is None or _constant_iv(match) != iv or iv.type == "identifier":
        return None  # a named constant is fixed where it is defined, not here
    algorithm = (string_value(argument(match.target, 0)) or "").lower()
    size = next((n for mode, n in _IV_SIZES.items() if mode in algorithm), 16)
    return Fix(
        title=f"Draw a fresh IV with `crypto.randomBytes({size})` (store it with the ciphertext)",
        edits=(Edit(iv.start_byte, iv.end_byte, f"crypto.randomBytes({size})"),),
        safe=False,
    )


RULE = Rule(
    id="js-static-iv",
    title="Constant IV or nonce (JavaScript)",
    category=Category.CRYPTO,
    cwe=(329, 1204),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=frozenset({"crypto.createCipheriv"}),
    where=reuses_iv,
    fix=random_iv,
    fixable=True,
    aliases=("javascript.lang.security.audit.hardcoded-iv",),
    message="A constant IV repeats for every message encrypted with this key.",
    docs="""## Why is this bad?
An IV (nonce) must never repeat under one key. With a fixed IV, CBC reveals when two messages
share a prefix; CTR and GCM turn into a reused keystream (XOR two ciphertexts to get the XOR of
the plaintexts) and GCM's authentication key can be recovered. Generate
`crypto.randomBytes(12)` (GCM) or `randomBytes(16)` (CBC/CTR) per message and send it with
the ciphertext.

## Fix safety
The fix replaces the literal with `crypto.randomBytes(n)`. It is unsafe: decryption needs that
IV, so the code must now store or transmit it alongside the ciphertext.
""",
    references=("https://nodejs.org/api/crypto.html#cryptorandombytessize-callback",),
    examples="""
const crypto = require("crypto");
// ruleid: js-static-iv
const a = crypto.createCipheriv("aes-256-cbc", key, "0123456789abcdef");
// ruleid: js-static-iv
const b = crypto.createCipheriv("aes-256-gcm", key, Buffer.alloc(12));
const IV = Buffer.from("a1b2c3d4e5f60718", "hex");
// ruleid: js-static-iv
const c = crypto.createCipheriv("aes-256-ctr", key, IV);
// ok: js-static-iv
const d = crypto.createCipheriv("aes-256-gcm", key, crypto.randomBytes(12));
// ok: js-static-iv
const e = crypto.createCipheriv("aes-256-gcm", key, iv);
""",
)
