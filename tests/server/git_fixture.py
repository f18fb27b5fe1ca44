"""Build small git repositories for the attribution and `--diff` tests (real git, no network)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

HUMAN = ("Ada Human", "ada@example.com")
ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
}


def git(repo: Path, *args: str, author: tuple[str, str] = HUMAN) -> str:
    name, email = author
    command = ["git", "-C", str(repo), "-c", f"user.name={name}", "-c", f"user.email={email}", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, env=ENV).stdout


def init(repo: Path) -> Path:
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    return repo


def commit(repo: Path, files: dict[str, str], message: str, author: tuple[str, str] = HUMAN) -> None:
    """Append each text to its file (creating it), then commit everything with `message`."""
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(text)
    git(repo, "add", "-A", author=author)
    git(repo, "commit", "-q", "-m", message, author=author)


INITIAL = "import hashlib\n\n\ndef first(data):\n    return hashlib.md5(data).hexdigest()\n"
COPILOT = "\n\ndef second(data):\n    return hashlib.sha1(data).hexdigest()\n"
LATER = "\n\ndef third(data):\n    return hashlib.md5(data).digest()\n"
COPILOT_MESSAGE = "Add second()\n\nCo-authored-by: GitHub Copilot <175728472+Copilot@users.noreply.github.com>\n"


def three_commit_repository(repo: Path) -> Path:
    """Human commit (finding on line 5), Copilot-assisted commit (line 9), human commit (line 13)."""
    init(repo)
    (repo / "pyproject.toml").write_text('[tool.vetline]\nselect = ["weak-hash-md5-sha1"]\n', encoding="utf-8")
    commit(repo, {"app.py": INITIAL}, "Initial version")
    commit(repo, {"app.py": COPILOT}, COPILOT_MESSAGE)
    commit(repo, {"app.py": LATER}, "Add third()")
    return repo
