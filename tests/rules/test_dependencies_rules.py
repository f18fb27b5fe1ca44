"""The five dependency rules on real project layouts: findings, quiet cases and quick fixes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from vetline.rules import registry
from vetline.rules.dependencies import _data, bundled
from vetline.rules.engine import Analysis, Engine
from vetline.rules.languages import language_for_path
from vetline.rules.model import Confidence, Severity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deps"
RULES = [r for r in registry.all_rules() if r.category.value == "dependencies"]
OSV = FIXTURES / "osv"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test sees an empty user cache of its own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(cache))
    return cache


def analyze(path: Path, settings: dict | None = None, source: bytes | None = None) -> Analysis:
    options = {"dependencies": {"root": None, **(settings or {})}}
    language = language_for_path(path)
    assert language is not None
    data = path.read_bytes() if source is None else source
    return Engine(RULES, options=options).analyze(data, language, str(path))


def found(analysis: Analysis) -> list[tuple[str, int]]:
    return [(f.rule_id, f.start.line + 1) for f in analysis.findings]


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "proj"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_declared_stdlib_and_local_imports_produce_nothing() -> None:
    """Ensure that a project whose imports are all declared, stdlib or local gets no finding."""
    clean = FIXTURES / "clean_project"
    for file in ("src/invoicing/app.py", "pyproject.toml", "requirements.txt"):
        analysis = analyze(clean / file)
        assert found(analysis) == [] and analysis.errors == (), file


def test_popular_requirements_are_not_typosquats() -> None:
    """Ensure that a long list of real, popular projects produces no typosquat finding."""
    assert found(analyze(FIXTURES / "popular_requirements.txt")) == []


def test_unknown_package_works_offline_from_the_bundled_snapshot(tmp_path: Path) -> None:
    """Ensure that with no cache and no index setting a hallucinated name is reported from the bundled snapshot."""
    root = project(tmp_path, {"requirements.txt": "requests\nflask-secure-auth-helpers\n"})
    (finding,) = analyze(root / "requirements.txt").findings
    assert (finding.rule_id, finding.start.line + 1, finding.severity) == ("unknown-package", 2, Severity.HIGH)
    assert finding.confidence == Confidence.HIGH
    assert f"is not on PyPI (as of {bundled.as_of('pypi-names')})" in finding.message
    assert "anyone can register it" in finding.message


def test_unknown_package_reports_manifest_and_import_lines(tmp_path: Path) -> None:
    """Ensure that names missing from the index are reported, imports with medium confidence."""
    root = project(
        tmp_path,
        {
            "index.json": '{"meta": {"api-version": "1.1"}, "projects": [{"name": "requests"}]}',
            "requirements.txt": "requests\nflask-gpt-helper==1.0\n",
            "app.py": "import requests\nimport torch_magic_utils\n",
        },
    )
    settings = {"index": str(root / "index.json")}
    assert found(analyze(root / "requirements.txt", settings)) == [("unknown-package", 2)]
    findings = analyze(root / "app.py", settings).findings
    assert [(f.rule_id, f.start.line + 1) for f in findings] == [("unknown-package", 2)]  # not also "undeclared"
    finding = findings[0]
    assert finding.confidence == Confidence.MEDIUM
    assert "hallucinated" in finding.message and "anyone can register" in finding.message
    assert "index.json" in finding.message  # says which list it was checked against


def test_undeclared_import_fix_appends_to_requirements(tmp_path: Path) -> None:
    """Ensure that the fix appends the project to requirements.txt (after a missing newline)."""
    root = project(tmp_path, {"requirements.txt": "requests", "app/main.py": "import requests\nimport yaml\n"})
    (finding,) = analyze(root / "app" / "main.py").findings
    assert (finding.rule_id, finding.start.line) == ("undeclared-import", 1)
    assert finding.fix is not None and not finding.fix.safe
    (edit,) = finding.fix.edits
    assert (edit.path, edit.start_byte, edit.end_byte, edit.new_text) == ("../requirements.txt", -1, -1, "\nPyYAML\n")


def test_undeclared_import_fix_edits_pyproject_dependencies(tmp_path: Path) -> None:
    """Ensure that a PEP 621 project gets the dependency added to `[project] dependencies`."""
    pyproject = '[project]\nname = "demo"\ndependencies = [\n    "requests",\n]\n'
    root = project(tmp_path, {"pyproject.toml": pyproject, "src/demo/cli.py": "import requests\nimport click\n"})
    (finding,) = analyze(root / "src" / "demo" / "cli.py").findings
    assert finding.fix is not None and finding.fix.title == "Add `click` to [project.dependencies]"
    (edit,) = finding.fix.edits
    assert edit.path == "../../pyproject.toml"
    patched = pyproject[: edit.start_byte] + edit.new_text + pyproject[edit.end_byte :]
    assert patched == '[project]\nname = "demo"\ndependencies = [\n    "requests",\n    "click",\n]\n'


def test_undeclared_import_fix_adds_a_poetry_line(tmp_path: Path) -> None:
    """Ensure that a Poetry project gets a `name = "*"` line in its dependencies table."""
    pyproject = '[tool.poetry.dependencies]\npython = "^3.11"\nrequests = "^2.31"\n\n[build-system]\n'
    root = project(tmp_path, {"pyproject.toml": pyproject, "main.py": "import rich\n"})
    (finding,) = analyze(root / "main.py").findings
    (edit,) = finding.fix.edits if finding.fix else ()
    patched = pyproject[: edit.start_byte] + edit.new_text + pyproject[edit.end_byte :]
    assert 'requests = "^2.31"\nrich = "*"\n' in patched and edit.path == "pyproject.toml"


@pytest.mark.parametrize(
    "files",
    [
        {"main.py": "import numpy\n"},  # no manifest at all: nothing to declare into
        {"setup.py": "from setuptools import setup\nsetup(install_requires=REQS)\n", "main.py": "import numpy\n"},
    ],
)
def test_undeclared_import_is_quiet_when_declarations_are_unknowable(tmp_path: Path, files: dict[str, str]) -> None:
    """Ensure that files outside projects, or with computed setup.py dependencies, are not judged."""
    (tmp_path / ".git").mkdir()
    root = project(tmp_path, files)
    (root / ".git").mkdir(exist_ok=True)
    assert found(analyze(root / "main.py")) == []


def test_allowlist_mode_reports_unlisted_packages(tmp_path: Path) -> None:
    """Ensure that allow-list mode reports every direct dependency that is not allowed."""
    root = project(tmp_path, {"requirements.txt": "requests\nPyYAML\nsix\n", "app.py": "import yaml\n"})
    settings = {"mode": "allowlist", "allow": ["requests", "pyyaml"], "deny": ["six"]}
    findings = analyze(root / "requirements.txt", settings).findings
    assert [(f.rule_id, f.start.line + 1, "deny list" in f.message) for f in findings] == [("denied-package", 3, True)]
    settings["allow"] = ["requests"]
    assert found(analyze(root / "app.py", settings)) == [("denied-package", 1)]


def test_vulnerable_pin_names_advisory_severity_and_fixed_version(tmp_path: Path) -> None:
    """Ensure that a vulnerable `==` pin reports ids, CVE, severity, fixed version and a bump fix."""
    root = project(tmp_path, {"requirements.txt": "django==4.1.2\nrequests==2.31.0\n"})
    (finding,) = analyze(root / "requirements.txt", {"advisories": str(OSV)}).findings
    assert finding.rule_id == "vulnerable-pinned-version" and finding.severity == Severity.HIGH
    assert "GHSA-r3xc-prgr-mg9p" in finding.message and "CVE-2023-31047" in finding.message
    assert "4.1.9" in finding.message and finding.data["fixed"] == "4.1.9"
    assert finding.fix is not None and finding.fix.edits[0].new_text == "4.1.9"


def test_npm_manifest_gets_typosquat_and_semver_advisory_checks(tmp_path: Path) -> None:
    """Ensure that package.json lines are checked against npm names and SEMVER advisory ranges."""
    root = project(
        tmp_path,
        {
            "package.json": '{\n  "dependencies": {\n    "lodash": "4.17.20",\n    "expresss": "^4.18.0",\n    "react": "18.2.0"\n  }\n}\n'
        },
    )
    analysis = analyze(root / "package.json", {"advisories": str(OSV)})
    assert found(analysis) == [("vulnerable-pinned-version", 3), ("typosquat-package", 4)]
    assert analysis.findings[1].fix is not None and analysis.findings[1].fix.title == "Replace with `express`"


def test_nested_project_settings_apply_to_their_project(tmp_path: Path) -> None:
    """Ensure that a sub-project's own `[dependencies]` table (deny list, data) governs its files."""
    root = project(
        tmp_path,
        {
            "services/api/.vetline.toml": '[dependencies]\ndeny = ["requests"]\n',
            "services/api/requirements.txt": "requests\n",
            "services/web/requirements.txt": "requests\n",
        },
    )
    assert found(analyze(root / "services" / "api" / "requirements.txt")) == [("denied-package", 1)]
    assert found(analyze(root / "services" / "web" / "requirements.txt")) == []


