"""Dependency rules on realistic project layouts (issue 9): no false alarm on legitimate imports.

Each test writes a small but realistic project (a Django site with `manage.py` in a subfolder,
a `src/` layout, a monorepo, a namespace package, a project with a `.venv`, a FastAPI app) and
plants three mistakes in it: a typosquat, a hallucinated name and a truly undeclared import.
Every dependency finding of every file is compared with exactly those planted lines, so a
false alarm anywhere fails the test. No cache and no network: the bundled data decides.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from vetline.rules import registry
from vetline.rules.dependencies import _data, _layout, _project, bundled
from vetline.rules.engine import Engine
from vetline.rules.languages import language_for_path
from vetline.rules.model import Confidence, Severity

RULES = [r for r in registry.all_rules() if r.category.value == "dependencies"]
PLANTED = "import reqeusts\nimport flask_secure_auth_helpers\nimport numpy\n"
PLANTED_FINDINGS = ["typosquat-package", "unknown-package", "undeclared-import"]


@pytest.fixture(autouse=True)
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty user cache, no active virtualenv, and fresh layout caches for every test."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("VETLINE_PYTHON", raising=False)
    _layout.invalidate()


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def findings(root: Path) -> dict[str, list[tuple[int, str]]]:
    """Every dependency finding of every Python file and manifest under `root`: path -> (line, rule)."""
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    found: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(root.rglob("*")):
        language = language_for_path(path)
        if not path.is_file() or language is None or ".venv" in path.parts:
            continue
        result = engine.analyze(path.read_bytes(), language, str(path))
        assert result.errors == (), result.errors
        hits = [(f.start.line + 1, f.rule_id) for f in result.findings if f.rule_id != "transitive-import"]
        if hits:
            found[path.relative_to(root).as_posix()] = hits
    return found


def planted(path: str, first_line: int) -> dict[str, list[tuple[int, str]]]:
    return {path: [(first_line + i, rule) for i, rule in enumerate(PLANTED_FINDINGS)]}


def test_django_site_with_manage_py_in_a_subfolder(tmp_path: Path) -> None:
    """Ensure that Django apps beside a nested manage.py import each other without any finding."""
    root = write(
        tmp_path / "site",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "requirements.txt": "Django>=5\ndjangorestframework\ndjango-filter\ncelery\nmysqlclient\n",
            "project/manage.py": "import os\nimport sys\nfrom django.core.management import execute_from_command_line\n",
            "project/config/__init__.py": "",
            "project/config/settings.py": "import environ\n" if False else "from pathlib import Path\n",
            "project/config/celery.py": "from celery import Celery\nimport kombu\n",
            "project/core/__init__.py": "",
            "project/core/models.py": "from django.db import models\nfrom utilities.helpers import slug\n",
            "project/core/views.py": (
                "from django.http import HttpResponse\nfrom rest_framework import viewsets\nimport django_filters\n"
                "from utilities import helpers\nfrom core import models\nfrom config.settings import Path\n"
                "import MySQLdb\n"
            ),
            "project/core/tests/__init__.py": "",
            "project/core/tests/test_views.py": "from core import views\nfrom core.models import models\n",
            "project/utilities/__init__.py": "",
            "project/utilities/helpers.py": "def slug(text):\n    return text\n",
            "project/utilities/tasks.py": "from celery import shared_task\n" + PLANTED,
        },
    )
    assert findings(root) == planted("project/utilities/tasks.py", 2)


def test_src_layout_package_with_tests(tmp_path: Path) -> None:
    """Ensure that a src/ layout package and its tests import it by name without findings."""
    root = write(
        tmp_path / "acme-tool",
        {
            "pyproject.toml": (
                '[project]\nname = "acme-tool"\ndependencies = ["httpx", "python-dateutil"]\n'
                '[dependency-groups]\ntest = ["pytest"]\n[tool.setuptools.packages.find]\nwhere = ["src"]\n'
            ),
            "src/acme_tool/__init__.py": "from acme_tool.core import run\n",
            "src/acme_tool/core.py": "import httpx\nfrom dateutil import parser\nfrom . import cli\n",
            "src/acme_tool/cli.py": "import acme_tool.core\nfrom acme_tool import core\n" + PLANTED,
            "tests/test_cli.py": "import pytest\nfrom acme_tool.cli import main\nfrom tests.helpers import x\n",
            "tests/helpers.py": "x = 1\n",
        },
    )
    assert findings(root) == planted("src/acme_tool/cli.py", 3)


def test_monorepo_files_are_judged_by_their_nearest_manifest(tmp_path: Path) -> None:
    """Ensure that each project of a monorepo uses its own declarations and its own packages."""
    root = write(
        tmp_path / "mono",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "services/api/pyproject.toml": '[project]\nname = "api"\ndependencies = ["fastapi", "uvicorn"]\n',
            "services/api/api/__init__.py": "",
            "services/api/api/routes.py": "from fastapi import APIRouter\n",
            "services/api/api/main.py": "from fastapi import FastAPI\nfrom api import routes\nimport uvicorn\n",
            "services/worker/requirements.txt": "celery\nredis\n",
            "services/worker/worker/__init__.py": "",
            "services/worker/worker/tasks.py": "import celery\nimport redis\nfrom worker import __init__\n",
            "services/api/api/jobs.py": PLANTED + "import celery\n",
        },
    )
    expected = planted("services/api/api/jobs.py", 1)
    expected["services/api/api/jobs.py"].append((4, "undeclared-import"))  # celery is the worker's, not the api's
    assert findings(root) == expected


def test_namespace_package_without_init_files(tmp_path: Path) -> None:
    """Ensure that folders without `__init__.py` holding modules are first-party namespace packages."""
    root = write(
        tmp_path / "acme-billing",
        {
            "pyproject.toml": (
                '[project]\nname = "acme-billing"\ndependencies = ["requests"]\n'
                '[tool.setuptools.packages.find]\nwhere = ["src"]\nnamespaces = true\n'
            ),
            "src/acme/billing/invoice.py": "import requests\nfrom acme.billing import tax\nimport acme.billing.tax\n",
            "src/acme/billing/tax.py": "RATE = 0.2\n",
            "tests/test_invoice.py": "from acme.billing.invoice import requests\n" + PLANTED,
        },
    )
    assert findings(root) == planted("tests/test_invoice.py", 2)


@pytest.mark.parametrize(
    ("manifest", "package"),
    [
        (
            (
                '[tool.poetry]\nname = "bee"\npackages = [{ include = "bee_core", from = "source" }]\n'
                '[tool.poetry.dependencies]\npython = "^3.10"\nrequests = "*"\n'
            ),
            "source/bee_core",
        ),
        (
            (
                '[project]\nname = "bee"\ndependencies = ["requests"]\n'
                '[tool.hatch.build.targets.wheel]\npackages = ["python/bee_core"]\n'
            ),
            "python/bee_core",
        ),
        (
            '[project]\nname = "bee"\ndependencies = ["requests"]\n[tool.setuptools.package-dir]\n"" = "code"\n',
            "code/bee_core",
        ),
    ],
    ids=["poetry-packages-from", "hatch-wheel-packages", "setuptools-package-dir"],
)
def test_source_roots_declared_in_the_manifest(tmp_path: Path, manifest: str, package: str) -> None:
    """Ensure that a package under a manifest-declared source folder is first-party for scripts and tests."""
    root = write(
        tmp_path / "bee",
        {
            "pyproject.toml": manifest,
            f"{package}/__init__.py": "",
            f"{package}/app.py": "import requests\nfrom bee_core import app\n",
            "scripts/run.py": "import bee_core.app\n",
            "tests/test_app.py": "from bee_core.app import requests\n" + PLANTED,
        },
    )
    assert findings(root) == planted("tests/test_app.py", 2)


def test_lib_folders_beside_the_importing_script(tmp_path: Path) -> None:
    """Ensure that modules in a `lib/` folder next to a script (put on sys.path) and sub-packages are first-party."""
    root = write(
        tmp_path / "ops",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "requirements.txt": "flask\n",
            "lib/shared_conf.py": "X = 1\n",
            "tools/lib/helpers.py": "X = 1\n",
            "tools/lib/vendored_client/__init__.py": "",
            "tools/run.py": (
                "import os, sys\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), 'lib'))\n"
                "from lib import helpers\nimport helpers\nimport vendored_client\nimport shared_conf\n" + PLANTED
            ),
            "apps/core/__init__.py": "",
            "apps/core/models.py": "",
            "apps/core/sub/__init__.py": "",
            "apps/core/sub/views.py": "from core import models\nimport sub\nimport flask\n",
        },
    )
    assert findings(root) == planted("tools/run.py", 7)


def test_setup_py_computing_its_requirements_is_read_through_its_egg_info(tmp_path: Path) -> None:
    """Ensure that a setup.py building install_requires in code is declared by the requires.txt setuptools wrote."""
    setup = 'from setuptools import setup\nREQUIRES = """\nDjango\nnode-semver\n""".split()\nsetup(install_requires=REQUIRES)\n'
    root = write(
        tmp_path / "edms",
        {
            "setup.py": setup,
            "edms.egg-info/requires.txt": (
                "Django==5.2\ndjango-activity-stream==2.0.0\ndjango-qsstats-magic==1.1.0\nnode-semver==0.9.0\n"
                "djangorestframework-recursive==0.1.2\n\n[ldap]\ndjango-auth-ldap\n"
            ),
            "edms/__init__.py": "",
            "edms/events.py": (
                "from actstream.models import Action\nimport qsstats\nfrom nodesemver import max_satisfying\n"
                "from rest_framework_recursive.fields import RecursiveField\nimport django_auth_ldap\n" + PLANTED
            ),
        },
    )
    assert findings(root) == planted("edms/events.py", 6)


def test_sdist_metadata_declares_for_a_setup_py_under_a_build_system_only_pyproject(tmp_path: Path) -> None:
    """Ensure that PKG-INFO's Requires-Dist declares when pyproject.toml only names the build backend."""
    root = write(
        tmp_path / "printer",
        {
            "pyproject.toml": '[build-system]\nrequires = ["setuptools>=40.8.0", "wheel"]\n[tool.ruff]\nline-length = 90\n',
            "setup.py": "from setuptools import setup\nINSTALL_REQUIRES = core_deps + plugin_deps\nsetup(install_requires=INSTALL_REQUIRES)\n",
            "PKG-INFO": (
                "Metadata-Version: 2.1\nName: printer\nVersion: 1.0\nRequires-Dist: flask<4,>=3\n"
                "Requires-Dist: zipstream-ng<2.0.0,>=1.8.0\nRequires-Dist: Flask-Assets<3,>=2.1.0\n\n"
                "Requires-Dist: not-metadata-but-the-long-description\n"
            ),
            "src/printer/__init__.py": "",
            "src/printer/server.py": (
                "import flask\nfrom zipstream.ng import ZipStream\nfrom flask_assets import Bundle\n" + PLANTED
            ),
        },
    )
    assert findings(root) == planted("src/printer/server.py", 4)  # `webassets` is a transitive note of Flask-Assets
    assert "not-metadata-but-the-long-description" not in _project.project_for(str(root / "setup.py")).declared


