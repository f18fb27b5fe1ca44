"""A placeholder credential (`your-api-key-here`, `sk-...XXXX`, `changeme`) where a key goes."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan

message = _scan.advice(
    "an assistant may have written a memorised real key here, "
    "or a real key will replace it in the source; read it from the environment."
)


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message)


RULE = Rule(
    id="placeholder-credential",
    title="Placeholder or default credential in code",
    category=Category.SECRETS,
    cwe=(798, 1392),
    owasp=("A07:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    aliases=("B105", "S105"),  # Bandit's / Ruff's hardcoded-password-string: their noqa comments apply
    fixable=True,
    message="A placeholder or default credential is written where a real key belongs.",
    docs="""## Why is this bad?
AI assistants fill credential slots with placeholders (`sk-proj-abc123...`, `sk-...XXXX`,
`your-api-key-here`, `<YOUR_TOKEN>`) or default passwords (`changeme`, `password123`, `admin`).
Two things go wrong: the "placeholder" is sometimes a real key the model memorised from public
code, and the next developer replaces the placeholder with a real key in the same line, which
then gets committed. Default passwords that reach production are CWE-1392. Placeholders are
reported only in credential positions (or when they carry a provider prefix such as `sk-`), and
not in `*.example`, `*.sample` and `*.template` files, where they belong.

Precedence: a value that matches a provider pattern (`sk-proj-…`, `AKIA…`) but is obviously
fake (`...`, `XXXX`, a run of one character, `abcdefg`/`1234567`) is reported here, not as
`hardcoded-secret`; anything else with a provider shape is `hardcoded-secret`. In comments and
free text such a value documents the key format (`# Account SID (ACxxxx…)`) and is not reported.
A member of an enumeration of types whose value is its own last word
(`PROMPT_TYPE_PASSWORD = "password"`) is an enum value, not a credential.
In comparisons only a password slot counts (`password == "admin"`), not `token == "root"`.

## How to fix
Read the value from the environment, and document the variable in `.env.example`.

## Fix safety
"Move to environment variable" is unsafe: the program now needs the variable set.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1392.html",
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
    examples="""
import os
from openai import OpenAI
# ruleid: placeholder-credential
OPENAI_API_KEY = "sk-proj-abc123..."
# ruleid: placeholder-credential
client = OpenAI(api_key="your-api-key-here")
# ruleid: placeholder-credential
config = {"token": "<YOUR_TOKEN>"}
# ruleid: placeholder-credential
DB_PASSWORD = "changeme"
# ruleid: placeholder-credential
def login(user, password="password123"): ...
# ruleid: placeholder-credential
fallback = "sk-...XXXX"
# ok: placeholder-credential
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
# ok: placeholder-credential
PASSWORD_FIELD = "password"
# ok: placeholder-credential
PROMPT_TYPE_PASSWORD = "password"
# ruleid: placeholder-credential
PROMPT_TYPE_PASSWORD = "changeme"
# ruleid: placeholder-credential
OPENAI_API_KEY = "sk-proj-XXXXXXXXXXXXXXXXXXXXXXXXXXXX"
# ruleid: placeholder-credential
if password == "admin": ...
# ok: placeholder-credential
greeting = "your-name-here"
# ok: placeholder-credential
if token == "root": ...
# ok: placeholder-credential
styles = {Token: "#ffffff"}
# ok: placeholder-credential
# Account SID (ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)
# todoruleid: placeholder-credential
auth = ("admin", "admin")  # a tuple has no credential position
""",
)
