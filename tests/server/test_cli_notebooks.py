"""The CLI on Jupyter notebooks: cells analysed as one module, positions per cell, secrets in outputs.

Notebooks are built here as nbformat 4 JSON (as Jupyter writes them: one source line per JSON
string), so each test shows the cells it scans.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from vetline.rules.notebooks import MAX_OUTPUT_BYTES
from vetline.server.cli import main

# Split so that this file holds no whole token; the scanned notebook does.
GITHUB_TOKEN = "ghp_" + "Zq8xLmN3pR7sT1vW5yB9cD2fG4hJ6kA0eU8i"
CONFIG = '[tool.vetline]\nselect = ["os-command-injection", "yaml-unsafe-load", "secrets"]\n'


def code(source: str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    lines = source.splitlines(keepends=True)
    return {"cell_type": "code", "execution_count": 1, "metadata": {}, "outputs": outputs or [], "source": lines}


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source.splitlines(keepends=True)}


def stream(text: str) -> dict[str, Any]:
    return {"output_type": "stream", "name": "stdout", "text": text.splitlines(keepends=True)}


def write_notebook(folder: Path, name: str, cells: list[dict[str, Any]], language: str = "python") -> Path:
    document = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "language": language}, "language_info": {"name": language}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / name
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def scan(folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    (folder / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(folder)
    main(["scan", "--fail-on", "none", "--no-color", *extra])
    return capsys.readouterr().out


FLOW = [
    code("import os\nfrom flask import request\n"),
    markdown("Read the command, then run it.\n"),
    code("cmd = request.args['c']\n%time x = 1\n!ls -la\n"),
    code("print('running')\nos.system(cmd)\n"),
]


def test_text_output_names_the_cell_and_the_line_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a finding made of data flowing across cells is shown as `cell N:line:column`."""
    write_notebook(tmp_path, "flow.ipynb", FLOW)
    out = scan(tmp_path, monkeypatch, capsys)
    assert "  cell 4:2:1 os-command-injection" in out
    assert "     2 | os.system(cmd)" in out  # the cell's own line, not the JSON file's


def test_json_output_gives_cell_index_and_cell_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that JSON findings carry `cell` (1-based, Markdown cells counted) and cell-relative lines."""
    write_notebook(tmp_path, "flow.ipynb", FLOW)
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    (finding,) = report["findings"]
    assert (finding["rule"], finding["path"], finding["cell"], finding["line"], finding["column"]) == (
        "os-command-injection", "flow.ipynb", 4, 2, 1,
    )  # fmt: skip
    assert "output" not in finding and report["errors"] == []


def test_the_same_code_in_separate_cells_without_the_tainted_source_is_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that the data flow really comes from the other cell: a constant command is not flagged."""
    cells = [code("import os\n"), code("cmd = 'ls'\n"), code("os.system(cmd)\n")]
    write_notebook(tmp_path, "constant.ipynb", cells)
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    assert report["findings"] == []


def test_sarif_region_points_at_the_json_line_of_the_cell_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that SARIF locates the finding on the line of the `.ipynb` holding that cell line."""
    path = write_notebook(tmp_path, "flow.ipynb", FLOW)
    sarif = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "sarif"))
    (result,) = sarif["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "flow.ipynb"
    raw_line = path.read_text(encoding="utf-8").splitlines()[location["region"]["startLine"] - 1]
    assert json.loads(raw_line.strip().rstrip(",")) == "os.system(cmd)\n"
    assert result["properties"]["notebook"] == {"cell": 4, "line": 2, "column": 1}


def test_token_printed_in_a_saved_output_is_reported_and_never_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a secret in a cell's stream output is a finding on that output, masked in every format."""
    cells = [code("import os\nprint(os.environ['GH'])\n", [stream(f"{GITHUB_TOKEN}\n")])]
    write_notebook(tmp_path, "leak.ipynb", cells)
    text = scan(tmp_path, monkeypatch, capsys)
    assert "  cell 1 output 1:1:1 hardcoded-secret" in text and "saved cell output" in text
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    (finding,) = report["findings"]
    assert (finding["cell"], finding["output"], finding["line"]) == (1, 1, 1)
    sarif = scan(tmp_path, monkeypatch, capsys, "--format", "sarif")
    for shown in (text, json.dumps(report), sarif):
        assert GITHUB_TOKEN not in shown and GITHUB_TOKEN[4:20] not in shown


