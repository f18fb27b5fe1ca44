"""A network port or timeout written into code as a number instead of read from configuration.

Only settings count: not stubs, tests, protocol constants (`FTP_PORT = 21`), HTTP statuses or
error codes named `*_TIMEOUT`, nor `timeout=` bounding local work (see the docs below).
"""

from __future__ import annotations

from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._config_values import is_network_call, is_stub_or_test

# HTTP statuses (`GATEWAY_TIMEOUT = 504`) and platform error codes (`WAIT_TIMEOUT = 258`).
_STATUS_CODES = frozenset({408, 504, 522, 524, 598, 599})
_CODE_PREFIXES = ("HTTP_", "ERROR_", "ERR_", "STATUS_", "SQLITE_", "WAIT_", "WSA")
# A protocol's registered port: the name and the number are both the protocol, not a deployment.
_IANA_PORTS = {
    "FTP": 21, "SSH": 22, "TELNET": 23, "SMTP": 25, "DNS": 53, "HTTP": 80, "POP": 110, "POP3": 110,
    "NNTP": 119, "NTP": 123, "IMAP": 143, "IMAP4": 143, "SNMP": 161, "LDAP": 389, "HTTPS": 443, "SMTPS": 465,
    "SMTP_SSL": 465, "SYSLOG": 514, "SYSLOG_UDP": 514, "SYSLOG_TCP": 514, "NNTPS": 563, "NNTP_SSL": 563,
    "LDAPS": 636, "IMAPS": 993, "IMAP4_SSL": 993, "POP3S": 995, "POP3_SSL": 995,
}  # fmt: skip
# `timeout=` is a setting only where it bounds a network call; `port=` and `*_timeout=` always are.
_NETWORK_ONLY = frozenset({"timeout"})


def _number(text: str) -> float | None:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def _is_constant_of_protocol(name: str, value: float) -> bool:
    """`FTP_PORT = 21`, `HTTP_408_REQUEST_TIMEOUT = 408`, `ERROR_SEM_TIMEOUT = 121`, and a
    `DEFAULT_*` name, which already says "the overridable default" that configuration needs."""
    upper = name.rsplit(".", 1)[-1].upper()
    if upper.startswith("DEFAULT_"):
        return True
    if upper.endswith("TIMEOUT") and (value in _STATUS_CODES or upper.startswith(_CODE_PREFIXES)):
        return True
    protocol = upper.removesuffix("_PORT")
    return upper.endswith("_PORT") and _IANA_PORTS.get(protocol) == value


def describe_constant(match: Match) -> bool | Report:
    is_stub, is_test = is_stub_or_test(match.ctx)
    value = _number(match.text("target"))
    name = match.text("name").strip("\"'")
    if is_stub or is_test or not value or _is_constant_of_protocol(name, value):
        return False
    target = match.node("target")
    parent = target.parent if target is not None else None
    if parent is not None and parent.type == "keyword_argument":
        call = parent.parent.parent if parent.parent is not None else None
        if name in _NETWORK_ONLY and (call is None or not is_network_call(match.ctx, call)):
            return False
        name = f"{name}={match.text('target')}"
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
(assignment left: (_) @name right: [(integer) (float)] @target
  (#match? @name "((^|[_.])([Pp]ort|PORT|[Tt]imeout|TIMEOUT)|[a-z0-9](Port|Timeout))(_?(SECONDS|SECS|SEC|MS|S|seconds|secs|sec|ms|s))?$"))
(keyword_argument name: (identifier) @name value: [(integer) (float)] @target
  (#match? @name "^(port|[a-z_]+_port|timeout|[a-z_]*(connect|read|write|socket|pool|request)_timeout)$"))
(pair key: (string) @name value: [(integer) (float)] @target
  (#match? @name "^.(port|PORT|timeout|TIMEOUT|[a-z_]+_port|[a-z_]+_timeout).$"))
""",
    where=describe_constant,
    message="A port or timeout is hard-coded: it belongs in configuration.",
    docs="""## Why is this bad?
Ports and timeouts written as numbers in the code (`app.run(port=5000)`, `DB_PORT = 5432`,
`requests.get(url, timeout=30)`, `{"timeout": 30}`) cannot differ between development, tests
and production without a code change, and security-relevant constants end up reviewed nowhere
(CWE-547). This is a configuration finding (low severity, low confidence): ignore the
`configuration` category if your project keeps such constants on purpose.

## What is reported
`PORT`, `*_PORT`, `TIMEOUT`, `*_TIMEOUT` (and `*_TIMEOUT_SECONDS`...) assigned a number;
`"port"`/`"timeout"` keys in a settings dict; `port=` and `connect_timeout=`-style arguments to
any call; `timeout=` to a network call only (`requests`, `httpx`, `urllib`, `aiohttp`, a
session's `.get(url)`, database and socket connectors), since `thread.join(timeout=1)` or
`subprocess.run(..., timeout=60)` bound local work, not a deployment. Passing a timeout is
right; this asks only that the number come from configuration.

Not reported: `.pyi` stubs and test modules; `0` (an ephemeral port, or no timeout); names
ending in `TIMEOUT` that hold an HTTP status (`GATEWAY_TIMEOUT = 504`) or a platform error code
(`ERROR_SEM_TIMEOUT`, `WAIT_TIMEOUT`); and a protocol's own IANA port under its name
(`FTP_PORT = 21`, `HTTPS_PORT = 443`), a constant of the protocol rather than a setting; and
`DEFAULT_*` names (`DEFAULT_TIMEOUT = 30`), the overridable default that configuration starts
from. An application's `SMTP_PORT = 587` or `DB_PORT = 5432` is reported.

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
import psycopg2
import requests
import httpx as hx
# ruleid: hardcoded-port-or-timeout
DB_PORT = 5432
# ruleid: hardcoded-port-or-timeout
REQUEST_TIMEOUT = 30
# ruleid: hardcoded-port-or-timeout
app.run(host="127.0.0.1", port=5000)
# ruleid: hardcoded-port-or-timeout
conn = psycopg2.connect(host=db_host, port=5432, connect_timeout=10)
# ruleid: hardcoded-port-or-timeout
requests.get(url, timeout=10)
# ruleid: hardcoded-port-or-timeout
hx.post(api_url, json=body, timeout=2.5)
# ruleid: hardcoded-port-or-timeout
config = {"timeout": 30}
# ok: hardcoded-port-or-timeout
DB_PORT = int(os.environ.get("DB_PORT", "5432"))
# ok: hardcoded-port-or-timeout
requests.get(url, timeout=settings.HTTP_TIMEOUT)
# ok: hardcoded-port-or-timeout
subprocess.run(cmd, timeout=60)
# ok: hardcoded-port-or-timeout
item = queue.get(timeout=1)
# ok: hardcoded-port-or-timeout
server = make_server(port=0)
# ok: hardcoded-port-or-timeout
timeout = 0
# ok: hardcoded-port-or-timeout
FTP_PORT: Final = 21
# ok: hardcoded-port-or-timeout
GATEWAY_TIMEOUT: Final = 504
# ok: hardcoded-port-or-timeout
ERROR_SEM_TIMEOUT = 121
# ok: hardcoded-port-or-timeout
DEFAULT_TIMEOUT = 30
# ok: hardcoded-port-or-timeout
IMPORT: Final[Tag] = 164
# ok: hardcoded-port-or-timeout
retries = 3
""",
)
