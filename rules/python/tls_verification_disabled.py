"""TLS certificate or host name verification turned off.

Owns `verify=False` on requests/httpx/urllib3/boto3 calls and HTTP-verb methods, `session.verify
= False`, `verify_ssl=False`, aiohttp's `ssl=False`, `ssl.CERT_NONE` assigned or passed,
`cert_reqs="CERT_NONE"`, `check_hostname = False` and `ssl._create_unverified_context` (called
or installed as the default). `urllib3.disable_warnings()` alone changes nothing: not reported.
Nor are contexts that only read a peer's certificate, the lowest step of an SSL-mode ladder that
turns verification back on, host names unchecked against a pinned CA, and verification turned
off in the branch of the user's own setting (`if tls_verify: ... else: CERT_NONE`), which is the
same choice as `verify=self.verify_ssl` (`if ignore_ssl_certs:`, `if cert_reqs == ssl.CERT_REQUIRED: ... else:`),
or a context wrapper class's own starting state (`self.check_hostname = False` in the `__init__` of a
class with no base).
"""

from __future__ import annotations

import re

from ..analysis.nodes import enclosing_function
from ..analysis.test_code import graded_for_tests
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ..patterns import linear

QUERY = """
((keyword_argument name: (identifier) @_k value: (false)) @target
  (#any-of? @_k "verify" "verify_ssl" "check_hostname" "ssl" "verify_certs"))
((assignment left: (attribute attribute: (identifier) @_k) right: (false)) @target
  (#any-of? @_k "verify" "check_hostname"))
((attribute attribute: (identifier) @_k) @target (#eq? @_k "CERT_NONE"))
((keyword_argument name: (identifier) @_k value: (string) @_v) @target
  (#eq? @_k "cert_reqs") (#match? @_v "NONE"))
((assignment right: (attribute attribute: (identifier) @_k)) @target (#eq? @_k "_create_unverified_context"))
"""
UNVERIFIED_CONTEXTS = frozenset({"ssl._create_unverified_context", "ssl._create_stdlib_context"})
HTTP_LIBRARIES = ("requests", "httpx", "urllib3", "aiohttp", "boto3", "botocore", "niquests")
HTTP_METHODS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "request",
        "send",
        "stream",
        "Client",
        "AsyncClient",
        "Session",
        "urlopen",
        "client",
        "resource",
    }
)
MESSAGES = {
    "verify": "Certificate verification is off, so any man-in-the-middle can read and alter this traffic.",
    "check_hostname": "Host name checking is off, so a valid certificate for any other site is accepted.",
    "CERT_NONE": "`CERT_NONE` accepts any certificate, so any man-in-the-middle can read and alter the traffic.",
    "context": "An unverified SSL context accepts any certificate, so any man-in-the-middle can read the traffic.",
}


def _is_http(call_name: str) -> bool:
    return call_name.split(".")[0] in HTTP_LIBRARIES or call_name.rsplit(".", 1)[-1] in HTTP_METHODS


def _sets_verify_mode(match: Match) -> bool:
    """`CERT_NONE` assigned or passed; compared, asserted or listed it changes nothing."""
    parent = match.target.parent
    if parent is not None and parent.type == "argument_list" and parent.parent is not None:
        return "assert" not in match.ctx.text(parent.parent.child_by_field_name("function")).lower()
    return parent is not None and parent.type in ("assignment", "keyword_argument")


def verification_off(match: Match) -> bool | Report | None:
    """Verification off, graded low in test code (a local test server with its own certificate)."""
    return graded_for_tests(match.ctx, _verification_off(match), match.rule)


# A branch taken when the user's setting asks for no verification (`if tls_verify: ... else:`).
VERIFY_OPTION = linear(
    r"verif|insecure|validate|check_cert|ssl_?mode|tls_?mode|cert_?reqs|CERT_REQUIRED"
    r"|(?:ignore|skip|no|disable)_?(?:ssl|tls|certs?)",
    re.IGNORECASE,
)
# Later in the same function, the mode is raised again (`sslmode=verify-full`): a mode ladder.
RE_ENABLED = linear(r"\.(?:verify_mode\s*=\s*ssl\.CERT_REQUIRED|check_hostname\s*=\s*True)")


