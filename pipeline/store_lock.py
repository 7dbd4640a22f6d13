"""One writer per store, on every platform: a `filelock` lock beside the database, and who holds it.

`filelock` uses the operating system's own lock (flock on POSIX, msvcrt on Windows), which dies with its
process, so a killed run never leaves a stale lock. The holder's pid, host and start time are written to
a separate `<db>.lock.owner` file (the lock file itself is truncated by every waiter), so a refused
process can say who is in the way.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout


class LockBusy(Exception):
    """The lock stayed held for the whole wait; `holder` describes who holds it."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


class StoreLock:
    """An exclusive lock on `<db>.lock`, waited for at most `wait` seconds."""

    def __init__(self, db: Path, wait: float = 0.0) -> None:
        self.path = db.with_name(db.name + ".lock")
        self.owner_path = db.with_name(db.name + ".lock.owner")
        self.wait = wait
        self._lock = FileLock(str(self.path), timeout=wait)

    def acquire(self) -> None:
        try:
            self._lock.acquire(timeout=self.wait, poll_interval=0.2)
        except Timeout:
            raise LockBusy(self.holder()) from None
        self._write_owner()

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()

    def holder(self) -> str:
        """ "pid 123 on host, since …", or "unknown" when the owner file is missing or unreadable."""
        try:
            info = json.loads(self.owner_path.read_text(encoding="utf-8"))
            return f"pid {info['pid']} on {info['host']}, since {info['since']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "unknown"

    def _write_owner(self) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv[:3]),
        }
        fd, tmp = tempfile.mkstemp(prefix=".lock-owner.", dir=self.owner_path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(info, f)
        try:
            os.replace(tmp, self.owner_path)
        except OSError:  # Windows: a reader has it open this very moment; the message says "unknown"
            Path(tmp).unlink(missing_ok=True)
