"""The DuckDB store: idempotent by sha256, changed files replaced in one transaction, one writer at a time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.model import TASK_COLUMNS, DocumentRecord, Task
from pipeline.run import FileResult, process_file
from pipeline.store import Store, StoreLockedError
from tests.conftest import fixture


def make_result(sha: str, name: str = "a.docx", n_tasks: int = 2, status: str = "ok") -> FileResult:
    record = DocumentRecord(
        doc_id=sha[:16],
        source_file=name,
        source_format="docx",
        sha256=sha,
        province="Hà Tĩnh",
        task_count=n_tasks,
        status=status,
        error=None if status == "ok" else "empty file (0 bytes)",
        ingested_at="2026-01-01T00:00:00+00:00",
    )
    tasks = [
        Task(
            task_id=f"{sha[:8]}-{i}",
            doc_id=sha[:16],
            source_file=name,
            source_format="docx",
            province="Hà Tĩnh",
            issuer="Sở Tư pháp tỉnh Hà Tĩnh",
            doc_type="ke_hoach",
            doc_number=None,
            doc_date="2026-03-01",
            section_path=["II", str(i)],
            number=str(i + 1),
            text=f"Nhiệm vụ số {i} — rà soát văn bản",
            lead=["Sở Tư pháp", "Ủy ban nhân dân tỉnh"],
            support=[],
            deadline_kind="quarter",
            deadline_start="2026-01-01",
            deadline_end="2026-03-31",
            table_index=0 if i else None,
            row_index=i,
            confidence=0.75,
            needs_review=bool(i % 2),
            review_reasons=["unknown agency"] if i % 2 else [],
        )
        for i in range(n_tasks if status == "ok" else 0)
    ]
    return FileResult(record, tasks)


def counts(store: Store) -> tuple[int, int]:
    return len(store.documents()), len(store.tasks())


def test_tasks_round_trip_exactly(tmp_path: Path) -> None:
    result = make_result("a" * 64, n_tasks=3)
    with Store(tmp_path / "s.duckdb") as store:
        assert store.save(result, "/in/a.docx") == "new"
        assert store.tasks() == result.tasks
        assert store.documents() == [result.record]


def test_real_document_round_trips(tmp_path: Path) -> None:
    """What the store gives back is what the pipeline produced, so exports score like `extract`."""
    result = process_file(fixture("ht-tu-congvan-66-2025.docx"))
    assert result.ok and result.tasks
    with Store(tmp_path / "s.duckdb") as store:
        store.save(result)
        assert store.tasks() == result.tasks


def test_same_bytes_twice_changes_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result("a" * 64), "/in/a.docx")
        before = (store.documents(), store.tasks())
        assert store.save(make_result("a" * 64), "/in/a.docx") == "skipped"
        assert store.save(make_result("a" * 64, name="copy.docx"), "/in/copy.docx") == "skipped"
        assert (store.documents(), store.tasks()) == before


def test_many_small_saves_run_on_one_duckdb_thread_and_the_store_gets_its_threads_back(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        threads = store.con.execute("SELECT current_setting('threads')").fetchone()
        with store.single_threaded():
            assert store.con.execute("SELECT current_setting('threads')").fetchone() == (1,)
            store.save(make_result("a" * 64, n_tasks=3), "/in/a.docx")
        assert store.con.execute("SELECT current_setting('threads')").fetchone() == threads
        assert len(store.tasks()) == len(store.reviewed_tasks()) == 3


def test_changed_file_replaces_its_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result("a" * 64, n_tasks=3), "/in/a.docx")
        store.save(make_result("c" * 64, name="c.docx", n_tasks=1), "/in/c.docx")
        assert store.save(make_result("b" * 64, n_tasks=2), "/in/a.docx") == "replaced"
        docs = {d.sha256[0]: d for d in store.documents()}
        assert set(docs) == {"b", "c"}
        assert sorted(t.doc_id[0] for t in store.tasks()) == ["b", "b", "c"]


def test_failed_replace_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the delete and the insert must leave the old rows, not nothing."""
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result("a" * 64, n_tasks=3), "/in/a.docx")

        def boom(*args: object) -> None:
            raise RuntimeError("disk full")

        monkeypatch.setattr(Store, "_insert_tasks", staticmethod(boom))
        with pytest.raises(RuntimeError):
            store.save(make_result("b" * 64, n_tasks=2), "/in/a.docx")
        assert {d.sha256[0] for d in store.documents()} == {"a"}
        assert counts(store) == (1, 3)


