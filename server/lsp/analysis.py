"""Analyse one open document: reparse incrementally, run the engine, build its diagnostics.

This is the only place the server calls the engine for an open buffer. It never raises: a
document that makes something fail gets no diagnostics and one log entry, and the server goes
on. Findings silenced by a configured baseline are dropped here, as the CLI drops them.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vetline.rules import languages
from vetline.rules.engine import Engine
from vetline.rules.model import Finding

from ..config import Config
from ..convert import notice, to_diagnostic
from . import incremental, metrics
from .documents import Document, Result

if TYPE_CHECKING:
    from .server import VetlineServer

log = logging.getLogger("vetline.server")
_ids = itertools.count(1)
TOO_LARGE = "file-too-large"


def current_result(ls: VetlineServer, doc: Document) -> Result:
    """The result for the document's current version, analysing now if there is none."""
    if doc.result is None or doc.result.version != doc.version:
        doc.result = analyse(ls, doc)
    return doc.result


def analyse(ls: VetlineServer, doc: Document, full: bool = False) -> Result:
    """Analyse the buffer as it is now (only its edited definitions unless `full`).

    Failures give an empty result, never an exception.
    """
    result_id = f"{doc.version}.{next(_ids)}"
    try:
        return _analyse(ls, doc, result_id, full)
    except Exception:
        doc.base = None  # start from scratch next time
        log.exception("analysing %s failed; no diagnostics for this version", doc.uri)  # message redacted by logs.py
        return Result(doc.version, result_id)


def _analyse(ls: VetlineServer, doc: Document, result_id: str, full: bool) -> Result:
    if doc.language is None:
        return Result(doc.version, result_id)
    if doc.notebook is not None:  # a notebook cell: its notebook is analysed as one module
        from .notebooks import analyse_cell

        return analyse_cell(ls, doc)
    config = ls.projects.config_for(doc.path)
    if len(doc.source) > config.max_file_size:
        message = f"vetline did not analyse this file: {len(doc.source):,} bytes is over `maxFileSize` ({config.max_file_size:,})"
        return Result(doc.version, result_id, (), [notice(doc.index, ls.encoding, message, TOO_LARGE)])
    engine = ls.projects.engine_for(doc.path)
    findings, partial = _incremental(doc, engine) if not full else (None, False)
    if findings is None:
        analysis = engine.analyze(doc.source, doc.language, str(doc.path or doc.uri), tree=_reparse(doc))
        doc.tree = analysis.tree
        findings = analysis.findings
    doc.analysed(findings)
    reported = _without_baselined(ls, config, findings, doc)
    rules = {rule.id: rule for rule in engine.rules}
    observed = metrics.observe(ls, doc, reported)
    diagnostics = [
        to_diagnostic(f, doc.index, ls.encoding, doc.version, rules.get(f.rule_id), o.origin, o.key)
        for f, o in zip(reported, observed)
    ]
    return Result(doc.version, result_id, tuple(reported), diagnostics, partial)


def _incremental(doc: Document, engine: Engine) -> tuple[tuple[Finding, ...] | None, bool]:
    """Findings from re-analysing only the edited definitions, or (None, False) to go full."""
    ranges = incremental.plan(doc)
    if ranges is None:
        return None, False
    tree = incremental.parse(doc, ranges)
    if tree is None:
        return None, False
    analysis = engine.analyze(doc.source, doc.language or "", str(doc.path or doc.uri), tree=tree)
    return incremental.merge(doc, analysis.findings, ranges), True


def _reparse(doc: Document) -> Any:
    parser = _parser(doc.language or "")
    if parser is None:
        return None
    return parser.parse(doc.source, doc.tree) if doc.tree is not None else parser.parse(doc.source)


@functools.cache
def _parser(language: str) -> Any:
    # One parser per language is safe: the server parses on its event loop thread only.
    return languages.parser(language)


def _without_baselined(
    ls: VetlineServer, config: Config, findings: Sequence[Finding], doc: Document
) -> Sequence[Finding]:
    if not config.baseline or not findings or doc.path is None:
        return findings
    from ..scanner import baseline_path, display_path, load_cached_baseline

    location = baseline_path(config)
    if location is None:  # only when no baseline is configured, which was checked above
        return findings
    try:
        loaded = load_cached_baseline(location)
        return loaded.filter(list(findings), display_path(doc.path, config.root or Path.cwd()), doc.source)
    except Exception as error:  # noqa: BLE001 - a missing or broken baseline must not hide every finding
        ls.show_once(f"vetline: cannot use baseline {location}: {type(error).__name__}; it is ignored")
        return findings
