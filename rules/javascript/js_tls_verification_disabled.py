"""TLS certificate checks turned off: `rejectUnauthorized: false`, `NODE_TLS_REJECT_UNAUTHORIZED = "0"`, `strictSSL: false`.

Without certificate verification anyone on the network path can impersonate the server and
read or change the traffic. The quick fix turns verification back on; a self-signed server
should be trusted with the `ca` option instead. `secure: false` counts only in http-proxy's
options (beside `target`). Code that checks the certificate itself is not
reported: options with a `checkServerIdentity` function (pinning), server options asking for
client certificates (`requestCert`), and functions that read `getPeerCertificate()`.
"""

from __future__ import annotations

from tree_sitter import Node

from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ._nodes import is_false, key_name, string_value
from ._sinks import in_test_code
from ._taint import scope_of

OPTIONS = frozenset({"rejectUnauthorized", "strictSSL", "secure"})
_QUERY = """(pair key: (_) @key value: (false) @value) @target
(assignment_expression left: (member_expression) @env right: (_) @value) @target"""


def disables_verification(match: Match) -> Report | None:
    if match.node("env") is not None:
        if not match.text("env").endswith("env.NODE_TLS_REJECT_UNAUTHORIZED"):
            return None
        return (
            Report(
                message='`NODE_TLS_REJECT_UNAUTHORIZED = "0"` turns off certificate checks for every HTTPS request of the process.'
            )
            if string_value(match.node("value")) == "0" or match.text("value") == "0"
            else None
        )
    key = key_name(match.node("key"))
    if key not in OPTIONS or not is_false(match.node("value")):
        return None
    if key == "secure" and not _is_proxy_options(match.target):
        return None  # `secure: false` of a cookie, a status object or nodemailer's STARTTLS is no TLS check
    if _chosen_by_option(match.target):
        return None  # a library implementing its user's `ssl: "no-verify"`-style choice
    if _checks_certificate_itself(match):
        return None
    message = f"`{key}: false` turns off TLS certificate checks: anyone on the path can impersonate the server."
    if in_test_code(match.ctx):
        return Report(severity=Severity.LOW, message=message[:-1] + " (in test code).")
    return Report(message=message)


def _is_proxy_options(pair: Node) -> bool:
    """`{ target, secure: false }`: http-proxy's switch for checking the target's certificate."""
    options = pair.parent
    siblings = options.named_children if options is not None and options.type == "object" else []
    return any(p.type == "pair" and key_name(p.child_by_field_name("key")) == "target" for p in siblings)


# Sibling options that verify the peer another way: a pinning callback, or a server's client-cert request.
_OWN_CHECK_OPTIONS = frozenset({"checkServerIdentity", "requestCert"})


def _checks_certificate_itself(match: Match) -> bool:
    options = match.target.parent
    siblings = options.named_children if options is not None and options.type == "object" else []
    if any(
        pair.type == "pair" and key_name(pair.child_by_field_name("key")) in _OWN_CHECK_OPTIONS for pair in siblings
    ):
        return True
    scope = scope_of(match.target)
    return match.ctx.contains(b"getPeerCertificate(", scope) and scope.type != "program"


_OPTION_WORDS = ("ssl", "tls", "verify", "insecure", "selfsigned", "self_signed", "reject", "unauthorized", "strict")


def _chosen_by_option(node: Node) -> bool:
    """True under an `if`/`?:`/`switch` testing a TLS option (`config.ssl === "no-verify"`, `PGSSLMODE`)."""
    current = node.parent
    while current is not None and current.type not in ("function_declaration", "method_definition", "program"):
        field = {"if_statement": "condition", "ternary_expression": "condition", "switch_statement": "value"}
        condition = current.child_by_field_name(field[current.type]) if current.type in field else None
        text = (condition.text or b"").decode("utf-8", "replace").lower() if condition is not None else ""
        if any(word in text for word in _OPTION_WORDS):
            return True
        current = current.parent
    return False


def verify_certificates(match: Match) -> Fix | None:
    value = match.node("value")
    if value is None:
        return None
    if match.node("env") is not None:
        return Fix(
            title="Keep certificate checks on", edits=(Edit(value.start_byte, value.end_byte, '"1"'),), safe=False
        )
    return Fix(
        title=f"Set `{key_name(match.node('key'))}: true`",
        edits=(Edit(value.start_byte, value.end_byte, "true"),),
        safe=False,
    )


RULE = Rule(
    id="js-tls-verification-disabled",
    title="TLS certificate verification disabled (JavaScript)",
    category=Category.CRYPTO,
    cwe=(295,),
    owasp=("A02:2021", "A07:2021"),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"javascript", "typescript", "typescriptreact"}),
    query=_QUERY,
    where=disables_verification,
    fix=verify_certificates,
    fixable=True,
    aliases=(
        "javascript.lang.security.audit.insecure-transport.bypass-tls-verification",
        "sonarjs/unverified-certificate",
    ),
    message="TLS certificate verification is off: the connection can be intercepted.",
    docs="""## Why is this bad?
`rejectUnauthorized: false` (https, tls, axios/undici agents), `strictSSL: false` (request) and
`process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"` accept any certificate, so a machine on the
path (public Wi-Fi, a compromised router, a sidecar) can read and change the traffic. To trust
a private or self-signed server, pass its certificate with the `ca` option.

## Fix safety
The fix sets the option to `true` (or the variable to `"1"`). It is unsafe: connections to a
server with a self-signed or expired certificate start failing until `ca` is configured.
""",
    references=(
        "https://nodejs.org/api/tls.html#tlsconnectoptions-callback",
        "https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue",
    ),
    examples="""
const https = require("https");
// ruleid: js-tls-verification-disabled
const agent = new https.Agent({ rejectUnauthorized: false });
// ruleid: js-tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
// ruleid: js-tls-verification-disabled
request({ url, strictSSL: false });
// ok: js-tls-verification-disabled
const strict = new https.Agent({ rejectUnauthorized: true, ca: fs.readFileSync("ca.pem") });
// ok: js-tls-verification-disabled
const options = { verbose: false };
// ruleid: js-tls-verification-disabled
app.use("/api", createProxyMiddleware({ target: "https://backend.internal", changeOrigin: true, secure: false }));
// ok: js-tls-verification-disabled
const status = { connected: false, secure: false, tls: null };
// ok: js-tls-verification-disabled
const pinned = { rejectUnauthorized: false, checkServerIdentity: (host, cert) => pinnedCheck(cert) };
// ok: js-tls-verification-disabled
const server = tls.createServer({ key, cert, requestCert: true, rejectUnauthorized: false }, onClient);
function connectToPeer(url, expectedHash) {
  // ok: js-tls-verification-disabled
  const socket = tls.connect(url.port, url.hostname, { rejectUnauthorized: false }, () => {
    if (hashOf(socket.getPeerCertificate().raw) !== expectedHash) socket.destroy();
  });
}
function sslOptions(config) {
  // ok: js-tls-verification-disabled
  if (config.ssl === "no-verify") return { rejectUnauthorized: false };
  return true;
}
""",
)
