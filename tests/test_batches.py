"""Files are read in batches (one Prefect task run each), yet each file keeps its own time limit and
failure; unchanged files are not hashed again; a run with nothing new starts no Prefect flow and does
not rewrite exports that would come out the same."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import flows.batch
from flows import stat_cache
from flows.batch import MAX_BATCH_BYTES, MAX_BATCH_FILES, make_batches, read_batch
from pipeline.base import file_sha256
from tests.conftest import FIXTURES, hang_on

ROOT = Path(__file__).parents[1]
DOCX = sorted(FIXTURES.glob("*.docx"))


def small_files(folder: Path, count: int, size: int = 100) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{i:05d}.bin" for i in range(count)]
    for i, path in enumerate(paths):
        path.write_bytes(str(i).encode().ljust(size, b"x"))
    return paths


def test_batches_keep_every_worker_busy_and_stay_small(tmp_path: Path) -> None:
    files = small_files(tmp_path, 400)
    batches = make_batches(files, workers=2)
    assert [p for b in batches for p in b.paths] == files  # every file once, in order
    assert max(len(b.paths) for b in batches) == MAX_BATCH_FILES
    assert len(batches) >= 2 * 4  # several batches per worker

    few = make_batches(files[:3], workers=2)
    assert [len(b.paths) for b in few] == [1, 1, 1]  # a handful of files: one per task run, in parallel


def test_big_files_make_small_batches(tmp_path: Path) -> None:
    big = small_files(tmp_path, 6, size=MAX_BATCH_BYTES // 2)
    batches = make_batches(big, workers=1)
    assert all(len(b.paths) <= 2 for b in batches) and len(batches) >= 3


def test_a_hung_file_inside_a_batch_fails_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    hang_on(monkeypatch, DOCX[0])
    hung, fine = read_batch([str(DOCX[0]), str(DOCX[1])], file_timeout=2)
    assert hung.record.status == "failed" and "gave up after 2 s" in hung.record.error
    assert hung.record.sha256 == file_sha256(DOCX[0])
    assert fine.ok and fine.tasks


def test_a_missing_file_in_a_batch_is_its_own_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows.batch, "RETRY_DELAYS", (0.0, 0.0))
    gone, fine = read_batch([str(tmp_path / "gone.docx"), str(DOCX[0])], file_timeout=60)
    assert gone.record.status == "failed" and "could not open the file" in gone.record.error
    assert fine.ok


def test_unchanged_files_are_not_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    shutil.copy(DOCX[0], path)
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(an_hour_ago, an_hour_ago))
    con = duckdb.connect()
    first = stat_cache.load(con)
    sha = first.sha256(path)
    stat_cache.save(con, first)

    # Other bytes, same size and mtime: the cache is trusted, so the old sha256 comes back unread.
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(an_hour_ago, an_hour_ago))
    second = stat_cache.load(con)
    assert second.sha256(path) == sha and not second.fresh

    os.utime(path, ns=(an_hour_ago + 10**9, an_hour_ago + 10**9))  # touched: hashed again
    assert second.sha256(path) == file_sha256(path) != sha


def test_a_file_written_just_before_it_was_hashed_is_hashed_again(tmp_path: Path) -> None:
    """Racy: a second write in the same clock tick would leave size and mtime unchanged."""
    path = tmp_path / "a.bin"
    path.write_bytes(b"one")
    con = duckdb.connect()
    cache = stat_cache.load(con)
    cache.sha256(path)
    stat_cache.save(con, cache)
    again = stat_cache.load(con)
    again.sha256(path)
    assert len(again.fresh) == 1


def test_nothing_new_to_read_starts_no_prefect_flow(tmp_path: Path) -> None:
    """The second run finds every file stored: it syncs, exports and reports with no Prefect API at all."""
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    (src / "note.txt").write_text("không phải văn bản", encoding="utf-8")  # refused at planning: no flow
    cmd = [sys.executable, "-m", "flows.cli", "ingest", str(src), "--out", str(out)]
    env = {**os.environ, "PREFECT_API_URL": "http://127.0.0.1:9/api"}  # nothing listens there
    env.pop("PREFECT_TEST_MODE", None)
    for expected in ("0 new, 0 skipped, 1 failed", "0 new, 1 skipped, 0 failed"):
        run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
        assert expected in run.stderr, run.stderr
    assert run.returncode == 0 and (out / "documents.jsonl").is_file()


def test_an_unchanged_store_is_not_exported_again(tmp_path: Path) -> None:
    from flows.ingest import IngestRequest, run_ingest

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(DOCX[0], src)
    request = IngestRequest(str(src), str(out))
    run_ingest(request)
    written = {p.name: p.stat().st_mtime_ns for p in out.glob("tasks.*")}

    assert run_ingest(request)["files_skipped"] == 1  # nothing new: the exports stay as they were
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("tasks.*")} == written
    assert (out / "run_report.json").is_file()

    (out / "tasks.csv").unlink()  # an export file gone: written again
    run_ingest(request)
    assert (out / "tasks.csv").is_file()

    (src / DOCX[0].name).unlink()  # the store changed (a file removed): exported again
    run_ingest(request)
    assert (out / "tasks.jsonl").read_text(encoding="utf-8") == ""


# -- reader processes ----------------------------------------------------------------------------------


def test_reader_processes_import_nothing_of_prefect() -> None:
    """A reader process imports what it runs: the batch reader, its guard and the pipeline, not Prefect."""
    code = (
        "import sys, flows.readers, flows.batch, pipeline.run, flows.reader_warmup; "
        "print(flows.reader_warmup.WARM, sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "True []"  # the fork server's warm-up read its document, without Prefect


def test_readers_start_warm_with_the_pipeline_loaded_before_their_first_file() -> None:
    """Readers are forked from a server that read one small document: spaCy and the task stage are
    already loaded in a reader that has read nothing yet (a spawned reader would load them on its first
    file, a second later)."""
    from flows.readers import ReaderPool

    pool = ReaderPool(1)
    try:
        probe = "sorted({'spacy', 'pipeline.tasks', 'extractors.docx'} & set(__import__('sys').modules))"
        loaded = pool._current().submit(eval, probe).result()
        assert loaded == ["extractors.docx", "pipeline.tasks", "spacy"]
        # and that heap is frozen: a full collection in the reader does not scan it again
        assert pool._current().submit(eval, "__import__('gc').get_freeze_count()").result() > 50_000
    finally:
        pool.shutdown()


def test_a_reader_sees_the_nhiemvu_variables_of_now_not_those_of_its_fork_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from flows.readers import ReaderPool, start_early

    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "library")
    start_early()  # the fork server keeps the environment it started with
    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "command")
    monkeypatch.setenv("NHIEMVU_WORKER_MEMORY_MB", "3000")
    pool = ReaderPool(1)
    try:
        probe = (
            "[__import__('os').environ.get(k) for k in ('NHIEMVU_OCR_ENGINE', 'NHIEMVU_WORKER_MEMORY_MB')]"
        )
        assert pool._current().submit(eval, probe).result() == ["command", "3000"]
    finally:
        pool.shutdown()


def test_a_reader_killed_mid_batch_fails_that_batch_and_a_new_reader_goes_on() -> None:
    """A file that kills its reader (a segfault, the OOM killer) breaks the pool: the batch in flight
    fails with `BrokenExecutor` (the flow then reads its files one per task run) and the next batch
    gets a new reader."""
    import multiprocessing
    import signal
    import threading
    from concurrent.futures import BrokenExecutor

    from flows.readers import ReaderPool

    pool = ReaderPool(1)
    try:
        (first,) = pool.read([str(DOCX[0])], 120)
        assert first.ok  # the reader is up
        (reader,) = multiprocessing.active_children()
        outcome: dict[str, object] = {}

        def read_a_long_scan() -> None:
            try:
                outcome["value"] = pool.read([str(FIXTURES / "bn-ubnd-09-chithi-tthc-2026.scan.pdf")], 120)
            except BrokenExecutor as err:
                outcome["error"] = err

        thread = threading.Thread(target=read_a_long_scan)
        thread.start()
        time.sleep(1.0)  # OCR of this scan takes many seconds
        os.kill(reader.pid, signal.SIGKILL)
        thread.join(60)
        assert isinstance(outcome.get("error"), BrokenExecutor)
        (again,) = pool.read([str(DOCX[0])], 120)
        assert again.ok and again.tasks == first.tasks
        assert reader.pid not in [p.pid for p in multiprocessing.active_children()]
    finally:
        pool.shutdown()
