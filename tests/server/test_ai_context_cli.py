"""The AI-context fixture workspace through the CLI: `vetline scan` JSON equals the expected
findings exactly, `vetline ai-context check` reports coverage per tool, and `init` is idempotent."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.server.cli import main
from vetline.server.config import load_config

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aicontext"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture workspace as a git repository, the working directory set to it."""
    folder = tmp_path / "repo"
    shutil.copytree(FIXTURE / "workspace", folder)
    (folder / ".git").mkdir()
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(folder)
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_scan_json_equals_the_expected_findings(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline scan --format json` reports exactly the reviewed findings of the fixture."""
    code, out, _ = run(capsys, "scan", "--format", "json", "--jobs", "1", ".")
    assert code == 1
    expected = json.loads((FIXTURE / "expected_findings.json").read_text(encoding="utf-8"))
    assert json.loads(out)["findings"] == expected


def test_scan_notes_copilot_once(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that Copilot (exclusions in GitHub settings) gets one note per scan, never a finding."""
    _, out, err = run(capsys, "scan", "--format", "json", "--jobs", "3", ".")
    notes = [line for line in err.splitlines() if "GitHub Copilot" in line]
    assert len(notes) == 1 and "outside the repository" in notes[0]
    assert "copilot" not in out.lower().replace("copilot-instructions", "")


def test_check_reports_each_tool_and_fails_when_exposed(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `ai-context check --format json` says covered/exposed/n.a. per file and tool, exit 1."""
    code, out, _ = run(capsys, "ai-context", "check", "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert report["tools"] == ["cursor", "claude-code", "aider", "gemini-cli", "copilot"]
    files = {item["path"]: item["tools"] for item in report["files"]}
    assert set(files) == {".env", "config/service.pem", "local.json", "secrets/prod.tfvars"}
    assert files[".env"] == {
        "cursor": "covered",
        "claude-code": "covered",
        "aider": "covered",
        "gemini-cli": "covered",
        "copilot": "n.a.",
    }
    assert files["config/service.pem"]["aider"] == "covered" and files["config/service.pem"]["cursor"] == "exposed"
    assert files["secrets/prod.tfvars"]["cursor"] == "covered" and files["secrets/prod.tfvars"]["aider"] == "exposed"
    assert report["exposed"] == 3


def test_check_prints_a_table(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the text table has one row per secret file and one column per detected tool."""
    _, out, _ = run(capsys, "ai-context", "check")
    lines = out.splitlines()
    assert lines[0].split() == ["file", "Cursor", "Claude", "Code", "Aider", "Gemini", "CLI", "GitHub", "Copilot"]
    assert lines[2].split() == ["config/service.pem", "exposed", "exposed", "covered", "exposed", "n.a."]
    assert lines[-1] == "4 secret-bearing files, 3 exposed to at least one assistant"


def test_init_twice_covers_everything_and_changes_nothing_the_second_time(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that init adds the baseline (keeping user lines), check then passes, and init is idempotent."""
    before_cursor = (workspace / ".cursorignore").read_text()
    code, out, _ = run(capsys, "ai-context", "init")
    assert code == 0
    # `secrets/prod.tfvars` is already covered by the baseline's `*secrets*`; `local.json` is not.
    assert (
        "created .geminiignore: .env, .env.*, *credentials*, *secrets*, *.pem, *.key, /local.json" in out.splitlines()
    )
    assert "extended .aiderignore: .env, .env.*, *credentials*, *secrets*, *.key, /local.json" in out.splitlines()
    assert (workspace / ".cursorignore").read_text().startswith(before_cursor)
    settings = json.loads((workspace / ".claude/settings.json").read_text())
    assert settings["permissions"]["allow"] == ["Bash(npm test)"]
    assert settings["permissions"]["deny"] == [
        "Read(./.env)", "Read(./.env.*)", "Read(**/*credentials*)", "Read(**/*secrets*)", "Read(**/*.pem)",
        "Read(**/*.key)", "Read(./local.json)",
    ]  # fmt: skip
    assert '\n      "Read(./local.json)"\n    ]' in (workspace / ".claude/settings.json").read_text()
    snapshot = {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()}
    code, out, _ = run(capsys, "ai-context", "init")
    assert code == 0 and all(line.startswith(("unchanged", "GitHub Copilot")) for line in out.splitlines())
    assert {p: p.read_bytes() for p in workspace.rglob("*") if p.is_file()} == snapshot
    assert run(capsys, "ai-context", "check")[0] == 0


def test_ai_context_table_is_a_known_configuration_key(tmp_path: Path) -> None:
    """Ensure that `[tool.vetline.ai_context] tools` is accepted without an unknown-key warning."""
    (tmp_path / "pyproject.toml").write_text('[tool.vetline.ai_context]\ntools = ["cursor"]\n')
    config, warnings = load_config(tmp_path / "pyproject.toml")
    assert warnings == [] and config.ai_context == {"tools": ["cursor"]}


def test_init_for_named_tools_creates_their_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--tools` writes files for tools the project does not show yet, and rejects unknown names."""
    (tmp_path / ".git").mkdir()
    code, _, _ = run(capsys, "ai-context", "init", str(tmp_path), "--tools", "windsurf,claude")
    assert code == 0
    assert (tmp_path / ".codeiumignore").read_text().splitlines()[1:] == [
        ".env",
        ".env.*",
        "*credentials*",
        "*secrets*",
        "*.pem",
        "*.key",
    ]
    assert json.loads((tmp_path / ".claude/settings.json").read_text())["permissions"]["deny"][0] == "Read(./.env)"
    assert run(capsys, "ai-context", "init", str(tmp_path), "--tools", "notepad")[0] == 2
