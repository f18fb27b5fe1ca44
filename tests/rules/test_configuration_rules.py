"""Path-dependent behaviour of the `configuration` rules, which the examples harness cannot vary."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.secrets import hardcoded_endpoint_url, hardcoded_port_or_timeout

RULES = [hardcoded_endpoint_url.RULE, hardcoded_port_or_timeout.RULE]
SOURCE = 'import requests\nAPI_BASE_URL = "https://api.acme.io/v1"\nDB_PORT = 5432\nrequests.get("http://localhost:8000/health", timeout=5)\n'


def _lines(path: str) -> list[tuple[str, int]]:
    findings = Engine(RULES).analyze(SOURCE.encode(), "python", path).findings
    return sorted((f.rule_id, f.start.line + 1) for f in findings)


def test_application_module_reports_endpoint_port_and_timeout() -> None:
    """Ensure that application code reports the base URL, the port, the loopback URL and the call timeout."""
    assert _lines("app/client.py") == [
        ("hardcoded-endpoint-url", 2),
        ("hardcoded-endpoint-url", 4),
        ("hardcoded-port-or-timeout", 3),
        ("hardcoded-port-or-timeout", 4),
    ]


def test_stub_files_report_nothing() -> None:
    """Ensure that `.pyi` stubs, which declare library constants, report neither rule."""
    assert _lines("typeshed/stdlib/client.pyi") == []


def test_test_modules_skip_loopback_urls_ports_and_timeouts() -> None:
    """Ensure that a test module keeps only the non-loopback endpoint: local servers are the point of tests."""
    assert _lines("tests/test_client.py") == [("hardcoded-endpoint-url", 2)]
    assert _lines("pkg/conftest.py") == [("hardcoded-endpoint-url", 2)]
