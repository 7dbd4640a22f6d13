"""Where every plan task stands: its latest reported status, and whether it is overdue.

A plan task takes the status of the report task linked to it in the latest report (by report date)
that gives one; a task no report mentions is `not_reported`. Overdue means: the deadline
(`deadline_end` of the plan task) is before the as-of date and the task is not completed — reported or
not. Recurring, ongoing and event deadlines have no end date, so they are never overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from pipeline.tracking.data import as_date
from pipeline.tracking.links import Link
from pipeline.tracking.words import tracking_words

PROGRESS_COLUMNS = [
    "plan_doc_id",
    "plan_number",
    "plan_date",
    "province",
    "plan_task_id",
    "section_path",
    "number",
    "text",
    "lead",
    "deadline_end",
    "status",
    "status_doc_id",
    "status_doc_number",
    "status_date",
    "report_task_id",
    "link_score",
    "reported",
    "overdue",
    "days_late",
    "as_of",
    "source_file",
    "source_path",
    "page",
    "table_index",
    "row_index",
]


def plan_documents(documents: Sequence[dict[str, Any]], pairs: Sequence[tuple[dict, dict]]) -> list[dict]:
    """Documents followed as plans: plan-like types, and every document a stored report reports on."""
    types = set(tracking_words()["plan_types"])
    followed = {plan["doc_id"] for _, plan in pairs}
    return [d for d in documents if d.get("doc_type") in types or d["doc_id"] in followed]


def _issued_by(report: dict[str, Any], as_of: date) -> bool:
    """A report dated after the as-of date did not exist yet (an undated one is taken as known)."""
    issued = as_date(report.get("doc_date"))
    return issued is None or issued <= as_of


def is_overdue(deadline_end: date | None, status: str | None, as_of: date) -> bool:
    """Due before `as_of` and not completed (never reported counts as not completed)."""
    return (
        deadline_end is not None
        and deadline_end < as_of
        and status not in tracking_words()["completed_statuses"]
    )


def plan_progress(
    plans: Sequence[dict[str, Any]],
    tasks: Sequence[dict[str, Any]],
    links: Sequence[Link],
    documents: Sequence[dict[str, Any]],
    as_of: date,
) -> list[dict[str, Any]]:
    """One row per task of every plan (see PROGRESS_COLUMNS)."""
    docs = {d["doc_id"]: d for d in documents}
    task_by_id = {t["task_id"]: t for t in tasks}
    reports_of: dict[str, list[Link]] = {}
    for link in links:
        if link.plan_task_id is not None:
            reports_of.setdefault(link.plan_task_id, []).append(link)
    not_reported = tracking_words()["not_reported_status"]
    rows = []
    plan_ids = {p["doc_id"] for p in plans}
    for task in tasks:
        if task["doc_id"] not in plan_ids:
            continue
        plan = docs[task["doc_id"]]
        status, source = not_reported, None
        candidates = [
            (
                as_date(docs[link.report_doc_id].get("doc_date")) or date.min,
                docs[link.report_doc_id].get("ingested_at") or "",
                link,
            )
            for link in reports_of.get(task["task_id"], [])
            if task_by_id.get(link.report_task_id, {}).get("status")
            and _issued_by(docs[link.report_doc_id], as_of)
        ]
        if candidates:
            _, _, source = max(candidates, key=lambda c: (c[0], c[1]))
            status = task_by_id[source.report_task_id]["status"]
        deadline = as_date(task.get("deadline_end"))
        overdue = is_overdue(deadline, status, as_of)
        report_doc = docs[source.report_doc_id] if source else None
        rows.append(
            {
                "plan_doc_id": plan["doc_id"],
                "plan_number": plan.get("doc_number"),
                "plan_date": as_date(plan.get("doc_date")),
                "province": plan.get("province"),
                "plan_task_id": task["task_id"],
                "section_path": list(task.get("section_path") or []),
                "number": task.get("number"),
                "text": task.get("text"),
                "lead": list(task.get("lead") or []),
                "deadline_end": deadline,
                "status": status,
                "status_doc_id": source.report_doc_id if source else None,
                "status_doc_number": report_doc.get("doc_number") if report_doc else None,
                "status_date": as_date(report_doc.get("doc_date")) if report_doc else None,
                "report_task_id": source.report_task_id if source else None,
                "link_score": source.score if source else None,
                "reported": task["task_id"] in reports_of,
                "overdue": overdue,
                "days_late": (as_of - deadline).days if overdue and deadline else None,
                "as_of": as_of,
                "source_file": plan.get("source_file"),
                "source_path": plan.get("source_path"),
                "page": task.get("page"),
                "table_index": task.get("table_index"),
                "row_index": task.get("row_index"),
            }
        )
    return rows
