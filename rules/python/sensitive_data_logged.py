"""Passwords, tokens, API keys and similar credentials written to logs (or to stdout of a web app)."""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import positional_args, string_value
from ..analysis.web import is_web_module
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear
from ._expressions import definition
from ._secret_names import is_secret_name

LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")
_SKIPPED_KEYWORDS = {"exc_info", "stack_info", "stacklevel"}
# Command-line entry points of a web project: their `print` is the operator's terminal, not a log
# (a `createdb` command telling the operator the default account it just made).
_COMMAND_LINE_PATH = linear(r"(?:^|/)management/commands/[^/]+\.py$|(?:^|/)(?:cli|__main__|manage)\.py$")
# Calls whose result still shows their argument; any other call (len, mask, hash) hides it.
_SHOWING_CALLS = {"str", "repr", "format", "json.dumps", "dict", "vars"}
_SHOWING_METHODS = {"strip", "lower", "upper", "decode", "encode", "format", "to_dict", "dict", "model_dump", "split"}
_WHOLE_HEADERS = {"headers", "cookies", "META"}
# Where a bare `token` key or attribute is a credential: request headers/cookies, the environment,
# credentials objects. Anywhere else (`params.token` in LSP, a parser's token) it needs a qualifier.
_CREDENTIAL_SOURCES = {"headers", "cookies", "COOKIES", "META", "environ", "auth", "credential", "credentials", "creds"}
_ENV_GETTERS = {"os.getenv", "os.environ.get"}


def from_credential_source(match: Match, node: Node | None) -> bool:
    """`request.headers`, `os.environ`, `creds`: a container whose `token` is a credential."""
    return match.ctx.text(node).rsplit(".", 1)[-1] in _CREDENTIAL_SOURCES


def secret_in(match: Match, node: Node) -> str | None:
    """The name of the credential an argument expression shows, or None."""
    ctx = match.ctx
    if node.type == "identifier":
        name = ctx.text(node)
        if is_secret_name(name):
            return name
        value = definition(node) if is_secret_name(name, bare_token=True) else node
        return name if value is not node and value is not None and secret_in(match, value) else None
    if node.type == "attribute":
        attribute = ctx.text(node.child_by_field_name("attribute"))
        owner = node.child_by_field_name("object")
        whole = attribute in _WHOLE_HEADERS and ctx.text(owner).endswith("request")
        return ctx.text(node) if whole or is_secret_name(attribute, from_credential_source(match, owner)) else None
    if node.type == "subscript":
        key = string_value(node.child_by_field_name("subscript"))
        if key is not None:
            bare = from_credential_source(match, node.child_by_field_name("value"))
            return ctx.text(node) if is_secret_name(key, bare) else None
        return secret_in(match, node.child_by_field_name("value"))  # type: ignore[arg-type]
    if node.type == "call":
        return _secret_in_call(match, node)
    if node.type == "pair":
        key = string_value(node.child_by_field_name("key"))
        if key is not None and is_secret_name(key):
            return key
        return secret_in(match, node.child_by_field_name("value"))  # type: ignore[arg-type]
    if node.type in (
        "string",
        "interpolation",
        "binary_operator",
        "concatenated_string",
        "parenthesized_expression",
        "tuple",
        "list",
        "dictionary",
        "keyword_argument",
        "conditional_expression",
        "argument_list",
    ):
        return next(filter(None, (secret_in(match, child) for child in node.named_children)), None)
    return None


def _secret_in_call(match: Match, call: Node) -> str | None:
    callee = call.child_by_field_name("function")
    args = call.child_by_field_name("arguments")
    name = match.ctx.qualified_name(callee) or ""
    if callee is not None and callee.type == "attribute":
        method = match.ctx.text(callee.child_by_field_name("attribute"))
        if method == "get" or name in _ENV_GETTERS:  # `headers.get("Authorization")`, `data.get("password")`
            key = string_value(positional_args(args)[0]) if positional_args(args) else None
            bare = name in _ENV_GETTERS or from_credential_source(match, callee.child_by_field_name("object"))
            return match.ctx.text(call) if key is not None and is_secret_name(key, bare) else None
        if method in _SHOWING_METHODS:
            return secret_in(match, callee.child_by_field_name("object"))  # type: ignore[arg-type]
    if name in _SHOWING_CALLS and args is not None:
        return secret_in(match, args)
    return None


def is_log_call(match: Match) -> bool:
    """`logging.info(...)`, `logger.info(...)`, `self.log.warning(...)`; `print` only in web apps."""
    callee = match.node("fn")
    name = match.ctx.qualified_name(callee) or ""
    if name == "print":
        return is_web_module(match.ctx) and not _COMMAND_LINE_PATH.search(match.ctx.path.replace("\\", "/"))
    if name.startswith("logging."):  # `logging.info(...)`, not `logging.handlers.SMTPHandler(credentials=...)`
        return name.rsplit(".", 1)[-1] in LOG_METHODS
    if callee is None or callee.type != "attribute":
        return False
    return "log" in match.ctx.text(callee.child_by_field_name("object")).lower()


