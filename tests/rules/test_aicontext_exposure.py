"""`ai-context-secret-file-exposed`: which tools cover a secret file (each tool's documented
semantics), and the safe fix that adds the file to every exposing tool's exclusions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.rules import registry
from vetline.rules.aicontext import _claude_settings
from vetline.rules.aicontext._secret_files import reason_by_name
from vetline.rules.engine import Engine
from vetline.rules.languages import language_for_path
from vetline.rules.model import Edit, Finding

RULE = registry.by_id()["ai-context-secret-file-exposed"]
TREE = Path(__file__).resolve().parents[1] / "fixtures" / "aicontext" / "ai_context_secret_file_exposed.fixed.tree"


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def findings(path: Path) -> list[Finding]:
    language = language_for_path(path) or "secret-file"
    return list(Engine([RULE]).analyze(path.read_bytes(), language, str(path)).findings)


def tools_exposing(path: Path) -> list[str]:
    found = findings(path)
    return list(found[0].data["tools"]) if found else []


def test_no_finding_without_a_detected_assistant(tmp_path: Path) -> None:
    """Ensure that a project using no assistant gets no exposure finding for its `.env`."""
    root = project(tmp_path, {".env": "A=1\n"})
    assert findings(root / ".env") == []


def test_cursor_defaults_cover_env_files_but_not_keys(tmp_path: Path) -> None:
    """Ensure that Cursor's built-in ignore list covers `.env*` and nothing else."""
    root = project(tmp_path, {".cursorrules": "x", ".env.local": "A=1", "tls/server.key": "k"})
    assert tools_exposing(root / ".env.local") == []
    assert tools_exposing(root / "tls/server.key") == ["cursor"]


def test_gitignore_counts_only_for_tools_that_honour_it(tmp_path: Path) -> None:
    """Ensure that a git-ignored key is covered for Aider and Windsurf but not for Claude Code or JetBrains AI."""
    files = {
        ".gitignore": "*.pem\n",
        ".aiderignore": "",
        ".windsurfrules": "",
        "CLAUDE.md": "",
        ".aiignore": "",
        "a.pem": "x",
    }
    root = project(tmp_path, files)
    assert tools_exposing(root / "a.pem") == ["claude-code", "jetbrains-ai"]


def test_aiexclude_applies_below_its_folder_and_an_empty_one_blocks_all(tmp_path: Path) -> None:
    """Ensure that nested `.aiexclude` files count for paths below them, empty means everything, `!` is ignored."""
    files = {
        ".aiexclude": "*.key\n!keep.key\n",
        "ops/.aiexclude": "",
        "keep.key": "k",
        "ops/deep/prod.pem": "p",
        "x.pem": "p",
    }
    root = project(tmp_path, files)
    assert tools_exposing(root / "keep.key") == []  # no negation in .aiexclude
    assert tools_exposing(root / "ops/deep/prod.pem") == []
    assert tools_exposing(root / "x.pem") == ["gemini-code-assist"]


def test_claude_read_rules_follow_their_anchoring(tmp_path: Path) -> None:
    """Ensure that `Read(./x)` is anchored at the root, `Read(**/*.pem)` matches anywhere, `~/` paths never match."""
    deny = ["Read(./.env)", "Read(**/*.pem)", "Read(~/.ssh/id_rsa)", "Bash(curl:*)"]
    settings = json.dumps({"permissions": {"deny": deny}})
    files = {".claude/settings.json": settings, ".env": "A=1", "app/.env": "A=1", "app/k.pem": "p", "id_rsa": "k"}
    root = project(tmp_path, files)
    assert tools_exposing(root / ".env") == []
    assert tools_exposing(root / "app/.env") == ["claude-code"]
    assert tools_exposing(root / "app/k.pem") == []
    assert tools_exposing(root / "id_rsa") == ["claude-code"]


def test_local_settings_and_declared_tools_count(tmp_path: Path) -> None:
    """Ensure that `.claude/settings.local.json` denies count and `[tool.vetline.ai_context] tools` declares tools."""
    files = {
        "pyproject.toml": '[tool.vetline.ai_context]\ntools = ["claude", "continue"]\n',
        ".claude/settings.local.json": '{"permissions": {"deny": ["Read(./creds/**)"]}}',
        "creds/credentials.json": "{}",
    }
    root = project(tmp_path, files)
    assert tools_exposing(root / "creds/credentials.json") == ["continue"]


def test_git_ignored_file_counts_only_when_it_holds_a_secret(tmp_path: Path) -> None:
    """Ensure that a git-ignored config is secret-bearing only when vetline finds a secret in it."""
    token = "ghp_" + "R8nF3kQz7LmW2xV9pT4sY6aB1cD5eH0jK8uN"
    files = {
        ".gitignore": "local.yaml\nother.yaml\n",
        "CLAUDE.md": "",
        "local.yaml": f"token: {token}\n",
        "other.yaml": "debug: true\n",
    }
    root = project(tmp_path, files)
    assert tools_exposing(root / "local.yaml") == ["claude-code"]
    assert tools_exposing(root / "other.yaml") == []


