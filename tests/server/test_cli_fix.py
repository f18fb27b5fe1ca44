"""`vetline scan --fix`, `--unsafe-fixes` and `--show-fixes` on a fixture project, file by file."""

from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

import pytest
from vetline.rules.model import Confidence, Edit, Finding, Fix, Position, Severity
from vetline.server.cli import main
from vetline.server.commands import _fix
from vetline.server.scanner import FileResult

FIXTURE = Path(__file__).parent.parent / "fixtures" / "fix_project"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (but `.git`) by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture project, its own git repository root (the `.gitignore` search stops there)."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "before", root)
    (root / ".git").mkdir()
    monkeypatch.chdir(root)
    return root


def test_fix_applies_only_the_safe_fixes_and_a_second_run_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that --fix turns every file into its safe-fix form, says what it did, and is idempotent."""
    code, _out, err = run(capsys, "scan", "--fix", ".")
    assert tree(project) == tree(FIXTURE / "after_safe")
    assert "fixed app.py:11:12: yaml-unsafe-load: Use `yaml.safe_load`" in err
    assert "fixed web/show.js:2:3: js-xss-inner-html" in err
    assert "applied 2 fixes, changed 2 files" in err and "2 more fixes available with --unsafe-fixes" in err
    assert code == 1  # the unsafe ones are still reported

    code, out, err = run(capsys, "scan", "--fix", ".")
    assert tree(project) == tree(FIXTURE / "after_safe")
    assert "nothing to fix" in err and "yaml-unsafe-load" not in out


def test_unsafe_fixes_edit_the_sibling_files_like_the_editor_and_are_idempotent(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that --unsafe-fixes applies every fix with its `.env.example`, `.gitignore` and manifest edits."""
    code, out, err = run(capsys, "scan", "--fix", "--unsafe-fixes", ".")
    assert tree(project) == tree(FIXTURE / "after_unsafe")
    assert (
        "hardcoded-secret: Move to environment variable `STRIPE_KEY` [unsafe fix] (also edits .env.example, .gitignore)"
        in err
    )
    assert "undeclared-import: Add `requests` to requirements.txt [unsafe fix] (also edits requirements.txt)" in err
    assert "sk_live" not in err + out  # the secret's value is never echoed
    assert code == 0 and "No findings" in out

    code, out, err = run(capsys, "scan", "--fix", "--unsafe-fixes", ".")
    assert tree(project) == tree(FIXTURE / "after_unsafe")
    assert "nothing to fix" in err and code == 0


def test_show_fixes_prints_a_diff_git_can_apply_and_writes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that --show-fixes leaves every file alone and its diff (secret fixes aside) is exactly what --fix writes."""
    code, out, _err = run(capsys, "scan", "--show-fixes", "--unsafe-fixes", "--ignore", "hardcoded-secret", ".")
    assert tree(project) == tree(FIXTURE / "before")
    assert code == 1 and "+requests" in out
    subprocess.run(["git", "apply", "-"], input=out.encode(), cwd=project, check=True)
    run(capsys, "scan", "--fix", "--unsafe-fixes", ".")  # the secret's fix is all that is left
    assert tree(project) == tree(FIXTURE / "after_unsafe")

    code, out, _err = run(capsys, "scan", "--show-fixes", "--unsafe-fixes", ".")
    assert code == 0 and out == ""


def test_show_fixes_never_echoes_the_secret_a_fix_removes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that the preview of a secret's fix masks the removed value (a CI log keeps no copy of it)."""
    code, out, err = run(capsys, "scan", "--show-fixes", "--unsafe-fixes", ".")
    assert tree(project) == tree(FIXTURE / "before")
    assert code == 1 and "+STRIPE_KEY=" in out and "--- /dev/null" in out
    assert "would fix app.py:7:14: hardcoded-secret" in err
    assert "sk_live" not in out + err and "\u2022" * 8 in out


def test_a_sibling_outside_the_scanned_folder_is_left_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a fix whose `.gitignore` lies above the scanned folder edits only the file itself, and says so."""
    (project / "sub").mkdir()
    (project / "sub" / "settings.py").write_text('TOKEN = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n')
    _code, _out, err = run(capsys, "scan", "--fix", "--unsafe-fixes", "--select", "hardcoded-secret", "sub")
    assert (project / "sub" / "settings.py").read_text() == 'import os\nTOKEN = os.environ["TOKEN"]\n'
    assert (project / ".gitignore").read_bytes() == (FIXTURE / "before" / ".gitignore").read_bytes()
    assert not (project / "sub" / ".env.example").exists()
    assert "(this file only: the other file is outside the workspace folder)" in err


def test_a_sibling_symlink_leading_out_of_the_project_is_never_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a `.env.example` linked to a file outside the project keeps that file untouched."""
    outside = tmp_path / "outside.txt"
    outside.write_text("keep\n")
    (project / ".env.example").symlink_to(outside)
    run(capsys, "scan", "--fix", "--unsafe-fixes", "--select", "hardcoded-secret", ".")
    assert outside.read_text() == "keep\n"
    assert 'os.environ["STRIPE_KEY"]' in (project / "app.py").read_text()


def test_a_fix_that_would_break_the_syntax_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a file which would no longer parse after a fix is not written, and the output says why."""
    source = b"import yaml\nyaml.load(data)\n"
    path = tmp_path / "app.py"
    path.write_bytes(source)
    broken = Fix("Break it", (Edit(source.index(b")"), source.index(b")") + 1, ""),), safe=True)
    finding = Finding(
        "yaml-unsafe-load", "m", Severity.HIGH, Confidence.HIGH, 12, 27, Position(1, 0), Position(1, 15), broken
    )
    results = [FileResult(path, "app.py", (finding,), source=source)]
    args = argparse.Namespace(paths=[tmp_path], unsafe_fixes=False)
    _fix.run(results, args, rescan=lambda: results)
    assert path.read_bytes() == source
    err = capsys.readouterr().err
    assert "not fixed app.py:2: yaml-unsafe-load: Break it: " in err and "would no longer parse" in err
    assert "nothing to fix" in err


def test_unsafe_fixes_alone_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that --unsafe-fixes without --fix or --show-fixes exits 2 instead of silently fixing nothing."""
    code, _out, err = run(capsys, "scan", "--unsafe-fixes", ".")
    assert code == 2 and "--unsafe-fixes needs --fix or --show-fixes" in err
    assert tree(project) == tree(FIXTURE / "before")
