"""When to analyse and how results reach the client: debounced push, or pull on request.

Push (`publishDiagnostics` with the document version) serves clients without pull support;
pull (`textDocument/diagnostic`, with `resultId` and unchanged reports) serves the others;
never both. Analysis is debounced per URI, and the debounce adapts to what analysis costs: the
first change after a quiet period is answered at once, and so is every change while the
buffer's last analysis took under `CHEAP_ANALYSIS` (waiting would cost more than analysing).
Otherwise changes during a burst wait as long as one analysis takes (at most `debounceMs`),
restarting the timer and cancelling the pending run (a cancelled run is normal, not an error).
A result is only published while its version is still current.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time

from lsprotocol import types

from . import notebooks
from .analysis import analyse, current_result
from .configuration import settings_ready
from .server import VetlineServer

log = logging.getLogger("vetline.server")
RECONCILE_AFTER = 1.0  # seconds of quiet before an incremental result is confirmed by a full run
CHEAP_ANALYSIS = 0.03  # seconds: an analysis this cheap runs on every change, without debounce


class Scheduler:
    """Per-URI debounced analysis runs."""

    def __init__(self, ls: VetlineServer) -> None:
        self.ls = ls
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.last_request: dict[str, float] = {}
        self.confirmations: dict[str, asyncio.Task[None]] = {}  # full runs after incremental ones
        self.costs: dict[str, float] = {}  # seconds the last on-change analysis of each URI took

    def request(self, uri: str, immediate: bool = False) -> None:
        """Analyse `uri` (a document or a notebook) soon: now if it has been quiet, after the
        debounce delay if not."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        delay = self.delay(uri)
        quiet = now - self.last_request.get(uri, -math.inf) >= delay
        self.last_request[uri] = now
        pending = self.cancel(uri)
        wait = 0.0 if immediate or (quiet and not pending) else delay
        self.tasks[uri] = loop.create_task(self._run(uri, wait))

    def delay(self, uri: str) -> float:
        """The debounce for `uri`: none while analysis is cheap, else one analysis' time, capped."""
        cost = self.costs.get(uri, math.inf)
        return 0.0 if cost < CHEAP_ANALYSIS else min(cost, self.ls.settings.debounce_ms / 1000)

    def forget(self, uri: str) -> None:
        """Cancel what is pending for a closed `uri` and drop what was measured about it."""
        self.cancel(uri)
        self.costs.pop(uri, None)
        self.last_request.pop(uri, None)

    def cancel(self, uri: str) -> bool:
        """Cancel a pending run for `uri`; True if there was one."""
        confirmation = self.confirmations.pop(uri, None)
        if confirmation is not None:
            confirmation.cancel()
        task = self.tasks.pop(uri, None)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    async def _run(self, uri: str, wait: float, full: bool = False) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # superseded by a newer change
            await asyncio.sleep(wait)
            await settings_ready(self.ls)
            if uri in self.ls.notebooks:  # every cell of a notebook is analysed and published together
                notebooks.refresh(self.ls, uri)
                return
            doc = self.ls.documents.get(uri)
            if doc is None or self.ls.settings.run == "manual":  # requested under settings now replaced
                return
            started = time.perf_counter()
            result = analyse(self.ls, doc, full)
            if not full:  # the confirming full runs do not follow keystrokes
                self.costs[uri] = time.perf_counter() - started
            if self.ls.documents.get(uri) is not doc or doc.version != result.version:
                log.debug("dropping diagnostics of %s version %s: the document moved on", uri, result.version)
                return
            doc.result = result
            if result.partial:  # once the buffer is quiet, confirm with a full analysis
                self.confirmations[uri] = asyncio.get_running_loop().create_task(self._run(uri, RECONCILE_AFTER, True))
            if self.ls.features.pull_diagnostics:
                ask_client_to_pull(self.ls)
            else:
                publish(self.ls, uri, result.version, result.diagnostics)


def publish(ls: VetlineServer, uri: str, version: int | None, diagnostics: list[types.Diagnostic]) -> None:
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
    )


def ask_client_to_pull(ls: VetlineServer) -> None:
    """Send `workspace/diagnostic/refresh` without waiting: its answer carries nothing, and a
    waiter inside a run that a newer change cancels would cancel the request under pygls."""
    if ls.features.diagnostic_refresh:
        ls.workspace_diagnostic_refresh(None)


def register(server: VetlineServer) -> None:
    options = types.DiagnosticOptions(identifier="vetline", inter_file_dependencies=False, workspace_diagnostics=True)
    server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)(document_diagnostic)


async def document_diagnostic(
    ls: VetlineServer, params: types.DocumentDiagnosticParams
) -> types.DocumentDiagnosticReport:
    """Pull diagnostics: the current result, or `unchanged` when the client already has it."""
    await settings_ready(ls)
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    if ls.settings.run == "onType" or (ls.settings.run == "onSave" and doc.result is None):
        ls.scheduler.cancel(doc.uri)  # answer now rather than after the pending run
        result = current_result(ls, doc)
    elif doc.result is None:
        return types.RelatedFullDocumentDiagnosticReport(items=[])
    else:
        result = doc.result  # onSave / manual: the last analysis, even if the buffer moved on
    if params.previous_result_id == result.result_id:
        return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result.result_id)
    return types.RelatedFullDocumentDiagnosticReport(items=result.diagnostics, result_id=result.result_id)
