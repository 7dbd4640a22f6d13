"""`nhiemvu explain` and `nhiemvu inspect`: why a document gave the tasks it gave.

`explain` prints the outline and, for every paragraph, table and table row, its verdict and the
reason (`--json` for a machine-readable list). `inspect` draws one PDF page with the words, ruling
lines, cells, column roles and tasks found on it. Both read the file afresh; nothing is stored.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from pipeline.trace import CONTINUATION, HEADING, SECTION, SKIPPED, TABLE, TASK

console = Console(width=None if sys.stdout.isatty() else 200)
err_console = Console(stderr=True)

_STYLES = {
    TASK: "bold green",
    CONTINUATION: "green",
    HEADING: "magenta",
    SECTION: "magenta",
    TABLE: "cyan",
    SKIPPED: "dim",
}


def _read(path: Path):  # -> Explanation (kept lazy: the CLI starts without the pipeline loaded)
    from pipeline.base import ExtractionError
    from pipeline.explain import explain_file

    if not path.is_file():
        err_console.print(f"[red]not a file:[/red] {path}")
        raise typer.Exit(2)
    try:
        return explain_file(path)
    except ExtractionError as err:
        err_console.print(f"[red]cannot read[/red] {path.name}: {err}")
        raise typer.Exit(3) from None


def explain(
    file: Annotated[Path, typer.Argument(help="a document (.docx, .pdf, scan, .doc …)")],
    page: Annotated[
        int | None, typer.Option("--page", "-p", min=1, help="only this page (PDF, scans)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON list of blocks on stdout")] = False,
) -> None:
    """Show the outline of FILE and, for every paragraph, table and table row, whether it became a task and why."""
    from pipeline.explain import explained_blocks, outline

    explanation = _read(file)
    if page is not None and all(d.page is None for d in explanation.trace.decisions):
        err_console.print(f"[yellow]{file.name} has no page numbers (a Word file): --page ignored[/yellow]")
        page = None
    blocks = explained_blocks(explanation, page=page)
    if as_json:
        typer.echo(json.dumps([b.as_dict() for b in blocks], ensure_ascii=False, indent=1))
        return
    meta = explanation.meta
    title = f"{file.name} — {meta.doc_type or '?'} {meta.doc_number or ''} ({len(explanation.tasks)} tasks)"
    tree = Tree(f"[bold]{escape(title)}[/bold]")
    parents = {-1: tree}
    for entry in outline(explanation, page=page):
        parent = parents[max(d for d in parents if d < entry.depth)]
        node = parent.add(f"{escape(entry.text)}  [dim]{escape(entry.reason)}[/dim]")
        parents = {d: n for d, n in parents.items() if d < entry.depth}
        parents[entry.depth] = node
    console.print(tree)
    table = Table(show_lines=False, title=f"Blocks{'' if page is None else f' on page {page}'}")
    for name in ("#", "page", "verdict", "text", "why", "task"):
        table.add_column(name, overflow="fold")
    for block in blocks:
        where = str(block.block_index) + (f".{block.row_index}" if block.row_index is not None else "")
        why = block.reason + "".join(f"\n· {note}" for note in block.notes)
        style = _STYLES.get(block.verdict, "")
        table.add_row(
            where,
            "" if block.page is None else str(block.page),
            f"[{style}]{block.verdict}[/{style}]" if style else block.verdict,
            escape(block.text),
            escape(why),
            (block.task_id or "")[:8],
        )
    console.print(table)


def inspect(
    file: Annotated[Path, typer.Argument(help="a PDF (born-digital or scanned)")],
    page: Annotated[int, typer.Option("--page", "-p", min=1, help="page to draw (1-based)")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write")] = Path("page.png"),
    resolution: Annotated[int, typer.Option("--resolution", min=36, max=400, help="dots per inch")] = 110,
    convert: Annotated[
        bool, typer.Option("--convert", help="a Word file: print it to PDF with LibreOffice first")
    ] = False,
) -> None:
    """Draw a page of FILE with its words, ruling lines, table cells, column roles and the tasks found."""
    from pipeline.page_image import NeedsPdfError, draw_page

    if not file.is_file():
        err_console.print(f"[red]not a file:[/red] {file}")
        raise typer.Exit(2)
    with tempfile.TemporaryDirectory(prefix="nhiemvu-inspect-") as tmp:
        source = _as_pdf(file, Path(tmp)) if convert else file
        try:
            drawing = draw_page(source, page, out, resolution=resolution)
        except NeedsPdfError as err:
            err_console.print(
                f"[red]{escape(str(err))}[/red]; a DOCX has no pages to draw. Print it to PDF first "
                "(--convert does it with LibreOffice), or use `nhiemvu explain` on it."
            )
            raise typer.Exit(2) from None
        except ValueError as err:
            err_console.print(f"[red]{escape(str(err))}[/red]")
            raise typer.Exit(2) from None
    kind = "scanned page (OCR words)" if drawing.scanned else "page"
    err_console.print(
        f"wrote {out} ({drawing.size[0]}×{drawing.size[1]} px): {kind} {page}, {drawing.words} words, "
        f"{drawing.rulings} ruling lines, {drawing.cells} cells, {drawing.tasks} tasks"
    )
    for reason in drawing.skipped_tables:
        err_console.print(f"  {escape(reason)}")


def _as_pdf(file: Path, workdir: Path) -> Path:
    """The file printed to PDF by LibreOffice (headless, in `workdir`)."""
    from extractors.legacy import soffice_binary

    binary = soffice_binary()
    if binary is None:
        err_console.print("[red]--convert needs LibreOffice[/red] (apt-get install libreoffice-writer-nogui)")
        raise typer.Exit(2)
    cmd = [binary, "--headless", f"-env:UserInstallation=file://{workdir}/profile"]
    cmd += ["--convert-to", "pdf", "--outdir", str(workdir), str(file)]
    try:
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    except (subprocess.SubprocessError, OSError) as err:
        err_console.print(f"[red]LibreOffice could not print {file.name} to PDF:[/red] {escape(str(err))}")
        raise typer.Exit(3) from None
    pdf = workdir / (file.stem + ".pdf")
    if not pdf.is_file():
        err_console.print(f"[red]LibreOffice wrote no PDF for {file.name}[/red]")
        raise typer.Exit(3)
    return pdf


def register(app: typer.Typer) -> None:
    """Add `explain` and `inspect` to the `nhiemvu` app."""
    for command in (explain, inspect):
        app.command()(command)
