"""The maintainer script that writes `requires.json` from the PyPI JSON API and local wheels, and its use.

The API is a real HTTP server on 127.0.0.1 answering `GET /pypi/<name>/json` with recorded
(trimmed) answers of pypi.org; the wheel is built by the test. The engine then reads the
written table, so the whole path from the registry's data to a finding is exercised.
"""

from __future__ import annotations

import importlib.util
import json
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from vetline.rules import registry
from vetline.rules.dependencies import _layout, bundled
from vetline.rules.engine import Engine

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_requires.py"
# Recorded from https://pypi.org/pypi/<name>/json (info.name and info.requires_dist only).
RECORDED = {
    "django": {
        "name": "Django",
        "requires_dist": [
            "asgiref>=3.8.1",
            "sqlparse>=0.3.1",
            'tzdata; sys_platform == "win32"',
            'argon2-cffi>=19.1.0; extra == "argon2"',
            'bcrypt; extra == "bcrypt"',
        ],
    },
    "fastapi": {
        "name": "fastapi",
        "requires_dist": [
            "starlette<0.48.0,>=0.40.0",
            "pydantic!=1.8,!=1.8.1,<3.0.0,>=1.7.4",
            "typing-extensions>=4.8.0",
            'uvicorn[standard]>=0.12.0; extra == "standard"',
        ],
    },
    "starlette": {"name": "starlette", "requires_dist": ["anyio<5,>=3.6.2"]},
    "uvicorn": {
        "name": "uvicorn",
        "requires_dist": ["click>=7.0", "h11>=0.8", 'websockets>=10.4; extra == "standard"'],
    },
}
RULES = [r for r in registry.all_rules() if r.category.value == "dependencies"]


class _Registry(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        answer = RECORDED.get(parts[1]) if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json" else None
        body = json.dumps({"info": answer}).encode() if answer else b'{"message": "Not Found"}'
        self.send_response(200 if answer else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[str]:
    """The recorded PyPI JSON API on 127.0.0.1, stopped after the test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/pypi"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _script():
    spec = importlib.util.spec_from_file_location("build_requires", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wheel(folder: Path) -> None:
    """A wheel of argon2-cffi whose top_level.txt says it is imported as `argon2`."""
    with zipfile.ZipFile(folder / "argon2_cffi-23.1.0-py3-none-any.whl", "w") as wheel:
        info = "argon2_cffi-23.1.0.dist-info"
        wheel.writestr(
            f"{info}/METADATA", "Metadata-Version: 2.1\nName: argon2-cffi\nRequires-Dist: argon2-cffi-bindings\n"
        )
        wheel.writestr(f"{info}/top_level.txt", "argon2\n")
        wheel.writestr("argon2/__init__.py", "")


def _generate(tmp_path: Path, api: str) -> Path:
    ranks = tmp_path / "pypi.tsv"
    ranks.write_text(
        "name\tversion\tmonth\trank\tsummary\nDjango\t5.2\t2026-11\t2\t\nfastapi\t1\t2026-11\t1\t\nnot-ranked\t1\t2026-11\t\t\n"
    )
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    _wheel(wheels)
    data = tmp_path / "data"
    data.mkdir()
    (data / "bundled.json").write_text('{"pypi-names": {"file": "pypi-names.bin"}}')
    _script().main(
        [
            "--api",
            api,
            "--pypi-list",
            str(ranks),
            "--top",
            "2",
            "--name",
            "starlette",
            "--name",
            "uvicorn",
            "--name",
            "no-such-project",
            "--wheels",
            str(wheels),
            "--out",
            str(data / "requires.json"),
            "--pause",
            "0",
        ]
    )
    return data


def test_script_records_requirements_with_extras_and_import_names(tmp_path: Path, api: str) -> None:
    """Ensure that the table keeps each Requires-Dist under its extra, with the wheels' import names and a date."""
    data = _generate(tmp_path, api)
    table = json.loads((data / "requires.json").read_text())
    assert table["django"] == {
        "requires": ["asgiref", "sqlparse", "tzdata"],
        "extras": {"argon2": ["argon2-cffi"], "bcrypt": ["bcrypt"]},
    }
    assert table["fastapi"]["extras"] == {"standard": ["uvicorn[standard]"]}
    assert table["argon2-cffi"] == {"requires": ["argon2-cffi-bindings"], "imports": ["argon2"]}
    assert "no-such-project" not in table and "not-ranked" not in table
    meta = json.loads((data / "bundled.json").read_text())
    assert meta["pypi-names"] == {"file": "pypi-names.bin"}  # the other script's entries are kept
    assert meta["requires"]["count"] == 5 and meta["requires"]["as_of"] == table["_meta"]["as_of"]
    assert "PyPI JSON API http://127.0.0.1" in meta["requires"]["source"]


def test_engine_expands_extras_and_chains_from_the_written_table(
    tmp_path: Path, api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that `Django[argon2]` makes `import argon2` a transitive note, and the message shows the chain."""
    written = json.loads((_generate(tmp_path, api) / "requires.json").read_text())
    monkeypatch.setattr(bundled, "_requires_document", lambda: written)  # only this part of the bundled data
    for cached in (bundled.requires, bundled.import_providers):
        cached.cache_clear()
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    _layout.invalidate()
    project = tmp_path / "site"
    (project / ".git").mkdir(parents=True)
    (project / "requirements.txt").write_text("Django[argon2]>=5\nfastapi[standard]\n")
    source = b"import argon2\nimport anyio\nimport websockets\nimport bcrypt\n"
    (project / "app.py").write_bytes(source)
    try:
        result = Engine(RULES, options={"dependencies": {"root": None}}).analyze(
            source, "python", str(project / "app.py")
        )
    finally:
        for cached in (bundled.requires, bundled.import_providers):
            cached.cache_clear()
    found = {f.start.line + 1: (f.rule_id, f.message) for f in result.findings}
    assert found[1][0] == "transitive-import" and "`argon2` (`argon2-cffi`)" in found[1][1]
    assert "requirement of `django[argon2]`" in found[1][1]
    assert found[2][0] == "transitive-import" and "of `fastapi[standard]` via `starlette`" in found[2][1]
    assert found[3][0] == "transitive-import" and "via `uvicorn`" in found[3][1]
    assert found[4][0] == "undeclared-import"  # bcrypt is only Django's other extra, not asked for
