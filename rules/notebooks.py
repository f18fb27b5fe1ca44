"""Jupyter notebooks: code cells analysed together as one Python module, outputs read for secrets.

A notebook runs its code cells top to bottom in one namespace, so an `import` in cell 1 and a
`request.args` read in cell 2 that reaches `os.system` in cell 5 are one program. `CellModule`
joins the cells' sources into one module (each cell ends with a newline, IPython's `%line`
and `!shell` lines become comments of the same length so every byte keeps its place), runs
the engine once, and maps each finding and its fix back to the cell it lies in. The mapping
works on any keys: cell indexes for the CLI, cell URIs for the language server.

Saved outputs are what a reader of the notebook sees: a token printed by a cell is leaked as
surely as one typed into it. Stream text, `text/plain`, `text/html` and error tracebacks are
read (ANSI colours stripped); images and other binary payloads are never decoded. An output
over `MAX_OUTPUT_BYTES` is skipped with a reason, never scanned in part. Markdown and raw
cells are read for secrets the same way.

Both nbformat 4 (`cells`, `source`) and the older nbformat 3 are read: its cells sit in
`worksheets` (concatenated, as nbformat's own upgrade does), a code cell's text is `input`,
outputs keep their text under `text`/`html` (`pyout`, `pyerr`), and `heading` cells are text.

Everything here is engine-side: it knows nbformat and bytes, not the LSP.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .engine import Engine
from .model import Category, Edit, Finding, Fix, Position
from .patterns import linear

MAX_NOTEBOOK_BYTES = 64 << 20  # a notebook with big images is large; only its text is analysed
MAX_OUTPUT_BYTES = 1 << 20  # one output's text; a larger one is skipped with a reason
OUTPUT_LANGUAGE = "ini"  # outputs are read as `key: value` / `key=value` text by the secrets rules
TEXT_MIME_TYPES = ("text/plain", "text/html")
V3_TEXT_KEYS = ("text", "html")  # nbformat 3 outputs: the text of each MIME type under a short key
# Cell magics whose body is still Python (`%%time` times the cell); any other `%%` cell is another
# language (`%%bash`, `%%html`, `%%sql`) and stays out of the module.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug", "memit", "skip"})
_ANSI = linear(r"\x1b\[[0-9;?]*[A-Za-z]")
_MAGIC_LINE = linear(rb"^([ \t]*)[%!]", re.MULTILINE)


class NotebookError(ValueError):
    """The file is not a notebook vetline can read; `str(error)` says why, fit to show a user."""


@dataclass(frozen=True)
class Output:
    """The readable text of one saved output of a code cell."""

    index: int
    text: str


@dataclass(frozen=True)
class Cell:
    """One cell of a notebook file: its kind, its source, and the text of its outputs."""

    index: int
    kind: str  # "code", "markdown" or "raw"
    source: str
    outputs: tuple[Output, ...] = ()
    field: str = "source"  # the JSON key holding the source: "input" for an nbformat 3 code cell


@dataclass(frozen=True)
class Notebook:
    """A parsed `.ipynb`: its cells and the language of its kernel."""

    cells: tuple[Cell, ...]
    language: str = "python"
    skipped: tuple[str, ...] = ()  # outputs not read, with the reason

    @property
    def is_python(self) -> bool:
        return self.language.lower() in ("python", "python3", "ipython", "")


def parse_notebook(data: bytes) -> Notebook:
    """The cells of an nbformat 4 or 3 file; NotebookError with the reason when it is not one."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise NotebookError(f"not a valid notebook: the file is not valid JSON{where}") from None
    except RecursionError:
        raise NotebookError("not a valid notebook: the JSON is nested too deeply") from None
    raw_cells = _raw_cells(document)
    if raw_cells is None:
        raise NotebookError(
            "not a valid notebook: no `cells` list (nbformat 4) nor `worksheets` with cells (nbformat 3)"
        )
    skipped: list[str] = []
    cells = tuple(_cell(index, raw, skipped) for index, raw in enumerate(raw_cells))
    return Notebook(cells, _language(document.get("metadata"), raw_cells), tuple(skipped))


