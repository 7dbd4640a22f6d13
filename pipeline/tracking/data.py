"""Reading documents and tasks out of the store as plain rows, whatever the store's column types.

Dates may be stored as ISO strings or as DATE; `TRY_CAST(… AS DATE)` reads both, and a column a
store does not have yet (an older file) reads as NULL.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import duckdb

from pipeline.tracking.refs import number_key

DOC_FIELDS = {
    "doc_id": "doc_id",
    "source_file": "source_file",
    "source_path": "source_path",
    "doc_type": "doc_type",
    "doc_number": "doc_number",
    "doc_date": "TRY_CAST(doc_date AS DATE)",
    "province": "province",
    "issuer": "issuer",
    "title": "title",
    "refers_to": "refers_to",
    "cites": "cites",
    "new_task_rows": "new_task_rows",
    "ingested_at": "CAST(ingested_at AS VARCHAR)",
}
TASK_FIELDS = {
    "task_id": "task_id",
    "doc_id": "doc_id",
    "seq": "seq",
    "section_path": "section_path",
    "number": "number",
    "text": "text",
    "lead": "lead",
    "support": "support",
    "output": "output",
    "timeframe_raw": "timeframe_raw",
    "deadline_kind": "deadline_kind",
    "deadline_end": "TRY_CAST(deadline_end AS DATE)",
    "status_raw": "status_raw",
    "status": "status",
    "page": "page",
    "table_index": "table_index",
    "row_index": "row_index",
    "province": "province",
}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}


def _select(con: duckdb.DuckDBPyConnection, table: str, fields: dict[str, str], where: str) -> list[dict]:
    have = _columns(con, table)
    parts = []
    for name, expr in fields.items():
        source = expr.split("(")[-1].split()[0] if "(" in expr else expr
        parts.append(f"{expr} AS {name}" if source in have else f"NULL AS {name}")
    cur = con.execute(f"SELECT {', '.join(parts)} FROM {table} {where}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def load_documents(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Documents read successfully, with `refers_to` parsed and `number_key` added."""
    docs = _select(con, "documents", DOC_FIELDS, "WHERE status = 'ok'")
    for doc in docs:
        doc["refers_to"] = json.loads(doc["refers_to"]) if doc["refers_to"] else None
        doc["cites"] = list(doc["cites"] or [])
        doc["new_task_rows"] = set(doc["new_task_rows"] or [])
        doc["number_key"] = number_key(doc["doc_number"])
    return docs


def _tasks_table(con: duckdb.DuckDBPyConnection) -> str:
    """The reviewed tasks (analysts' corrections applied) where the store has them, else the extracted."""
    tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return "tasks_reviewed" if "tasks_reviewed" in tables else "tasks"


def load_tasks(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every task of a document read successfully, in document order, as the analysts corrected it."""
    tasks = _select(
        con,
        _tasks_table(con),
        TASK_FIELDS,
        "WHERE doc_id IN (SELECT doc_id FROM documents WHERE status = 'ok') ORDER BY doc_id, seq",
    )
    for task in tasks:
        for name in ("section_path", "lead", "support"):
            task[name] = list(task[name] or [])
    return tasks


def as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
