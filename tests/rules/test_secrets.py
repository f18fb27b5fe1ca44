"""Secrets rules beyond their annotated examples: text formats, JS/TS, redaction, allowlists."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.rules.model import Finding, Severity
from vetline.rules.secrets import _allowlist, _scan

# Built at run time so no credential-shaped literal sits in the repository.
OPENAI_KEY = "sk-proj-" + "Zq8Xw2Lm4Np6Rt9Vb1Cd" + "T3Blbk" + "FJ" + "Hy7Gf5Ds3Ak1Jl9Pm2Qo"
SECRET_RULES = [r for r in registry.all_rules() if r.category.value == "secrets"]


def scan(source: str, language: str, path: str = "app") -> list[Finding]:
    return list(Engine(SECRET_RULES).analyze(source.encode(), language, path).findings)


def flagged(source: str, finding: Finding) -> str:
    return source.encode()[finding.start_byte : finding.end_byte].decode()


@pytest.mark.parametrize(
    ("language", "source", "rule_id", "value"),
    [
        ("dotenv", "# keys\nexport OPENAI_API_KEY={key}\nDEBUG=1\n", "hardcoded-secret", "{key}"),
        ("dotenv", "DB_PASSWORD='hunter2!x'\n", "hardcoded-password", "hunter2!x"),
        ("yaml", "database:\n  password: s3cretPass  # prod\n", "hardcoded-password", "s3cretPass"),
        ("json", '{{"api": {{"token": "{key}", "n": 1}}}}', "hardcoded-secret", "{key}"),
        ("ini", "[db]\npassword = Tr0ub4dor\n", "hardcoded-password", "Tr0ub4dor"),
        ("toml", 'secret_key = "dev-secret"\n', "hardcoded-signing-key", "dev-secret"),
        ("dockerfile", "FROM python\nENV API_TOKEN={key}\n", "hardcoded-secret", "{key}"),
        ("yaml", "url: postgres://app:Sup3rS3cret@db/prod\n", "credentials-in-url", "Sup3rS3cret"),
        ("yaml", "key: |\n  -----BEGIN RSA PRIVATE KEY-----\n", "private-key-block", "-----BEGIN RSA PRIVATE KEY-----"),
    ],
)
def test_text_formats_report_the_exact_value_range(language: str, source: str, rule_id: str, value: str) -> None:
    """Ensure that config-file secrets are found line by line and point at the value itself."""
    source, value = source.format(key=OPENAI_KEY), value.format(key=OPENAI_KEY)
    findings = scan(source, language)
    assert [f.rule_id for f in findings] == [rule_id]
    assert flagged(source, findings[0]) == value


@pytest.mark.parametrize("language", ["dotenv", "yaml", "json", "toml", "ini", "dockerfile"])
def test_text_formats_ignore_references_and_empty_values(language: str) -> None:
    """Ensure that `${VAR}` references, empty values and field names are not reported."""
    lines = {
        "dotenv": "DB_PASSWORD=${DB_PASSWORD}\nAPI_KEY=\nPASSWORD_FIELD=password\n",
        "yaml": "password: ${DB_PASSWORD}\napi_key: ''\npassword_field: password\n",
        "json": '{"password": "${DB_PASSWORD}", "api_key": "", "password_field": "password"}',
        "toml": 'password = "${DB_PASSWORD}"\napi_key = ""\n',
        "ini": "password = %(db_password)s\napi_key =\n",
        "dockerfile": "ARG DB_PASSWORD\nENV DB_PASSWORD=$DB_PASSWORD\n",
    }
    assert scan(lines[language], language) == []


def test_placeholders_are_quiet_in_example_files() -> None:
    """Ensure that `.env.example` placeholders are not reported: that is where they belong."""
    assert scan("OPENAI_API_KEY=your-api-key-here\n", "dotenv", "/p/.env.example") == []


@pytest.mark.parametrize("language", ["javascript", "typescript", "typescriptreact"])
def test_javascript_and_typescript_literals_are_checked(language: str) -> None:
    """Ensure that JS/TS declarations, object keys, defaults and jwt.sign keys are checked."""
    source = (
        f'const OPENAI_API_KEY = "{OPENAI_KEY}";\n'
        'const cfg = { password: "hunter2!x" };\n'
        'function login(user, password = "admin123") {}\n'
        'const t = jwt.sign(payload, "my-jwt-secret");\n'
        "const key = process.env.OPENAI_API_KEY;\n"
        "const PASSWORD_FIELD = 'password';\n"
    )
    found = [(f.rule_id, f.start.line) for f in scan(source, language)]
    assert found == [
        ("hardcoded-secret", 0),
        ("hardcoded-password", 1),
        ("hardcoded-password", 2),
        ("hardcoded-signing-key", 3),
    ]


def test_no_secret_value_in_messages_or_data() -> None:
    """Ensure that messages and data carry the kind, the name and a redacted preview only."""
    source = f'OPENAI_API_KEY = "{OPENAI_KEY}"\npassword = "Tr0ub4dor-x"\n'
    findings = scan(source, "python")
    assert len(findings) == 2
    for finding in findings:
        text = finding.message + json.dumps(dict(finding.data))
        assert OPENAI_KEY not in text and "Tr0ub4dor" not in text and OPENAI_KEY[3:9] not in text
    assert findings[0].message.startswith(
        f"OpenAI API key assigned to `OPENAI_API_KEY` (sk-…, {len(OPENAI_KEY)} chars)"
    )
    assert (
        findings[0].data["preview"] == f"sk-…, {len(OPENAI_KEY)} chars"
        and findings[0].data["env_name"] == "OPENAI_API_KEY"
    )


def test_pragma_allowlist_comments_silence_secrets() -> None:
    """Ensure that detect-secrets' `pragma: allowlist secret` and `nextline` forms are honoured."""
    source = 'password = "Tr0ub4dor-x"  # pragma: allowlist secret\n# pragma: allowlist nextline secret\ntoken = "Tr0ub4dor-y"\n'
    assert scan(source, "python") == []


