"""What marks a commit as AI-assisted, and how `[tool.vetline.ai_origin]` changes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from git_fixture import commit, init
from vetline.server.attribution import AiPatterns
from vetline.server.cli import main
from vetline.server.config import ConfigError

DEFAULT = AiPatterns()


@pytest.mark.parametrize(
    "message",
    [
        "Fix\n\nCo-authored-by: GitHub Copilot <copilot@github.com>",
        "Fix\n\nCo-authored-by: Claude <noreply@anthropic.com>",
        "Fix\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>",
        "Fix\n\nCo-authored-by: openai-codex <codex@openai.com>",
        "Fix\n\nco-authored-by: gemini-code-assist[bot] <bot@users.noreply.github.com>",
        "Fix\n\nCo-authored-by: Windsurf <windsurf@codeium.com>",
        "Fix\n\nCo-authored-by: Devin AI <devin-ai-integration[bot]@users.noreply.github.com>",
        "Fix\n\nCo-authored-by: google-labs-jules[bot] <jules@google.com>",
        "Fix\n\nGenerated-by: some tool 1.2",
        "Fix\n\nAssisted-by: an assistant",
        "Fix\n\nAI-assisted: true",
    ],
)
def test_assistant_trailers_mark_a_commit_as_ai_assisted(message: str) -> None:
    """Ensure that each documented trailer form marks the commit as AI-assisted."""
    assert DEFAULT.is_ai("Ada", "Ada", message)


@pytest.mark.parametrize(
    "message",
    [
        "Fix\n\nCo-authored-by: Grace Hopper <grace@example.com>",
        "Fix\n\nAI-assisted: false",
        "Mention Copilot in the changelog",  # a word in the text is not a trailer
        "Fix\n\nSigned-off-by: Claude Shannon-Smith <cs@example.com>",
    ],
)
def test_human_commits_are_not_ai_assisted(message: str) -> None:
    """Ensure that human co-authors, a false flag, prose and other trailers do not mark a commit."""
    assert not DEFAULT.is_ai("Ada", "Ada", message)


def test_aider_author_suffix_marks_a_commit() -> None:
    """Ensure that an author or committer name ending in `(aider)` marks the commit."""
    assert DEFAULT.is_ai("Ada Lovelace (aider)", "Ada", "fix")
    assert DEFAULT.is_ai("Ada", "Ada Lovelace (aider)", "fix")


def test_configured_assistants_extend_and_replace() -> None:
    """Ensure that `extend_assistants` adds names and `assistants` replaces the list."""
    extended = AiPatterns.from_table({"extend_assistants": ["HouseBot"]})
    assert extended.is_ai("a", "a", "x\n\nCo-authored-by: HouseBot <b@corp>")
    replaced = AiPatterns.from_table({"assistants": ["HouseBot"]})
    assert not replaced.is_ai("a", "a", "x\n\nCo-authored-by: Claude <c@anthropic.com>")


def test_invalid_ai_origin_table_is_a_configuration_error() -> None:
    """Ensure that unknown keys and non-list values are rejected with the key named."""
    with pytest.raises(ConfigError, match="assistants must be a list"):
        AiPatterns.from_table({"assistants": "Claude"})
    with pytest.raises(ConfigError, match="accepts only"):
        AiPatterns.from_table({"assistant": ["x"]})


def test_pyproject_ai_origin_table_changes_attribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `[tool.vetline.ai_origin]` in pyproject.toml decides what `--attribute` calls AI."""
    repo = init(tmp_path / "repo")
    (repo / "pyproject.toml").write_text(
        '[tool.vetline]\nselect = ["weak-hash-md5-sha1"]\n[tool.vetline.ai_origin]\ntrailers = ["Bot-written"]\n'
    )
    commit(repo, {"a.py": "import hashlib\nhashlib.md5(b'')\n"}, "Add a\n\nBot-written: yes")
    monkeypatch.chdir(repo)
    assert main(["scan", "--attribute", "--format", "json"]) == 1
    assert [f["origin"] for f in json.loads(capsys.readouterr().out)["findings"]] == ["ai-commit"]
