"""Which plan in the store a report reports on: the one its `refers_to` names, never a look-alike."""

from __future__ import annotations

from typing import Any

from pipeline.tracking.data import as_date
from pipeline.tracking.words import tracking_words


def resolve_plan(report: dict[str, Any], documents: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stored document with the referenced number (and date, where both are known), or None.

    Several documents may share a number across years or provinces: the date decides, then the
    report's own province, then the latest one.
    """
    ref = report.get("refers_to")
    if not ref or not ref.get("number_key"):
        return None
    reporting = set(tracking_words()["reporting_types"])
    ref_date = as_date(ref.get("date"))
    same_number = [
        d
        for d in documents
        if d["number_key"] == ref["number_key"]
        and d["doc_id"] != report["doc_id"]
        and d.get("doc_type") not in reporting
    ]

    def dated(d: dict[str, Any], exact: bool) -> bool:
        issued = as_date(d.get("doc_date"))
        if ref_date is None or issued is None:
            return True
        return issued == ref_date if exact else issued.year == ref_date.year

    # numbers start again every year: the date decides; a day mistyped in the report still names the year
    candidates = [d for d in same_number if dated(d, exact=True)] or [
        d for d in same_number if dated(d, False)
    ]
    if not candidates:
        return None
    candidates.sort(
        key=lambda d: (
            d.get("province") == report.get("province"),
            as_date(d.get("doc_date")) or as_date("0001-01-01"),
        ),
        reverse=True,
    )
    return candidates[0]


def report_plan_pairs(documents: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(report, plan) for every stored report whose plan is stored too."""
    pairs = []
    for doc in documents:
        if doc.get("refers_to"):
            plan = resolve_plan(doc, documents)
            if plan is not None:
                pairs.append((doc, plan))
    return pairs