def test_detect_secrets_baseline_is_honoured(tmp_path: Path) -> None:
    """Ensure that a secret listed in `.secrets.baseline` (filename + SHA-1) is not reported."""
    (tmp_path / ".git").mkdir()
    app = tmp_path / "src" / "app.py"
    app.parent.mkdir()
    source = 'password = "Tr0ub4dor-x"\ntoken = "Other-value-1"\n'
    app.write_text(source)
    results = {
        "src/app.py": [{"type": "Secret Keyword", "hashed_secret": _allowlist.sha1("Tr0ub4dor-x"), "line_number": 1}]
    }
    (tmp_path / ".secrets.baseline").write_text(
        json.dumps({"version": "1.5.0", "plugins_used": [], "results": results})
    )
    findings = scan(source, "python", str(app))
    assert [f.start.line for f in findings] == [1]


def test_test_paths_are_downgraded_by_configuration() -> None:
    """Ensure that `[tool.vetline.secrets] test_paths` lowers the severity of findings in tests."""
    options = {"secrets": {"test_paths": ["tests/**"], "test_severity": "low"}}
    engine = Engine(SECRET_RULES, options=options)
    source = b'password = "Tr0ub4dor-x"\n'
    in_tests = engine.analyze(source, "python", "/repo/tests/test_login.py").findings
    in_app = engine.analyze(source, "python", "/repo/app/login.py").findings
    assert [f.severity for f in in_tests] == [Severity.LOW]
    assert [f.severity for f in in_app] == [Severity.HIGH]


def test_severity_override_reaches_scan_rules() -> None:
    """Ensure that a configured severity (a replaced Rule) is used by the shared secrets scan."""
    import dataclasses

    rule = dataclasses.replace(registry.by_id()["hardcoded-password"], severity=Severity.MEDIUM)
    findings = Engine([rule]).analyze(b'password = "Tr0ub4dor-x"\n', "python", "a.py").findings
    assert [f.severity for f in findings] == [Severity.MEDIUM]


def test_unchanged_literal_is_rechecked_from_cache() -> None:
    """Ensure that classifying the same literal again is a cache hit (the per-keystroke path)."""
    _scan.classify("Tr0ub4dor-z", "password", "assign", False, False)
    hits = _scan.classify.cache_info().hits
    _scan.classify("Tr0ub4dor-z", "password", "assign", False, False)
    assert _scan.classify.cache_info().hits == hits + 1


