"""Online dependency data: downloaded only when the project asks AND the user has allowed it.

A project asks with `online = true` in its `[tool.vetline.dependencies]`; but a freshly cloned,
untrusted repository can say that too, and point `index` / `advisories` at its own server to
learn the user's package names. So the user's editor setting `allowNetwork` (default false) must
agree as well; until it does the server downloads nothing and says once per session, in an
informational `window/logMessage` (never a pop-up), how to allow it. `vetline data update` on
the command line needs no setting: running it is the consent.

With both, the URL sources (registry index, popular names, advisories) are refreshed through
`depdata.update`, the same code as `vetline data update`: once per project configuration and
session, never per keystroke. It runs once the settings are known after `initialized`, and again
when the settings, a configuration file or the folders change (a configuration with other
sources is a new one). The download runs in a worker thread so the event loop keeps answering;
when something new arrived, open documents are analysed again. Each refresh ends in ONE
`window/logMessage`: a warning naming what failed (the cached copy, if any, stays in use) or an
informational summary. Credentials in URLs are not logged.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vetline.rules.patterns import linear

from .. import depdata
from .configuration import reanalyse_open_documents, settings_ready
from .server import VetlineServer

log = logging.getLogger("vetline.server")
_USERINFO = linear(r"://[^/@\s]+@")  # `https://user:token@host/simple/`
_told_how_to_allow: weakref.WeakSet[VetlineServer] = weakref.WeakSet()  # one hint per session


def refresh_dependency_data(ls: VetlineServer) -> None:
    """Refresh, in the background, the projects with `online = true` if the user allows it."""
    asyncio.ensure_future(_refresh_allowed(ls))


async def _refresh_allowed(ls: VetlineServer) -> None:
    # `allowNetwork` may still be on its way in a workspace/configuration answer: deciding
    # before it arrives would ignore a consent the user has given.
    await settings_ready(ls)
    wanted = _online_projects(ls)
    if wanted and not ls.settings.allow_network:
        _explain_once(ls, [root for root, _ in wanted])
        return
    for root, options in wanted:
        key = json.dumps([str(root), options], sort_keys=True, default=str)
        if key not in ls.online_refreshes:  # the task is kept: a refresh is done once per session
            ls.online_refreshes[key] = asyncio.ensure_future(_refresh(ls, options, root))


def _online_projects(ls: VetlineServer) -> list[tuple[Path, Mapping[str, Any]]]:
    """(root, dependency options) of each workspace project that says `online = true`."""
    projects = []
    for folder in ls.folders():
        config = ls.projects.config_for(folder)
        if config.dependencies.get("online") is True:
            projects.append((config.root or folder, config.dependencies))
    return projects


def _explain_once(ls: VetlineServer, roots: list[Path]) -> None:
    if ls in _told_how_to_allow:
        return
    _told_how_to_allow.add(ls)
    log.info(
        "`online = true` in %s asks for dependency data from the network, but network access is not "
        "allowed, so nothing was downloaded. To allow it, set `vetline.allowNetwork` to true in your "
        "user settings (or run `vetline data update` in the project).",
        ", ".join(str(root) for root in roots),
    )


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
    return _USERINFO.sub("://***@", message)
