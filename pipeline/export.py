"""Write the task and document tables to the formats analysts and other tools read.

One export is one snapshot: every file is first written into a staging folder beside the targets, then
renamed into place, and `manifest.json` (written last) names the run, the files, their rows and sha256,
so a reader can tell that all files come from the same run. A run killed half-way leaves the old set
(and at worst a staging folder, removed by the next export).

Types follow `pipeline.schema`: Parquet and XLSX hold real dates and timestamps, JSONL and CSV ISO text.
CSV carries a BOM so Excel shows the diacritics; CSV and XLSX cells that look like formulas are escaped
(`pipeline.cells`). Files get the permissions the umask allows, like any other tool's output.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline import schema
from pipeline.base import file_sha256
from pipeline.cells import escape_frame
from pipeline.model import DOCUMENT_COLUMNS, TASK_COLUMNS, DocumentRecord, Task

LIST_COLUMNS = (
    "section_path",
    "lead",
    "support",
    "review_reasons",
    "corrected_fields",
    "paths",
    "errors",
    "notes",
)
EXPORT_FORMATS = ("jsonl", "csv", "parquet", "xlsx")
MANIFEST = "manifest.json"
STAGING_PREFIX = ".export-"
STALE_SECONDS = 3600  # a staging folder or temporary file this old belongs to a run that died

INT_COLUMNS = ("page", "table_index", "row_index", "pages", "task_count", "copies")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer columns with gaps stay integers (pandas' nullable Int64), not floats."""
    for col in INT_COLUMNS:
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def tasks_frame(tasks: Iterable[Task]) -> pd.DataFrame:
    return _typed(pd.DataFrame([asdict(t) for t in tasks], columns=TASK_COLUMNS))


def documents_frame(records: Iterable[DocumentRecord] | pd.DataFrame) -> pd.DataFrame:
    """The documents table: the contract's columns first, then any the store adds (paths, removed …)."""
    if isinstance(records, pd.DataFrame):
        frame = records.copy()
        extra = [c for c in frame.columns if c not in DOCUMENT_COLUMNS]
        return _typed(frame.reindex(columns=DOCUMENT_COLUMNS + extra))
    return _typed(pd.DataFrame([asdict(r) for r in records], columns=DOCUMENT_COLUMNS))


