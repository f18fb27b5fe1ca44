"""Findings in test code: `verify=False` and credentials are low severity and say "in test code"."""

from __future__ import annotations

import pytest
from vetline.rules.analysis.test_code import is_test_code
from vetline.rules.engine import Engine
from vetline.rules.model import Severity
from vetline.rules.python.tls_verification_disabled import RULE as TLS

UNVERIFIED = b'import requests\nrequests.get("https://localhost:8443/health", verify=False)\n'


@pytest.mark.parametrize(
    "path",
    [
        "tests/test_api.py",
        "app/tests/client.py",
        "test_api.py",
        "api_test.py",
        "conftest.py",
        "shop/settings/testing.py",
        "shop/test_settings.py",
        "shop/tests.py",
    ],
)
def test_verify_false_in_test_code_is_low_and_says_so(path: str) -> None:
    """Ensure that `verify=False` in a test module is reported at low severity, labelled "in test code"."""
    found = Engine([TLS]).analyze(UNVERIFIED, "python", path).findings
    assert [(f.severity, f.message.endswith("(in test code)")) for f in found] == [(Severity.LOW, True)]


def test_verify_false_in_application_code_keeps_high_severity() -> None:
    """Ensure that the same call in application code stays high severity without the label."""
    found = Engine([TLS]).analyze(UNVERIFIED, "python", "shop/payments/client.py").findings
    assert [(f.severity, "test code" in f.message) for f in found] == [(Severity.HIGH, False)]


@pytest.mark.parametrize("path", ["shop/latest.py", "contest.py", "attestation/views.py", "testimonials/views.py"])
def test_names_that_merely_contain_test_are_application_code(path: str) -> None:
    """Ensure that `latest.py` or a `testimonials` app is not mistaken for test code."""
    assert not is_test_code(path)


def test_debug_in_testing_settings_is_not_reported() -> None:
    """Ensure that `DEBUG = True` in a testing settings module is quiet, and reported in real settings."""
    from vetline.rules.python.debug_mode_enabled import RULE as DEBUG

    source = b"SECRET_KEY = env('K')\nALLOWED_HOSTS = []\nINSTALLED_APPS = []\nDEBUG = True\n"
    engine = Engine([DEBUG])
    assert engine.analyze(source, "python", "shop/settings/testing.py").findings == ()
    assert [f.start.line for f in engine.analyze(source, "python", "shop/settings/production.py").findings] == [3]
