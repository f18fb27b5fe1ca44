"""The `vetline` hook of `.pre-commit-hooks.yaml`, run by the real pre-commit in temporary git repositories.

The hook repository is a git repository holding this checkout's `.pre-commit-hooks.yaml`,
installed by path and commit as any hook repository is. Only `language` is overridden (to
`system`, with this virtual environment first on PATH): building the hook's own environment
would download vetline's dependencies, and tests never touch the network. The manifest's
`entry`, `types` and `require_serial` are used as written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from git_fixture import ENV, git, init
from vetline.server.cli import main

MANIFEST = Path(__file__).parents[2] / ".pre-commit-hooks.yaml"
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def hook_repository(folder: Path) -> str:
    """A git repository with this checkout's hook manifest; returns its commit."""
    init(folder)
    shutil.copy(MANIFEST, folder / ".pre-commit-hooks.yaml")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "hooks")
    return git(folder, "rev-parse", "HEAD").strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A git repository with the vetline hook installed from the hook repository."""
    rev = hook_repository(tmp_path / "hooks")
    repo = init(tmp_path / "project")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'hooks'}\n    rev: {rev}\n    hooks:\n"
        "      - id: vetline\n        language: system\n        args: [--fail-on, medium]\n",
        encoding="utf-8",
    )
    (repo / "pyproject.toml").write_text('[tool.vetline]\nextend_exclude = ["vendored"]\n', encoding="utf-8")
    pre_commit(repo, "install")
    git(repo, "add", "-A")
    commit(repo, "Add the hook configuration")
    return repo


def environment(repo: Path) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    return {
        **ENV,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "VETLINE_CACHE_DIR": str(repo.parent / "vetline-cache"),
        "GIT_AUTHOR_NAME": "Ada Human",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Human",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }


def pre_commit(repo: Path, *args: str) -> None:
    command = [sys.executable, "-m", "pre_commit", *args]
    subprocess.run(command, cwd=repo, env=environment(repo), check=True, capture_output=True, timeout=300)


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    """`git commit`, which runs the installed pre-commit hook."""
    command = ["git", "commit", "-m", message]
    return subprocess.run(
        command, check=False, cwd=repo, env=environment(repo), capture_output=True, text=True, timeout=300
    )


def committed_files(repo: Path) -> list[str]:
    return git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()


def test_a_commit_with_a_secret_is_refused_with_the_finding_shown(project: Path) -> None:
    """Ensure that staging a hard-coded key makes the commit fail, naming the rule but not the key."""
    (project / "settings.py").write_text(f'STRIPE_KEY = "{SECRET}"\n', encoding="utf-8")
    git(project, "add", "settings.py")
    result = commit(project, "Add settings")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "vetline" in output and "Failed" in output
    assert "settings.py" in output and "hardcoded-secret" in output
    assert SECRET not in output
    assert "settings.py" not in committed_files(project)


def test_a_clean_commit_is_accepted(project: Path) -> None:
    """Ensure that a commit without findings at or above --fail-on passes the hook and is recorded."""
    (project / "settings.py").write_text('import os\n\nSTRIPE_KEY = os.environ["STRIPE_KEY"]\n', encoding="utf-8")
    (project / "server.py").write_text('app.run(host="0.0.0.0")\n', encoding="utf-8")  # low: below --fail-on medium
    (project / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")  # a file vetline does not read
    git(project, "add", "-A")
    result = commit(project, "Read the key from the environment")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "vetline" in result.stderr and "Passed" in result.stderr
    assert "skipped" not in result.stderr  # named files vetline does not read are not reported
    assert {"settings.py", "server.py", "logo.png"} <= set(committed_files(project))
    # The low finding is there: only `--fail-on medium` let the commit through.
    assert main(["scan", "--fail-on", "low", str(project / "server.py")]) == 1


def test_only_the_staged_content_is_scanned(project: Path) -> None:
    """Ensure that a secret present only in the unstaged working copy does not block the commit."""
    (project / "settings.py").write_text("DEBUG = False\n", encoding="utf-8")
    git(project, "add", "settings.py")
    (project / "settings.py").write_text(f'DEBUG = False\nSTRIPE_KEY = "{SECRET}"\n', encoding="utf-8")
    result = commit(project, "Add settings")
    assert result.returncode == 0, result.stdout + result.stderr
    assert SECRET in (project / "settings.py").read_text()  # pre-commit restored the unstaged change


def test_the_project_excludes_apply_to_staged_files(project: Path) -> None:
    """Ensure that a staged file under an excluded folder (`extend_exclude`) does not fail the commit."""
    (project / "vendored").mkdir()
    (project / "vendored" / "keys.py").write_text(f'KEY = "{SECRET}"\n', encoding="utf-8")
    git(project, "add", "-A")
    result = commit(project, "Vendor a library")
    assert result.returncode == 0, result.stdout + result.stderr


def _notebook_printing(secret: str) -> str:
    output = {"name": "stdout", "output_type": "stream", "text": [f"key: {secret}\n"]}
    cell = {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": [output], "source": ["print(key)"]}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


STAGED_KINDS = {
    "analysis.ipynb": (_notebook_printing(SECRET), "hardcoded-secret"),  # a token in a saved output
    "web/app.js": (f'const stripeKey = "{SECRET}";\n', "hardcoded-secret"),
    "requirements.txt": ("reqeusts==2.31.0\n", "typosquat-package"),
    "deploy/main.tf": (f'api_key = "{SECRET}"\n', "hardcoded-secret"),
    "config/settings.yaml": (f"stripe_key: {SECRET}\n", "hardcoded-secret"),
    "notes.txt": (f"STRIPE_KEY={SECRET}\n", "hardcoded-secret"),
}


@pytest.mark.parametrize("name", list(STAGED_KINDS))
def test_every_kind_of_file_vetline_reads_is_checked_at_commit(project: Path, name: str) -> None:
    """Ensure that the hook refuses a commit of a notebook, JS, manifest, configuration or text file with a finding."""
    content, rule = STAGED_KINDS[name]
    (project / name).parent.mkdir(parents=True, exist_ok=True)
    (project / name).write_text(content, encoding="utf-8")
    git(project, "add", name)
    result = commit(project, f"Add {name}")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert name in output and rule in output and SECRET not in output
    assert name not in committed_files(project)
