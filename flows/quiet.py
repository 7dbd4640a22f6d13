"""A normal run prints progress and the summary, nothing else.

Prefect's own chatter hid the useful lines: the temporary server's telemetry service wrote to its SQLite
database while the run did ("database is locked" traceback), the analytics client failed offline, and
every file in a thread pool logged that its timeout cannot interrupt blocking calls (true, and known:
`flows.ingest` bounds each file's time itself and parsing is Python code that the timeout does stop).
Settings are defaults only: a user who sets them keeps their value.
"""

from __future__ import annotations

import logging
import os

QUIET_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # no telemetry service, no write race, no offline error
    "DO_NOT_TRACK": "1",  # the client-side analytics standard Prefect honours
    # The temporary server gets 20 s to start by default; a busy laptop needs more, and a run that
    # gives up there does nothing at all.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}


class _DropThreadTimeoutWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "configured for this task, but the task is running in a worker thread" not in str(record.msg)


def quiet_prefect() -> None:
    """Set the quiet defaults (before Prefect reads its settings) and drop the per-file timeout warning."""
    for name, value in QUIET_DEFAULTS.items():
        os.environ.setdefault(name, value)
    task_logger = logging.getLogger("prefect.task_runs")
    if not any(isinstance(f, _DropThreadTimeoutWarning) for f in task_logger.filters):
        task_logger.addFilter(_DropThreadTimeoutWarning())
