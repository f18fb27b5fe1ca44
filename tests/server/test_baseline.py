"""Baselines: stable entries that survive moved lines and expire when the flagged text changes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from vetline.rules import registry
from vetline.rules.engine import Engine
from vetline.server.baseline import Baseline, dump_baseline, entry_for, load_baseline

RULES = [r for r in registry.all_rules() if r.category.value == "secrets"]
SOURCE = 'import os\n\nclass Db:\n    def connect(self):\n        password = "Tr0ub4dor-x"\n'


def findings(source: str) -> list:
    return list(Engine(RULES).analyze(source.encode(), "python", "db.py").findings)


def baseline_of(source: str) -> Baseline:
    return Baseline(entries=tuple(entry_for(f, "db.py", source.encode()) for f in findings(source)))


def test_baselined_secret_stays_suppressed_when_lines_move() -> None:
    """Ensure that inserting lines above a baselined secret keeps it suppressed."""
    baseline = baseline_of(SOURCE)
    moved = SOURCE.replace("import os\n", "import os\nimport sys\n\n# a new comment\n")
    assert baseline.filter(findings(moved), "db.py", moved.encode()) == []


def test_changed_secret_is_reported_again() -> None:
    """Ensure that changing the baselined secret reports it again."""
    baseline = baseline_of(SOURCE)
    changed = SOURCE.replace("Tr0ub4dor-x", "Tr0ub4dor-y")
    assert [f.rule_id for f in baseline.filter(findings(changed), "db.py", changed.encode())] == ["hardcoded-password"]


def test_baseline_entry_records_scope_and_no_line_or_secret() -> None:
    """Ensure that entries hold rule, path, scope and hash only, sorted, with no secret."""
    text = dump_baseline(baseline_of(SOURCE).entries)
    assert json.loads(text)["entries"][0]["scope"] == "Db.connect"
    assert "Tr0ub4dor" not in text and "line" not in text
    assert text == dump_baseline(reversed(baseline_of(SOURCE).entries))


def test_detect_secrets_baseline_file_is_accepted(tmp_path: Path) -> None:
    """Ensure that `load_baseline` reads a detect-secrets `.secrets.baseline` too."""
    import hashlib

    hashed = hashlib.sha1(b"Tr0ub4dor-x").hexdigest()
    path = tmp_path / ".secrets.baseline"
    path.write_text(
        json.dumps({"plugins_used": [], "results": {"db.py": [{"type": "Secret Keyword", "hashed_secret": hashed}]}})
    )
    assert load_baseline(path).filter(findings(SOURCE), "db.py", SOURCE.encode()) == []


def test_baseline_cli_create_then_scan_reports_only_new_findings(tmp_path: Path) -> None:
    """Ensure that `vetline baseline create` and `vetline scan --baseline` work together."""
    (tmp_path / "db.py").write_text(SOURCE)
    run = [sys.executable, "-m", "vetline"]
    created = subprocess.run(
        [*run, "baseline", "create", "base.json", "db.py"], check=False, cwd=tmp_path, capture_output=True, text=True
    )
    assert created.returncode == 0, created.stderr
    (tmp_path / "db.py").write_text("# moved\n" + SOURCE + 'token = "Other-Tr0ub4dor"\n')
    scan = subprocess.run(
        [*run, "scan", "--format", "json", "--baseline", "base.json", "db.py"],
        check=False,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    reported = [(f["rule"], f["line"]) for f in json.loads(scan.stdout)["findings"] if f["category"] == "secrets"]
    assert reported == [("hardcoded-password", 7)]


def test_scanner_sees_a_rewritten_baseline_without_restarting(tmp_path: Path) -> None:
    """Ensure that `scan_file` re-reads a baseline file once `baseline update` rewrites it."""
    import os

    from vetline.server.config import Config
    from vetline.server.scanner import scan_file

    (tmp_path / "db.py").write_text(SOURCE)
    location = tmp_path / "base.json"
    location.write_text(dump_baseline(baseline_of(SOURCE).entries))
    config = Config(baseline=str(location), root=tmp_path)
    engine = Engine(RULES)
    assert scan_file(tmp_path / "db.py", tmp_path, config, engine).findings == ()
    stamp = location.stat().st_mtime_ns
    location.write_text(dump_baseline(()))
    os.utime(location, ns=(stamp + 1_000_000, stamp + 1_000_000))  # a coarse clock may not tick
    reported = scan_file(tmp_path / "db.py", tmp_path, config, engine).findings
    assert [f.rule_id for f in reported] == ["hardcoded-password"]
