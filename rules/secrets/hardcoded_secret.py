"""A provider credential (OpenAI, AWS, GitHub, Stripe, Slack, JWT...) or a high-entropy token
in a credential position, written into source or configuration."""

from __future__ import annotations

from ..context import FileContext
from ..model import Category, Confidence, Finding, Rule, Severity
from . import _scan

message = _scan.advice("anyone who can read the source can use it; load it from the environment.")


def scan(ctx: FileContext) -> list[Finding]:
    return _scan.findings(ctx, RULE, message)


RULE = Rule(
    id="hardcoded-secret",
    title="Hard-coded API key or token",
    category=Category.SECRETS,
    cwe=(798,),
    owasp=("A07:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=_scan.CODE_LANGUAGES | _scan.TEXT_FORMATS,
    scan=scan,
    fixable=True,
    aliases=("B105", "S105"),
    message="A provider API key or high-entropy token is written into the source.",
    docs="""## Why is this bad?
A key in the source is in every clone, fork, build log and AI context window the code reaches,
and stays in git history after it is deleted. Assistants also paste keys they memorised from
public code. OpenAI (`sk-proj-`, `sk-svcacct-`, `sk-admin-`) and Anthropic (`sk-ant-api03-`)
keys are recognised by their own patterns first, whatever the variable name, also inside
`"Bearer ..."` strings and constant concatenations (`"sk-proj-" + "..."`). vetline then runs
detect-secrets' provider patterns (OpenAI, AWS, GitHub, GitLab,
Stripe, Slack, SendGrid, Twilio, JWT, ...) on every string literal and comment, and its entropy
measures on literals in credential positions (assigned to, passed as or stored under a
credential-looking name), so checksums, UUIDs and SRI hashes elsewhere stay quiet. The value is
never shown: messages carry the kind, the name and a redacted preview.

## How to fix
Revoke the key, then read it from the environment or a secret manager.

## Fix safety
"Move to environment variable" replaces the literal with `os.environ["NAME"]` (adding
`import os`) or `process.env.NAME`, appends `NAME=` to `.env.example` and makes sure `.env` is
in `.gitignore`. It is unsafe: the program now needs the variable set.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/798.html",
        "https://github.com/Yelp/detect-secrets",
        "https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",
    ),
    examples="""
import os
import openai as oa
# ruleid: hardcoded-secret
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
# ruleid: hardcoded-secret
client = oa.OpenAI(api_key="ghp_" "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY2zA4")
# ruleid: hardcoded-secret
api_key = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"
# ruleid: hardcoded-secret
headers = {"Authorization": "AKIAIOSFODNN7EXAMPLE"}
# ruleid: hardcoded-secret
region = "us-east-1"  # deploy key AKIAIOSFODNN7EXAMPLE
# ruleid: hardcoded-secret
key = "sk-proj-EXAMPLEexampleEXAMPLEexample00"
# ruleid: hardcoded-secret
headers = {"Authorization": "Bearer sk-proj-EXAMPLEexampleEXAMPLEexample00"}
# ruleid: hardcoded-secret
OPENAI_KEY = "sk-proj-" + "EXAMPLEexampleEXAMPLEexample00"
# ruleid: hardcoded-secret
ANTHROPIC_KEY = "sk-ant-api03-EXAMPLEexampleEXAMPLEexample00"
# ok: hardcoded-secret
COCOA_NAMES = {"APActivationPayload", "APActivationKey"}
# ok: hardcoded-secret
api_key = os.environ["OPENAI_API_KEY"]
# ok: hardcoded-secret
token = os.getenv("GITHUB_TOKEN")
# ok: hardcoded-secret
digest = "8f14e45fceea167a5a36dedd4bea2543"
# ok: hardcoded-secret
request_id = "123e4567-e89b-12d3-a456-426614174000"
# ok: hardcoded-secret
integrity = "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"
# ok: hardcoded-secret
api_key = ""
# ok: hardcoded-secret
api_key = "AKIAIOSFODNN7EXAMPLE"  # pragma: allowlist secret
# todoruleid: hardcoded-secret
credentials = ["aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY"]  # a list element has no credential position
""",
)
