"""Settings: `initializationOptions`, then `workspace/configuration` (section `vetline`), then
every `workspace/didChangeConfiguration`, layered over each project's file configuration.

Invalid settings fall back to the defaults with ONE `window/showMessage`; the next valid
change takes effect without a restart: engines are rebuilt and open documents re-analysed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Mapping
from typing import Any

from lsprotocol import types

from .. import settings as settings_module
from . import logs
from .capabilities import resolve
from .server import VetlineServer

log = logging.getLogger("vetline.server")
SECTION = "vetline"


def register(server: VetlineServer) -> None:
    server.feature(types.INITIALIZE)(initialize)
    server.feature(types.INITIALIZED)(initialized)
    server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(did_change_configuration)


def initialize(ls: VetlineServer, params: types.InitializeParams) -> None:
    ls.features = resolve(params.capabilities)
    logs.attach(ls)
    ls.init_settings = _section(params.initialization_options)
    apply(ls, ls.init_settings)


def initialized(ls: VetlineServer, params: types.InitializedParams) -> None:
    from .online import refresh_dependency_data
    from .workspace import watch_configuration_files

    asyncio.ensure_future(watch_configuration_files(ls))
    start_refresh(ls)
    refresh_dependency_data(ls)  # `online = true` projects, if `allowNetwork`; once the settings are in


def did_change_configuration(ls: VetlineServer, params: types.DidChangeConfigurationParams) -> None:
    from .online import refresh_dependency_data

    pushed = _section(params.settings)
    if pushed:
        ls.settings_generation += 1  # a fetch still in flight is older: it must not overwrite these
        apply(ls, settings_module.merge_layers(ls.init_settings, pushed))
        reanalyse_open_documents(ls)
    else:  # the modern way: the notification only says "ask me again"
        start_refresh(ls)
    refresh_dependency_data(ls)  # the user may just have allowed network access (it waits for the fetch)


def start_refresh(ls: VetlineServer) -> None:
    """Fetch settings in the background; analyses wait for it (`settings_ready`) so that a
    document opened right after a configuration change is analysed with the new settings."""
    ls.settings_refresh = asyncio.ensure_future(refresh(ls))


async def settings_ready(ls: VetlineServer) -> None:
    task = ls.settings_refresh
    if task is not None and not task.done():
        await asyncio.wait({task})  # its failure or cancellation is not the caller's


async def refresh(ls: VetlineServer) -> None:
    """Ask the client for the `vetline` section and apply it over the initialization options."""
    if not ls.features.configuration:
        return
    generation = ls.settings_generation
    try:
        answer = await ls.workspace_configuration_async(
            types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
        )
    except Exception as error:  # noqa: BLE001 - a client's failure keeps the current settings
        log.warning("workspace/configuration failed: %s", type(error).__name__)
        return
    if generation != ls.settings_generation:
        return
    fetched = answer[0] if answer and isinstance(answer[0], Mapping) else {}
    apply(ls, settings_module.merge_layers(ls.init_settings, fetched))
    reanalyse_open_documents(ls)


def apply(ls: VetlineServer, raw: Mapping[str, Any]) -> None:
    """Validate and install settings; invalid ones give defaults and one message."""
    try:
        parsed, warnings = settings_module.parse(raw)
    except settings_module.SettingsError as error:
        ls.show_once(f"vetline: invalid settings ({error}); using the defaults", types.MessageType.Error)
        parsed, warnings = settings_module.Settings(), []
    for warning in warnings:
        log.warning("%s", warning)
    ls.settings = parsed
    logs.set_level(parsed.log_level)
    _use_interpreter(parsed.python_interpreter)
    ls.projects.reset(parsed)


_LAUNCH_INTERPRETER = os.environ.get("VETLINE_PYTHON")  # what the server was started with


def _use_interpreter(path: str | None) -> None:
    """The dependency rules read `VETLINE_PYTHON` (a user-level channel no repository can set)."""
    value = path or _LAUNCH_INTERPRETER
    if value:
        os.environ["VETLINE_PYTHON"] = value
    else:
        os.environ.pop("VETLINE_PYTHON", None)


def reanalyse_open_documents(ls: VetlineServer) -> None:
    """Analyse open buffers again under new settings; in `manual` mode only the commands do."""
    for doc in ls.documents.values():
        doc.base = None  # new rules or options: nothing incremental to reuse
        if ls.settings.run == "manual":
            continue  # the last result the user asked for stays until they ask again
        doc.result = None
        ls.scheduler.request(doc.notebook or doc.uri, immediate=True)  # a cell: its whole notebook


def _section(raw: Any) -> dict[str, Any]:
    """The `vetline` settings object, whether wrapped as {"vetline": {...}} or given bare."""
    if not isinstance(raw, Mapping):
        return {}
    if SECTION in raw:
        inner = raw[SECTION]
        return dict(inner) if isinstance(inner, Mapping) else {}
    known = {setting.name for setting in settings_module.SETTINGS}
    return dict(raw) if known & set(raw) else {}
