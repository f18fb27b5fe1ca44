"""Which files are test code or migrations: code that never serves a request.

Test code is where credentials, `verify=False` and local servers are fixtures.

Findings in test code are still worth a look (a real key pasted into a test leaks like any
other), but a password in a test fixture or `verify=False` against a local test server is not
what a reviewer signs off as a vulnerability. Rules that grade test code differently ask here,
so "what is a test" has one answer: a `tests/`, `test/` or `testing/` folder, `test_*.py`,
`*_test.py`, `tests.py` (Django's default), `test.py`, `conftest.py`, and testing settings modules
(`settings/test.py`, `test_settings.py`, `settings_testing.py`, `testsettings.py`,
`configuration_testing.py`, `smoketest_configuration.py`, `unit_tests.cfg`), and CI
workflow files (`.github/workflows/`), whose database passwords belong to throw-away services;
in other languages `*_test.go`, `*Test.java`, `*_spec.rb`, `*Test.php`, `*.Tests.ps1` and the
`spec/`, `testdata/`, `__tests__/`, `fixtures/` and `test-fixtures/` folders (and `Test/`, `Tests/`).

Example and development code (`is_example_code`) is graded the same way by the rules that ask
`graded_for_tests`: example projects, docs builds, development compose files and settings, and
fake-data generators (`faker/`, `dummy_generator/`, `create_dummy_data.py`).
"""

from __future__ import annotations

import dataclasses
import re

from ..context import FileContext
from ..model import Report, Rule, Severity
from ..patterns import linear

TEST_FOLDERS = frozenset({"tests", "test", "testing", "testutils", "test_utils"})
_TEST_FILE = linear(
    r"^(?:test_\w*|\w*_tests?|tests?|conftest|(?:\w+_)?(?:smoke|unit)?tests?_?(?:settings|configuration|config)"
    r"|(?:settings|configuration|config)_?test(?:ing)?)\.(?:py|cfg|ini|toml|ya?ml)$",
    re.IGNORECASE,
)
# Test files of the languages read as text for secrets: Go `_test.go`, JUnit `FooTest.java`,
# RSpec `_spec.rb`, PHPUnit `FooTest.php`, Pester `x.Tests.ps1`, xUnit `FooTests.cs`.
_OTHER_TEST_FILE = linear(r"(?:_test\.(?:go|rb|sh)|_spec\.rb|Test(?:s|Case)?\.(?:java|kt|cs|php|groovy)|\.Tests\.ps1)$")
_SPEC_FOLDERS = frozenset({"spec", "testdata", "__tests__", "Test", "Tests", "test-fixtures", "fixtures"})
_TEST_SETTINGS = linear(r"^(?:test|testing)\.py$", re.IGNORECASE)
IN_TEST_CODE = "in test code"
# Schema migrations (Django `migrations/`, Alembic `versions/`, `migrations.py`) run once, by an
# operator, on values the migration itself computes: no request reaches them.
_MIGRATION = linear(r"(?:^|/)(?:migrations/|alembic/versions/|migrations/versions/)|(?:^|/)migrations\.py$")


def is_migration(path: str) -> bool:
    """True when `path` is a schema migration module."""
    return _MIGRATION.search(path.replace("\\", "/")) is not None


def is_test_code(path: str) -> bool:
    """True when `path` (as the scan or the editor names it) is a test module or test settings."""
    parts = path.replace("\\", "/").split("/")
    name, folders = parts[-1], parts[:-1]
    if TEST_FOLDERS.intersection(folders) or _TEST_FILE.match(name) or _is_ci_workflow(folders):
        return True
    if _OTHER_TEST_FILE.search(name) or _SPEC_FOLDERS.intersection(folders):
        return True
    return bool(folders) and folders[-1] == "settings" and _TEST_SETTINGS.match(name) is not None


