"""`vetline data update` against real HTTP servers on 127.0.0.1 speaking PEP 691 and OSV."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from vetline.rules.dependencies import _data
from vetline.rules.dependencies._index import load_index
from vetline.server import depdata
from vetline.server.cli import main

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "deps" / "recorded"
Route = Callable[[BaseHTTPRequestHandler, bytes], tuple[int, dict[str, str], bytes]]


class Registry:
    """A local server: `routes` maps (method, path) to a handler; requests are recorded."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer("GET")

            def do_POST(self) -> None:
                self._answer("POST")

            def _answer(self, method: str) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                registry.requests.append((method, self.path, dict(self.headers.items()), body))
                route = registry.routes.get((method, self.path))
                status, headers, payload = route(self, body) if route else (404, {}, b"not found")
                try:
                    self.send_response(status)
                    for name, value in {"Content-Length": str(len(payload)), **headers}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout or size cap): that is the point of the test

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def static(self, path: str, payload: bytes, content_type: str = "application/json", **headers: str) -> None:
        def route(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
            etag = headers.get("ETag")
            if etag and handler.headers.get("If-None-Match") == etag:
                return 304, {"ETag": etag}, b""
            return 200, {"Content-Type": content_type, **headers}, payload

        self.routes[("GET", path)] = route

    @contextlib.contextmanager
    def serving(self) -> Iterator[Registry]:
        """Answer requests on a background thread; stop and close the socket on exit."""
        thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def registry() -> Iterator[Registry]:
    with Registry().serving() as server:
        yield server


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


def test_index_download_is_cached_and_revalidated(registry: Registry) -> None:
    """Ensure that the PEP 691 list is fetched with its media type, cached, then answered by 304."""
    registry.static("/simple/", _recorded("pypi-simple.json"), depdata.PEP691, ETag='"v1"')
    first = depdata.update_index(f"{registry.url}/simple/")
    assert first.status == "updated" and "5 project names" in first.message
    index = load_index(_data.cache_file("index", f"{registry.url}/simple/"))
    assert "requests" in index and "pyyaml" in index and "reqeusts" not in index
    second = depdata.update_index(f"{registry.url}/simple/")
    assert second.status == "unchanged"
    method, _, headers, _ = registry.requests[-1]
    assert method == "GET" and headers["Accept"] == depdata.PEP691 and headers["If-None-Match"] == '"v1"'


def test_osv_querybatch_sends_only_names_and_caches_records(registry: Registry, tmp_path: Path) -> None:
    """Ensure that OSV gets package names (no versions) and the returned records are cached."""
    registry.routes[("POST", "/v1/querybatch")] = lambda h, body: (200, {}, _recorded("osv-querybatch.json"))
    registry.static("/v1/vulns/GHSA-j8r2-6x86-q33q", _recorded("GHSA-j8r2-6x86-q33q.json"))
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "requirements.txt").write_text("requests==2.28.1\nflask\n")
    outcome = depdata.update_advisories(registry.url, depdata.declared_packages(tmp_path / "proj"))
    assert outcome.status == "updated" and "1 advisories" in outcome.message
    sent = json.loads(next(body for method, _, _, body in registry.requests if method == "POST"))
    assert sent == {
        "queries": [
            {"package": {"name": "flask", "ecosystem": "PyPI"}},
            {"package": {"name": "requests", "ecosystem": "PyPI"}},
        ]
    }
    records = _data.advisories(_data.Settings(configured=True, advisories=registry.url))
    assert [r["id"] for r in records[("PyPI", "requests")]] == ["GHSA-j8r2-6x86-q33q"]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        (lambda h, b: (500, {}, b"boom"), "HTTP 500"),
        (lambda h, b: (200, {}, b'{"projects": [ {"name": '), "not valid JSON"),
        (lambda h, b: (200, {}, b'{"rows": []}'), "not a PEP 691 project list"),
        (lambda h, b: (200, {}, b"x" * 5000), "exceeds the 4096-byte limit"),
    ],
)
def test_index_failures_degrade_with_a_clear_message(registry: Registry, route: Route, expected: str) -> None:
    """Ensure that HTTP errors, corrupt JSON, wrong documents and oversized answers fail cleanly."""
    registry.routes[("GET", "/simple/")] = route
    outcome = depdata.update_index(f"{registry.url}/simple/", limit=4096)
    assert outcome.status == "failed" and expected in outcome.message
    assert not _data.cache_file("index", f"{registry.url}/simple/").exists()


