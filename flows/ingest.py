"""The batch ingest flow: a folder of documents in, the DuckDB store and its exports out.

Prefect only orchestrates here: finding the files, running `pipeline.run.process_file` on batches of
them, one task run per batch (each file retried on transient I/O errors, stopped after its own timeout,
failed on its own: `flows.batch`), spread over the machine's cores or a Dask cluster, committing each
file as soon as its batch returns, and publishing the run report. Everything it calls also works
without Prefect: `run_ingest` plans first, outside Prefect, and starts no flow (and so no temporary
Prefect server) when there is nothing new to read.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Failed
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows import export_state, stat_cache
from flows.batch import Batch, failed_result, make_batches, read_batch, timeout_message
from flows.readers import ReaderPool, active_pool, set_active_pool, start_early
from flows.worker_guard import guard_worker
from pipeline.base import ExtractionError, file_sha256, now_iso
from pipeline.run import FileResult
from pipeline.store import READ_COPY_NAME, RunStats, Store, StoreError, write_run_report

DB_NAME = "nhiemvu.duckdb"
DEFAULT_FILE_TIMEOUT = 600.0  # seconds; a 200-page PDF takes well under a minute
DASK_CONNECT_TIMEOUT = 5.0  # seconds to reach a Dask scheduler before the run is refused


# -- the batch task ------------------------------------------------------------------------------------


@task(name="extract-batch", task_run_name="extract {label}")
def extract_batch(paths: list[str], file_timeout: float, label: str = "") -> list[FileResult]:
    """Read a batch of files, each with its own timeout and retries (`flows.batch.read_one`): in a
    reader process when the run has them (`flows.readers`), else here (a thread, a Dask worker)."""
    pool = active_pool()
    if pool is not None:
        return pool.read(paths, file_timeout)
    guard_worker()  # in a worker process: die with the parent, stay within the memory budget
    return read_batch(paths, file_timeout)


# -- discovering and planning --------------------------------------------------------------------------


def discover(
    source_dir: Path, exclude: list[Path] | None = None, ignored: list[str] | None = None
) -> list[Path]:
    """Every visible regular file under `source_dir`, whatever its extension: the content decides.

    `exclude` lists files or folders to leave out (the store and the exports when they sit inside).
    What is left out otherwise (hidden files such as `~$` lock files, pipes, sockets) is not silent:
    each gets a line in `ignored`, which the run report carries.
    """
    skip = [p.resolve() for p in exclude or []]
    files: list[Path] = []
    hidden_dirs: set[Path] = set()
    for path in sorted(source_dir.rglob("*")):
        rel = path.relative_to(source_dir)
        resolved = path.resolve()
        if any(resolved == s or resolved.is_relative_to(s) for s in skip):
            continue
        if path.is_dir():
            continue
        hidden_dir = next(
            (Path(*rel.parts[: i + 1]) for i, p in enumerate(rel.parts[:-1]) if p.startswith(".")), None
        )
        if hidden_dir is not None:
            if hidden_dir not in hidden_dirs:
                hidden_dirs.add(hidden_dir)
                _note(ignored, f"{hidden_dir}/: hidden folder, not read")
            continue
        if rel.name.startswith("."):
            _note(ignored, f"{rel}: hidden file (name starts with a dot), not read")
            continue
        if not path.is_file():
            _note(ignored, f"{rel}: not a regular file (a pipe, socket or device), not read")
            continue
        files.append(path)
    return files


def _note(notes: list[str] | None, line: str) -> None:
    if notes is not None:
        notes.append(line)


def _own_files(source: Path, out: Path, db: Path) -> list[Path]:
    """The store's files, and the export folder when it sits inside the source folder."""
    own = [db, *(db.with_name(db.name + ext) for ext in (".wal", ".lock", ".lock.owner"))]
    own += [out / READ_COPY_NAME, out / (READ_COPY_NAME + ".wal")]
    if out.resolve() != source.resolve() and out.resolve().is_relative_to(source.resolve()):
        own.append(out)
    return own


@dataclass
class Plan:
    """What a run will do with each discovered file."""

    todo: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    rejected: list[tuple[Path, FileResult]] = field(default_factory=list)
    seen: list[tuple[Path, str]] = field(default_factory=list)  # every path read, and its sha256


