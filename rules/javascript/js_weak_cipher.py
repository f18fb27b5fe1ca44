"""Broken ciphers and modes in Node's crypto: DES, 3DES, RC4, RC2, Blowfish, any `-ecb` mode,
and the deprecated `createCipher` (which derives key and IV from a password with one MD5).

ECB encrypts equal blocks to equal ciphertext (the "ECB penguin"); DES keys are brute-forced in
hours; RC4 leaks its keystream. AES-256-GCM (or ChaCha20-Poly1305) with a random IV is the fix.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._nodes import argument, string_value

WEAK_PREFIXES = ("des", "rc4", "rc2", "bf", "blowfish", "cast", "idea", "seed")
CALLS = frozenset({"crypto.createCipheriv", "crypto.createDecipheriv", "crypto.createCipher", "crypto.createDecipher"})


def uses_weak_cipher(match: Match) -> Report | None:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    algorithm = (string_value(argument(match.target, 0)) or "").lower()
    if name.endswith(("createCipher", "createDecipher")):
        return Report(
            message=f"`{name}` derives the key and IV from a password with one MD5 pass and is deprecated: use `createCipheriv` with a random IV."
        )
    if not algorithm:
        return None
    if algorithm.startswith(WEAK_PREFIXES):
        return Report(message=f"`{algorithm}` is a broken cipher: use aes-256-gcm with a random IV.")
    if algorithm.endswith("-ecb"):
        return Report(message=f"`{algorithm}` uses ECB mode, which encrypts equal blocks alike: use aes-256-gcm.")
    return None


RULE = Rule(
    id="js-weak-cipher",
    title="Broken cipher or ECB mode (JavaScript)",
    category=Category.CRYPTO,
    cwe=(327,),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    calls=CALLS,
    where=uses_weak_cipher,
    aliases=("sonarjs/encryption-secure-mode", "sonarjs/weak-ssl"),
    message="The cipher or mode is broken: use aes-256-gcm with a random IV.",
    docs="""## Why is this bad?
DES and 3DES have 56/112-bit security and 64-bit blocks (Sweet32); RC4's keystream is biased;
ECB encrypts identical blocks identically, so patterns in the data show through; the
deprecated `crypto.createCipher` derives key and IV from a password with a single MD5 and the
same IV every time. Use `crypto.createCipheriv("aes-256-gcm", key, iv)` with
`iv = crypto.randomBytes(12)` and keep the auth tag.
""",
    references=(
        "https://nodejs.org/api/crypto.html#cryptocreatecipherivalgorithm-key-iv-options",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
    ),
    examples="""
const crypto = require("crypto");
// ruleid: js-weak-cipher
const a = crypto.createCipheriv("des-ede3-cbc", key, iv);
// ruleid: js-weak-cipher
const b = crypto.createCipheriv("aes-128-ecb", key, null);
// ruleid: js-weak-cipher
const c = crypto.createCipher("aes-256-cbc", password);
// ruleid: js-weak-cipher
const d = crypto.createDecipheriv("rc4", key, "");
// ok: js-weak-cipher
const e = crypto.createCipheriv("aes-256-gcm", key, crypto.randomBytes(12));
""",
)