def test_legacy_dev_dependency_tables_and_vendored_copies(tmp_path: Path) -> None:
    """Ensure that PDM/uv dev-dependencies declare, and a vendored copy's own imports are not this project's."""
    root = write(
        tmp_path / "archive",
        {
            "pyproject.toml": (
                '[project]\nname = "archive"\ndependencies = ["django"]\n[tool.pdm.dev-dependencies]\n'
                'dev = [\n    "pytest",\n    "bottle",\n]\n[tool.uv]\ndev-dependencies = ["faker"]\n'
            ),
            "archive/__init__.py": "",
            "archive/vendored/pint/__init__.py": "",
            "archive/vendored/pint/compat.py": "if HAS_NUMPY:\n    from numpy import exp\nfrom babel.units import x\n",
            "archive/vendor/django-taggit/setup.cfg": "[metadata]\nname = django-taggit\n[options]\ninstall_requires = Django\n",
            "archive/vendor/django-taggit/taggit/serializers.py": "import django\nfrom rest_framework import serializers\n",
            "archive/vendor/django-taggit/taggit/typo.py": "import reqeusts\n",
            "tests/conftest.py": "import pytest\nimport bottle\nimport faker\n" + PLANTED,
        },
    )
    assert findings(root) == {
        "archive/vendor/django-taggit/taggit/typo.py": [(1, "typosquat-package")],  # still checked
        **planted("tests/conftest.py", 4),
    }


