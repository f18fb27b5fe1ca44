"""The notebook model: cells joined into one module and findings, fixes and magics mapped back."""

from __future__ import annotations

import json

import pytest
from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.rules.model import Edit, Fix, Position
from vetline.rules.notebooks import CellModule, NotebookError, parse_notebook, python_source

ENGINE = Engine([registry.by_id()[rule_id] for rule_id in ("yaml-unsafe-load", "hardcoded-secret")])
OPENAI_KEY = "sk-proj-" + "Zx81KfL0qPw3RtY7uVb2NmC4sJd6HgE9aT5"


def analyse(cells: list[tuple[str, str]]) -> dict[object, list[tuple[str, Position]]]:
    module = CellModule(cells)
    found = module.cell_findings(ENGINE.analyze(module.source, "python").findings)
    return {key: [(f.rule_id, f.start) for f in findings] for key, findings in found.items()}


def test_findings_come_back_in_the_coordinates_of_their_cell() -> None:
    """Ensure that a call in the third cell is reported on that cell's own line and column."""
    cells = [("a", "import yaml as y\n"), ("b", "x = 1"), ("c", "\n  # note\nz = y.load(s)\n")]
    assert analyse(cells) == {"a": [], "b": [], "c": [("yaml-unsafe-load", Position(2, 4))]}


def test_magics_become_comments_of_the_same_length() -> None:
    """Ensure that `%line` magics and `!shell` lines do not break parsing and keep every offset."""
    source = "%matplotlib inline\n  !pip install x\nimport yaml\n"
    python = python_source(source)
    assert python == b"#matplotlib inline\n  #pip install x\nimport yaml\n"
    assert python_source("%%bash\necho hi\n") is None
    assert python_source("%%time\nimport yaml\n") == b"#%time\nimport yaml\n"


def test_a_fix_inserting_above_the_cell_moves_to_the_cell_start() -> None:
    """Ensure that an import a fix adds at the top of the module lands at the start of the fixed cell."""
    module = CellModule([("a", "x = 1\n"), ("b", f"KEY = '{OPENAI_KEY}'\n")])
    (finding,) = ENGINE.analyze(module.source, "python").findings
    key, moved = module.to_cell(finding) or (None, None)
    assert key == "b" and moved is not None and moved.fix is not None
    cell = b"KEY = '" + OPENAI_KEY.encode() + b"'\n"
    local = sorted((e for e in moved.fix.edits if e.path is None), key=lambda e: e.start_byte, reverse=True)
    for edit in local:
        cell = cell[: edit.start_byte] + edit.new_text.encode() + cell[edit.end_byte :]
    assert cell == b'import os\nKEY = os.environ["KEY"]\n'


def test_a_fix_editing_another_cell_is_dropped() -> None:
    """Ensure that a fix replacing text outside its cell is not offered on the cell (it would edit the wrong text)."""
    module = CellModule([("a", "x = 1\n"), ("b", "y = 2\n")])
    segment = module.segments[1]
    fix = Fix("rewrite", (Edit(0, 1, "z"), Edit(segment.start, segment.start + 1, "w")), safe=True)
    assert module._fix_in(fix, segment) is None


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe", "not valid JSON"),
        (b'{"cells": 1}', "no `cells` list"),
        (b"{" * 50_000, "not valid JSON"),
    ],
)
def test_malformed_notebooks_raise_a_readable_error(data: bytes, reason: str) -> None:
    """Ensure that bytes that are not an nbformat 4 notebook give a NotebookError naming the problem."""
    with pytest.raises(NotebookError, match=reason):
        parse_notebook(data)


def test_cells_of_odd_shapes_are_read_without_crashing() -> None:
    """Ensure that a source given as a string, a cell that is not an object and unknown outputs are tolerated."""
    document = {
        "cells": [
            {"cell_type": "code", "source": "a = 1\nb = 2", "outputs": [{"output_type": "weird"}, 3]},
            "not a cell",
            {"cell_type": "code", "source": ["c", 5, " = 3\n"], "outputs": "none"},
        ]
    }
    notebook = parse_notebook(json.dumps(document).encode())
    assert [(c.kind, c.source, c.outputs) for c in notebook.cells] == [
        ("code", "a = 1\nb = 2", ()),
        ("raw", "", ()),
        ("code", "c = 3\n", ()),
    ]


def test_an_import_added_to_a_cell_magic_cell_goes_after_the_magic_line() -> None:
    """Ensure that a fix inserting `import os` into a `%%time` cell keeps the magic on the first line."""
    module = CellModule([("a", "x = 1\n"), ("b", f"%%time\nKEY = '{OPENAI_KEY}'\n")])
    (finding,) = ENGINE.analyze(module.source, "python").findings
    _key, moved = module.to_cell(finding) or (None, None)
    assert moved is not None and moved.fix is not None
    cell = f"%%time\nKEY = '{OPENAI_KEY}'\n".encode()
    for edit in sorted((e for e in moved.fix.edits if e.path is None), key=lambda e: e.start_byte, reverse=True):
        cell = cell[: edit.start_byte] + edit.new_text.encode() + cell[edit.end_byte :]
    assert cell == b'%%time\nimport os\nKEY = os.environ["KEY"]\n'


def test_nbformat_3_worksheets_are_read_in_order() -> None:
    """Ensure that nbformat 3 cells of every worksheet are read, code from `input`, headings as text."""
    document = {
        "nbformat": 3,
        "worksheets": [
            {"cells": [{"cell_type": "heading", "level": 1, "source": "Title"}]},
            {"cells": [{"cell_type": "code", "input": ["a = 1\n", "b = 2"], "language": "python", "outputs": [
                {"output_type": "pyout", "text": ["3"], "html": ["<b>3</b>"], "png": "iVBOR"},
                {"output_type": "pyerr", "ename": "E", "evalue": "v", "traceback": ["\u001b[31mtb\u001b[0m"]},
            ]}]},
        ],
    }  # fmt: skip
    notebook = parse_notebook(json.dumps(document).encode())
    assert [(c.kind, c.source, c.field) for c in notebook.cells] == [
        ("markdown", "Title", "source"),
        ("code", "a = 1\nb = 2", "input"),
    ]
    assert [o.text for o in notebook.cells[1].outputs] == ["3\n<b>3</b>", "E: v\ntb"]
    assert notebook.is_python
