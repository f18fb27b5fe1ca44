"""The workspace: `vetline.scanWorkspace`, workspace diagnostics, watched configuration files.

`vetline.scanWorkspace` walks every workspace folder with the CLI's scanner (same excludes,
same size cap), reports `$/progress` the user can cancel, and reports findings of files that
are not open: as workspace diagnostics when the client pulls and can be asked to refresh,
pushed otherwise. Files are read like the CLI reads them (`vetline.rules.files`): a FIFO, a
device, a symlink loop or a link out of the workspace folder is skipped with a logged reason and
never blocks the event loop. Open documents are skipped, their live buffer is what counts (in `manual`
run mode, where nothing analyses them live, the scan analyses their buffers). A change to a
watched `pyproject.toml`, `.vetline.toml` or project rule file (`.vetline/rules/*.toml`) reloads
configuration and project rules and re-analyses open documents;
a Python file or folder created or deleted makes the dependency rules forget the project layouts
they derived (which names are first-party) and re-analyses open documents;
a change to `.gitignore`, an AI assistant's ignore file or `.claude/settings*.json` re-analyses
open documents so that `ai-context-secret-file-exposed` follows the new exclusions.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path
from vetline.rules.aicontext._tools import EXCLUSION_FILES
from vetline.rules.dependencies import _layout

from ..config import CONFIG_FILES
from ..convert import to_diagnostic
from ..notebook_scan import in_file_coordinates
from ..positions import LineIndex
from ..scanner import FileResult, iter_files, scan_file
from . import notebooks
from .analysis import analyse, current_result
from .configuration import reanalyse_open_documents
from .diagnostics import ask_client_to_pull, publish
from .documents import Document
from .online import refresh_dependency_data
from .server import VetlineServer

log = logging.getLogger("vetline.server")
SCAN_COMMAND = "vetline.scanWorkspace"
ANALYZE_COMMAND = "vetline.analyzeDocument"
RULE_FILES_GLOB = "**/.vetline/rules/*.toml"  # project rules (vetline.rules.project)


def register(server: VetlineServer) -> None:
    server.command(SCAN_COMMAND)(scan_workspace)
    server.command(ANALYZE_COMMAND)(analyze_document)
    server.feature(types.WORKSPACE_DIAGNOSTIC)(workspace_diagnostic)
    server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(did_change_watched_files)
    server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)(did_change_folders)


async def scan_workspace(ls: VetlineServer, *args: Any) -> dict[str, Any]:
    """Scan every file of every folder; returns counts and whether the user cancelled."""
    files = [(folder, path) for folder in ls.folders() for path in iter_files(folder, ls.projects.config_for(folder))]
    progress = await _Progress.start(ls, len(files))
    scanned, findings = _analyse_open_documents(ls)
    for number, (folder, path) in enumerate(files, 1):
        if progress.cancelled:
            break
        uri = from_fs_path(str(path)) or path.as_uri()
        if uri not in ls.documents and uri not in ls.notebooks:
            findings += _report(ls, uri, _scan(ls, path, folder))
            scanned += 1
        progress.report(number, f"{number}/{len(files)} files, {findings} findings")
        await asyncio.sleep(0)  # let cancellations and edits in between files
    progress.end(f"{scanned} files scanned, {findings} findings" + (" (cancelled)" if progress.cancelled else ""))
    if ls.features.pull_diagnostics:
        ask_client_to_pull(ls)
    return {"files": scanned, "findings": findings, "cancelled": progress.cancelled}


def _scan(ls: VetlineServer, path: Path, folder: Path) -> FileResult:
    """One file of the workspace folder `folder`; FIFOs, devices and links out of it are skipped."""
    config = ls.projects.config_for(path)
    try:
        return scan_file(path, config.root or path.parent, config, ls.projects.engine_for(path), within=folder)
    except Exception as error:  # one bad file must not end the scan
        log.exception("scanning %s failed", path)
        return FileResult(path, path.name, errors=(type(error).__name__,))


def _report(ls: VetlineServer, uri: str, result: FileResult) -> int:
    for error in result.errors:
        log.info("%s: %s", result.relative, error)
    if not result.findings and uri not in ls.workspace_results:
        return 0
    index = LineIndex(result.source or b"")
    rules = {rule.id: rule for rule in ls.projects.engine_for(result.path).rules}
    findings = in_file_coordinates(result) if result.parts else result.findings
    diagnostics = [to_diagnostic(f, index, ls.encoding, None, rules.get(f.rule_id)) for f in findings]
    ls.workspace_results[uri] = diagnostics
    if not (ls.features.pull_diagnostics and ls.features.diagnostic_refresh):
        publish(ls, uri, None, diagnostics)
    return len(diagnostics)


class _Progress:
    """Work-done progress for the scan, a no-op for clients without support."""

    def __init__(self, ls: VetlineServer, token: str | None, total: int) -> None:
        self.ls, self.token, self.total = ls, token, max(total, 1)

    @classmethod
    async def start(cls, ls: VetlineServer, total: int) -> _Progress:
        if not ls.features.work_done_progress:
            return cls(ls, None, total)
        token = f"vetline-scan-{uuid.uuid4().hex}"
        await ls.work_done_progress.create_async(token)
        begin = types.WorkDoneProgressBegin(title="vetline: scanning workspace", cancellable=True, percentage=0)
        ls.work_done_progress.begin(token, begin)
        return cls(ls, token, total)

    @property
    def cancelled(self) -> bool:
        future = self.ls.work_done_progress.tokens.get(self.token) if self.token else None
        return future is not None and future.cancelled()

    def report(self, done: int, message: str) -> None:
        if self.token is not None:
            value = types.WorkDoneProgressReport(message=message, percentage=done * 100 // self.total)
            self.ls.work_done_progress.report(self.token, value)

    def end(self, message: str) -> None:
        if self.token is not None:
            self.ls.work_done_progress.end(self.token, types.WorkDoneProgressEnd(message=message))


def analyze_document(ls: VetlineServer, *args: Any) -> int:
    """`vetline.analyzeDocument <uri>`: analyse now (the trigger of the `manual` run mode)."""
    doc = ls.documents.get(str(args[0])) if args else None
    if doc is None:
        return 0
    found = _analyse_now(ls, doc)
    if ls.features.pull_diagnostics:
        ask_client_to_pull(ls)
    return found


def _analyse_open_documents(ls: VetlineServer) -> tuple[int, int]:
    """(documents, findings) of the open buffers, which the counts include: in `manual` mode the
    scan is their trigger; otherwise they are analysed live already and their results count."""
    if ls.settings.run != "manual":
        documents = list(ls.documents.values())
        return len(documents), sum(len(current_result(ls, doc).diagnostics) for doc in documents)
    counts = [_analyse_now(ls, doc) for doc in list(ls.documents.values())]
    return len(counts), sum(counts)


def _analyse_now(ls: VetlineServer, doc: Document) -> int:
    doc.result = analyse(ls, doc)
    if not ls.features.pull_diagnostics:
        publish(ls, doc.uri, doc.version, doc.result.diagnostics)
    return len(doc.result.diagnostics)


def workspace_diagnostic(ls: VetlineServer, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    """The last workspace scan's findings for files that are not open, and open notebook cells'."""
    items: list[types.WorkspaceDocumentDiagnosticReport] = [
        types.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=diagnostics, version=None)
        for uri, diagnostics in ls.workspace_results.items()
        if uri not in ls.documents and uri not in ls.notebooks
    ]
    items.extend(notebooks.workspace_reports(ls, params.previous_result_ids))
    return types.WorkspaceDiagnosticReport(items=items)


def did_change_watched_files(ls: VetlineServer, params: types.DidChangeWatchedFilesParams) -> None:
    names = {change.uri.rsplit("/", 1)[-1] for change in params.changes}
    if names & set(CONFIG_FILES) or any(_is_rule_file(change.uri) for change in params.changes):
        log.info("configuration or project rule file changed; reloading")
        ls.projects.reset()
        _layout.invalidate()
        reanalyse_open_documents(ls)
    elif names & set(EXCLUSION_FILES):  # what an AI assistant may read changed: re-check exposure
        log.info("an exclusion file changed; re-checking open documents")
        reanalyse_open_documents(ls)
        refresh_dependency_data(ls)  # a project may have turned `online = true` on or changed sources
    elif any(change.type != types.FileChangeType.Changed for change in params.changes):
        log.info("files created or deleted; re-deriving project layouts")
        _layout.invalidate()  # a new app folder or module is first-party from now on
        reanalyse_open_documents(ls)


def _is_rule_file(uri: str) -> bool:
    """A project rule file: `.vetline/rules/*.toml`."""
    return uri.endswith(".toml") and uri.rsplit("/", 1)[0].endswith("/.vetline/rules")


def did_change_folders(ls: VetlineServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    ls.projects.reset()  # a new folder may bring its own configuration
    log.info("workspace folders: %s", ", ".join(str(p) for p in ls.folders()))
    refresh_dependency_data(ls)


async def watch_configuration_files(ls: VetlineServer) -> None:
    """Ask the client to tell us about configuration file changes (dynamic registration)."""
    if not ls.features.watch_files_dynamically:
        return
    names = (*CONFIG_FILES, *(name for name in EXCLUSION_FILES if not name.startswith("settings")))
    watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in names]
    watchers.append(types.FileSystemWatcher(glob_pattern="**/.claude/settings*.json"))
    watchers.append(types.FileSystemWatcher(glob_pattern=RULE_FILES_GLOB))
    layout = types.WatchKind.Create | types.WatchKind.Delete  # which modules exist: first-party names
    patterns = ("**/*.py", "**/*.dist-info")  # modules of the project, packages of its environment
    watchers += [types.FileSystemWatcher(glob_pattern=pattern, kind=layout) for pattern in patterns]
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers)
    registration = types.Registration(
        id="vetline-configuration-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
    )
    try:
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # noqa: BLE001 - a client may refuse; watching is optional
        log.info("the client did not accept file watching (%s); configuration changes need a restart", error)
