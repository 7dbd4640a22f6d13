"""Tracking outputs are shared like every other export: written whole, with the umask's permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.tracking.outputs import _atomic


def test_progress_files_follow_the_umask_not_mkstemps_0600(tmp_path: Path):
    previous = os.umask(0o022)
    try:
        target = _atomic(tmp_path / "progress.parquet", lambda tmp: tmp.write_bytes(b"data"))
    finally:
        os.umask(previous)
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["progress.parquet"]  # no temporary file left