def test_url_and_path_requirements_are_not_looked_up_in_the_snapshot(tmp_path: Path) -> None:
    """Ensure that `name @ git+https://...` and Poetry git/path entries are not unknown-package, plain names are."""
    root = write(
        tmp_path / "p",
        {
            "pyproject.toml": (
                '[project]\nname = "p"\ndependencies = ["requests"]\n[project.optional-dependencies]\n'
                'bench = ["python-cli-bench @ git+https://github.com/example/python-cli-bench.git"]\n'
                '[tool.poetry.dependencies]\nacme-internal = { git = "https://example.com/acme.git" }\n'
                'acme-local = { path = "../acme-local", develop = true }\nflask-secure-auth-helpers = "^1"\n'
            ),
            "requirements.txt": "acme-vendored @ file:///opt/wheels/acme_vendored-1.0-py3-none-any.whl\n",
        },
    )
    assert findings(root) == {"pyproject.toml": [(9, "unknown-package")]}


def test_requirements_only_tests_folder_belongs_to_the_package_above(tmp_path: Path) -> None:
    """Ensure that `tests/requirements.txt` does not cut the tests off from their package and its declarations."""
    root = write(
        tmp_path / "idp",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "pyproject.toml": '[project]\nname = "idp"\ndependencies = ["flask", "PyKCS11"]\n',
            "idp/__init__.py": "",
            "idp/models.py": "import flask\n",
            "tools/helpers.py": "",
            "tests/__init__.py": "",
            "tests/requirements.txt": "pytest\nresponses\n",
            "tests/base.py": "import pytest\n",
            "tests/test_models.py": (
                "from idp.models import flask\nfrom tests.base import pytest\nimport PyKCS11\nimport responses\n"
                "from tools import helpers\n" + PLANTED
            ),
        },
    )
    assert findings(root) == planted("tests/test_models.py", 6)