def chosen_or_probe(match: Match) -> bool:
    """Verification off by the user's own option, as the bottom step of a mode ladder that turns it
    back on, only to read the peer's certificate (`getpeercert`, a certificate-expiry probe), or
    host names unchecked against a pinned CA (`load_verify_locations`): none of these is a
    connection that silently trusts anyone."""
    function = enclosing_function(match.target)
    if function is None:
        return False
    body = match.ctx.text(function)
    later = match.ctx.source[match.target.end_byte : function.end_byte].decode("utf-8", "replace")
    if "getpeercert" in body or RE_ENABLED.search(later) is not None:
        return True
    if match.text("_k") == "check_hostname" and "load_verify_locations" in body:
        return True
    return _under_verify_option(match)


def _under_verify_option(match: Match) -> bool:
    """Inside an `if`/`else` whose condition reads a verification setting."""
    node = match.target.parent
    while node is not None and node.type != "function_definition":
        if node.type in ("if_statement", "elif_clause"):
            condition = node.child_by_field_name("condition")
            if condition is not None and VERIFY_OPTION.search(match.ctx.text(condition)) is not None:
                return True
        node = node.parent
    return False


def _own_initial_state(match: Match) -> bool:
    """`self.check_hostname = False` in the `__init__` of a class with no base (urllib3's
    `PyOpenSSLContext`, a stand-in `SSLContext` for old Pythons): the object starts out as the
    library's own context wrapper, and nothing is connected yet; a subclass of `ssl.SSLContext`
    or of a session doing the same is still reported."""
    assignment = match.target if match.target.type == "assignment" else match.target.parent
    left = (
        assignment.child_by_field_name("left") if assignment is not None and assignment.type == "assignment" else None
    )
    if left is None or match.ctx.text(left) not in ("self.check_hostname", "self.verify_mode"):
        return False
    function = enclosing_function(match.target)
    if function is None or match.ctx.text(function.child_by_field_name("name")) != "__init__":
        return False
    owner = function.parent.parent if function.parent is not None else None
    if owner is None or owner.type != "class_definition":
        return False
    bases = owner.child_by_field_name("superclasses")
    return bases is None or match.ctx.text(bases).replace(" ", "") in ("()", "(object)")


def _verification_off(match: Match) -> bool | Report:
    ctx, target, key = match.ctx, match.target, match.text("_k")
    if key in ("CERT_NONE", "check_hostname", "cert_reqs") and (chosen_or_probe(match) or _own_initial_state(match)):
        return False
    if key not in ("CERT_NONE", "check_hostname", "cert_reqs") and _under_verify_option(match):
        return False  # `if ignore_ssl_certs: ctx = ssl._create_unverified_context()`: the user's own choice
    if match.node("fn") is not None or target.type == "assignment" and key == "_create_unverified_context":
        return Report(message=MESSAGES["context"])
    if key == "CERT_NONE":
        used = _sets_verify_mode(match) and (ctx.qualified_name(target) or "").startswith("ssl.")
        return used and Report(message=MESSAGES["CERT_NONE"])
    if key == "cert_reqs":
        return Report(message=MESSAGES["CERT_NONE"])
    if key == "check_hostname":
        return Report(message=MESSAGES["check_hostname"])
    if target.type == "assignment":  # `session.verify = False`
        return any(ctx.names.imports_module(lib) for lib in HTTP_LIBRARIES) and Report(message=MESSAGES["verify"])
    call = target.parent.parent if target.parent is not None else None
    call_name = (ctx.qualified_name(call.child_by_field_name("function")) if call is not None else None) or ""
    if key == "ssl" and not (ctx.names.imports_module("aiohttp") and _is_http(call_name)):
        return False  # `ssl=False` elsewhere (redis, smtplib wrappers) means "no TLS", not "unverified"
    if key == "verify" and not _is_http(call_name):
        return False
    return Report(message=MESSAGES["verify"])


