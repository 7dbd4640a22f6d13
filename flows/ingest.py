"""The batch ingest flow: a folder of documents in, the DuckDB store and its exports out.

Prefect only orchestrates the reading here: `pipeline.run.process_file` on batches of the files, one
task run per batch (each file retried on transient I/O errors, stopped after its own timeout, failed on
its own: `flows.batch`), spread over the machine's cores or a Dask cluster, each file committed as soon
as its batch returns, and the run report published. The rest of the run (planning, storing, exports)
is `flows.ingest_run`, which works without Prefect: `nhiemvu ingest` plans there first and starts no
flow (and so no temporary Prefect server) when there is nothing new to read.
"""

from __future__ import annotations

import uuid
from collections import deque
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

from flows.batch import Batch, failed_result, read_batch, timeout_message
from flows.ingest_run import (
    DASK_CONNECT_TIMEOUT,
    DEFAULT_FILE_TIMEOUT,
    IngestRequest,
    ReadFiles,
    ReadPlan,
    check_scheduler,
    environment_message,
    pool_size,
    read_plan,
    run_files,
    store_one,
    stored_line,
    uses_reader_processes,
)
from flows.readers import active_pool, claim, set_active_pool
from flows.worker_guard import guard_worker
from pipeline.base import file_sha256
from pipeline.run import FileResult
from pipeline.store import RunStats, Store, StoreError

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


# -- running the tasks ---------------------------------------------------------------------------------


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
    n = pool_size(workers, files)
    if uses_reader_processes(workers, files, processes):
        return ReaderPoolTaskRunner(max_workers=n)
    return ThreadPoolTaskRunner(max_workers=n)


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
        self.pool = claim(self.readers)  # the pool `nhiemvu ingest` started, reading ahead, if any
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
    """Runs the batch task over the plan's batches, at most `window` at a time, yielding their results.

    A bounded window keeps memory and the API's queue flat on thousands of files, and a killed run loses
    little work. A batch whose task run died (a worker process killed by a file) is read again one file
    per task run, so the file that kills its reader fails alone and its neighbours are stored. If the
    runner stops taking work (the worker pool broke), the files not yet submitted are left in
    `left_over` for the next run rather than recorded as failed.
    """

    runner: TaskRunner
    plan: ReadPlan
    timeout: float
    left_over: list[Path] = field(default_factory=list)

    def batches(self) -> Iterator[list[tuple[Path, FileResult]]]:
        """Each batch's files and results as the batch returns."""
        queue = deque(self.plan.batches)
        inflight: dict[PrefectFuture[list[FileResult]], Batch] = {}
        while queue or inflight:
            while queue and len(inflight) < self.plan.window:
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
        report = run_files(logger, request, run_id=_run_id(), read=read_with_task_runs(request))
    except (StoreError, OSError) as err:  # the environment, not the code: one sentence, no traceback
        message = environment_message(err)
        logger.error("stopped: %s", message)
        return Failed(message=message, data=err)  # the run is Failed; calling the flow raises `err`
    assert report is not None
    publish_report(report)
    return report.as_dict()


def read_with_task_runs(request: IngestRequest) -> ReadFiles:
    """How the flow reads a run's files: batch task runs on the runner the request calls for."""

    def read(store: Store, stats: RunStats, todo: list[Path], logger: Any) -> None:
        runner = make_task_runner(request.workers, request.dask_address, todo, request.processes)
        run = BoundedRun(runner, read_plan(request, todo), request.file_timeout)
        read_and_store(store, stats, run, logger, request.reread)

    return read


def read_and_store(
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
            outcomes = [(p, r, store_one(store, stats, p, r, logger, reread)) for p, r in done]
            stored = [(p, r, outcome) for p, r, outcome in outcomes if r.ok and outcome != "skipped"]
            if stored:
                logger.info("stored %s", stored_line(stored))
    if batch.left_over:
        stats.errors.append(f"{len(batch.left_over)} files left for the next run: the worker pool stopped")
        logger.error(stats.errors[-1])
