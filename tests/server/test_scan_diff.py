"""`vetline scan --diff REV` and `--attribute` on real git repositories built by the tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from git_fixture import COPILOT_MESSAGE, commit, git, init, three_commit_repository
from vetline.server.cli import main


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    repository = three_commit_repository(tmp_path / "repo")
    monkeypatch.chdir(repository)
    return repository


def scan(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_reports_only_the_two_later_findings_with_their_origins(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `--diff HEAD~2 --format json` keeps the Copilot and the later human finding, with origins."""
    code, out, _ = scan(capsys, "--diff", "HEAD~2", "--format", "json")
    found = [(f["path"], f["line"], f["origin"]) for f in json.loads(out)["findings"]]
    assert found == [("app.py", 9, "ai-commit"), ("app.py", 13, "human-commit")]
    assert code == 1


def test_whole_scan_without_attribute_has_no_origin(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a plain scan reports all three findings and no `origin` key (unknown is absent)."""
    _, out, _ = scan(capsys, "--format", "json")
    findings = json.loads(out)["findings"]
    assert [f["line"] for f in findings] == [5, 9, 13]
    assert all("origin" not in f for f in findings)


def test_attribute_sets_every_committed_finding_origin(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--attribute` blames each flagged line: human, Copilot, human."""
    _, out, _ = scan(capsys, "--attribute", "--format", "json")
    assert [f.get("origin") for f in json.loads(out)["findings"]] == ["human-commit", "ai-commit", "human-commit"]


def test_diff_markdown_is_a_pull_request_summary(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the markdown has counts by severity and origin and one `path:line` line per finding."""
    _, out, _ = scan(capsys, "--diff", "HEAD~2", "--format", "markdown")
    assert out.startswith("### vetline: 2 finding(s)")
    assert "| Severity | AI-assisted | Human | Unknown | Total |" in out
    assert "| medium | 1 | 1 | 0 | 2 |" in out
    lines = [line for line in out.splitlines() if line.startswith("- ")]
    assert [line.split("`")[1] for line in lines] == ["app.py:9", "app.py:13"]
    assert "_(ai-commit)_" in lines[0] and "_(human-commit)_" in lines[1]


def test_diff_sarif_carries_origin_in_properties(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that SARIF results of `--diff` are the two later lines with `properties.origin`."""
    _, out, _ = scan(capsys, "--diff", "HEAD~2", "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    found = [(r["locations"][0]["physicalLocation"]["region"]["startLine"], r["properties"]["origin"]) for r in results]
    assert found == [(9, "ai-commit"), (13, "human-commit")]


def test_diff_text_output_lists_only_changed_lines(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the text format honours `--diff` too."""
    _, out, _ = scan(capsys, "--diff", "HEAD~1")
    assert "13:" in out and "9:" not in out and "5:" not in out


def test_uncommitted_and_untracked_code_counts_as_changed_without_origin(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a working-tree edit and a new untracked file are reviewed, with no origin (not committed)."""
    (repo / "app.py").write_text((repo / "app.py").read_text() + "\n\nh = hashlib.md5(b'x')\n")
    (repo / "new.py").write_text("import hashlib\nhashlib.sha1(b'y')\n")
    _, out, _ = scan(capsys, "--diff", "HEAD", "--format", "json")
    found = [(f["path"], f["line"], f.get("origin")) for f in json.loads(out)["findings"]]
    assert found == [("app.py", 16, None), ("new.py", 2, None)]


def test_flow_from_unchanged_source_to_changed_sink_is_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that tainted data read in old code and reaching a sink added later is reported under `--diff`."""
    repository = init(tmp_path / "flow")
    (repository / "pyproject.toml").write_text('[tool.vetline]\nselect = ["os-command-injection"]\n')
    route = "import os\nfrom flask import request\n\n\ndef run():\n    command = request.args['c']\n"
    commit(repository, {"web.py": route}, "Read the command")
    commit(repository, {"web.py": "    os.system(command)\n"}, COPILOT_MESSAGE)
    monkeypatch.chdir(repository)
    _, out, _ = scan(capsys, "--diff", "HEAD~1", "--format", "json")
    found = [(f["rule"], f["line"], f["origin"]) for f in json.loads(out)["findings"]]
    assert found == [("os-command-injection", 7, "ai-commit")]


def test_attribute_outside_git_leaves_origin_absent_and_succeeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `--attribute` outside a repository reports findings, no origin, and one note."""
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5(b'')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = scan(capsys, "--attribute", "--format", "json", "--select", "weak-hash-md5-sha1")
    findings = json.loads(out)["findings"]
    assert code == 1 and len(findings) == 1 and "origin" not in findings[0]
    assert err.count("no git origins") == 1


def test_diff_outside_git_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `--diff` where git cannot compute a diff exits 2 instead of reporting everything."""
    (tmp_path / "a.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    code, out, err = scan(capsys, "--diff", "HEAD")
    assert code == 2 and out == "" and "--diff HEAD" in err


def test_diff_rejects_an_option_as_revision(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a revision starting with `-` is never passed to git as an option."""
    code, _, err = scan(capsys, "--diff=--output=/tmp/owned")
    assert code == 2 and "not a revision" in err
    assert not Path("/tmp/owned").exists()


def test_repository_config_naming_a_program_is_refused(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a repository whose own git config sets a textconv/filter program gets no git run, only a note."""
    marker = repo.parent / "ran"
    git(repo, "config", "filter.evil.clean", f"touch {marker}; cat")
    (repo / ".gitattributes").write_text("*.py filter=evil\n")
    code, out, err = scan(capsys, "--attribute", "--format", "json")
    assert "names programs git would run" in err
    assert all("origin" not in f for f in json.loads(out)["findings"])
    assert not marker.exists() and code == 1


def test_fsmonitor_in_repository_config_never_runs(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `core.fsmonitor` pointing at a program is neither run nor trusted."""
    marker = repo.parent / "fsmonitor-ran"
    hook = repo.parent / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(hook))
    scan(capsys, "--diff", "HEAD~1", "--format", "json")
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the repository away")
def test_repository_owned_by_another_user_is_explained_not_bypassed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that git's safe.directory refusal (CI as root) is a clear note for --attribute and an error for --diff."""
    for folder, _, files in os.walk(repo):
        os.chown(folder, 12345, 12345)
        for name in files:
            os.chown(os.path.join(folder, name), 12345, 12345)
    code, out, err = scan(capsys, "--attribute", "--format", "json")
    assert code == 1 and all("origin" not in f for f in json.loads(out)["findings"])
    assert "safe.directory" in err
    code, _, err = scan(capsys, "--diff", "HEAD~1")
    assert code == 2 and "safe.directory" in err


def test_changed_files_with_spaces_and_non_ascii_names_are_reviewed(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a path with a space and non-ASCII letters is read back from git's diff headers."""
    commit(repo, {"dir with space/ünïcode.py": "import hashlib\nhashlib.md5(b'')\n"}, "Add an odd name")
    _, out, _ = scan(capsys, "--diff", "HEAD~1", "--format", "json")
    assert [(f["path"], f["line"], f["origin"]) for f in json.loads(out)["findings"]] == [
        ("dir with space/ünïcode.py", 2, "human-commit")
    ]
