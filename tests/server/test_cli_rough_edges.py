"""Rough edges a new user hits on the command line: typos in flags, rule names and configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server import scanner
from vetline.server.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse exits on usage errors
        code = int(exit_.code or 0)
    return code, capsys.readouterr().err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "app.py").write_text("import yaml\nyaml.load(data)\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("flag", ["--select", "--ignore"])
def test_unknown_rule_or_category_on_the_command_line_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """Ensure that a mistyped rule id exits 2 naming it and its closest match, instead of scanning nothing."""
    code, err = run(capsys, "scan", flag, "yaml-unsafe-lod")
    assert code == 2
    assert "unknown rule or category `yaml-unsafe-lod`" in err and "`yaml-unsafe-load`" in err


def test_known_rules_and_categories_are_accepted(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that valid ids and categories still run (and find the planted finding)."""
    code, err = run(capsys, "scan", "--select", "injection,yaml-unsafe-load", "--ignore", "secrets")
    assert code == 1 and "error" not in err


def test_unknown_flag_suggests_the_closest_one(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--selct` is answered with `did you mean --select?`."""
    code, err = run(capsys, "scan", "--selct", "injection")
    assert code == 2 and "did you mean --select?" in err


def test_broken_pyproject_found_by_discovery_is_an_error_naming_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a `[tool.vetline]` table that does not parse stops the scan with the file's name."""
    (project / "pyproject.toml").write_text("[tool.vetline]\nselect = [\n")
    code, err = run(capsys, "scan")
    assert code == 2 and "pyproject.toml" in err and "cannot read configuration" in err


def test_broken_pyproject_without_vetline_settings_is_not_vetlines_business(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that another tool's broken pyproject.toml does not stop vetline."""
    (project / "pyproject.toml").write_text("[tool.black]\nline-length = [\n")
    code, _ = run(capsys, "scan", "--select", "yaml-unsafe-load")
    assert code == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sql-injection", "sql-query-built-from-strings"),
        ("command-injection", "os-command-injection"),
        ("yaml-load", "yaml-unsafe-load"),
    ],
)
def test_explain_suggests_rules_by_words_and_titles(
    capsys: pytest.CaptureFixture[str], query: str, expected: str
) -> None:
    """Ensure that `vetline explain sql-injection` points at the SQL rule."""
    code, err = run(capsys, "explain", query)
    assert code == 2 and expected in err.split("Did you mean", 1)[1]


def test_small_trees_scan_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that a tree below the parallel threshold never starts worker processes."""
    for index in range(20):
        (tmp_path / f"m{index}.py").write_text("x = 1\n")
    monkeypatch.setattr(scanner, "_parallel", lambda *args, **kwargs: pytest.fail("workers started for 20 files"))
    from vetline.server.config import Config

    results = scanner.scan_paths([tmp_path], Config(), jobs=4)
    assert len(results) == 20
