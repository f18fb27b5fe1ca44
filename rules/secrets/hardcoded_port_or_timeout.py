"""A network port or timeout written into code as a number instead of read from configuration."""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity


def describe_constant(match: Match) -> Report:
    name = match.text("name").strip("\"'")
    what = "Port" if "port" in name.lower() else "Timeout"
    return Report(message=f"{what} `{name}` is hard-coded: it belongs in configuration so each deployment can tune it.")


RULE = Rule(
    id="hardcoded-port-or-timeout",
    title="Hard-coded port or timeout",
    category=Category.CONFIGURATION,
    cwe=(547, 1051),
    severity=Severity.LOW,
    confidence=Confidence.LOW,
    languages=frozenset({"python"}),
    query="""
(assignment left: (_) @name right: (integer) @target
  (#match? @name "([Pp]ort|PORT|[Tt]imeout|TIMEOUT)$"))
(keyword_argument name: (identifier) @name value: (integer) @target (#eq? @name "port"))
(pair key: (string) @name value: (integer) @target
  (#match? @name "^.(port|PORT|timeout|TIMEOUT|[a-z_]+_port|[a-z_]+_timeout).$"))
""",
    where=describe_constant,
    message="A port or timeout is hard-coded: it belongs in configuration.",
    docs="""## Why is this bad?
Ports and timeouts written as numbers in the code (`app.run(port=5000)`, `DB_PORT = 5432`,
`{"timeout": 30}`) cannot differ between development, tests and production without a code
change, and security-relevant constants end up reviewed nowhere (CWE-547). This is a
configuration finding (low severity, low confidence): ignore the `configuration` category if
your project keeps such constants on purpose. Per-call `timeout=` arguments are not reported:
passing a timeout is good practice.

## How to fix
Read the value from settings or the environment, keeping the number as the default there.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/547.html",
        "https://cwe.mitre.org/data/definitions/1051.html",
        "https://12factor.net/config",
    ),
    examples="""
import os
import requests
# ruleid: hardcoded-port-or-timeout
DB_PORT = 5432
# ruleid: hardcoded-port-or-timeout
app.run(host="127.0.0.1", port=5000)
# ruleid: hardcoded-port-or-timeout
config = {"timeout": 30}
# ok: hardcoded-port-or-timeout
DB_PORT = int(os.environ.get("DB_PORT", "5432"))
# ok: hardcoded-port-or-timeout
requests.get(url, timeout=10)
# ok: hardcoded-port-or-timeout
retries = 3
""",
)
