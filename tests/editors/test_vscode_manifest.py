"""The VS Code extension without an editor: its manifest agrees with the server and its own sources,
and its TypeScript unit tests (launch logic) pass under `node --test`."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import REPO, require_tool

VSCODE_DIR = REPO / "editors" / "vscode"


def manifest() -> dict:
    return json.loads((VSCODE_DIR / "package.json").read_text(encoding="utf-8"))


def test_package_json_settings_match_the_server_schema() -> None:
    """Ensure that package.json declares exactly the server's settings plus the two launch settings."""
    check = subprocess.run(
        [sys.executable, str(VSCODE_DIR / "scripts" / "sync_settings.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr


def test_every_registered_command_is_contributed() -> None:
    """Ensure that each command the extension registers appears in the command palette, and no other."""
    source = (VSCODE_DIR / "src" / "extension.ts").read_text(encoding="utf-8")
    registered = set(re.findall(r"registerCommand\('([\w.]+)'", source))
    contributed = {command["command"] for command in manifest()["contributes"]["commands"]}
    assert registered == contributed


def test_client_commands_do_not_shadow_server_commands() -> None:
    """Ensure that no client command reuses an id the server registers (vscode-languageclient registers those)."""
    from vetline.server.lsp.metrics import REPORT_COMMAND, SUMMARY_COMMAND
    from vetline.server.lsp.workspace import ANALYZE_COMMAND, SCAN_COMMAND

    contributed = {command["command"] for command in manifest()["contributes"]["commands"]}
    assert not contributed & {SCAN_COMMAND, ANALYZE_COMMAND, REPORT_COMMAND, SUMMARY_COMMAND}


def test_show_report_command_opens_the_servers_report() -> None:
    """Ensure that `vetline.showReport` is contributed and asks the server's `vetline.writeReport` for the page."""
    from vetline.server.lsp.metrics import REPORT_COMMAND, SUMMARY_COMMAND

    titles = {command["command"]: command["title"] for command in manifest()["contributes"]["commands"]}
    assert titles["vetline.showReport"] == "Show Report"
    client = (VSCODE_DIR / "src" / "client.ts").read_text(encoding="utf-8")
    assert f"command: '{REPORT_COMMAND}'" in client and f"command: '{SUMMARY_COMMAND}'" in client


def test_extension_unit_tests_pass() -> None:
    """Ensure that the extension's TypeScript unit tests (`npm test`) pass."""
    require_tool(VSCODE_DIR / "node_modules" / ".bin" / "esbuild", "the extension's npm toolchain")
    done = subprocess.run(["npm", "test"], cwd=VSCODE_DIR, check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
