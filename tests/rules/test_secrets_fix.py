"""The "Move to environment variable" fix: edits on `.env.example` and `.gitignore`, and the
settings-based alternatives for Django and pydantic-settings projects."""

from __future__ import annotations

from pathlib import Path

from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.rules.model import Edit, Finding

RULES = [r for r in registry.all_rules() if r.category.value == "secrets"]


def only_finding(path: Path, source: str, language: str = "python") -> Finding:
    path.write_text(source)
    findings = Engine(RULES).analyze(source.encode(), language, str(path)).findings
    assert len(findings) == 1
    return findings[0]


def test_fix_appends_env_example_and_gitignore_entries(tmp_path: Path) -> None:
    """Ensure that the fix records `NAME=` in `.env.example` and adds `.env` to `.gitignore`."""
    (tmp_path / ".git").mkdir()
    finding = only_finding(tmp_path / "app.py", 'openai_api_key = "your-api-key-here"\n')
    assert finding.fix is not None and not finding.fix.safe
    others = [e for e in finding.fix.edits if e.path is not None]
    assert others == [Edit(-1, -1, "OPENAI_API_KEY=\n", ".env.example"), Edit(-1, -1, ".env\n", ".gitignore")]


def test_fix_leaves_gitignore_alone_when_env_is_ignored(tmp_path: Path) -> None:
    """Ensure that no `.gitignore` edit is offered when the repository root already ignores `.env`."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("__pycache__/\n/.env\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / ".env.example").write_text("DEBUG=")
    finding = only_finding(tmp_path / "src" / "app.js", 'const apiToken = "Tr0ub4dor-x";\n', "javascript")
    assert finding.fix is not None
    assert [e for e in finding.fix.edits if e.path is not None] == [Edit(-1, -1, "\nAPI_TOKEN=\n", ".env.example")]
    assert finding.fix.edits[0].new_text == "process.env.API_TOKEN"


def test_fix_points_at_the_repository_gitignore(tmp_path: Path) -> None:
    """Ensure that a root `.gitignore` without `.env` is edited through a relative path."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("build/")
    (tmp_path / "pkg").mkdir()
    finding = only_finding(tmp_path / "pkg" / "db.py", 'DB_PASSWORD = "Tr0ub4dor-x"\n')
    assert finding.fix is not None
    assert finding.fix.edits[-1] == Edit(-1, -1, "\n.env\n", "../.gitignore")


def test_django_project_also_gets_a_settings_fix(tmp_path: Path) -> None:
    """Ensure that Django code is offered `settings.NAME` (with the import) as an alternative."""
    source = 'from django.http import JsonResponse\n\nstripe_api_key = "Tr0ub4dor-x"\n'
    finding = only_finding(tmp_path / "views.py", source)
    (alternative,) = finding.alternative_fixes
    assert alternative.edits[0].new_text == "settings.STRIPE_API_KEY"
    assert alternative.edits[1].new_text == "from django.conf import settings\n"
    assert finding.fixes[0] is finding.fix


def test_pydantic_settings_field_default_can_be_dropped(tmp_path: Path) -> None:
    """Ensure that a `BaseSettings` field default is offered "drop the default" as an alternative."""
    source = 'from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    api_key: str = "Tr0ub4dor-x"\n'
    finding = only_finding(tmp_path / "config.py", source)
    (alternative,) = finding.alternative_fixes
    edit = alternative.edits[0]
    assert source[: edit.start_byte] + source[edit.end_byte :] == source.replace(' = "Tr0ub4dor-x"', "")


def test_fix_finds_a_gitignore_created_after_an_earlier_analysis(tmp_path: Path) -> None:
    """Ensure that a `.gitignore` created while the server runs is used by the next analysis."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "pkg").mkdir()
    first = only_finding(tmp_path / "pkg" / "db.py", 'DB_PASSWORD = "Tr0ub4dor-x"\n')
    assert first.fix is not None and first.fix.edits[-1] == Edit(-1, -1, ".env\n", ".gitignore")
    (tmp_path / ".gitignore").write_text(".env\n")
    again = only_finding(tmp_path / "pkg" / "db.py", 'DB_PASSWORD = "Tr0ub4dor-x"\n')
    assert again.fix is not None and [e.path for e in again.fix.edits if e.path] == [".env.example"]