# -- files ----------------------------------------------------------------------------------------------


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def share_like_umask(path: Path) -> None:
    """`mkstemp` creates 0600 files; give the file the permissions any other tool's output would have."""
    os.chmod(path, 0o666 & ~current_umask())


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        share_like_umask(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _jsonable(value: object) -> object:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return schema.iso_timestamp(schema.to_timestamp(value))
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_jsonl(frame: pd.DataFrame, target: Path) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8") as f:
            for row in frame.to_dict("records"):
                f.write(json.dumps({k: _jsonable(v) for k, v in row.items()}, ensure_ascii=False) + "\n")

    _atomic_write(target, write)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists become "a | b" so spreadsheets show one readable cell."""
    flat = frame.copy()
    for col in LIST_COLUMNS:
        if col in flat:
            flat[col] = flat[col].map(lambda v: " | ".join(v) if isinstance(v, list) else v)
    return flat


def write_csv(frame: pd.DataFrame, target: Path) -> None:
    safe = escape_frame(_flat(frame))
    _atomic_write(target, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8-sig"))


def _table_of(frame: pd.DataFrame) -> str:
    return "tasks" if "task_id" in frame.columns else "documents"


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    """Parquet of the declared schema: the same types whatever the rows, an empty file too."""
    import pyarrow.parquet as pq

    table = schema.to_arrow(frame, _table_of(frame))
    _atomic_write(target, lambda tmp: pq.write_table(table, tmp))


# xlsxwriter streams rows to disk (memory flat in the number of rows) and writes a cell several times
# faster than openpyxl; text is always written as text, never read as a formula, a link or a number.
_XLSX_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}
_XLSX_FORMATS = {schema.DATE: "yyyy-mm-dd", schema.TIMESTAMP: "yyyy-mm-dd hh:mm:ss"}


def _width(kind: str | None, title: str, values: pd.Series) -> float:
    """Readable column widths: dates fit, text up to 60 characters wide (from the first 200 rows)."""
    if kind == schema.DATE:
        return 12
    if kind == schema.TIMESTAMP:
        return 20
    longest = max([len(title)] + [len(str(v)) for v in values.head(200) if v is not None])
    return min(max(10, longest + 2), 60)


def _write_cell(ws: Worksheet, row: int, col: int, value: object, cell_format: Format | None) -> None:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return
    if isinstance(value, bool | np.bool_):
        ws.write_boolean(row, col, bool(value))
    elif isinstance(value, int | float | np.integer | np.floating):
        ws.write_number(row, col, value)
    elif isinstance(value, datetime | date):
        ws.write_datetime(row, col, value, cell_format)
    else:
        ws.write_string(row, col, str(value))


def _sheet(book: xlsxwriter.Workbook, frame: pd.DataFrame, name: str) -> None:
    """One sheet an analyst can use at once: real dates, frozen header, filters, readable widths."""
    table = _table_of(frame)
    flat = escape_frame(_flat(schema.typed_frame(frame, table)))
    ws = book.add_worksheet(name)
    header = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "top"})
    formats: list[Format | None] = []
    for idx, col in enumerate(flat.columns):
        kind = schema.TABLES[table].get(col)
        formats.append(
            book.add_format({"num_format": _XLSX_FORMATS[kind]}) if kind in _XLSX_FORMATS else None
        )
        ws.set_column(idx, idx, _width(kind, str(col), flat[col]))
        ws.write_string(0, idx, str(col), header)
    for row, values in enumerate(flat.itertuples(index=False, name=None), start=1):
        for col, value in enumerate(values):
            _write_cell(ws, row, col, value, formats[col])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(flat), max(0, len(flat.columns) - 1))


def write_xlsx(frame: pd.DataFrame, target: Path, documents: pd.DataFrame | None = None) -> None:
    """tasks.xlsx: a `tasks` sheet, and a `documents` sheet when the documents are given."""

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), _XLSX_OPTIONS)
        try:
            _sheet(book, frame, "tasks")
            if documents is not None:
                _sheet(book, documents, "documents")
        finally:
            book.close()

    _atomic_write(target, write)


WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
    "xlsx": write_xlsx,
}


def non_empty_rows(target: Path) -> int:
    """How many rows an existing JSONL export holds (0 when there is none), so a run can refuse to empty it."""
    try:
        with target.open("rb") as f:
            return sum(1 for line in f if line.strip())
    except FileNotFoundError:
        return 0


# -- one snapshot ---------------------------------------------------------------------------------------


def remove_stale(out_dir: Path, older_than: float = STALE_SECONDS) -> list[Path]:
    """Staging folders and temporary files left by an export that was killed (older than an hour)."""
    removed = []
    limit = time.time() - older_than
    for path in out_dir.glob(".*"):
        if not (path.name.startswith(STAGING_PREFIX) or path.name.endswith(".tmp")):
            continue
        try:
            if path.lstat().st_mtime > limit:
                continue
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def write_exports(
    tasks: pd.DataFrame,
    documents: pd.DataFrame,
    out_dir: Path,
    formats: Iterable[str] = EXPORT_FORMATS,
    run_id: str | None = None,
    manifest_extra: dict[str, object] | None = None,
) -> list[Path]:
    """Write tasks.<fmt> for every format, documents.jsonl (and .parquet with parquet), then the manifest.

    `manifest_extra` adds sections to the manifest (the store's corrections). Returns the paths
    written, the manifest last.
    """
    out_dir, formats = Path(out_dir), list(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    try:
        rows: dict[str, int] = {}
        for fmt in formats:
            name = f"tasks.{fmt}"
            if fmt == "xlsx":
                write_xlsx(tasks, staging / name, documents)
            else:
                WRITERS[fmt](tasks, staging / name)
            rows[name] = len(tasks)
        write_jsonl(documents, staging / "documents.jsonl")
        rows["documents.jsonl"] = len(documents)
        if "parquet" in formats:
            write_parquet(documents, staging / "documents.parquet")
            rows["documents.parquet"] = len(documents)
        manifest = {
            "run_id": run_id,
            "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {
                name: {
                    "rows": n,
                    "bytes": (staging / name).stat().st_size,
                    "sha256": file_sha256(staging / name),
                }
                for name, n in rows.items()
            },
            "left_out": _left_out(documents),
            **(manifest_extra or {}),
        }
        written = []
        for name in sorted(rows, key=_replace_order):
            _swap_in(staging / name, out_dir / name)
            written.append(out_dir / name)
        target = out_dir / MANIFEST
        _atomic_write(target, lambda tmp: tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2)))
        written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _replace_order(name: str) -> int:
    """Spreadsheets first: a file open in Excel cannot be replaced on Windows, and when that fails
    before anything else was swapped in, the previous export is left whole."""
    return 0 if name.endswith(".xlsx") else 1 if name.endswith(".csv") else 2


def _swap_in(staged: Path, target: Path) -> None:
    try:
        os.replace(staged, target)
    except PermissionError as err:
        raise PermissionError(
            err.errno,
            f"{target.name} is open in another program (Excel?); close it and export again",
            str(target),
        ) from err


def _left_out(documents: pd.DataFrame) -> list[dict[str, object]]:
    """The documents whose tasks the export left out, and why (a removed file, a duplicate copy)."""
    if "exported" not in documents:
        return []
    out = []
    for row in documents.loc[~documents["exported"].astype(bool)].to_dict("records"):
        if row.get("status") != "ok":
            continue
        reason = (
            f"duplicate of {row['duplicate_of']}"
            if row.get("duplicate_of")
            else "removed from the source folder"
        )
        out.append({"doc_id": row["doc_id"], "source_file": row["source_file"], "reason": reason})
    return out