def plan_files(files: list[Path], known: set[str], cache: stat_cache.StatCache | None = None) -> Plan:
    """Skip bytes already stored, reject what is no document by its content, extract the rest.

    With a `cache`, a file whose size and mtime are unchanged is not hashed again.
    """
    from extractors.detect import detect_format

    plan = Plan()
    seen = set(known)
    for path in files:
        sha = cache.sha256(path) if cache is not None else file_sha256(path)
        plan.seen.append((path, sha))
        if sha in seen:
            plan.skipped.append(path)
            continue
        seen.add(sha)
        try:
            detect_format(path, guards=False)  # the worker reading the file runs the guards
        except ExtractionError as err:
            plan.rejected.append((path, failed_result(path, sha, str(err))))
            continue
        plan.todo.append(path)
    return plan


# -- running the tasks ---------------------------------------------------------------------------------


# Below these, starting reader processes (their fork server's warm-up: seconds) costs more than it saves.
PROCESS_POOL_MIN_FILES = 50
PROCESS_POOL_MIN_BYTES = 8 * 2**20  # scans and long PDFs: a few MB already mean minutes of parsing


def make_task_runner(
    workers: int | None, dask_address: str | None, files: list[Path], processes: bool | None = None
) -> TaskRunner:
    """A Dask cluster when given one; else a pool capped to the cores and to the number of files.

    Parsing is CPU-bound, so a big batch is read in reader processes (`flows.readers`); a small one in
    threads, because starting a process takes seconds. `processes` forces the choice.
    """
    if dask_address:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as err:
            raise RuntimeError("--dask needs the prefect-dask package: pip install prefect-dask") from err
        return DaskTaskRunner(address=dask_address, client_kwargs={"timeout": DASK_CONNECT_TIMEOUT})
    n = _pool_size(workers, files)
    if uses_reader_processes(workers, files, processes):
        return ReaderPoolTaskRunner(max_workers=n)
    return ThreadPoolTaskRunner(max_workers=n)


def _pool_size(workers: int | None, files: list[Path]) -> int:
    cores = os.cpu_count() or 1
    return max(1, min(workers or cores, cores, len(files)))


def uses_reader_processes(workers: int | None, files: list[Path], processes: bool | None = None) -> bool:
    """Whether a local run reads `files` in reader processes (`processes` forces the answer)."""
    if processes is not None:
        return processes
    big = (
        len(files) >= PROCESS_POOL_MIN_FILES or sum(p.stat().st_size for p in files) >= PROCESS_POOL_MIN_BYTES
    )
    return _pool_size(workers, files) > 1 and big


class ReaderPoolTaskRunner(ThreadPoolTaskRunner):
    """Batch task runs in threads of the flow process, their files read by `max_workers` reader
    processes (`flows.readers`): Prefect's engine stays in this process.

    There are twice as many threads as readers, so each reader has its next batch queued while it
    reads one: Prefect's bookkeeping between two task runs (their states, through the API) does not
    leave a reader idle.
    """

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=2 * max_workers)
        self.readers = max_workers

    def __enter__(self) -> ReaderPoolTaskRunner:
        super().__enter__()
        self.pool = ReaderPool(self.readers)
        set_active_pool(self.pool)
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            super().__exit__(*exc)
        finally:
            set_active_pool(None)
            self.pool.shutdown()

    def duplicate(self) -> ReaderPoolTaskRunner:
        return type(self)(max_workers=self.readers)


class SchedulerUnreachable(RuntimeError):
    """`--dask` names an address where no scheduler answers; the message names the address."""


def check_scheduler(address: str, timeout: float = DASK_CONNECT_TIMEOUT) -> None:
    """Fail at once, naming the address, when no Dask scheduler answers there within `timeout` seconds."""
    from distributed import Client

    try:
        with Client(address, timeout=timeout, set_as_default=False):
            pass
    except (OSError, TimeoutError, ValueError) as err:
        raise SchedulerUnreachable(
            f"no Dask scheduler answered at {address} within {timeout:.0f} s ({' '.join(str(err).split())})"
        ) from None


def worker_api_settings(runner: TaskRunner) -> AbstractContextManager[Any]:
    """Point worker processes at this run's Prefect API.

    With no `PREFECT_API_URL` (a laptop, no server) Prefect starts a temporary server in this process;
    without this, every worker process would start its own and they would collide on ports.
    """
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    if isinstance(runner, ThreadPoolTaskRunner) or get_current_settings().api.url:
        return nullcontext()
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.server_process is None:
        return nullcontext()
    return temporary_settings(updates={PREFECT_API_URL: server.api_url})