def turn_verification_on(match: Match) -> Fix | None:
    """`verify=False` -> `verify=True` (also `verify_ssl`, aiohttp's `ssl`, `session.verify`)."""
    if match.text("_k") not in ("verify", "verify_ssl", "verify_certs", "ssl"):
        return None
    value = match.target.child_by_field_name("value") or match.target.child_by_field_name("right")
    if value is None:
        return None
    return Fix("Verify TLS certificates", (Edit(value.start_byte, value.end_byte, "True"),), safe=False)


RULE = Rule(
    id="tls-verification-disabled",
    title="TLS certificate verification disabled",
    category=Category.CRYPTO,
    cwe=(295,),
    owasp=("A02:2021", "A07:2021"),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    query=QUERY,
    calls=UNVERIFIED_CONTEXTS,
    where=verification_off,
    fix=turn_verification_on,
    aliases=("B501", "S501", "B323", "S323"),
    message="TLS certificate verification is disabled, so any man-in-the-middle can read and alter the traffic.",
    docs="""## Why is this bad?
Without certificate verification TLS still encrypts, but to whoever answers: anyone on the
path (public Wi-Fi, a compromised router, a malicious proxy) can present their own certificate,
read credentials and tokens, and alter responses. AI assistants often add `verify=False` to
get past a certificate error once, and it ships.

In test code (`tests/`, `test_*.py`, `conftest.py`, testing settings) the finding is low severity
and says "(in test code)": a test talking to a local server with its own certificate is common,
though a test that reaches a real service this way still deserves a look.

Not reported: verification turned off in the branch of the user's own setting
(`if ignore_ssl_certs:`, `if cert_reqs == ssl.CERT_REQUIRED: ... else:`), contexts that only read
a peer's certificate, the lowest step of an SSL-mode ladder that turns verification back on, and
a context wrapper class's own starting state (`self.check_hostname = False` in the `__init__` of
a class with no base).

## How to fix
Remove `verify=False`. For an internal CA, point at its bundle instead:
`requests.get(url, verify="/etc/ssl/internal-ca.pem")`, `httpx.Client(verify=ssl_ctx)`, or
`ssl.create_default_context(cafile=...)`. Keep `check_hostname = True` and `CERT_REQUIRED`.

## Fix safety
Unsafe: requests to hosts with self-signed or otherwise untrusted certificates (internal
services, dev environments) start failing with a certificate error until the CA bundle is
configured. That failure is the point, but it is a behaviour change to review.
""",
    references=(
        "https://requests.readthedocs.io/en/latest/user/advanced/#ssl-cert-verification",
        "https://www.python-httpx.org/advanced/ssl/",
        "https://docs.python.org/3/library/ssl.html#ssl-security",
        "https://cwe.mitre.org/data/definitions/295.html",
    ),
    examples="""
import ssl
import requests
import httpx
import httpx as hx
import urllib3
import aiohttp
from requests import get as fetch
from ssl import _create_unverified_context
requests.get(url, verify=False)  # ruleid: tls-verification-disabled
fetch(url, timeout=5, verify=False)  # ruleid: tls-verification-disabled
resp = session.post(url, json=body, verify=False)  # ruleid: tls-verification-disabled
client = httpx.Client(base_url=api, verify=False)  # ruleid: tls-verification-disabled
client = hx.AsyncClient(verify=False)  # ruleid: tls-verification-disabled
session.verify = False  # ruleid: tls-verification-disabled
ctx = ssl._create_unverified_context()  # ruleid: tls-verification-disabled
ctx = _create_unverified_context()  # ruleid: tls-verification-disabled
ssl._create_default_https_context = ssl._create_unverified_context  # ruleid: tls-verification-disabled
ctx.check_hostname = False  # ruleid: tls-verification-disabled
ctx.verify_mode = ssl.CERT_NONE  # ruleid: tls-verification-disabled
http = urllib3.PoolManager(cert_reqs="CERT_NONE")  # ruleid: tls-verification-disabled
sock = ssl.wrap_socket(raw, cert_reqs=ssl.CERT_NONE)  # ruleid: tls-verification-disabled
connector = aiohttp.TCPConnector(verify_ssl=False)  # ruleid: tls-verification-disabled
await http_session.get(url, ssl=False)  # ruleid: tls-verification-disabled
cache = redis.Redis(host=host, ssl=False)  # ok: tls-verification-disabled
requests.get(url, verify=True)  # ok: tls-verification-disabled
requests.get(url, verify="/etc/ssl/internal-ca.pem")  # ok: tls-verification-disabled
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # ok: tls-verification-disabled
# ok: tls-verification-disabled
if ctx.verify_mode == ssl.CERT_NONE: raise RuntimeError("refusing unverified TLS")
self.assertEqual(ctx.verify_mode, ssl.CERT_NONE)  # ok: tls-verification-disabled
jwt.decode(token, key, verify=False)  # ok: tls-verification-disabled
ctx = ssl.create_default_context()  # ok: tls-verification-disabled
def ldap_tls(tls_verify, tls_ca_file):
    if tls_verify:
        tls_ca_file = tls_ca_file or DEFAULT_CA_FILE
    else:
        tls_verify = ssl.CERT_NONE  # ok: tls-verification-disabled
    return Tls(validate=tls_verify, ca_certs_file=tls_ca_file)
def ssl_mode_context(ssl_mode):
    context = ssl.create_default_context()
    context.check_hostname = False  # ok: tls-verification-disabled
    context.verify_mode = ssl.CERT_NONE  # ok: tls-verification-disabled
    if ssl_mode == "verify-ca":
        context.verify_mode = ssl.CERT_REQUIRED
    if ssl_mode == "verify-full":
        context.check_hostname = True
    return context
def fetch_certificate_for_expiry_report(host, port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False  # ok: tls-verification-disabled
    ctx.verify_mode = ssl.CERT_NONE  # ok: tls-verification-disabled
    with socket.create_connection((host, port)) as sock, ctx.wrap_socket(sock, server_hostname=host) as tls:
        return tls.getpeercert(binary_form=True)
def node_client(ca_file):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    ctx.load_verify_locations(cafile=ca_file)
    ctx.check_hostname = False  # ok: tls-verification-disabled
    return httpx.AsyncClient(verify=ctx)
class NoVerificationEmailBackend(EmailBackend):
    def ssl_context(self):
        if self.ssl_certfile:
            return ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
        context = ssl.create_default_context()
        context.verify_mode = ssl.CERT_NONE  # ruleid: tls-verification-disabled
        return context
class PyOpenSSLContext:
    def __init__(self, protocol):
        self._ctx = OpenSSL.SSL.Context(protocol)
        self.check_hostname = False  # ok: tls-verification-disabled
        self.verify_mode = ssl.CERT_NONE  # ok: tls-verification-disabled
class PermissiveContext(ssl.SSLContext):
    def __init__(self, protocol):
        super().__init__(protocol)
        self.check_hostname = False  # ruleid: tls-verification-disabled
class Downloader:
    def configure(self):
        self.check_hostname = False  # ruleid: tls-verification-disabled
def resolve_cert_reqs(context, cert_reqs):
    if cert_reqs == ssl.CERT_REQUIRED:
        context.check_hostname = True
    else:
        context.check_hostname = False  # ok: tls-verification-disabled
def download(req, ignore_ssl_certs):
    if ignore_ssl_certs:
        context = ssl._create_unverified_context()  # ok: tls-verification-disabled
        return urlopen(req, context=context)
    if retries > 3:
        context = ssl._create_unverified_context()  # ruleid: tls-verification-disabled
    return urlopen(req)
# todoruleid: tls-verification-disabled (the flag is passed through a variable)
requests.get(url, verify=VERIFY_TLS)
# todook: tls-verification-disabled (a test that talks to a local server with a self-signed certificate)
requests.get("https://127.0.0.1:8443/health", verify=False)
""",
)
