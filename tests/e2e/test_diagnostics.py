"""End-to-end: diagnostics appear, move, carry their data, and clear, by push or by pull."""

from __future__ import annotations

import pytest
from lsp_helpers import Buffer, RecordingClient, diagnostics, pulls
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

VULNERABLE = "import yaml\n\n\ndef load(data):\n    return yaml.load(data)\n"


async def test_diagnostic_appears_on_open_and_clears_when_fixed(client: RecordingClient) -> None:
    """Ensure that an unsafe call is reported on open and the report clears once it is fixed."""
    buffer = Buffer(client, client.workspace_path / "on_open.py", VULNERABLE)
    (found,) = await buffer.diagnostics()
    assert found.code == "yaml-unsafe-load"
    assert found.source == "vetline"
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.code_description.href == "https://cwe.mitre.org/data/definitions/502.html"
    assert found.range == types.Range(
        start=types.Position(line=4, character=11), end=types.Position(line=4, character=26)
    )
    assert found.data["version"] == 1 and found.data["fix"]["safe"] is True
    buffer.replace("yaml.load(", "yaml.safe_load(")
    assert await buffer.diagnostics() == []


async def test_diagnostic_appears_after_a_change(client: RecordingClient) -> None:
    """Ensure that typing an unsafe call into a clean buffer reports it at the right place."""
    buffer = Buffer(client, client.workspace_path / "typed.py", "import yaml\n\nvalue = 1\n")
    assert await buffer.diagnostics() == []
    buffer.replace("value = 1", "value = yaml.load(text)")
    (found,) = await buffer.diagnostics()
    assert found.range.start == types.Position(line=2, character=8)
    assert found.data["version"] == 2
    assert found.data["origin"] == "typed"  # written in this session, not in one inserted block


async def test_pull_and_push_are_never_both(client: RecordingClient) -> None:
    """Ensure that a pulling client gets no pushes and a pushing client gets versioned pushes."""
    buffer = Buffer(client, client.workspace_path / "pull_push.py", VULNERABLE)
    first = await buffer.diagnostics()
    if pulls(client):
        params = types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=buffer.uri), previous_result_id=None
        )
        full = await client.text_document_diagnostic_async(params)
        params.previous_result_id = full.result_id
        again = await client.text_document_diagnostic_async(params)
        assert isinstance(again, types.RelatedUnchangedDocumentDiagnosticReport)
        assert again.result_id == full.result_id
        await client.text_document_hover_async(  # one more round trip before the negative check
            types.HoverParams(text_document=params.text_document, position=types.Position(line=0, character=0))
        )
        assert [p for p in client.published if p.uri == buffer.uri] == []
    else:
        assert [p.version for p in client.published if p.uri == buffer.uri] == [1]
        assert len(first) == 1


async def test_inserted_block_is_marked_as_such(client: RecordingClient) -> None:
    """Ensure that a finding inside a pasted block of three lines says it was inserted."""
    buffer = Buffer(client, client.workspace_path / "block.py", "import yaml\n\n")
    assert await buffer.diagnostics() == []
    block = "def load(path):\n    with open(path) as f:\n        return yaml.load(f)\n"
    end = types.Position(line=2, character=0)
    buffer.edit([types.TextEdit(range=types.Range(start=end, end=end), new_text=block)])
    (found,) = await buffer.diagnostics()
    assert found.data["origin"] == "inserted-block"
    assert "inserted in one edit" in found.message
    buffer.replace("yaml.load(f)", "yaml.load(f)  # still here")  # a later small edit keeps the origin
    (still,) = await buffer.diagnostics()
    assert still.data["origin"] == "inserted-block"


async def test_crashing_rule_does_not_kill_the_server(client: RecordingClient) -> None:
    """Ensure that a rule that raises loses only its own findings: the others still arrive."""
    text = "import yaml\ncrash_here()\nyaml.load(data)\n"
    buffer = Buffer(client, client.workspace_path / "crash.py", text)
    (found,) = await buffer.diagnostics()
    assert found.code == "yaml-unsafe-load"
    buffer.replace("crash_here()", "crash_here(1)")
    assert [d.code for d in await buffer.diagnostics()] == ["yaml-unsafe-load"]
    assert not [m for m in client.messages if "crash" in m.message]  # logged, not shown


async def test_bad_input_is_survived(client: RecordingClient) -> None:
    """Ensure that half-typed syntax, NULs and odd characters still give findings elsewhere."""
    text = "import yaml\ndef broken(:\n    x = '\x00\ufffd\U0001f600\nyaml.load(data)\n"
    buffer = Buffer(client, client.workspace_path / "bad_input.py", text)
    found = await buffer.diagnostics()
    assert [d.code for d in found] == ["yaml-unsafe-load"]
    buffer.replace("def broken(:", "def broken(")
    assert [d.range.start.line for d in await buffer.diagnostics()] == [3]


async def test_oversized_file_gets_one_notice(client: RecordingClient) -> None:
    """Ensure that a buffer over `maxFileSize` gets one informational notice and no analysis."""
    settings = {"vetline": {"maxFileSize": 2000}}
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=settings))
    text = "import yaml\nyaml.load(data)\n" + "# filler line\n" * 200
    buffer = Buffer(client, client.workspace_path / "big.py", text)
    try:
        (notice,) = await diagnostics(client, buffer.uri, 1)
    finally:
        reset = {"vetline": {"maxFileSize": 1_000_000}}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=reset))
    assert notice.severity == types.DiagnosticSeverity.Information
    assert notice.code == "file-too-large"
    assert "2,000" in notice.message