def test_loaded_data_is_reused_until_the_file_changes(tmp_path: Path) -> None:
    """Ensure that data files are parsed once and re-read only when their mtime or size changes."""
    index = tmp_path / "index.txt"
    index.write_text("alpha\n")
    settings = _data.Settings(configured=True, index=str(index))
    first = _data.index(settings)
    assert first is not None and _data.index(settings).names is first.names and "alpha" in first.names
    index.write_text("alpha\nbeta\n")
    assert "beta" in _data.index(settings).names


def test_cached_download_is_used_for_url_sources(empty_cache: Path, tmp_path: Path) -> None:
    """Ensure that a URL source reads the copy `vetline data update` left in the user cache."""
    url = "https://registry.example/simple/"
    cached = _data.cache_file("index", url)
    cached.parent.mkdir(parents=True)
    shutil.copy(FIXTURES / "clean_project" / "index.txt", cached)
    root = project(tmp_path, {"requirements.txt": "requests\nnot-on-the-index\n"})
    assert found(analyze(root / "requirements.txt", {"index": url})) == [("unknown-package", 2)]


def test_undeclared_import_offers_no_fix_for_a_name_missing_from_the_index(tmp_path: Path) -> None:
    """Ensure that the quick fix never proposes installing a possibly hallucinated name."""
    root = project(
        tmp_path, {"index.txt": "requests\n", "requirements.txt": "requests\n", "app.py": "import torch_magic_utils\n"}
    )
    findings = analyze(root / "app.py", {"index": str(root / "index.txt")}).findings
    assert [(f.rule_id, f.fix) for f in findings] == [("unknown-package", None)]  # the one finding that matters


