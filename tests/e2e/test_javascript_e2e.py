"""End-to-end over stdio: TypeScript and TSX buffers get diagnostics, quick fixes and ignore actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("js-project")
    (folder / "package.json").write_text('{"name": "app", "dependencies": {}}\n', encoding="utf-8")
    (folder / ".vetline.toml").write_text('select = ["injection"]\n', encoding="utf-8")
    return folder


TS_SOURCE = (
    "const params = new URLSearchParams(location.search);\n"
    "export function greet(el: HTMLElement): void {\n"
    '  el.innerHTML = params.get("name") ?? "";\n'
    "}\n"
)
TSX_SOURCE = (
    'import { exec } from "node:child_process";\n'
    "export function Run({ cmd }: { cmd: string }) {\n"
    '  exec("ls " + process.argv[2]);\n'
    "  return <div>{cmd}</div>;\n"
    "}\n"
)


async def actions(client: RecordingClient, buffer: Buffer, found: list[types.Diagnostic]) -> list[types.CodeAction]:
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=99, character=0))
    params = types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=buffer.uri),
        range=whole,
        context=types.CodeActionContext(diagnostics=found),
    )
    result = await client.text_document_code_action_async(params)
    found_actions = [a for a in result or [] if isinstance(a, types.CodeAction)]
    return [a if a.edit is not None else await client.code_action_resolve_async(a) for a in found_actions]


async def test_typescript_buffer_gets_xss_diagnostic_and_safe_text_content_fix(client: RecordingClient) -> None:
    """Ensure that a .ts buffer reports innerHTML from the URL and its preferred fix uses textContent."""
    buffer = Buffer(client, client.workspace_path / "greet.ts", TS_SOURCE, language="typescript")
    found = await buffer.diagnostics()
    assert [(d.code, d.range.start.line) for d in found] == [("js-xss-inner-html", 2)]
    (fix,) = [a for a in await actions(client, buffer, found) if a.is_preferred]
    assert fix.edit is not None
    buffer.apply(fix.edit)
    assert '  el.textContent = params.get("name") ?? "";\n' in buffer.text
    assert await buffer.diagnostics() == []


async def test_tsx_buffer_gets_command_diagnostic_and_ignore_action(client: RecordingClient) -> None:
    """Ensure that a .tsx buffer reports a shell command and "Ignore" adds a `//` vetline comment."""
    buffer = Buffer(client, client.workspace_path / "run.tsx", TSX_SOURCE, language="typescriptreact")
    found = await buffer.diagnostics()
    assert [(d.code, d.range.start.line) for d in found] == [("js-os-command-injection", 2)]
    (ignore,) = [
        a for a in await actions(client, buffer, found) if a.title == "Ignore js-os-command-injection on this line"
    ]
    assert ignore.edit is not None
    buffer.apply(ignore.edit)
    assert '  exec("ls " + process.argv[2]);  // vetline: ignore[js-os-command-injection]\n' in buffer.text
    assert await buffer.diagnostics() == []


async def test_javascriptreact_language_id_is_analysed(client: RecordingClient) -> None:
    """Ensure that VS Code's `javascriptreact` id maps to JavaScript (JSX) analysis."""
    source = "export const C = ({ html }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n"
    buffer = Buffer(client, client.workspace_path / "c.jsx", source, language="javascriptreact")
    assert [d.code for d in await buffer.diagnostics()] == ["js-react-dangerously-set-inner-html"]


ROUTES = (
    'import { exec } from "node:child_process";\n'
    "const app: any = null;\n"
    + "".join(f'app.get("/r{i}", (req: any, res: any) => {{\n  res.json({{ page: {i} }});\n}});\n' for i in range(40))
    + 'app.post("/run", (req: any) => { exec("ls " + req.body.dir); });\n'
)


async def test_typing_inside_one_typescript_route_updates_only_what_changed(client: RecordingClient) -> None:
    """Ensure that edits in one handler of a .ts file (valid, half-typed, a new finding) keep every other finding."""
    buffer = Buffer(client, client.workspace_path / "routes.ts", ROUTES, language="typescript")
    assert [(d.code, d.range.start.line) for d in await buffer.diagnostics()] == [("js-os-command-injection", 122)]
    buffer.replace("  res.json({ page: 3 });\n", "  res.json({ page: 3 }\n")  # half-typed: a syntax error
    assert [(d.code, d.range.start.line) for d in await buffer.diagnostics()] == [("js-os-command-injection", 122)]
    buffer.replace("  res.json({ page: 3 }\n", '  res.json({ page: 3 });\n  exec("rm " + req.query.f);\n')
    found = [(d.code, d.range.start.line) for d in await buffer.diagnostics()]
    assert found == [("js-os-command-injection", 13), ("js-os-command-injection", 123)]