def test_requirements_only_checkout_never_reads_the_folder_it_was_put_in(tmp_path: Path) -> None:
    """Ensure that a requirements-only tree outside any repository does not take the parent folder's manifest."""
    root = write(
        tmp_path / "home",
        {
            "pyproject.toml": '[project]\nname = "mine"\ndependencies = ["numpy"]\n',
            "clone/requirements.txt": "flask\n",
            "clone/app.py": "import flask\nimport numpy\n",
        },
    )
    assert _project.supplemented_project(root / "clone") is None
    assert findings(root / "clone") == {"app.py": [(2, "undeclared-import")]}
    write(root, {"PKG-INFO": "Metadata-Version: 2.1\nName: mine\n"})  # unpacked sdist: one distribution
    assert _project.supplemented_project(root / "clone") == root
    (root / "PKG-INFO").unlink()
    write(tmp_path, {".git/HEAD": "ref: refs/heads/main\n"})  # the parent and the folder are one repository
    _project._read_listing.cache_clear()
    assert _project.supplemented_project(root / "clone") == root
    assert findings(root / "clone") == {}


def test_private_modules_and_namespace_imports_are_no_typosquats_or_unknowns(tmp_path: Path) -> None:
    """Ensure that `_zstd` (a private C module) and `backports.asyncio.runner` are judged by real project names."""
    (tmp_path / ".git").mkdir()
    write(
        tmp_path,
        {
            "site/compression/zstd/__init__.pyi": "from _zstd import ZstdCompressor\nimport _zstd\n",
            "site/plugin.py": "from backports.asyncio.runner import Runner\n" + PLANTED,
        },
    )
    assert findings(tmp_path) == {"site/plugin.py": [(2, "typosquat-package"), (3, "unknown-package")]}


def dist_info(
    site: Path,
    name: str,
    version: str,
    *,
    requires: tuple[str, ...] = (),
    top: str | None = None,
    record: tuple[str, ...] = (),
) -> None:
    """A minimal `*.dist-info` folder as pip leaves it."""
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        *(f"Requires-Dist: {r}" for r in requires),
    ]
    (folder / "METADATA").write_text("\n".join(lines) + "\n\nLong description.\n")
    if top is not None:
        (folder / "top_level.txt").write_text(top + "\n")
    (folder / "RECORD").write_text("".join(f"{path},sha256=x,1\n" for path in record))


def test_project_with_a_venv_reads_its_dist_info_without_running_it(tmp_path: Path) -> None:
    """Ensure that a .venv's dist-info folders map imports, follow Requires-Dist and vouch for declared names."""
    root = write(
        tmp_path / "shop",
        {
            "requirements.txt": "sqlmodel\nacme-sdk\ndjango-filter\nrequestz\n",
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            "shop/__init__.py": "",
            "shop/app.py": (
                "import acme_api\nimport sqlalchemy\nimport django_filters\nimport requestz\nimport pytest\n" + PLANTED
            ),
        },
    )
    site = root / ".venv/lib/python3.11/site-packages"
    dist_info(site, "sqlmodel", "0.0.22", requires=("SQLAlchemy (>=2.0)", "pydantic", 'pytest ; extra == "test"'))
    dist_info(site, "SQLAlchemy", "2.0.36", top="sqlalchemy", requires=("greenlet",))
    dist_info(site, "acme-sdk", "1.0", top="acme_api")  # a private package: on no public index
    dist_info(site, "django-filter", "24.3", record=("django_filters/__init__.py", "django_filters/views.py"))
    dist_info(site, "requestz", "0.12", top="requestz")  # near `requests`, but declared and installed
    expected = {"shop/app.py": [(5, "undeclared-import")] + planted("shop/app.py", 6)["shop/app.py"]}
    assert findings(root) == expected  # pytest is only an extra of sqlmodel: undeclared


