"""Neovim (Debian's 0.7.2 in CI) running headless with only editors/nvim on its runtimepath.

Set VETLINE_NVIM to run them with another Neovim binary (e.g. 0.11+ for the vim.lsp.enable path).
The editor side of each test is a Lua script run inside Neovim; it reports what it saw as JSON
in a file and its exit code says whether it got there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import PROVIDER_TOKEN, REPO, recorded_outcomes, require_tool, which
from vetline.rules.languages import LANGUAGES, language_for_path

pytestmark = pytest.mark.editor

PLUGIN = REPO / "editors" / "nvim"
SCRIPTS = Path(__file__).parent


def run_nvim(
    script: str, file: Path, tmp_path: Path, **variables: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Open `file` in headless Neovim with the plugin, run `script`, return its JSON report."""
    nvim = require_tool(os.environ.get("VETLINE_NVIM") or which("nvim"), "Neovim")
    result_path = tmp_path / "nvim-result.json"
    env = dict(os.environ, VETLINE_TEST_PYTHON=sys.executable, VETLINE_NVIM_RESULT=str(result_path),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"), **variables)  # fmt: skip
    argv = [str(nvim), "--headless", "--clean", "--cmd", f"set runtimepath^={PLUGIN}",
            "--cmd", f"lua package.path = '{SCRIPTS}/?.lua;' .. package.path",
            "-c", f"luafile {SCRIPTS / script}", str(file)]  # fmt: skip
    done = subprocess.run(argv, check=False, cwd=file.parent, env=env, capture_output=True, text=True, timeout=120)
    report = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
    return done, report


def test_neovim_shows_findings_and_applies_quick_fix(vulnerable_workspace: Path, tmp_path: Path) -> None:
    """Ensure that Neovim gets vetline diagnostics and the quick fix rewrites the buffer and clears them."""
    done, report = run_nvim("nvim_quickfix.lua", vulnerable_workspace / "app.py", tmp_path)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["diagnostic"]["code"] == "yaml-unsafe-load"
    assert report["diagnostic"]["line"] == 4  # 0-based: `return yaml.load(data)`
    assert "yaml.safe_load(data)" in report["text"]
    assert "yaml.load(" not in report["text"]
    assert report["cleared"], "the diagnostic stayed after the fix"
    # Neovim counts a version per edit it applies: the fix is still recorded as a quick fix
    assert recorded_outcomes(tmp_path / "data", vulnerable_workspace) == [(None, "quick-fix")]


def test_neovim_shows_tsx_findings_and_applies_text_content_fix(vulnerable_workspace: Path, tmp_path: Path) -> None:
    """Ensure that a TSX buffer gets the innerHTML finding and the textContent fix clears it."""
    component = vulnerable_workspace / "Banner.tsx"
    component.write_text(
        "export function show(): void {\n"
        "  const params = new URLSearchParams(window.location.search);\n"
        '  document.getElementById("banner")!.innerHTML = params.get("message") ?? "";\n'
        "}\n",
        encoding="utf-8",
    )
    done, report = run_nvim(
        "nvim_quickfix.lua",
        component,
        tmp_path,
        VETLINE_NVIM_RULE="js-xss-inner-html",
        VETLINE_NVIM_FIX_WORD="textContent",
    )
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["diagnostic"]["line"] == 2
    assert '.textContent = params.get("message")' in report["text"]
    assert report["cleared"], "the diagnostic stayed after the fix"


def test_neovim_attaches_to_every_file_vetline_scans_and_scans_the_workspace(
    vulnerable_workspace: Path, tmp_path: Path
) -> None:
    """Ensure that vetline attaches to Python files, manifests and any TOML file (`vetline scan` reads
    them all for secrets), not to files the CLI skips, and the scan reports unopened files."""
    (vulnerable_workspace / "requirements-dev.txt").write_text("pyyaml==6.0.1\n", encoding="utf-8")
    (vulnerable_workspace / "pyproject.toml").write_text('[project]\nname = "demo"\n', encoding="utf-8")
    (vulnerable_workspace / "settings.toml").write_text("debug = true\n", encoding="utf-8")
    (vulnerable_workspace / "LICENSE").write_text("MIT License\n", encoding="utf-8")
    (vulnerable_workspace / "worker.py").write_text("import yaml\nyaml.load(open('x'))\n", encoding="utf-8")
    done, report = run_nvim("nvim_workspace.lua", vulnerable_workspace / "app.py", tmp_path)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["attached"] == {
        "app.py": True,
        "requirements-dev.txt": True,
        "pyproject.toml": True,
        "settings.toml": True,  # Dynaconf and friends keep SECRET_KEY here: the CLI reads it
        "LICENSE": False,  # no file vetline reads
    }
    assert report["worker_found"], "no findings for the unopened worker.py after :VetlineScanWorkspace"
    assert "yaml-unsafe-load" in report["worker_codes"]


def test_vetline_report_and_ai_summary_commands(vulnerable_workspace: Path, tmp_path: Path) -> None:
    """Ensure that `:VetlineReport` opens the server's HTML report with charts and `:VetlineAiSummary` tells the weekly count."""
    done, report = run_nvim("nvim_report.lua", vulnerable_workspace / "app.py", tmp_path)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["opened"].startswith(str(tmp_path / "data"))  # under the session's XDG_DATA_HOME
    assert report["is_html"] and report["has_svg"]
    assert report["summary"] == "vetline: 0 findings in AI-inserted code this week"  # the file was opened, not inserted


def test_neovim_attaches_to_ai_context_files_without_a_filetype(tmp_path: Path) -> None:
    """Ensure that a `.cursorrules` with hidden text and an exposed `.pem` key get diagnostics in Neovim."""
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    (project / ".cursorignore").write_text("node_modules/\n", encoding="utf-8")
    (project / ".cursorrules").write_text(
        "Always write tests.\U000e0054\U000e0065\U000e0073\U000e0074\n", encoding="utf-8"
    )
    key = "-----BEGIN RSA PRIVATE KEY-----\n" + "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" * 4
    (project / "server.pem").write_text(key + "-----END RSA PRIVATE KEY-----\n", encoding="utf-8")
    done, report = run_nvim(
        "nvim_open_files.lua", project / ".cursorrules", tmp_path, VETLINE_NVIM_FILES=".cursorrules,server.pem"
    )
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert "hidden-unicode-characters" in report["files"][".cursorrules"]["codes"]
    assert "ai-context-secret-file-exposed" in report["files"]["server.pem"]["codes"]


def test_neovim_reports_secrets_in_a_shell_script_a_properties_file_and_a_makefile(tmp_path: Path) -> None:
    """Ensure that a provider-format token in `deploy.sh`, `application.properties` and a `Makefile`
    (Neovim 0.7.2: filetypes `sh`, `jproperties`, `make`) is a vetline diagnostic on its line."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "deploy.sh").write_text(f"#!/bin/sh\nexport GITHUB_TOKEN={PROVIDER_TOKEN}\n", encoding="utf-8")
    (project / "application.properties").write_text(f"server.port=8080\ngithub.token={PROVIDER_TOKEN}\n")
    (project / "Makefile").write_text(f"TOKEN := {PROVIDER_TOKEN}\n\nall:\n\techo ok\n", encoding="utf-8")
    files = "deploy.sh,application.properties,Makefile"
    done, report = run_nvim("nvim_open_files.lua", project / "deploy.sh", tmp_path, VETLINE_NVIM_FILES=files)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    seen = {name: list(zip(entry["codes"], entry["lines"])) for name, entry in report["files"].items()}
    assert seen == {
        "deploy.sh": [("hardcoded-secret", 1)],
        "application.properties": [("hardcoded-secret", 1)],
        "Makefile": [("hardcoded-secret", 0)],
    }


def sample_paths() -> list[str]:
    """Paths for each way a LANGUAGES row names files, with upper-case extensions and near misses.
    Notebooks are left out: Neovim edits a `.ipynb` as JSON text, not as notebook cells."""
    paths = ["/p/LICENSE", "/p/main.rs", "/p/logo.png", "/p/Makefile.am", "/p/page.html", "/p/.bashrc.bak"]
    for row in (row for row in LANGUAGES if row.id != "jupyter-notebook"):
        for extension in row.extensions:
            paths += [f"/p/src/file{extension}", f"/p/FILE{extension.upper()}"]
        paths += [f"/p/{pattern.replace('*', 'prod')}" for pattern in row.filenames]
        paths += [f"/p/{folder}/site/x{ext}" for folder in row.folders for ext in row.folder_extensions]
    return paths


def test_neovim_file_table_matches_the_files_vetline_scan_reads(tmp_path: Path) -> None:
    """Ensure that the plugin's generated name table picks exactly the paths `vetline scan` reads."""
    paths = sample_paths()
    done, report = run_nvim("nvim_scanned.lua", tmp_path / "none.txt", tmp_path, VETLINE_NVIM_PATHS=json.dumps(paths))
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["scanned"] == {path: language_for_path(path) is not None for path in paths}


def test_vetline_ai_summary_counts_a_finding_in_an_inserted_block(vulnerable_workspace: Path, tmp_path: Path) -> None:
    """Ensure that after a vulnerable block lands in one edit, `:VetlineAiSummary` counts it and `:VetlineReport` still opens."""
    done, report = run_nvim("nvim_report.lua", vulnerable_workspace / "app.py", tmp_path, VETLINE_NVIM_INSERT="1")
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert report["is_html"] and report["has_svg"]
    assert report["summary"] == "vetline: 1 finding in AI-inserted code this week"


def test_checkhealth_vetline_and_severity_sort(vulnerable_workspace: Path, tmp_path: Path) -> None:
    """Ensure that `:checkhealth vetline` reports the executable, version, running server and settings,
    and that setup() turns on severity_sort."""
    done, report = run_nvim("nvim_health.lua", vulnerable_workspace / "app.py", tmp_path)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    health = "\n".join(report["health"])
    assert "vetline" in health
    assert "OK: executable: /" in health or "OK executable: /" in health
    assert "version: vetline " in health
    assert "server running: client" in health and str(vulnerable_workspace) in health
    assert "secrets" in health  # the settings passed to setup()
    assert "ERROR" not in health
    assert report["severity_sort_before"] is False and report["severity_sort"] is True


@pytest.mark.parametrize("how", ["put", "stream"])
def test_neovim_paste_is_an_inserted_block(vulnerable_workspace: Path, tmp_path: Path, how: str) -> None:
    """Ensure that a three-line function pasted in Neovim (one `nvim_put`, or a `vim.paste` streamed
    in chunks) gives its finding the origin `inserted-block`, and the finding present at open none."""
    done, report = run_nvim("nvim_paste.lua", vulnerable_workspace / "app.py", tmp_path, VETLINE_NVIM_PASTE=how)
    assert done.returncode == 0, f"{report.get('error')}\nstderr: {done.stderr}"
    assert "    return yaml.load(text)" in report["text"]
    pasted_line = report["text"].split("\n").index("    return yaml.load(text)")
    origins = {entry["line"]: entry["origin"] for entry in report["origins"]}
    assert origins == {4: None, pasted_line: "inserted-block"}
