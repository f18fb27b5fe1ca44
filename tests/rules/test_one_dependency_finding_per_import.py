"""One import carries one dependency finding, the most severe, whichever rules see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules import languages, registry
from vetline.rules.engine import Engine


@pytest.fixture(autouse=True)
def _empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))


def findings(path: Path, dependencies: dict | None = None) -> list[tuple[str, int]]:  # type: ignore[type-arg]
    language = languages.language_for_path(path)
    assert language is not None
    options = {"dependencies": {"root": None, **(dependencies or {})}}
    analysis = Engine(registry.all_rules(), options=options).analyze(path.read_bytes(), language, str(path))
    return [(f.rule_id, f.start.line + 1) for f in analysis.findings]


def test_an_npm_typosquat_is_not_also_reported_as_undeclared(tmp_path: Path) -> None:
    """Ensure that `require("expresss")` in a project declaring express is a typosquat finding only."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "dependencies": {"express": "^4"}}))
    (tmp_path / "app.js").write_text('const a = require("expresss");\nconst b = require("left-pad");\n')
    found = [item for item in findings(tmp_path / "app.js") if item[0] != "hardcoded-secret"]
    assert found == [("typosquat-package", 1), ("undeclared-import", 2)]


def test_a_denied_undeclared_import_is_reported_once(tmp_path: Path) -> None:
    """Ensure that a denied package the manifest also lacks gets the deny-list finding, not a second warning."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "requirements.txt").write_text("requests\n")
    (tmp_path / "app.py").write_text("import requests\nimport pycrypto\nimport flask\n")
    found = findings(tmp_path / "app.py", {"deny": ["pycrypto"]})
    assert ("denied-package", 2) in found and ("undeclared-import", 2) not in found
    assert ("undeclared-import", 3) in found  # an import with one problem keeps it