def test_fastapi_project_declaring_sqlmodel_and_importing_sqlalchemy(tmp_path: Path) -> None:
    """Ensure that hard dependencies of declared packages are a low transitive note, not undeclared."""
    root = write(
        tmp_path / "heroes",
        {
            "pyproject.toml": '[project]\nname = "heroes"\ndependencies = ["fastapi", "sqlmodel", "uvicorn"]\n',
            "app/__init__.py": "",
            "app/db.py": "from sqlmodel import create_engine\nengine = create_engine('sqlite://')\n",
            "app/main.py": (
                "from fastapi import FastAPI\nfrom sqlalchemy import select\nfrom starlette.requests import Request\n"
                "from pydantic import BaseModel\nfrom app.db import engine\nfrom .db import engine as e\n" + PLANTED
            ),
        },
    )
    assert findings(root) == planted("app/main.py", 7)
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    main = root / "app/main.py"
    notes = [
        f for f in engine.analyze(main.read_bytes(), "python", str(main)).findings if f.rule_id == "transitive-import"
    ]
    assert [(f.start.line + 1, f.severity, f.confidence) for f in notes] == [
        (2, Severity.LOW, Confidence.LOW),
        (3, Severity.LOW, Confidence.LOW),
        (4, Severity.LOW, Confidence.LOW),
    ]
    assert "requirement of `sqlmodel`" in notes[0].message and "pyproject.toml" in notes[0].message
    assert notes[0].fix is not None and notes[0].fix.title == "Add `SQLAlchemy` to [project.dependencies]"


@pytest.mark.parametrize(
    ("source", "typosquat"),
    [
        ("import mysql.connector\n", False),
        ("from mysql import connector\n", False),
        ("import django_filters\n", False),
        ("import grequests\n", False),
        ("import tblib\n", False),
        ("import reqeusts\n", True),
        ("import requestz\n", True),
        ("import djnago\n", True),
        ("from python_dateutils import parser\n", True),
    ],
)
def test_legitimate_near_names_are_not_typosquats_and_real_ones_are(
    tmp_path: Path, source: str, typosquat: bool
) -> None:
    """Ensure that popular or mapped names never get typosquat-package, and classic typos always do."""
    root = write(tmp_path / "p", {"requirements.txt": "django-filter\nmysql-connector-python\n", "app.py": source})
    rules = [f for lines in findings(root).values() for _, f in lines]
    assert ("typosquat-package" in rules) is typosquat


@pytest.mark.parametrize(
    ("name", "typosquat"),
    [
        ("grequests", False),
        ("tblib", False),
        ("MySQL-python", False),
        ("reqeusts", True),
        ("requestz", True),
        ("djnago", True),
        ("python-dateutils", True),
    ],
)
def test_requirement_near_names(tmp_path: Path, name: str, typosquat: bool) -> None:
    """Ensure that requirements lines of legitimate near-names are quiet and typosquats are flagged."""
    root = write(tmp_path / "p", {"requirements.txt": f"{name}\n"})
    assert (findings(root) == {"requirements.txt": [(1, "typosquat-package")]}) is typosquat


def test_typosquat_fix_uses_import_name_for_imports_and_distribution_name_for_manifests(tmp_path: Path) -> None:
    """Ensure that `python_dateutils` becomes `dateutil` in code and `python-dateutil` in requirements."""
    root = write(tmp_path / "p", {"requirements.txt": "python-dateutils\n", "app.py": "import python_dateutils\n"})
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    titles = {}
    for name in ("app.py", "requirements.txt"):
        path = root / name
        language = language_for_path(path)
        assert language is not None
        for finding in engine.analyze(path.read_bytes(), language, str(path)).findings:
            if finding.rule_id == "typosquat-package" and finding.fix is not None:
                titles[name] = finding.fix.title
    assert titles == {"app.py": "Replace with `dateutil`", "requirements.txt": "Replace with `python-dateutil`"}


