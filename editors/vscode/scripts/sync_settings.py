"""Keep package.json's `contributes.configuration` in step with the server's settings schema.

The server's `vetline.server.settings.schema()` is the one description of every server setting;
this script adds the two client-only launch settings (`vetline.path`, `vetline.interpreter`)
and writes the result into package.json. `--check` only compares, for tests and CI.

    python editors/vscode/scripts/sync_settings.py [--check]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from vetline.server.settings import schema

PACKAGE_JSON = Path(__file__).resolve().parent.parent / "package.json"

# Read by the extension only (they pick the process to start), so they are not in the server's schema.
LAUNCH_SETTINGS: dict[str, Any] = {
    "vetline.path": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "scope": "resource",
        "description": 'The vetline executable to run as `<path> serve`, e.g. `["/usr/local/bin/vetline"]`. '
        "Wins over `vetline.interpreter`. Changing it restarts the server.",
    },
    "vetline.interpreter": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "scope": "resource",
        "description": "The Python that runs `-m vetline serve`. Empty: the Python extension's active "
        "interpreter, else `vetline` on PATH. Changing it restarts the server.",
    },
}


def expected_properties() -> dict[str, Any]:
    """The configuration properties package.json must declare."""
    return {**LAUNCH_SETTINGS, **schema()}


def main(argv: list[str]) -> int:
    manifest = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    expected = expected_properties()
    if manifest["contributes"]["configuration"]["properties"] == expected:
        return 0
    if "--check" in argv:
        print(f"{PACKAGE_JSON} is out of date: run {Path(__file__).name}", file=sys.stderr)
        return 1
    manifest["contributes"]["configuration"]["properties"] = expected
    PACKAGE_JSON.write_text(json.dumps(manifest, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
