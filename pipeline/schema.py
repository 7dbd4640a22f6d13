"""One declared schema for every table, used by the DuckDB store and by every export.

Without it the types followed the data: dates were text (Excel and pandas could not filter by date) and
Parquet guessed per file (`review_reasons: list<null>`, an empty export all-null). Here each column has
one logical type; `duckdb_type` and `arrow_schema` derive the store's and Parquet's types from it, and
`typed_frame` turns a frame of model values (ISO strings for dates) into real dates and timestamps for
Parquet and XLSX. JSONL and CSV keep ISO strings, which is what text readers expect.

Timestamps are UTC, without a zone (Excel has no zone-aware type).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa

from pipeline.model import DocumentRecord, Task

STR, INT, DOUBLE, BOOL, DATE, TIMESTAMP, LIST = "str", "int", "double", "bool", "date", "timestamp", "list"

_DUCKDB = {
    STR: "VARCHAR",
    INT: "INTEGER",
    DOUBLE: "DOUBLE",
    BOOL: "BOOLEAN",
    DATE: "DATE",
    TIMESTAMP: "TIMESTAMP",
    LIST: "VARCHAR[]",
}
_ARROW = {
    STR: pa.string(),
    INT: pa.int32(),
    DOUBLE: pa.float64(),
    BOOL: pa.bool_(),
    DATE: pa.date32(),
    TIMESTAMP: pa.timestamp("us"),
    LIST: pa.list_(pa.string()),
}

# Columns whose model value is an ISO string but whose meaning is a date or a moment.
DATE_COLUMNS = frozenset({"doc_date", "deadline_start", "deadline_end"})
TIMESTAMP_COLUMNS = frozenset(
    {"ingested_at", "started_at", "finished_at", "first_seen", "last_seen", "corrected_at"}
)


def _logical(name: str, annotation: Any) -> str:
    if name in DATE_COLUMNS:
        return DATE
    if name in TIMESTAMP_COLUMNS:
        return TIMESTAMP
    text = str(annotation)
    for word, kind in (("list", LIST), ("bool", BOOL), ("float", DOUBLE), ("int", INT)):
        if word in text:
            return kind
    return STR


def _from_model(model: type, extra: dict[str, str]) -> dict[str, str]:
    cols = {f.name: _logical(f.name, f.type) for f in fields(model)}
    cols.update(extra)
    return cols


# Beside the contract's columns: where the file was read from, which run stored it, whether it is still
# in the source folder, and the task's position in its document (so exports keep the document's order).
TASKS = _from_model(Task, {"seq": INT})
DOCUMENTS = _from_model(DocumentRecord, {"source_path": STR, "run_id": STR, "removed": BOOL})
# One row per file path (a document is one row per content): where each copy is, since when, and
# whether it is still there.
FILES = {"source_path": STR, "sha256": STR, "first_seen": TIMESTAMP, "last_seen": TIMESTAMP, "removed": BOOL}
# What the documents export adds from `files`, and which document a duplicate copy gave way to.
DOCUMENT_EXPORT = {
    **DOCUMENTS,
    "paths": LIST,
    "copies": INT,
    "first_seen": TIMESTAMP,
    "last_seen": TIMESTAMP,
    "duplicate_of": STR,
    "exported": BOOL,
}
RUNS = {
    "run_id": STR,
    "started_at": TIMESTAMP,
    "finished_at": TIMESTAMP,
    "source_dir": STR,
    "files_new": INT,
    "files_replaced": INT,
    "files_skipped": INT,
    "files_failed": INT,
    "files_removed": INT,
    "tasks_added": INT,
    "needs_review": INT,
    "errors": LIST,
    "notes": LIST,
    "files_reread": INT,
    "corrections_orphaned": LIST,
}
# An analyst's corrections from the review sheet (`pipeline.corrections`), kept forever: one row per
# changed cell ("edit"), per row marked not a task ("reject") or back ("restore"), confirmed as right
# ("confirm") or added ("add"). Values are JSON. `orphaned`: its task is no longer in the store.
CORRECTIONS = {
    "correction_id": STR,
    "seq": INT,
    "task_id": STR,
    "doc_id": STR,
    "source_file": STR,
    "kind": STR,
    "field": STR,
    "old_value": STR,
    "new_value": STR,
    "who": STR,
    "corrected_at": TIMESTAMP,
    "orphaned": BOOL,
}
STORED: dict[str, dict[str, str]] = {
    "documents": DOCUMENTS,
    "tasks": TASKS,  # what the pipeline extracted, never edited
    "tasks_reviewed": TASKS,  # the same with the corrections applied: what every export shows
    "files": FILES,
    "runs": RUNS,
    "corrections": CORRECTIONS,
}
# For typing values: the exports' documents carry the extra columns.
TABLES: dict[str, dict[str, str]] = {**STORED, "documents": DOCUMENT_EXPORT}


def duckdb_type(kind: str) -> str:
    return _DUCKDB[kind]


def arrow_schema(columns: list[str], table: str) -> pa.Schema:
    """The Parquet schema of `columns` (a column the table does not declare is text)."""
    declared = TABLES[table]
    return pa.schema([pa.field(c, _ARROW[declared.get(c, STR)]) for c in columns])


# -- values ---------------------------------------------------------------------------------------------


def to_date(value: object) -> date | None:
    """An ISO date string (or date) as a date; None for blanks and for text that is no date."""
    if value is None or value is pd.NA or isinstance(value, float):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def to_timestamp(value: object) -> datetime | None:
    """An ISO moment (any zone) as a naive UTC datetime, as DuckDB's TIMESTAMP and Excel hold it."""
    if value is None or value is pd.NA or isinstance(value, float):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def iso_date(value: object) -> str | None:
    """Back from the store: a DATE as the model's ISO string."""
    if value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else value  # type: ignore[return-value]


