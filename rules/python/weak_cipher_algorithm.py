"""Broken or legacy block and stream ciphers: DES, 3DES, RC4, RC2, Blowfish, IDEA, CAST, SEED.

Owns the constructors of those ciphers in PyCryptodome (`Crypto.Cipher`, `Cryptodome.Cipher`),
in `cryptography` (`algorithms.*`, and `decrepit.ciphers.algorithms.*` where newer releases
moved them) and in pyDes. The mode a cipher runs in is `ecb-cipher-mode`'s business.
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

# Module name in PyCryptodome -> what the message calls it.
PYCRYPTODOME = {
    "DES": "DES",
    "DES3": "3DES",
    "ARC4": "RC4",
    "ARC2": "RC2",
    "Blowfish": "Blowfish",
    "CAST": "CAST",
    "XOR": "XOR",
}
# Class name in cryptography -> what the message calls it.
CRYPTOGRAPHY = {
    "TripleDES": "3DES",
    "ARC4": "RC4",
    "Blowfish": "Blowfish",
    "IDEA": "IDEA",
    "CAST5": "CAST5",
    "SEED": "SEED",
    "RC2": "RC2",
}
PYDES = {"des": "DES", "triple_des": "3DES"}

CIPHERS: dict[str, str] = {
    **{f"{pkg}.Cipher.{mod}.new": name for pkg in ("Crypto", "Cryptodome") for mod, name in PYCRYPTODOME.items()},
    **{
        f"cryptography.hazmat.{pkg}.ciphers.algorithms.{cls}": name
        for pkg in ("primitives", "decrepit")
        for cls, name in CRYPTOGRAPHY.items()
    },
    **{f"pyDes.{cls}": name for cls, name in PYDES.items()},
}
BROKEN = {
    "DES": "is broken (56-bit key)",
    "RC4": "is broken (biased keystream)",
    "XOR": "is not encryption",
    "SEED": "is deprecated",
}


def weak_cipher(match: Match) -> Report:
    name = CIPHERS[match.ctx.qualified_name(match.node("fn")) or ""]
    why = BROKEN.get(name, "is deprecated (its 64-bit block leaks plaintext, Sweet32)")
    return Report(message=f"{name} {why}; use AES-GCM or ChaCha20-Poly1305.")


RULE = Rule(
    id="weak-cipher-algorithm",
    title="Broken or weak cipher algorithm",
    category=Category.CRYPTO,
    cwe=(327,),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset(CIPHERS),
    where=weak_cipher,
    aliases=("B304", "S304"),
    message="This cipher is broken or deprecated; use AES-GCM or ChaCha20-Poly1305.",
    docs="""## Why is this bad?
DES keys (56 bits) are brute-forced in hours; RC4's keystream is biased enough to recover
plaintext (RFC 7465 bans it from TLS). 3DES, Blowfish, IDEA, CAST5 and SEED have 64-bit
blocks, so long sessions leak plaintext through birthday collisions (Sweet32), and NIST
withdrew 3DES in 2023.

## How to fix
Use an authenticated cipher: `cryptography`'s `AESGCM` or `ChaCha20Poly1305`, or `Fernet` for
simple at-rest encryption. Decrypt legacy data once with the old cipher and re-encrypt it.
""",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/#weak-ciphers",
        "https://cwe.mitre.org/data/definitions/327.html",
        "https://sweet32.info/",
    ),
    examples="""
from Crypto.Cipher import DES, ARC4, AES
from Cryptodome.Cipher import DES3 as TDES
import Crypto.Cipher.Blowfish as BF
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
import pyDes
cipher = DES.new(key, DES.MODE_CBC, iv)  # ruleid: weak-cipher-algorithm
stream = ARC4.new(key)  # ruleid: weak-cipher-algorithm
legacy = TDES.new(key, TDES.MODE_EAX)  # ruleid: weak-cipher-algorithm
fish = BF.new(key, BF.MODE_CBC, iv)  # ruleid: weak-cipher-algorithm
c = Cipher(algorithms.TripleDES(key), modes.CBC(iv))  # ruleid: weak-cipher-algorithm
c = Cipher(TripleDES(key), modes.CBC(iv))  # ruleid: weak-cipher-algorithm
k = pyDes.des(b"DESCRYPT", pyDes.CBC, b"\\0" * 8)  # ruleid: weak-cipher-algorithm
cipher = AES.new(key, AES.MODE_GCM)  # ok: weak-cipher-algorithm
c = Cipher(algorithms.AES(key), modes.GCM(iv))  # ok: weak-cipher-algorithm
c = Cipher(algorithms.ChaCha20(key, nonce), mode=None)  # ok: weak-cipher-algorithm
# todook: weak-cipher-algorithm (decrypting legacy data once, to re-encrypt it with AES, is still reported)
plaintext = DES.new(old_key, DES.MODE_CBC, old_iv).decrypt(legacy_blob)
# todoruleid: weak-cipher-algorithm (a cipher module chosen at run time is not resolved)
module = DES if legacy else AES; module.new(key, module.MODE_CBC, iv)
""",
)
