"""The CLI on JavaScript/TypeScript projects: an Express + React app with planted flaws, and its careful twin."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.server.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CATEGORIES = "injection,crypto,exposure,secrets,access-control"
EXPECTED = [
    ("js-cors-credentials-with-any-origin", "server/app.js", 14),
    ("js-sql-query-built-from-strings", "server/app.js", 18),
    ("js-os-command-injection", "server/app.js", 23),
    ("js-path-traversal", "server/app.js", 27),
    ("js-ssrf-tainted-url", "server/app.js", 31),
    ("js-open-redirect", "server/app.js", 36),
    ("js-nosql-injection", "server/app.js", 40),
    ("js-insecure-random-for-secrets", "server/app.js", 41),
    ("js-cookie-without-secure-flags", "server/app.js", 42),
    ("js-xss-html-response", "server/app.js", 47),
    ("js-jwt-signature-not-verified", "server/app.js", 51),
    ("js-stack-trace-in-response", "server/app.js", 56),
    ("js-react-dangerously-set-inner-html", "src/Comment.tsx", 10),
    ("js-xss-inner-html", "src/Comment.tsx", 17),
]


def scan(project: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    """Copy a fixture project out of `tests/` (where it would be test code) and scan it as JSON."""
    target = tmp_path / project
    shutil.copytree(FIXTURES / project, target)
    monkeypatch.chdir(target)
    code = main(["scan", "--select", CATEGORIES, "--format", "json", "--fail-on", "none"])
    assert code == 0
    return json.loads(capsys.readouterr().out)


def test_express_and_react_app_reports_exactly_its_planted_flaws(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that every planted flaw is reported, on its line, and nothing else."""
    report = scan("js_project", tmp_path, monkeypatch, capsys)
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == EXPECTED
    assert report["errors"] == []


def test_request_data_findings_are_high_confidence_and_say_where_data_came_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that findings fed by the request name the source in their message."""
    report = scan("js_project", tmp_path, monkeypatch, capsys)
    sql = next(f for f in report["findings"] if f["rule"] == "js-sql-query-built-from-strings")
    assert sql["confidence"] == "high" and "`req.query`" in sql["message"]
    assert sql["fix"]["title"] == "Use query parameters instead of building the SQL"


def test_careful_express_and_react_app_has_no_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that parameterized queries, execFile, basename, allow-lists, DOMPurify and textContent raise nothing."""
    report = scan("js_safe_project", tmp_path, monkeypatch, capsys)
    assert report["findings"] == []
