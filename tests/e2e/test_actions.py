"""End-to-end: quick fixes, ignore comments and fix-all, applied the way an editor applies them."""

from __future__ import annotations

import pytest
from lsp_helpers import Buffer, RecordingClient, edits_for
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

TWO_LOADS = "import yaml\n\na = yaml.load(one)\nb = yaml.load(two, Loader=yaml.Loader)\n"


async def actions(
    client: RecordingClient, buffer: Buffer, found: list[types.Diagnostic], only: list[str] | None = None
) -> list[types.CodeAction]:
    context = types.CodeActionContext(diagnostics=found, only=only)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=99, character=0))
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri), range=whole, context=context
    )
    result = await client.text_document_code_action_async(params)
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


async def resolved(client: RecordingClient, action: types.CodeAction) -> types.WorkspaceEdit:
    if action.edit is None:
        action = await client.code_action_resolve_async(action)
    assert action.edit is not None
    return action.edit


async def test_quick_fix_applies_and_its_diagnostic_goes_away(client: RecordingClient) -> None:
    """Ensure that the preferred quick fix rewrites the call and the diagnostic disappears."""
    buffer = Buffer(client, client.workspace_path / "quickfix.py", "import yaml\nyaml.load(data)\n")
    found = await buffer.diagnostics()
    (fix,) = [a for a in await actions(client, buffer, found) if a.is_preferred]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.title == "Use `yaml.safe_load`"
    buffer.apply(fix.edit)
    assert buffer.text == "import yaml\nyaml.safe_load(data)\n"
    assert await buffer.diagnostics() == []


async def test_unsafe_fix_is_offered_but_not_preferred(client: RecordingClient) -> None:
    """Ensure that a fix that may change behaviour is labelled unsafe and never preferred."""
    buffer = Buffer(client, client.workspace_path / "unsafe.py", "import yaml\nyaml.load(f, Loader=yaml.Loader)\n")
    found = await buffer.diagnostics()
    (fix,) = [a for a in await actions(client, buffer, found) if a.title.startswith("Use")]
    assert not fix.is_preferred and "unsafe" in fix.title


async def test_stale_diagnostic_gets_a_recomputed_fix(client: RecordingClient) -> None:
    """Ensure that a quick fix asked for with an old diagnostic edits the current text."""
    buffer = Buffer(client, client.workspace_path / "stale.py", "import yaml\nyaml.load(data)\n")
    (old,) = await buffer.diagnostics()
    buffer.replace("import yaml\n", "import yaml\nimport os\n")  # moves the call down a line
    (current,) = await buffer.diagnostics()
    # The editor shifted the range along with the text; the data (byte offsets) is version 1's.
    current.data = old.data
    (fix,) = [a for a in await actions(client, buffer, [current]) if a.is_preferred]
    buffer.apply(fix.edit)
    assert buffer.text == "import yaml\nimport os\nyaml.safe_load(data)\n"


async def test_ignore_on_this_line_silences_the_rule(client: RecordingClient) -> None:
    """Ensure that "Ignore on this line" adds a vetline comment that silences the finding."""
    buffer = Buffer(client, client.workspace_path / "ignore_line.py", "import yaml\nyaml.load(data)\n")
    found = await buffer.diagnostics()
    (ignore,) = [a for a in await actions(client, buffer, found) if a.title == "Ignore yaml-unsafe-load on this line"]
    buffer.apply(ignore.edit)
    assert buffer.text == "import yaml\nyaml.load(data)  # vetline: ignore[yaml-unsafe-load]\n"
    assert await buffer.diagnostics() == []


async def test_ignore_on_this_line_merges_with_an_existing_comment(client: RecordingClient) -> None:
    """Ensure that an existing `vetline: ignore[...]` comment is extended, not duplicated."""
    text = "import yaml\nyaml.load(data)  # vetline: ignore[weak-hash-md5-sha1]\n"
    buffer = Buffer(client, client.workspace_path / "ignore_merge.py", text)
    found = await buffer.diagnostics()
    (ignore,) = [a for a in await actions(client, buffer, found) if a.title.endswith("on this line")]
    buffer.apply(ignore.edit)
    assert buffer.text == "import yaml\nyaml.load(data)  # vetline: ignore[weak-hash-md5-sha1, yaml-unsafe-load]\n"
    assert await buffer.diagnostics() == []


async def test_ignore_in_this_file_silences_every_occurrence(client: RecordingClient) -> None:
    """Ensure that "Ignore in this file" adds one file-wide comment at the top."""
    buffer = Buffer(client, client.workspace_path / "ignore_file.py", "#!/usr/bin/env python\n" + TWO_LOADS)
    found = await buffer.diagnostics()
    assert len(found) == 2
    (ignore,) = [a for a in await actions(client, buffer, found[:1]) if a.title.endswith("in this file")]
    buffer.apply(await resolved(client, ignore))
    assert buffer.text.startswith("#!/usr/bin/env python\n# vetline: ignore-file[yaml-unsafe-load]\nimport yaml\n")
    assert await buffer.diagnostics() == []


async def test_fix_all_applies_only_safe_fixes(client: RecordingClient) -> None:
    """Ensure that `source.fixAll.vetline` rewrites the safe case and leaves the unsafe one."""
    buffer = Buffer(client, client.workspace_path / "fix_all.py", TWO_LOADS)
    found = await buffer.diagnostics()
    (fix_all,) = await actions(client, buffer, found, only=["source.fixAll.vetline"])
    buffer.apply(await resolved(client, fix_all))
    assert buffer.text == "import yaml\n\na = yaml.safe_load(one)\nb = yaml.load(two, Loader=yaml.Loader)\n"
    (left,) = await buffer.diagnostics()
    assert left.range.start.line == 3


async def test_quick_fix_kind_filter_excludes_fix_all(client: RecordingClient) -> None:
    """Ensure that asking only for quick fixes returns no source action."""
    buffer = Buffer(client, client.workspace_path / "only_quickfix.py", "import yaml\nyaml.load(data)\n")
    found = await buffer.diagnostics()
    kinds = {a.kind for a in await actions(client, buffer, found, only=[types.CodeActionKind.QuickFix])}
    assert kinds == {types.CodeActionKind.QuickFix}
    assert edits_for(types.WorkspaceEdit(), buffer.uri) == []