@pytest.mark.parametrize(
    "output",
    [
        {"output_type": "execute_result", "execution_count": 1, "metadata": {}, "data": {"text/plain": ["'{token}'"]}},
        {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<pre>token={token}</pre>"]}},
        {
            "output_type": "error",
            "ename": "ValueError",
            "evalue": "bad",
            "traceback": ["\u001b[31mValueError\u001b[0m: {token}"],
        },
    ],
    ids=["text-plain", "text-html", "traceback"],
)
def test_secrets_in_results_html_and_tracebacks_are_found(
    output: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `text/plain`, `text/html` and error tracebacks are read for secrets."""
    filled = json.loads(json.dumps(output).replace("{token}", GITHUB_TOKEN))
    write_notebook(tmp_path, "out.ipynb", [code("show()\n", [filled])])
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    assert [(f["rule"], f["cell"], f["output"]) for f in report["findings"]] == [("hardcoded-secret", 1, 1)]


def test_images_are_not_decoded_and_huge_outputs_are_skipped_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a base64 image hiding a token is not read, and an oversized output is named as skipped."""
    image = base64.b64encode(f"PNG {GITHUB_TOKEN}".encode() * 5000).decode()
    picture = {"output_type": "display_data", "metadata": {}, "data": {"image/png": image, "text/plain": ["<Figure>"]}}
    huge = stream("x = 1\n" * (MAX_OUTPUT_BYTES // 6 + 10) + GITHUB_TOKEN)
    write_notebook(tmp_path, "big.ipynb", [code("plot()\n", [picture]), code("dump()\n", [huge])])
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    assert report["findings"] == []
    (error,) = report["errors"]
    assert error["path"] == "big.ipynb" and "cell 2 output 1" in error["message"] and "not scanned" in error["message"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"cells": [', "not valid JSON (line 1, column 12)"),
        ('{"nbformat": 3, "worksheets": 5}', "nor `worksheets` with cells (nbformat 3)"),
        ("[1, 2]", "no `cells` list"),
        ("[" * 100_000, "nested too deeply"),
    ],
    ids=["truncated", "worksheets-not-a-list", "array", "deeply-nested"],
)
def test_malformed_notebook_is_skipped_with_a_clear_reason(
    content: str, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a broken `.ipynb` is a named skip, and the other files of the scan still report."""
    (tmp_path / "broken.ipynb").write_text(content, encoding="utf-8")
    write_notebook(tmp_path, "good.ipynb", [code("import yaml\nyaml.load(s)\n")])
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    assert [(f["path"], f["rule"]) for f in report["findings"]] == [("good.ipynb", "yaml-unsafe-load")]
    (error,) = report["errors"]
    assert error["path"] == "broken.ipynb" and reason in error["message"]


def test_other_language_cells_and_kernels_are_not_parsed_as_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `%%bash` cells stay out of the module and an R notebook only has its outputs scanned."""
    bash = code("%%bash\nyaml.load(x)\n")
    python = code("%%time\nimport yaml\nyaml.load(y)\n")
    write_notebook(tmp_path, "magic.ipynb", [bash, python])
    write_notebook(tmp_path, "r.ipynb", [code("yaml.load(z)\n", [stream(GITHUB_TOKEN)])], language="R")
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    found = [(f["path"], f["rule"], f["cell"], f["line"]) for f in report["findings"]]
    assert found == [("magic.ipynb", "yaml-unsafe-load", 2, 3), ("r.ipynb", "hardcoded-secret", 1, 1)]
    assert report["errors"] == [
        {"path": "r.ipynb", "message": "notebook language R: only its outputs were scanned for secrets"}
    ]


def test_token_pasted_into_a_markdown_cell_is_reported_on_that_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a Markdown note holding a key is a finding on its cell, masked in the text output."""
    cells = [code("x = 1\n"), markdown(f"Setup notes\n\ntoken: {GITHUB_TOKEN}\n")]
    write_notebook(tmp_path, "notes.ipynb", cells)
    text = scan(tmp_path, monkeypatch, capsys)
    assert "  cell 2:3:8 hardcoded-secret" in text and GITHUB_TOKEN not in text
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    assert [(f["rule"], f["cell"], f["line"]) for f in report["findings"]] == [("hardcoded-secret", 2, 3)]


def test_nbformat_3_notebook_is_read_cells_outputs_and_headings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that an nbformat 3 file (`worksheets`, `input`, `pyout`/`pyerr`, `heading`) is scanned like nbformat 4."""
    first = {"cells": [
        {"cell_type": "heading", "level": 1, "metadata": {}, "source": [f"token: {GITHUB_TOKEN}"]},
        {"cell_type": "code", "input": ["import os\n", "from flask import request\n"], "language": "python",
         "metadata": {}, "outputs": [{"output_type": "pyout", "prompt_number": 1, "metadata": {}, "text": ["'ok'"]}]},
    ]}  # fmt: skip
    second = {"cells": [
        {"cell_type": "code", "input": "os.system(request.args['c'])", "language": "python", "metadata": {},
         "outputs": [{"output_type": "pyerr", "ename": "E", "evalue": "x", "traceback": [GITHUB_TOKEN]}]},
    ]}  # fmt: skip
    document = {"metadata": {"name": "old"}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [first, second]}
    (tmp_path / "old.ipynb").write_text(json.dumps(document, indent=1), encoding="utf-8")
    report = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "json"))
    found = [(f["rule"], f["cell"], f.get("output"), f["line"]) for f in report["findings"]]
    assert found == [
        ("hardcoded-secret", 1, None, 1),
        ("os-command-injection", 3, None, 1),
        ("hardcoded-secret", 3, 1, 2),  # line 1 of the traceback text is `E: x`
    ]  # one cell with a code finding and an output finding: code first (this once raised a TypeError)
    assert report["errors"] == []
    sarif = json.loads(scan(tmp_path, monkeypatch, capsys, "--format", "sarif"))
    region = sarif["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]
    raw_line = (tmp_path / "old.ipynb").read_text(encoding="utf-8").splitlines()[region["startLine"] - 1]
    assert "os.system(request.args['c'])" in raw_line  # the `input` string's own line of the file