def test_new_app_folder_is_first_party_after_invalidation(tmp_path: Path) -> None:
    """Ensure that a Django app added next to manage.py stops being undeclared once files are reported added."""
    root = write(
        tmp_path / "site",
        {"requirements.txt": "django\n", "web/manage.py": "", "tests/test_x.py": "import payments\n"},
    )
    assert findings(root) == {"tests/test_x.py": [(1, "undeclared-import")]}
    write(root, {"web/payments/__init__.py": "", "web/payments/models.py": ""})
    _layout.invalidate()  # what the language server does on workspace/didChangeWatchedFiles
    assert findings(root) == {}


def test_newer_download_wins_over_the_bundled_snapshot(tmp_path: Path) -> None:
    """Ensure that a downloaded index is used only when it is newer than the bundled snapshot."""
    url = "https://pypi.org/simple/"
    cached = _data.cache_file("index", url)
    cached.parent.mkdir(parents=True)
    cached.write_text("# vetline-index v1 normalized sorted\nrequests\n")
    meta = cached.with_name(cached.name + ".meta.json")
    settings = _data.Settings(configured=True, index=url)
    meta.write_text(json.dumps({"fetched_at": time.mktime((2020, 1, 1, 0, 0, 0, 0, 0, -1))}))
    assert _data.index(settings).origin == f"the PyPI snapshot of {bundled.as_of('pypi-names')}"
    meta.write_text(json.dumps({"fetched_at": time.time() + 86400 * 400}))
    newer = _data.index(settings)
    assert newer.origin.startswith("the package index downloaded on") and "flask" not in newer.names


def test_bundled_data_sizes_and_lookups() -> None:
    """Ensure that the wheel's data holds every PyPI name, 15,000-odd ranked and 15,000 npm names."""
    assert len(bundled.popular("PyPI")) >= 14_900 and len(bundled.popular("npm")) >= 10_000
    assert bundled.pypi_exists("requests") and bundled.pypi_exists("grequests")
    assert not bundled.pypi_exists("flask-secure-auth-helpers")
    assert bundled.rank("npm", "react") is not None and (bundled.downloads("react") or 0) > 1_000_000
    assert (bundled.DATA / "pypi-names.bin").stat().st_size < 5_000_000
    assert len(bundled.as_of("pypi-names")) == 7


def test_import_names_that_differ_from_declared_distribution_names(tmp_path: Path) -> None:
    """Ensure that imports named after part of a declared distribution are declared, and typos of one are not."""
    root = write(
        tmp_path / "p",
        {
            "pyproject.toml": (
                '[build-system]\nrequires = ["setuptools>=68", "tomli"]\n[project]\nname = "p"\ndependencies = '
                '["apache-superset-core", "paypal-checkout-serversdk", "django-crispy-forms", "beautifulsoup4",'
                ' "drf-access-policy", "djangorestframework-queryfields"]\n'
            ),
            "setup.py": "from setuptools import setup\n",
            "p/app.py": (
                "import superset_core.api\nimport paypalcheckoutsdk\nfrom crispy_forms.helper import FormHelper\n"
                "import beautifulsop4\nfrom rest_access_policy import AccessPolicy\nfrom drf_queryfields import mixins\n"
            ),
        },
    )
    assert findings(root) == {"p/app.py": [(4, "typosquat-package")]}


def test_configured_interpreter_environment_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ensure that `VETLINE_PYTHON` names an environment outside the project whose dist-info maps imports."""
    elsewhere = tmp_path / "envs" / "shop"
    write(elsewhere, {"bin/python": "", "pyvenv.cfg": "home = /usr/bin\n"})
    dist_info(elsewhere / "lib/python3.12/site-packages", "acme-sdk", "1.0", top="acme_api")
    root = write(tmp_path / "shop", {"requirements.txt": "acme-sdk\n", "app.py": "import acme_api\n"})
    assert findings(root) == {
        "app.py": [(1, "unknown-package")],  # `acme-api`: no such project, and nothing says otherwise
        "requirements.txt": [(1, "unknown-package")],
    }
    monkeypatch.setenv("VETLINE_PYTHON", str(elsewhere / "bin" / "python"))
    assert findings(root) == {}  # declared, installed, and the environment maps the import


def test_symlinked_environment_outside_the_project_is_not_read(tmp_path: Path) -> None:
    """Ensure that a repository's `.venv` symlink cannot make vetline read files outside the project."""
    outside = tmp_path / "outside"
    write(outside, {"pyvenv.cfg": "home = /usr/bin\n"})
    dist_info(outside / "lib/python3.12/site-packages", "acme-sdk", "1.0", top="acme_api")
    root = write(tmp_path / "shop", {"requirements.txt": "acme-sdk\n"})
    (root / ".venv").symlink_to(outside, target_is_directory=True)
    assert findings(root) == {"requirements.txt": [(1, "unknown-package")]}