@dataclass
class BoundedRun:
    """Runs the batch task over `files`, at most `window` batches at a time, yielding each batch's results.

    A bounded window keeps memory and the API's queue flat on thousands of files, and a killed run loses
    little work. A batch whose task run died (a worker process killed by a file) is read again one file
    per task run, so the file that kills its reader fails alone and its neighbours are stored. If the
    runner stops taking work (the worker pool broke), the files not yet submitted are left in
    `left_over` for the next run rather than recorded as failed.
    """

    runner: TaskRunner
    files: list[Path]
    window: int
    timeout: float
    workers: int = 1
    left_over: list[Path] = field(default_factory=list)

    def batches(self) -> Iterator[list[tuple[Path, FileResult]]]:
        """Each batch's files and results as the batch returns."""
        queue = deque(make_batches(self.files, self.workers))
        inflight: dict[PrefectFuture[list[FileResult]], Batch] = {}
        while queue or inflight:
            while queue and len(inflight) < self.window:
                batch = queue.popleft()
                try:
                    inflight[self._submit(batch)] = batch
                except Exception:  # e.g. BrokenProcessPool: keep the rest for the next run
                    self.left_over = [*batch.paths, *(p for b in queue for p in b.paths)]
                    queue.clear()
            if not inflight:
                break
            future = next(as_completed(list(inflight)))
            batch = inflight.pop(future)
            value = _value(future)
            del future  # its result is in `value`: let the future go
            if isinstance(value, list):
                yield list(zip(batch.paths, value, strict=True))
            elif len(batch.paths) > 1:  # find the file that broke the batch: one file per task run
                queue.extendleft(Batch((p,)) for p in reversed(batch.paths))
            else:
                yield [(batch.paths[0], _outcome(value, batch.paths[0], self.timeout))]

    def _submit(self, batch: Batch) -> PrefectFuture[list[FileResult]]:
        params = {"paths": [str(p) for p in batch.paths], "file_timeout": self.timeout, "label": batch.label}
        return self.runner.submit(extract_batch, params)


def _value(future: PrefectFuture[Any]) -> Any:
    """The task's return value, or the exception (or state) that stands for it."""
    try:
        value: Any = future.result(raise_on_failure=False)
    except Exception as err:  # the runner itself failed (a worker process died)
        return err
    return value if value is not None else future.state


def _outcome(value: Any, path: Path, timeout: float) -> FileResult:
    """A failed record saying in plain words why a file's task run gave no result."""
    sha = file_sha256(path) if path.is_file() else ""
    if isinstance(value, TimeoutError):
        message = timeout_message(timeout)
    elif isinstance(value, BrokenExecutor) or type(value).__name__ == "CrashedRun":
        message = (
            "the reader process died while reading this file; `nhiemvu ingest --retry-failed` tries it again"
        )
    elif isinstance(value, BaseException):
        message = f"could not read the file: {type(value).__name__}: {value}"
    else:
        message = f"the reader stopped without a result ({getattr(value, 'name', value)})"
    return failed_result(path, sha, message)


# -- the flow ------------------------------------------------------------------------------------------


def _record(stats: RunStats, result: FileResult, outcome: str) -> None:
    if outcome == "skipped":
        stats.files_skipped += 1
        return
    if outcome == "reread":
        stats.files_reread += 1
        stats.needs_review += sum(t.needs_review for t in result.tasks)
        return
    stats.files_replaced += outcome == "replaced"
    if result.ok:
        stats.files_new += 1
        stats.tasks_added += len(result.tasks)
        stats.needs_review += sum(t.needs_review for t in result.tasks)
    else:
        stats.files_failed += 1
        stats.errors.append(f"{result.record.source_file}: {result.record.error}")


def publish_report(stats: RunStats) -> None:
    """The run report as a Prefect table artifact, so the UI shows what each nightly run did."""
    row = {k: v for k, v in stats.as_dict().items() if k.startswith(("files_", "tasks_", "needs_"))}
    errors = "\n".join(f"- {e}" for e in stats.errors[:50]) or "none"
    create_table_artifact(
        table=[row],
        key="ingest-run-report",
        description=f"Ingest of `{stats.source_dir}` ({stats.started_at} → {stats.finished_at}).\n\n"
        f"Failed files:\n{errors}",
    )


def _run_id() -> str:
    from prefect.runtime import flow_run

    return str(flow_run.get_id() or uuid.uuid4())


