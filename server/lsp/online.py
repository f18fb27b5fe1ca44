"""Online dependency data: the server downloads it only for projects that say `online = true`.

Without `online = true` in a project's `[tool.vetline.dependencies]` the server never touches
the network (`vetline data update` fills the cache). With it, the URL sources (registry index,
popular names, advisories) are refreshed through `depdata.update`, the same code as
`vetline data update`: once per project configuration and session, never per keystroke. It runs
at `initialized` for each workspace folder and again when a configuration file or the folders
change (a configuration with other sources is a new one). The download runs in a worker thread
so the event loop keeps answering; when something new arrived, open documents are analysed
again. Each refresh ends in ONE `window/logMessage`: a warning naming what failed (the cached
copy, if any, stays in use) or an informational summary. Credentials in URLs are not logged.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import depdata
from .configuration import reanalyse_open_documents
from .server import VetlineServer

log = logging.getLogger("vetline.server")
_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")  # `https://user:token@host/simple/`


def refresh_dependency_data(ls: VetlineServer) -> None:
    """Start a background refresh for each workspace project with `online = true` not yet done."""
    for folder in ls.folders():
        config = ls.projects.config_for(folder)
        if config.dependencies.get("online") is not True:
            continue
        root = config.root or folder
        key = json.dumps([str(root), config.dependencies], sort_keys=True, default=str)
        if key not in ls.online_refreshes:  # the task is kept: a refresh is done once per session
            ls.online_refreshes[key] = asyncio.ensure_future(_refresh(ls, config.dependencies, root))


async def _refresh(ls: VetlineServer, options: Mapping[str, Any], root: Path) -> None:
    loop = asyncio.get_running_loop()
    try:
        outcomes = await loop.run_in_executor(None, functools.partial(depdata.update, dict(options), root))
    except Exception as error:  # noqa: BLE001 - a failed download must not take the server down
        log.warning("%s", _redacted(f"dependency data for {root} (online = true) not refreshed: {error}"))
        return
    summary = "; ".join(f"{o.kind} {o.status}: {o.message}" for o in outcomes)
    if any(o.status == "failed" for o in outcomes):
        log.warning("%s", _redacted(f"dependency data for {root} (online = true) not fully refreshed: {summary}"))
    else:
        log.info("%s", _redacted(f"dependency data for {root} (online = true) refreshed: {summary}"))
    if any(o.status == "updated" for o in outcomes):
        reanalyse_open_documents(ls)


def _redacted(message: str) -> str:
    return _USERINFO.sub("***@", message)
