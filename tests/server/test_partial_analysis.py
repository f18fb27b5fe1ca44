"""Issue 15 part 9: no finding is dropped silently. A file in a declared encoding is analysed,
a file with a bad byte is analysed with replacement characters and says so, and a file analysed
only in part (bad bytes, a crashed rule, a recursion) fails `vetline scan` unless `--fail-on none`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules.python import yaml_unsafe_load
from vetline.server.cli import main

LATIN1 = b'# -*- coding: latin-1 -*-\nimport yaml\nname = "caf\xe9"; config = yaml.load(data)\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict, str]:
    code = main(["scan", "--format", "json", "--select", "yaml-unsafe-load", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_pep263_latin1_file_is_decoded_per_its_cookie(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a latin-1 file with a coding cookie is analysed, columns counted in characters."""
    (project / "legacy.py").write_bytes(LATIN1)
    code, report, err = scan(capsys)
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [("legacy.py", 3, 25)]
    assert report["errors"] == [] and "could not be fully analysed" not in err
    assert code == 1  # the finding, not a partial analysis


def test_cookie_file_without_findings_passes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a correctly declared latin-1 file is a complete analysis: exit 0 when clean."""
    (project / "legacy.py").write_bytes(b"# coding: iso-8859-1\nname = 'caf\xe9'\n")
    code, report, _ = scan(capsys)
    assert (code, report["errors"]) == (0, [])


def test_invalid_byte_is_analysed_with_replacement_and_noted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that one bad byte neither hides the file's findings nor passes unnoticed."""
    (project / "app.py").write_bytes(b"import yaml\nname = 'caf\xe9'\nconfig = yaml.load(data)\n")
    code, report, err = scan(capsys)
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("app.py", 3)]
    [error] = report["errors"]
    assert error["path"] == "app.py"
    assert "not valid UTF-8 (byte 0xe9 at offset 23)" in error["message"] and "U+FFFD" in error["message"]
    assert code == 1 and "1 file(s) could not be fully analysed" in err and "app.py" in err


def test_partial_decode_fails_the_scan_unless_fail_on_none(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a file with no finding but a bad byte still fails CI, and `--fail-on none` accepts it."""
    (project / "clean.py").write_bytes(b"name = '\xff'\n")
    code, _, err = scan(capsys, "--fail-on", "high")
    assert code == 1 and "could not be fully analysed" in err and "--fail-on none" in err
    code, report, err = scan(capsys, "--fail-on", "none")
    assert code == 0 and len(report["errors"]) == 1 and "could not be fully analysed" not in err


@pytest.mark.parametrize("failure", [RuntimeError("boom"), RecursionError("maximum recursion depth exceeded")])
def test_crashed_rule_fails_the_scan(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    """Ensure that a rule that crashes (or recurses too deep) on a file makes the scan exit non-zero, saying why."""

    def broken(match: object) -> None:
        raise failure

    monkeypatch.setattr(yaml_unsafe_load, "loader_name", broken)
    (project / "app.py").write_text("import yaml\nconfig = yaml.load(data)\n")
    code, report, err = scan(capsys, "--jobs", "1", "--fail-on", "high")
    assert report["findings"] == []
    assert [e["message"] for e in report["errors"]] == [
        f"rule yaml-unsafe-load failed ({type(failure).__name__}); its findings for this file are missing"
    ]
    assert code == 1 and "could not be fully analysed" in err
    code, _, _ = scan(capsys, "--jobs", "1", "--fail-on", "none")
    assert code == 0
