"""`vetline scan` says once on stderr when a dependency check was skipped for lack of data.

The wheel bundles a snapshot of every PyPI name, so unknown-package runs with no download at
all; the note appears only when even that snapshot is missing (a broken install), the rule is
selected, and the scan holds something that names a Python package (a Python file with an
import, a requirements file, a Python manifest). Parallel workers must not repeat it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules.dependencies import bundled
from vetline.server.cli import main

NOTE = "vetline: note: unknown-package checks are skipped: no package index is available; run `vetline data update`"
PROJECT = '[project]\nname = "demo"\ndependencies = ["requests"]\n[tool.vetline]\nselect = ["unknown-package"]\n'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose files import packages; an empty cache; the working directory is set to it."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(PROJECT)
    for number in range(10):  # enough files for the parallel path
        (folder / f"module_{number}.py").write_text("import requests\nimport hallucinated_helper\n")
    monkeypatch.chdir(folder)
    return folder


def stderr_of(capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    main(["scan", *args])
    return capsys.readouterr().err.splitlines()


@pytest.fixture
def no_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the bundled PyPI snapshot were missing from the install."""
    monkeypatch.setattr(bundled, "pypi_names", lambda: None)


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_without_any_download_the_snapshot_reports_hallucinations_and_no_note(
    project: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    """Ensure that with an empty cache and no network the CLI reports a hallucinated import, with no note."""
    code = main(["scan", "--jobs", jobs, "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1 and "note:" not in captured.err
    assert captured.out.count('"rule": "unknown-package"') == 10  # one per module importing it
    assert "hallucinated_helper" in captured.out


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_missing_snapshot_gives_one_note(
    project: Path, capsys: pytest.CaptureFixture[str], jobs: str, no_snapshot: None
) -> None:
    """Ensure that a scan with no index at all prints the skipped-check note exactly once."""
    assert stderr_of(capsys, "--jobs", jobs, "--format", "json").count(NOTE) == 1
    assert [line for line in stderr_of(capsys, "--jobs", jobs) if "note:" in line] == [NOTE]


def test_no_note_when_an_index_is_configured(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that an inline index list (or any available index) gives no note."""
    (project / "pyproject.toml").write_text(PROJECT + '[tool.vetline.dependencies]\nindex = ["requests"]\n')
    assert stderr_of(capsys) == []


def test_no_note_when_dependency_rules_are_not_selected(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a scan not running unknown-package says nothing about its data."""
    assert stderr_of(capsys, "--select", "yaml-unsafe-load") == []


def test_no_note_without_python_imports_or_manifests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a scan with no import, requirements file or Python manifest prints no note."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / ".vetline.toml").write_text('select = ["dependencies"]\n')
    (tmp_path / "script.py").write_text("print('no imports here')\n")
    monkeypatch.chdir(tmp_path)
    assert stderr_of(capsys) == []


def test_requirements_file_alone_gives_the_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], no_snapshot: None
) -> None:
    """Ensure that a requirements file counts as something that names packages."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / ".vetline.toml").write_text('select = ["unknown-package"]\n')
    (tmp_path / "requirements.txt").write_text("requests\n")
    monkeypatch.chdir(tmp_path)
    assert stderr_of(capsys) == [NOTE]


def test_no_note_when_each_subproject_has_its_own_index(
    project: Path, capsys: pytest.CaptureFixture[str], no_snapshot: None
) -> None:
    """Ensure that a sub-project with its own index (as examples/deps_app has) is not reported as lacking one."""
    for number in range(10):
        (project / f"module_{number}.py").unlink()
    (project / "pyproject.toml").unlink()  # the top folder is no Python project, only a scan root
    (project / ".vetline.toml").write_text('select = ["unknown-package"]\n')
    service = project / "service"
    service.mkdir()
    (service / "requirements.txt").write_text("requests==2.32.3\n")
    (service / ".vetline.toml").write_text('[dependencies]\nindex = ["requests"]\n')
    (service / "app.py").write_text("import requests\n")
    assert stderr_of(capsys) == []  # the scan starts from the top project, which has no index
    (project / "top.py").write_text("import requests\n")
    assert stderr_of(capsys) == [NOTE]


def test_pinned_manifest_without_advisories_gives_its_own_note(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that vulnerable-pin checks skipped for lack of advisory data are said once, and only for manifests."""
    advisory_note = (
        "vetline: note: vulnerable-pinned-version checks are skipped: no advisory data is cached; "
        "run `vetline data update`"
    )
    assert advisory_note not in stderr_of(capsys, "--select", "vulnerable-pinned-version", "module_0.py")
    (project / "requirements.txt").write_text("requests==2.19.0\n")
    assert stderr_of(capsys, "--select", "vulnerable-pinned-version").count(advisory_note) == 1
    (project / "osv").mkdir()
    (project / "pyproject.toml").write_text(PROJECT + '[tool.vetline.dependencies]\nadvisories = "osv"\n')
    assert advisory_note not in stderr_of(capsys, "--select", "vulnerable-pinned-version")


def test_cli_reports_hallucinations_in_requirements_and_in_a_scratch_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that offline the CLI flags a hallucinated requirement (high) and a scratch file's imports."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("flask\nflask-secure-auth-helpers==0.1\n")
    scratch = tmp_path / "scratch"
    (scratch / ".git").mkdir(parents=True)  # a repository with no manifest: outside any project
    (scratch / "try_it.py").write_text("import numpy\nimport reqeusts\nfrom flask_secure_auth_helpers import x\n")
    code = main(["scan", "--format", "json", "--jobs", "1", str(project / "requirements.txt"), str(scratch)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(Path(f["path"]).name, f["line"], f["rule"], f["severity"]) for f in findings] == [
        ("requirements.txt", 2, "unknown-package", "high"),
        ("try_it.py", 2, "typosquat-package", "high"),
        ("try_it.py", 3, "unknown-package", "high"),
    ]


@pytest.mark.parametrize("named", [".", "service/app.py"])
def test_no_note_when_a_subproject_index_file_made_the_checks_run(
    project: Path, capsys: pytest.CaptureFixture[str], no_snapshot: None, named: str
) -> None:
    """Ensure that a sub-project's own index file (a relative path, as examples/deps_app has) counts as data,
    whether the folder or the file (as a pre-commit hook names it) is scanned."""
    for number in range(10):
        (project / f"module_{number}.py").unlink()
    (project / "pyproject.toml").unlink()
    (project / ".vetline.toml").write_text('select = ["unknown-package"]\n')
    service = project / "service"
    service.mkdir()
    (service / "requirements.txt").write_text("requests\n")
    index = {"meta": {"api-version": "1.0"}, "projects": [{"name": "requests"}]}
    (service / "registry-index.json").write_text(json.dumps(index))
    (service / ".vetline.toml").write_text('[dependencies]\nindex = "registry-index.json"\n')
    (service / "app.py").write_text("import requests\nimport hallucinated_helper\n")
    main(["scan", named])
    captured = capsys.readouterr()
    assert "checks are skipped" not in captured.err
    assert "unknown-package" in captured.out  # the checks did run, from the project's own index