def _raw_cells(document: Any) -> list[Any] | None:
    """nbformat 4's `cells`, or nbformat 3's cells of every worksheet in order; None for neither."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("cells"), list):
        return document["cells"]
    sheets = document.get("worksheets")
    if not isinstance(sheets, list) or not all(
        isinstance(s, dict) and isinstance(s.get("cells"), list) for s in sheets
    ):
        return None
    return [cell for sheet in sheets for cell in sheet["cells"]]


def _cell(index: int, raw: Any, skipped: list[str]) -> Cell:
    if not isinstance(raw, dict):
        return Cell(index, "raw", "")
    kind = raw["cell_type"] if isinstance(raw.get("cell_type"), str) else "raw"
    kind = "markdown" if kind == "heading" else kind  # nbformat 3's headings are Markdown text
    outputs = raw["outputs"] if kind == "code" and isinstance(raw.get("outputs"), list) else []
    texts = tuple(_outputs(index, outputs, skipped))
    field = "input" if kind == "code" and "input" in raw and "source" not in raw else "source"
    return Cell(index, kind, _text(raw.get(field)), texts, field)


def _outputs(cell: int, outputs: list[Any], skipped: list[str]) -> Iterable[Output]:
    for number, output in enumerate(outputs):
        text = _output_text(output) if isinstance(output, dict) else ""
        if len(text) > MAX_OUTPUT_BYTES:  # characters, a cheap lower bound of the bytes
            skipped.append(
                f"cell {cell + 1} output {number + 1}: {len(text):,} characters of text, over the {MAX_OUTPUT_BYTES:,} limit; not scanned for secrets"
            )
        elif text:
            yield Output(number, text)


def _output_text(output: Mapping[str, Any]) -> str:
    """What a reader sees of an output, as text: stream, plain/HTML data, or a traceback."""
    kind = output.get("output_type")
    if kind == "stream":
        return _text(output.get("text"))
    if kind in ("execute_result", "display_data") and isinstance(output.get("data"), dict):
        data = output["data"]
        return "\n".join(_text(data[mime]) for mime in TEXT_MIME_TYPES if mime in data)
    if kind in ("pyout", "display_data"):  # nbformat 3: no `data`, each MIME type's text at the top
        return "\n".join(_text(output[key]) for key in V3_TEXT_KEYS if key in output)
    if kind in ("error", "pyerr"):
        lines = [f"{_text(output.get('ename'))}: {_text(output.get('evalue'))}", _text(output.get("traceback"))]
        return _ANSI.sub("", "\n".join(lines))
    return ""


def _text(value: Any) -> str:
    """nbformat's multiline string: a string, or a list of strings to concatenate."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(part if isinstance(part, str) else "" for part in value)
    return ""


def _language(metadata: Any, raw_cells: list[Any]) -> str:
    if not isinstance(metadata, dict):
        metadata = {}
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        return info["name"]
    kernel = metadata.get("kernelspec")
    if isinstance(kernel, dict) and isinstance(kernel.get("language"), str):
        return kernel["language"]
    for cell in raw_cells:  # nbformat 3 names the language on each code cell
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and isinstance(cell.get("language"), str):
            return cell["language"]
    return "python"


def python_source(cell_source: str) -> bytes | None:
    """The cell as Python bytes of the same length, magics commented out; None for another language."""
    source = cell_source.encode("utf-8")
    first = source.lstrip()
    if first.startswith(b"%%"):
        words = first[2:].split(None, 1)
        if not words or words[0].decode("utf-8", "replace") not in PYTHON_CELL_MAGICS:
            return None
    return _MAGIC_LINE.sub(lambda m: m.group(1) + b"#", source)


@dataclass(frozen=True)
class _Segment:
    start: int  # where the cell starts in the module
    key: Hashable
    length: int  # the cell's own bytes (without the joining newline)


def plain_text(text: str) -> bytes:
    """Text joined as it is (outputs and Markdown cells, read for secrets only)."""
    return text.encode("utf-8")


