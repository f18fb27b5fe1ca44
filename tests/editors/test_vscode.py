"""VS Code itself, as code-server in headless Chromium, with the freshly built vetline .vsix.

Each test gets a fresh code-server profile (user data, extensions, settings) under tmp_path,
installs the .vsix with `--install-extension`, serves the workbench on 127.0.0.1 only, and
drives it with playwright-core through tests/editors/vscode_driver.mjs, which runs one scenario
(quickfix, settings, manual, scan, notify) and reports what it saw as JSON. Screenshots and the
code-server logs land in tests/artifacts/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    EDITORS_DIR,
    FINDING_COLUMN,
    FINDING_LINE,
    PROVIDER_TOKEN,
    REPO,
    free_port,
    process_group,
    recorded_outcomes,
    require_tool,
    which,
)

pytestmark = pytest.mark.editor

VSCODE_DIR = REPO / "editors" / "vscode"
DRIVER = Path(__file__).with_name("vscode_driver.mjs")
STARTUP_TIMEOUT_S = 90


@pytest.fixture(scope="session")
def vsix() -> Path:
    """The extension built from the current sources (the setup script installed its toolchain)."""
    require_tool(VSCODE_DIR / "node_modules" / ".bin" / "vsce", "the extension's npm toolchain")
    subprocess.run(["npm", "run", "package"], cwd=VSCODE_DIR, check=True, capture_output=True)
    return VSCODE_DIR / "vetline.vsix"


@pytest.fixture(scope="session")
def code_server() -> Path:
    return require_tool(EDITORS_DIR / "node_modules" / ".bin" / "code-server", "code-server")


@pytest.fixture(scope="session")
def chromium() -> Path:
    return require_tool(which("chromium"), "Debian's chromium")


def isolated_env(home: Path) -> dict[str, str]:
    """Keep code-server's config and logs out of the real $HOME."""
    env = dict(os.environ)
    env.update(
        XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache")
    )
    return env


