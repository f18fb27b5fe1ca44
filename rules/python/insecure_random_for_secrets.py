"""The `random` module producing a token, password, OTP, key, salt or session id.

Owns `random`'s module-level functions, judged by where the value goes: the name assigned, the
keyword or dict key filled, the function returned from or passed to. Unlike Bandit's B311
(every use), sampling, shuffling and jitter stay quiet; `SystemRandom` and `secrets` are clean.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.crypto_names import (
    AMBIGUOUS_SECRET_WORDS,
    SECRET_WORDS,
    destination_names,
    flows_to_secret_sink,
    name_words,
)
from ..analysis.nodes import argument, enclosing_function, is_string_literal, positional_args
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ..patterns import linear
from ._edits import import_edit

FUNCTIONS = ("choice", "choices", "sample", "randint", "randrange", "getrandbits", "randbytes", "random")
NUMERIC = frozenset({"randint", "randrange", "getrandbits", "randbytes"})
# A character set being drawn from: `string.ascii_letters`, `alphabet`, `"0123456789"`.
CHARSET = linear(r"string\.|ascii|digits|letters|chars|alphabet|charset|punctuation")
QUOTES = "\"'"
# Parents in which `secrets.randbelow(n) + a` needs no parentheses.
LOOSE_PARENTS = frozenset(
    {
        "assignment",
        "argument_list",
        "keyword_argument",
        "return_statement",
        "expression_statement",
        "parenthesized_expression",
        "pair",
        "list",
        "interpolation",
    }
)


def draws_characters(match: Match, function: str) -> bool:
    """True for numeric draws and for choices from a character set (an OTP, a code, a PIN)."""
    if function in NUMERIC:
        return True
    population = argument(match.node("args"), 0)
    return function != "random" and (is_string_literal(population) or bool(CHARSET.search(match.ctx.text(population))))


# Values a signing scheme sends in clear beside its signature: their job is to be unique, the key's
# to be secret (Baidu's and NetEase's request signatures: `md5(appid + text + salt + secret)`).
PUBLIC_BY_DESIGN = frozenset({"salt", "nonce"})
KEY_WORDS = frozenset({"secret", "key", "apikey", "appkey"})


def signs_with_a_key(match: Match, name: str) -> bool:
    """`salt = str(random.randint(...))` later joined with a key in one `+` chain (`appid + text +
    salt + secret`): a request signature's salt or nonce, sent in clear; the key makes the signature."""
    function = enclosing_function(match.target)
    if function is None or not name.isidentifier() or not name_words(name) & SECRET_WORDS <= PUBLIC_BY_DESIGN:
        return False
    stack = [function]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        chain = node.type == "binary_operator" and node.start_byte > match.target.end_byte
        if not chain or node.parent is None or node.parent.type == "binary_operator":
            continue
        operands = _operands(node)
        if any(match.ctx.text(o) == name for o in operands) and any(
            match.ctx.text(o) != name and name_words(match.ctx.text(o)) & KEY_WORDS for o in operands
        ):
            return True
    return False


def _operands(chain: Node) -> list[Node]:
    """The operands of a `+` chain, `a + b + c` -> [a, b, c], without recursion (a generated
    chain of thousands of operands is as deep as it is long)."""
    found: list[Node] = []
    stack = [chain]
    while stack:
        node = stack.pop()
        if node.type != "binary_operator" or _operator(node) != "+":
            found.append(node)
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        stack.extend(side for side in (right, left) if side is not None)
    return found


def _operator(node: Node) -> str:
    operator = node.child_by_field_name("operator")
    return (operator.text or b"").decode() if operator is not None else ""


def builds_secret(match: Match) -> Report | None:
    function = (match.ctx.qualified_name(match.node("fn")) or "").rsplit(".", 1)[-1]
    for name in destination_names(match.ctx, match.target):
        words = name_words(name)
        if words & SECRET_WORDS and signs_with_a_key(match, name):
            return None
        if words & SECRET_WORDS or (words & AMBIGUOUS_SECRET_WORDS and draws_characters(match, function)):
            shown = name.strip(QUOTES)
            return Report(message=f"`random.{function}` is predictable, yet it feeds `{shown}`; use `secrets`.")
    sink = flows_to_secret_sink(match.ctx, match.target)
    if sink is not None:
        return Report(message=f"`random.{function}` is predictable, yet its value reaches {sink}; use `secrets`.")
    return None


def use_secrets(match: Match) -> Fix | None:
    """`random.choice` -> `secrets.choice`, `randint(a, b)` -> `secrets.randbelow(b - a + 1) + a`."""
    callee, args = match.node("fn"), positional_args(match.node("args"))
    function = (match.ctx.qualified_name(callee) or "").rsplit(".", 1)[-1]
    renamed = {"choice": "secrets.choice", "getrandbits": "secrets.randbits"}
    if function == "randrange" and len(args) == 1:
        renamed["randrange"] = "secrets.randbelow"
    if function in renamed and callee is not None:
        edit = Edit(callee.start_byte, callee.end_byte, renamed[function])
    elif function == "randint" and len(args) == 2 and (text := randbelow(match, *args)):
        edit = Edit(match.target.start_byte, match.target.end_byte, text)
    else:
        return None
    imported = import_edit(match.ctx, "secrets")
    return Fix("Use the `secrets` module", (edit,) + ((imported,) if imported else ()), safe=False)


