"""Files read in batches: one Prefect task run per batch, and inside it each file on its own terms.

A Prefect task run costs far more than reading a small DOCX (400 files took 7.5× longer through one task
run per file than through `nhiemvu extract`). So a task run now reads a batch of files, but every file
keeps what it had as a task of its own: its own time limit (a hung file fails alone and the batch goes
on), its own retries on a transient I/O error, and its own failed record with a plain message. The flow
still commits each file in its own transaction.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from pipeline.base import file_sha256, now_iso
from pipeline.model import DocumentRecord
from pipeline.run import FileResult, process_file

RETRY_DELAYS = (2.0, 10.0)  # seconds before the 2nd and 3rd attempt at a file that blinked (OSError)
MAX_BATCH_FILES = 16  # a batch's results reach the store together: keep progress incremental
MAX_BATCH_BYTES = 4 * 2**20  # scans and long PDFs take seconds per MB: a few MB make a batch
BATCHES_PER_WORKER = 4  # enough batches that no worker waits while another has a long queue


@dataclass(frozen=True)
class Batch:
    """The files one task run reads, in order."""

    paths: tuple[Path, ...]

    @property
    def label(self) -> str:
        first = self.paths[0].name
        return first if len(self.paths) == 1 else f"{first} +{len(self.paths) - 1}"


def make_batches(files: list[Path], workers: int) -> list[Batch]:
    """Cut `files` into batches: about `BATCHES_PER_WORKER` per worker, none over the file or byte cap."""
    if not files:
        return []
    per_batch = max(1, min(MAX_BATCH_FILES, math.ceil(len(files) / (max(1, workers) * BATCHES_PER_WORKER))))
    batches: list[Batch] = []
    current: list[Path] = []
    size = 0
    for path in files:
        try:
            nbytes = path.stat().st_size
        except OSError:
            nbytes = 0
        if current and (len(current) >= per_batch or size + nbytes > MAX_BATCH_BYTES):
            batches.append(Batch(tuple(current)))
            current, size = [], 0
        current.append(path)
        size += nbytes
    batches.append(Batch(tuple(current)))
    return batches


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `TimeoutError` inside the block after `seconds`.

    In a process's main thread (a reader process, `extract`) by SIGALRM, as Prefect's own timeout does
    there, so a reader process never imports Prefect; in a thread of the flow (a small batch) by
    Prefect's cancellation, which interrupts Python code as parsing is.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        from prefect.utilities.timeout import timeout

        with timeout(seconds):
            yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"gave up after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read_batch(paths: list[str], file_timeout: float) -> list[FileResult]:
    """Read every file of a batch, each within `file_timeout` seconds; never raises for a bad file."""
    return [read_one(Path(p), file_timeout) for p in paths]


def read_one(path: Path, file_timeout: float) -> FileResult:
    """One file: retried on a transient I/O error, stopped after `file_timeout` s, a failed record if bad."""
    for delay in (*RETRY_DELAYS, None):
        try:
            with open(path, "rb") as f:  # an unreadable file raises OSError here, where a retry can help
                f.read(1)
            with time_limit(file_timeout):
                return process_file(path)
        except TimeoutError:
            return failed_result(path, _sha_or_empty(path), timeout_message(file_timeout))
        except OSError as err:
            if delay is None:
                return failed_result(path, _sha_or_empty(path), f"could not open the file: {err}")
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def timeout_message(file_timeout: float) -> str:
    return f"gave up after {file_timeout:.0f} s: the file is too large or too complex to read"


def _sha_or_empty(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""


def failed_result(path: Path, sha256: str, message: str) -> FileResult:
    """A failed `documents` row for a file that gave no result, saying in plain words why."""
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
