"""Precision on realistic applications (tests/fixtures/apps): the expected findings and nothing else.

Each fixture is a small application in the style of real ones, written for issue 10: a Django
shop (class-based views with auth mixins, a project mixin, guardian, DRF with default
permissions in settings, a context processor, a tests folder and testing settings), a FastAPI
service (router-level and per-route dependencies, public auth routes, a click CLI) and a Flask
blog (a blueprint guarded by `before_request`, public login/sign-up/webhook routes, an
SMTPHandler, a tests folder). Every line listed below is a finding a reviewer would sign
(test-code findings at low severity); every other protected pattern in them must stay quiet.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.server.cli import main

APPS = Path(__file__).resolve().parent.parent / "fixtures" / "apps"
EXPECTED = {
    "django_shop": {
        ("orders/views.py", 82, "route-without-auth-check", "medium"),  # RefundView: no mixin, siblings have one
        ("orders/views.py", 120, "xss-unescaped-html", "high"),  # mark_safe over an unescaped note
        ("orders/views.py", 124, "open-redirect", "medium"),  # set_language redirects to `next` unchecked
        ("orders/tests/test_views.py", 7, "hardcoded-password", "low"),
        ("orders/tests/test_views.py", 10, "hardcoded-password", "low"),
        ("orders/tests/test_views.py", 13, "tls-verification-disabled", "low"),
        ("shop/test_settings.py", 8, "hardcoded-password", "low"),
    },
    "fastapi_notes": {
        ("notes/cli.py", 12, "os-command-injection", "high"),  # medium confidence: the developer's own CLI
        ("notes/cli.py", 16, "os-command-injection", "high"),
        ("notes/routers/items.py", 20, "route-without-auth-check", "high"),  # delete_item lacks the dependency
        ("notes/routers/items.py", 24, "exception-details-in-response", "medium"),  # `except Exception`: str(e)
    },
    "flask_blog": {
        ("blog/views.py", 66, "route-without-auth-check", "high"),  # delete_post lacks @login_required
        ("tests/conftest.py", 16, "hardcoded-password", "low"),
        ("tests/test_views.py", 5, "hardcoded-password", "low"),
        ("tests/test_views.py", 10, "tls-verification-disabled", "low"),
        ("tests/test_views.py", 14, "hardcoded-secret", "high"),  # a real provider-format key leaks anywhere
    },
}


def _scan(app: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> list[dict]:
    monkeypatch.chdir(APPS / app)
    main(["scan", ".", "--format", "json", "--fail-on", "none"])
    return json.loads(capsys.readouterr().out)["findings"]


@pytest.mark.parametrize("app", sorted(EXPECTED))
def test_realistic_application_reports_exactly_the_real_problems(
    app: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that each fixture application yields the expected findings and nothing else."""
    found = {(f["path"], f["line"], f["rule"], f["severity"]) for f in _scan(app, monkeypatch, capsys)}
    assert found == EXPECTED[app]


def test_test_code_findings_say_so_and_command_line_data_is_medium(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that low test-code findings say "in test code" and CLI data is medium confidence."""
    findings = _scan("flask_blog", monkeypatch, capsys) + _scan("fastapi_notes", monkeypatch, capsys)
    low = [f for f in findings if f["severity"] == "low"]
    assert low and all(f["message"].endswith("(in test code)") for f in low)
    cli = [f for f in findings if f["path"] == "notes/cli.py"]
    assert cli and all(f["confidence"] == "medium" for f in cli)
