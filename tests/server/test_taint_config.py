"""`[tool.vetline.taint]`: project-specific taint sources and sanitizers reach every data-flow rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.server.cli import main
from vetline.server.config import ConfigError, parse

APP = """\
import os
from myapp.http import get_param
from myapp.safety import shell_safe


def lookup(cursor):
    term = get_param("q")
    cursor.execute(f"SELECT * FROM items WHERE name = '{term}'")


def listing(folder):
    os.system("ls " + shell_safe(folder))
"""


def scan(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    main(["scan", "--format", "json", "--select", "sql-query-built-from-strings,os-command-injection"])
    return json.loads(capsys.readouterr().out)["findings"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text(APP)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_configured_source_makes_a_finding_high_confidence(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a call named in `taint.sources` is treated as attacker data and named in the message."""
    before = {f["rule"]: f for f in scan(capsys)}
    assert "sql-query-built-from-strings" not in before  # unknown origin outside a request handler
    (project / ".vetline.toml").write_text('[taint]\nsources = ["myapp.http.get_param"]\n')
    after = {f["rule"]: f for f in scan(capsys)}
    sql = after["sql-query-built-from-strings"]
    assert sql["confidence"] == "high"
    assert "myapp.http.get_param()" in sql["message"]


def test_configured_sanitizer_clears_the_sink(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a call named in `taint.sanitizers` makes the data it returns safe."""
    assert "os-command-injection" in {f["rule"] for f in scan(capsys)}
    (project / ".vetline.toml").write_text('[taint]\nsanitizers = ["myapp.safety.shell_safe"]\n')
    assert "os-command-injection" not in {f["rule"] for f in scan(capsys)}


def test_taint_table_rejects_unknown_keys() -> None:
    """Ensure that a misspelt key in the taint table is an error naming it."""
    with pytest.raises(ConfigError, match="sorces"):
        parse({"taint": {"sorces": ["x"]}}, "f.toml")
