"""The tracking tables in the DuckDB store: `task_links`, `plan_progress` (+ two summary views),
`task_families`. Recomputed from `documents` and `tasks` as a whole, in one transaction, so they never
disagree with the tasks they describe.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from pipeline.tracking.data import load_documents, load_tasks
from pipeline.tracking.links import LINK_COLUMNS, Link, link_report
from pipeline.tracking.pairing import report_plan_pairs
from pipeline.tracking.progress import PROGRESS_COLUMNS, plan_documents, plan_progress

SCHEMAS: dict[str, dict[str, str]] = {
    "task_links": {
        "report_task_id": "VARCHAR",
        "plan_task_id": "VARCHAR",
        "score": "DOUBLE",
        "method": "VARCHAR",
        "report_doc_id": "VARCHAR",
        "plan_doc_id": "VARCHAR",
        "needs_review": "BOOLEAN",
        "reason": "VARCHAR",
    },
    "plan_progress": {
        "plan_doc_id": "VARCHAR",
        "plan_number": "VARCHAR",
        "plan_date": "DATE",
        "province": "VARCHAR",
        "plan_task_id": "VARCHAR",
        "section_path": "VARCHAR[]",
        "number": "VARCHAR",
        "text": "VARCHAR",
        "lead": "VARCHAR[]",
        "deadline_end": "DATE",
        "status": "VARCHAR",
        "status_doc_id": "VARCHAR",
        "status_doc_number": "VARCHAR",
        "status_date": "DATE",
        "report_task_id": "VARCHAR",
        "link_score": "DOUBLE",
        "reported": "BOOLEAN",
        "overdue": "BOOLEAN",
        "days_late": "INTEGER",
        "as_of": "DATE",
        "source_file": "VARCHAR",
        "source_path": "VARCHAR",
        "page": "INTEGER",
        "table_index": "INTEGER",
        "row_index": "INTEGER",
    },
    "task_families": {
        "family_id": "VARCHAR",
        "resolution": "VARCHAR",
        "task_id": "VARCHAR",
        "doc_id": "VARCHAR",
        "province": "VARCHAR",
        "lead": "VARCHAR[]",
        "lead_kinds": "VARCHAR[]",
        "text": "VARCHAR",
        "score": "DOUBLE",
        "family_size": "INTEGER",
        "family_provinces": "INTEGER",
        "family_label": "VARCHAR",
    },
}
assert list(SCHEMAS["task_links"]) == LINK_COLUMNS
assert list(SCHEMAS["plan_progress"]) == PROGRESS_COLUMNS

_STATUS_COUNTS = """
    count(*) AS tasks,
    count(*) FILTER (WHERE status LIKE 'completed%') AS completed,
    count(*) FILTER (WHERE status LIKE 'in_progress%') AS in_progress,
    count(*) FILTER (WHERE status = 'not_started') AS not_started,
    count(*) FILTER (WHERE status = 'not_due') AS not_due,
    count(*) FILTER (WHERE NOT reported) AS not_reported,
    count(*) FILTER (WHERE overdue) AS overdue,
    max(days_late) AS max_days_late
"""
VIEWS = {
    "plan_progress_by_plan": f"""
        SELECT plan_doc_id, plan_number, plan_date, province, {_STATUS_COUNTS}
        FROM plan_progress GROUP BY ALL ORDER BY province, plan_number""",
    "plan_progress_by_agency": f"""
        SELECT plan_number, province, agency, {_STATUS_COUNTS}
        FROM (SELECT *, UNNEST(CASE WHEN len(lead) = 0 THEN ['(không rõ)'] ELSE lead END) AS agency
              FROM plan_progress)
        GROUP BY ALL ORDER BY overdue DESC, agency""",
}


@dataclass
class Tracking:
    """Everything the tracking stage computes from the store's documents and tasks."""

    documents: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    links: list[Link] = field(default_factory=list)
    progress: list[dict[str, Any]] = field(default_factory=list)
    families: list[dict[str, Any]] = field(default_factory=list)

    def frame(self, name: str) -> pd.DataFrame:
        rows = {
            "task_links": [asdict(link) for link in self.links],
            "plan_progress": self.progress,
            "task_families": self.families,
        }[name]
        frame = pd.DataFrame(rows, columns=list(SCHEMAS[name]))
        for col, sql in SCHEMAS[name].items():
            if sql == "INTEGER":  # keep whole numbers whole where some rows have none
                frame[col] = frame[col].astype("Int64")
        return frame


def compute_links(documents: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> list[Link]:
    """Links of every stored report whose plan is stored, each report against its own plan only."""
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for task in tasks:
        by_doc.setdefault(task["doc_id"], []).append(task)
    links: list[Link] = []
    for report, plan in report_plan_pairs(documents):
        links.extend(
            link_report(
                by_doc.get(report["doc_id"], []),
                by_doc.get(plan["doc_id"], []),
                report["doc_id"],
                plan["doc_id"],
                new_rows=report.get("new_task_rows") or (),
            )
        )
    return links


def compute_tracking(
    con: duckdb.DuckDBPyConnection, as_of: date | None = None, families: bool = True
) -> Tracking:
    """Links, progress as of `as_of` (default today) and, if asked, families, without writing anything."""
    from pipeline.tracking.families import all_families

    as_of = as_of or date.today()
    documents, tasks = load_documents(con), load_tasks(con)
    result = Tracking(documents, tasks)
    result.links = compute_links(documents, tasks)
    pairs = report_plan_pairs(documents)
    result.progress = plan_progress(plan_documents(documents, pairs), tasks, result.links, documents, as_of)
    if families:
        result.families = all_families(documents, tasks)
    return result


def _replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
    body = ", ".join(f"{col} {sql}" for col, sql in SCHEMAS[name].items())
    con.execute(f"CREATE OR REPLACE TABLE {name} ({body})")
    if len(frame):
        con.register("_tracking_frame", frame)
        try:
            con.execute(f"INSERT INTO {name} SELECT * FROM _tracking_frame")
        finally:
            con.unregister("_tracking_frame")


def write_tracking(con: duckdb.DuckDBPyConnection, tracking: Tracking) -> None:
    """Replace the tracking tables and views in one transaction."""
    con.begin()
    try:
        for name in SCHEMAS:
            _replace_table(con, name, tracking.frame(name))
        for name, sql in VIEWS.items():
            con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
        con.commit()
    except BaseException:
        con.rollback()
        raise


def refresh_tracking(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> Tracking:
    """Recompute links, progress and families from the store and write them back (after each ingest)."""
    tracking = compute_tracking(con, as_of)
    write_tracking(con, tracking)
    return tracking
