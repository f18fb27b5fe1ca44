"""Unit tests of incremental analysis: re-analysing edited definitions gives the full answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from lsprotocol import types
from vetline.rules.engine import Engine
from vetline.rules.python.yaml_unsafe_load import RULE
from vetline.server.config import Config
from vetline.server.lsp.analysis import analyse
from vetline.server.lsp.documents import Document, open_document
from vetline.server.positions import UTF16

MODULE = "import yaml\nfrom yaml import load as yload\n\n" + "".join(
    f"\ndef f{i}(data):\n    value = yaml.{'load' if i % 3 == 0 else 'safe_load'}(data)\n    return value\n"
    for i in range(12)
)


def fake_server() -> SimpleNamespace:
    engine = Engine([RULE])
    projects = SimpleNamespace(config_for=lambda path: Config(), engine_for=lambda path: engine)
    return SimpleNamespace(projects=projects, encoding=UTF16, show_once=lambda message: None)


def edit(doc: Document, old: str, new: str, occurrence: int = 0) -> None:
    text = doc.source.decode()
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(old, start + 1)
    before = text[:start].split("\n")
    end = text[: start + len(old)].split("\n")
    rng = types.Range(
        start=types.Position(line=len(before) - 1, character=len(before[-1])),
        end=types.Position(line=len(end) - 1, character=len(end[-1])),
    )
    doc.apply(types.TextDocumentContentChangePartial(range=rng, text=new), UTF16)
    doc.version += 1


def summary(findings: tuple) -> list[tuple]:
    return [(f.rule_id, f.start_byte, f.end_byte, f.start, f.end, f.fix) for f in findings]


def full_answer(doc: Document) -> list[tuple]:
    fresh = open_document(
        types.TextDocumentItem(uri=doc.uri, language_id="python", version=0, text=doc.source.decode())
    )
    return summary(analyse(fake_server(), fresh).findings)


@pytest.mark.parametrize(
    ("old", "new", "occurrence", "partial"),
    [
        ("yaml.safe_load(data)", "yaml.load(data)", 3, True),  # a new finding inside one function
        ("yaml.load(data)", "yaml.safe_load(data)", 1, True),  # a finding fixed inside one function
        ("    return value\n", "    return value\n    extra = yload(data)\n", 4, True),  # typed at a function's end
        ("value = yaml", "value  =  yaml", 0, True),  # a finding moves within its line
        ("import yaml\n", "import yaml\nimport os\n", 0, False),  # module level: imports matter everywhere
        ("    return value\n", "    return value\n\ndef g(x):\n    return yaml.load(x)\n", 2, True),  # a new function
        ("    return value\n", "    return value\n\nCONFIG = yaml.load(blob)\n", 11, True),  # appended at module level
        (
            "    return value\n",
            "    return value\n\nx = 1\ndef g(x):\n    return yload(x)\n",
            5,
            True,
        ),  # a pasted block
        ("import yaml\n", "", 0, False),  # an import removed
        ("def f5(data):", "def f5(data:", 0, False),  # half-typed syntax
    ],
)
def test_incremental_result_equals_a_full_analysis(old: str, new: str, occurrence: int, partial: bool) -> None:
    """Ensure that each kind of edit gives exactly the findings a full analysis gives."""
    server = fake_server()
    doc = open_document(types.TextDocumentItem(uri="file:///p/m.py", language_id="python", version=1, text=MODULE))
    analyse(server, doc)
    edit(doc, old, new, occurrence)
    result = analyse(server, doc)
    assert result.partial is partial
    assert summary(result.findings) == full_answer(doc)


def test_a_sequence_of_edits_stays_equal_to_full_analyses() -> None:
    """Ensure that findings moved through many incremental rounds never drift."""
    server = fake_server()
    doc = open_document(types.TextDocumentItem(uri="file:///p/m.py", language_id="python", version=1, text=MODULE))
    analyse(server, doc)
    for step in range(8):
        edit(doc, "    return value\n", f"    return value  # {step}\n", 0)
        edit(doc, "safe_load", "load", 0)
        result = analyse(server, doc)
        assert result.partial and summary(result.findings) == full_answer(doc)
