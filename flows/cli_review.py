"""`nhiemvu review export` and `nhiemvu review import`: the analysts' round trip through Excel.

`export` writes the rows that need review (`--all`: every row) to one workbook; the analyst corrects
cells, marks rows "not a task", confirms rows, or adds a missed task on an empty row; `import` stores
what changed in the store's `corrections` table (who, when, old and new value) and writes the exports
again, so `tasks.*` show the corrections at once. Every later ingest applies them too.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from flows import exit_codes

if TYPE_CHECKING:
    from pipeline.store import Store

review_app = typer.Typer(
    help="Review the dataset in Excel: export the rows to check, import the corrections."
)
DEFAULT_DB = Path("data/processed/nhiemvu.duckdb")
# `flows.cli` is imported inside the commands: it registers this module (and may run as __main__)


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


@review_app.command("export")
def review_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="the workbook to write")] = Path("review.xlsx"),
    db: Annotated[Path, typer.Option("--db", help="DuckDB store")] = DEFAULT_DB,
    every_row: Annotated[
        bool, typer.Option("--all", help="every row of the dataset, not only those that need review")
    ] = False,
) -> None:
    """Write the rows that need review (--all: every row) to an Excel workbook for correction."""
    from flows.cli import environment_errors, err_console, print_orphans
    from pipeline.review import SheetRow, vocabulary, write_review_sheet
    from pipeline.store import Store, StoreError

    try:
        with Store(db, read_only=True) as store, environment_errors():
            documents = store.exported_documents()
            keep = set(documents.loc[documents["exported"], "doc_id"])
            reviewed = [t for t in store.reviewed_tasks() if t.doc_id in keep]
            rows = [SheetRow(t) for t in reviewed if every_row or t.needs_review]
            if every_row:  # rows marked "not a task", so that a verdict can be taken back
                shown = {t.task_id for t in reviewed}
                word = vocabulary().verdict_word("reject")
                rows += [
                    SheetRow(t, word) for t in store.tasks() if t.doc_id in keep and t.task_id not in shown
                ]
            count = write_review_sheet(rows, out)
            orphans = [c.describe() for c in store.orphaned_corrections()]
    except (StoreError, FileNotFoundError) as err:
        err_console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    print_orphans(orphans)
    what = "rows" if every_row else "rows that need review"
    err_console.print(f"wrote {out}: {count} {what} (of {len(reviewed)} tasks)")


@review_app.command("import")
def review_import(
    sheet: Annotated[Path, typer.Argument(help="a workbook written by `nhiemvu review export`, edited")],
    db: Annotated[Path, typer.Option("--db", help="DuckDB store")] = DEFAULT_DB,
    who: Annotated[str | None, typer.Option("--who", help="who made the corrections (default: you)")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="folder for the exports (default: beside the store)")
    ] = None,
    export: Annotated[
        bool, typer.Option("--export/--no-export", help="write tasks.* again with the corrections")
    ] = True,
) -> None:
    """Store the corrections made in SHEET (only the cells that changed) and write the exports again."""
    from flows.cli import environment_errors, err_console, print_orphans
    from pipeline.base import now_iso
    from pipeline.review import ReviewSheetError, read_review_sheet
    from pipeline.store import Store, StoreError, StoreLockedError

    if not sheet.is_file():
        err_console.print(f"[red]not found:[/red] {sheet}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    if not db.is_file():
        err_console.print(f"[red]refused:[/red] no store at {db}: run `nhiemvu ingest` first")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
    try:
        with Store(db) as store, environment_errors():
            documents = {d.doc_id: d for d in store.documents() if d.status == "ok"}
            changes = read_review_sheet(sheet, documents, who or _who(), now_iso())
            for line in changes.warnings:
                err_console.print(f"[yellow]note[/yellow] {line}")
            if changes.errors:
                for line in changes.errors:
                    err_console.print(f"[red]refused[/red] {line}")
                err_console.print(
                    f"nothing stored ({len(changes.errors)} refused): correct the sheet and import it again"
                )
                raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT)
            stored = store.add_corrections(changes.corrections)
            _refresh_tracking(store)
            orphans = [c.describe() for c in store.orphaned_corrections()]
            if export:
                target = out or db.parent
                store.export(target)
                store.publish(target)
    except (ReviewSheetError, StoreLockedError, StoreError) as err:
        err_console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(exit_codes.USAGE_OR_ENVIRONMENT) from None
    kinds: dict[str, int] = {}
    for c in stored:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    detail = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "nothing new"
    repeated = len(changes.corrections) - len(stored)
    again = f"; {repeated} were already stored" if repeated else ""
    err_console.print(
        f"{sheet.name}: {changes.rows} rows read, {len(stored)} corrections stored ({detail}){again}"
    )
    print_orphans(orphans)
    if export:
        err_console.print(f"exports written to {out or db.parent}")


def _refresh_tracking(store: Store) -> None:
    """Progress and links follow a corrected status or lead; a failure there never loses the corrections."""
    from flows.cli import err_console
    from pipeline.tracking import refresh_tracking

    try:
        refresh_tracking(store.con)
    except Exception as err:  # the corrections are stored: keep them
        err_console.print(f"[yellow]tracking tables not refreshed:[/yellow] {type(err).__name__}: {err}")
