"""End-to-end: ranges are right in UTF-8, UTF-16 and UTF-32 with emoji, CJK text and CRLF.

Here the client is Neovim's profile offering exactly one encoding per run, so each of the three
negotiations happens for real.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import CONFIG, Buffer, RecordingClient
from lsprotocol import types
from pytest_lsp import client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")
LINE = 'note = "😀 漢字 ok"; yaml.load(note)'


@pytest_lsp.fixture(config=CONFIG, params=["utf-8", "utf-16", "utf-32"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, workspace: Path) -> Any:
    capabilities = client_capabilities("neovim")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=[request.param])
    params = types.InitializeParams(capabilities=capabilities, root_uri=workspace.as_uri())
    result = await lsp_client.initialize_session(params)
    assert result.capabilities.position_encoding == request.param
    lsp_client.position_encoding = request.param
    lsp_client.workspace_path = workspace
    yield
    await lsp_client.shutdown_session()


def units(text: str, encoding: str) -> int:
    """Code units of `text`, computed independently of the server's positions module."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-16":
        return len(text.encode("utf-16-le")) // 2
    return len(text)


async def test_ranges_follow_the_negotiated_encoding(client: RecordingClient) -> None:
    """Ensure that a finding after emoji and CJK on a CRLF line has the right columns."""
    encoding = client.position_encoding
    buffer = Buffer(client, client.workspace_path / "encoded.py", f"import yaml\r\n{LINE}\r\n")
    (found,) = await buffer.diagnostics()
    start = LINE.index("yaml.load")
    assert found.range.start == types.Position(line=1, character=units(LINE[:start], encoding))
    assert found.range.end == types.Position(line=1, character=units(LINE, encoding))


async def test_edits_and_fixes_use_the_negotiated_encoding(client: RecordingClient) -> None:
    """Ensure that an edit before the finding moves it by the right units and the fix lands."""
    encoding = client.position_encoding
    buffer = Buffer(client, client.workspace_path / "edited.py", f"import yaml\r\n{LINE}\r\n")
    (found,) = await buffer.diagnostics()
    buffer.replace("😀", "😀漢😀")  # sent as a range in the negotiated encoding
    (moved,) = await buffer.diagnostics()
    assert moved.range.start.character == found.range.start.character + units("漢😀", encoding)
    context = types.CodeActionContext(diagnostics=[moved], only=[types.CodeActionKind.QuickFix])
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=moved.range, context=context
    )
    (fix,) = [a for a in await client.text_document_code_action_async(params) if a.is_preferred]
    buffer.apply(fix.edit)
    assert buffer.text == 'import yaml\r\nnote = "😀漢😀 漢字 ok"; yaml.safe_load(note)\r\n'
    assert await buffer.diagnostics() == []