def logs_secret(match: Match) -> bool | Report:
    args = match.node("args")
    if args is None or not is_log_call(match):
        return False
    for argument in args.named_children:
        if (
            argument.type == "keyword_argument"
            and match.ctx.text(argument.child_by_field_name("name")) in _SKIPPED_KEYWORDS
        ):
            continue
        if argument.type == "keyword_argument" and is_secret_name(match.ctx.text(argument.child_by_field_name("name"))):
            value = argument.child_by_field_name("value")
            secret = None if value is None or string_value(value) is not None else match.ctx.text(argument)
        else:
            secret = secret_in(match, argument)
        if secret is not None:
            shown = secret if len(secret) <= 40 else secret[:37] + "..."
            return Report(
                message=f"`{shown}` is written to the log, where anyone with log access can read the credential."
            )
    return False


RULE = Rule(
    id="sensitive-data-logged",
    title="Credential written to a log",
    category=Category.EXPOSURE,
    cwe=(532,),
    owasp=("A09:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=frozenset({"print", "logging.*", *(f".{m}" for m in LOG_METHODS)}),
    where=logs_secret,
    message="A credential is written to the log, where anyone with log access can read it.",
    docs="""## Why is this bad?
Logs are copied to files, aggregators, tickets and support chats, and are read by far more
people than the secrets they contain were meant for. A password, token, API key, session
cookie or `Authorization` header in a log line is a leaked credential. `print` in a web
application goes to the same server logs.

## How to fix
Log who and what, not the secret: a user id, the last four characters, `len(token)`, or a
masked value. Never log whole `request.headers` or `request.cookies`.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html#data-to-exclude",
        "https://docs.python.org/3/howto/logging.html",
        "https://cwe.mitre.org/data/definitions/532.html",
    ),
    examples="""
import logging
import logging as lg
from logging.handlers import SMTPHandler
from flask import request
logger = logging.getLogger(__name__)
# ruleid: sensitive-data-logged
logging.info(f"Login attempt for {username} with password {password}")
# ruleid: sensitive-data-logged
logger.debug("token=%s", access_token)
# ruleid: sensitive-data-logged
lg.warning("Calling API with key " + API_KEY)
# ruleid: sensitive-data-logged
self.logger.info("headers: %s", request.headers)
# ruleid: sensitive-data-logged
app.logger.info("auth %s", request.headers.get("Authorization"))
# ruleid: sensitive-data-logged
log.error("bad login: %s", {"user": user.email, "password": data["password"]})
# ruleid: sensitive-data-logged
logger.info("payment", extra={"credit_card": card.number})
# ruleid: sensitive-data-logged
print(f"Using secret key {str(settings.SECRET_KEY)}")
# ok: sensitive-data-logged
logging.info("Password reset requested for user %s", user.id)
# ok: sensitive-data-logged
mail_handler = SMTPHandler((host, port), sender, admins, "Error", credentials=(user, app.config["MAIL_PASSWORD"]))
# ok: sensitive-data-logged
handler = logging.handlers.SMTPHandler(mailhost, sender, admins, "Error", credentials=(user, password))
# ok: sensitive-data-logged
logger.debug("token length %d", len(token))
# ok: sensitive-data-logged
logger.info("used %d prompt tokens, %d total_tokens", prompt_tokens, total_tokens)
# ok: sensitive-data-logged
logger.info("key ends with %s", mask(api_key))
# ok: sensitive-data-logged
logger.info("password_hash updated for %s", user.password_hash)
# ok: sensitive-data-logged
cache.get(token)
# ok: sensitive-data-logged
logger.warning("Ignoring work done progress cancel for unknown token %s", params.token)
# ok: sensitive-data-logged
log.debug("unexpected token %r at %d", token, pos)
# ok: sensitive-data-logged
logger.info("next %s", self.tokens.get("token"))
# ruleid: sensitive-data-logged
logger.info("refresh with %s", session.refresh_token)
# ruleid: sensitive-data-logged
logger.info("x-token: %s", request.headers.get("X-Token"))
# ruleid: sensitive-data-logged
logger.info("using %s", os.environ["GITHUB_TOKEN"])
# ruleid: sensitive-data-logged
logger.info("oidc %s", claims["id_token"])
# ruleid: sensitive-data-logged
logger.info("creds %s", creds.token)
def check(request):
    token = request.headers["Authorization"].split(" ")[1]
    # ruleid: sensitive-data-logged
    logger.info("checking %s", token)
# ruleid: sensitive-data-logged
logger.info("login %s", creds_for_user)
# todoruleid: sensitive-data-logged
logger.debug("payload %s", request.form)  # a whole form or JSON body may hold a password but is not flagged
# todook: sensitive-data-logged
logger.info("sent to %s", password_reset_email)  # a name that mentions a credential without holding one
""",
)
