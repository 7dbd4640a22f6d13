"""The batch ingest flow: a folder of documents in, the DuckDB store and its exports out.

Prefect only orchestrates here: finding the files, running `pipeline.run.process_file` on each one in its
own task (retried on transient I/O errors, stopped after a per-file timeout, spread over the machine's
cores or a Dask cluster), committing each file as soon as it is read, and publishing the run report.
Everything it calls also works without Prefect.
"""

from __future__ import annotations

import os
import uuid
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
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.worker_guard import guard_worker
from pipeline.base import ExtractionError, file_sha256, now_iso
from pipeline.model import DocumentRecord
from pipeline.run import FileResult, process_file
from pipeline.store import READ_COPY_NAME, RunStats, Store, StoreError, write_run_report

DB_NAME = "nhiemvu.duckdb"
DEFAULT_FILE_TIMEOUT = 600.0  # seconds; a 200-page PDF takes well under a minute


# -- the per-file task ---------------------------------------------------------------------------------


def _is_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry I/O hiccups (a share that blinked, a file still being copied), never a timeout or a parse error."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception:
        return False
    return isinstance(exc, OSError) and not isinstance(exc, TimeoutError)


@task(
    name="extract-file",
    task_run_name="extract {path}",
    retries=2,
    retry_delay_seconds=[2, 10],
    retry_condition_fn=_is_transient,
    timeout_seconds=DEFAULT_FILE_TIMEOUT,
)
def extract_file(path: str) -> FileResult:
    """Read one file into its record and tasks; `process_file` turns every bad file into a failed record."""
    guard_worker()  # in a worker process: die with the parent, stay within the memory budget
    with open(path, "rb") as f:  # an unreadable file raises OSError here, where a retry can help
        f.read(1)
    return process_file(path)


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


def failed_result(path: Path, sha256: str, message: str) -> FileResult:
    record = DocumentRecord(
        doc_id=sha256[:16],
        source_file=path.name,
        source_format=None,
        sha256=sha256,
        status="failed",
        error=message,
        ingested_at=now_iso(),
    )
    return FileResult(record)


def plan_files(files: list[Path], known: set[str]) -> Plan:
    """Skip bytes already stored, reject what is neither PDF nor DOCX (or is hostile), extract the rest."""
    from extractors.detect import detect_format

    plan = Plan()
    seen = set(known)
    for path in files:
        sha = file_sha256(path)
        plan.seen.append((path, sha))
        if sha in seen:
            plan.skipped.append(path)
            continue
        seen.add(sha)
        try:
            detect_format(path)
        except ExtractionError as err:
            plan.rejected.append((path, failed_result(path, sha, str(err))))
            continue
        plan.todo.append(path)
    return plan


# -- running the tasks ---------------------------------------------------------------------------------


# Below these, starting Prefect in each worker process (seconds) costs more than it saves.
PROCESS_POOL_MIN_FILES = 50
PROCESS_POOL_MIN_BYTES = 8 * 2**20  # scans and long PDFs: a few MB already mean minutes of parsing


def make_task_runner(
    workers: int | None, dask_address: str | None, files: list[Path], processes: bool | None = None
) -> TaskRunner:
    """A Dask cluster when given one; else a pool capped to the cores and to the number of files.

    Parsing is CPU-bound, so a big batch runs in processes; a small one in threads, because starting
    Prefect in each worker process takes seconds. `processes` forces the choice.
    """
    if dask_address:
        try:
            from prefect_dask import DaskTaskRunner
        except ImportError as err:
            raise RuntimeError("--dask needs the prefect-dask package: pip install prefect-dask") from err
        return DaskTaskRunner(address=dask_address)
    cores = os.cpu_count() or 1
    n = max(1, min(workers or cores, cores, len(files)))
    if processes is None:
        big = (
            len(files) >= PROCESS_POOL_MIN_FILES
            or sum(p.stat().st_size for p in files) >= PROCESS_POOL_MIN_BYTES
        )
        processes = n > 1 and big
    return ProcessPoolTaskRunner(max_workers=n) if processes else ThreadPoolTaskRunner(max_workers=n)


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
    """Runs the per-file task over `files`, at most `window` at a time, yielding results as they finish.

    A bounded window keeps memory and the API's queue flat on thousands of files, and a killed run loses
    little work. If the runner stops taking work (a worker process died), the files not yet submitted
    are left in `left_over` for the next run rather than recorded as failed.
    """

    runner: TaskRunner
    files: list[Path]
    window: int
    timeout: float
    left_over: list[Path] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[Path, FileResult]]:
        file_task = extract_file.with_options(timeout_seconds=self.timeout)
        queue = list(reversed(self.files))
        inflight: dict[PrefectFuture[FileResult], Path] = {}
        while queue or inflight:
            while queue and len(inflight) < self.window:
                path = queue.pop()
                try:
                    inflight[self.runner.submit(file_task, {"path": str(path)})] = path
                except Exception:  # e.g. BrokenProcessPool: keep the rest for the next run
                    self.left_over = [path, *reversed(queue)]
                    queue = []
            if not inflight:
                break
            future = next(as_completed(list(inflight)))
            path = inflight.pop(future)
            yield path, _outcome(future, path, self.timeout)


