"""Reader processes: plain worker processes that read the files of the flow's batch task runs.

A Prefect task run inside a worker process costs seconds of CPU on top of the reading: Prefect is
imported and its task engine started in every worker, each state change is an API call from there,
and every submission serializes the whole Prefect settings. So with `flows.ingest.ReaderPoolTaskRunner`
the batch task runs stay in threads of the flow process (Prefect still sees one task run per batch,
with its state and logs), and each hands its files to a pool of plain processes that import the
pipeline and nothing of Prefect. This module must not import Prefect: the readers import it.

Readers are forked from a fork server (`forkserver`: the flow process has threads, so it must not
fork itself), which has read one small document first (`flows.reader_warmup`): the pipeline's imports,
knowledge files and compiled rules are loaded once, and every reader starts warm. Where there is no
fork server (Windows), readers are spawned and start cold.

Importing Prefect and starting its flow take seconds in which readers would wait. So `nhiemvu
ingest` starts the pool before it imports Prefect and has it read the run's first batches ahead
(`ReaderPool.read_ahead`, `hand_over`, from `flows.ingest_run`); the flow's runner takes that pool
(`claim`), and the task runs of those batches collect what was read instead of asking again. A
batch is collected only when the flow asks for it on the same terms (the same paths in the same
order, the same time limit); one it never asks for is cancelled, or its reading thrown away, when the
pool shuts down.

A reader killed by a file (a segfault, the memory cap) breaks a `ProcessPoolExecutor` for every batch
in flight. The pool is then started again (forking is cheap), and the batches that were in flight
fail: the flow reads their files again one per task run, so the file that kills its reader fails alone.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from multiprocessing.context import BaseContext
from pathlib import Path

from flows.batch import read_batch
from flows.worker_guard import guard_worker
from pipeline.run import FileResult
from pipeline.settings import Settings, configure, settings

ENV_PREFIX = "NHIEMVU_"
WARM_UP_MODULES = ["flows.reader_warmup"]  # what the fork server imports before it forks a reader

# Below these, starting reader processes (their fork server's warm-up: seconds) costs more than it saves.
PROCESS_POOL_MIN_FILES = 50
PROCESS_POOL_MIN_BYTES = 8 * 2**20  # scans and long PDFs: a few MB already mean minutes of parsing


def _context() -> BaseContext:
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WARM_UP_MODULES)
    return context


def warm_up_if_needed(source_dir: Path, workers: int | None, processes: bool | None) -> bool:
    """Start the readers' fork server now if a run over `source_dir` may want readers; True if so.

    Its warm-up (a second or two of its own CPU, on another core) then overlaps this process's imports
    and planning, and the readers forked from it later start at once. The folder's files are counted
    only until there are enough (`PROCESS_POOL_MIN_FILES` or `_BYTES`); when all of them turn out to be
    stored already, the server was started for nothing and stops with this process.
    """
    cores = os.cpu_count() or 1
    if processes is False or cores < 2 or workers == 1 or _context().get_start_method() != "forkserver":
        return False
    if not processes and not _holds_at_least(source_dir, PROCESS_POOL_MIN_FILES, PROCESS_POOL_MIN_BYTES):
        return False
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def _holds_at_least(folder: Path, files: int, nbytes: int) -> bool:
    """Whether `folder` holds `files` visible files or `nbytes` of them, counting no further."""
    count = size = 0
    pending = [folder]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.is_file():
                count += 1
                size += entry.stat().st_size
                if count >= files or size >= nbytes:
                    return True
    return False


def _own_environment() -> dict[str, str]:
    """nhiemvu's variables (memory cap, OCR engine …) as they are now in this process."""
    return {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}


def _start_reader(current: Settings, environment: dict[str, str]) -> None:
    """In each reader process: this run's settings and nhiemvu variables (a reader inherits the fork
    server's environment, which may be older), and die with the parent within the memory budget."""
    for name in [k for k in os.environ if k.startswith(ENV_PREFIX) and k not in environment]:
        del os.environ[name]
    os.environ.update(environment)
    configure(current)
    guard_worker()


