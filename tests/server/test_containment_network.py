"""What leaves the machine: only package names parsed from manifests inside the project.

`-r ../private/names.txt`, `-r /etc/hostname` or `-r token.txt` in a cloned repository's
requirements used to make `vetline data update` POST those files' contents to the advisory URL.
A real OSV-speaking server on 127.0.0.1 (`Registry` of test_depdata.py) records every byte it
receives, and the test asserts on exactly that.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_depdata import RECORDED, Registry
from vetline.server import depdata
from vetline.server.cli import main

# A GitHub token shape, assembled at run time so that no real-looking secret is committed.
TOKEN = "ghp_" + "16C7e42F292c6912E7710c838347Ae178B4a"
PRIVATE_NAME = "acme-internal-payroll"
ABSOLUTE_NAME = "secret-host-name"


@pytest.fixture
def registry() -> Iterator[Registry]:
    server = Registry()
    server.routes[("POST", "/v1/querybatch")] = lambda h, body: (
        200,
        {},
        (RECORDED / "osv-querybatch.json").read_bytes(),
    )
    server.static("/v1/vulns/GHSA-j8r2-6x86-q33q", (RECORDED / "GHSA-j8r2-6x86-q33q.json").read_bytes())
    with server.serving():
        yield server


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def project(tmp_path: Path, registry: Registry) -> Path:
    """A project whose requirements include files outside it and files that hold no requirements."""
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "names.txt").write_text(f"{PRIVATE_NAME}\n")
    (tmp_path / "absolute.txt").write_text(f"{ABSOLUTE_NAME}\n")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ".vetline.toml").write_text(f'[dependencies]\nadvisories = "{registry.url}"\n')
    (folder / "token.txt").write_text(f"{TOKEN}\n")
    (folder / "notes.txt").write_text("my password is hunter2\n")
    (folder / "dev.txt").write_text("flask>=2 ; python_version > '3.8'  # web\n")
    (folder / "escape.txt").symlink_to(tmp_path / "private" / "names.txt")
    (folder / "requirements.txt").write_text(
        "requests==2.28.1\n"
        "-r ../private/names.txt\n"
        f"-r {tmp_path / 'absolute.txt'}\n"
        "-r /etc/hostname\n"
        "-r escape.txt\n"
        "-r token.txt\n"
        "-r notes.txt\n"
        "-r dev.txt\n"
    )
    return folder


def posted(registry: Registry) -> list[bytes]:
    return [body for method, _, _, body in registry.requests if method == "POST"]


def test_data_update_sends_only_parsed_package_names_from_inside_the_project(
    registry: Registry, project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that the advisory query holds exactly the valid requirement names of files inside
    the project, and that each include outside it is reported as not followed."""
    assert main(["data", "update", str(project), "--only", "advisories"]) == 0
    (body,) = posted(registry)
    assert json.loads(body) == {
        "queries": [
            {"package": {"name": "flask", "ecosystem": "PyPI"}},
            {"package": {"name": "requests", "ecosystem": "PyPI"}},
        ]
    }
    everything = b"".join(
        path.encode() + b"".join(h.encode() for h in headers.values()) + data
        for _, path, headers, data in registry.requests
    )
    for leaked in (PRIVATE_NAME, ABSOLUTE_NAME, TOKEN, "hunter2", "password"):
        assert leaked.encode() not in everything
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").is_file() else ""
    assert not hostname or f'"{hostname}"'.encode() not in body
    printed = capsys.readouterr().out
    assert "`-r ../private/names.txt` not followed: outside" in printed
    assert "`-r /etc/hostname` not followed: outside" in printed
    assert "`-r escape.txt` not followed: a symbolic link leading outside" in printed
    assert TOKEN not in printed


def test_secret_looking_names_are_never_sendable() -> None:
    """Ensure that the last gate before the network refuses credentials and invalid names."""
    assert depdata.sendable("requests", "PyPI") and depdata.sendable("@types/node", "npm")
    assert not depdata.sendable(TOKEN, "PyPI")
    assert not depdata.sendable("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "PyPI")
    assert not depdata.sendable("my password", "PyPI") and not depdata.sendable("../x", "npm")