def _outcome(future: PrefectFuture[FileResult], path: Path, timeout: float) -> FileResult:
    """The task's result, or a failed record saying in plain words why there is none."""
    try:
        value: Any = future.result(raise_on_failure=False)
    except Exception as err:  # the runner itself failed (a worker process died)
        value = err
    if isinstance(value, FileResult):
        return value
    sha = file_sha256(path) if path.is_file() else ""
    if isinstance(value, TimeoutError):
        message = f"gave up after {timeout:.0f} s: the file is too large or too complex to read"
    elif isinstance(value, BrokenExecutor) or type(value).__name__ == "CrashedRun":
        message = (
            "the reader process died while reading this file (or one read beside it); "
            "`nhiemvu ingest --retry-failed` tries it again"
        )
    elif isinstance(value, BaseException):
        message = f"could not read the file: {type(value).__name__}: {value}"
    else:
        message = f"the reader stopped without a result ({future.state.name})"
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
    try:
        return _ingest(
            logger,
            source_dir,
            out_dir,
            workers,
            dask_address,
            db_path,
            file_timeout,
            retry_failed,
            processes,
            reread,
        )
    except (StoreError, OSError) as err:  # the environment, not the code: one sentence, no traceback
        message = environment_message(err)
        logger.error("stopped: %s", message)
        return Failed(message=message, data=err)  # the run is Failed; calling the flow raises `err`


def environment_message(err: BaseException) -> str:
    """A store, disk or folder problem in one plain sentence."""
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    return str(err)


def _ingest(
    logger: Any,
    source_dir: str,
    out_dir: str,
    workers: int | None,
    dask_address: str | None,
    db_path: str | None,
    file_timeout: float,
    retry_failed: bool,
    processes: bool | None,
    reread: bool = False,
) -> dict[str, Any]:
    source, out = Path(source_dir), Path(out_dir)
    if not source.is_dir():
        raise FileNotFoundError(f"source folder not found: {source}")
    db = Path(db_path) if db_path else out / DB_NAME
    with Store(db) as store:
        stats = RunStats(run_id=_run_id(), started_at=now_iso(), source_dir=str(source.resolve()))
        store.start_run(stats)
        known = set() if reread else store.known_hashes(statuses=["ok"] if retry_failed else None)
        found = discover(source, exclude=_own_files(source, out, db), ignored=stats.notes)
        for note in stats.notes:
            logger.info("ignored %s", note)
        plan = plan_files(found, known)
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
            runner = make_task_runner(workers, dask_address, plan.todo, processes)
            window = 64 if dask_address else 2 * max(1, workers or os.cpu_count() or 1)
            batch = BoundedRun(runner, plan.todo, window, file_timeout)
            _read_and_store(store, stats, batch, logger, reread)
        stats.corrections_orphaned = [c.describe() for c in store.orphaned_corrections()]
        for line in stats.corrections_orphaned:
            logger.warning("correction whose task is gone (kept, not applied): %s", line)
        store.finish_run(stats)
        _refresh_tracking(store, logger)
        store.export(out, run_id=stats.run_id)
        write_run_report(stats, out)
        publish_read_copy(store, out, logger)
    publish_report(stats)
    logger.info(
        "done: %d new, %d skipped, %d failed, %d tasks added (%d need review) → %s",
        stats.files_new,
        stats.files_skipped,
        stats.files_failed,
        stats.tasks_added,
        stats.needs_review,
        out,
    )
    return stats.as_dict()


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
    """Run the per-file tasks and commit each result as soon as it arrives."""
    with worker_api_settings(batch.runner), batch.runner:
        for path, result in batch:
            _store_one(store, stats, path, result, logger, reread)
    if batch.left_over:
        stats.errors.append(f"{len(batch.left_over)} files left for the next run: the worker pool stopped")
        logger.error(stats.errors[-1])


def _store_one(
    store: Store, stats: RunStats, path: Path, result: FileResult, logger: Any, reread: bool = False
) -> None:
    """Commit one file (its own transaction, its corrections applied) and count it."""
    outcome = store.save(result, source_path=path.resolve(), run_id=stats.run_id, reread=reread)
    _record(stats, result, outcome)
    if result.ok:
        logger.info("stored %s: %s, %d tasks", path.name, outcome, len(result.tasks))
    else:
        logger.warning("failed %s: %s", path.name, result.record.error)
