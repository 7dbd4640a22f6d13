"""`nhiemvu ingest --dask`: the same store as a local run, and a wrong address fails fast, naming it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from flows import exit_codes
from tests.conftest import FIXTURES

ROOT = Path(__file__).parents[1]
FILES = [
    FIXTURES / "tn-btv-chithi-2026.docx",
    FIXTURES / "bn-ubnd-09-chithi-tthc-2026.docx",
    FIXTURES / "bn-kinhbac-412-congvan-hkd-2026.pdf",
    FIXTURES / "ht-tu-congvan-66-2025.pdf",
]
RUN_COLUMNS = {"run_id", "ingested_at", "first_seen", "last_seen", "started_at", "finished_at"}


def nhiemvu(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PREFECT_TEST_MODE", None)
    cmd = [sys.executable, "-m", "flows.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=600)


def table(db: Path, name: str) -> list[tuple]:
    """A table's rows, sorted, without the columns that say when (or in which run) they were written."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{name}')").fetchall()]
        kept = ", ".join(c for c in columns if c not in RUN_COLUMNS)
        return sorted(con.execute(f"SELECT {kept} FROM {name}").fetchall(), key=repr)


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for path in FILES:
        shutil.copy(path, src / path.name)
    return src


def test_a_dask_cluster_gives_the_same_store_as_a_local_run(tmp_path: Path, source: Path) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = nhiemvu(
            "ingest", str(source), "--out", str(tmp_path / "dask"), "--dask", cluster.scheduler_address
        )
    assert on_dask.returncode == 0, on_dask.stderr
    assert f"{len(FILES)} new, 0 skipped, 0 failed" in on_dask.stderr

    local = nhiemvu("ingest", str(source), "--out", str(tmp_path / "local"))
    assert local.returncode == 0, local.stderr

    dask_db, local_db = tmp_path / "dask" / "nhiemvu.duckdb", tmp_path / "local" / "nhiemvu.duckdb"
    for name in ("documents", "tasks", "files"):
        assert table(dask_db, name) == table(local_db, name), name
    assert table(dask_db, "tasks")  # and there is something to compare


def test_a_wrong_dask_address_is_refused_naming_it(tmp_path: Path, source: Path) -> None:
    address = "tcp://127.0.0.1:1"  # nothing listens on port 1
    run = nhiemvu("ingest", str(source), "--out", str(tmp_path / "out"), "--dask", address)
    assert run.returncode == exit_codes.USAGE_OR_ENVIRONMENT
    assert f"no Dask scheduler answered at {address}" in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "out" / "nhiemvu.duckdb").exists()  # refused before anything was written