_Reading = tuple[ProcessPoolExecutor, "Future[list[FileResult]]"]  # a batch being read, and by whom


class ReaderPool:
    """`processes` reader processes, started on first use and again after one died."""

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        # batches read ahead, by (paths, time limit): the executor reading each, and its future
        self._ahead: dict[tuple[tuple[str, ...], float], _Reading] = {}
        self.collected = 0  # batches read ahead that a task run then collected
        self._submitting: threading.Thread | None = None

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=_context(),
                    initializer=_start_reader,
                    initargs=(settings(), _own_environment()),
                )
            return self._executor

    def _restart(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:  # the first batch to see it restarts it, once
                self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)

    def read_ahead(self, batches: Sequence[Sequence[str]], file_timeout: float) -> None:
        """Start reading these batches; `read` of the same paths and time limit collects them.

        The batches are handed to the readers from a thread: starting a reader waits until the fork
        server has warmed up (a second or two), and the caller has Prefect to import meanwhile.
        """
        wanted = [list(paths) for paths in batches]

        def submit_all() -> None:
            try:
                executor = self._current()
                for paths in wanted:
                    future = executor.submit(read_batch, paths, file_timeout)
                    with self._lock:
                        self._ahead[(tuple(paths), file_timeout)] = (executor, future)
            except Exception:  # the pool broke: `read` submits again, and reports it
                pass

        self._submitting = threading.Thread(target=submit_all, name="nhiemvu-read-ahead", daemon=True)
        self._submitting.start()

    def wait_for_read_ahead(self) -> None:
        """Until every batch read ahead is with the readers (so `read` finds it)."""
        if self._submitting is not None:
            self._submitting.join()

    def read(self, paths: list[str], file_timeout: float) -> list[FileResult]:
        """Read a batch in a reader process (or collect it, if it was read ahead); raises
        `BrokenExecutor` when the reader died on the way."""
        self.wait_for_read_ahead()
        with self._lock:
            ahead = self._ahead.pop((tuple(paths), file_timeout), None)
            self.collected += ahead is not None
        if ahead is not None:
            executor, future = ahead
        else:
            executor = self._current()
            future = executor.submit(read_batch, paths, file_timeout)
        try:
            return future.result()
        except BrokenExecutor:
            self._restart(executor)
            raise

    def shutdown(self) -> None:
        """Stop the readers; batches read ahead and never collected are cancelled or thrown away."""
        self.wait_for_read_ahead()
        with self._lock:
            executor, self._executor = self._executor, None
            self._ahead.clear()
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


_active: ReaderPool | None = None  # the pool of the runner in use in this (the flow's) process
_handed_over: ReaderPool | None = None  # started before the flow, reading ahead, for its runner to claim


def hand_over(pool: ReaderPool) -> None:
    """Leave `pool` (already reading the first batches) for the flow's runner to `claim`."""
    global _handed_over
    shutdown_unclaimed()
    _handed_over = pool


def claim(processes: int) -> ReaderPool:
    """The pool handed over before the flow started, if it has `processes` readers; else a new one."""
    global _handed_over
    pool, _handed_over = _handed_over, None
    if pool is not None and pool.processes == processes:
        return pool
    if pool is not None:
        pool.shutdown()
    return ReaderPool(processes)


def shutdown_unclaimed() -> None:
    """Stop a handed-over pool no runner claimed (the flow did not start)."""
    global _handed_over
    pool, _handed_over = _handed_over, None
    if pool is not None:
        pool.shutdown()


def active_pool() -> ReaderPool | None:
    """The reader pool batch tasks hand their files to; None where they read them themselves (a thread
    runner for a small batch, a Dask worker)."""
    return _active


def set_active_pool(pool: ReaderPool | None) -> None:
    global _active
    _active = pool
