"""Incremental analysis of TypeScript buffers: re-analysing the edited unit gives the full answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from lsprotocol import types
from test_lsp_incremental import edit, summary
from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.server.config import Config
from vetline.server.lsp.analysis import analyse
from vetline.server.lsp.documents import Document, open_document
from vetline.server.positions import UTF16

RULES = [r for r in registry.all_rules() if r.id in ("js-os-command-injection", "js-sql-query-built-from-strings")]
HANDLER = """
app.get("/items/{i}", async (req: Request, res: Response) => {{
  const id = req.query.id;
  const rows = await db.query("SELECT * FROM items WHERE id = " + {value});
  res.json({{ rows }});
}});
"""
MODULE = (
    'import express, { Request, Response } from "express";\nimport { exec } from "node:child_process";\n'
    "const app = express();\nconst db: any = null;\n"
    + "".join(HANDLER.format(i=i, value="id" if i % 3 == 0 else "1") for i in range(9))
    + "\nexport function run(dir: string) {\n  exec(`ls ${dir}`);\n}\n"
    + "\nclass Jobs {\n  start(req: Request) {\n    exec(req.body.cmd);\n  }\n}\n"
)


def fake_server() -> SimpleNamespace:
    engine = Engine(RULES)
    projects = SimpleNamespace(config_for=lambda path: Config(), engine_for=lambda path: engine)
    return SimpleNamespace(projects=projects, encoding=UTF16, show_once=lambda message: None)


def full_answer(doc: Document) -> list[tuple]:
    text = doc.source.decode()
    fresh = open_document(types.TextDocumentItem(uri=doc.uri, language_id="typescript", version=0, text=text))
    return summary(analyse(fake_server(), fresh).findings)


@pytest.mark.parametrize(
    ("old", "new", "occurrence", "partial"),
    [
        ('" + 1)', '" + id)', 0, True),  # a new finding inside one route handler
        ('" + id)', '" + Number(id))', 1, True),  # a finding fixed inside one handler
        ("  res.json({ rows });\n", "  xres.json({ rows });\n", 2, True),  # half-typed text inside a handler
        ("    exec(req.body.cmd);\n", "    exec(req.body.cmd);\n    exec(req.query.x);\n", 0, True),  # in a class
        ("});\n", '});\napp.post("/new", (req: Request) => { exec(req.body.x); });\n', 4, True),  # a new route
        ("const db: any = null;\n", "const db: any = null;\nconst BASE = 1;\n", 0, True),  # module-level value
        ('import { exec } from "node:child_process";\n', "", 0, False),  # an import removed
        ("const app = express();\n", 'const cp = require("child_process");\nconst app = express();\n', 0, False),
        ('app.get("/items/4"', 'app.get("/items/4" +', 0, True),  # an error stays inside its statement
    ],
)
def test_incremental_typescript_result_equals_a_full_analysis(
    old: str, new: str, occurrence: int, partial: bool
) -> None:
    """Ensure that each kind of TypeScript edit gives exactly the findings a full analysis gives."""
    server = fake_server()
    doc = open_document(types.TextDocumentItem(uri="file:///p/m.ts", language_id="typescript", version=1, text=MODULE))
    first = analyse(server, doc)
    assert len(first.findings) == 5  # three handlers, the template-literal exec, the class method
    edit(doc, old, new, occurrence)
    result = analyse(server, doc)
    assert result.partial is partial
    assert summary(result.findings) == full_answer(doc)


def test_typing_in_a_handler_keeps_going_incrementally_through_syntax_errors() -> None:
    """Ensure that typing (and deleting) an invalid character stays incremental and equal to full analyses."""
    server = fake_server()
    doc = open_document(types.TextDocumentItem(uri="file:///p/m.ts", language_id="typescript", version=1, text=MODULE))
    analyse(server, doc)
    for step in range(6):
        edit(
            doc,
            "  res.json({ rows });\n",
            "  xres.json({ rows });\n" if step % 2 == 0 else "  res.json({ rows });\n",
            0,
        )
        if step % 2:
            edit(doc, "  xres.json", "  res.json", 0)
        result = analyse(server, doc)
        assert result.partial and summary(result.findings) == full_answer(doc)