def randbelow(match: Match, low: Node, high: Node) -> str | None:
    """`secrets.randbelow(...)` over the same inclusive range as `randint(low, high)`.

    Only for literal or plain-name bounds: the rewrite evaluates `low` twice.
    """
    if not {low.type, high.type} <= {"integer", "identifier"}:
        return None
    a, b = match.ctx.text(low), match.ctx.text(high)
    if a.isdigit() and b.isdigit():
        result = f"secrets.randbelow({int(b) - int(a) + 1})" + (f" + {a}" if int(a) else "")
    else:
        result = f"secrets.randbelow({b} - {a} + 1) + {a}"
    parent = match.target.parent
    loose = parent is None or parent.type in LOOSE_PARENTS or " + " not in result
    return result if loose else f"({result})"


RULE = Rule(
    id="insecure-random-for-secrets",
    title="Predictable random value used as a secret",
    category=Category.CRYPTO,
    cwe=(330, 338),
    owasp=("A02:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=frozenset(f"random.{name}" for name in FUNCTIONS),
    where=builds_secret,
    fix=use_secrets,
    aliases=("B311", "S311"),
    message="The `random` module is predictable; generate tokens, passwords and keys with `secrets`.",
    docs="""## Why is this bad?
`random` is a Mersenne Twister: from 624 observed outputs an attacker rebuilds its state and
predicts every past and future value, so reset tokens, OTPs or session ids drawn from it can
be guessed. Bandit's B311 reports every `random` call; this rule only reports values flowing
into a secret-looking name (token, password, otp, salt, key, code, pin, session, ...), or
whose value data flow follows (through up to three local variables) into a cookie
(`set_cookie(name, value)`), an entry of the session or of the response headers, or a
secret-named variable or keyword (`value = str(random.random()); session[cookie] = value`).
The counter of a keyed one-time-password generator (`pyotp.HOTP(secret).at(count)`) is not
reported: the code is as strong as the key, whatever the counter. Nor is a salt or nonce that is
then joined with a key in one `+` chain (`payload = appid + text + salt + secret`, then hashed):
a request signature's salt travels in clear beside the signature, which the key makes.

## How to fix
Use `secrets`: `secrets.token_urlsafe(32)` for tokens, `secrets.choice(alphabet)` for
passwords, `secrets.randbelow(10**6)` for numeric codes (or `random.SystemRandom()`).

## Fix safety
Unsafe: `secrets` cannot be seeded, so code or tests that call `random.seed()` to get
repeatable values stop being repeatable. Adds `import secrets` when it is missing.
""",
    references=("https://docs.python.org/3/library/secrets.html", "https://cwe.mitre.org/data/definitions/338.html"),
    examples="""
import random
import random as rnd
import string
from random import choice, randint as ri
# ruleid: insecure-random-for-secrets
reset_token = "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))
otp = ri(100000, 999999)  # ruleid: insecure-random-for-secrets
user.password = "".join(choice(alphabet) for _ in range(12))  # ruleid: insecure-random-for-secrets
salt = rnd.getrandbits(128)  # ruleid: insecure-random-for-secrets
session["csrf_token"] = str(random.random())  # ruleid: insecure-random-for-secrets
send_sms(phone, code=random.randint(1000, 9999))  # ruleid: insecure-random-for-secrets
payload = {"api_key": "".join(random.choices(string.hexdigits, k=40))}  # ruleid: insecure-random-for-secrets
def generate_pin():
    return str(random.randint(0, 9999)).zfill(4)  # ruleid: insecure-random-for-secrets
# ok: insecure-random-for-secrets
reset_token = "".join(random.SystemRandom().choice(string.ascii_letters) for _ in range(32))
otp = secrets.randbelow(10**6)  # ok: insecure-random-for-secrets
random.shuffle(questions)  # ok: insecure-random-for-secrets
if random.random() < 0.1: log_sample(request)  # ok: insecure-random-for-secrets
key = random.choice(list(cache.keys()))  # ok: insecure-random-for-secrets
delay = random.uniform(0.5, 1.5) * backoff  # ok: insecure-random-for-secrets
dice = random.randint(1, 6)  # ok: insecure-random-for-secrets
token = "".join(
    random.choice(chars)  # ruleid: insecure-random-for-secrets
    for _ in range(random.randint(8, 12))  # ok: insecure-random-for-secrets
)
# ruleid: insecure-random-for-secrets
digits = random.randint(100000, 999999); otp_code = str(digits)
def remember(response, session):
    # ruleid: insecure-random-for-secrets
    value = str(random.random())[2:]
    session["rememberMe"] = value
    # ruleid: insecure-random-for-secrets
    number = random.getrandbits(64)
    response.set_cookie("remember", str(number), secure=True, httponly=True)
    # ok: insecure-random-for-secrets
    colour = random.choice(COLOURS)
    response.set_cookie("theme", "dark", secure=True, httponly=True)
    log.info("picked %s", colour)
def send_email_otp(person):
    # ok: insecure-random-for-secrets (a keyed HOTP's counter: the secret makes the code)
    count = random.randint(0, 999999999999)
    otp = pyotp.HOTP(person["email_otp_secret"]).at(count)
    hotp = pyotp.HOTP(person["otp_secret"])
    # ok: insecure-random-for-secrets
    code = hotp.at(random.randint(0, 10**9))
    # ruleid: insecure-random-for-secrets
    counter = random.randint(0, 999999)
    otp = str(counter)
    return otp
def signed_salt(appid, secret, text):
    # ok: insecure-random-for-secrets (sent in clear with the signature the secret makes)
    salt = str(random.randint(0, 10000000000))
    payload = appid + text + salt + secret
    return md5(payload.encode()).hexdigest(), salt
def hashed_password(password):
    # ruleid: insecure-random-for-secrets
    salt = str(random.randint(0, 10000000000))
    return md5((password + salt).encode()).hexdigest()
# todook: insecure-random-for-secrets (a "reset" that is not a secret still reads like one)
reset_after = random.randint(30, 90)
""",
)
