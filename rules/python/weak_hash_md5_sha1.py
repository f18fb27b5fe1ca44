"""MD5 and SHA-1 digests (`hashlib`, PyCryptodome, `cryptography`), and passwords hashed with them.

A call marked `usedforsecurity=False` is a checksum by the author's own word and stays quiet, and
so does a digest that names what it identifies (a Gravatar URL, an ETag, a cache key, a file or
thumbnail name, a colour, a change-detection checksum named after its algorithm such as
`previous_md5`, a truncated `hexdigest()[:8]` id, a Django `upload_to` path, an index or message id, an e-mail's
hash for avatars, a digest whose function docstring or the comment above it calls it a
checksum), a digest in a module named for caching, a digest used as a database lookup key (`filter(auth_hash=digest)`), a digest that becomes part
of a filesystem path (`os.path.join(root, digest[0:3], digest)`), a logger's name, a Redis script's `EVALSHA` id, a fingerprint of
the application's signing key alone (`sha1(force_bytes(settings.SECRET_KEY))`, an install id),
a digest of a random value made on the spot (`md5(str(random.randint(...)).encode())`, which only
formats it as hex) and a digest that a keyed signer signs or checks (`signer.sign(sha1(payload).hexdigest())`):
those need no collision resistance. Test modules are not reported:
they recompute what the application hashes, and are not where it is protected.
When the hashed value is named like a password the finding says so (CWE-916): any fast hash is
the wrong tool there, so no "use SHA-256" fix is offered for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tree_sitter import Node

from ..analysis.bindings import later_bindings
from ..analysis.crypto_names import destination_names, is_password_name
from ..analysis.nodes import argument, enclosing_function, is_false, keyword_arg, string_value
from ..analysis.test_code import is_test_code
from ..context import FileContext, Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity
from ..patterns import linear

CRYPTOGRAPHY_HASHES = "cryptography.hazmat.primitives.hashes"
WEAK_CALLS = frozenset(
    {
        "hashlib.md5",
        "hashlib.sha1",
        "hashlib.new",
        *(f"{package}.{algo}.new" for package in ("Crypto.Hash", "Cryptodome.Hash") for algo in ("MD5", "SHA1")),
        f"{CRYPTOGRAPHY_HASHES}.MD5",
        f"{CRYPTOGRAPHY_HASHES}.SHA1",
    }
)
WEAK_NAMES = {"md5": "MD5", "sha1": "SHA-1"}
# SHA-1 inside RSA-OAEP / MGF1 padding does not rely on collision resistance.
PADDING_PARENTS = ("padding.MGF1", "padding.OAEP")
# Digests that identify content rather than protect it: avatars, HTTP caching, cache keys, file names.
NON_SECURITY_USE = linear(
    r"gravatar|avatar|identicon|etag|cache|checksum|fingerprint|thumb|filename|file_name|colou?r|bucket|shard"
    r"|dedup|content_hash|version|revision|slug|anchor|css_class|html_id|element_id|redis_key|lock_key|idempotency"
    # Change detection: a digest named after its algorithm or the content it summarises.
    r"|_md5\b|\bmd5_|_md5_|_sha1\b|_sha1_|snapshot|screenshot|changed|compare (?:the )?contents?|hexdigest\(\)\s*\[\s*:"
    # Names, not secrets: storage paths spread by a digest (Django `upload_to`), index and
    # message ids, an e-mail's hash for avatar services, a file's content hash.
    r"|upload_to|spread_path|index_name|index_id|msg_id|message_id|email_hash|hash_email|file_hash"
    r"|stable hash"
    # A logger's name (`log_id = 'Trac.%s' % sha1(env_path).hexdigest()`).
    r"|\blog_id\b|\blogger_name\b|getlogger\("
    # Redis names a Lua script by its SHA-1 (`EVALSHA`): the protocol's identifier, not a protection.
    r"|script_hash|evalsha",
    re.IGNORECASE,
)
# A digest of a fresh random value (`md5(str(random.randint(...)).encode())`) only formats it as
# hex: nobody else's data is hashed, so collisions protect nothing (a weak random number is
# `insecure-random-for-secrets`' concern).
RANDOM_INPUT = linear(
    r"^(?:str\()?\s*(?:random\.\w+|uuid\.uuid[14]|os\.urandom|secrets\.\w+|time\.time(?:_ns)?)\("
    r"[^()]*(?:\([^()]*\)[^()]*)*\)\s*\)?(?:\.encode\([^()]*\)|\.bytes|\.hex)?$"
)
CACHING_MODULE = linear(r"^(?:\w*_)?(?:cache|caching|etags?|thumbnails?)\.py$", re.IGNORECASE)
PASSWORD_MESSAGE = "A password is hashed with fast, unsalted {algo} (CWE-916); use scrypt, argon2 or bcrypt."


def algorithm(match: Match) -> str | None:
    """`md5`/`sha1` for a weak hash call, None for `hashlib.new` of a strong algorithm."""
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name == "hashlib.new":
        chosen = (string_value(argument(match.node("args"), 0, "name")) or "").lower()
        chosen = chosen.replace("-", "").replace("_", "")
        return chosen if chosen in WEAK_NAMES else None
    return "md5" if "md5" in name.lower() else "sha1"


def in_padding(match: Match) -> bool:
    parent = match.target.parent
    while parent is not None and parent.type in ("argument_list", "keyword_argument"):
        parent = parent.parent
    if parent is None or parent.type != "call":
        return False
    callee = match.ctx.qualified_name(parent.child_by_field_name("function")) or ""
    return callee.endswith(PADDING_PARENTS)


def hashes_random_value(match: Match) -> bool:
    """The hashed data is a random number or id made on the spot."""
    position = 1 if match.ctx.qualified_name(match.node("fn")) == "hashlib.new" else 0
    data = argument(match.node("args"), position, "data")
    return data is not None and RANDOM_INPUT.search(match.ctx.text(data)) is not None


# The application's own signing key, alone: `settings.SECRET_KEY`, `app.secret_key`, `config["SECRET_KEY"]`.
_SIGNING_KEY = linear(r"(?:^|\.)(?:SECRET_KEY|secret_key)$|\[\s*[\"']SECRET_KEY[\"']\s*\]$")
_WRAPPERS = frozenset({"force_bytes", "force_str", "smart_bytes", "str", "bytes", "to_bytes", "to_utf8"})


def fingerprints_signing_key(match: Match) -> bool:
    """`sha1(force_bytes(settings.SECRET_KEY)).hexdigest()` (Review Board's install key): a digest of
    the generated, high-entropy key alone is an identifier; no guess can invert it (SHA-1's preimage
    resistance stands) and a collision gives nothing."""
    position = 1 if match.ctx.qualified_name(match.node("fn")) == "hashlib.new" else 0
    data = argument(match.node("args"), position, "data")
    while data is not None and data.type == "call":
        callee = data.child_by_field_name("function")
        name = match.ctx.text(callee)
        if callee is not None and callee.type == "attribute" and name.endswith(".encode"):
            data = callee.child_by_field_name("object")
        elif name in _WRAPPERS:
            args = data.child_by_field_name("arguments")
            data = args.named_children[0] if args is not None and len(args.named_children) == 1 else None
        else:
            return False
    return data is not None and _SIGNING_KEY.search(match.ctx.text(data)) is not None


def hashes_password(match: Match) -> bool:
    """True when the hashed argument, or a name the digest flows into, names a password."""
    position = 1 if match.ctx.qualified_name(match.node("fn")) == "hashlib.new" else 0
    data = argument(match.node("args"), position, "data")
    # name_words() splits the argument's text (`user.password.encode()`) into its words.
    names = [match.ctx.text(data), *destination_names(match.ctx, match.target)]
    return any(is_password_name(name) for name in names)


def non_security_digest(match: Match) -> bool:
    """The digest names a Gravatar URL, an ETag, a cache key or a file name: it identifies, not protects."""
    ctx = match.ctx
    statement = match.target
    while statement.parent is not None and not statement.type.endswith(("_statement", "assignment")):
        statement = statement.parent
    function = enclosing_function(match.target)
    words = [ctx.text(statement), *destination_names(ctx, match.target)]
    branch = statement.parent.parent if statement.parent is not None else None
    if branch is not None and branch.type == "if_statement":  # `if etag: return sha1(name).hexdigest()`
        words.append(ctx.text(branch.child_by_field_name("condition")))
    if function is not None:
        words += [ctx.text(function.child_by_field_name("name")), _docstring(ctx, function)]
    words.append(_comment_above(ctx, statement))
    module = ctx.path.replace("\\", "/").rsplit("/", 1)[-1]  # `utils/cache.py`, `etags.py`
    return CACHING_MODULE.search(module) is not None or any(NON_SECURITY_USE.search(word) for word in words)


def _docstring(ctx: FileContext, function: Node) -> str:
    """The function's docstring ("Calculate MD5 checksum of text content."), or ""."""
    body = function.child_by_field_name("body")
    first = body.named_child(0) if body is not None else None  # one child, not the body's list
    head = first.named_child(0) if first is not None and first.type == "expression_statement" else None
    if head is None or head.type != "string":
        return ""
    return ctx.text(first)


def _comment_above(ctx: FileContext, statement: Node) -> str:
    """The comment line just above the statement (`# Binary files just return their checksum`);
    read from the text, as tree-sitter may hang a block's first comment outside the block."""
    line_start = ctx.source.rfind(b"\n", 0, statement.start_byte)
    if line_start <= 0:
        return ""
    previous = ctx.source[ctx.source.rfind(b"\n", 0, line_start) + 1 : line_start].strip()
    return previous.decode("utf-8", "replace") if previous.startswith(b"#") else ""


# Calls a digest is looked up with, or that sign it with a key of their own.
LOOKUP_CALLS = frozenset({"filter", "get", "exclude", "get_or_create", "update_or_create", "select_for_update"})
SIGNING_CALLS = frozenset({"sign", "unsign", "dumps", "loads", "compare_digest"})


def keys_a_lookup_or_signature(match: Match) -> bool:
    """The digest is a lookup key (`ApiCall.objects.get_or_create(auth_hash=digest)`) or the payload
    of a keyed signature (`signer.sign(sha1(payload).hexdigest())`): neither relies on collision
    resistance, the server holds what was hashed, and SHA-1's preimage resistance stands."""
    ctx = match.ctx
    if any(name.rsplit(".", 1)[-1] in SIGNING_CALLS for name in destination_names(ctx, match.target)):
        return True
    return _later_use(match, _used_as_key)


# Calls that build a filesystem path: a digest passed to them names a file or a folder.
PATH_CALLS = frozenset({"os.path.join", "path.join", "posixpath.join", "Path", "PurePath", "PurePosixPath"})


def names_a_path(match: Match) -> bool:
    """The digest becomes part of a filesystem path (`os.path.join(root, digest[0:3], digest)`,
    `Path(root) / digest`): the file storage is spread by it, as with Django's `upload_to`; a
    collision there protects nothing that reading the folder would not give away."""
    return _later_use(match, _in_path_expression)


def _later_use(match: Match, test: Callable[[FileContext, Node], bool]) -> bool:
    """Whether a later mention of the name the digest is stored in, in the same function, passes `test`."""
    ctx = match.ctx
    names = [name for name in destination_names(ctx, match.target) if name.isidentifier()]
    function = enclosing_function(match.target)
    if not names or function is None:
        return False
    mentions = later_bindings(function, names[-1].encode(), match.target.end_byte, _identifiers)
    return any(mention is not None and test(ctx, mention) for mention in mentions)


def _identifiers(function: Node) -> Iterator[tuple[int, bytes, Node | None]]:
    """Every identifier in `function`, nested code included (an index of mentions, not bindings)."""
    stack = [function]
    while stack:
        node = stack.pop()
        if node.type == "identifier" and node.text is not None:
            yield node.start_byte, node.text, node
        stack.extend(node.named_children)


def _in_path_expression(ctx: FileContext, name: Node) -> bool:
    """`name` (or `name[0:3]`) is an argument of a path-building call or an operand of a `Path` `/`."""
    node = name.parent
    if node is not None and node.type in ("subscript", "slice"):
        node = node.parent if node.type == "subscript" else node.parent and node.parent.parent
    if node is not None and node.type == "argument_list" and node.parent is not None:
        callee = ctx.text(node.parent.child_by_field_name("function"))
        return callee in PATH_CALLS or callee.endswith(".path.join")
    if node is not None and node.type == "binary_operator" and ctx.text(node.child_by_field_name("operator")) == "/":
        return "path" in ctx.text(node.child_by_field_name("left")).lower()
    return False


def _used_as_key(ctx: FileContext, name: Node) -> bool:
    """`filter(auth_hash=name)`, `name == signer.unsign(token)`, `signer.sign(name)`."""
    parent = name.parent
    if parent is not None and parent.type == "keyword_argument":
        parent = parent.parent
    if parent is not None and parent.type == "argument_list" and parent.parent is not None:
        callee = ctx.text(parent.parent.child_by_field_name("function"))
        return callee.rsplit(".", 1)[-1] in LOOKUP_CALLS | SIGNING_CALLS
    if parent is not None and parent.type == "comparison_operator":
        return any(f".{call}(" in ctx.text(parent) for call in SIGNING_CALLS)
    return False


def weak_hash_used(match: Match) -> bool | Report:
    if is_false(keyword_arg(match.node("args"), "usedforsecurity")):
        return False
    algo = algorithm(match)
    if algo is None or in_padding(match):
        return False
    if is_test_code(match.ctx.path) or non_security_digest(match) or hashes_random_value(match):
        return False  # a test recomputes what the code hashes; an ETag or cache key protects nothing
    if fingerprints_signing_key(match):
        return False
    password = hashes_password(match)
    if not password and (keys_a_lookup_or_signature(match) or names_a_path(match)):
        return False
    if password:
        return Report(message=PASSWORD_MESSAGE.format(algo=WEAK_NAMES[algo]), severity=Severity.HIGH, cwe=(916, 328))
    return Report(message=f"{WEAK_NAMES[algo]} is broken for security use (practical collisions); use SHA-256.")


def use_sha256(match: Match) -> Fix | None:
    """Rename `hashlib.md5`/`hashes.MD5` to SHA-256, or change `hashlib.new("md5")`'s name."""
    if hashes_password(match):
        return None  # SHA-256 is as wrong for passwords, and the finding would go quiet
    callee = match.node("fn")
    name = match.ctx.qualified_name(callee) or ""
    if name == "hashlib.new":
        chosen = argument(match.node("args"), 0, "name")
        assert chosen is not None  # algorithm() found a weak name in it
        quote = match.ctx.text(chosen)[-1]
        edit = Edit(chosen.start_byte, chosen.end_byte, f"{quote}sha256{quote}")
    elif callee is not None and callee.type == "attribute" and name.startswith(("hashlib.", CRYPTOGRAPHY_HASHES)):
        attribute = callee.child_by_field_name("attribute")
        assert attribute is not None
        new_name = "SHA256" if name.startswith(CRYPTOGRAPHY_HASHES) else "sha256"
        edit = Edit(attribute.start_byte, attribute.end_byte, new_name)
    else:
        return None  # `from hashlib import md5` or PyCryptodome: the fix would need a new import
    return Fix("Use SHA-256", (edit,), safe=False)


RULE = Rule(
    id="weak-hash-md5-sha1",
    title="Weak hash algorithm (MD5/SHA-1)",
    category=Category.CRYPTO,
    cwe=(328, 916),
    owasp=("A02:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=WEAK_CALLS,
    where=weak_hash_used,
    fix=use_sha256,
    aliases=("B303", "B324", "S303", "S324"),
    message="MD5 and SHA-1 are broken for security use; use SHA-256 or better.",
    docs="""## Why is this bad?
Collisions for MD5 and SHA-1 can be computed cheaply, so signatures, integrity checks and
tokens built on them can be forged. For passwords any fast hash is wrong (CWE-916): GPUs try
billions of MD5 or SHA-256 guesses per second against a leaked table.

## How to fix
Use `hashlib.sha256` (or SHA-3/BLAKE2) for integrity. Hash passwords with a slow, salted KDF:
`hashlib.scrypt`, argon2 (`argon2-cffi`) or `bcrypt`. If the digest is only a cache key or a
checksum, say so with `hashlib.md5(data, usedforsecurity=False)` (Python 3.9+).

Not reported: digests that identify rather than protect (Gravatar URLs, ETags, cache keys, file
names, change-detection checksums, database lookup keys, payloads a keyed signer signs) and a
digest of a random value made on the spot, which only formats it as hex.

## Fix safety
Unsafe: every digest changes, so stored hashes, ETags, cache keys and file names derived from
them stop matching. No fix is offered when the input is a password: SHA-256 is just as wrong
there and would only make the finding disappear; migrate to a KDF instead.
""",
    references=(
        "https://docs.python.org/3/library/hashlib.html",
        "https://cwe.mitre.org/data/definitions/328.html",
        "https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html",
    ),
    examples="""
import hashlib
import hashlib as h
from hashlib import md5, sha1 as s1
from Crypto.Hash import MD5
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
digest = hashlib.md5(data).hexdigest()  # ruleid: weak-hash-md5-sha1
stored = h.md5(password.encode()).hexdigest()  # ruleid: weak-hash-md5-sha1
password_hash = md5(raw).hexdigest()  # ruleid: weak-hash-md5-sha1
sig = s1(message).digest()  # ruleid: weak-hash-md5-sha1
hashlib.new("SHA1", body)  # ruleid: weak-hash-md5-sha1
MD5.new(blob)  # ruleid: weak-hash-md5-sha1
hasher = hashes.Hash(hashes.SHA1())  # ruleid: weak-hash-md5-sha1
etag = hashlib.md5(body, usedforsecurity=False).hexdigest()  # ok: weak-hash-md5-sha1
digest = hashlib.sha256(data).hexdigest()  # ok: weak-hash-md5-sha1
hashlib.new("sha256", body)  # ok: weak-hash-md5-sha1
# ok: weak-hash-md5-sha1
pad = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA1(), label=None)
# todoruleid: weak-hash-md5-sha1 (the algorithm name is in a variable, not a literal)
hashlib.new(algo_name, body)
# ok: weak-hash-md5-sha1
cache_key = hashlib.md5(url.encode()).hexdigest()
class Member(models.Model):
    def avatar_url(self, size=80):
        # ok: weak-hash-md5-sha1
        return f"https://www.gravatar.com/avatar/{hashlib.md5(self.email.lower().encode()).hexdigest()}?s={size}"
def download(request, path):
    response = FileResponse(open(path, "rb"))
    # ok: weak-hash-md5-sha1
    response["ETag"] = '"%s"' % hashlib.sha1(path.encode()).hexdigest()
    return response
def build_etag(project_id, last_modified):
    # ok: weak-hash-md5-sha1
    return hashlib.md5((app.config["SECRET_KEY"] + project_id + last_modified).encode()).hexdigest()
def sign_invoice(invoice):
    # ruleid: weak-hash-md5-sha1
    return hashlib.sha1(SECRET + invoice.number.encode()).hexdigest()
def remember_call(request, device):
    # ok: weak-hash-md5-sha1
    auth_hash = hashlib.sha1(f"Device {device.api_token}:".encode()).hexdigest()
    return ApiCall.objects.get_or_create(auth_hash=auth_hash, key=request.headers["X-Key"])
def download_token(request, answer):
    signer = TimestampSigner()
    # ok: weak-hash-md5-sha1
    return signer.sign(hashlib.sha1(f"{request.session.session_key}:{answer.pk}".encode()).hexdigest())
def detect_change(watch, fetched):
    # ok: weak-hash-md5-sha1
    current_md5 = hashlib.md5(fetched.screenshot).hexdigest()
    # ok: weak-hash-md5-sha1
    short_id = hashlib.md5(watch.url.encode()).hexdigest()[:8]
    return current_md5 != watch.previous_md5
def check_upload(upload, expected):
    # ruleid: weak-hash-md5-sha1
    digest = hashlib.sha1(upload.read()).hexdigest()
    return digest == expected
def upload_to(instance, filename):
    # ok: weak-hash-md5-sha1
    spread_path = md5(str(instance.secret[:16]).encode()).hexdigest()
    return "attachments/%s/%s/%s" % (spread_path[:2], spread_path[2:4], filename)
class User(Base):
    @property
    def email_hash(self) -> str:
        # ok: weak-hash-md5-sha1
        return md5(self.email.strip().lower().encode("utf8")).hexdigest()
def message_id_hash(msg_id):
    # ok: weak-hash-md5-sha1
    return b32encode(sha1(msg_id.encode()).digest()).decode()
class ChecksumCalculator:
    @staticmethod
    def calculate(text):
        '''Calculate MD5 checksum of text content.'''
        # ok: weak-hash-md5-sha1
        return hashlib.md5(text.encode("utf-8")).hexdigest()
def fetch(response, fetcher):
    # Binary files just return their checksum until we add something smarter
    fetcher.content = hashlib.md5(response.content).hexdigest()  # ok: weak-hash-md5-sha1
def make_user_admin_token(user):
    formula = (str(user.pk), user.email, user.password, settings.SECRET_KEY)
    # ruleid: weak-hash-md5-sha1
    return md5(":".join(formula).encode()).hexdigest()
def hash_dict(d):
    '''Create a hash of the dictionary to compare contents.'''
    # ok: weak-hash-md5-sha1
    return hashlib.sha1(json.dumps(d).encode("utf8")).hexdigest()
def generate_md5_hash(context):
    # ok: weak-hash-md5-sha1
    return hashlib.md5(f"{context['bundle']}:{context['fileloc']}".encode()).hexdigest()
def obscured_folder(upload_path):
    # ok: weak-hash-md5-sha1
    digest = hashlib.md5(str(random.randint(0, 100000000000000)).encode("ascii"))
    return os.path.join(upload_path, digest.hexdigest())
class RedisCacheProvider:
    def register_scripts(self, scripts):
        # ok: weak-hash-md5-sha1
        self._script_hashes = {key: hashlib.sha1(script.encode()).hexdigest() for key, script in scripts.items()}
def sign_payload(payload):
    # ruleid: weak-hash-md5-sha1
    return hashlib.md5(payload + SECRET).hexdigest()
def attachment_path(root, realm, parent_id):
    # ok: weak-hash-md5-sha1
    digest = hashlib.sha1(parent_id.encode("utf-8")).hexdigest()
    return os.path.join(root, realm, digest[0:3], digest)
def upload_folder(root, key):
    # ok: weak-hash-md5-sha1
    name = hashlib.md5(key).hexdigest()
    return Path(root) / name
def create_logger(self):
    # ok: weak-hash-md5-sha1
    log_id = "Trac.%s" % hashlib.sha1(self.path.encode("utf-8")).hexdigest()
def get_install_key():
    # ok: weak-hash-md5-sha1
    return hashlib.sha1(force_bytes(settings.SECRET_KEY)).hexdigest()
def remember_token(user):
    # ruleid: weak-hash-md5-sha1
    return hashlib.sha1(force_bytes(settings.SECRET_KEY + user.password)).hexdigest()
def signed_path(root, payload):
    # ruleid: weak-hash-md5-sha1
    signature = hashlib.sha1(payload + SECRET).hexdigest()
    send(signature)
    return os.path.join(root, "latest")
""",
)