# Example and development code: an example project, a docs build, a development compose file or
# settings module, a test-data generator. Its credentials are local defaults nobody deploys.
_EXAMPLE_FOLDERS = frozenset({"example", "examples", "sample", "samples", "demo", "demos", "docs", "doc"})
_EXAMPLE_FOLDER_PREFIX = ("example_", "examples_", "sample_", "demo_")
# Fake-data generators (`misago/faker/`, `extras/dummy_generator/`): their passwords are for fake users.
_FAKE_DATA_FOLDER = linear(r"^(?:fakers?|fake|dummy)(?:[-_]\w+)?$", re.IGNORECASE)
_DEVELOPMENT_FILE = linear(
    r"^(?:[\w.-]*[-_.])?(?:dev|devel|development|example|sample|demo|test_?data|fake|dummy)(?:[-_.][\w.-]*)?"
    r"\.(?:py|ya?ml|cfg|ini|toml|conf|json|env)$|\.(?:example|sample|dist)$",
    re.IGNORECASE,
)
IN_EXAMPLE_CODE = "in example or development code"


def is_example_code(path: str) -> bool:
    """True for example and development code (`example_project/`, `docs/`, `compose-dev.yml`,
    `settings/development.py`, `create_test_data.py`, `.env.example`)."""
    parts = path.replace("\\", "/").split("/")
    name, folders = parts[-1], parts[:-1]
    if _EXAMPLE_FOLDERS.intersection(folders) or any(f.startswith(_EXAMPLE_FOLDER_PREFIX) for f in folders):
        return True
    if any(_FAKE_DATA_FOLDER.match(folder) for folder in folders):
        return True
    return _DEVELOPMENT_FILE.search(name) is not None


# Third-party code shipped inside an application: a vendoring folder, or a well-known single-file
# library copied into one of the application's packages (`pypiserver/bottle_wrapper/bottle.py`).
# Its sinks are the library's, reached by the application only through the library's API: the
# data-flow rules drop values of unknown origin there (`sinks.taint_verdict`), since one finding
# per `eval` of a bundled framework is no finding about the application (updating the copy is the
# dependency review's job); request data reaching a sink there is still reported.
_VENDOR_FOLDERS = frozenset(
    {
        "_vendor",
        "vendor",
        "vendored",
        "_vendored",
        "third_party",
        "thirdparty",
        "third-party",
        "extern",
        "_extern",
        "extlib",
    }
)
_SINGLE_FILE_LIBRARIES = frozenset(
    {"bottle", "six", "appdirs", "mimeparse", "pyparsing", "markdown2", "feedparser", "xmltodict", "texttable"}
)


def is_vendored_code(path: str) -> bool:
    """True for a module under a vendoring folder (`_vendor/`, `vendor/`, `third_party/`, `extern/`, `extlib/`)
    or a known single-file library inside another project's package (`app/lib/bottle.py`, but not
    `bottle.py` or `bottle-0.13/bottle.py` in bottle's own tree)."""
    parts = path.replace("\\", "/").split("/")
    name, folders = parts[-1], parts[:-1]
    if _VENDOR_FOLDERS.intersection(folders):
        return True
    stem = name.removesuffix(".py")
    if not name.endswith(".py") or stem not in _SINGLE_FILE_LIBRARIES:
        return False
    return any(folder and not folder.lower().startswith(stem) for folder in folders if folder not in (".", ".."))


def _is_ci_workflow(folders: list[str]) -> bool:
    """`.github/workflows/*.yml`, `.gitlab-ci` includes: the services they start are test fixtures."""
    return ".github" in folders or ".gitlab" in folders or ".circleci" in folders


def not_deployed_label(path: str) -> str | None:
    """ "in test code" or "in example or development code" for code no deployment runs, else None."""
    if is_test_code(path):
        return IN_TEST_CODE
    return IN_EXAMPLE_CODE if is_example_code(path) else None


def graded_for_tests(ctx: FileContext, result: bool | Report | None, rule: Rule) -> bool | Report | None:
    """A `where` result turned low severity and labelled "in test code" (or "in example or
    development code") when the file is a test or an example."""
    label = not_deployed_label(ctx.path) if result else None
    if label is None:
        return result
    report = result if isinstance(result, Report) else Report()
    message = report.message or rule.message
    return dataclasses.replace(report, message=f"{message} ({label})", severity=Severity.LOW)
