"""The `nhiemvu` command line.

`extract` runs the pipeline directly on files or folders (no store, no Prefect); `ingest` runs the Prefect
flow into the DuckDB store, `serve` starts the nightly schedule, `export` writes the store's tables.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows import exit_codes
from flows.cli_settings import SetOption, SettingsFileOption, with_settings
from pipeline.settings import configure, settings

if TYPE_CHECKING:
    from pipeline.run import FileResult

app = typer.Typer(
    help="Vietnamese administrative documents → one clean dataset of tasks.", no_args_is_help=True
)
err_console = Console(stderr=True, soft_wrap=True)  # one message, one line (logs are grepped)

# What a folder walk picks up (files named directly are always tried: the content decides).
DOCUMENT_SUFFIXES = {".docx", ".pdf", ".doc", ".rtf", ".odt", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}
DEFAULT_OUT = Path("data/processed")
DEFAULT_RAW = Path("data/raw")


def iter_input_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly are always read; folders are walked for documents (hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.suffix.lower() in DOCUMENT_SUFFIXES
                    and not child.name.startswith(".")
                ):
                    yield child
        else:
            yield path


def print_orphans(lines: list[str]) -> None:
    """Corrections whose task is gone: kept in the store, not applied, and said every time."""
    if lines:
        err_console.print(
            f"[yellow]{len(lines)} corrections no longer find their task[/yellow] (kept in the store, "
            "not applied; the file changed or reads differently now):"
        )
    for line in lines:
        err_console.print(f"  [yellow]orphaned[/yellow] {line}")


@contextmanager
def environment_errors() -> Iterator[None]:
    """An output folder that cannot be written, a full disk: one plain sentence and exit 2, no traceback."""
    try:
        yield
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        err_console.print(f"[red]could not write the output{where}:[/red] {err.strerror or err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None


def run_files(files: list[Path], workers: int = 1) -> list[FileResult]:
    """Process files (in `workers` processes when > 1) with a progress bar on stderr, in input order."""
    from pipeline.run import process_file

    results: list[FileResult] = []
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    )
    with progress:
        bar = progress.add_task("extracting", total=len(files))
        if workers > 1 and len(files) > 1:
            with ProcessPoolExecutor(
                max_workers=workers, initializer=configure, initargs=(settings(),)
            ) as pool:
                for result in pool.map(process_file, files):
                    results.append(result)
                    progress.advance(bar)
        else:
            for path in files:
                progress.update(bar, description=f"extracting {path.name[:40]}")
                results.append(process_file(path))
                progress.advance(bar)
    for result in results:
        if not result.ok:
            err_console.print(f"[red]failed[/red] {result.record.source_file}: {result.record.error}")
    return results


@app.command()
@with_settings
def extract(
    inputs: list[Path] = typer.Argument(
        ..., help="files or folders of documents (.docx .pdf .doc .rtf .odt, scans as .jpg .png .tif)"
    ),
    out: Path = typer.Option(
        Path("data/processed"), "--out", "-o", help="folder for tasks.* and documents.jsonl"
    ),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="worker processes"),
    set_: SetOption = None,
    settings_file: SettingsFileOption = None,
) -> None:
    """Extract tasks from documents and write tasks.jsonl/csv/parquet/xlsx and documents.jsonl to OUT.

    Exit status: 0 all files read, 1 some failed, 2 usage or environment error (see README).
    """
    missing = [p for p in inputs if not p.exists()]
    if missing:
        err_console.print(f"[red]not found:[/red] {', '.join(map(str, missing))}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    files = list(iter_input_files(inputs))
    if not files:
        err_console.print(f"no documents found ({' '.join(sorted(DOCUMENT_SUFFIXES))})")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    from pipeline.export import documents_frame, non_empty_rows, tasks_frame, write_exports

    workers = min(workers, os.cpu_count() or 1, len(files))
    results = run_files(files, workers)
    tasks = [t for r in results for t in r.tasks]
    failed = [r.record.source_file for r in results if not r.ok]
    kept = non_empty_rows(out / "tasks.jsonl")
    if not tasks and kept:
        err_console.print(
            f"[red]not written:[/red] {out / 'tasks.jsonl'} holds {kept} tasks and this run found none; "
            "it was left as it was (remove it, or choose another --out)"
        )
        raise typer.Exit(exit_codes.FILES_FAILED if failed else exit_codes.USAGE_OR_ENVIRONMENT)
    with environment_errors():
        written = write_exports(tasks_frame(tasks), documents_frame(r.record for r in results), out)
    err_console.print(
        f"{len(files)} files ({len(failed)} failed), {len(tasks)} tasks, "
        f"{sum(t.needs_review for t in tasks)} need review → {written[0].parent}"
    )
    if failed:
        err_console.print(f"[red]failed:[/red] {', '.join(failed)}")
        raise typer.Exit(exit_codes.FILES_FAILED)


@app.command()
@with_settings
def ingest(
    source_dir: Annotated[
        Path, typer.Argument(help="folder of documents (read by content, whatever the extension)")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for the store and exports")] = DEFAULT_OUT,
    workers: Annotated[
        int | None, typer.Option("--workers", "-w", min=1, help="files read in parallel (default: cores)")
    ] = None,
    dask: Annotated[
        str | None, typer.Option("--dask", help="run the per-file tasks on this Dask scheduler")
    ] = None,
    db: Annotated[
        Path | None, typer.Option("--db", help="DuckDB store (default: OUT/nhiemvu.duckdb)")
    ] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=1, help="seconds allowed per file")] = 600.0,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="read again files that failed before")
    ] = False,
    processes: Annotated[
        bool | None,
        typer.Option(
            "--processes/--threads", help="worker processes or threads (default: processes for big batches)"
        ),
    ] = None,
    reread: Annotated[
        bool,
        typer.Option("--reread", help="read every file again, known ones too (after a pipeline upgrade)"),
    ] = False,
    set_: SetOption = None,
    settings_file: SettingsFileOption = None,
) -> None:
    """Ingest new files from SRC_DIR into the store (skipping known ones) and export the whole store to OUT."""
    if not source_dir.is_dir():
        err_console.print(f"[red]not a folder:[/red] {source_dir}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    if not dask:  # before the store's imports: the readers' fork server warms up meanwhile
        from flows.readers import warm_up_if_needed

        warm_up_if_needed(source_dir, workers, processes)
    from flows.ingest_run import IngestRequest, SchedulerUnreachable, run_ingest
    from pipeline.store import StoreError, StoreLockedError

    try:
        report = run_ingest(
            IngestRequest(
                source_dir=str(source_dir),
                out_dir=str(out),
                workers=workers,
                dask_address=dask,
                db_path=str(db) if db else None,
                file_timeout=timeout,
                retry_failed=retry_failed,
                processes=processes,
                reread=reread,
            )
        )
    except SchedulerUnreachable as err:
        err_console.print(f"[red]stopped:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    except StoreLockedError as err:
        err_console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    except StoreError as err:
        err_console.print(f"[red]stopped:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        err_console.print(f"[red]stopped{where}:[/red] {err.strerror or err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    except Exception as err:  # e.g. the temporary Prefect server did not start
        if os.environ.get("NHIEMVU_DEBUG"):
            raise
        err_console.print(
            f"[red]stopped:[/red] {type(err).__name__}: {' '.join(str(err).split())} "
            "(NHIEMVU_DEBUG=1 shows the traceback)"
        )
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    for note in report.get("notes", []):
        err_console.print(f"[yellow]ignored[/yellow] {note}")
    for error in report["errors"]:
        err_console.print(f"[red]failed[/red] {error}")
    print_orphans(report.get("corrections_orphaned", []))
    reread_note = f", {report['files_reread']} read again" if report.get("files_reread") else ""
    err_console.print(
        f"{report['files_new']} new{reread_note}, {report['files_skipped']} skipped, "
        f"{report['files_failed']} failed; "
        f"{report['tasks_added']} tasks added ({report['needs_review']} need review) → {out}"
    )
    if report["files_failed"] or report["errors"]:
        raise typer.Exit(exit_codes.FILES_FAILED)


@app.command()
def serve(
    source_dir: Annotated[
        Path, typer.Option("--source", help="drop folder ingested each night")
    ] = DEFAULT_RAW,
    out: Annotated[Path, typer.Option("--out", "-o", help="folder for the store and exports")] = DEFAULT_OUT,
    cron: Annotated[str, typer.Option("--cron", help="schedule, cron syntax")] = "0 2 * * *",
    timezone: Annotated[
        str, typer.Option("--timezone", help="time zone of the schedule")
    ] = "Asia/Ho_Chi_Minh",
) -> None:
    """Serve the nightly ingest deployment until stopped (schedules need a Prefect server: PREFECT_API_URL)."""
    from flows.nightly import serve_nightly

    serve_nightly(source_dir=source_dir, out_dir=out, cron=cron, timezone=timezone)


@app.command()
def export(
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="csv, xlsx, parquet or jsonl (repeatable; default all)"),
    ] = None,
    db: Annotated[Path, typer.Option("--db", help="DuckDB store")] = DEFAULT_OUT / "nhiemvu.duckdb",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="folder for the files (default: beside the store)")
    ] = None,
) -> None:
    """Write tasks.<format> and documents.jsonl from the store."""
    from pipeline.export import EXPORT_FORMATS
    from pipeline.store import Store, StoreError

    formats = formats or list(EXPORT_FORMATS)
    unknown = sorted(set(formats) - set(EXPORT_FORMATS))
    if unknown:
        err_console.print(
            f"[red]unknown format:[/red] {', '.join(unknown)} (use {', '.join(EXPORT_FORMATS)})"
        )
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    try:
        with Store(db, read_only=True) as store, environment_errors():
            written = store.export(out or db.parent, formats=formats)
            orphans = [c.describe() for c in store.orphaned_corrections()]
    except (StoreError, FileNotFoundError) as err:
        err_console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    print_orphans(orphans)
    for path in written:
        err_console.print(f"wrote {path}")


# tracking: `track`, `compare`, `report` (flows/cli_track.py)
from flows.cli_track import register as register_tracking  # noqa: E402

register_tracking(app)

# explaining a document's tasks: `explain`, `inspect` (flows/cli_explain.py)
from flows.cli_explain import register as register_explain  # noqa: E402

register_explain(app)

# the analysts' review round trip: `review export`, `review import` (flows/cli_review.py)
from flows.cli_review import review_app  # noqa: E402

app.add_typer(review_app, name="review")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