class CellModule:
    """Cells joined into one text (by default one Python module: code cells, magics commented
    out), with the way back from its bytes to each cell's own."""

    def __init__(
        self, cells: Sequence[tuple[Hashable, str]], prepare: Callable[[str], bytes | None] = python_source
    ) -> None:
        parts: list[bytes] = []
        self.segments: list[_Segment] = []
        self.sources: dict[Hashable, bytes] = {}
        offset = 0
        for key, text in cells:
            python = prepare(text)
            if python is None:
                continue
            self.sources[key] = text.encode("utf-8")
            self.segments.append(_Segment(offset, key, len(python)))
            joined = python if python.endswith(b"\n") or not python else python + b"\n"
            parts.append(joined)
            offset += len(joined)
        self.source = b"".join(parts)
        self._starts = [segment.start for segment in self.segments]

    def cell_findings(self, findings: Iterable[Finding]) -> dict[Hashable, list[Finding]]:
        """Each finding moved into the coordinates of the cell it starts in, by cell key."""
        found: dict[Hashable, list[Finding]] = {segment.key: [] for segment in self.segments}
        for finding in findings:
            moved = self.to_cell(finding)
            if moved is not None:
                found[moved[0]].append(moved[1])
        return found

    def to_cell(self, finding: Finding) -> tuple[Hashable, Finding] | None:
        """The cell key and the finding in that cell's bytes; its fix only if it stays in the cell."""
        segment = self._segment(finding.start_byte)
        if segment is None:
            return None
        start = finding.start_byte - segment.start
        end = min(finding.end_byte - segment.start, segment.length)
        source = self.sources[segment.key]
        return segment.key, dataclasses.replace(
            finding,
            start_byte=start,
            end_byte=max(start, end),
            start=position(source, start),
            end=position(source, max(start, end)),
            fix=self._fix_in(finding.fix, segment),
            alternative_fixes=tuple(f for f in (self._fix_in(f, segment) for f in finding.alternative_fixes) if f),
        )

    def _segment(self, offset: int) -> _Segment | None:
        index = bisect.bisect_right(self._starts, offset) - 1
        if index < 0:
            return None
        segment = self.segments[index]
        return segment if offset <= segment.start + segment.length else None

    def _fix_in(self, fix: Fix | None, segment: _Segment) -> Fix | None:
        """`fix` with its edits in the cell's bytes, so a cell can be fixed on its own.

        An insertion before the cell (the `import os` a fix adds at the top of the module) moves
        to the start of the cell, after a `%%time`-style cell magic (which must stay the first
        line): it still runs before the cell's code. Any other edit outside the cell drops the fix.
        """
        if fix is None:
            return None
        edits: list[Edit] = []
        for edit in fix.edits:
            if edit.path is not None:
                edits.append(edit)
                continue
            start, end = edit.start_byte - segment.start, edit.end_byte - segment.start
            if start < 0 and edit.start_byte == edit.end_byte:
                start = end = self._body_start(segment)
            if start < 0 or end > segment.length:
                return None
            edits.append(dataclasses.replace(edit, start_byte=start, end_byte=end))
        return dataclasses.replace(fix, edits=tuple(edits))

    def _body_start(self, segment: _Segment) -> int:
        """Where the cell's own code starts: after its cell magic line, if it has one."""
        source = self.sources[segment.key]
        if not source.lstrip().startswith(b"%%"):
            return 0
        newline = source.find(b"\n")
        return len(source) if newline == -1 else newline + 1


def position(source: bytes, offset: int) -> Position:
    """The zero-based line and byte column of `offset` in `source`."""
    line_start = source.rfind(b"\n", 0, offset) + 1
    return Position(source.count(b"\n", 0, offset), offset - line_start)


@dataclass(frozen=True)
class NotebookAnalysis:
    """Findings per code cell (cell coordinates) and per output (output coordinates)."""

    cells: Mapping[int, list[Finding]]
    outputs: Mapping[tuple[int, int], list[Finding]]
    errors: tuple[str, ...] = ()
    module: CellModule | None = None


def analyze_notebook(engine: Engine, notebook: Notebook, path: str = "") -> NotebookAnalysis:
    """Run the engine over the code cells as one module, and the secrets rules over the outputs
    and the text cells (a key pasted into a Markdown note is as readable as one in code)."""
    errors = list(notebook.skipped)
    cells: dict[int, list[Finding]] = {}
    module = None
    if notebook.is_python:
        module = CellModule([(cell.index, cell.source) for cell in notebook.cells if cell.kind == "code"])
        analysis = engine.analyze(module.source, "python", path)
        errors.extend(analysis.errors)
        cells.update(module.cell_findings(analysis.findings))  # type: ignore[arg-type]
    else:
        errors.append(f"notebook language {notebook.language}: only its outputs were scanned for secrets")
    notes = [(cell.index, cell.source) for cell in notebook.cells if cell.kind != "code"]
    cells.update(text_secrets(engine, notes, path))  # type: ignore[arg-type]
    saved = [((cell.index, output.index), output.text) for cell in notebook.cells for output in cell.outputs]
    outputs = text_secrets(engine, saved, path, OUTPUT_ADVICE)
    return NotebookAnalysis(cells, outputs, tuple(errors), module)  # type: ignore[arg-type]


OUTPUT_ADVICE = " It is in a saved cell output: clear the output, and revoke the credential if the notebook was shared."


def text_secrets(
    engine: Engine, texts: Sequence[tuple[Hashable, str]], path: str = "", advice: str = ""
) -> dict[Hashable, list[Finding]]:
    """Secrets in free texts (outputs, Markdown or raw cells) read as `key: value` lines, by key.

    The texts are joined (each ends its last line) and scanned in one engine run; findings
    carry no fix: an output is cleared or re-run, not edited."""
    joined = CellModule(texts, plain_text)
    if not joined.source:
        return {}
    secrets = {rule.id for rule in engine.rules if rule.category is Category.SECRETS}
    found = [f for f in engine.analyze(joined.source, OUTPUT_LANGUAGE, path).findings if f.rule_id in secrets]
    quiet = (dataclasses.replace(f, message=f.message + advice, fix=None, alternative_fixes=()) for f in found)
    return {key: findings for key, findings in joined.cell_findings(quiet).items() if findings}
