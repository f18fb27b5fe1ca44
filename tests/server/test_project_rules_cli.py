"""Project rules through the CLI: `scan` finds every occurrence, `test-rules`, errors, output formats."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.server import scanner
from vetline.server.cli import main
from vetline.server.commands._configure import configure

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "project_rules"
# Every occurrence the fixture's rules must find, and nothing else: (path, line, rule).
EXPECTED = [
    ("src/panel.ts", 4, "acme-unsafe-render"),
    ("src/views.py", 9, "acme-debug-toolbar-enabled"),
    ("src/views.py", 15, "acme-template-from-request"),
    ("src/views.py", 16, "acme-unsafe-render"),
    ("src/views.py", 20, "acme-unsafe-render"),
    ("src/views.py", 24, "acme-unsafe-render"),
    ("src/views.py", 28, "acme-unsafe-render"),
    ("src/widgets.js", 5, "acme-run-with-shell"),
    ("src/widgets.js", 6, "acme-unsafe-render"),
]
BROKEN = '[[rule]]\nid = "team-broken"\nmessage = "m"\nseverity = "severe"\ncwe = 1\ncategory = "injection"\nlanguages = ["python"]\ncalls = ["a.b"]\n'


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project as a git repository; the working directory is set to it."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict], str]:
    code, out, err = run_cli(capsys, "scan", "--format", "json", *args)
    return code, json.loads(out)["findings"], err


def test_scan_finds_every_occurrence_of_the_project_rules(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a scan reports each occurrence in every import style and language, and nothing else."""
    code, found, err = scan_json(capsys)
    assert code == 1 and "error" not in err
    assert [(f["path"], f["line"], f["rule"]) for f in found] == EXPECTED
    render = next(f for f in found if f["rule"] == "acme-unsafe-render")
    assert render["title"] == "Template rendered without escaping"
    assert render["fix"] == {"title": "Use `mylib.safe_render`", "safe": True}
    taint = next(f for f in found if f["rule"] == "acme-template-from-request")
    assert "`bio` from `request.args` reaches `templates.compile`" in taint["message"]