@dataclass(frozen=True)
class IngestRequest:
    """What one ingest run is asked to do (the flow's parameters)."""

    source_dir: str
    out_dir: str = "data/processed"
    workers: int | None = None
    dask_address: str | None = None
    db_path: str | None = None
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    retry_failed: bool = False
    processes: bool | None = None
    reread: bool = False


@flow(name="ingest", log_prints=False)
def ingest(
    source_dir: str,
    out_dir: str = "data/processed",
    workers: int | None = None,
    dask_address: str | None = None,
    db_path: str | None = None,
    file_timeout: float = DEFAULT_FILE_TIMEOUT,
    retry_failed: bool = False,
    processes: bool | None = None,
    reread: bool = False,
) -> dict[str, Any]:
    """Ingest every new file under `source_dir` into the store, then export the whole store to `out_dir`.

    The store defaults to `<out_dir>/nhiemvu.duckdb`. Files already stored (same bytes) are skipped, and
    so are files that failed before unless `retry_failed` is set; `reread` reads every file again (after
    a pipeline upgrade; the analysts' corrections apply to the new reading). `processes` forces (True)
    or forbids (False) worker processes; by default a large batch gets them. Returns the run report.
    """
    logger = get_run_logger()
    if dask_address:
        check_scheduler(dask_address)
    request = IngestRequest(
        source_dir, out_dir, workers, dask_address, db_path, file_timeout, retry_failed, processes, reread
    )
    try:
        report = _ingest(logger, request, run_id=_run_id())
    except (StoreError, OSError) as err:  # the environment, not the code: one sentence, no traceback
        message = environment_message(err)
        logger.error("stopped: %s", message)
        return Failed(message=message, data=err)  # the run is Failed; calling the flow raises `err`
    assert report is not None
    publish_report(report)
    return report.as_dict()


def run_ingest(request: IngestRequest) -> dict[str, Any]:
    """What `nhiemvu ingest` runs: plan first, outside Prefect; run the flow only if there is work.

    A nightly run that finds nothing new syncs the store, exports and reports without starting a flow,
    so without `PREFECT_API_URL` it starts no temporary Prefect server (6–15 s). A `--dask` address is
    checked first: no scheduler there fails within `DASK_CONNECT_TIMEOUT` seconds, naming the address.
    """
    if request.dask_address:
        check_scheduler(request.dask_address)
    logger = logging.getLogger("nhiemvu.ingest")
    report = _ingest(logger, request, run_id=str(uuid.uuid4()), only_if_nothing_to_read=True)
    if report is not None:
        return report.as_dict()
    return ingest(**vars(request))


def environment_message(err: BaseException) -> str:
    """A store, disk or folder problem in one plain sentence."""
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    return str(err)


def _ingest(
    logger: Any, request: IngestRequest, run_id: str, only_if_nothing_to_read: bool = False
) -> RunStats | None:
    """The run itself; with `only_if_nothing_to_read`, it stops (None) before anything when files need reading."""
    source, out = Path(request.source_dir), Path(request.out_dir)
    if not source.is_dir():
        raise FileNotFoundError(f"source folder not found: {source}")
    db = Path(request.db_path) if request.db_path else out / DB_NAME
    with Store(db) as store:
        stats = RunStats(run_id=run_id, started_at=now_iso(), source_dir=str(source.resolve()))
        known = (
            set() if request.reread else store.known_hashes(statuses=["ok"] if request.retry_failed else None)
        )
        found = discover(source, exclude=_own_files(source, out, db), ignored=stats.notes)
        cache = stat_cache.load(store.con)
        plan = plan_files(found, known, cache)
        stat_cache.save(store.con, cache)
        if plan.todo and only_if_nothing_to_read:
            if not request.dask_address and uses_reader_processes(
                request.workers, plan.todo, request.processes
            ):
                start_early()  # the readers warm up while the flow starts
            return None
        store.start_run(stats)
        for note in stats.notes:
            logger.info("ignored %s", note)
        stats.files_skipped += len(plan.skipped)
        stats.files_removed = store.sync_files(plan.seen, source)
        logger.info(
            "%d files: %d to read, %d already stored, %d refused",
            len(plan.todo) + len(plan.skipped) + len(plan.rejected),
            *(len(plan.todo), len(plan.skipped), len(plan.rejected)),
        )
        for path, result in plan.rejected:
            _store_one(store, stats, path, result, logger)
        if plan.todo:
            runner = make_task_runner(request.workers, request.dask_address, plan.todo, request.processes)
            workers = max(1, request.workers or os.cpu_count() or 1)
            window = 64 if request.dask_address else 2 * workers
            run = BoundedRun(runner, plan.todo, window, request.file_timeout, workers)
            _read_and_store(store, stats, run, logger, request.reread)
        stats.corrections_orphaned = [c.describe() for c in store.orphaned_corrections()]
        for line in stats.corrections_orphaned:
            logger.warning("correction whose task is gone (kept, not applied): %s", line)
        store.finish_run(stats)
        _refresh_tracking(store, logger)
        export_if_changed(store, out, stats.run_id, logger)
        write_run_report(stats, out)
        publish_read_copy(store, out, logger)
    logger.info(
        "done: %d new, %d skipped, %d failed, %d tasks added (%d need review) → %s",
        stats.files_new,
        stats.files_skipped,
        stats.files_failed,
        stats.tasks_added,
        stats.needs_review,
        out,
    )
    return stats


