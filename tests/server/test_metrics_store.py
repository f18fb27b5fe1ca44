"""The metrics store and `vetline report`: concurrency, corruption, privacy, and the report formats."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from git_fixture import three_commit_repository

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from html_check import balanced
from vetline.server.cli import main
from vetline.server.metrics import html, summary
from vetline.server.metrics.store import Seen, Store, default_path

WRITER = """
import sys
import time
from pathlib import Path
from vetline.server.metrics.store import Seen, Store
store = Store(Path(sys.argv[1]), busy_timeout_ms=10000)
workspace = store.workspace(sys.argv[2])
for i in range(int(sys.argv[3])):
    key = f"{sys.argv[4]}-{i}"
    store.seen(workspace, [Seen(key, "f", "weak-hash-md5-sha1", "crypto", "medium", "typed")], "editor")
    if i % 2:
        store.ended(workspace, [(key, "quick-fix")])
"""


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_store_lives_under_xdg_data_home(data_home: Path) -> None:
    """Ensure that the database path honours XDG_DATA_HOME."""
    assert default_path() == data_home / "vetline" / "metrics.sqlite3"


def test_two_processes_recording_at_once_lose_nothing(tmp_path: Path) -> None:
    """Ensure that two concurrent writers (WAL, busy timeout) both land every row."""
    path = tmp_path / "metrics.sqlite3"  # not created yet: both writers race to create the schema too
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(tmp_path), "300", name])
        for name in ("editor", "ci")
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT substr(key, 1, instr(key, '-') - 1), COUNT(*), SUM(outcome IS NOT NULL) FROM findings GROUP BY 1"
        )
        assert sorted(rows) == [("ci", 300, 150), ("editor", 300, 150)]


def test_corrupt_database_is_reported_once_and_scanning_goes_on(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `scan --record` on a corrupt database prints one warning and still reports the findings."""
    default_path().parent.mkdir(parents=True)
    default_path().write_bytes(b"this is not a database" * 100)
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5(b'')\n")
    command = [
        sys.executable,
        "-m",
        "vetline",
        "scan",
        "--record",
        "--format",
        "json",
        "--select",
        "weak-hash-md5-sha1",
    ]
    done = subprocess.run([*command, "a.py", "a.py"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1 and len(json.loads(done.stdout)["findings"]) == 1
    assert done.stderr.count("metrics database") == 1 and "linting goes on" in done.stderr


def test_recorded_data_holds_no_code_paths_or_messages(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that the database stores rule ids and hashed keys, never the code, file names or a secret."""
    secret = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    (tmp_path / "settings_module.py").write_text(f'TOKEN = "{secret}"\nimport hashlib\nhashlib.md5(b"payload")\n')
    monkeypatch.chdir(tmp_path)
    main(["scan", "--record", "--format", "json", "settings_module.py"])
    capsys.readouterr()
    raw = default_path().read_bytes() + b"".join(p.read_bytes() for p in default_path().parent.glob("*-wal"))
    assert b"hashlib" not in raw and b"settings_module" not in raw and secret.encode() not in raw
    assert b"weak-hash-md5-sha1" in raw


def test_empty_store_gives_a_no_data_report(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `vetline report` with nothing recorded says how to get data, in every format."""
    code, out, _ = report(capsys, "--format", "json")
    assert code == 0 and json.loads(out)["empty"] is True and json.loads(out)["message"] == summary.NO_DATA
    _, out, _ = report(capsys, "--format", "markdown")
    assert "no data yet: open files in the editor or run `vetline scan --record`" in out
    _, out, _ = report(capsys)
    assert summary.NO_DATA.split(":")[0] in out and balanced(out)


def test_recorded_ci_scan_is_reported_by_origin(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `scan --diff --record` feeds `report`: by_origin counts, per-category share and rates,
    and that recording the same commits again (every CI run of a branch) does not count their lines twice."""
    repo = three_commit_repository(tmp_path / "repo")
    monkeypatch.chdir(repo)
    main(["scan", "--diff", "HEAD~2", "--record", "--format", "json"])
    main(["scan", "--diff", "HEAD~1", "--record", "--format", "json"])
    main(["scan", "--diff", "HEAD~2", "--record", "--format", "json"])
    capsys.readouterr()
    _, out, _ = report(capsys, "--format", "json")
    data = json.loads(out)
    assert data["by_origin"] == {"inserted-block": 0, "ai-commit": 1, "typed": 0, "human-commit": 1, "unknown": 0}
    assert data["by_category"]["crypto"]["ai_share"] == 0.5
    assert data["by_category"]["crypto"]["ai_per_1000_changed_lines"] == 250.0  # 1 finding in 4 Copilot lines
    assert data["rates_per_1000_changed_lines"]["ai_changed_lines"] == 4
    assert data["rates_per_1000_changed_lines"]["ai"] == 250.0
    assert data["top_rules"] == [{"rule": "weak-hash-md5-sha1", "count": 2}]
    _, page, _ = report(capsys, "--format", "html")
    assert page.count("<svg") >= 3 and balanced(page) and "<script" not in page


def test_rates_count_only_findings_on_the_lines_a_diff_scan_counted(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a whole-repository `scan --attribute --record` (whose lines nobody counts) does not
    inflate the git rates: the first commit's finding counts by origin but not per 1,000 changed lines."""
    repo = three_commit_repository(tmp_path / "repo")
    monkeypatch.chdir(repo)
    main(["scan", "--attribute", "--record", "--format", "json"])
    main(["scan", "--diff", "HEAD~2", "--record", "--format", "json"])
    capsys.readouterr()
    data = json.loads(report(capsys, "--format", "json")[1])
    assert data["by_origin"]["human-commit"] == 2  # the first commit's line and the last commit's
    rates = data["rates_per_1000_changed_lines"]
    assert rates["human"] == round(1000 / rates["human_changed_lines"], 2)  # only the last commit's finding
    assert data["by_category"]["crypto"]["human_per_1000_changed_lines"] == rates["human"]
    assert rates["ai"] == 250.0


def test_a_full_scan_ends_findings_that_are_gone(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that a recorded finding fixed before the next recorded scan counts as disappeared."""
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5(b'')\n")
    monkeypatch.chdir(tmp_path)
    main(["scan", "--record", "--select", "weak-hash-md5-sha1", "a.py"])
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.sha256(b'')\n")
    main(["scan", "--record", "--select", "weak-hash-md5-sha1", "a.py"])
    capsys.readouterr()
    _, out, _ = report(capsys, "--format", "json", str(tmp_path))
    assert [f["outcome"] for f in json.loads(out)["findings"]] == ["disappeared"]


def test_scan_fix_record_records_the_fixed_findings_as_fixed_by_a_quick_fix(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `scan --fix --record` records what its fixes removed as quick fixes, what is left as open,
    both for a finding recorded by an earlier scan and for one never recorded before."""
    rules = ["--select", "yaml-unsafe-load,pickle-deserialization"]
    (tmp_path / "a.py").write_text("import yaml\nyaml.load(x)\n")
    monkeypatch.chdir(tmp_path)
    main(["scan", "--record", *rules, "a.py"])
    # A helper's parameter: pickle of unknown module-level data is no longer a finding.
    (tmp_path / "b.py").write_text(
        "import pickle, yaml\ndef restore(blob):\n    return pickle.loads(blob)\nyaml.load(y)\n"
    )
    main(["scan", "--fix", "--record", *rules, "a.py", "b.py"])
    capsys.readouterr()
    assert (
        "yaml.safe_load(x)" in (tmp_path / "a.py").read_text()
        and "yaml.safe_load(y)" in (tmp_path / "b.py").read_text()
    )
    _, out, _ = report(capsys, "--format", "json", str(tmp_path))
    data = json.loads(out)
    outcomes = sorted((f["rule"], f["outcome"]) for f in data["findings"])
    assert outcomes == [
        ("pickle-deserialization", "open"),
        ("yaml-unsafe-load", "quick-fix"),
        ("yaml-unsafe-load", "quick-fix"),
    ]
    assert data["totals"]["fixed_by_quick_fix"] == 2 and data["totals"]["disappeared_after_edit"] == 0


def test_forget_clears_the_workspace(
    data_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ensure that `report --forget` deletes the workspace's records and the next report is empty."""
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5(b'')\n")
    monkeypatch.chdir(tmp_path)
    main(["scan", "--record", "a.py"])
    capsys.readouterr()
    code, _, err = report(capsys, "--forget")
    assert code == 0 and "forgot 1 recorded finding" in err
    _, out, _ = report(capsys, "--format", "json")
    assert json.loads(out)["empty"] is True


def old_records(store: Store, root: Path, days_ago: int) -> None:
    """A finding that ended `days_ago` days ago, with its changed lines, in the workspace at `root`."""
    now = time.time() - days_ago * 86400
    workspace = store.workspace(str(root))
    store.seen(workspace, [Seen("old", "f", "weak-hash-md5-sha1", "crypto", "medium", "typed")], "editor", now=now)
    store.ended(workspace, [("old", "quick-fix")], now=now)
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    store.add_changed_lines(workspace, day, {"typed": 5})
    store.add_commit_lines(workspace, day, {"c": ("ai-commit", 7)})


def counts(store: Store, root: Path) -> tuple[int, dict[str, int]]:
    workspace = store.workspace(str(root))
    return len(store.findings(workspace)), store.changed_line_counts(workspace)


def test_retention_is_the_users_for_every_workspace(tmp_path: Path) -> None:
    """Ensure that a purge removes old records of every workspace, findings and line counts alike, and 0 keeps all."""
    store = Store(tmp_path / "metrics.sqlite3")
    for name, days_ago in (("a", 40), ("b", 40), ("c", 10)):
        old_records(store, tmp_path / name, days_ago)
    store.purge(0)
    assert counts(store, tmp_path / "a") == (1, {"typed": 5, "ai-commit": 7})
    store.purge(30)
    assert counts(store, tmp_path / "a") == counts(store, tmp_path / "b") == (0, {})
    assert counts(store, tmp_path / "c") == (1, {"typed": 5, "ai-commit": 7})


@pytest.mark.parametrize(("chosen", "kept"), [(None, True), (730, True), (0, True), (30, False)])
def test_scan_record_purges_with_the_retention_the_editor_set(
    data_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    chosen: int | None,
    kept: bool,
) -> None:
    """Ensure that `scan --record` keeps what the user's retention keeps (365 days when never set) and drops the rest,
    in other workspaces too."""
    store = Store(default_path())
    old_records(store, tmp_path / "other", days_ago=100 if chosen is None else 400 if chosen else 4000)
    if chosen is not None:
        store.set_retention_days(chosen)
    (tmp_path / "a.py").write_text("import hashlib\nhashlib.md5(b'')\n")
    monkeypatch.chdir(tmp_path)
    main(["scan", "--record", "--select", "weak-hash-md5-sha1", "a.py"])
    capsys.readouterr()
    assert counts(store, tmp_path / "other")[0] == (1 if kept else 0)


def test_since_filters_old_findings(data_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that `--since` leaves out findings that started and ended before the date."""
    store = Store(default_path())
    workspace = store.workspace(str(tmp_path))
    seen = Seen("k", "f", "weak-hash-md5-sha1", "crypto", "medium", "typed")
    store.seen(workspace, [seen], "ci", now=1_600_000_000)
    store.ended(workspace, [("k", "quick-fix")], now=1_600_000_100)
    _, out, _ = report(capsys, "--format", "json", "--since", "2021-01-01", str(tmp_path))
    assert json.loads(out)["empty"] is True
    _, out, _ = report(capsys, "--format", "json", str(tmp_path))
    assert json.loads(out)["median_time_to_fix_seconds"] == 100.0


def test_html_escapes_everything_it_shows() -> None:
    """Ensure that a hostile rule id or path cannot inject markup into the page."""
    data = summary.summarise(None, None)
    data["workspace"] = "<script>alert(1)</script>"
    page = html.render(data)
    assert "<script>" not in page and balanced(page)


def test_a_write_blocked_past_the_busy_timeout_is_skipped_not_fatal(tmp_path: Path) -> None:
    """Ensure that a database locked by another writer skips one recording and the next one lands."""
    from vetline.server.metrics.recorder import Recorder

    path = tmp_path / "metrics.sqlite3"
    recorder = Recorder(path, busy_timeout_ms=50)
    workspace = recorder.workspace(tmp_path)
    assert workspace is not None
    seen = Seen("k1", "f", "weak-hash-md5-sha1", "crypto", "medium", "typed")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    assert recorder.attempt(lambda store: store.seen(workspace, [seen], "editor")) is None
    blocker.execute("ROLLBACK")
    recorder.attempt(lambda store: store.seen(workspace, [dataclasses.replace(seen, key="k2")], "editor"))
    assert not recorder.failed
    with sqlite3.connect(path) as db:
        assert [key for (key,) in db.execute("SELECT key FROM findings")] == ["k2"]
