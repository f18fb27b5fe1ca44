"""Manifests, names, versions and advisories: the pieces the dependency rules stand on."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from vetline.rules.dependencies import _advisories, _imports, _manifests, _names, _toml_manifests, _versions
from vetline.rules.dependencies._index import NameIndex, load_index
from vetline.rules.dependencies._typosquat import Squats
from vetline.rules.languages import parser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deps"


def _text(source: bytes, start: int, end: int) -> str:
    return source[start:end].decode()


def test_requirements_lines_keep_exact_name_and_version_ranges() -> None:
    """Ensure that requirement names and `==` pins are located byte for byte, options skipped."""
    source = (
        b"# comment\n-r base.txt\nDjango[argon2] == 3.2.0 ; python_version > '3'  # pin\nflask>=2\n"
        b"--index-url https://x\nrequests==2.28.1 \\\n    --hash=sha256:abc\nfoo @ https://example.com/foo.whl\n"
    )
    found = _manifests.parse_requirements(source)
    assert [r.name for r in found] == ["Django", "flask", "requests", "foo"]
    django, flask, requests, foo = found
    assert _text(source, django.start, django.end) == "Django"
    assert django.version == "3.2.0" and _text(source, django.version_start, django.version_end) == "3.2.0"
    assert flask.version is None and foo.version is None
    assert requests.version == "2.28.1"


def test_requirement_includes_are_followed_once(tmp_path: Path) -> None:
    """Ensure that `-r` includes are followed, and a cycle of includes terminates."""
    (tmp_path / "a.txt").write_text("-r b.txt\nflask\n")
    (tmp_path / "b.txt").write_text("--requirement a.txt\nrequests\n")
    assert [p.name for p in _manifests.included_files(tmp_path / "a.txt", tmp_path)] == ["a.txt", "b.txt"]


def test_pyproject_tables_yield_every_declared_requirement() -> None:
    """Ensure that PEP 621 arrays, optional deps, dependency groups and Poetry tables are read."""
    source = (FIXTURES / "clean_project" / "pyproject.toml").read_bytes()
    manifest = _toml_manifests.parse_pyproject(source)
    names = [r.name for r in manifest.requirements]
    assert names == [
        "requests",
        "PyYAML",
        "opencv-python-headless",
        "scikit-learn",
        "Pillow",
        "pytest",
        "python-dateutil",
    ]
    assert manifest.array is not None and source[manifest.array[0] : manifest.array[0] + 1] == b"["
    assert source[manifest.array[1] : manifest.array[1] + 1] == b"]"
    assert manifest.poetry_end is not None


def test_dependency_group_includes_are_not_requirements() -> None:
    """Ensure that PEP 735 `{ include-group = "docs" }` entries are not read as a package `docs`."""
    source = b'[dependency-groups]\ndev = [\n  { include-group = "docs" },\n  "ruff==0.6.0",\n]\ndocs = ["furo"]\n'
    names = [r.name for r in _toml_manifests.parse_pyproject(source).requirements]
    assert names == ["ruff", "furo"]


def test_poetry_bare_version_is_an_exact_pin() -> None:
    """Ensure that Poetry's `1.2.3` and `{ version = "==1.2.3" }` count as pins, `^1.2` does not."""
    source = b'[tool.poetry.dependencies]\npython = "^3.10"\ndjango = "3.2.0"\n"flask" = { version = "==2.0.1", extras = ["x"] }\nrich = "^13"\n'
    found = {r.name: r for r in _toml_manifests.parse_pyproject(source).requirements}
    assert set(found) == {"django", "flask", "rich"}
    assert found["django"].version == "3.2.0" and found["flask"].version == "2.0.1" and found["rich"].version is None
    assert _text(source, found["flask"].start, found["flask"].end) == "flask"
    assert _text(source, found["flask"].version_start, found["flask"].version_end) == "2.0.1"


def test_pep723_block_keeps_python_file_offsets() -> None:
    """Ensure that a `# /// script` block's requirements point into the Python file itself."""
    source = b'# /// script\n# dependencies = [\n#   "httpx==0.27.0",\n# ]\n# [tool.vetline.dependencies]\n# deny = ["x"]\n# ///\nimport httpx\n'
    script = _toml_manifests.parse_script(source)
    assert script is not None and script.settings == {"deny": ["x"]}
    (httpx,) = script.requirements
    assert _text(source, httpx.start, httpx.end) == "httpx" and httpx.version == "0.27.0"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (b'dependencies = ["a"]\n', b'dependencies = ["a", "new"]\n'),
        (b"dependencies = []\n", b'dependencies = ["new"]\n'),
        (b'dependencies = [\n  "a",\n]\n', b'dependencies = [\n  "a",\n  "new",\n]\n'),
        (b'dependencies = [\n    "a"\n]\n', b'dependencies = [\n    "a",\n    "new"\n]\n'),
    ],
)
def test_array_insertion_keeps_the_array_layout(before: bytes, after: bytes) -> None:
    """Ensure that adding a dependency follows the array's one-line or one-per-line style."""
    array = (before.index(b"["), before.rindex(b"]"))
    position, text = _toml_manifests.insert_item(before, array, "new")
    assert before[:position] + text.encode() + before[position:] == after


