"""The end-to-end fixture: a real `vetline serve` over stdio per test, driven by pytest-lsp.

Parametrized over the VS Code and Neovim capability profiles pytest-lsp ships: VS Code 1.65
has no pull diagnostics (push path), Neovim 0.11 pulls (pull path) and offers UTF-8 positions.
Each test module gets a fresh workspace folder whose configuration selects only `yaml-unsafe-load`
(stable and fixable), `template-escaping-disabled` (for template files) and the test-only
`crashing-rule`, so rules landing later cannot change what these tests see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import CONFIG, RecordingClient
from lsprotocol import types
from pytest_lsp import client_capabilities

PROFILES = ["visual_studio_code", "neovim"]
PYPROJECT = '[tool.vetline]\nselect = ["yaml-unsafe-load", "template-escaping-disabled", "crashing-rule"]\n'


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("project")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


def capabilities_for(request: pytest.FixtureRequest) -> types.ClientCapabilities:
    capabilities = client_capabilities(request.param)
    marker = request.node.get_closest_marker("position_encodings")
    if marker is not None:  # pretend the client offers exactly these encodings
        capabilities.general = types.GeneralClientCapabilities(position_encodings=list(marker.args))
    return capabilities


# One server per test module and profile keeps the suite fast; tests use distinct file names,
# and a module whose tests change settings restores them.
@pytest_lsp.fixture(config=CONFIG, params=PROFILES, scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace: Path) -> Any:
    marker = request.node.get_closest_marker("init_options")
    uri = workspace.as_uri()
    params = types.InitializeParams(
        capabilities=capabilities_for(request),
        root_uri=uri,
        workspace_folders=[types.WorkspaceFolder(uri=uri, name="project")],
        initialization_options=marker.args[0] if marker else None,
    )
    result = await lsp_client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    lsp_client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    lsp_client.workspace_path = workspace
    yield
    await lsp_client.shutdown_session()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "init_options(options): initializationOptions for the e2e client")
    config.addinivalue_line("markers", "position_encodings(*names): the encodings the e2e client offers")
