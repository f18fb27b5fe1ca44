"""Secrets rules on the triage's real-library false alarms and its missed modern provider keys."""

from __future__ import annotations

import pytest
from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.rules.model import Finding

# Built at run time so no credential-shaped literal sits in the repository.
OPENAI_BODY = "Xk29fLm3Qp8Rt5" + "Vw2Yz7Bc4Dg6Hj9Kn1Mp3Q"
OPENAI_KEY = "sk-" + "proj-" + OPENAI_BODY
ANTHROPIC_KEY = "sk-" + "ant-api03-" + OPENAI_BODY + "s5Tv8Wx0Za2Cd4Fg6Hk8Jm"
SECRET_RULES = [r for r in registry.all_rules() if r.category.value == "secrets"]


def scan(source: str, language: str = "python", path: str = "app.py") -> list[Finding]:
    return list(Engine(SECRET_RULES).analyze(source.encode(), language, path).findings)


def rules_fired(source: str, language: str = "python") -> list[tuple[int, str]]:
    return [(f.start.line + 1, f.rule_id) for f in scan(source, language)]


@pytest.mark.parametrize(
    "source",
    [
        "cl_pw = r'([0-9a-f]{64})'",
        "password_keyword = r'(?:secret|pass)'",
        "key_or_pass = r'(?:key|pwd|password|pass|token)'",
        "_token_end = r'(?=\\s|#|[)\\]]|$)'",
        "_TOKEN_REF = r'[A-Z]\\w*'",
        "styles = {Token: '#d0d0d0', Comment: '#ffffff'}",
        'stubs = {"auth0": "types-auth0-python", "generate_private_key": "DSA"}',
        'if token == "with": pass',
        "if token == 'root': pass",
        'if user_pass == "git": pass',
        'if "file" in data__license_keys: pass',
        'basic_auth_encoding: str = "latin-1"',
        'password = ":****"',
        "# Account SID (ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)",
        "COCOA = {'APActivationPayload', 'APActivationKey'}",
        "PATTERNS = [r'PuTTY-User-Key-File-2', r'BEGIN RSA PRIVATE KEY']",
        'def parse_url(url):\n    """Parse \'http://username:password@host.com:80/path?query#fragment\'."""',
    ],
)
def test_library_code_from_the_triage_is_quiet(source: str) -> None:
    """Ensure that regexes, colours, parser comparisons, masks and docstrings raise no secret."""
    assert rules_fired(source) == []


def test_hard_coded_api_key_in_a_header_comparison_is_reported() -> None:
    """Ensure that a credential-looking value compared with a header read is a hard-coded key."""
    source = 'if request.headers.get("X-API-Key") != "secret-api-key-123":\n    abort(401)\n'
    assert rules_fired(source) == [(1, "hardcoded-password")]


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ('key = "{openai}"', "OpenAI API key"),
        ('ANTHROPIC_KEY = "{anthropic}"', "Anthropic API key"),
        ('headers = {{"Authorization": "Bearer {openai}"}}', "OpenAI API key"),
        ('OPENAI_KEY = "sk-proj-" + "{body}"', "OpenAI API key"),
        ('msg = "use key {openai}"', "OpenAI API key"),
    ],
)
def test_modern_provider_keys_are_named_whatever_the_variable(template: str, kind: str) -> None:
    """Ensure that `sk-proj-`/`sk-ant-api03-` keys are found by shape and named by provider."""
    source = template.format(openai=OPENAI_KEY, anthropic=ANTHROPIC_KEY, body=OPENAI_BODY)
    findings = scan(source)
    assert [f.rule_id for f in findings] == ["hardcoded-secret"]
    assert findings[0].message.startswith(kind)
    assert OPENAI_BODY not in findings[0].message


def test_concatenated_key_is_reported_once_over_the_whole_expression() -> None:
    """Ensure that `"sk-proj-" + "..."` is one finding spanning the whole concatenation."""
    source = f'OPENAI_KEY = "sk-proj-" + "{OPENAI_BODY[:10]}" + "{OPENAI_BODY[10:]}"\n'
    findings = scan(source)
    assert len(findings) == 1
    assert source.encode()[findings[0].start_byte : findings[0].end_byte].decode() == source[13:-1]


def test_concatenated_key_in_javascript_is_reported() -> None:
    """Ensure that JavaScript `+` concatenations of literals are folded too."""
    source = f'const key = "sk-proj-" + "{OPENAI_BODY}";\n'
    assert rules_fired(source, "javascript") == [(1, "hardcoded-secret")]


