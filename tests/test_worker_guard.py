"""Worker processes die with their parent (kill -9 leaves no orphans) and have a memory budget."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

PARENT = """
import multiprocessing, sys, time

def worker(queue):
    from flows.worker_guard import guard_worker
    guard_worker()
    queue.put(multiprocessing.current_process().pid)
    time.sleep(120)  # a long file

if __name__ == "__main__":
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ctx.Process(target=worker, args=(queue,)).start()
    print(queue.get(), flush=True)
    time.sleep(120)
"""


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended; only its exit status is left


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_worker_dies_when_its_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen(
        [sys.executable, str(script)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert parent.stdout is not None
    worker = int(parent.stdout.readline())
    assert alive(worker)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    for _ in range(200):  # the worker notices within moments; wait up to 20 s on a busy machine
        if not alive(worker):
            break
        time.sleep(0.1)
    else:
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived its parent")


def test_the_main_process_is_never_capped() -> None:
    from flows.worker_guard import guard_worker

    guard_worker()  # pytest is no worker process: nothing happens
    import flows.worker_guard

    assert flows.worker_guard._guarded is False


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX address-space limit")
def test_a_worker_over_its_budget_gets_a_memory_error() -> None:
    script = (
        "from flows.worker_guard import cap_memory\n"
        "assert cap_memory(512)\n"
        "try:\n    b = bytearray(1024 * 2**20)\nexcept MemoryError:\n    print('MemoryError')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "MemoryError", out.stderr
