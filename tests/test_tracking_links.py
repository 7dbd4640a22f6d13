"""Plan 444 and a report on it that rewords, shortens, reorders, regroups, drops and adds tasks.

Both were built with the corpus renderer (tests/fixtures/tracking/make_specs.py); a second plan (445)
repeats one of 444's tasks word for word, and its own report must never link to 444.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipeline.tracking import compute_tracking, refresh_tracking
from pipeline.tracking.links import link_report
from tests.tracking_helpers import PAIRS, PLAN_444, REPORT_35, build_store, expected_links, key, result


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = build_store(tmp_path_factory.mktemp("track") / "nhiemvu.duckdb", PAIRS)
    con = duckdb.connect(str(path))
    refresh_tracking(con, as_of=date(2026, 1, 20))
    yield con
    con.close()


def by_id(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def test_every_report_task_links_to_the_plan_task_it_reports_on(db):
    plan = {t["task_id"]: key(t) for t in by_id(db, "SELECT * FROM tasks")}
    report_doc = result(REPORT_35).record.doc_id
    links = {
        row["report_task_id"]: row
        for row in by_id(db, f"SELECT * FROM task_links WHERE report_doc_id = '{report_doc}'")
    }
    report_tasks = result(REPORT_35).tasks
    assert len(report_tasks) == len(expected_links()) == 24
    for task, expected in zip(report_tasks, expected_links(), strict=True):
        link = links[task.task_id]
        assert (plan.get(link["plan_task_id"]) if link["plan_task_id"] else None) == expected["plan"], (
            task.text
        )


def test_tasks_listed_under_nhiem_vu_phat_sinh_are_new_and_never_linked(db):
    record = result(REPORT_35).record
    assert record.new_task_rows == ["3:1", "3:2"]  # the fourth table, under "4. Nhiệm vụ phát sinh"
    unlinked = by_id(
        db, f"SELECT * FROM task_links WHERE report_doc_id = '{record.doc_id}' AND plan_task_id IS NULL"
    )
    assert len(unlinked) == 2
    assert all(row["method"] == "new" and not row["needs_review"] for row in unlinked)


def test_a_report_task_close_to_no_plan_task_stays_unlinked_and_is_flagged():
    plan = [t.__dict__ for t in result(PLAN_444).tasks]
    stray = {
        "task_id": "x",
        "text": "Tổ chức Ngày Pháp luật Việt Nam năm 2025",
        "lead": ["Văn phòng"],
        "status": "completed_on_time",
    }
    [link] = link_report([stray], plan, "r", "p")
    assert (link.plan_task_id, link.method, link.needs_review) == (None, "unlinked", True)
    assert link.score < 0.55


def test_a_report_never_links_to_another_plan(db):
    docs = {r["doc_id"]: r["doc_number"] for r in by_id(db, "SELECT doc_id, doc_number FROM documents")}
    pairs = {
        (docs[r["report_doc_id"]], docs[r["plan_doc_id"]])
        for r in by_id(db, "SELECT DISTINCT report_doc_id, plan_doc_id FROM task_links")
    }
    assert pairs == {("35/BC-UBND", "444/KH-UBND"), ("40/BC-UBND", "445/KH-UBND")}
    links_40 = by_id(
        db,
        "SELECT l.*, t.doc_id AS linked_doc FROM task_links l JOIN tasks t ON t.task_id = l.plan_task_id "
        "JOIN documents d ON d.doc_id = l.report_doc_id WHERE d.doc_number = '40/BC-UBND'",
    )
    assert [docs[r["linked_doc"]] for r in links_40] == ["445/KH-UBND"]


def test_links_are_one_to_one(db):
    rows = by_id(
        db, "SELECT plan_task_id, count(*) AS n FROM task_links WHERE plan_task_id IS NOT NULL GROUP BY 1"
    )
    assert max(r["n"] for r in rows) == 1


def progress(db, plan="444/KH-UBND"):
    return {key(r): r for r in by_id(db, f"SELECT * FROM plan_progress WHERE plan_number = '{plan}'")}


def test_every_plan_task_has_a_row_with_the_status_of_the_report(db):
    rows = progress(db)
    assert len(rows) == 42
    assert rows["B/II/1"]["status"] == "completed_on_time"
    assert rows["B/VI/1"]["status"] == "completed_early"  # the note "Hoàn thành trước hạn"
    assert rows["B/II/4"]["status"] == "in_progress_late"  # "Đang thực hiện, chậm so với kế hoạch"
    assert rows["B/VI/3"]["status"] == "not_started"
    assert rows["B/II/1"]["status_doc_id"] == result(REPORT_35).record.doc_id


def test_plan_tasks_the_report_does_not_mention_are_not_reported(db):
    reported = {e["plan"] for e in expected_links() if e["plan"]}
    rows = progress(db)
    never = {k for k, r in rows.items() if not r["reported"]}
    assert never == set(rows) - reported
    assert len(never) == 20
    assert {rows[k]["status"] for k in never} == {"not_reported"}


def test_overdue_means_due_before_the_as_of_date_and_not_completed(db):
    overdue = {k: (r["status"], r["days_late"]) for k, r in progress(db).items() if r["overdue"]}
    assert overdue == {
        "B/II/3": ("not_reported", 20),  # Tháng 12/2025, never reported
        "B/II/4": ("in_progress_late", 20),  # Quý IV/2025, still in progress, "chậm so với kế hoạch"
        "B/II/6": ("not_started", 20),  # Trước ngày 31/12/2025
        "B/II/8": ("not_reported", 51),  # Tháng 11/2025
    }
    # B/I/1 (Tháng 9/2025) is completed: not overdue. Plan 445's second task was never reported.
    assert {k: r["days_late"] for k, r in progress(db, "445/KH-UBND").items() if r["overdue"]} == {"II/2": 20}


def test_a_report_issued_after_the_as_of_date_does_not_count_yet(db):
    tracking = compute_tracking(db, as_of=date(2025, 12, 15), families=False)
    rows = {key(r): r for r in tracking.progress if r["plan_number"] == "444/KH-UBND"}
    overdue = {k: (r["status"], r["days_late"]) for k, r in rows.items() if r["overdue"]}
    assert overdue == {"B/I/1": ("not_reported", 76), "B/II/8": ("not_reported", 15)}


def test_summaries_per_plan_and_per_lead_agency(db):
    [plan] = by_id(db, "SELECT * FROM plan_progress_by_plan WHERE plan_number = '444/KH-UBND'")
    assert (plan["tasks"], plan["completed"], plan["in_progress"], plan["not_started"]) == (42, 8, 10, 4)
    assert (plan["not_reported"], plan["overdue"], plan["max_days_late"]) == (20, 4, 51)
    agencies = {
        r["agency"]: r["overdue"]
        for r in by_id(db, "SELECT * FROM plan_progress_by_agency WHERE plan_number = '444/KH-UBND'")
    }
    assert agencies["Sở Nội vụ"] == 1 and agencies["Sở Tư pháp"] == 1


def test_a_reprint_of_the_plan_without_status_does_not_take_the_status_rows_links():
    plan = [t.__dict__ for t in result(PLAN_444).tasks]
    report = [t.__dict__ for t in result(REPORT_35).tasks]
    reprint = [{**t, "task_id": "copy-" + t["task_id"], "status": None, "status_raw": None} for t in plan]
    links = link_report(report + reprint, plan, "r", "p")
    linked = {link.report_task_id: link.plan_task_id for link in links}
    assert all(linked["copy-" + t["task_id"]] == t["task_id"] for t in plan)
    assert sum(linked[t["task_id"]] is not None for t in report) == 22


def test_the_same_answers_when_the_store_keeps_dates_as_dates(tmp_path):
    con = duckdb.connect(str(build_store(tmp_path / "typed.duckdb", PAIRS)))
    con.execute("DROP INDEX documents_sha256")
    con.execute("DROP INDEX tasks_doc_id")
    for table, column in (("tasks", "deadline_end"), ("documents", "doc_date")):
        con.execute(f"ALTER TABLE {table} ALTER {column} TYPE DATE USING TRY_CAST({column} AS DATE)")
    con.execute(
        "ALTER TABLE documents ALTER ingested_at TYPE TIMESTAMPTZ USING CAST(ingested_at AS TIMESTAMPTZ)"
    )
    tracking = refresh_tracking(con, as_of=date(2026, 1, 20))
    overdue = sorted(key(r) for r in tracking.progress if r["overdue"] and r["plan_number"] == "444/KH-UBND")
    assert overdue == ["B/II/3", "B/II/4", "B/II/6", "B/II/8"]
    con.close()


def test_a_row_without_status_does_not_claim_a_plan_task_a_status_row_reports_on():
    plan = [t.__dict__ for t in result(PLAN_444).tasks]
    report = [t.__dict__ for t in result(REPORT_35).tasks]
    # the same reworded row again, its result cell left empty: it must not become a second link
    echo = {**report[0], "task_id": "echo", "status": None, "status_raw": None}
    links = {link.report_task_id: link for link in link_report([*report, echo], plan, "r", "p")}
    assert links[report[0]["task_id"]].plan_task_id is not None
    assert links["echo"].plan_task_id is None and links["echo"].needs_review
