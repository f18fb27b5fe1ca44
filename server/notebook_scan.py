"""`vetline scan` of a `.ipynb`: one FileResult whose findings carry their notebook position.

A notebook finding lies in a part of the file: a code cell, or one saved output of a cell. Its
byte range and line/column are relative to that part, and `finding.data["notebook"]` names the
part (`{"cell": 3}` or `{"cell": 3, "output": 1}`, both 1-based like lines). `FileResult.parts`
holds each part's text so the report formats show the flagged line and mask secrets exactly as
for a plain file. `raw_lines` says on which line of the `.ipynb` JSON text each cell source
line is stored, for consumers that only know the file (SARIF viewers, GitHub code scanning).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from vetline.rules.engine import Engine
from vetline.rules.model import Finding
from vetline.rules.notebooks import (
    MAX_NOTEBOOK_BYTES,
    Notebook,
    NotebookError,
    analyze_notebook,
    parse_notebook,
    position,
)

from .config import Config
from .notebook_json import raw_lines
from .scanner import FileResult, apply_baseline, read_source

PartKey = tuple[int, int | None]  # (1-based cell, 1-based output or None for the cell's code)


def scan_notebook(path: Path, relative: str, config: Config, engine: Engine, within: Path | None) -> FileResult:
    """Read, parse and analyse one notebook; bad input gives a FileResult with the reason."""
    data, problem = read_source(path, MAX_NOTEBOOK_BYTES, within)
    if data is None or problem:
        return FileResult(path, relative, errors=(problem or "unreadable",))
    try:
        notebook = parse_notebook(data)
    except NotebookError as error:
        return FileResult(path, relative, errors=(f"{error}; skipped",))
    code = sum(len(c.source) for c in notebook.cells if c.kind == "code")
    if code > config.max_file_size:
        return FileResult(path, relative, errors=(f"{code:,} bytes of code cells, over `max_file_size`; skipped",))
    analysis = analyze_notebook(engine, notebook, str(path))
    parts = _parts(notebook)
    findings: list[Finding] = []
    for index, found in analysis.cells.items():
        findings.extend(_placed(config, path, found, (index + 1, None), parts))
    for (index, output), found in analysis.outputs.items():
        findings.extend(_placed(config, path, found, (index + 1, output + 1), parts))
    findings.sort(key=lambda f: (part_key(f)[0], part_key(f)[1] or 0, f.start_byte, f.rule_id))  # code, then outputs
    lines = raw_lines(data.decode("utf-8")) if findings else {}
    return FileResult(
        path,
        relative,
        tuple(findings),
        analysis.errors,
        data if findings else None,
        parts,
        lines,
        complete=not analysis.errors,
    )


def _parts(notebook: Notebook) -> dict[PartKey, bytes]:
    parts: dict[PartKey, bytes] = {}
    for cell in notebook.cells:
        parts[(cell.index + 1, None)] = cell.source.encode("utf-8")
        for output in cell.outputs:
            parts[(cell.index + 1, output.index + 1)] = output.text.encode("utf-8")
    return parts


def _placed(
    config: Config, path: Path, findings: list[Finding], key: PartKey, parts: dict[PartKey, bytes]
) -> list[Finding]:
    place = {"cell": key[0]} if key[1] is None else {"cell": key[0], "output": key[1]}
    kept = apply_baseline(config, findings, path, parts[key])
    return [dataclasses.replace(f, data={**f.data, "notebook": place}) for f in kept]


def in_file_coordinates(result: FileResult) -> tuple[Finding, ...]:
    """A notebook's findings moved onto the lines of its JSON text, for a viewer of the file
    itself (the language server's workspace scan of unopened notebooks): each covers the JSON
    string of its cell line (a finding in an output, its cell's first line), without fixes."""
    source = result.source or b""
    moved = []
    for finding in result.findings:
        cell, output = part_key(finding)
        line = finding.start.line if output is None else 0
        where = result.raw_lines.get((cell, line))
        start = _offset(source, *where) if where is not None else 0
        end = source.find(b"\n", start)
        end = len(source) if end == -1 else end
        moved.append(
            dataclasses.replace(
                finding,
                start_byte=start,
                end_byte=end,
                start=position(source, start),
                end=position(source, end),
                fix=None,
                alternative_fixes=(),
            )
        )
    return tuple(moved)


def _offset(source: bytes, line: int, column: int) -> int:
    """The byte offset of a 1-based line and 1-based character column."""
    start = 0
    for _ in range(line - 1):
        start = source.index(b"\n", start) + 1
    end = source.find(b"\n", start)
    text = source[start : len(source) if end == -1 else end].decode("utf-8", "replace")
    return start + len(text[: column - 1].encode("utf-8"))


def part_key(finding: Finding) -> PartKey:
    """The part of the notebook a finding lies in; (0, None) for a finding of a plain file."""
    place = finding.data.get("notebook")
    if not isinstance(place, dict):
        return (0, None)
    return (int(place["cell"]), place.get("output"))
