"""End-to-end: hovering a flagged range explains the rule in Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The YAML rule and the secrets rules (a secret's "why" is long enough to need shortening)."""
    folder = tmp_path_factory.mktemp("hover-project")
    select = '["yaml-unsafe-load", "secrets", "crashing-rule"]'
    (folder / "pyproject.toml").write_text(f"[tool.vetline]\nselect = {select}\n", encoding="utf-8")
    return folder


async def hover(client: RecordingClient, buffer: Buffer, line: int, character: int) -> types.Hover | None:
    params = types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri),
        position=types.Position(line=line, character=character),
    )
    return await client.text_document_hover_async(params)


async def test_hover_on_a_finding_explains_it(client: RecordingClient) -> None:
    """Ensure that hover shows the title, why it is dangerous, the fix, CWE and OWASP links."""
    buffer = Buffer(client, client.workspace_path / "hover.py", "import yaml\nyaml.load(data)\n")
    await buffer.diagnostics()
    result = await hover(client, buffer, 1, 3)
    assert result is not None and result.contents.kind == types.MarkupKind.Markdown
    text = result.contents.value
    assert "**Unsafe YAML deserialization**" in text
    assert "**Why is this dangerous?**" in text and "remote code execution" in text
    assert "**Fix:** Use `yaml.safe_load` (safe" in text
    assert "[CWE-502](https://cwe.mitre.org/data/definitions/502.html)" in text
    assert "https://owasp.org/Top10/A08_2021-Software_and_Data_Integrity_Failures/" in text
    assert result.range.start == types.Position(line=1, character=0)


async def test_hover_away_from_findings_returns_nothing(client: RecordingClient) -> None:
    """Ensure that hover on clean code returns no content."""
    buffer = Buffer(client, client.workspace_path / "hover_clean.py", "import yaml\nyaml.load(data)\n")
    await buffer.diagnostics()
    assert await hover(client, buffer, 0, 2) is None


async def test_hover_puts_message_fix_and_links_before_a_short_why(client: RecordingClient) -> None:
    """Ensure that hover leads with the message, fix and links, keeps the why short (no detector
    internals), names `vetline explain`, and says the message once."""
    source = 'STRIPE_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n'
    buffer = Buffer(client, client.workspace_path / "hover_secret.py", source)
    diagnostics = await buffer.diagnostics()
    message = next(d.message for d in diagnostics if d.code == "hardcoded-secret")
    result = await hover(client, buffer, 0, 16)
    assert result is not None
    text = result.contents.value
    order = [text.index(message), text.index("**Fix:**"), text.index("[CWE-798]"), text.index("**Why is this")]
    assert order == sorted(order)
    assert text.count(message) == 1
    assert "detect-secrets" not in text and "entropy" not in text  # how the detector works: `vetline explain`
    assert "More: `vetline explain hardcoded-secret`." in text
    assert "sk_live_4eC39HqLyjWDarjtT1zdp7dc" not in text
