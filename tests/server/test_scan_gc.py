"""`vetline scan` keeps start-up's objects out of the garbage collector's passes only while it scans."""

from __future__ import annotations

import gc
from pathlib import Path

from vetline.server.cli import main
from vetline.server.commands import scan


def test_scan_freezes_the_heap_while_scanning_and_unfreezes_it_after(tmp_path: Path, monkeypatch) -> None:
    """Ensure that files are scanned with start-up's objects frozen and that nothing stays frozen."""
    (tmp_path / "app.py").write_text("x = 1\n")
    frozen_during: list[int] = []
    scan_paths = scan.scan_paths

    def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
        frozen_during.append(gc.get_freeze_count())
        return scan_paths(*args, **kwargs)

    monkeypatch.setattr(scan, "scan_paths", watching)
    assert main(["scan", "--format", "json", "--jobs", "1", str(tmp_path)]) in (0, 1)
    assert frozen_during and frozen_during[0] > 0
    assert gc.get_freeze_count() == 0
