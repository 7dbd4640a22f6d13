"""The nightly deployment: ingest whatever arrived in the drop folder, every night at 02:00 Vietnam time.

`nhiemvu serve` (or `python -m flows.nightly`) serves it from this process: the schedule is registered on
the Prefect server named by `PREFECT_API_URL` (see README) and its runs execute here while the process is
up, the same as `ingest.serve(name="nightly", cron="0 2 * * *", parameters=...)`.
"""

from __future__ import annotations

from pathlib import Path

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.ingest import ingest

NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Ho_Chi_Minh"  # the offices' clock, whatever the server's


def nightly_deployment(
    source_dir: Path | str = "data/raw",
    out_dir: Path | str = "data/processed",
    cron: str = NIGHTLY_CRON,
    timezone: str = TIMEZONE,
) -> RunnerDeployment:
    """The deployment, with absolute paths so a run does not depend on the worker's current folder."""
    return ingest.to_deployment(
        name="nightly",
        schedules=[Cron(cron, timezone=timezone)],
        parameters={"source_dir": str(Path(source_dir).resolve()), "out_dir": str(Path(out_dir).resolve())},
        description="Ingest new documents from the drop folder into the store, then refresh the exports.",
        tags=["nhiemvu", "nightly"],
    )


def serve_nightly(
    source_dir: Path | str = "data/raw",
    out_dir: Path | str = "data/processed",
    cron: str = NIGHTLY_CRON,
    timezone: str = TIMEZONE,
) -> None:
    """Serve the nightly deployment until stopped."""
    serve(nightly_deployment(source_dir, out_dir, cron, timezone))


if __name__ == "__main__":  # pragma: no cover
    serve_nightly()