def test_setup_py_extras_and_test_requirements_are_declared(tmp_path: Path) -> None:
    """Ensure that literal `extras_require` and `tests_require` of setup.py declare their packages."""
    setup = (
        "from setuptools import setup\nsetup(name='d', install_requires=['click'],\n"
        "      extras_require={'test': ['pytest>=5', 'pytest-asyncio'], 'docs': ['furo']},\n"
        "      tests_require=['trustme'])\n"
    )
    root = write(tmp_path / "d", {"setup.py": setup, "tests/test_x.py": "import pytest\nimport trustme\nimport furo\n"})
    assert findings(root) == {}


@pytest.mark.parametrize("repository", [True, False])
def test_enclosing_project_counts_only_inside_the_same_repository(tmp_path: Path, repository: bool) -> None:
    """Ensure that a monorepo's shared package is first-party for its sub-projects, but only within the repository."""
    root = write(
        tmp_path / "mono",
        {
            "pyproject.toml": '[project]\nname = "mono"\n',
            "shared/__init__.py": "",
            "services/api/requirements.txt": "fastapi\n",
            "services/api/app.py": "import fastapi\nimport shared\n",
        },
    )
    if repository:
        (root / ".git").mkdir()
    expected = {} if repository else {"app.py": [(2, "undeclared-import")]}
    assert findings(root / "services" / "api") == expected


def test_environment_tells_namespace_packages_apart_by_record(tmp_path: Path) -> None:
    """Ensure that two installed `google.*` distributions map each import to its own distribution."""
    root = write(
        tmp_path / "gcp",
        {
            "requirements.txt": "google-cloud-storage\nacme-protos\n",
            ".venv/pyvenv.cfg": "home = /usr/bin\n",
            "app.py": "from google.cloud import storage\nimport google.acme.protos\nfrom google.cloud import pubsub\n",
        },
    )
    site = root / ".venv/lib/python3.12/site-packages"
    dist_info(site, "google-cloud-storage", "2.0", top="google", record=("google/cloud/storage/__init__.py",))
    dist_info(site, "acme-protos", "1.0", top="google", record=("google/acme/protos/__init__.py",))
    assert findings(root) == {"app.py": [(3, "undeclared-import")]}  # pubsub: installed by nothing declared


def test_broken_environment_and_symlink_loops_never_break_the_analysis(tmp_path: Path) -> None:
    """Ensure that binary or huge metadata and a symlink loop in the tree cost findings of nobody."""
    root = write(
        tmp_path / "odd",
        {"requirements.txt": "acme-sdk\n", ".venv/pyvenv.cfg": "", "web/manage.py": "", "app.py": "import acme_api\n"},
    )
    site = root / ".venv/lib/python3.12/site-packages"
    dist_info(site, "acme-sdk", "1.0", top="acme_api")
    broken = site / "broken-1.0.dist-info"
    broken.mkdir()
    (broken / "METADATA").write_bytes(b"\xff\xfe\x00garbage\x00" * 1000)
    (broken / "RECORD").write_bytes(b"a/" * (3 << 20))  # over READ_LIMIT, one line, no newline
    (root / "web" / "loop").symlink_to(root / "web", target_is_directory=True)
    assert findings(root) == {}


def test_extras_of_declared_packages_are_expanded_from_the_bundled_table(tmp_path: Path) -> None:
    """Ensure that `Django[argon2]` declared makes `import argon2` a transitive note, naming the chain."""
    root = write(
        tmp_path / "shop",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["Django[argon2]>=5", "sqlmodel"]\n',
            "shop/__init__.py": "",
            "shop/hashers.py": "import argon2\nimport pydantic_core\nimport bcrypt\n",
        },
    )
    assert findings(root) == {"shop/hashers.py": [(3, "undeclared-import")]}  # bcrypt: an extra not asked for
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    module = root / "shop/hashers.py"
    notes = {
        f.start.line + 1: f.message
        for f in engine.analyze(module.read_bytes(), "python", str(module)).findings
        if f.rule_id == "transitive-import"
    }
    assert "requirement of `django[argon2]`" in notes[1] and f"of {bundled.requires_as_of()}" in notes[1]
    assert "requirement of `sqlmodel` via `pydantic`" in notes[2]


