"""End-to-end: `online = true` plus the user's `allowNetwork` make the server download
dependency data, once, in the background; `online = true` alone downloads nothing.

A real `vetline serve` over stdio (pytest-lsp, VS Code push and Neovim pull profiles) with two
workspace folders, both pointing `index` at a registry on 127.0.0.1 that speaks PEP 691 JSON
(the `Registry` of test_depdata.py): `online/` says `online = true`, `offline/` does not. The
user allows network access in initializationOptions unless a test says otherwise. The registry
holds its answer to the online index until the test has seen the first diagnostics, so the
unknown-package finding provably arrives with the refresh, not before it.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, client_capabilities
from test_depdata import RECORDED, Registry

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lsp_helpers import CONFIG, SERVER_ENV, TIMEOUT, Buffer, RecordingClient, pulls

ENV = dict(SERVER_ENV)  # VETLINE_CACHE_DIR is set per test, before the server starts
# `grequests` is on PyPI (so the bundled snapshot knows it; no bundled wheel maps its import name)
# but not in the recorded index the local registry serves: an unknown-package finding on it proves the newer download replaced the snapshot.
SOURCE = "import requests\nimport grequests\n"
PROJECT = """[tool.vetline]
select = ["unknown-package"]
[tool.vetline.dependencies]
online = {online}
index = "{url}/{name}/simple/"
popular = "{url}/{name}/top-pypi-packages.json"
advisories = "advisories"
"""


NPM_PROJECT = """select = ["unknown-package"]
[dependencies]
online = true
npm_registry = "{url}/npm"
"""
NPM_MANIFEST = '{\n  "name": "app",\n  "dependencies": {\n    "leftpad-ai-utils": "^1.0.0"\n  }\n}\n'


class HeldRegistry(Registry):
    """The local registry; its answer to the online index waits until `gate` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()


@pytest.fixture
def registry() -> Iterator[HeldRegistry]:
    server = HeldRegistry()
    index = (RECORDED / "pypi-simple.json").read_bytes()

    def held_index(handler: BaseHTTPRequestHandler, body: bytes) -> tuple[int, dict[str, str], bytes]:
        server.gate.wait(TIMEOUT)
        return 200, {"Content-Type": "application/vnd.pypi.simple.v1+json"}, index

    server.routes[("GET", "/online/simple/")] = held_index
    server.static("/online/top-pypi-packages.json", (RECORDED / "top-pypi-packages.json").read_bytes())
    with server.serving():
        yield server
        server.gate.set()  # release a held request so that shutdown does not wait on it


@pytest.fixture(autouse=True)
def cache(tmp_path: Path) -> Path:
    ENV["VETLINE_CACHE_DIR"] = str(tmp_path / "cache")
    return tmp_path / "cache"


@pytest.fixture
def workspace(tmp_path: Path, registry: Registry) -> Path:
    for name, online in (("online", "true"), ("offline", "false"), ("broken", "true")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "pyproject.toml").write_text(PROJECT.format(online=online, url=registry.url, name=name))
    npm = tmp_path / "npm"
    npm.mkdir()
    (npm / ".vetline.toml").write_text(NPM_PROJECT.format(url=registry.url))
    (npm / "package.json").write_text(NPM_MANIFEST)
    return tmp_path


@pytest.fixture
def folder_names() -> tuple[str, ...]:
    """The workspace folders the client opens (a test may parametrize this)."""
    return ("online", "offline")


@pytest.fixture
def user_settings() -> dict[str, Any]:
    """The user's `vetline` settings, sent as initializationOptions (a test may parametrize this)."""
    return {"allowNetwork": True}


@pytest_lsp.fixture(
    config=ClientServerConfig(CONFIG.server_command, CONFIG.client_factory, ENV),
    params=["visual_studio_code", "neovim"],
)
async def client(
    lsp_client: RecordingClient,
    request: pytest.FixtureRequest,
    workspace: Path,
    folder_names: tuple[str, ...],
    user_settings: dict[str, Any],
) -> Any:
    folders = [types.WorkspaceFolder(uri=(workspace / name).as_uri(), name=name) for name in folder_names]
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=folders[0].uri,
        workspace_folders=folders,
        initialization_options={"vetline": user_settings},
    )
    result = await lsp_client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    lsp_client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    yield
    await lsp_client.shutdown_session()


async def logged(client: RecordingClient, text: str) -> types.LogMessageParams:
    """The first window/logMessage containing `text`, waiting for it (no sleeping)."""

    async def _wait() -> types.LogMessageParams:
        while True:
            found = [m for m in client.log_messages if text in m.message]
            if found:
                return found[0]
            await client.wait_for_notification(types.WINDOW_LOG_MESSAGE)

    return await asyncio.wait_for(_wait(), TIMEOUT)


async def codes_after_refresh(client: RecordingClient, buffer: Buffer) -> list[tuple[str, int]]:
    """The buffer's findings once the re-analysis that follows the refresh has reached the client."""
    if pulls(client):
        return [(str(d.code), d.range.start.line) for d in await buffer.diagnostics()]

    async def _wait() -> list[tuple[str, int]]:
        while True:
            client.published_event.clear()
            found = [p.diagnostics for p in client.published if p.uri == buffer.uri and p.diagnostics]
            if found:
                return [(str(d.code), d.range.start.line) for d in found[-1]]
            await client.published_event.wait()

    return await asyncio.wait_for(_wait(), TIMEOUT)


def index_requests(registry: Registry, name: str) -> list[str]:
    return [path for _, path, _, _ in registry.requests if path.startswith(f"/{name}/")]