def test_package_json_and_lock_entries_are_located() -> None:
    """Ensure that package.json dependency tables and lock entries give names and exact versions."""
    source = b'{"name": "web", "dependencies": {"lodash": "4.17.20", "react": "^18.2.0"},\n "devDependencies": {"@types/node": "=20.1.0"}}'
    found = {r.name: r for r in _manifests.parse_package_json(source)}
    assert found["lodash"].version == "4.17.20" and found["react"].version is None
    assert found["@types/node"].version == "20.1.0" and found["lodash"].ecosystem == "npm"
    lock = b'{"packages": {"": {"name": "web"}, "node_modules/lodash": {"version": "4.17.20", "resolved": "x"}}}'
    (entry,) = _manifests.parse_package_lock(lock)
    assert (entry.name, entry.version) == ("lodash", "4.17.20")
    assert _text(lock, entry.version_start, entry.version_end) == "4.17.20"


@pytest.mark.parametrize(
    ("module", "distribution"),
    [
        ("yaml", "pyyaml"),
        ("cv2", "opencv-python"),
        ("sklearn.linear_model", "scikit-learn"),
        ("PIL.Image", "pillow"),
        ("bs4", "beautifulsoup4"),
        ("jwt", "pyjwt"),
        ("google.cloud.storage", "google-cloud-storage"),
        ("google.cloud.bigquery", "google-cloud-bigquery"),
        ("django_filters", "django-filter"),
        ("mysql.connector", "mysql-connector-python"),
        ("MySQLdb", "mysqlclient"),
        ("rest_framework", "djangorestframework"),
        ("jose", "python-jose"),
        ("dateutil.parser", "python-dateutil"),
        ("magic", "python-magic"),
        ("OpenSSL.crypto", "pyopenssl"),
        ("Crypto.Cipher", "pycryptodome"),
        ("foo_bar", "foo-bar"),
    ],
)
def test_import_names_map_to_distributions_without_installing(module: str, distribution: str) -> None:
    """Ensure that well-known import names map to their PyPI projects from the built-in table."""
    assert _names.primary(module) == distribution


def test_pep503_normalisation() -> None:
    """Ensure that names compare after PEP 503 normalisation."""
    assert _names.normalize("Foo.Bar__baz-QUX") == "foo-bar-baz-qux"


def test_imports_mark_relative_and_optional_ones() -> None:
    """Ensure that import extraction sees nested imports, relative ones and ImportError guards."""
    source = b"import a.b as c\nfrom .x import y\ndef f():\n    import d\ntry:\n    import e\nexcept ImportError:\n    e = None\n"
    tree = parser("python").parse(source)
    found = {i.module: i for i in _imports.imports(tree.root_node)}
    assert set(found) == {"a.b", ".x", "d", "e"}
    assert found[".x"].relative and found["e"].optional and not found["d"].optional


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("1.0.dev1", "1.0a1"),
        ("1.0a1", "1.0b2"),
        ("1.0b2", "1.0rc1"),
        ("1.0rc1", "1.0"),
        ("1.0", "1.0.post1"),
        ("1.0", "1.0.1"),
        ("1.9", "1.10"),
        ("2.0", "1!0.1"),
        ("4.2a1", "4.2"),
        ("3.2.18", "3.2.19"),
    ],
)
def test_pep440_ordering(older: str, newer: str) -> None:
    """Ensure that the built-in PEP 440 comparator orders versions like `packaging` does."""
    assert _versions.compare(older, newer) == -1 and _versions.compare(newer, older) == 1
    assert _versions.compare("1.0", "1.0.0") == 0


def test_semver_ordering() -> None:
    """Ensure that npm versions follow SemVer 2 precedence, pre-releases first."""
    ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.10.0"]
    for older, newer in itertools.pairwise(ordered):
        assert _versions.compare(older, newer, "npm") == -1


RECORD = {
    "id": "TEST-1",
    "aliases": ["CVE-2099-1"],
    "database_specific": {"severity": "HIGH"},
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "Demo_Pkg"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [
                        {"introduced": "1.0"},
                        {"fixed": "1.4"},
                        {"introduced": "2.0"},
                        {"last_affected": "2.1"},
                    ],
                },
                {"type": "GIT", "events": [{"introduced": "abc"}, {"fixed": "def"}]},
            ],
            "versions": ["0.9"],
        }
    ],
}


@pytest.mark.parametrize(("version", "fixed"), [("0.9", None), ("1.0", "1.4"), ("1.3.9", "1.4"), ("2.1", None)])
def test_osv_ranges_and_version_lists_match(version: str, fixed: str | None) -> None:
    """Ensure that introduced/fixed/last_affected events and `versions` lists are honoured."""
    (hit,) = _advisories.hits([RECORD], "demo-pkg", version, "PyPI")
    assert (hit.id, hit.fixed, hit.severity, hit.aliases) == ("TEST-1", fixed, "high", ("CVE-2099-1",))


