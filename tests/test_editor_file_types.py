"""The editors' file types (VS Code selector and activation events, the Neovim name table, the
README list) are generated from `rules/languages.py` and must stay in step with it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from vetline.rules.languages import LANGUAGES, LanguageSpec

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "sync_editor_file_types.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_editor_file_types", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_editor_file_types_match_the_language_table() -> None:
    """Ensure that fileTypes.ts, package.json's activation events, filetypes.lua and the README are up to date."""
    check = subprocess.run([sys.executable, str(SCRIPT), "--check"], check=False, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_check_names_every_file_a_new_language_row_makes_stale(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a row added to LANGUAGES fails `--check` for all four files, and `--check` writes nothing."""
    script = _script()
    before = {path: path.read_text(encoding="utf-8") for path in script.expected_files()}
    monkeypatch.setattr(script, "LANGUAGES", (*LANGUAGES, LanguageSpec("nix", (".nix",), ("flake.lock",))))
    assert script.main(["--check"]) == 1
    stale = capsys.readouterr().err
    for name in ("fileTypes.ts", "package.json", "filetypes.lua", "README.md"):
        assert f"{name} is out of date" in stale
    assert {path: path.read_text(encoding="utf-8") for path in before} == before


def test_each_row_becomes_a_vscode_glob_and_neovim_patterns() -> None:
    """Ensure that names, extensions and folder rules of a row become the globs and Lua patterns editors match."""
    script = _script()
    row = LanguageSpec("demo", (".tf", ".tfvars"), ("Makefile", ".env.*"), None, (".html",), ("templates",))
    assert script.globs(row) == ["**/{Makefile,.env.*,*.tf,*.tfvars}", "**/templates/**/*.html"]
    assert script.lua_pattern(".env.*") == "^%.env%..*$"
    assert script.lua_pattern("pnpm-lock.yaml") == "^pnpm%-lock%.yaml$"
    with pytest.raises(ValueError):
        script.lua_pattern("[Mm]akefile")  # a character class would need translating: refused, not mangled
