"""rules/ and server/ type-check with mypy, configured in pyproject.toml's `[tool.mypy]`.

mypy runs in a subprocess from the repository root so it reads that configuration exactly as a
developer's `python -m mypy` does (.ci/typecheck/vetline maps the folders to the installed names).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_rules_and_server_type_check() -> None:
    """Ensure that rules/ and server/ type-check with mypy."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a cold cache takes seconds; never let a stuck mypy hold the suite
        check=False,
    )
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"