def iso_timestamp(value: object) -> str | None:
    """Back from the store: a naive UTC TIMESTAMP as the model's ISO string with its zone."""
    if value is pd.NaT:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).isoformat(timespec="seconds")
    return value  # type: ignore[return-value]


def to_store(name: str, value: object, table: str) -> object:
    """A model value as the store's column wants it."""
    kind = TABLES[table].get(name)
    if kind == DATE:
        return to_date(value)
    if kind == TIMESTAMP:
        return to_timestamp(value)
    return value


def from_store(name: str, value: object, table: str) -> object:
    """A store value as the model holds it (ISO strings for dates and moments)."""
    kind = TABLES[table].get(name)
    if kind == DATE:
        return iso_date(value)
    if kind == TIMESTAMP:
        return iso_timestamp(value)
    return value


def typed_frame(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Dates as dates and moments as datetimes (for Parquet and XLSX); other columns unchanged."""
    typed = frame.copy()
    declared = TABLES[table]
    for col in typed.columns:
        kind = declared.get(col)
        if kind == DATE:
            typed[col] = pd.Series([to_date(v) for v in typed[col]], index=typed.index, dtype=object)
        elif kind == TIMESTAMP:
            typed[col] = pd.to_datetime(pd.Series([to_timestamp(v) for v in typed[col]], index=typed.index))
        elif kind == LIST:
            typed[col] = typed[col].map(lambda v: list(v) if isinstance(v, list | tuple) else [])
    return typed


def to_arrow(frame: pd.DataFrame, table: str) -> pa.Table:
    """The frame as an Arrow table of the declared schema, whatever the rows (an empty one too)."""
    typed = typed_frame(frame, table)
    schema = arrow_schema(list(typed.columns), table)
    arrays = []
    for fld in schema:
        values = [None if _missing(v) else v for v in typed[fld.name].tolist()]
        arrays.append(pa.array(values, type=fld.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)
