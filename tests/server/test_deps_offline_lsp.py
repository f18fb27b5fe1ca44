"""End-to-end: hallucinated packages are caught offline, out of the box (issue 9).

Drives a real `vetline serve` over stdio with pytest-lsp, under the VS Code (push) and Neovim
(pull) capability profiles, with an empty user cache, no configured index and no network: the
bundled PyPI snapshot alone decides. Covers a project's code and requirements.txt, a scratch
file outside any project, and an unsaved `untitled:` buffer; and checks that a new module
reported through workspace/didChangeWatchedFiles is first-party from then on.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from lsp_helpers import SERVER_ENV, Buffer, RecordingClient, diagnostics, make_client, start_session

pytestmark = pytest.mark.asyncio(loop_scope="module")

EMPTY_CACHE = Path(os.environ.get("TMPDIR", "/tmp")) / f"vetline-offline-e2e-{os.getpid()}"
CONFIG = ClientServerConfig(
    server_command=[sys.executable, "-m", "vetline", "serve", "--log-level", "warning"],
    client_factory=make_client,
    server_env={
        **{k: v for k, v in SERVER_ENV.items() if k != "VIRTUAL_ENV"},
        "VETLINE_CACHE_DIR": str(EMPTY_CACHE),  # never created: no download exists
    },
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("offline")
    folder = root / "shop"
    folder.mkdir()
    (root / ".git").mkdir()  # the repository root: nothing above it is a project
    (folder / "requirements.txt").write_text("flask\n")
    (folder / "shop").mkdir()
    (folder / "shop" / "__init__.py").write_text("")
    (folder / "web").mkdir()
    (folder / "web" / "manage.py").write_text("")  # Django apps live beside it
    return folder


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace: Path) -> Any:
    await start_session(lsp_client, request.param, workspace)
    yield
    await lsp_client.shutdown_session()


def codes(found: list[types.Diagnostic]) -> list[tuple[int, Any, Any]]:
    return [(d.range.start.line, d.code, d.severity) for d in found]


async def test_hallucinated_import_and_requirement_are_unknown_offline(
    client: RecordingClient, workspace: Path
) -> None:
    """Ensure that with no cache a hallucinated name gets unknown-package (high) in code and requirements.txt."""
    assert not EMPTY_CACHE.exists()
    code = Buffer(client, workspace / "shop" / "auth.py", "import flask\nfrom flask_secure_auth_helpers import x\n")
    found = await code.diagnostics()
    assert codes(found) == [(1, "unknown-package", types.DiagnosticSeverity.Error)]
    assert "is not on PyPI (as of" in found[0].message and "anyone can register it" in found[0].message
    manifest = Buffer(
        client, workspace / "requirements.txt", "flask\nflask-secure-auth-helpers\n", language="pip-requirements"
    )
    assert codes(await manifest.diagnostics()) == [(1, "unknown-package", types.DiagnosticSeverity.Error)]


async def test_scratch_file_outside_any_project_is_checked(
    client: RecordingClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Ensure that a loose file gets typosquat-package and unknown-package but never undeclared-import."""
    scratch = tmp_path_factory.mktemp("scratch") / "try_it.py"
    scratch.write_text("")
    buffer = Buffer(client, scratch, "import numpy\nimport reqeusts\nimport flask_secure_auth_helpers\n")
    assert [(line, code) for line, code, _ in codes(await buffer.diagnostics())] == [
        (1, "typosquat-package"),
        (2, "unknown-package"),
    ]


async def test_untitled_buffer_is_checked(client: RecordingClient) -> None:
    """Ensure that an unsaved `untitled:` buffer gets the same checks as a scratch file."""
    uri = "untitled:Untitled-1"
    text = "import reqeusts\nimport flask_secure_auth_helpers\nimport os\n"
    item = types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
    found = await diagnostics(client, uri, 1)
    assert [(d.range.start.line, d.code) for d in found] == [(0, "typosquat-package"), (1, "unknown-package")]


async def test_created_module_becomes_first_party(client: RecordingClient, workspace: Path) -> None:
    """Ensure that an app reported created through didChangeWatchedFiles stops being an undeclared import."""
    module = workspace / "web" / "payments" / "__init__.py"
    if module.exists():  # left by the other client profile's run
        module.unlink()
        module.parent.rmdir()
        deleted = types.FileEvent(uri=module.as_uri(), type=types.FileChangeType.Deleted)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[deleted]))
    buffer = Buffer(client, workspace / "shop" / "views.py", "import flask\nimport payments\n")
    assert [(line, code) for line, code, _ in codes(await buffer.diagnostics())] == [(1, "undeclared-import")]
    module.parent.mkdir()
    module.write_text("RATE = 1\n")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=module.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    buffer.replace("import flask\n", "import flask  # edited\n")
    assert await buffer.diagnostics() == []


async def test_python_interpreter_setting_maps_imports_from_its_environment(
    client: RecordingClient, workspace: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Ensure that the `pythonInterpreter` setting makes the server read that environment's dist-info."""
    env = tmp_path_factory.mktemp("env")
    (env / "bin").mkdir()
    (env / "bin" / "python").write_text("")
    (env / "pyvenv.cfg").write_text("home = /usr/bin\n")
    dist = env / "lib" / "python3.12" / "site-packages" / "acme_sdk-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-sdk\nVersion: 1.0\n")
    (dist / "top_level.txt").write_text("acme_api\n")
    private = workspace / "private"
    private.mkdir(exist_ok=True)
    (private / "requirements.txt").write_text("acme-sdk\n")
    buffer = Buffer(client, private / "client.py", "import acme_api\n")
    assert [d.code for d in await buffer.diagnostics()] == ["unknown-package"]  # nothing says it exists
    settings = {"pythonInterpreter": str(env / "bin" / "python")}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"vetline": settings}))
    buffer.replace("import acme_api\n", "import acme_api  # private SDK\n")
    assert await buffer.diagnostics() == []
