"""End-to-end: the language server runs a workspace's project rules and reloads a changed rule file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient, pulls, wait_publish_after
from lsprotocol import types

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.init_options({"debounceMs": 0})]

RULE = """
[[rule]]
id = "team-unsafe-render"
message = "{message}"
severity = "high"
cwe = 79
category = "injection"
languages = ["python"]
calls = ["{call}"]
fix = "mylib.safe_render{{args}}"
"""
SOURCE = "import mylib\nfrom mylib import unsafe_render as r\nr(page)\nmylib.legacy(page)\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rules-project")
    (folder / ".git").mkdir()
    (folder / ".vetline.toml").write_text('select = ["team-unsafe-render"]\n', encoding="utf-8")
    write_rule(folder, "Unescaped render.", "mylib.unsafe_render")
    return folder


def write_rule(folder: Path, message: str, call: str) -> Path:
    path = folder / ".vetline" / "rules" / "team.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULE.format(message=message, call=call), encoding="utf-8")
    return path


async def changed(client: RecordingClient, buffer: Buffer, path: Path) -> list[types.Diagnostic]:
    """Tell the server the rule file changed; the diagnostics of its re-analysis of the open buffer."""
    start = len(client.published)
    change = types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[change]))
    if pulls(client):  # the notification is handled before the pull that follows it on the stream
        return await buffer.diagnostics()
    return await wait_publish_after(client, buffer.uri, start)


async def test_project_rule_reports_and_offers_its_fix(client: RecordingClient) -> None:
    """Ensure that a project rule's finding shows in the editor with its message and quick fix."""
    buffer = Buffer(client, client.workspace_path / "view.py", SOURCE)
    (found,) = await buffer.diagnostics()
    assert (found.code, found.range.start.line, found.message) == ("team-unsafe-render", 2, "Unescaped render.")
    context = types.CodeActionContext(diagnostics=[found])
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=found.range, context=context
    )
    actions = await client.text_document_code_action_async(params)
    by_title = {action.title: action for action in actions or [] if isinstance(action, types.CodeAction)}
    fix = by_title["Replace with `mylib.safe_render(page)` (unsafe fix: review it)"]
    assert not fix.is_preferred  # a project fix is unsafe unless its rule says `safe = true`
    assert fix.edit is not None
    buffer.apply(fix.edit)
    assert buffer.text == SOURCE.replace("r(page)", "mylib.safe_render(page)")
    assert await buffer.diagnostics() == []


async def test_changed_rule_file_is_reloaded(client: RecordingClient) -> None:
    """Ensure that editing `.vetline/rules/team.toml` re-analyses open documents with the new rule."""
    buffer = Buffer(client, client.workspace_path / "reload.py", SOURCE)
    (found,) = await buffer.diagnostics()
    assert found.range.start.line == 2
    path = write_rule(client.workspace_path, "Legacy render is unescaped too.", "mylib.legacy")
    try:
        (again,) = await changed(client, buffer, path)
        assert (again.range.start.line, again.message) == (3, "Legacy render is unescaped too.")
    finally:
        write_rule(client.workspace_path, "Unescaped render.", "mylib.unsafe_render")
        await changed(client, buffer, path)


async def test_broken_rule_file_is_one_message_naming_file_and_rule(client: RecordingClient) -> None:
    """Ensure that a rule file made invalid shows one message naming file, rule and problem, and
    the server keeps analysing."""
    buffer = Buffer(client, client.workspace_path / "broken.py", SOURCE)
    assert len(await buffer.diagnostics()) == 1
    path = client.workspace_path / ".vetline" / "rules" / "team.toml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('severity = "high"', 'severity = "severe"'), encoding="utf-8")
    try:
        assert await changed(client, buffer, path) == []
        texts = [message.message for message in client.messages]
        problem = [t for t in texts if ".vetline/rules/team.toml: rule `team-unsafe-render`" in t]
        assert len(problem) == 1 and "`severity` = 'severe'" in problem[0]
    finally:
        path.write_text(good, encoding="utf-8")
        assert len(await changed(client, buffer, path)) == 1
