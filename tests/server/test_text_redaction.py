"""Text output never prints a flagged secret, even in the snippet of another finding on its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from vetline.server.cli import main

TOKEN = "ghp_" + "9a8B7c6D5e4F3g2H1i0J9k8L7m6N5o4P3q2R"


def test_secret_is_masked_in_every_snippet_of_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a `verify=False` finding sharing a line with a token does not echo the token."""
    source = f'import requests\n\nresponse = requests.get(url, headers={{"Authorization": "Bearer {TOKEN}"}}, verify=False)\n'
    (tmp_path / "client.py").write_text(source)
    monkeypatch.chdir(tmp_path)
    main(["scan", "--select", "hardcoded-secret,tls-verification-disabled", "--no-color"])
    out = capsys.readouterr().out
    assert "hardcoded-secret" in out and "tls-verification-disabled" in out
    assert TOKEN not in out and TOKEN[4:12] not in out
    assert out.count("verify=False") == 2  # the rest of the line is still shown
