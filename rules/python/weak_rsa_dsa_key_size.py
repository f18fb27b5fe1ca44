"""RSA and DSA keys generated below 2048 bits, and elliptic curves below 224 bits.

Owns key generation in `cryptography` (`rsa/dsa.generate_private_key`, weak `ec.SECP192R1()`
style curves), PyCryptodome (`RSA/DSA.generate`, `ECC.generate(curve="P-192")`), python-rsa
(`rsa.newkeys`) and paramiko (`RSAKey.generate`; `DSSKey.generate` always, since SSH fixes DSA
at 1024 bits). Only literal sizes are judged; the threshold is the `min_bits` option. A weak
curve listed in a table or used for its name (code that recognises curves) is not a key.
"""

from __future__ import annotations

from ..analysis.nodes import argument, keyword_arg, string_value
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity

ASYMMETRIC = "cryptography.hazmat.primitives.asymmetric"
# Callee -> (position, keyword) of its key-size argument.
SIZED: dict[str, tuple[int, str]] = {
    f"{ASYMMETRIC}.rsa.generate_private_key": (1, "key_size"),
    f"{ASYMMETRIC}.dsa.generate_private_key": (0, "key_size"),
    **{f"{pkg}.PublicKey.{algo}.generate": (0, "bits") for pkg in ("Crypto", "Cryptodome") for algo in ("RSA", "DSA")},
    "paramiko.RSAKey.generate": (0, "bits"),
    "paramiko.rsakey.RSAKey.generate": (0, "bits"),
    "rsa.newkeys": (0, "nbits"),
}
ALWAYS_WEAK = frozenset({"paramiko.DSSKey.generate", "paramiko.dsskey.DSSKey.generate"})
WEAK_CURVES = frozenset({f"{ASYMMETRIC}.ec.{curve}" for curve in ("SECP192R1", "SECT163K1", "SECT163R2")})
ECC_GENERATE = frozenset({"Crypto.PublicKey.ECC.generate", "Cryptodome.PublicKey.ECC.generate"})
WEAK_CURVE_NAMES = frozenset({"p192", "nistp192", "secp192r1", "prime192v1"})
CURVE_MESSAGE = "Curves below 224 bits give less than 112-bit security; use SECP256R1 (P-256) or better."


def key_size(match: Match) -> int | None:
    """The literal key size passed to a sized generator, or None when it is not a literal."""
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name not in SIZED:
        return None
    size = argument(match.node("args"), *SIZED[name])
    text = match.ctx.text(size).replace("_", "")
    return int(text) if size is not None and size.type == "integer" and text.isdigit() else None


def weak_key(match: Match) -> bool | Report:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name in ALWAYS_WEAK:
        return Report(message="SSH DSA keys are fixed at 1024 bits and deprecated; generate an Ed25519 or ECDSA key.")
    if name in ECC_GENERATE:
        curve = string_value(keyword_arg(match.node("args"), "curve")) or ""
        name = name if curve.lower().replace("-", "").replace(" ", "") in WEAK_CURVE_NAMES else ""
    if name in ECC_GENERATE or (name in WEAK_CURVES and not _in_lookup_table(match)):
        return Report(message=CURVE_MESSAGE)
    size = key_size(match)
    minimum = match.option("min_bits", 2048)
    if size is None or size >= minimum:
        return False
    node = argument(match.node("args"), *SIZED[name])  # point at the number, not the whole call
    return Report(node=node, message=f"A {size}-bit key can be broken with enough resources; use {minimum}+ bits.")


def _in_lookup_table(match: Match) -> bool:
    """A curve object used as a table entry or for its name (`{ec.SECP192R1().name: "P-192"}`,
    `{"P-192": ec.SECP192R1()}`): code that recognises or lists curves, not a key generated on one."""
    parent = match.target.parent
    if parent is not None and parent.type == "attribute":
        return True
    return parent is not None and parent.type in ("pair", "list", "tuple", "set")


def raise_key_size(match: Match) -> Fix | None:
    """Replace a too-small literal size with the minimum."""
    size = key_size(match)
    if size is None:
        return None
    name = match.ctx.qualified_name(match.node("fn")) or ""
    node = argument(match.node("args"), *SIZED[name])
    assert node is not None
    minimum = match.option("min_bits", 2048)
    return Fix(f"Use a {minimum}-bit key", (Edit(node.start_byte, node.end_byte, str(minimum)),), safe=False)


