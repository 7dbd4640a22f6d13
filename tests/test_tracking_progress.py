"""Where a plan task stands when several reports speak of it (pure functions, no store)."""

from __future__ import annotations

from datetime import date

from pipeline.tracking.links import Link
from pipeline.tracking.progress import is_overdue, plan_progress

PLAN = {"doc_id": "plan", "doc_type": "ke_hoach", "doc_number": "12/KH-UBND", "doc_date": date(2026, 1, 5)}
Q1 = {"doc_id": "q1", "doc_type": "bao_cao", "doc_date": date(2026, 4, 2)}
Q2 = {"doc_id": "q2", "doc_type": "bao_cao", "doc_date": date(2026, 7, 3)}
TASKS = [
    {
        "task_id": "p1",
        "doc_id": "plan",
        "text": "Ban hành quy chế",
        "deadline_end": "2026-06-30",
        "lead": ["Sở Nội vụ"],
    },
    {"task_id": "p2", "doc_id": "plan", "text": "Tổng kết", "deadline_end": "2026-12-31", "lead": []},
    {"task_id": "r1", "doc_id": "q1", "text": "Ban hành quy chế", "status": "in_progress_on_time"},
    {"task_id": "r2", "doc_id": "q2", "text": "Ban hành quy chế", "status": "completed_late"},
]
LINKS = [
    Link("r1", "p1", 0.9, "matched", "q1", "plan", False, None),
    Link("r2", "p1", 0.9, "matched", "q2", "plan", False, None),
]


def rows(as_of: date) -> dict[str, dict]:
    return {r["plan_task_id"]: r for r in plan_progress([PLAN], TASKS, LINKS, [PLAN, Q1, Q2], as_of)}


def test_the_latest_report_gives_the_status():
    row = rows(date(2026, 8, 1))["p1"]
    assert (row["status"], row["status_doc_id"], row["overdue"]) == ("completed_late", "q2", False)


def test_as_of_a_date_between_the_reports_the_earlier_one_counts():
    row = rows(date(2026, 7, 1))["p1"]
    assert (row["status"], row["status_doc_id"], row["overdue"], row["days_late"]) == (
        "in_progress_on_time",
        "q1",
        True,
        1,
    )


def test_a_task_no_report_mentions_is_not_reported_and_late_once_due():
    assert rows(date(2026, 8, 1))["p2"]["status"] == "not_reported"
    assert rows(date(2027, 1, 10))["p2"]["days_late"] == 10


def test_overdue_rule():
    assert is_overdue(date(2026, 1, 1), "not_started", date(2026, 1, 2))
    assert not is_overdue(date(2026, 1, 1), "completed_early", date(2026, 3, 1))
    assert not is_overdue(date(2026, 1, 2), None, date(2026, 1, 2))  # due that day: not late yet
    assert not is_overdue(None, "not_started", date(2030, 1, 1))  # recurring or ongoing: no end date
