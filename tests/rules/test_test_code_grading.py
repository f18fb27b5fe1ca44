"""Findings in test code: `verify=False` and credentials are low severity and say "in test code"."""

from __future__ import annotations

import pytest
from vetline.rules import registry
from vetline.rules.analysis.test_code import is_example_code, is_test_code
from vetline.rules.engine import Engine
from vetline.rules.model import Severity
from vetline.rules.python.tls_verification_disabled import RULE as TLS

SECRET_RULES = [r for r in registry.all_rules() if r.category.value == "secrets"]
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


@pytest.mark.parametrize(
    "path",
    [
        "netbox/netbox/configuration_testing.py",
        "scripts/smoketest_configuration.py",
        "src/airflow/config_templates/unit_tests.cfg",
        "shop/test_config.yml",
        "testsettings.py",
    ],
)
def test_testing_configuration_modules_are_test_code(path: str) -> None:
    """Ensure that a configuration module or file written for the test run grades as test code."""
    assert is_test_code(path)


@pytest.mark.parametrize(
    "path", ["shop/latest.py", "contest.py", "attestation/views.py", "testimonials/views.py", "shop/latestconfig.py"]
)
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


DEBUG_SERVER = b"""from flask_socketio import SocketIO
from zou.app import create_app
app = create_app()
socketio = SocketIO(app)
if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000, debug=True)
"""


@pytest.mark.parametrize("path", ["zou/debug.py", "run_debug.py", "debug_server.py"])
def test_debug_run_in_a_debug_entry_point_is_not_reported(path: str) -> None:
    """Ensure that `socketio.run(app, debug=True)` in a module named as the debugging entry point
    (zou's `debug.py`, issue 10) is quiet: running it is how a developer starts the debug server."""
    from vetline.rules.python.debug_mode_enabled import RULE as DEBUG

    assert Engine([DEBUG]).analyze(DEBUG_SERVER, "python", path).findings == ()


@pytest.mark.parametrize("path", ["zou/app.py", "wsgi.py", "zou/debugger.py"])
def test_debug_run_in_other_modules_is_reported(path: str) -> None:
    """Ensure that the same `run(..., debug=True)` in any other module is still reported."""
    from vetline.rules.python.debug_mode_enabled import RULE as DEBUG

    assert [f.start.line for f in Engine([DEBUG]).analyze(DEBUG_SERVER, "python", path).findings] == [5]


EXAMPLE_PASSWORD = b'MAILMAN_REST_API_PASS = "restpass"\n'


@pytest.mark.parametrize(
    "path",
    [
        "example_project/settings.py",
        "ckanext/example_iauthenticator/plugin.py",
        "docs/docs_settings.py",
        "shop/settings/development.py",
        "ckan/lib/create_test_data.py",
        "contrib/isso-dev.cfg.py",
    ],
)
def test_credentials_in_example_or_development_code_are_low_and_say_so(path: str) -> None:
    """Ensure that a password in an example project or development settings is low severity,
    labelled "in example or development code" (hyperkitty's `example_project`, issue 10)."""
    found = [f for f in Engine(SECRET_RULES).analyze(EXAMPLE_PASSWORD, "python", path).findings]
    assert [(f.severity, f.message.endswith("(in example or development code)")) for f in found] == [
        (Severity.LOW, True)
    ], path


@pytest.mark.parametrize("path", ["shop/settings.py", "shop/devices.py", "developer/views.py", "docker-compose.yml"])
def test_names_that_merely_contain_dev_or_example_are_application_code(path: str) -> None:
    """Ensure that `devices.py` or a production compose file is not taken for development code."""
    assert not is_example_code(path)


def test_a_test_module_and_fake_data_generators_are_not_application_code() -> None:
    """Ensure that `users/test.py` is test code and `faker/`, `dummy_generator/` and
    `create_dummy_data.py` are development code, while ordinary modules are neither."""
    assert is_test_code("misago/users/test.py")
    assert is_example_code("misago/faker/users.py")
    assert is_example_code("extras/dummy_generator/generator.py")
    assert is_example_code("app/create_dummy_data.py")
    for ordinary in ("app/views.py", "app/contest.py", "app/latest.py", "app/fakeredis_client.py"):
        assert not is_test_code(ordinary) and not is_example_code(ordinary)
