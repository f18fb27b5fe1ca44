"""A PEM/OpenSSH/PGP private-key block pasted into source or configuration."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan


def message(kind: str, name: str | None, value: str, verb: str) -> str:
    where = f" {verb} `{name}`" if name else ""
    return f"Private key block{where}: whoever reads the code can impersonate its owner; load the key from a file or secret store."


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message, fixable=False)


RULE = Rule(
    id="private-key-block",
    title="Private key in source",
    category=Category.SECRETS,
    cwe=(321,),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    message="A private key block is written into the source.",
    docs="""## Why is this bad?
A `-----BEGIN ... PRIVATE KEY-----` block (RSA, EC, DSA, OpenSSH, PGP, PKCS#8) or a PuTTY key
file in the code hands the key to everyone who can read the repository: TLS server keys,
SSH deploy keys and JWT signing keys alike. Rotating it means reissuing certificates. A header
counts only with key data after it (base64 text, or a PuTTY file's `Private-Lines:`), so
detectors and parsers that merely name the header stay quiet; in `.env`/YAML/INI files a line
holding only the header is reported, since the body follows on the next lines.

## How to fix
Revoke the key; load keys from a file outside the repository, a mounted secret or a KMS.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/321.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Key_Management_Cheat_Sheet.html",
    ),
    examples='''
# ruleid: private-key-block
KEY = """-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEA...
-----END RSA PRIVATE KEY-----"""
# ruleid: private-key-block
ssh_key = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXk=\\n"
# ruleid: private-key-block
PPK = "PuTTY-User-Key-File-2: ssh-rsa\\nEncryption: none\\nPrivate-Lines: 14\\n"
# ok: private-key-block
PUBLIC = "-----BEGIN PUBLIC KEY-----"
# ok: private-key-block
HEADERS = [r"PuTTY-User-Key-File-2", "-----BEGIN RSA PRIVATE KEY-----"]
# ok: private-key-block
key = open("/run/secrets/key.pem").read()
''',
)
