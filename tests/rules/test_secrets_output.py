"""No secret value reaches the CLI's JSON or SARIF output (only kind, name and preview)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

OPENAI_KEY = "sk-proj-" + "Zq8Xw2Lm4Np6Rt9Vb1Cd" + "T3Blbk" + "FJ" + "Hy7Gf5Ds3Ak1Jl9Pm2Qo"
PASSWORD = "Tr0ub4dor" + "-and-3"


@pytest.mark.parametrize("output_format", ["json", "sarif", "text"])
def test_cli_output_never_contains_the_secret(tmp_path: Path, output_format: str) -> None:
    """Ensure that `vetline scan` reports the secrets without printing their values."""
    (tmp_path / "app.py").write_text(f'OPENAI_API_KEY = "{OPENAI_KEY}"\ndb_password = "{PASSWORD}"\n')
    (tmp_path / ".env").write_text(f"OPENAI_API_KEY={OPENAI_KEY}\n")
    result = subprocess.run(
        [sys.executable, "-m", "vetline", "scan", "--format", output_format, "--no-color", "."],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "hardcoded-secret" in result.stdout and "hardcoded-password" in result.stdout
    for leaked in (OPENAI_KEY, PASSWORD, OPENAI_KEY[8:20], PASSWORD[3:]):
        assert leaked not in result.stdout + result.stderr
