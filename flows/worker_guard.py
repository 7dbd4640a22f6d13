"""Worker processes die with their parent and stay within a memory budget.

A `kill -9` of `nhiemvu ingest` used to leave its worker processes running (about 300 MB each) until
they finished their files. Each worker now watches its parent through multiprocessing's own sentinel (a
pipe on POSIX, a process handle on Windows) and exits the moment the parent is gone. On POSIX each
worker's address space is also capped (`NHIEMVU_WORKER_MEMORY_MB`, default 4096; 0 for no cap), so one
hostile file fails with a MemoryError instead of taking the machine; on Windows only the pixel cap of
the OCR renderer bounds memory.
"""

from __future__ import annotations

import multiprocessing
import os
import threading

DEFAULT_WORKER_MEMORY_MB = 4096

_guarded = False
_lock = threading.Lock()


def guard_worker() -> None:
    """Call in every per-file task: in a worker process (not the main one) it starts the guard once."""
    global _guarded
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    with _lock:
        if _guarded:
            return
        _guarded = True
    cap_memory(worker_memory_mb())
    threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="nhiemvu-lifeline").start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()  # returns when the parent process has ended, however it ended
    os._exit(1)


def worker_memory_mb() -> int:
    try:
        return int(os.environ.get("NHIEMVU_WORKER_MEMORY_MB", DEFAULT_WORKER_MEMORY_MB))
    except ValueError:
        return DEFAULT_WORKER_MEMORY_MB


def cap_memory(megabytes: int) -> bool:
    """Cap this process's address space (POSIX); False where the platform has no such limit."""
    if megabytes <= 0:
        return False
    try:
        import resource
    except ImportError:  # Windows
        return False
    limit = megabytes * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return True
