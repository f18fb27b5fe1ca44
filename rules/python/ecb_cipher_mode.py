"""Block ciphers run in ECB mode, which encrypts equal blocks to equal ciphertext.

Owns any use of PyCryptodome's `MODE_ECB` constant (passed, stored in a variable or given as
`mode=`), `cryptography`'s `modes.ECB()`, and old PyCrypto's `AES.new(key)` with no mode, which
silently defaulted to ECB. Comparing against `MODE_ECB` (a guard) is not a use.
"""

from __future__ import annotations

from ..analysis.nodes import has_splat, keyword_arg, positional_args
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

# PyCrypto (< 2.7) defaulted `mode` to ECB for these; PyCryptodome makes `mode` mandatory.
DEFAULTING = frozenset({"AES", "DES", "DES3", "Blowfish", "ARC2", "CAST"})
CALLS = frozenset(
    {
        "cryptography.hazmat.primitives.ciphers.modes.ECB",
        *(f"Crypto.Cipher.{name}.new" for name in DEFAULTING),
    }
)
MODE_QUERY = """((attribute attribute: (identifier) @_ecb) @target (#eq? @_ecb "MODE_ECB"))"""
NO_MODE_MESSAGE = "Without a mode argument PyCrypto encrypts in ECB, which leaks patterns in the plaintext."


def ecb_used(match: Match) -> bool | Report:
    callee = match.node("fn")
    if callee is None:  # the MODE_ECB query
        parent = match.target.parent
        return parent is None or parent.type != "comparison_operator"
    name = match.ctx.qualified_name(callee) or ""
    if not name.endswith(".new"):
        return True  # modes.ECB()
    args = match.node("args")
    if len(positional_args(args)) >= 2 or keyword_arg(args, "mode") is not None or has_splat(args):
        return False
    return Report(message=NO_MODE_MESSAGE, confidence=Confidence.MEDIUM)


RULE = Rule(
    id="ecb-cipher-mode",
    title="Block cipher in ECB mode",
    category=Category.CRYPTO,
    cwe=(327,),
    owasp=("A02:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    query=MODE_QUERY,
    calls=CALLS,
    where=ecb_used,
    aliases=("B305", "S305"),
    message="ECB mode encrypts equal plaintext blocks to equal ciphertext, leaking patterns; use GCM.",
    docs="""## Why is this bad?
ECB encrypts each 16-byte block on its own, so repeated blocks show through the ciphertext
(the "ECB penguin"), blocks can be cut, reordered and replayed, and nothing detects tampering.
Old PyCrypto used ECB whenever `AES.new(key)` was called without a mode.

## How to fix
Use an authenticated mode with a fresh random nonce: `AES.new(key, AES.MODE_GCM)` (PyCryptodome
picks the nonce; send `cipher.nonce` along) or `cryptography`'s `AESGCM(key).encrypt(os.urandom(12),
data, aad)`. Data already encrypted with ECB must be decrypted and re-encrypted.
""",
    references=(
        "https://pycryptodome.readthedocs.io/en/latest/src/cipher/classic.html#ecb-mode",
        "https://cwe.mitre.org/data/definitions/327.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html",
    ),
    examples="""
from Crypto.Cipher import AES
from Cryptodome.Cipher import AES as CAES
import Crypto.Cipher.DES as des_module
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.modes import ECB
from Crypto.Cipher.AES import MODE_ECB
cipher = AES.new(key, AES.MODE_ECB)  # ruleid: ecb-cipher-mode
cipher = CAES.new(key, mode=CAES.MODE_ECB)  # ruleid: ecb-cipher-mode
MODE = des_module.MODE_ECB  # ruleid: ecb-cipher-mode
enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()  # ruleid: ecb-cipher-mode
enc = Cipher(algorithms.AES(key), ECB()).encryptor()  # ruleid: ecb-cipher-mode
legacy = AES.new(key)  # ruleid: ecb-cipher-mode
cipher = AES.new(key, AES.MODE_GCM)  # ok: ecb-cipher-mode
cipher = AES.new(key, AES.MODE_CBC, iv=iv)  # ok: ecb-cipher-mode
enc = Cipher(algorithms.AES(key), modes.GCM(iv)).encryptor()  # ok: ecb-cipher-mode
if mode == AES.MODE_ECB: raise ValueError("ECB is not allowed")  # ok: ecb-cipher-mode
cipher = CAES.new(key, **settings)  # ok: ecb-cipher-mode
# todoruleid: ecb-cipher-mode (a bare `MODE_ECB` imported from the cipher module is not matched)
cipher = AES.new(key, MODE_ECB)
# todook: ecb-cipher-mode (one block under ECB is a legitimate building block, as in key wrapping)
block = Cipher(algorithms.AES(kek), modes.ECB()).encryptor().update(counter_block)
""",
)
