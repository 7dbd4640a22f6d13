"""An ingest run without Prefect: find and plan the files, store each result, export, report.

`nhiemvu ingest` starts here (`run_ingest`), and Prefect is imported only once there is something to
read: a nightly run that finds nothing new never pays for it (nor for a temporary Prefect server), and
a run with new files starts its reader processes (`flows.readers`) and has them read the first batches
while Prefect is imported and its flow starts (`flows.ingest`), which then does the reading. The flow
runs the same `run_files` with its own way of reading; this module never imports Prefect itself.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows import export_state, stat_cache
from flows.batch import Batch, failed_result, make_batches
from flows.readers import (
    PROCESS_POOL_MIN_BYTES,
    PROCESS_POOL_MIN_FILES,
    ReaderPool,
    hand_over,
    shutdown_unclaimed,
)
from pipeline.base import ExtractionError, file_sha256, now_iso
from pipeline.run import FileResult
from pipeline.store import READ_COPY_NAME, RunStats, Store, write_run_report

DB_NAME = "nhiemvu.duckdb"
DEFAULT_FILE_TIMEOUT = 600.0  # seconds; a 200-page PDF takes well under a minute
DASK_CONNECT_TIMEOUT = 5.0  # seconds to reach a Dask scheduler before the run is refused


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


# -- where the files are read: threads, reader processes or a Dask cluster -----------------------------


def pool_size(workers: int | None, files: list[Path]) -> int:
    """Workers for a local run: as asked (default: the cores), never more than the cores or the files."""
    cores = os.cpu_count() or 1
    return max(1, min(workers or cores, cores, len(files)))


def uses_reader_processes(workers: int | None, files: list[Path], processes: bool | None = None) -> bool:
    """Whether a local run reads `files` in reader processes (`processes` forces the answer)."""
    if processes is not None:
        return processes
    big = (
        len(files) >= PROCESS_POOL_MIN_FILES or sum(p.stat().st_size for p in files) >= PROCESS_POOL_MIN_BYTES
    )
    return pool_size(workers, files) > 1 and big


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


# -- reading: how many batches, and the first ones read ahead ------------------------------------------


@dataclass(frozen=True)
class ReadPlan:
    """How a run reads its files: the batches in order, and how many are in flight at once."""

    batches: list[Batch]
    window: int
    reader_processes: int  # 0: no reader processes (threads, or a Dask cluster)


def read_plan(request: IngestRequest, todo: list[Path]) -> ReadPlan:
    """How `todo` is read: the same for the same files, asked before the flow starts or inside it, so
    the batches read ahead are the ones the flow asks for."""
    workers = max(1, request.workers or os.cpu_count() or 1)
    window = 64 if request.dask_address else 2 * workers
    local_processes = not request.dask_address and uses_reader_processes(
        request.workers, todo, request.processes
    )
    readers = pool_size(request.workers, todo) if local_processes else 0
    return ReadPlan(make_batches(todo, workers), window, readers)


def read_ahead(request: IngestRequest, todo: list[Path]) -> int:
    """Start the reader processes and have them read the first batches now, while Prefect is imported
    and its flow starts (seconds in which they would otherwise wait); returns how many batches.

    The flow's task runs for those batches collect what was read (`ReaderPool.read`). Nothing is
    stored here: the flow stores each file, as it does every other.
    """
    plan = read_plan(request, todo)
    if not plan.reader_processes:
        return 0
    pool = ReaderPool(plan.reader_processes)
    first = [[str(p) for p in batch.paths] for batch in plan.batches[: plan.window]]
    pool.read_ahead(first, request.file_timeout)
    hand_over(pool)
    return len(first)


# -- the run -------------------------------------------------------------------------------------------


ReadFiles = Callable[[Store, RunStats, list[Path], Any], None]
"""Reads `todo` and stores each file as its batch returns (`store_one`): the flow's task runs."""


def run_ingest(request: IngestRequest) -> dict[str, Any]:
    """What `nhiemvu ingest` runs: plan first, outside Prefect; run the flow only if there is work.

    A nightly run that finds nothing new syncs the store, exports and reports without starting a flow,
    so without `PREFECT_API_URL` it starts no temporary Prefect server (6–15 s). A `--dask` address is
    checked first: no scheduler there fails within `DASK_CONNECT_TIMEOUT` seconds, naming the address.
    """
    if request.dask_address:
        check_scheduler(request.dask_address)
    logger = logging.getLogger("nhiemvu.ingest")
    report = run_files(logger, request, run_id=str(uuid.uuid4()), read=None)
    if report is not None:
        return report.as_dict()
    try:
        from flows import ingest  # Prefect is imported here, while the readers read ahead

        result: dict[str, Any] = ingest.ingest(**vars(request))
        return result
    finally:
        shutdown_unclaimed()  # the flow did not start: its readers must not outlive the command


def run_files(logger: Any, request: IngestRequest, run_id: str, read: ReadFiles | None) -> RunStats | None:
    """The run itself, the files to read read by `read`. With no `read` (before the flow), it stops
    (None) before changing anything when there are files to read, and starts reading the first ones."""
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
        if plan.todo and read is None:
            if ahead := read_ahead(request, plan.todo):
                logger.info(
                    "%d files to read: the readers start on the first %d batches", len(plan.todo), ahead
                )
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
            store_one(store, stats, path, result, logger)
        if plan.todo:
            assert read is not None
            read(store, stats, plan.todo, logger)
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


def environment_message(err: BaseException) -> str:
    """A store, disk or folder problem in one plain sentence."""
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    return str(err)


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


def store_one(
    store: Store, stats: RunStats, path: Path, result: FileResult, logger: Any, reread: bool = False
) -> str:
    """Commit one file (its own transaction, its corrections applied), count it, log it if it failed."""
    outcome = store.save(result, source_path=path.resolve(), run_id=stats.run_id, reread=reread)
    _record(stats, result, outcome)
    if not result.ok:
        logger.warning("failed %s: %s", path.name, result.record.error)
    return outcome


def stored_line(stored: list[tuple[Path, FileResult, str]]) -> str:
    """ "3 files (2 new, 1 replaced), 14 tasks: a.docx, b.docx, c.pdf" (the first names of a long batch)."""
    counts = Counter(outcome for _, _, outcome in stored)
    names = [path.name for path, _, _ in stored]
    shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    tasks = sum(len(result.tasks) for _, result, _ in stored)
    return f"{len(names)} file{'s' if len(names) != 1 else ''} ({kinds}), {tasks} tasks: {shown}"
