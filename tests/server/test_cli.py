"""The `vetline` command line: formats, exit codes, selection, bad input, parallel output order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from vetline.server.cli import main

VULNERABLE = "import yaml\n\nconfig = yaml.load(data)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with one vulnerable and one clean file; the working directory is set to it."""
    (tmp_path / "app.py").write_text(VULNERABLE)
    (tmp_path / "clean.py").write_text("import yaml\n\nconfig = yaml.safe_load(data)\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_text_shows_line_caret_and_summary(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that text output names the file, shows the code line with a caret and counts by severity."""
    code, out, _ = run_cli(capsys, "scan", "--select", "yaml-unsafe-load")
    assert code == 1
    assert "app.py" in out and "clean.py" not in out
    assert "3:10 yaml-unsafe-load [high, CWE-502]" in out
    assert "3 | config = yaml.load(data)" in out
    assert "|          ^^^^^^^^^^^^^^^" in out
    assert "fix: Use `yaml.safe_load` (safe fix)" in out
    assert out.rstrip().endswith("Found 1 finding(s) in 1 file(s): 1 high.")
    assert "\x1b[" not in out  # not a terminal: no colour codes


def test_scan_json_has_the_documented_shape(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that JSON output has exactly the documented keys, 1-based positions and relative paths."""
    code, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "yaml-unsafe-load")
    report = json.loads(out)
    assert code == 1
    assert set(report) == {"version", "findings", "errors"}
    (finding,) = report["findings"]
    assert set(finding) == {
        "rule",
        "title",
        "category",
        "cwe",
        "severity",
        "confidence",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fix",
    }
    assert finding["rule"] == "yaml-unsafe-load" and finding["category"] == "injection" and finding["cwe"] == [502]
    assert (finding["path"], finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (
        "app.py",
        3,
        10,
        3,
        25,
    )
    assert finding["fix"] == {"title": "Use `yaml.safe_load`", "safe": True}
    assert report["errors"] == []


def test_json_columns_count_characters_not_bytes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that columns after non-ASCII text are character columns, as editors count them."""
    (project / "app.py").write_text("import yaml\nnom = 'é😀'; c = yaml.load(d)\n")
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "yaml-unsafe-load")
    (finding,) = json.loads(out)["findings"]
    assert finding["column"] == len("nom = 'é😀'; c = ") + 1


def test_scan_sarif_is_code_scanning_shaped(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that SARIF output has version 2.1.0, a rules table with CWE help and security-severity."""
    _, out, _ = run_cli(capsys, "scan", "--format", "sarif", "--select", "yaml-unsafe-load")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    (rule,) = run["tool"]["driver"]["rules"]
    assert rule["id"] == "yaml-unsafe-load"
    assert rule["helpUri"] == "https://cwe.mitre.org/data/definitions/502.html"
    assert "external/cwe/cwe-502" in rule["properties"]["tags"]
    assert float(rule["properties"]["security-severity"]) >= 7.0
    (result,) = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (result["ruleId"], result["level"], region["startLine"], region["startColumn"]) == (
        "yaml-unsafe-load",
        "error",
        3,
        10,
    )


@pytest.mark.parametrize(("fail_on", "expected"), [("high", 1), ("medium", 1), ("low", 1), ("none", 0)])
def test_fail_on_sets_the_exit_code(
    project: Path, capsys: pytest.CaptureFixture[str], fail_on: str, expected: int
) -> None:
    """Ensure that a high finding fails at every threshold except `none`."""
    code, _, _ = run_cli(capsys, "scan", "--select", "yaml-unsafe-load", "--fail-on", fail_on)
    assert code == expected


def test_severity_override_below_fail_on_exits_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a finding downgraded to low by configuration does not fail `--fail-on medium`."""
    (project / ".vetline.toml").write_text(
        'select = ["yaml-unsafe-load"]\n[severity_overrides]\nyaml-unsafe-load = "low"\n'
    )
    code, out, _ = run_cli(capsys, "scan", "--fail-on", "medium", "--format", "json")
    assert code == 0
    assert json.loads(out)["findings"][0]["severity"] == "low"


def test_clean_tree_exits_zero(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a scan with no findings exits 0 and says so."""
    code, out, _ = run_cli(capsys, "scan", "clean.py")
    assert code == 0
    assert "No findings in 1 file(s)." in out


def test_ignore_removes_the_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--ignore` by rule id silences that rule."""
    code, out, _ = run_cli(capsys, "scan", "--select", "yaml-unsafe-load", "--ignore", "yaml-unsafe-load")
    assert code == 0 and "yaml-unsafe-load" not in out


def test_select_by_category(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--select` accepts a category name."""
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "crypto")
    assert all(f["category"] == "crypto" for f in json.loads(out)["findings"])


def test_invalid_config_value_exits_two_naming_key_and_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that an invalid value stops the scan with exit 2 and a message naming key and file."""
    (project / ".vetline.toml").write_text("max_file_size = -3\n")
    code, _, err = run_cli(capsys, "scan")
    assert code == 2
    assert "max_file_size" in err and ".vetline.toml" in err


def test_unknown_config_key_warns_and_scans(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that an unknown key is a warning naming it and the file, and the scan still runs."""
    (project / "pyproject.toml").write_text('[tool.vetline]\nselectt = ["x"]\nselect = ["yaml-unsafe-load"]\n')
    code, out, err = run_cli(capsys, "scan")
    assert code == 1 and "yaml-unsafe-load" in out
    assert "selectt" in err and "pyproject.toml" in err


def test_malformed_toml_exits_two(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a configuration file that is not TOML is reported, not a traceback."""
    (project / ".vetline.toml").write_text("select = [\n")
    code, _, err = run_cli(capsys, "scan")
    assert code == 2 and "cannot read configuration" in err


def test_missing_config_file_exits_two(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--config` naming a missing file is a usage error."""
    code, _, err = run_cli(capsys, "scan", "--config", "nope.toml")
    assert code == 2 and "nope.toml" in err


def test_unknown_option_is_usage_error(project: Path) -> None:
    """Ensure that argparse usage errors exit 2."""
    with pytest.raises(SystemExit) as exited:
        main(["scan", "--format", "xml"])
    assert exited.value.code == 2


def test_bad_files_are_skipped_with_reasons(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that binary and oversized files are skipped and a non-UTF-8 file noted in `errors`, while files still report."""
    (project / "binary.py").write_bytes(b"\x00\x01\x02yaml.load(x)")
    (project / "latin1.py").write_bytes(b"# caf\xe9\nimport yaml\nyaml.load(x)\n")
    (project / "huge.py").write_text("x = 1\n" * 300_000)
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "yaml-unsafe-load")
    report = json.loads(out)
    reasons = {e["path"]: e["message"] for e in report["errors"]}
    assert "binary" in reasons["binary.py"]
    assert "not valid UTF-8" in reasons["latin1.py"]
    assert "max_file_size" in reasons["huge.py"]
    assert [f["path"] for f in report["findings"]] == ["app.py", "latin1.py"]  # analysed with U+FFFD


def test_syntax_error_keeps_findings_in_rest_of_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a half-typed statement does not hide findings before and after it."""
    (project / "app.py").write_text("import yaml\na = yaml.load(x)\ndef broken(:\n    pass\nb = yaml.load(y)\n")
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "yaml-unsafe-load")
    assert [f["line"] for f in json.loads(out)["findings"]] == [2, 5]


def test_parallel_scan_output_is_deterministic(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--jobs 2` gives the same report as `--jobs 1`."""
    for i in range(20):
        (project / f"mod_{i:02}.py").write_text(VULNERABLE)
    _, one, _ = run_cli(capsys, "scan", "--format", "json", "--jobs", "1", "--select", "yaml-unsafe-load")
    _, two, _ = run_cli(capsys, "scan", "--format", "json", "--jobs", "2", "--select", "yaml-unsafe-load")
    assert one == two
    assert len(json.loads(two)["findings"]) == 21


def test_exclude_defaults_skip_virtualenvs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that files under `.venv` and `node_modules` are not scanned by default."""
    for folder in (".venv/lib", "node_modules/pkg"):
        (project / folder).mkdir(parents=True)
        (project / folder / "x.py").write_text(VULNERABLE)
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "yaml-unsafe-load")
    assert [f["path"] for f in json.loads(out)["findings"]] == ["app.py"]


def test_output_file_receives_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--output` writes the report to the file and nothing to stdout."""
    code, out, _ = run_cli(
        capsys, "scan", "--format", "json", "--output", "report.json", "--select", "yaml-unsafe-load"
    )
    assert code == 1 and out == ""
    assert json.loads((project / "report.json").read_text())["findings"][0]["rule"] == "yaml-unsafe-load"


def test_rules_lists_every_rule_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline rules --format json` lists id, title, category, cwe, severity, languages, fixable."""
    code, out, _ = run_cli(capsys, "rules", "--format", "json")
    rules = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert rules["yaml-unsafe-load"]["fixable"] is True
    assert rules["yaml-unsafe-load"]["languages"] == ["python"]
    assert rules["yaml-unsafe-load"]["cwe"] == [502]


def test_explain_prints_docs_and_suggests_close_ids(capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `explain` prints a rule's docs, and an unknown id exits 2 with a suggestion."""
    code, out, _ = run_cli(capsys, "explain", "yaml-unsafe-load")
    assert code == 0 and "## Why is this bad?" in out and "CWE-502" in out
    code, _, err = run_cli(capsys, "explain", "yaml-unsafe")
    assert code == 2 and "yaml-unsafe-load" in err


def test_python_dash_m_vetline_runs_the_cli(project: Path) -> None:
    """Ensure that `python -m vetline` is the same command as `vetline`."""
    done = subprocess.run(
        [sys.executable, "-m", "vetline", "scan", "--select", "yaml-unsafe-load", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["findings"][0]["path"] == "app.py"


def test_missing_path_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a mistyped path exits 2 even with `--fail-on none`, instead of looking clean."""
    code, out, err = run_cli(capsys, "scan", "app.py", "nope/", "--fail-on", "none")
    assert code == 2 and out == ""
    assert "no such file or directory: nope" in err


def test_several_roots_outside_the_working_directory_show_absolute_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that two scanned trees outside the working directory cannot show the same relative path."""
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "app.py").write_text(VULNERABLE)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    _, out, _ = run_cli(capsys, "scan", str(tmp_path / "one"), str(tmp_path / "two"), "--format", "json")
    paths = sorted({f["path"] for f in json.loads(out)["findings"]})
    assert paths == [
        (tmp_path / "one" / "app.py").resolve().as_posix(),
        (tmp_path / "two" / "app.py").resolve().as_posix(),
    ]
    _, out, _ = run_cli(capsys, "scan", str(tmp_path / "one"), "--format", "json")
    assert {f["path"] for f in json.loads(out)["findings"]} == {"app.py"}  # one root: relative to it


def test_finding_reports_its_own_cwe_when_narrower_than_the_rule(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that an MD5-hashed password is reported as CWE-916 (password hashing) in every format."""
    (project / "app.py").write_text("import hashlib\n\ndigest = hashlib.md5(password.encode()).hexdigest()\n")
    _, out, _ = run_cli(capsys, "scan", "--format", "json", "--select", "weak-hash-md5-sha1")
    (finding,) = json.loads(out)["findings"]
    assert finding["cwe"] == [916, 328]
    _, out, _ = run_cli(capsys, "scan", "--select", "weak-hash-md5-sha1", "--no-color")
    assert "[high, CWE-916]" in out
    _, out, _ = run_cli(capsys, "scan", "--format", "sarif", "--select", "weak-hash-md5-sha1")
    assert json.loads(out)["runs"][0]["results"][0]["properties"]["cwe"] == ["CWE-916", "CWE-328"]
