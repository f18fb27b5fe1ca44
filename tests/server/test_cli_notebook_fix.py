"""`vetline scan --fix` and `--show-fixes` on Jupyter notebooks: cells fixed, every other byte kept.

The fixture notebook (`tests/fixtures/notebooks/before/fix_me.ipynb`) is written as Jupyter
writes one (one-space indent, sorted keys, UTF-8 unescaped, trailing newline) with cell ids,
metadata, a stream output, an image output, a `%%time` cell, a source stored as one string,
Markdown text that looks like code, and a raw cell. `after_safe/` and `after_unsafe/` hold the
exact bytes `--fix` and `--fix --unsafe-fixes` must produce.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from vetline.rules.notebooks import parse_notebook
from vetline.server.cli import main

FIXTURE = Path(__file__).parent.parent / "fixtures" / "notebooks"
CONFIG = '[tool.vetline]\nselect = ["yaml-unsafe-load", "weak-hash-md5-sha1", "secrets"]\n'


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` (but `.git` and the configuration) by relative path, with its bytes."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts and path.name != "pyproject.toml"
    }


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scan", "--no-color", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the fixture notebook in its own git repository root."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE / "before", root)
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def test_fix_rewrites_only_the_fixed_cell_and_a_second_run_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that --fix applies the safe fix inside its cell, keeps every other byte, and is idempotent."""
    code, _out, err = run(capsys, "--fix", ".")
    assert tree(project) == tree(FIXTURE / "after_safe")
    assert "fixed fix_me.ipynb:cell 3:3:10: yaml-unsafe-load: Use `yaml.safe_load`" in err
    assert "applied 1 fixes, changed 1 files" in err and "2 more fixes available with --unsafe-fixes" in err
    assert code == 1  # the secret and the MD5 call wait for --unsafe-fixes

    code, out, err = run(capsys, "--fix", ".")
    assert tree(project) == tree(FIXTURE / "after_safe")
    assert "nothing to fix" in err and "yaml-unsafe-load" not in out


def test_unsafe_fixes_edit_cells_and_sibling_files(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that --unsafe-fixes moves the secret to the environment (import after `%%time`, `.env.example`,
    `.gitignore`) and fixes a source stored as one string, then leaves nothing to fix."""
    code, _out, err = run(capsys, "--fix", "--unsafe-fixes", ".")
    assert tree(project) == tree(FIXTURE / "after_unsafe")
    assert "fixed fix_me.ipynb:cell 3:2:11: hardcoded-secret" in err and "(also edits .env.example, .gitignore)" in err
    assert "fixed fix_me.ipynb:cell 4:1:10: weak-hash-md5-sha1: Use SHA-256 [unsafe fix]" in err
    assert code == 0
    cells = parse_notebook((project / "fix_me.ipynb").read_bytes()).cells
    assert cells[2].source.startswith("%%time\nimport os\n")  # the cell magic stays the first line

    code, _out, err = run(capsys, "--fix", "--unsafe-fixes", ".")
    assert "nothing to fix" in err and tree(project) == tree(FIXTURE / "after_unsafe")


def test_show_fixes_prints_cell_lines_and_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that --show-fixes shows each fixed cell as its own diff, in cell lines, and writes nothing."""
    code, out, err = run(capsys, "--show-fixes", "--unsafe-fixes", ".")
    assert tree(project) == tree(FIXTURE / "before")
    assert code == 1
    assert (
        "--- a/fix_me.ipynb:cell 3\n+++ b/fix_me.ipynb:cell 3\n@@ -1,3 +1,4 @@\n %%time\n"
        "-API_KEY = " + "•" * 45 + "\n-config = yaml.load(raw)\n"
        '+import os\n+API_KEY = os.environ["API_KEY"]\n+config = yaml.safe_load(raw)\n'
    ) in out  # cell lines, not JSON lines; the removed secret is masked
    assert "--- a/fix_me.ipynb:cell 4\n+++ b/fix_me.ipynb:cell 4\n@@ -1,2 +1,2 @@\n" in out
    assert '"source"' not in out and "sk-proj-" not in out
    assert "would fix fix_me.ipynb:cell 3:3:10: yaml-unsafe-load" in err


@pytest.mark.parametrize(
    ("indent", "ensure_ascii", "newline"), [(2, True, ""), (None, False, "\n"), (4, False, "")], ids=str
)
def test_fix_keeps_the_notebook_s_own_json_style(
    indent: int | None,
    ensure_ascii: bool,
    newline: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ensure that a notebook written with another indent, `\\u` escapes or on one line changes only in the fixed line."""
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["Café ☕\n"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
         "source": ["import yaml\n", "# é\n", "doc = yaml.load(raw)\n", "print(doc)"]},
    ]  # fmt: skip
    document = {"metadata": {"z": 1, "a": 2}, "nbformat": 4, "nbformat_minor": 4, "cells": cells}
    path = tmp_path / "styled.ipynb"
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=ensure_ascii) + newline, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    run(capsys, "--fix", "styled.ipynb")
    cells[1]["source"][2] = "doc = yaml.safe_load(raw)\n"  # type: ignore[index]
    assert path.read_text(encoding="utf-8") == json.dumps(document, indent=indent, ensure_ascii=ensure_ascii) + newline


def test_fix_of_an_nbformat_3_notebook_edits_the_cell_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that an nbformat 3 code cell (`worksheets`, `input`) is fixed in place and stays nbformat 3."""
    cell = {"cell_type": "code", "collapsed": False, "input": ["import yaml\n", "yaml.load(s)"], "language": "python",
            "metadata": {}, "outputs": [{"output_type": "pyout", "prompt_number": 1, "text": ["{}"]}]}  # fmt: skip
    document = {"metadata": {"name": ""}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [cell]}]}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    _code, _out, err = run(capsys, "--fix", "old.ipynb")
    assert "fixed old.ipynb:cell 1:2:1: yaml-unsafe-load" in err
    cell["input"] = ["import yaml\n", "yaml.safe_load(s)"]
    assert path.read_text(encoding="utf-8") == json.dumps(document, indent=1)


BREAKING_RULE = """
[[rule]]
id = "team-unsafe-render"
message = "`mylib.unsafe_render` skips escaping."
severity = "high"
cwe = 79
category = "injection"
languages = ["python"]
calls = ["mylib.unsafe_render"]
fix = { replace = "mylib.safe_render({args}", title = "Use `mylib.safe_render`", safe = true }
"""


def test_a_fix_that_would_break_the_cell_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a fix leaving its cell unparsable is not written (the notebook keeps its bytes), and says why."""
    (tmp_path / ".git").mkdir()
    (tmp_path / ".vetline" / "rules").mkdir(parents=True)
    (tmp_path / ".vetline" / "rules" / "team.toml").write_text(BREAKING_RULE, encoding="utf-8")
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["import mylib\n", "mylib.unsafe_render(p)\n"]}
    ]
    path = tmp_path / "render.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    _code, _out, err = run(capsys, "--fix", ".")
    assert path.read_bytes() == before
    assert (
        "not fixed render.ipynb:cell 1:2: team-unsafe-render: Use `mylib.safe_render`: render.ipynb would no longer parse"
        in err
    )
