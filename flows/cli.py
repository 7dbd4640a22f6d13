"""The `nhiemvu` command line: `extract` runs the pipeline directly on files or folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pipeline.export import documents_frame, tasks_frame, write_exports
from pipeline.run import FileResult, process_file

app = typer.Typer(help="Vietnamese administrative documents → one clean dataset of tasks.", no_args_is_help=True)
err_console = Console(stderr=True)

DOCUMENT_SUFFIXES = {".docx", ".pdf"}


def iter_input_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly are always read; folders are walked for documents (hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in DOCUMENT_SUFFIXES and not child.name.startswith("."):
                    yield child
        else:
            yield path


def run_files(files: list[Path], workers: int = 1) -> list[FileResult]:
    """Process files (in `workers` processes when > 1) with a progress bar on stderr, in input order."""
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
            with ProcessPoolExecutor(max_workers=workers) as pool:
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
def extract(
    inputs: list[Path] = typer.Argument(..., help="files or folders of .docx / .pdf documents"),
    out: Path = typer.Option(Path("data/processed"), "--out", "-o", help="folder for tasks.* and documents.jsonl"),
    workers: int = typer.Option(1, "--workers", "-w", min=1, help="worker processes"),
) -> None:
    """Extract tasks from documents and write tasks.jsonl/csv/parquet/xlsx and documents.jsonl to OUT."""
    files = list(iter_input_files(inputs))
    if not files:
        err_console.print("no .docx or .pdf files found")
        raise typer.Exit(2)
    workers = min(workers, os.cpu_count() or 1, len(files))
    results = run_files(files, workers)
    tasks = [t for r in results for t in r.tasks]
    written = write_exports(tasks_frame(tasks), documents_frame(r.record for r in results), out)
    failed = sum(not r.ok for r in results)
    err_console.print(
        f"{len(files)} files ({failed} failed), {len(tasks)} tasks, "
        f"{sum(t.needs_review for t in tasks)} need review → {written[0].parent}"
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    app()
