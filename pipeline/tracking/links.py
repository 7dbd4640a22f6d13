"""Link each task of a report to the task of the plan it reports on.

Reports shorten, reword, regroup and reorder the plan's tasks, drop some and add new ones ("Nhiệm vụ
phát sinh"). Each pair of (report task, plan task) gets a score from text similarity, the lead
agencies, the section/number and the deadline; pairs are then taken best first, one to one. A report
task whose best plan task scores below the threshold stays unlinked and is flagged for review, unless it
says it is new. A report only ever links to the one plan it names.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from normalizers.text import match_key
from pipeline.tracking.settings import SETTINGS, TrackingSettings
from pipeline.tracking.similarity import TextSpace, overlap
from pipeline.tracking.words import tracking_words

LINK_COLUMNS = [
    "report_task_id",
    "plan_task_id",
    "score",
    "method",
    "report_doc_id",
    "plan_doc_id",
    "needs_review",
    "reason",
]


@dataclass(frozen=True)
class Link:
    report_task_id: str
    plan_task_id: str | None
    score: float
    method: str  # "matched", "new" (the report says it is new) or "unlinked"
    report_doc_id: str
    plan_doc_id: str
    needs_review: bool
    reason: str | None


def _position(report: dict[str, Any], plan: dict[str, Any]) -> float:
    same_number = (report.get("number") or "") == (plan.get("number") or "") and report.get("number")
    same_section = list(report.get("section_path") or []) == list(plan.get("section_path") or [])
    return 1.0 if same_number and same_section else 0.0


def _deadline(report: dict[str, Any], plan: dict[str, Any]) -> float | None:
    if not report.get("timeframe_raw") and not report.get("deadline_end"):
        return None
    if report.get("timeframe_raw") and match_key(report["timeframe_raw"]) == match_key(
        plan.get("timeframe_raw")
    ):
        return 1.0
    end_r, end_p = report.get("deadline_end"), plan.get("deadline_end")
    return 1.0 if end_r is not None and end_r == end_p else 0.0


def pair_score(
    report: dict[str, Any], plan: dict[str, Any], space: TextSpace, settings: TrackingSettings = SETTINGS
) -> float:
    """0..1: how sure we are that `report` reports on `plan`. Missing evidence is neutral (0.5)."""
    text = space.similarity(report.get("text") or "", plan.get("text") or "")
    lead = overlap(list(report.get("lead") or []), list(plan.get("lead") or []))
    deadline = _deadline(report, plan)
    return (
        settings.weight_text * text
        + settings.weight_lead * (0.5 if lead is None else lead)
        + settings.weight_position * _position(report, plan)
        + settings.weight_deadline * (0.5 if deadline is None else deadline)
    )


def says_new(task: dict[str, Any], new_rows: Collection[str] = ()) -> bool:
    """The report lists the task as new ("Nhiệm vụ phát sinh"): under such a heading or section row
    (`new_rows`, "table:row" keys read from the document), or in its own text, note or output cell."""
    if task.get("table_index") is not None and f"{task['table_index']}:{task.get('row_index')}" in new_rows:
        return True
    phrases = tracking_words()["new_task_phrases"]
    cells = [task.get("text"), task.get("status_raw"), task.get("output"), *(task.get("section_path") or [])]
    return any(phrase in match_key(cell) for cell in cells if cell for phrase in phrases)


def _assign(
    reports: Sequence[dict[str, Any]],
    plans: Sequence[dict[str, Any]],
    space: TextSpace,
    settings: TrackingSettings,
    new_rows: Collection[str],
    taken: Collection[str] = (),
) -> dict[str, tuple[str | None, float]]:
    """Best pairs first, each plan task and each report task used once.

    A plan task in `taken` (already reported on by a status row) can only be linked again by a
    near-verbatim copy (score ≥ `reprint_threshold`): the plan reprinted in an appendix.
    """
    pairs = sorted(
        (
            (pair_score(r, p, space, settings), i, j)
            for i, r in enumerate(reports)
            if not says_new(r, new_rows)
            for j, p in enumerate(plans)
        ),
        reverse=True,
    )
    chosen: dict[str, tuple[str | None, float]] = {}
    best: dict[int, float] = {}
    used_report: set[int] = set()
    used_plan: set[int] = set()
    for score, i, j in pairs:
        best.setdefault(i, score)
        if i in used_report or j in used_plan or score < settings.link_threshold:
            continue
        if plans[j]["task_id"] in taken and score < settings.reprint_threshold:
            continue
        chosen[reports[i]["task_id"]] = (plans[j]["task_id"], score)
        used_report.add(i)
        used_plan.add(j)
    for i, r in enumerate(reports):
        chosen.setdefault(r["task_id"], (None, best.get(i, 0.0)))
    return chosen


def link_report(
    report_tasks: Sequence[dict[str, Any]],
    plan_tasks: Sequence[dict[str, Any]],
    report_doc_id: str,
    plan_doc_id: str,
    settings: TrackingSettings = SETTINGS,
    new_rows: Collection[str] = (),
) -> list[Link]:
    """One `Link` per report task.

    Tasks that carry a status are matched first; tasks without one (next steps, or a reprint of the
    plan in an appendix) then take the plan tasks left, or a taken one only as a near-verbatim copy.
    So a reprinted copy never takes the link of the status row that reports on the same plan task,
    and two report rows never claim one plan task otherwise.
    """
    space = TextSpace([t.get("text") or "" for t in [*plan_tasks, *report_tasks]])
    with_status = [t for t in report_tasks if t.get("status") or t.get("status_raw")]
    without = [t for t in report_tasks if not (t.get("status") or t.get("status_raw"))]
    chosen = _assign(with_status, plan_tasks, space, settings, new_rows)
    taken = {plan_id for plan_id, _ in chosen.values() if plan_id is not None}
    chosen.update(_assign(without, plan_tasks, space, settings, new_rows, taken))
    links = []
    for task in report_tasks:
        plan_task_id, score = chosen[task["task_id"]]
        if plan_task_id is not None:
            review = score < settings.review_below
            method, reason = "matched", ("weak match" if review else None)
        elif says_new(task, new_rows):
            method, review, reason = "new", False, None
        else:
            method, review, reason = "unlinked", True, "no plan task close enough"
        links.append(
            Link(
                task["task_id"],
                plan_task_id,
                round(score, 4),
                method,
                report_doc_id,
                plan_doc_id,
                review,
                reason,
            )
        )
    return links
