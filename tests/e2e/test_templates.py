"""End-to-end: Jinja2/Django templates get diagnostics from the language server over stdio."""

from __future__ import annotations

import pytest
from lsp_helpers import Buffer, RecordingClient
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

TEMPLATE = '{% extends "base.html" %}\n{% block content %}\n  <div>{{ review.text|safe }}</div>\n{% endblock %}\n'


async def test_html_template_in_templates_folder_is_checked(client: RecordingClient) -> None:
    """Ensure that `templates/*.html` opened as `html` reports `|safe` and clears once it is removed."""
    path = client.workspace_path / "templates" / "review.html"
    buffer = Buffer(client, path, TEMPLATE, language="html")
    (found,) = await buffer.diagnostics()
    assert found.code == "template-escaping-disabled"
    assert found.range == types.Range(
        start=types.Position(line=2, character=7), end=types.Position(line=2, character=29)
    )
    assert "`|safe`" in found.message
    buffer.replace("|safe", "")
    assert await buffer.diagnostics() == []


async def test_jinja_file_reports_autoescape_off(client: RecordingClient) -> None:
    """Ensure that a `.jinja2` template opened as `jinja-html` reports `{% autoescape false %}`."""
    text = "<p>{{ title }}</p>\n{% autoescape false %}{{ body }}{% endautoescape %}\n"
    buffer = Buffer(client, client.workspace_path / "page.jinja2", text, language="jinja-html")
    (found,) = await buffer.diagnostics()
    assert found.code == "template-escaping-disabled"
    assert found.range.start == types.Position(line=1, character=0)