@pytest.mark.parametrize("version", ["0.8", "1.4", "1.5", "2.1.1"])
def test_osv_unaffected_versions_do_not_match(version: str) -> None:
    """Ensure that versions outside every range and list are not reported."""
    assert _advisories.hits([RECORD], "demo-pkg", version, "PyPI") == []


def test_withdrawn_advisories_are_ignored() -> None:
    """Ensure that a withdrawn OSV record never produces a finding."""
    assert _advisories.hits([{**RECORD, "withdrawn": "2024-01-01T00:00:00Z"}], "demo-pkg", "1.0", "PyPI") == []


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("reqeusts", "requests"),
        ("requets", "requests"),
        ("requestss", "requests"),
        ("request5", "requests"),
        ("pythondateutil", "python-dateutil"),
        ("python-requests", "requests"),
        ("pyrequests", "requests"),
        ("yaml", "pyyaml"),
        ("djnago", "django"),
        ("beautifulsoup", "beautifulsoup4"),
    ],
)
def test_typosquat_kinds_are_detected(name: str, target: str) -> None:
    """Ensure that edits, swaps, separators and prefix confusions point at the popular name."""
    squats = Squats(["requests", "python-dateutil", "pyyaml", "django", "beautifulsoup4", "six"])
    assert squats.target(name) == target


def test_popular_and_distant_names_are_not_typosquats() -> None:
    """Ensure that popular names, unrelated names and very short names are left alone."""
    squats = Squats(["requests", "six", "boto3", "boto"])
    assert [squats.target(n) for n in ("requests", "boto", "flask", "sax", "httpx")] == [None] * 5


def test_the_import_name_of_a_popular_prefixed_project_is_no_typosquat_on_import_lines() -> None:
    """Ensure that `import openid` (how `python3-openid` is imported) is not a squat of `open3d`,
    while the same name as a requirement, and a real squat on an import line, still are."""
    squats = Squats(["open3d", "requests", "python3-openid"])
    assert squats.target("openid", affixes=False) is None
    assert squats.target("openid") == "open3d"
    assert squats.target("reqeusts", affixes=False) == "requests"


def test_name_index_answers_membership_from_json_and_text(tmp_path: Path) -> None:
    """Ensure that the compact index loads PEP 691 JSON and plain text and finds every name."""
    (tmp_path / "i.json").write_text(
        '{"meta": {"api-version": "1.1"}, "projects": [{"name": "Foo_Bar"}, {"name": "a"}]}'
    )
    (tmp_path / "i.txt").write_text("# comment\nZeta\nfoo-bar\n")
    for file in ("i.json", "i.txt"):
        index = load_index(tmp_path / file)
        assert "foo-bar" in index and "zzz" not in index and "" not in index
    round_trip = tmp_path / "cache"
    round_trip.write_bytes(NameIndex.from_names(["b", "a", "c"]).to_text())
    assert [n in load_index(round_trip) for n in ("a", "b", "c", "d")] == [True, True, True, False]


def test_lock_files_give_exact_versions() -> None:
    """Ensure that poetry.lock / uv.lock `[[package]]` entries and Pipfile.lock entries are read."""
    lock = (
        b'[[package]]\nname = "django"\nversion = "3.2.0"\ndescription = "x"\n\n[package.dependencies]\nasgiref = ">=3"\n\n'
        b'[[package]]\nname = "requests"\nversion = "2.31.0"\n'
    )
    found = _toml_manifests.parse_toml_lock(lock)
    assert [(r.name, r.version) for r in found] == [("django", "3.2.0"), ("requests", "2.31.0")]
    assert _text(lock, found[0].version_start, found[0].version_end) == "3.2.0"
    pipfile = b'{"default": {"django": {"hashes": ["sha256:x"], "version": "==3.2.0"}}, "develop": {}}'
    (entry,) = _manifests.parse_pipfile_lock(pipfile)
    assert (entry.name, entry.version, _text(pipfile, entry.start, entry.end)) == ("django", "3.2.0", "django")


def test_imports_under_suppress_import_error_are_optional() -> None:
    """Ensure that `with suppress(ImportError):` guards an import as `except ImportError` does, and nothing else."""
    source = (
        b"import contextlib\nfrom contextlib import suppress\nwith suppress(ImportError):\n    import a\n"
        b"with contextlib.suppress(KeyError, ModuleNotFoundError):\n    import b\n"
        b"with suppress(KeyError):\n    import c\nwith open('x') as f:\n    import d\n"
    )
    tree = parser("python").parse(source)
    found = {i.module: i.optional for i in _imports.imports(tree.root_node)}
    assert found == {"contextlib": False, "a": True, "b": True, "c": False, "d": False}
