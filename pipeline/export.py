"""Write the task and document tables to the formats analysts and other tools read.

Every file is written to a temporary name beside its target and renamed, so a reader never sees
half a file. CSV carries a BOM so Excel shows the diacritics.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pipeline.cells import escape_frame
from pipeline.model import DOCUMENT_COLUMNS, TASK_COLUMNS, DocumentRecord, Task

LIST_COLUMNS = ("section_path", "lead", "support", "review_reasons")
EXPORT_FORMATS = ("jsonl", "csv", "parquet", "xlsx")


INT_COLUMNS = ("page", "table_index", "row_index", "pages", "task_count")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Integer columns with gaps stay integers (pandas' nullable Int64), not floats."""
    for col in INT_COLUMNS:
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def tasks_frame(tasks: Iterable[Task]) -> pd.DataFrame:
    return _typed(pd.DataFrame([asdict(t) for t in tasks], columns=TASK_COLUMNS))


def documents_frame(records: Iterable[DocumentRecord]) -> pd.DataFrame:
    return _typed(pd.DataFrame([asdict(r) for r in records], columns=DOCUMENT_COLUMNS))


def _atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _jsonable(value: object) -> object:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if value is pd.NA or (isinstance(value, float) and value != value):
        return None
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


def write_parquet(frame: pd.DataFrame, target: Path) -> None:
    _atomic_write(target, lambda tmp: frame.to_parquet(tmp, index=False))


def write_xlsx(frame: pd.DataFrame, target: Path, sheet: str = "tasks") -> None:
    """A sheet an analyst can use at once: frozen header, filters, readable column widths."""

    def write(tmp: Path) -> None:
        flat = escape_frame(_flat(frame))
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            flat.to_excel(writer, index=False, sheet_name=sheet)
            ws = writer.sheets[sheet]
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            for idx, col in enumerate(flat.columns, start=1):
                longest = max([len(str(col))] + [len(str(v)) for v in flat[col].head(200) if v is not None])
                ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = min(
                    max(10, longest + 2), 60
                )

    _atomic_write(target, write)


def non_empty_rows(target: Path) -> int:
    """How many rows an existing JSONL export holds (0 when there is none), so a run can refuse to empty it."""
    try:
        with target.open("rb") as f:
            return sum(1 for line in f if line.strip())
    except FileNotFoundError:
        return 0


WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "jsonl": write_jsonl,
    "csv": write_csv,
    "parquet": write_parquet,
    "xlsx": write_xlsx,
}


def write_exports(
    tasks: pd.DataFrame, documents: pd.DataFrame, out_dir: Path, formats: Iterable[str] = EXPORT_FORMATS
) -> list[Path]:
    """Write tasks.<fmt> for every format and documents.jsonl; return the paths written."""
    out_dir = Path(out_dir)
    written = []
    for fmt in formats:
        target = out_dir / f"tasks.{fmt}"
        WRITERS[fmt](tasks, target)
        written.append(target)
    documents_target = out_dir / "documents.jsonl"
    write_jsonl(documents, documents_target)
    written.append(documents_target)
    return written