RULE = Rule(
    id="weak-rsa-dsa-key-size",
    title="Weak RSA/DSA key size or elliptic curve",
    category=Category.CRYPTO,
    cwe=(326,),
    owasp=("A02:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=frozenset({*SIZED, *ALWAYS_WEAK, *WEAK_CURVES, *ECC_GENERATE}),
    where=weak_key,
    fix=raise_key_size,
    options={"min_bits": 2048},
    aliases=("B505", "S505"),
    message="This key is too small to resist factoring or discrete-log attacks; use at least 2048 bits.",
    docs="""## Why is this bad?
RSA-512 falls in hours on rented hardware and RSA/DSA-1024 is within reach of well-funded
attackers; NIST has disallowed keys under 2048 bits since 2013. Curves under 224 bits
(P-192, sect163) give less than 112-bit security.

## How to fix
Generate RSA/DSA keys with at least 2048 bits (3072 for data that must stay secret past 2030),
or prefer Ed25519 / ECDSA on SECP256R1. Raise `min_bits` (e.g. to 3072) in this rule's options
to enforce a stricter policy.

## Fix safety
Unsafe. Existing keys are untouched and generation only gets slower, but the new key changes
what the program produces: signatures and ciphertexts double in length (128 -> 256 bytes),
which breaks fixed-width columns or buffers, and peers limited to 1024-bit keys (legacy HSMs,
smart cards, OpenSSH for DSA) reject it. Review before applying.
""",
    references=(
        "https://cryptography.io/en/latest/hazmat/primitives/asymmetric/rsa/#generation",
        "https://cwe.mitre.org/data/definitions/326.html",
        "https://nvlpubs.nist.gov/nistpubs/SpecialPublications/NIST.SP.800-131Ar2.pdf",
    ),
    examples="""
import rsa as pyrsa
import paramiko
from cryptography.hazmat.primitives.asymmetric import rsa, dsa, ec
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key as gen_rsa
from Crypto.PublicKey import RSA, DSA, ECC
import Cryptodome.PublicKey.RSA as DomeRSA
key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # ruleid: weak-rsa-dsa-key-size
key = gen_rsa(65537, 512)  # ruleid: weak-rsa-dsa-key-size
key = dsa.generate_private_key(key_size=1024)  # ruleid: weak-rsa-dsa-key-size
key = RSA.generate(1024)  # ruleid: weak-rsa-dsa-key-size
key = DomeRSA.generate(bits=1_024)  # ruleid: weak-rsa-dsa-key-size
key = DSA.generate(1024)  # ruleid: weak-rsa-dsa-key-size
pub, priv = pyrsa.newkeys(512)  # ruleid: weak-rsa-dsa-key-size
host_key = paramiko.RSAKey.generate(1024)  # ruleid: weak-rsa-dsa-key-size
host_key = paramiko.DSSKey.generate()  # ruleid: weak-rsa-dsa-key-size
key = ec.generate_private_key(ec.SECP192R1())  # ruleid: weak-rsa-dsa-key-size
key = ECC.generate(curve="P-192")  # ruleid: weak-rsa-dsa-key-size
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # ok: weak-rsa-dsa-key-size
key = RSA.generate(4096)  # ok: weak-rsa-dsa-key-size
key = ec.generate_private_key(ec.SECP256R1())  # ok: weak-rsa-dsa-key-size
key = ECC.generate(curve="P-256")  # ok: weak-rsa-dsa-key-size
CURVE_NAMES = {
    ec.SECP192R1().name: "ECCPRIME192V1",  # ok: weak-rsa-dsa-key-size
    "ECCPRIME256V1": ec.SECP256R1(),  # ok: weak-rsa-dsa-key-size
    "ECCPRIME192V1": ec.SECP192R1(),  # ok: weak-rsa-dsa-key-size
}
curve = ec.SECP192R1()  # ruleid: weak-rsa-dsa-key-size
key = rsa.generate_private_key(65537, settings.key_size)  # ok: weak-rsa-dsa-key-size
# todook: weak-rsa-dsa-key-size (a throwaway test key kept small for speed is still reported)
test_key = RSA.generate(1024)
# todoruleid: weak-rsa-dsa-key-size (a size held in a named constant is not followed)
key = RSA.generate(KEY_BITS)
""",
)
