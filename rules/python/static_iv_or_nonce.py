"""Encryption with a constant IV or nonce: a bytes literal, or a variable that only holds one.

Owns the IV/nonce argument of PyCryptodome's `<Cipher>.new(key, mode, iv)` (`iv=`, `IV=`,
`nonce=` or third positional), of `cryptography`'s `modes.CBC/CFB/OFB/CTR/GCM(...)` and
`algorithms.ChaCha20(key, nonce)`, and the nonce of AEAD `encrypt(nonce, data, aad)` calls
(`AESGCM`, `ChaCha20Poly1305`, ...) in files importing `cryptography`'s `aead` module. The
shared data-flow analysis decides "constant", so `os.urandom(16)` or a parameter is fine.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, keyword_arg, positional_args
from ..analysis.taint import Kind
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

PYCRYPTODOME = ("AES", "DES3", "DES", "Blowfish", "CAST", "ARC2", "ChaCha20", "ChaCha20_Poly1305", "Salsa20")
MODES = "cryptography.hazmat.primitives.ciphers.modes"
# Callee -> (position, keyword) of its IV/nonce argument.
NONCE_ARGS: dict[str, tuple[int, str]] = {
    **{f"{MODES}.{mode}": (0, "initialization_vector") for mode in ("CBC", "CFB", "CFB8", "OFB")},
    f"{MODES}.CTR": (0, "nonce"),
    f"{MODES}.GCM": (0, "initialization_vector"),
    "cryptography.hazmat.primitives.ciphers.algorithms.ChaCha20": (1, "nonce"),
    **{f"{pkg}.Cipher.{name}.new": (2, "nonce") for pkg in ("Crypto", "Cryptodome") for name in PYCRYPTODOME},
}
AEAD_MODULE = "cryptography.hazmat.primitives.ciphers.aead"
IV_MODES = ("MODE_CBC", "MODE_CFB", "MODE_OFB", "MODE_OPENPGP")  # the rest take a nonce
NONCE_MODES = ("CTR", "GCM", "ChaCha20")

IV_MESSAGE = "A constant IV makes equal plaintexts encrypt alike; generate a random IV per message."
NONCE_MESSAGE = "A reused nonce reveals plaintext and lets GCM/CTR/ChaCha20 messages be forged; use one per message."


def nonce_argument(match: Match) -> tuple[Node | None, str]:
    """The IV/nonce argument of the call and whether the API calls it an `IV` or a `nonce`."""
    args = match.node("args")
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in NONCE_ARGS:
        position, keyword = NONCE_ARGS[name]
        iv = keyword_arg(args, "iv") or keyword_arg(args, "IV")
        if name.endswith(".new"):
            mode = match.ctx.text(argument(args, 1, "mode"))
            return iv or argument(args, position, keyword), "IV" if mode.endswith(IV_MODES) else "nonce"
        return argument(args, position, keyword), "nonce" if name.endswith(NONCE_MODES) else "IV"
    # `<aead>.encrypt(nonce, data, aad)`; other `.encrypt` methods take fewer arguments.
    if len(positional_args(args)) == 3 and match.ctx.names.imports_module(AEAD_MODULE):
        return argument(args, 0), "nonce"
    return None, ""


def is_constant(match: Match, node: Node | None) -> bool:
    """True when data flow says the argument only ever holds literals (`b"0" * 16`, `bytes(16)`)."""
    if node is None or node.type == "none":  # `nonce=None` asks the library for a random one
        return False
    return match.ctx.taint.origin(node).kind is Kind.CONSTANT


def constant_nonce(match: Match) -> Report | None:
    node, kind = nonce_argument(match)
    if not is_constant(match, node):
        return None
    if kind == "IV":
        return Report(node=node, severity=Severity.MEDIUM, message=IV_MESSAGE)
    return Report(node=node, message=NONCE_MESSAGE)


RULE = Rule(
    id="static-iv-or-nonce",
    title="Constant IV or nonce",
    category=Category.CRYPTO,
    cwe=(329, 323),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset({*NONCE_ARGS, ".encrypt"}),
    where=constant_nonce,
    message="A constant IV or nonce defeats the cipher mode; generate a fresh random one per message.",
    docs="""## Why is this bad?