def export_if_changed(store: Store, out: Path, run_id: str, logger: Any) -> None:
    """Export the store to `out`, unless the export there is already what it would write."""
    digest = export_state.fingerprint(store.con)
    if export_state.is_current(store.con, out, digest):
        logger.info("the exports in %s are current (nothing changed in the store): kept as they are", out)
        return
    store.export(out, run_id=run_id)
    export_state.record(store.con, out, digest)


def publish_read_copy(store: Store, out: Path, logger: Any) -> None:
    """Replace the analysts' copy of the store; if it cannot be replaced (open on Windows), keep the old one."""
    try:
        store.publish(out)
    except OSError as err:
        logger.warning("the read copy %s was not replaced (%s); it still shows the previous run", out, err)


def _refresh_tracking(store: Store, logger: Any) -> None:
    """Tracking tables (task_links, plan_progress, task_families) follow the new tasks; a failure
    there is logged and never loses the files just stored."""
    from pipeline.tracking import refresh_tracking

    try:
        tracking = refresh_tracking(store.con)
    except Exception as err:  # the ingest itself succeeded: keep it
        logger.error("tracking tables not refreshed: %s: %s", type(err).__name__, err)
        return
    logger.info(
        "tracking: %d report task links, %d plan tasks followed, %d family rows",
        len(tracking.links),
        len(tracking.progress),
        len(tracking.families),
    )


def _read_and_store(
    store: Store, stats: RunStats, batch: BoundedRun, logger: Any, reread: bool = False
) -> None:
    """Run the batch tasks and commit each file's result as soon as its batch returns.

    One log line per batch stored, one per failed file: a line per stored file is sent to the Prefect
    API and written by its server, on the cores the readers need. The store works single-threaded
    meanwhile: a file's few rows gain nothing from DuckDB's threads, whose start and wait cost a fifth
    of each save's CPU.
    """
    with worker_api_settings(batch.runner), batch.runner, store.single_threaded():
        for done in batch.batches():
            outcomes = [(p, r, _store_one(store, stats, p, r, logger, reread)) for p, r in done]
            stored = [(p, r, outcome) for p, r, outcome in outcomes if r.ok and outcome != "skipped"]
            if stored:
                logger.info("stored %s", _stored_line(stored))
    if batch.left_over:
        stats.errors.append(f"{len(batch.left_over)} files left for the next run: the worker pool stopped")
        logger.error(stats.errors[-1])


def _store_one(
    store: Store, stats: RunStats, path: Path, result: FileResult, logger: Any, reread: bool = False
) -> str:
    """Commit one file (its own transaction, its corrections applied), count it, log it if it failed."""
    outcome = store.save(result, source_path=path.resolve(), run_id=stats.run_id, reread=reread)
    _record(stats, result, outcome)
    if not result.ok:
        logger.warning("failed %s: %s", path.name, result.record.error)
    return outcome


def _stored_line(stored: list[tuple[Path, FileResult, str]]) -> str:
    """ "3 files (2 new, 1 replaced), 14 tasks: a.docx, b.docx, c.pdf" (the first names of a long batch)."""
    counts = Counter(outcome for _, _, outcome in stored)
    names = [path.name for path, _, _ in stored]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    tasks = sum(len(result.tasks) for _, result, _ in stored)
    return f"{len(names)} file{'s' if len(names) != 1 else ''} ({kinds}), {tasks} tasks: {shown}"
