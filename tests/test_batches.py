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
    from flows.ingest_run import IngestRequest, run_ingest

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
    from flows.readers import ReaderPool

    monkeypatch.setenv("NHIEMVU_OCR_ENGINE", "library")
    first = ReaderPool(1)
    first._current().submit(int).result()  # the fork server starts, and keeps the environment of now
    first.shutdown()
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


# -- reading ahead while Prefect starts ----------------------------------------------------------------


def test_a_batch_read_ahead_is_collected_not_read_again(tmp_path: Path) -> None:
    """The readers read the first batches before the flow asks for them; the task run then collects
    that reading. Proof: the file is gone by the time it is asked for, and it still reads as stored."""
    from flows.readers import ReaderPool

    path = Path(shutil.copy(DOCX[0], tmp_path / DOCX[0].name))
    pool = ReaderPool(1)
    try:
        pool.read_ahead([[str(path)]], 120)
        pool.wait_for_read_ahead()
        while any(not future.done() for _, future in pool._ahead.values()):
            time.sleep(0.05)
        path.unlink()
        (ahead,) = pool.read([str(path)], 120)
        assert ahead.ok and ahead.tasks and pool.collected == 1
        # a batch asked for on other terms (another time limit) is read now: the file is gone
        (now,) = pool.read([str(path)], 60)
        assert not now.ok and "could not open the file" in (now.record.error or "")
    finally:
        pool.shutdown()


def test_planning_imports_nothing_of_prefect_and_starts_the_readers(tmp_path: Path) -> None:
    """Before the flow, `nhiemvu ingest` plans without Prefect (2 s of imports) and hands the flow a
    reader pool already reading the first batches."""
    src = tmp_path / "src"
    src.mkdir()
    for path in DOCX[:3]:
        shutil.copy(path, src)
    code = (
        "import logging, sys\n"
        "from flows import readers\n"
        "from flows.ingest_run import IngestRequest, run_files\n"
        f"request = IngestRequest({str(src)!r}, {str(tmp_path / 'out')!r}, workers=2, processes=True)\n"
        "stopped = run_files(logging.getLogger('t'), request, 'run', read=None)\n"
        "pool = readers._handed_over\n"
        "pool.wait_for_read_ahead()\n"
        "print(stopped, len(pool._ahead), sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))\n"
        "readers.shutdown_unclaimed()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert done.stdout.strip() == "None 3 []", done.stderr  # three batches of one file, no Prefect


def test_the_flow_collects_the_batches_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import flows.ingest
    from flows.ingest_run import IngestRequest, run_ingest
    from flows.readers import ReaderPool

    claimed: list[ReaderPool] = []
    real_claim = flows.ingest.claim

    def claim_and_keep(processes: int) -> ReaderPool:
        claimed.append(real_claim(processes))
        return claimed[-1]

    monkeypatch.setattr(flows.ingest, "claim", claim_and_keep)
    src = tmp_path / "src"
    src.mkdir()
    for path in DOCX[:3]:
        shutil.copy(path, src)
    report = run_ingest(IngestRequest(str(src), str(tmp_path / "out"), workers=2, processes=True))
    assert report["files_new"] == 3
    (pool,) = claimed
    assert pool.collected == 3  # every batch the flow ran had been read ahead: none was read twice


def test_readers_started_ahead_stop_when_the_flow_cannot_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.ingest
    import flows.ingest_run
    from flows.ingest_run import IngestRequest, run_ingest
    from flows.readers import ReaderPool

    handed: list[ReaderPool] = []
    real_hand_over = flows.ingest_run.hand_over

    def hand_over_and_keep(pool: ReaderPool) -> None:
        handed.append(pool)
        real_hand_over(pool)

    def no_server(**kwargs: object) -> None:
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")

    monkeypatch.setattr(flows.ingest_run, "hand_over", hand_over_and_keep)
    monkeypatch.setattr(flows.ingest, "ingest", no_server)
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DOCX[0], src)
    with pytest.raises(RuntimeError, match="Timed out"):
        run_ingest(IngestRequest(str(src), str(tmp_path / "out"), workers=2, processes=True))
    (pool,) = handed
    assert pool._executor is None  # shut down: no reader outlives the command


def test_the_readers_warm_up_before_planning_only_for_a_folder_big_enough(tmp_path: Path) -> None:
    """`nhiemvu ingest` starts the readers' fork server first thing when the folder holds enough files
    to want readers; a folder of a few files is read in threads and starts no server."""
    from flows.readers import PROCESS_POOL_MIN_FILES, _holds_at_least, warm_up_if_needed

    few, many = tmp_path / "few", tmp_path / "many"
    small_files(few, 3)
    small_files(many / "sub", PROCESS_POOL_MIN_FILES)  # in a subfolder: counted too
    (few / ".hidden").mkdir()
    small_files(few / ".hidden", PROCESS_POOL_MIN_FILES)  # hidden: not read, not counted
    assert not _holds_at_least(few, PROCESS_POOL_MIN_FILES, 2**30)
    assert _holds_at_least(many, PROCESS_POOL_MIN_FILES, 2**30)
    assert _holds_at_least(few, PROCESS_POOL_MIN_FILES, 250)  # or enough bytes: three files of 100
    assert not warm_up_if_needed(few, None, None)
    assert not warm_up_if_needed(many, 1, None) and not warm_up_if_needed(many, None, False)
    assert warm_up_if_needed(few, None, True) == ((os.cpu_count() or 1) > 1)  # forced: processes
    assert warm_up_if_needed(many, None, None) == ((os.cpu_count() or 1) > 1)