def test_parallel_scan_finds_the_same(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that worker processes run the project rules too (they are pickled to them)."""
    monkeypatch.setattr(scanner, "PARALLEL_MIN_FILES", 1)
    _, found, _ = scan_json(capsys, "--jobs", "2")
    assert [(f["path"], f["line"], f["rule"]) for f in found] == EXPECTED


def test_sarif_describes_the_project_rule(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that SARIF output carries the project rule's descriptor and its results."""
    code, out, _ = run_cli(capsys, "scan", "--format", "sarif", "--select", "acme-unsafe-render")
    run = json.loads(out)["runs"][0]
    (descriptor,) = run["tool"]["driver"]["rules"]
    assert descriptor["id"] == "acme-unsafe-render"
    assert "escape" in json.dumps(descriptor)
    assert len(run["results"]) == 6 and code == 1


def test_select_ignore_and_severity_overrides_apply(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that project rule ids work in --select/--ignore and in severity_overrides."""
    _, found, _ = scan_json(capsys, "--select", "acme-run-with-shell")
    assert [f["rule"] for f in found] == ["acme-run-with-shell"]
    _, found, _ = scan_json(capsys, "--ignore", "acme-unsafe-render,acme-debug-toolbar-enabled")
    assert {f["rule"] for f in found} == {"acme-template-from-request", "acme-run-with-shell"}
    (repo / ".vetline.toml").write_text(
        'ignore = ["dependencies"]\n[severity_overrides]\nacme-run-with-shell = "high"\n'
    )
    _, found, err = scan_json(capsys, "--select", "acme-run-with-shell")
    assert [f["severity"] for f in found] == ["high"] and "warning" not in err


def test_unknown_project_rule_id_on_the_command_line_suggests_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a typo of a project rule id is an error suggesting the real id."""
    code, _, err = run_cli(capsys, "scan", "--select", "acme-unsafe-rendr")
    assert code == 2 and "did you mean `acme-unsafe-render`" in err


def test_suppression_comment_silences_a_project_rule(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `# vetline: ignore[<project rule>]` silences it on that line only."""
    views = repo / "src" / "views.py"
    views.write_text(
        views.read_text().replace(
            "ml.unsafe_render(title)", "ml.unsafe_render(title)  # vetline: ignore[acme-unsafe-render]"
        )
    )
    _, found, _ = scan_json(capsys, "--select", "acme-unsafe-render")
    assert [(f["path"], f["line"]) for f in found if f["path"] == "src/views.py"] == [
        ("src/views.py", 16), ("src/views.py", 24), ("src/views.py", 28),
    ]  # fmt: skip


def test_invalid_rule_is_an_error_and_the_other_rules_still_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a broken rule file is an error naming file, rule and problem; the rest still reports."""
    (repo / ".vetline" / "rules" / "broken.toml").write_text(BROKEN)
    (repo / "src" / "loader.py").write_text("import yaml\nyaml.load(data)\n")
    code, found, err = scan_json(capsys)
    assert code == 2
    assert "vetline: error: .vetline/rules/broken.toml: rule `team-broken`: `severity` = 'severe'" in err
    rules = {f["rule"] for f in found}
    assert {"acme-unsafe-render", "yaml-unsafe-load"} <= rules


def test_test_rules_passes_the_fixture(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline test-rules` runs every rule's examples and passes the fixture's."""
    code, out, _ = run_cli(capsys, "test-rules")
    assert code == 0
    assert "ok   acme-unsafe-render (python, javascript)" in out
    assert "4 passed, 0 failed, 0 not loaded" in out


def test_test_rules_shows_a_miss_and_an_over_fire(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a rule that misses a `ruleid` line or fires on an `ok` line fails with both lines shown."""
    path = repo / ".vetline" / "rules" / "render.toml"
    text = path.read_text().replace('r("<h1>constant</h1>")\n', "r(constant_name)\n", 1)
    path.write_text(text.replace("# ruleid: acme-run-with-shell", "# ok: acme-run-with-shell"))
    code, out, _ = run_cli(capsys, "test-rules")
    assert code == 1
    assert "FAIL acme-unsafe-render (python, javascript)" in out
    assert "python example, line 8: finding not annotated `ruleid` | r(constant_name)" in out
    assert "FAIL acme-run-with-shell" in out
    assert "python example, line 3: finding not annotated `ruleid` | acme.run(command, shell=True)" in out
    assert "2 passed, 2 failed" in out


def test_test_rules_shows_a_wrong_fix_as_a_diff(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a fix that does not produce the `fixed` example fails with a unified diff."""
    path = repo / ".vetline" / "rules" / "web.toml"
    path.write_text(path.read_text().replace('fix = "{name} = False"', 'fix = "{name} = None"'))
    code, out, _ = run_cli(capsys, "test-rules")
    assert code == 1
    assert "the fix does not produce the `fixed` example" in out
    assert "-DEBUG_TOOLBAR = False\n" in out and "+DEBUG_TOOLBAR = None\n" in out


def test_test_rules_requires_a_positive_and_a_negative_example(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a rule without `ok:` examples fails: it must show a case it does not flag."""
    (repo / ".vetline" / "rules" / "lone.toml").write_text(
        BROKEN.replace('"severe"', '"low"').replace("team-broken", "team-lone")
        + "examples = '''\nimport a\n# ruleid: team-lone\na.b(x)\n'''\n"
    )
    code, out, _ = run_cli(capsys, "test-rules")
    assert code == 1 and "no `ok: team-lone` example" in out


def test_test_rules_reports_invalid_files_and_tests_the_rest(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that an invalid rule file makes `test-rules` exit 2, after testing the valid rules."""
    (repo / ".vetline" / "rules" / "broken.toml").write_text(BROKEN)
    code, out, err = run_cli(capsys, "test-rules")
    assert code == 2
    assert ".vetline/rules/broken.toml: rule `team-broken`" in err
    assert "4 passed, 0 failed, 1 not loaded" in out


def test_rules_and_explain_show_project_rules(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline rules` lists project rules (marked) and `vetline explain` documents them."""
    _, out, _ = run_cli(capsys, "rules")
    (line,) = [line for line in out.splitlines() if line.startswith("acme-unsafe-render ")]
    assert "fixable project" in line and "Template rendered without escaping" in line
    _, out, _ = run_cli(capsys, "rules", "--format", "json")
    by_id = {rule["id"]: rule for rule in json.loads(out)}
    assert by_id["acme-run-with-shell"]["project"] is True and by_id["yaml-unsafe-load"]["project"] is False
    code, out, _ = run_cli(capsys, "explain", "acme-unsafe-render")
    assert code == 0
    assert "Project rule from `.vetline/rules/render.toml`." in out
    assert "https://wiki.example.com/security/rendering" in out


def test_configuration_without_rules_folder_has_no_project_rules(tmp_path: Path) -> None:
    """Ensure that a project without `.vetline/rules` runs only the built-in rules, with no error."""
    (tmp_path / ".git").mkdir()
    config = configure(None, tmp_path)
    assert config.project_rules == () and config.rule_errors == ()