@pytest.mark.parametrize(
    ("name", "source", "secret"),
    [
        (".env", "", True), (".env.production", "", True), (".env.example", "", False), (".env.sample", "", False),
        ("server.pem", "", True), ("id_rsa", "", True), ("id_rsa.pub", "", False), ("prod.tfvars", "", True),
        ("aws-credentials.json", "{}", True), ("secrets.yaml", "", True), ("test_secrets.py", "", False),
        ("kubeconfig", "", True), (".npmrc", "registry=https://r.example\n", False),
        (".npmrc", "//registry.npmjs.org/:_authToken=abc\n", True), (".pypirc", "[pypi]\npassword = x\n", True),
        ("sa.json", '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----"}', True),
        ("package.json", "{}", False),
    ],
)  # fmt: skip
def test_secret_bearing_names(name: str, source: str, secret: bool) -> None:
    """Ensure that the issue's name list (and the content-dependent rc files) decide what is secret-bearing."""
    assert (reason_by_name(name, source.encode()) is not None) is secret


def apply_other_file_edits(root: Path, file: Path, edits: tuple[Edit, ...]) -> None:
    """Apply edits on other files as the language server does: -1..-1 appends (creating), ranges replace."""
    for edit in edits:
        assert edit.path is not None
        target = (file.parent / edit.path).resolve()
        assert target.is_relative_to(root.resolve())
        data = target.read_bytes() if target.exists() else b""
        if edit.start_byte == edit.end_byte == -1:
            data += edit.new_text.encode()
        else:
            data = data[: edit.start_byte] + edit.new_text.encode() + data[edit.end_byte :]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def test_fix_adds_the_file_to_every_exposing_tool(tmp_path: Path) -> None:
    """Ensure that the safe fix turns the `before` tree into the `after` tree (ignore files and settings JSON)."""
    root = tmp_path / "repo"
    shutil.copytree(TREE / "before", root)
    (root / ".git").mkdir()
    key = root / "deploy" / "id_rsa"
    (finding,) = findings(key)
    assert finding.start.line == 0 and finding.fix is not None and finding.fix.safe
    assert "readable by Cursor, Claude Code, Aider and Gemini Code Assist" in finding.message
    apply_other_file_edits(root, key, finding.fix.edits)
    expected = {p.relative_to(TREE / "after"): p.read_text() for p in (TREE / "after").rglob("*") if p.is_file()}
    actual = {p.relative_to(root): p.read_text() for p in root.rglob("*") if p.is_file()}
    assert actual == expected
    assert findings(key) == []  # once fixed, every tool covers it


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (None, '{\n  "permissions": {\n    "deny": [\n      "Read(./x)"\n    ]\n  }\n}\n'),
        ('{"permissions": {"deny": ["Read(./a)"]}}', '{"permissions": {"deny": ["Read(./a)", "Read(./x)"]}}'),
        ('{\n  "permissions": {\n    "deny": []\n  }\n}', '{\n  "permissions": {\n    "deny": [\n      "Read(./x)"\n    ]\n  }\n}'),
        ('{\n\t"permissions": {\n\t\t"allow": ["Bash(ls)"]\n\t}\n}', '{\n\t"permissions": {\n\t\t"allow": ["Bash(ls)"],\n\t\t"deny": ["Read(./x)"]\n\t}\n}'),
        ('{\n  "model": "opus"\n}', '{\n  "model": "opus",\n  "permissions": {"deny": ["Read(./x)"]}\n}'),
        ("{}", '{\n  "permissions": {"deny": ["Read(./x)"]}\n}'),
    ],
)  # fmt: skip
def test_deny_entry_keeps_the_settings_formatting(before: str | None, after: str) -> None:
    """Ensure that the deny entry lands after the last one, or in a new array or object, in the file's own style."""
    assert _claude_settings.add_entries(before.encode() if before else None, ["Read(./x)"]).decode() == after


def test_deny_entry_is_not_offered_for_broken_or_odd_settings() -> None:
    """Ensure that invalid JSON or a non-array `deny` gets no settings edit rather than a guess."""
    assert _claude_settings.deny_edit(b'{"permissions": {"deny": ', "Read(./x)", "s") is None
    assert _claude_settings.deny_edit(b'{"permissions": {"deny": "Read"}}', "Read(./x)", "s") is None
    assert _claude_settings.deny_edit(b'{"permissions": {"deny": ["Read(./x)"]}}', "Read(./x)", "s") is None


def test_exclusion_files_outside_the_project_are_never_read_or_edited(tmp_path: Path) -> None:
    """Ensure that a symlinked `.cursorignore` leading outside counts for nothing and gets no edit."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "ignore").write_text("*.pem\n")
    root = project(tmp_path / "repo", {".cursorrules": "", "k.pem": "x"})
    (root / ".cursorignore").symlink_to(outside / "ignore")
    (finding,) = findings(root / "k.pem")
    assert finding.data["tools"] == ["cursor"] and finding.fix is None
    assert (outside / "ignore").read_text() == "*.pem\n"


def test_fifo_and_folder_ignore_files_do_not_block(tmp_path: Path) -> None:
    """Ensure that a FIFO or a folder where an ignore file should be is skipped, not read."""
    import os

    root = project(tmp_path, {".aider.conf.yml": "", ".cursorrules": "", "k.pem": "x"})
    os.mkfifo(root / ".aiderignore")
    (root / ".cursorignore").mkdir()
    assert tools_exposing(root / "k.pem") == ["cursor", "aider"]