def test_optional_import_of_a_typosquat_is_reported_at_low_confidence(tmp_path: Path) -> None:
    """Ensure that `try: import reqeusts except ImportError` is still a typosquat, with low confidence."""
    root = write(
        tmp_path / "tool",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "requirements.txt": "requests\n",
            "tool.py": "try:\n    import reqeusts\nexcept ImportError:\n    reqeusts = None\n"
            "try:\n    import ujson as json\nexcept ImportError:\n    import json\nimport requestz\n",
        },
    )
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    module = root / "tool.py"
    squats = [
        (f.start.line + 1, f.severity, f.confidence, "optional" in f.message)
        for f in engine.analyze(module.read_bytes(), "python", str(module)).findings
        if f.rule_id == "typosquat-package"
    ]
    assert squats == [(2, Severity.HIGH, Confidence.LOW, True), (9, Severity.HIGH, Confidence.MEDIUM, False)]


def test_bundled_requires_table_is_dated_and_described() -> None:
    """Ensure that requires.json's date and source are those bundled.json (and the README) record."""
    meta = bundled.metadata()["requires"]
    assert meta["as_of"] == bundled.requires_as_of() != ""
    assert meta["count"] == len(bundled.requires()) > 500
    assert "PyPI JSON API" in meta["source"]
    assert bundled.requires()["flask"].requires[:2] == ("blinker", "click")
    assert "argon2-cffi" in bundled.requires()["django"].wanted("argon2")
    assert bundled.import_providers()["argon2"] == ("argon2-cffi",)


def test_requirements_folder_files_declare_whatever_their_name(tmp_path: Path) -> None:
    """Ensure that `requirements/base.txt` (read by a computing setup.py) declares, owner prefixes included."""
    root = write(
        tmp_path / "tcms",
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "setup.py": "from setuptools import setup\nsetup(install_requires=read('requirements/base.txt'))\n",
            "requirements/base.txt": "django-contrib-comments==2.2\npython-redmine==2.4\ntopicaxis-opengraph==0.5\n",
            "requirements/devel.txt": "mock\n",
            "tcms/__init__.py": "",
            "tcms/views.py": "import django_comments\nimport redminelib\nimport opengraph\nimport mock\n" + PLANTED,
        },
    )
    assert findings(root) == planted("tcms/views.py", 5)


def _rule_findings(root: Path, path: str, rule_id: str) -> list:
    engine = Engine(RULES, options={"dependencies": {"root": None}})
    source = (root / path).read_bytes()
    return [f for f in engine.analyze(source, "python", str(root / path)).findings if f.rule_id == rule_id]


def test_a_framework_plugin_nobody_knows_brings_in_its_framework(tmp_path: Path) -> None:
    """Ensure that `import django` in a project declaring only unknown `django-*` plugins is a
    transitive import of the plugin (one low note), not an undeclared import on every line."""
    root = write(
        tmp_path / "controller",
        {
            "requirements.txt": "django-sortedm2m-vetline-test~=4.0\n",
            "controller/__init__.py": "",
            "controller/models.py": "from django.db import models\nfrom django.conf import settings\n",
        },
    )
    assert _rule_findings(root, "controller/models.py", "undeclared-import") == []
    notes = _rule_findings(root, "controller/models.py", "transitive-import")
    assert [(f.start.line + 1, f.confidence) for f in notes] == [(1, Confidence.LOW)]
    assert "a `django` plugin requires `django`" in notes[0].message


def test_an_undeclared_import_is_low_confidence_when_declared_packages_are_unknown(tmp_path: Path) -> None:
    """Ensure that when a declared package's requirements cannot be read, an undeclared import
    says it may come through it, at low confidence; with only known packages it stays medium."""
    unknown = write(
        tmp_path / "unknown",
        {"requirements.txt": "requests\nacme-internal-utils\n", "app.py": "import swapper\n"},
    )
    [finding] = _rule_findings(unknown, "app.py", "undeclared-import")
    assert finding.confidence == Confidence.LOW
    assert "may come in through `acme-internal-utils`" in finding.message
    known = write(tmp_path / "known", {"requirements.txt": "requests\n", "app.py": "import swapper\n"})
    [finding] = _rule_findings(known, "app.py", "undeclared-import")
    assert finding.confidence == Confidence.MEDIUM and "no declared package installs it" in finding.message