@pytest.mark.parametrize("body", ["abc123def456ghi789jkl012mno345pqr678stu9", "X" * 32])
def test_obviously_fake_provider_key_is_a_placeholder(body: str) -> None:
    """Ensure that a provider-shaped key typed by hand stays a placeholder, not a leaked key."""
    assert rules_fired(f'PLACE = "sk-proj-{body}"') == [(1, "placeholder-credential")]


def test_putty_key_file_with_private_lines_is_a_private_key() -> None:
    """Ensure that a PuTTY key with its `Private-Lines:` is a key, while the bare header is not."""
    source = 'PPK = "PuTTY-User-Key-File-2: ssh-rsa\\nEncryption: none\\nPrivate-Lines: 14\\nAAAA"\n'
    assert rules_fired(source) == [(1, "private-key-block")]


def test_url_password_outside_docstrings_is_still_reported() -> None:
    """Ensure that skipping docstrings keeps assigned connection strings reported."""
    source = 'DSN = "postgresql://app:Sup3rS3cret@db/prod"\n"""See http://user:pa55word@example/ for the format."""\n'
    assert rules_fired(source) == [(1, "credentials-in-url")]


@pytest.mark.parametrize(
    "source",
    [
        'if settings.SECRET_KEY == "mysecretkey-changeme":\n    raise ImproperlyConfigured("set SECRET_KEY")\n',
        'if not config.api_token or config.api_token == "replace-me-123":\n    sys.exit("set the token")\n',
        'if app.config["SECRET_KEY"] == "devel0pment-key":\n    log.warning("the development key is in use")\n',
        'if data["default_password"] == "cobbler-Def4ult":\n    problems.append("the default password is set")\n',
        'def configured():\n    if settings.DB_PASSWORD == "insecure-Default9":\n        return False\n',
        'assert settings.SECRET_KEY != "insecure-Default-key9"\n',
    ],
)
def test_a_check_that_refuses_a_shipped_default_is_quiet(source: str) -> None:
    """Ensure that comparing a setting with its known default, then stopping or warning, holds no secret."""
    assert rules_fired(source) == []


def test_a_check_that_refuses_a_default_in_javascript_is_quiet() -> None:
    """Ensure that `if (secret === "...") throw` is a refused default in JavaScript too."""
    source = 'if (config.jwtSecret === "change-me-please1") {\n  throw new Error("set JWT_SECRET");\n}\n'
    assert rules_fired(source, "javascript") == []


@pytest.mark.parametrize(
    ("source", "language"),
    [
        ('def login(password):\n    if password == "hunter2Pass!":\n        return True\n', "python"),
        ('if request.headers.get("X-API-Key") != "s3cr3tAp1Key9":\n    raise PermissionDenied()\n', "python"),
        ('if (req.headers["x-api-key"] !== "s3cr3tAp1Key9") {\n  throw new Error("denied");\n}\n', "javascript"),
    ],
)
def test_a_comparison_that_grants_access_with_a_literal_is_still_reported(source: str, language: str) -> None:
    """Ensure that a literal the code accepts (equality that grants, inequality that refuses) is a credential."""
    assert [rule for _, rule in rules_fired(source, language)] == ["hardcoded-password"]


def test_a_django_lookup_path_is_a_field_name_not_a_secret() -> None:
    """Ensure that `master_subnet_key = "config__subnet__master_subnet__subnet"` (an ORM lookup)
    is quiet while a key-shaped value under the same name is reported."""
    assert rules_fired('master_subnet_key = "config__subnetdivisionindex__subnet__master_subnet__subnet"\n') == []
    assert rules_fired('master_subnet_key = "Xk29fLm3Qp8Rt5aa"\n') == [(1, "hardcoded-password")]


def test_a_configobj_type_specification_is_no_password() -> None:
    """Ensure that a `config_spec.ini` line declaring a setting's type (`string(default=None)`) is
    quiet while a literal password in the same file is reported."""
    spec = "# Password used for SMTP server\nemail_smtp_pass = string(default=None)\ndb_password = Xk29fLm3Qp8Rt5\n"
    fired = [(f.start.line + 1, f.rule_id) for f in scan(spec, "ini", "mediagoblin/config_spec.ini")]
    assert fired == [(3, "hardcoded-password")]
