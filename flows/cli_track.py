"""`nhiemvu track`, `compare` and `report`: following plans through their reports, comparing provinces.

They read the store (never write it): links, progress and families are computed from `documents` and
`tasks` with the same functions the nightly flow uses to refresh the store's tracking tables.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.tracking.tables import Tracking

console = Console(width=None if sys.stdout.isatty() else 160)  # piped output: wide rows, not wrapped ones
err_console = Console(stderr=True)
DEFAULT_DB = Path("data/processed/nhiemvu.duckdb")

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB store")]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="folder for the files (default: beside the store)")
]


def _as_of(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        err_console.print(f"[red]--as-of must be a date YYYY-MM-DD, not[/red] {value!r}")
        raise typer.Exit(2) from None


def _compute(db: Path, as_of: date, families: bool) -> Tracking:
    """Everything computed from a read-only store (refused while an ingest holds it)."""
    from pipeline.store import Store, StoreLockedError
    from pipeline.tracking import compute_tracking

    try:
        with Store(db, read_only=True) as store:
            assert store.con is not None
            return compute_tracking(store.con, as_of, families=families)
    except (StoreLockedError, FileNotFoundError) as err:
        err_console.print(f"[red]refused:[/red] {err}")
        raise typer.Exit(3) from None


def _print_progress(progress: pd.DataFrame, as_of: date) -> None:
    from pipeline.tracking.outputs import summary

    plans = summary(progress, ["plan_number", "province"])
    table = Table(title=f"Plan progress as of {as_of.isoformat()}")
    for col in plans.columns:
        table.add_column(col, justify="left" if col in ("plan_number", "province") else "right")
    for row in plans.itertuples(index=False):
        table.add_row(*["(draft)" if v is None or v != v else str(v) for v in row])
    console.print(table)
    overdue = progress[progress["overdue"]].sort_values("days_late", ascending=False)
    if len(overdue):
        late = Table(title=f"Overdue tasks ({len(overdue)})")
        for col in ("plan", "task", "lead", "deadline", "status", "days late"):
            late.add_column(col)
        for row in overdue.head(50).itertuples(index=False):
            section = ".".join([*row.section_path, row.number or ""])
            late.add_row(
                str(row.plan_number or "(draft)"),
                f"{section} {row.text[:70]}",
                "; ".join(row.lead),
                str(row.deadline_end),
                row.status,
                str(int(row.days_late)),
            )
        console.print(late)


def _print_unpaired(tracking: Tracking) -> None:
    """Reports whose plan is not in the store yet: their tasks cannot count until it is ingested."""
    from pipeline.tracking.pairing import resolve_plan

    for doc in tracking.documents:
        ref = doc.get("refers_to")
        if ref and resolve_plan(doc, tracking.documents) is None:
            err_console.print(
                f"[yellow]report {doc.get('doc_number') or doc['source_file']} reports on "
                f"{ref.get('raw')}, which is not in the store[/yellow]"
            )


def track(
    db: DbOption = DEFAULT_DB,
    plan: Annotated[str | None, typer.Option("--plan", help="plan number, e.g. 444/KH-UBND or 444")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="date YYYY-MM-DD (default: today)")] = None,
    out: OutOption = None,
) -> None:
    """Progress of every plan task through its reports; writes progress.xlsx and progress.parquet."""
    from pipeline.tracking.outputs import select_plan, write_progress_parquet, write_progress_xlsx

    day = _as_of(as_of)
    tracking = _compute(db, day, families=False)
    progress = select_plan(tracking.frame("plan_progress"), plan)
    if plan and progress.empty:
        err_console.print(f"[red]no plan numbered[/red] {plan} in {db}")
        raise typer.Exit(1)
    _print_progress(progress, day)
    _print_unpaired(tracking)
    folder = out or db.parent
    for path in (
        write_progress_xlsx(progress, folder / "progress.xlsx"),
        write_progress_parquet(progress, folder / "progress.parquet"),
    ):
        err_console.print(f"wrote {path}")


def compare(
    resolution: Annotated[str, typer.Option("--resolution", help="number of the resolution, e.g. 66-NQ/TW")],
    db: DbOption = DEFAULT_DB,
    out: OutOption = None,
    min_provinces: Annotated[
        int, typer.Option("--min-provinces", min=1, help="families in at least N provinces")
    ] = 2,
) -> None:
    """Families of the same task across the provinces implementing RESOLUTION; writes the matrix."""
    import pandas as pd

    from pipeline.tracking.families import families_for
    from pipeline.tracking.outputs import family_matrix, write_matrix
    from pipeline.tracking.refs import number_key
    from pipeline.tracking.tables import SCHEMAS

    tracking = _compute(db, date.today(), families=False)
    key = number_key(resolution) or ""
    rows = families_for(key, tracking.documents, tracking.tasks)
    if not rows:
        err_console.print(f"[red]no stored document cites[/red] {resolution}")
        raise typer.Exit(1)
    matrix = family_matrix(pd.DataFrame(rows, columns=list(SCHEMAS["task_families"])), min_provinces)
    table = Table(title=f"{resolution}: {len(matrix)} tasks assigned in {min_provinces}+ provinces")
    for col in matrix.columns[1:]:
        table.add_column(str(col), overflow="fold")
    for row in matrix.head(40).itertuples(index=False):
        table.add_row(str(row[1])[:80], *[str(v) for v in row[2:]])
    console.print(table)
    stem = "compare-" + key.replace("/", "-")
    for path in write_matrix(matrix, out or db.parent, stem):
        err_console.print(f"wrote {path}")


def report(
    db: DbOption = DEFAULT_DB,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="HTML file (default: report.html beside the store)")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="date YYYY-MM-DD (default: today)")] = None,
) -> None:
    """One self-contained HTML page (no network) with the charts and the overdue list."""
    from pipeline.tracking.report import write_report

    day = _as_of(as_of)
    tracking = _compute(db, day, families=False)
    target = write_report(tracking, out or db.parent / "report.html", day, store=str(db))
    err_console.print(f"wrote {target}")


def register(app: typer.Typer) -> None:
    """Add the tracking commands to the `nhiemvu` app."""
    for command in (track, compare, report):
        app.command()(command)