def test_credentials_in_test_code_are_low_severity_and_say_so() -> None:
    """Ensure that a password in tests, conftest or testing settings is low severity "in test code"."""
    engine = Engine(SECRET_RULES)
    source = b'password = "Tr0ub4dor-x"\n'
    for path in (
        "/repo/tests/test_login.py",
        "/repo/app/conftest.py",
        "/repo/shop/settings/testing.py",
        "/r/a_test.py",
    ):
        findings = engine.analyze(source, "python", path).findings
        assert [(f.severity, f.message.endswith("(in test code)")) for f in findings] == [(Severity.LOW, True)], path
    in_app = engine.analyze(source, "python", "/repo/shop/settings/production.py").findings
    assert [(f.severity, "test code" in f.message) for f in in_app] == [(Severity.HIGH, False)]


def test_provider_format_key_in_test_code_keeps_its_severity() -> None:
    """Ensure that a real provider-format key leaks wherever it is: tests do not downgrade it."""
    engine = Engine(SECRET_RULES)
    source = b'AWS_KEY = "AKIAQYLPMN5HHHFPZAM2"\n'
    findings = engine.analyze(source, "python", "/repo/tests/test_s3.py").findings
    assert [(f.rule_id, f.severity) for f in findings] == [("hardcoded-secret", Severity.HIGH)]
    assert "test code" not in findings[0].message


@pytest.mark.parametrize(
    "line",
    ['google_auth = "google-auth"\n', 'RESET_PASSWORD = "reset_password"\n', 'opts = {"cross_domain_auth": "true"}\n'],
)
def test_a_constant_naming_itself_is_not_a_credential(line: str) -> None:
    """Ensure that enum members and flags under credential-like names are not reported."""
    assert Engine(SECRET_RULES).analyze(line.encode(), "python", "app/settings.py").findings == ()


def test_default_password_equal_to_its_name_is_still_a_placeholder() -> None:
    """Ensure that `password = "password"` is still reported (a default credential)."""
    found = Engine(SECRET_RULES).analyze(b'password = "password"\n', "python", "app/db.py").findings
    assert [f.rule_id for f in found] == ["placeholder-credential"]


def test_translation_catalogues_are_not_scanned_for_secrets() -> None:
    """Ensure that example URLs in translated interface text (LC_MESSAGES, i18n) are not reported."""
    source = b'{"msg": "Example: postgresql://admin:s3cr3t-Pw@db.internal/app"}\n'
    engine = Engine(SECRET_RULES)
    assert engine.analyze(source, "json", "superset/translations/de/LC_MESSAGES/messages.json").findings == ()
    assert [f.rule_id for f in engine.analyze(source, "json", "superset/config/app.json").findings] == [
        "credentials-in-url"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "opts = {credentials: 'same-origin'}\n",
        "var RANGE_TOKEN = '__r';\n",
        'config = {"private_key": "..."}\n',
        "# DATABASE_URL = 'postgresql://root:password@localhost/myapp'\n",
        'URI_PLACEHOLDER = "mysql://user:password@host:port/dbname"\n',
    ],
)
def test_code_markers_and_documented_examples_are_not_secrets(line: str) -> None:
    """Ensure that fetch options, code markers, ellipses and URL templates are not reported."""
    language = "javascript" if "'" in line and line.startswith(("opts", "var")) else "python"
    assert Engine(SECRET_RULES).analyze(line.encode(), language, "app/config.py").findings == ()


def test_ruff_noqa_s105_silences_a_signing_key() -> None:
    """Ensure that an existing `# noqa: S105` (Ruff's hardcoded password) silences the signing-key finding."""
    source = b'JWT_SECRET = "test-guest-secret-change-me"  # noqa: S105\nSECRET_KEY = "tralala-9x"\n'
    found = Engine(SECRET_RULES).analyze(source, "python", "app/config.py").findings
    assert [(f.rule_id, f.start.line) for f in found] == [("hardcoded-signing-key", 1)]


def test_example_env_files_and_form_labels_are_not_credentials() -> None:
    """Ensure that values in `.env.example` and one-word labels (`token: 'Key'`) are not reported."""
    engine = Engine(SECRET_RULES)
    assert engine.analyze(b"ECLAIR_PASS=eclairpw\n", "dotenv", "/p/.env.example").findings == ()
    assert engine.analyze(b"opts = {blink_token: 'Key'}\n", "javascript", "/p/admin.js").findings == ()
    found = engine.analyze(b"ECLAIR_PASS=eclairpw\n", "dotenv", "/p/.env").findings
    assert [f.rule_id for f in found] == ["hardcoded-password"]
