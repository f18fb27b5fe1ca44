"""Dependency findings through the front ends: `vetline scan --format json` and `build_engine`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.server.cli import main
from vetline.server.config import Config, build_engine, load_config

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "deps_app"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))


def test_scan_json_reports_every_dependency_finding_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the sample project yields each kind of dependency finding on its exact line."""
    project = shutil.copytree(SAMPLE, tmp_path / "deps_app")
    assert main(["scan", str(project), "--format", "json", "--select", "dependencies"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = sorted((f["path"], f["line"], f["rule"]) for f in report["findings"])
    assert found == [
        ("app.py", 7, "undeclared-import"),
        ("app.py", 8, "denied-package"),
        ("requirements.txt", 3, "vulnerable-pinned-version"),
        ("requirements.txt", 4, "typosquat-package"),
        ("requirements.txt", 5, "unknown-package"),
        ("requirements.txt", 6, "denied-package"),
    ]
    by_rule = {(f["rule"], f["path"]): f for f in report["findings"]}
    assert by_rule[("typosquat-package", "requirements.txt")]["fix"] == {
        "title": "Replace with `requests`",
        "safe": False,
    }
    assert by_rule[("vulnerable-pinned-version", "requirements.txt")]["fix"]["title"] == "Bump `requests` to 2.31.0"
    assert by_rule[("undeclared-import", "app.py")]["fix"]["title"] == "Add `PyYAML` to requirements.txt"
    assert all(f["category"] == "dependencies" for f in report["findings"]) and report["errors"] == []


def test_build_engine_hands_dependency_settings_and_root_to_the_rules(tmp_path: Path) -> None:
    """Ensure that `[tool.vetline.dependencies]` reaches the engine as the `dependencies` options."""
    (tmp_path / "pyproject.toml").write_text('[tool.vetline.dependencies]\ndeny = ["pycrypto"]\nmode = "allowlist"\n')
    config, warnings = load_config(tmp_path / "pyproject.toml")
    options = build_engine(config).options["dependencies"]
    assert warnings == [] and options == {"deny": ["pycrypto"], "mode": "allowlist", "root": str(tmp_path)}
    assert build_engine(Config()).options["dependencies"] == {"root": None}
