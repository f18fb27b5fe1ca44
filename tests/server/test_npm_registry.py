"""npm `unknown-package` confirmed by the registry: a real HTTP server on 127.0.0.1 speaking the
npm registry protocol (`GET /<name>`, `/@scope%2Fname`; 404 for a free name) with recorded answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_depdata import RECORDED, Registry, registry  # noqa: F401 - the local registry fixture
from vetline.server import depdata
from vetline.server.cli import main


@pytest.fixture
def npm(registry: Registry) -> Registry:  # noqa: F811 - the imported fixture
    """A local npm registry: `left-pad`, `tiny-real-pkg` and `@acme/real` exist, the rest is 404."""
    document = (RECORDED / "npm-left-pad.json").read_bytes()
    for path in ("/left-pad", "/tiny-real-pkg", "/@acme%2Freal"):
        registry.static(path, document)
    registry.static("/flatmap-stream", (RECORDED / "npm-unpublished.json").read_bytes())
    registry.routes[("GET", "/broken-registry-pkg")] = lambda handler, body: (500, {}, b"oops")
    return registry


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_registry_answers_are_read_as_npm_means_them(npm: Registry) -> None:
    """Ensure that 200 is a package, 404 and a fully unpublished package are free names, and 500 is no answer."""
    assert depdata.npm_exists(npm.url, "left-pad") is True
    assert depdata.npm_exists(npm.url, "@acme/real") is True
    assert depdata.npm_exists(npm.url, "react-hooks-ai-pro") is False
    assert depdata.npm_exists(npm.url, "flatmap-stream") is False
    with pytest.raises(depdata.FetchError, match="HTTP 500"):
        depdata.npm_exists(npm.url, "broken-registry-pkg")
    assert [path for _, path, _, _ in npm.requests][:2] == ["/left-pad", "/@acme%2Freal"]
    assert "application/vnd.npm.install-v1+json" in npm.requests[0][2]["Accept"]


def _project(root: Path, registry_url: str) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".vetline.toml").write_text(
        f'select = ["unknown-package"]\n[dependencies]\nnpm_registry = "{registry_url}"\n'
    )
    dependencies = {"left-pad": "^1.3.0", "leftpad-ai-utils": "^1.0.0", "tiny-real-pkg": "^0.1.0", "mylib": "file:../x"}
    (root / "package.json").write_text(json.dumps({"name": "app", "dependencies": dependencies}, indent=2) + "\n")
    (root / "src").mkdir()
    (root / "src" / "index.ts").write_text(
        'import pad from "left-pad";\nimport hooks from "react-hooks-ai-pro/client";\nimport real from "@acme/real";\n'
    )
    return root


def _scan(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[tuple[str, int], tuple[str, str]]:
    main(["scan", str(root), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    return {(f["path"], f["line"]): (f["confidence"], f["message"]) for f in report["findings"]}


def test_offline_findings_are_low_confidence_and_say_what_was_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that, without a registry answer, names missing from the snapshot are low-confidence findings."""
    root = _project(tmp_path / "app", "http://127.0.0.1:9")
    found = _scan(root, capsys)
    assert sorted(found) == [("package.json", 5), ("package.json", 6), ("src/index.ts", 2), ("src/index.ts", 3)]
    confidence, message = found[("src/index.ts", 2)]
    assert confidence == "low" and "`react-hooks-ai-pro/client` is not in vetline's npm snapshot" in message
    assert "not declared in package.json, not installed in node_modules, in a lock file" in message
    assert "vetline data update" in message


def test_data_update_asks_the_registry_only_about_unconfirmed_names(
    tmp_path: Path, npm: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `vetline data update` looks up only the names the snapshot lacks, and the scan then believes it."""
    root = _project(tmp_path / "app", npm.url)
    assert main(["data", "update", str(root), "--only", "npm_registry"]) == 0
    assert "4 npm names looked up, 2 do not exist" in capsys.readouterr().out
    assert sorted(path for _, path, _, _ in npm.requests) == [
        "/@acme%2Freal",
        "/leftpad-ai-utils",
        "/react-hooks-ai-pro",
        "/tiny-real-pkg",
    ]
    found = _scan(root, capsys)
    assert sorted(found) == [("package.json", 5), ("src/index.ts", 2)]
    confidence, message = found[("package.json", 5)]
    assert confidence == "high" and "(127.0.0.1 answered 404 on " in message and npm.url not in message
    npm.requests.clear()
    assert main(["data", "update", str(root), "--only", "npm_registry"]) == 0
    assert npm.requests == [] and "no npm name to look up" in capsys.readouterr().out


def test_a_failing_registry_keeps_earlier_answers_and_fails_the_update(
    tmp_path: Path, npm: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a registry error ends the update with a failure, keeping what was answered before it."""
    outcome = depdata.update_npm_registry(npm.url, ["aaa-free-name", "broken-registry-pkg", "zzz-free-name"])
    assert outcome.status == "failed" and "HTTP 500" in outcome.message and "1 earlier answers kept" in outcome.message
    cached = json.loads(next(p for p in Path(depdata._data.cache_dir()).iterdir()).read_text())
    assert cached["answers"]["aaa-free-name"]["exists"] is False and "zzz-free-name" not in cached["answers"]