async def settled(client: RecordingClient) -> None:
    """Two request round trips: between them the server idles, so the background work that
    earlier notifications scheduled has run and its log messages have arrived (no sleeping)."""
    params = types.ExecuteCommandParams(command="vetline.analyzeDocument", arguments=[])
    for _ in range(2):
        await asyncio.wait_for(client.workspace_execute_command_async(params), TIMEOUT)


def consent_hints(client: RecordingClient) -> list[types.LogMessageParams]:
    return [m for m in client.log_messages if "vetline.allowNetwork" in m.message]


async def test_online_project_gets_unknown_package_after_refresh(
    client: RecordingClient, workspace: Path, registry: HeldRegistry
) -> None:
    """Ensure that with `online = true` the index is downloaded once and open buffers re-analysed."""
    buffer = Buffer(client, workspace / "online" / "app.py", SOURCE)
    assert await buffer.diagnostics() == []  # no download yet: the bundled snapshot knows `grequests`
    registry.gate.set()
    await logged(client, "(online = true) refreshed")
    assert await codes_after_refresh(client, buffer) == [("unknown-package", 1)]
    buffer.replace("grequests", "grequests_helpers_ai")  # keystrokes fetch nothing
    assert [d.code for d in await buffer.diagnostics()] == ["unknown-package"]
    assert index_requests(registry, "online") == ["/online/simple/", "/online/top-pypi-packages.json"]


async def test_offline_project_fetches_nothing(
    client: RecordingClient, workspace: Path, registry: HeldRegistry
) -> None:
    """Ensure that without `online = true` no URL is fetched and the bundled snapshot decides."""
    buffer = Buffer(client, workspace / "offline" / "app.py", SOURCE)
    registry.gate.set()
    await logged(client, "(online = true) refreshed")  # the online folder's refresh is over by now
    assert await buffer.diagnostics() == []
    assert index_requests(registry, "offline") == []


@pytest.mark.parametrize("folder_names", [("broken",)])
async def test_failed_refresh_is_one_log_message(
    client: RecordingClient, workspace: Path, folder_names: tuple[str, ...]
) -> None:
    """Ensure that a refresh whose downloads fail gives one warning logMessage and no showMessage."""
    warning = await logged(client, "not fully refreshed")
    assert warning.type == types.MessageType.Warning
    assert "HTTP 404" in warning.message and "index failed" in warning.message
    buffer = Buffer(client, workspace / "broken" / "app.py", SOURCE)
    assert await buffer.diagnostics() == []
    assert [m for m in client.log_messages if "refreshed" in m.message] == [warning]
    assert client.messages == []


@pytest.mark.parametrize(("folder_names", "user_settings"), [(("online", "broken"), {})])
async def test_online_project_without_user_consent_fetches_nothing(
    client: RecordingClient,
    workspace: Path,
    registry: HeldRegistry,
    folder_names: tuple[str, ...],
    user_settings: dict[str, Any],
) -> None:
    """Ensure that `online = true` without `allowNetwork` sends no request and logs one hint how to allow it."""
    registry.gate.set()
    hint = await logged(client, "vetline.allowNetwork")
    assert hint.type == types.MessageType.Info
    assert "not allowed" in hint.message and "online" in hint.message and "broken" in hint.message
    buffer = Buffer(client, workspace / "online" / "app.py", SOURCE)
    assert await buffer.diagnostics() == []  # no index: the check is skipped, never guessed
    changed = types.FileEvent(uri=(workspace / "online" / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[changed]))
    await settled(client)  # the reload decided again, and again said nothing new
    assert registry.requests == []
    assert consent_hints(client) == [hint]
    assert client.messages == []  # a log line, never a pop-up


@pytest.mark.parametrize(("folder_names", "user_settings"), [(("online",), {})])
async def test_allowing_network_starts_the_refresh_without_restart(
    client: RecordingClient,
    workspace: Path,
    registry: HeldRegistry,
    folder_names: tuple[str, ...],
    user_settings: dict[str, Any],
) -> None:
    """Ensure that turning `allowNetwork` on in the editor refreshes an `online = true` project at once."""
    await logged(client, "vetline.allowNetwork")
    assert registry.requests == []
    buffer = Buffer(client, workspace / "online" / "app.py", SOURCE)
    assert await buffer.diagnostics() == []
    registry.gate.set()
    settings = types.DidChangeConfigurationParams(settings={"vetline": {"allowNetwork": True}})
    client.workspace_did_change_configuration(settings)
    await logged(client, "(online = true) refreshed")
    assert await codes_after_refresh(client, buffer) == [("unknown-package", 1)]
    assert index_requests(registry, "online") == ["/online/simple/", "/online/top-pypi-packages.json"]


@pytest.mark.parametrize("folder_names", [("npm",)])
async def test_online_npm_project_asks_the_registry_about_unknown_names(
    client: RecordingClient, workspace: Path, registry: HeldRegistry, folder_names: tuple[str, ...]
) -> None:
    """Ensure that with consent the server asks the npm registry about the snapshot's unknown names only,
    and the registry's 404 turns the low-confidence finding into a confirmed one."""
    buffer = Buffer(client, workspace / "npm" / "package.json", NPM_MANIFEST, language="json")
    await logged(client, "npm_registry updated")
    assert [path for _, path, _, _ in registry.requests if path.startswith("/npm/")] == ["/npm/leftpad-ai-utils"]

    async def _confirmed() -> str:
        while True:
            found = (
                await buffer.diagnostics()
                if pulls(client)
                else [d for p in client.published if p.uri == buffer.uri for d in p.diagnostics]
            )
            messages = [d.message for d in found if "answered 404" in d.message]
            if messages:
                return messages[-1]
            if not pulls(client):
                client.published_event.clear()
                await client.published_event.wait()

    message = await asyncio.wait_for(_confirmed(), TIMEOUT)
    assert "`leftpad-ai-utils` does not exist on the npm registry (127.0.0.1 answered 404" in message
