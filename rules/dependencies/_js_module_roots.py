"""Bare specifiers a bundler resolves inside the project: webpack `resolve.modules`, Jest `modulePaths`.

isso's `isso/js/webpack.config.js` lists its own folder in `resolve.modules` (and its Jest
config in `modulePaths`), so `require("app/utils")` is `isso/js/app/utils.js`, not an npm
package named `app`. A specifier is such a local module when a folder between the importing
file and its npm project holds a bundler or test-runner configuration that sets module roots
and holds the specifier's first segment as a folder or a module file. Configurations are read
as bounded regular files inside the project, and cached by the folder's modification time.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from .. import files
from ..patterns import linear
from ._js_imports import _mtime

_CONFIG = linear(r"^(?:webpack|jest|vite|rollup)[\w.-]*\.config\.[cm]?[jt]s$|^jest\.config\.json$")
_ROOTS = linear(rb"\b(?:modules|modulePaths|moduleDirectories|roots)\s*:")
_MODULE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx")


def resolves_locally(path: str, project_folder: Path | None, specifier: str) -> bool:
    """True when `specifier`'s first segment is a module under a bundler module root above `path`."""
    if not path or project_folder is None:
        return False
    head = specifier.split("/")[0]
    if not head or head.startswith("@"):
        return False
    try:
        start = Path(os.path.abspath(path)).parent
        start.relative_to(project_folder)
    except ValueError:
        return False
    for folder in (start, *start.parents):
        configs, names = _listing(str(folder), _mtime(folder))
        if head in names and any(_sets_roots(config, str(folder), _mtime(Path(config))) for config in configs):
            return True
        if folder == project_folder:
            return False
    return False


@functools.lru_cache(maxsize=512)
def _listing(folder: str, _stamp: int) -> tuple[tuple[str, ...], frozenset[str]]:
    """(bundler configurations, module names: sub-folders and module files) of a folder."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return (), frozenset()
    configs = tuple(e.path for e in entries if _CONFIG.match(e.name) and files.entry_is_file(e))
    names = {e.name for e in entries if files.entry_is_dir(e)}
    names |= {e.name.rsplit(".", 1)[0] for e in entries if e.name.endswith(_MODULE_SUFFIXES)}
    return configs, frozenset(names)


@functools.lru_cache(maxsize=512)
def _sets_roots(config: str, folder: str, _stamp: int) -> bool:
    """True when a configuration sets module roots (`resolve.modules`, `modulePaths`, ...)."""
    try:
        return _ROOTS.search(files.read_bounded(config, files.MAX_CONFIG_BYTES, within=folder)) is not None
    except OSError:
        return False