CBC with a fixed IV encrypts equal message prefixes to equal ciphertext. For counter-based
modes (CTR, GCM, ChaCha20-Poly1305) a repeated nonce is catastrophic: two ciphertexts XOR to
the XOR of their plaintexts, and GCM's authentication key can be recovered, so forged messages
verify.

## How to fix
Generate the IV/nonce per message (`os.urandom(12)` for GCM/ChaCha20, `os.urandom(16)` for
CBC), or let PyCryptodome pick it (`AES.new(key, AES.MODE_GCM)`, then store `cipher.nonce`),
and send it next to the ciphertext: it is not secret.
""",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/aead/",
        "https://cwe.mitre.org/data/definitions/329.html",
        "https://cwe.mitre.org/data/definitions/323.html",
    ),
    examples="""
import os
from Crypto.Cipher import AES
from Cryptodome.Cipher import AES as DomeAES, ChaCha20
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
import cryptography.hazmat.primitives.ciphers.modes as cipher_modes
STATIC_IV = b"0123456789abcdef"
cipher = AES.new(key, AES.MODE_CBC, iv=b"0000000000000000")  # ruleid: static-iv-or-nonce
cipher = AES.new(key, AES.MODE_CBC, b"\\x00" * 16)  # ruleid: static-iv-or-nonce
cipher = DomeAES.new(key, DomeAES.MODE_GCM, nonce=STATIC_IV)  # ruleid: static-iv-or-nonce
stream = ChaCha20.new(key=key, nonce=bytes(8))  # ruleid: static-iv-or-nonce
enc = Cipher(algorithms.AES(key), modes.CBC(b"1234567812345678")).encryptor()  # ruleid: static-iv-or-nonce
enc = Cipher(algorithms.AES(key), modes.GCM(STATIC_IV)).encryptor()  # ruleid: static-iv-or-nonce
enc = Cipher(algorithms.AES(key), cipher_modes.CTR(bytes.fromhex("00" * 16))).encryptor()  # ruleid: static-iv-or-nonce
token = AESGCM(key).encrypt(b"fixed-nonce!", data, None)  # ruleid: static-iv-or-nonce
def seal(key, data):
    nonce = "000000000000".encode()
    return ChaCha20Poly1305(key).encrypt(nonce, data, b"")  # ruleid: static-iv-or-nonce
def seal_with(key, data, nonce):
    return AESGCM(key).encrypt(nonce, data, None)  # ok: static-iv-or-nonce
def seal_fresh(key, data):
    nonce = b"\\0" * 12
    if rotate:
        nonce = os.urandom(12)
    return AESGCM(key).encrypt(nonce, data, None)  # ok: static-iv-or-nonce
cipher = DomeAES.new(key, DomeAES.MODE_GCM, nonce=None)  # ok: static-iv-or-nonce
cipher = AES.new(key, AES.MODE_CBC, iv=os.urandom(16))  # ok: static-iv-or-nonce
cipher = AES.new(key, AES.MODE_GCM)  # ok: static-iv-or-nonce
enc = Cipher(algorithms.AES(key), modes.GCM(os.urandom(12))).encryptor()  # ok: static-iv-or-nonce
box = Fernet(key).encrypt(data)  # ok: static-iv-or-nonce
# todoruleid: static-iv-or-nonce (an IV kept on `self` is not followed to its assignment)
cipher = AES.new(self.key, AES.MODE_CBC, self.iv)
# todook: static-iv-or-nonce (a module constant used once, e.g. for a single test vector, is still reported)
check = AESGCM(TEST_KEY).encrypt(STATIC_IV, b"known answer", None)
""",
)
