"""End-to-end: the server's buffer stays the editor's text under the LSP's line and column rules.

Each case opens a text, sends one incremental `didChange` inserting `" + eval(input())"` and
compares the diagnostics with those of the same final text opened fresh (the final text is
computed by `lsp_text`, a model written from the specification). Before vetline kept its own
buffers, pygls's document update (str.splitlines, positions clamped in place) made every one of
these drift. A Hypothesis test then drives random edit storms over stdio.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import lsp_text
import pytest
import pytest_lsp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_helpers import CONFIG, RecordingClient, diagnostics
from lsprotocol import types
from pytest_lsp import client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="module")
INSERT = " + eval(input())"
PYPROJECT = '[tool.vetline]\nselect = ["eval-of-dynamic-code", "yaml-unsafe-load"]\n'
_names = itertools.count()


@pytest.fixture(scope="module")
def sync_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sync")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return folder


@pytest_lsp.fixture(config=CONFIG, params=["visual_studio_code", "neovim"], scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest, sync_workspace: Path) -> Any:
    uri = sync_workspace.as_uri()
    params = types.InitializeParams(capabilities=client_capabilities(request.param), root_uri=uri)
    result = await lsp_client.initialize_session(params)
    encoding = result.capabilities.position_encoding
    lsp_client.position_encoding = str(getattr(encoding, "value", encoding) or "utf-16")
    lsp_client.workspace_path = sync_workspace
    yield
    await lsp_client.shutdown_session()


def at(line: int, character: int) -> types.Range:
    return types.Range(
        start=types.Position(line=line, character=character), end=types.Position(line=line, character=character)
    )


def key(found: list[types.Diagnostic]) -> list[tuple[Any, ...]]:
    return sorted(
        (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code, d.message)
        for d in found
    )


class Editor:
    """One document open in the client, its text kept by the specification model."""

    def __init__(self, client: RecordingClient, text: str) -> None:
        self.client, self.text, self.version = client, text, 1
        self.uri = (client.workspace_path / f"buffer_{next(_names)}.py").as_uri()
        item = types.TextDocumentItem(uri=self.uri, language_id="python", version=1, text=text)
        client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))

    def change(self, *changes: types.TextDocumentContentChangePartial) -> None:
        for change in changes:
            self.text = lsp_text.apply(self.text, change, self.client.position_encoding)
        self.version += 1
        identifier = types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(identifier, list(changes)))

    async def diagnostics(self) -> list[types.Diagnostic]:
        return await diagnostics(self.client, self.uri, self.version)

    def close(self) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(self.uri)))


async def fresh(client: RecordingClient, text: str) -> list[types.Diagnostic]:
    editor = Editor(client, text)
    found = await editor.diagnostics()
    editor.close()
    return found


CASES = {
    "past the end of the last line": ("x = a", [at(0, 99)]),
    "form feed on an earlier line": ("import os\n\x0c\nx = a\n", [at(2, 5)]),
    "U+2028 inside a string earlier": ('s = "a\u2028b"\nx = a\n', [at(1, 5)]),
    "U+0085 in a comment earlier": ("# note \u0085 here\nx = a\n", [at(1, 5)]),
    "U+001C-U+001E earlier": ("# \x1c\x1d\x1e\nx = a\n", [at(1, 5)]),
    "CRLF: one past a line end, then the next line": ("x = a\r\ny = b\r\n", [at(0, 6), at(1, 5)]),
    "lone CR line break": ("a = 1\rx = a\n", [at(1, 5)]),
    "emoji before the edit": ("s = '😀'; x = a\n", [at(0, 99)]),
    "past the last line": ("x = a\n", [at(7, 0)]),
}


@pytest.mark.parametrize("case", CASES)
async def test_incremental_edit_gives_the_diagnostics_of_a_fresh_open(client: RecordingClient, case: str) -> None:
    """Ensure that after one incremental change the diagnostics equal those of the final text opened fresh."""
    text, ranges = CASES[case]
    editor = Editor(client, text)
    await editor.diagnostics()
    editor.change(*(types.TextDocumentContentChangePartial(range=r, text=INSERT) for r in ranges))
    edited = await editor.diagnostics()
    assert "eval(input())" in editor.text and edited  # the inserted call is flagged ...
    assert key(edited) == key(await fresh(client, editor.text))  # ... exactly where a fresh open puts it
    editor.close()


async def test_quick_fix_lands_where_the_finding_is_after_drift_prone_edits(client: RecordingClient) -> None:
    """Ensure that a quick fix computed after edits over form feeds, U+2028 and a lone CR replaces exactly the call."""
    editor = Editor(client, "import os\n\x0c\ns = '\u2028'\ra = 1\r\nx = a\n")
    await editor.diagnostics()
    editor.change(types.TextDocumentContentChangePartial(range=at(4, 99), text=" + eval(input())"))
    (found,) = [d for d in await editor.diagnostics() if d.code == "eval-of-dynamic-code"]
    context = types.CodeActionContext(diagnostics=[found], only=[types.CodeActionKind.QuickFix])
    params = types.CodeActionParams(types.TextDocumentIdentifier(editor.uri), found.range, context)
    actions = await client.text_document_code_action_async(params)
    (fix,) = [a for a in actions or [] if "literal_eval" in a.title]
    edits = [e for c in fix.edit.document_changes or [] for e in getattr(c, "edits", [])]
    edits += [e for e in (fix.edit.changes or {}).get(editor.uri, [])]
    editor.change(*(types.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in reversed(edits)))
    assert editor.text == "import ast\nimport os\n\x0c\ns = '\u2028'\ra = 1\r\nx = a + ast.literal_eval(input())\n"
    assert key(await editor.diagnostics()) == key(await fresh(client, editor.text))
    editor.close()


PIECES = [
    "\n",
    "\r\n",
    "\r",
    "\x0c",
    "\u2028",
    "\u0085",
    "\x1c",
    "\x1e",
    "😀",
    "漢",
    "x",
    " = a",
    INSERT,
    "eval(s)",
    "'",
]


@st.composite
def edit(draw: st.DrawFn, text: str, encoding: str) -> types.TextDocumentContentChangePartial:
    """A random change: at character boundaries (never inside a CRLF), sometimes past line or file ends."""

    def point() -> types.Position:
        boundaries = [i for i in range(len(text) + 1) if text[i - 1 : i + 1] != "\r\n"]
        spot = lsp_text.position(text, draw(st.sampled_from(boundaries)), encoding)
        kind = draw(st.sampled_from(["exact", "exact", "exact", "past line", "past file"]))
        if kind == "past line":
            return types.Position(line=spot.line, character=spot.character + draw(st.integers(1, 50)))
        if kind == "past file":
            return types.Position(
                line=len(lsp_text.lines(text)) + draw(st.integers(0, 3)), character=draw(st.integers(0, 9))
            )
        return spot

    first, second = point(), point()
    ordered = sorted([first, second], key=lambda p: (p.line, p.character))
    new = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=4)))
    return types.TextDocumentContentChangePartial(range=types.Range(start=ordered[0], end=ordered[1]), text=new)


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
async def test_random_edit_storms_keep_diagnostics_equal_to_a_fresh_open(
    client: RecordingClient, data: st.DataObject
) -> None:
    """Ensure that after every random edit the diagnostics equal those of the client's text opened fresh."""
    editor = Editor(client, "import os\r\n\x0cx = a\n")
    await editor.diagnostics()
    for _ in range(12):
        editor.change(data.draw(edit(editor.text, client.position_encoding)))
        assert key(await editor.diagnostics()) == key(await fresh(client, editor.text)), repr(editor.text)
    editor.close()