def test_a_slow_server_times_out(registry: Registry) -> None:
    """Ensure that a server slower than the timeout fails the source instead of hanging."""

    def slow(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        time.sleep(1.0)
        return 200, {}, b"{}"

    registry.routes[("POST", "/v1/querybatch")] = slow
    started = time.monotonic()
    outcome = depdata.update_advisories(registry.url, [("requests", "PyPI")], timeout=0.2)
    assert outcome.status == "failed" and "timed out" in outcome.message
    assert time.monotonic() - started < 1.0


def test_failed_refresh_keeps_the_previous_copy(registry: Registry) -> None:
    """Ensure that a failing update leaves the last good download in place and says so."""
    registry.static("/simple/", _recorded("pypi-simple.json"), depdata.PEP691)
    assert depdata.update_index(f"{registry.url}/simple/").status == "updated"
    registry.routes[("GET", "/simple/")] = lambda h, b: (503, {}, b"")
    outcome = depdata.update_index(f"{registry.url}/simple/")
    assert outcome.status == "failed" and "keeping the previous copy" in outcome.message
    assert "requests" in load_index(_data.cache_file("index", f"{registry.url}/simple/"))


def test_unreachable_server_fails_cleanly() -> None:
    """Ensure that a refused connection is reported, not raised."""
    outcome = depdata.update_popular("http://127.0.0.1:9/top.json", timeout=1)
    assert outcome.status == "failed" and "cannot download" in outcome.message


def test_data_update_command_refreshes_every_url_source(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `vetline data update` fetches index, popular list and advisories, then scans use them."""
    registry.static("/simple/", _recorded("pypi-simple.json"), depdata.PEP691)
    registry.static("/top.json", _recorded("top-pypi-packages.json"))
    registry.routes[("POST", "/v1/querybatch")] = lambda h, body: (200, {}, _recorded("osv-querybatch.json"))
    registry.static("/v1/vulns/GHSA-j8r2-6x86-q33q", _recorded("GHSA-j8r2-6x86-q33q.json"))
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / ".vetline.toml").write_text(
        f'[dependencies]\nindex = "{registry.url}/simple/"\npopular = "{registry.url}/top.json"\nadvisories = "{registry.url}"\n'
    )
    (proj / "requirements.txt").write_text("requests==2.28.1\nfastapi-magic-auth\n")
    assert main(["data", "update", str(proj)]) == 0
    printed = capsys.readouterr().out
    assert "index      updated" in printed and "popular    updated" in printed and "advisories updated" in printed
    assert main(["scan", str(proj), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert sorted((f["rule"], f["line"]) for f in report["findings"]) == [
        ("unknown-package", 2),
        ("vulnerable-pinned-version", 1),
    ]
    assert main(["data", "status", str(proj)]) == 0
    assert "downloaded" in capsys.readouterr().out


def test_data_update_exit_code_reports_failures(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a failed source gives exit code 1 and a message on stderr."""
    (tmp_path / ".vetline.toml").write_text(f'[dependencies]\nindex = "{registry.url}/missing/"\n')
    assert main(["data", "update", str(tmp_path), "--only", "index"]) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_advisory_lookup_names_lock_file_packages_too(tmp_path: Path) -> None:
    """Ensure that lock-file packages are looked up (by name only) along with declared ones."""
    (tmp_path / "requirements.txt").write_text("Flask==3.0.0\n")
    (tmp_path / "poetry.lock").write_text('[[package]]\nname = "Werkzeug"\nversion = "3.0.1"\n')
    (tmp_path / "package-lock.json").write_text('{"packages": {"node_modules/lodash": {"version": "4.17.20"}}}')
    assert depdata.declared_packages(tmp_path) == [("flask", "PyPI"), ("lodash", "npm"), ("werkzeug", "PyPI")]


def test_data_update_refreshes_a_configured_npm_popular_list(
    registry: Registry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `popular_npm` is downloaded by `vetline data update` and then protects its names in package.json."""
    registry.static("/npm-top.json", json.dumps({"rows": [{"project": "@acme/ui-kit"}]}).encode())
    proj = tmp_path / "web"
    proj.mkdir()
    (proj / ".vetline.toml").write_text(f'[dependencies]\npopular_npm = "{registry.url}/npm-top.json"\n')
    (proj / "package.json").write_text('{"dependencies": {"@acme/ui-kiit": "1.0.0", "react": "18.0.0"}}\n')
    assert main(["scan", str(proj), "--format", "json", "--select", "typosquat-package"]) == 0
    capsys.readouterr()
    assert main(["data", "update", str(proj), "--only", "popular_npm"]) == 0
    assert "popular_npm updated" in capsys.readouterr().out
    assert main(["scan", str(proj), "--format", "json", "--select", "typosquat-package"]) == 1
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert "`@acme/ui-kit`" in finding["message"] and finding["line"] == 1


def test_npm_popular_list_has_no_public_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that without `popular_npm` the npm part is skipped with a reason, not failed."""
    (tmp_path / ".vetline.toml").write_text("[dependencies]\n")
    assert main(["data", "update", str(tmp_path), "--only", "popular_npm"]) == 0
    assert "no public npm ranking" in capsys.readouterr().out


def test_data_status_shows_the_bundled_data_and_the_index_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `vetline data status` names each bundled part with its date, and which index decides."""
    (tmp_path / ".vetline.toml").write_text("[dependencies]\n")
    assert main(["data", "status", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "bundled    pypi-names: 886,323 names as of 2026-11" in printed
    assert "bundled    popular-npm: 15,000 names as of 2026-11" in printed
    assert "index      in use: the PyPI snapshot of 2026-11" in printed