def test_a_full_disk_is_reported_not_hidden_by_the_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB aborts the transaction on a write error; its "cannot rollback" must not replace the cause."""
    from pipeline.store import StoreError

    with Store(tmp_path / "s.duckdb") as store:

        def full(*args: object) -> None:
            raise duckdb.IOException("could not write: No space left on device")

        monkeypatch.setattr(Store, "_insert_tasks", staticmethod(full))
        real_rollback = store.con.rollback

        def aborted() -> None:
            real_rollback()
            raise duckdb.TransactionException("cannot rollback - no transaction is active")

        monkeypatch.setattr(store, "con", _Wrapped(store.con, rollback=aborted))
        with pytest.raises(StoreError, match="No space left on device"):
            store.save(make_result("b" * 64, n_tasks=2), "/in/a.docx")


class _Wrapped:
    """A connection whose methods can be replaced one by one (DuckDB's own cannot be patched)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, **overrides: object) -> None:
        self._con, self._overrides = con, overrides

    def __getattr__(self, name: str) -> object:
        return self._overrides.get(name) or getattr(self._con, name)


def test_failed_file_can_be_read_again(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result("a" * 64, status="failed"), "/in/a.docx")
        assert store.known_hashes(statuses=["ok"]) == set()
        assert store.save(make_result("a" * 64), "/in/a.docx") == "new"
        assert [d.status for d in store.documents()] == ["ok"]


def test_lists_are_varchar_arrays(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        types = dict(
            store._con()
            .execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'tasks'")
            .fetchall()
        )
    assert set(TASK_COLUMNS) <= set(types)
    assert types["section_path"] == types["lead"] == types["support"] == "VARCHAR[]"
    assert (
        types["needs_review"] == "BOOLEAN" and types["confidence"] == "DOUBLE" and types["page"] == "INTEGER"
    )


def test_exports_from_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result("a" * 64, n_tasks=3), "/in/a.docx")
        written = store.export(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(
        ["tasks.jsonl", "tasks.csv", "tasks.parquet", "tasks.xlsx", "documents.jsonl", "documents.parquet"]
        + ["manifest.json"]
    )
    out = tmp_path / "out"
    assert (out / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    rows = [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    assert rows[0]["lead"] == ["Sở Tư pháp", "Ủy ban nhân dân tỉnh"] and rows[0]["table_index"] is None
    assert len(pd.read_parquet(out / "tasks.parquet")) == 3
    assert list(pd.read_excel(out / "tasks.xlsx").columns) == TASK_COLUMNS
    assert not list(out.glob(".*"))  # no temporary file or staging folder left behind


def test_second_writer_in_process_refused(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb"), pytest.raises(StoreLockedError, match=f"pid {os.getpid()}"):
        Store(tmp_path / "s.duckdb").open()
    with Store(tmp_path / "s.duckdb"):  # released on close
        pass


HOLD_STORE = """
import sys, time
from pipeline.store import Store
store = Store(sys.argv[1]).open()
print("ready", flush=True)
time.sleep(60)
"""


def test_lock_held_by_another_process_and_freed_by_sigkill(tmp_path: Path) -> None:
    """The lock is the kernel's (flock): a killed holder never leaves a stale lock behind."""
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", HOLD_STORE, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match=f"pid {holder.pid}"):
            Store(db).open()
        with pytest.raises(StoreLockedError):
            Store(db, read_only=True).open()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    with Store(db) as store:
        assert store.documents() == []


def test_duckdb_held_without_our_lock_gives_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db):
        pass
    script = (
        f"import duckdb, time; c = duckdb.connect({str(db)!r}); print('ready', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError, match="in use by another program"):
            Store(db).open()
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_runs_table_records_start_and_finish(tmp_path: Path) -> None:
    from pipeline.store import RunStats

    with Store(tmp_path / "s.duckdb") as store:
        stats = RunStats(run_id="r1", started_at="2026-01-01T00:00:00+00:00", source_dir="/in")
        store.start_run(stats)
        assert store.runs()[0]["finished_at"] is None  # what a killed run leaves
        stats.files_new, stats.errors = 2, ["x.pdf: empty file (0 bytes)"]
        store.finish_run(stats)
        (run,) = store.runs()
    assert run["files_new"] == 2 and run["errors"] == ["x.pdf: empty file (0 bytes)"] and run["finished_at"]


def test_read_only_store_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nhiemvu ingest"):
        Store(tmp_path / "missing.duckdb", read_only=True).open()


def test_committed_rows_survive_sigkill(tmp_path: Path) -> None:
    """Rows committed before a SIGKILL are there when the store is opened again."""
    db = tmp_path / "s.duckdb"
    script = f"""
import time
from tests.test_store import make_result
from pipeline.store import Store
store = Store({str(db)!r}).open()
store.save(make_result("a" * 64), "/in/a.docx")
print("committed", flush=True)
time.sleep(60)
"""
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1]
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committed"
        time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    with Store(db) as store:
        assert counts(store) == (1, 2)
    assert duckdb.connect(str(db), read_only=True).execute("SELECT count(*) FROM tasks").fetchone() == (2,)


HOLD_UNTIL_STDIN_CLOSES = """
import sys
from pipeline.store import Store
store = Store(sys.argv[1]).open()
print("ready", flush=True)
sys.stdin.read()
store.close()
"""


def test_a_writer_waits_briefly_for_the_lock(tmp_path: Path) -> None:
    """A run that finds the store busy retries for `lock_wait` seconds before giving up."""
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_UNTIL_STDIN_CLOSES, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        assert holder.stdin is not None
        threading.Timer(1.0, holder.stdin.close).start()  # the other run finishes a moment later
        with Store(db, lock_wait=60) as store:
            assert store.documents() == []
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_an_analyst_holding_the_store_is_named(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db):
        pass
    script = (
        f"import duckdb, time; c = duckdb.connect({str(db)!r}, read_only=True); print('ready', flush=True); "
        "time.sleep(60)"
    )
    analyst = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert analyst.stdout is not None and analyst.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError) as refused:
            Store(db, lock_wait=0.5).open()
    finally:
        analyst.kill()
        analyst.wait(timeout=10)
    assert f"pid {analyst.pid}" in str(refused.value) and "nhiemvu.read.duckdb" in str(refused.value)


def test_the_read_copy_is_replaced_while_an_analyst_reads_it(tmp_path: Path) -> None:
    db, out = tmp_path / "s.duckdb", tmp_path / "out"
    with Store(db) as store:
        store.save(make_result("a" * 64, n_tasks=3), "/in/a.docx")
        copy = store.publish(out)
    analyst = duckdb.connect(str(copy), read_only=True)  # held open, as an analyst's notebook would
    try:
        with Store(db) as store:  # the next run is not blocked by the analyst
            store.save(make_result("b" * 64, name="b.docx", n_tasks=2), "/in/b.docx")
            store.publish(out)
        assert analyst.execute("SELECT count(*) FROM tasks").fetchone() == (3,)  # still the old snapshot
    finally:
        analyst.close()
    with duckdb.connect(str(copy), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM tasks").fetchone() == (5,)
    assert sorted(p.name for p in out.iterdir()) == ["nhiemvu.read.duckdb"]


def test_the_store_imports_nothing_posix_only() -> None:
    """Ingest must run on Windows too: no fcntl (or other POSIX-only module) on the store's path."""
    import ast

    posix_only = {"fcntl", "resource", "termios", "pwd", "grp", "posix"}
    for module in ("pipeline/store.py", "pipeline/store_lock.py", "pipeline/export.py", "pipeline/schema.py"):
        tree = ast.parse((Path(__file__).parents[1] / module).read_text(encoding="utf-8"))
        imported = {
            a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
        }
        imported |= {
            n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
        }
        assert not imported & posix_only, module