def write_user_settings(user_data: Path, interpreter: str, extra: dict[str, Any]) -> None:
    settings = {
        "security.workspace.trust.enabled": False,
        **({"vetline.interpreter": [interpreter]} if interpreter else {}),
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.autoCheckUpdates": False,
        "extensions.autoUpdate": False,
        "update.mode": "none",
        "files.autoSave": "off",
        "chat.disableAIFeatures": True,
        **extra,
    }
    (user_data / "User").mkdir(parents=True, exist_ok=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"code-server exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"code-server did not answer within {STARTUP_TIMEOUT_S}s:\n{log.read_text(errors='replace')}")


def run_vscode(
    scenario: str,
    workspace: Path,
    interpreter: str,
    tmp_path: Path,
    artifacts: Path,
    paths: dict[str, Path],
    settings: dict[str, Any] | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Install the .vsix into a fresh profile, serve `workspace`, run one driver scenario."""
    user_data, extensions = tmp_path / "user-data", tmp_path / "extensions"
    env = isolated_env(tmp_path / "home")
    base = [str(paths["code_server"]), "--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    for extension in (paths["vsix"], *paths.get("extra_extensions", ())):
        subprocess.run([*base, "--install-extension", str(extension)], check=True, capture_output=True, env=env)
    write_user_settings(user_data, interpreter, settings or {})
    port = free_port()
    serve = [*base, "--bind-addr", f"127.0.0.1:{port}", "--auth", "none", "--disable-telemetry",
             "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override",
             str(workspace)]  # fmt: skip
    log = artifacts / f"code-server-{scenario}.log"
    with process_group(serve, log, env) as proc:
        url = f"http://127.0.0.1:{port}"
        wait_until_serving(url, proc, log)
        config = {
            "scenario": scenario,
            "url": f"{url}/?folder={workspace}",
            "file": "app.py",
            "position": f"{FINDING_LINE}:{FINDING_COLUMN}",
            "ruleId": "yaml-unsafe-load",
            "fixTitle": "safe_load",
            "artifacts": str(artifacts),
            "chromium": str(paths["chromium"]),
            "browserProfile": str(tmp_path / "chromium-profile"),
            "workspaceSettings": str(workspace / ".vscode" / "settings.json"),
            "unopenedFile": "worker.py",
            "nodeModulesRoot": str(EDITORS_DIR),
            "timeoutMs": 60_000,
            "stepTimeoutMs": 30_000,
            **(overrides or {}),
        }
        config_path = tmp_path / "driver.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        done = subprocess.run(
            ["node", str(DRIVER), str(config_path)], check=False, capture_output=True, text=True, timeout=240, env=env
        )
    sys.stderr.write(done.stderr)
    result = json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}
    assert done.returncode == 0, f"driver failed: {result.get('error', done.stderr)}\nsee {log} and {artifacts}"
    return result


@pytest.fixture
def paths(vsix: Path, code_server: Path, chromium: Path) -> dict[str, Path]:
    return {"vsix": vsix, "code_server": code_server, "chromium": chromium}


def test_vscode_lists_findings_and_applies_quick_fix(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that VS Code lists vetline findings in the Problems panel and its quick fix rewrites the file."""
    result = run_vscode("quickfix", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths)
    assert any("yaml-unsafe-load" in row and "vetline" in row for row in result["problems"])
    assert any("safe_load" in action for action in result["actions"])
    fixed = (vulnerable_workspace / "app.py").read_text(encoding="utf-8")
    assert "yaml.safe_load(data)" in fixed
    assert "yaml.load(" not in fixed
    server_errors = [text for text in result["notifications"] if "Error in server" in text]
    assert not server_errors, f"the server showed errors while the user worked: {server_errors}"
    assert recorded_outcomes(tmp_path / "home" / "data", vulnerable_workspace) == [(None, "quick-fix")]


def test_vscode_lists_tsx_findings_and_applies_text_content_fix(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that a TSX file's innerHTML finding reaches the Problems panel and its fix writes textContent."""
    component = vulnerable_workspace / "Banner.tsx"
    component.write_text(
        "export function show(): void {\n"
        "  const params = new URLSearchParams(window.location.search);\n"
        '  document.getElementById("banner")!.innerHTML = params.get("message") ?? "";\n'
        "}\n",
        encoding="utf-8",
    )
    overrides = {"file": "Banner.tsx", "position": "3:40", "ruleId": "js-xss-inner-html", "fixTitle": "textContent"}
    result = run_vscode(
        "quickfix", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths, overrides=overrides
    )
    assert any("js-xss-inner-html" in row for row in result["problems"])
    assert '.textContent = params.get("message")' in component.read_text(encoding="utf-8")


def test_vscode_reports_secrets_in_a_shell_script_and_a_terraform_file(
    tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that in a folder with no Python, opening `main.tf` (plain text to VS Code without a
    Terraform extension) and `deploy.sh` activates vetline and lists each provider-format token in
    the Problems panel, without the token."""
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(f'provider "github" {{\n  token = "{PROVIDER_TOKEN}"\n}}\n', encoding="utf-8")
    (infra / "deploy.sh").write_text(f"#!/bin/sh\nexport GITHUB_TOKEN={PROVIDER_TOKEN}\n", encoding="utf-8")
    overrides = {"file": "main.tf", "files": ["main.tf", "deploy.sh"], "ruleId": "hardcoded-secret"}
    result = run_vscode("findings", infra, sys.executable, tmp_path, artifacts, paths, overrides=overrides)
    findings = [row for row in result["problems"] if "hardcoded-secret" in row]
    assert len(findings) == 2 and all("[Ln 2, Col" in row for row in findings)
    assert any(row.startswith("main.tf") for row in result["problems"])
    assert any(row.startswith("deploy.sh") for row in result["problems"])
    assert not any(PROVIDER_TOKEN[4:] in row for row in result["problems"])


def test_vscode_explains_how_to_install_when_the_server_cannot_start(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that a Python without vetline gives one notification naming the install command."""
    python = tmp_path / "python-without-vetline"
    python.write_text("#!/bin/sh\necho 'No module named vetline' >&2\nexit 1\n", encoding="utf-8")
    python.chmod(0o755)
    result = run_vscode("notify", vulnerable_workspace, str(python), tmp_path, artifacts, paths)
    toasts = [text for text in result["notifications"] if "vetline could not start" in text]
    assert len(toasts) == 1
    assert "-m pip install vetline" in toasts[0]
    assert '"vetline.path"' in toasts[0] and '"vetline.interpreter"' in toasts[0]


def test_vscode_finds_vetline_in_the_workspace_venv_without_settings(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that with no vetline setting and no vetline on PATH the workspace's `.venv` vetline serves."""
    venv_bin = vulnerable_workspace / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "vetline").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m vetline "$@"\n', encoding="utf-8")
    (venv_bin / "vetline").chmod(0o755)
    result = run_vscode("quickfix", vulnerable_workspace, "", tmp_path, artifacts, paths)
    assert any("yaml-unsafe-load" in row and "vetline" in row for row in result["problems"])
    output = "".join(path.read_text() for path in (tmp_path / "user-data" / "logs").rglob("vetline.log"))
    assert f"Server command: {venv_bin / 'vetline'} serve (from the workspace's virtual environment)" in output


def test_vscode_applies_setting_changes_without_restarting_the_server(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that adding the rule to `vetline.ignore` clears its finding through didChangeConfiguration alone."""
    result = run_vscode("settings", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths)
    assert any("yaml-unsafe-load" in row for row in result["problems"])
    assert result["clearedByIgnore"]
    output = "".join(path.read_text() for path in (tmp_path / "user-data" / "logs").rglob("vetline.log"))
    assert output.count("Server command:") == 1, "the server was restarted for a setting that needs no restart"
    assert not [text for text in result["notifications"] if "vetline" in text.lower()]


def test_vscode_manual_run_mode_analyses_on_command(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that with `"vetline.run": "manual"` a typed-in finding appears only after "Analyze Current File"."""
    result = run_vscode(
        "manual", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths, {"vetline.run": "manual"}
    )
    assert result["problemsBefore"] <= 1, "the typed line was analysed although run is manual"
    assert len(result["problems"]) == 2


def test_vscode_scan_workspace_reports_files_never_opened(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that "vetline: Scan Workspace" lists the findings of a file that was never opened."""
    (vulnerable_workspace / "worker.py").write_text("import yaml\n\nyaml.load(open('jobs.yml'))\n", encoding="utf-8")
    result = run_vscode("scan", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths)
    assert any("worker.py" in row for row in result["problems"])
    assert sum("yaml-unsafe-load" in row for row in result["problems"]) == 2


def test_vscode_show_report_opens_the_metrics_report(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that "vetline: Show Report" opens the HTML report, with its SVG charts, in a script-free webview."""
    result = run_vscode("report", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths)
    assert result["heading"] == "vetline report"
    assert result["svgCount"] >= 3  # the file open at start is one recorded finding: the charts are drawn
    assert result["scripts"] == 0


def test_vscode_shows_findings_on_notebook_cells_analysed_together(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that a Jupyter notebook's cells get findings in VS Code, cell 1's import resolving cell 3's call
    across a Markdown cell, which VS Code syncs too: a token pasted into the note is reported on it."""
    token = "ghp_" + "Zq8xLmN3pR7sT1vW5yB9cD2fG4hJ6kA0eU8i"
    cells = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": ["import yaml as y\n"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["# Notes\n", "\n", f"token: {token}\n"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["doc = y.load(data)\n"],
        },
    ]
    metadata = {"kernelspec": {"name": "python3", "language": "python"}, "language_info": {"name": "python"}}
    notebook = {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    (vulnerable_workspace / "analysis.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    overrides = {"file": "analysis.ipynb"}
    result = run_vscode(
        "notebook", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths, overrides=overrides
    )
    # The call in the third cell, found through the first cell's `import yaml as y`.
    assert any("yaml-unsafe-load" in row and "[Ln 1, Col 7]" in row for row in result["problems"])
    assert any("hardcoded-secret" in row and "[Ln 3, Col 8]" in row for row in result["problems"])
    assert not any(token in row for row in result["problems"])
    server_errors = [text for text in result["notifications"] if "Error in server" in text]
    assert not server_errors, f"the server showed errors: {server_errors}"


def test_vscode_status_bar_counts_findings_in_ai_inserted_code_this_week(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that a vulnerable block inserted in one edit shows as "AI 1" in the status bar, with the weekly text."""
    result = run_vscode("aistatus", vulnerable_workspace, sys.executable, tmp_path, artifacts, paths)
    assert "AI" not in result["statusBefore"]  # the finding present at open was typed, not inserted
    assert "vetline 2" in result["statusAfter"] and "AI 1" in result["statusAfter"]
    assert "1 finding in AI-inserted code this week" in (result["statusLabel"] or "")


INLINE_SUGGESTION = "def loader(blob):\n    text = blob.strip()\n    return yaml.load(text)\n"
INLINE_EXTENSION_JS = """
const vscode = require('vscode');
exports.activate = function (context) {
    const provider = {
        provideInlineCompletionItems(document, position) {
            return [new vscode.InlineCompletionItem(%s, new vscode.Range(position, position))];
        },
    };
    context.subscriptions.push(vscode.languages.registerInlineCompletionItemProvider({ language: 'python' }, provider));
};
"""


def inline_completion_extension(folder: Path) -> Path:
    """A .vsix of a tiny extension that offers one multi-line inline completion in Python files,
    as an AI assistant does (packed by hand: a .vsix is a zip of `extension/`)."""
    manifest = {
        "name": "inline-suggester", "publisher": "vetline-tests", "version": "0.0.1",
        "engines": {"vscode": "^1.80.0"}, "main": "./extension.js", "activationEvents": ["onLanguage:python"],
    }  # fmt: skip
    vsix = folder / "inline-suggester.vsix"
    with zipfile.ZipFile(vsix, "w") as archive:
        archive.writestr("extension/package.json", json.dumps(manifest))
        archive.writestr("extension/extension.js", INLINE_EXTENSION_JS % json.dumps(INLINE_SUGGESTION))
    return vsix


def test_vscode_accepted_inline_suggestion_is_an_inserted_block(
    vulnerable_workspace: Path, tmp_path: Path, artifacts: Path, paths: dict[str, Path]
) -> None:
    """Ensure that a multi-line inline completion accepted with Tab (`editor.action.inlineSuggest.commit`)
    is seen as an inserted block: its finding counts as "AI 1" in the status bar."""
    with_suggester = {**paths, "extra_extensions": (inline_completion_extension(tmp_path),)}
    result = run_vscode("inline", vulnerable_workspace, sys.executable, tmp_path, artifacts, with_suggester)
    assert "yaml.load(text)" in result["editorText"]
    assert "AI" not in result["statusBefore"]
    assert "vetline 2" in result["statusAfter"] and "AI 1" in result["statusAfter"]