@pytest.mark.parametrize("name", ["poetry.lock", "uv.lock"])
def test_vulnerable_versions_in_lock_files_are_reported(tmp_path: Path, name: str) -> None:
    """Ensure that lock-file entries are checked for advisories but not for typosquats or policy."""
    root = project(
        tmp_path,
        {name: '[[package]]\nname = "pyyaml"\nversion = "5.3.1"\n\n[[package]]\nname = "reqeusts"\nversion = "1.0"\n'},
    )
    findings = analyze(root / name, {"advisories": str(OSV)}).findings
    assert [(f.rule_id, f.start.line + 1) for f in findings] == [("vulnerable-pinned-version", 2)]
    assert findings[0].fix is not None and findings[0].fix.edits[0].new_text == "5.4"


def test_front_ends_can_ask_up_front_what_data_is_missing(tmp_path: Path) -> None:
    """Ensure that `missing_data` names the skipped check without an index and nothing with one."""
    (tmp_path / "index.txt").write_text("requests\n")
    assert "vetline data update" in _data.missing_data({"root": None})[0]
    assert not any("unknown-package" in m for m in _data.missing_data({"root": str(tmp_path), "index": "index.txt"}))


def test_loose_files_outside_projects_get_typosquat_and_unknown_but_not_undeclared(tmp_path: Path) -> None:
    """Ensure that a file in no project is checked for typosquats and hallucinations, not for declarations."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "tool.py").write_text("import numpy\nimport reqeusts\nimport flask_secure_auth_helpers\n")
    assert found(analyze(tmp_path / "tool.py")) == [("typosquat-package", 2), ("unknown-package", 3)]
