"""The maintainer script that regenerates the bundled package data, and the data it wrote."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from vetline.rules.dependencies import bundled

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "build_package_data.py"


def _script():
    spec = importlib.util.spec_from_file_location("build_package_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_script_writes_a_snapshot_the_rules_can_search(tmp_path: Path) -> None:
    """Ensure that the script turns package lists into blocks, ranks and dates the loader reads back."""
    pypi = tmp_path / "pypi.tsv"
    rows = [f"pkg_{i:05d}\t1.0\t2026-0{1 + i % 9}\t{'' if i % 3 else i // 3 + 1}\tsummary" for i in range(5000)]
    pypi.write_text("name\tversion\tmonth\trank\tsummary\n" + "\n".join(rows) + "\nNot Valid!\t1\t2026-10\t\t\n")
    npm = tmp_path / "npm.tsv"
    npm.write_text("name\tversion\tdownloads\tsummary\nleft-pad\t1\t500\t\nreact\t18\t9000\t\n@scope/x\t1\t700\t\n")
    out = tmp_path / "data"
    out.mkdir()
    _script().main(["--pypi", str(pypi), "--npm-list", str(npm), "--npm", "2", "--out", str(out)])
    snapshot = bundled.Snapshot((out / "pypi-names.bin").read_bytes())
    assert len(snapshot) == 5000 and "pkg-00000" in snapshot and "pkg-04999" in snapshot
    assert "pkg-05000" not in snapshot and "not-valid!" not in snapshot
    assert (out / "popular-pypi.txt").read_text().splitlines()[:2] == ["pkg-00000", "pkg-00003"]
    assert (out / "popular-npm.txt").read_text() == "react\t9000\n@scope/x\t700\n"
    assert '"as_of": "2026-09"' in (out / "bundled.json").read_text()
    npm_names = bundled.Snapshot((out / "npm-names.bin").read_bytes())
    assert len(npm_names) == 3 and "@scope/x" in npm_names and npm_names.has_prefix("@scope/")
    assert json.loads((out / "bundled.json").read_text())["npm-names"]["min_downloads"] == 500


def test_bundled_metadata_matches_the_bundled_files() -> None:
    """Ensure that bundled.json's counts and dates describe the files the wheel ships."""
    meta = bundled.metadata()
    assert meta["popular-pypi"]["count"] == len(bundled.popular("PyPI"))
    assert meta["popular-npm"]["count"] == len(bundled.popular("npm"))
    assert meta["pypi-names"]["as_of"] == bundled.as_of("pypi-names") == "2026-11"
    assert meta["npm-names"]["count"] == bundled.count("npm-names") == 226951
    assert bundled.npm_listed("react") and not bundled.npm_listed("react-hooks-ai-pro")
    for part in ("pypi-names", "popular-pypi", "popular-npm", "npm-names"):
        assert (bundled.DATA / meta[part]["file"]).is_file()
