"""Which files hold secrets: by name (the list of issue 12) or by content vetline recognises.

By name: `.env` and `.env.*` (not `.example`/`.sample`/`.template`), keys and keystores
(`*.pem`, `*.key`, `*.p12`, `*.pfx`, `id_rsa*` but not `*.pub`), `*credentials*` and
`*secrets*` data files (source code named `secrets.py` is code, not a secret store),
`*.tfvars`, `kubeconfig`, and cloud service-account JSON. `.npmrc` and `.pypirc` count only
when they hold a token or password.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath

from ..patterns import linear

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults")
_KEY_PATTERNS = ("*.pem", "*.key", "*.p12", "*.pfx", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", "*.tfvars")
_KEY_NAMES = frozenset({"kubeconfig", ".kubeconfig"})
# `*credentials*` / `*secrets*` name a secret store only for data files, not for code or docs.
_DATA_SUFFIXES = frozenset(
    {"", ".json", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".txt", ".env", ".xml", ".properties", ".csv"}
)
_TOKEN_RC = linear(rb"(?im)^\s*(?:[^#;\n]*:)?_(?:authToken|auth|password)\s*=\s*\S|^\s*password\s*[=:]\s*\S")
_SERVICE_ACCOUNT = linear(rb'"type"\s*:\s*"service_account"')
_PRIVATE_KEY_FIELD = linear(rb'"private_key"\s*:\s*"-----BEGIN')


def reason_by_name(relative: str, source: bytes) -> str | None:
    """Why a file is secret-bearing from its name (and, for rc files and JSON, its content)."""
    name = PurePosixPath(relative).name
    lower = name.lower()
    suffix = PurePosixPath(lower).suffix
    if lower == ".env" or (lower.startswith(".env.") and not lower.endswith(_TEMPLATE_SUFFIXES)):
        return "environment file"
    if lower.endswith(".pub"):
        return None
    if lower in _KEY_NAMES or any(fnmatch.fnmatch(lower, p) for p in _KEY_PATTERNS):
        return "key or credential file"
    if lower in (".npmrc", ".pypirc"):
        return "registry credentials" if _TOKEN_RC.search(source) else None
    if suffix == ".json" and _SERVICE_ACCOUNT.search(source) and _PRIVATE_KEY_FIELD.search(source):
        return "cloud service-account key"
    if (
        ("credentials" in lower or "secrets" in lower)
        and suffix in _DATA_SUFFIXES
        and not lower.endswith(_TEMPLATE_SUFFIXES)
    ):
        return "credentials file"
    return None
