"""The default rule set: configuration rules run only when selected (`--select`, `extend_select`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.server.cli import main

CONFIGURED = 'import requests\n\nAPI = "https://api.payments-provider.com/v1"\nrequests.get(API, timeout=30)\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a module that hard-codes an endpoint and a timeout; the working directory."""
    (tmp_path / "client.py").write_text(CONFIGURED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _categories(capsys: pytest.CaptureFixture[str], *args: str) -> set[str]:
    main(["scan", "--format", "json", *args])
    return {f["category"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_configuration_rules_are_not_in_the_default_rule_set(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that hard-coded endpoints and timeouts are not reported unless asked for."""
    assert "configuration" not in _categories(capsys)


def test_select_configuration_opts_in(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--select configuration` and `--extend-select configuration` run the opt-in rules."""
    assert _categories(capsys, "--select", "configuration") == {"configuration"}
    assert "configuration" in _categories(capsys, "--extend-select", "hardcoded-port-or-timeout")


def test_extend_select_in_configuration_opts_in(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `extend_select = ["configuration"]` in pyproject.toml adds the opt-in rules."""
    (project / "pyproject.toml").write_text('[tool.vetline]\nextend_select = ["configuration"]\n')
    assert "configuration" in _categories(capsys)


def test_rules_output_marks_opt_in_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline rules` says which rules are outside the default set, in every format."""
    main(["rules", "--format", "json"])
    rules = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rules["hardcoded-port-or-timeout"]["default"] is False and rules["yaml-unsafe-load"]["default"] is True
    main(["rules"])
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "opt-in" in lines["hardcoded-endpoint-url"] and "opt-in" not in lines["yaml-unsafe-load"]


def test_bundled_javascript_is_not_scanned_by_default(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that webpack chunks and `.min.js` files (build output) are skipped, source `.js` is not."""
    bundle = 'var rules = {password: "Tr0ub4dor-x9"};\n'
    for name in ("static/assets/2290.4aef28ca.entry.js", "static/vendor/lib.min.js", "static/app.chunk.js"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(bundle)
    (project / "static" / "app.js").write_text(bundle)
    main(["scan", "--format", "json", "--select", "hardcoded-password"])
    assert [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["static/app.js"]
