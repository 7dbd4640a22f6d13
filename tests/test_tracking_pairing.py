"""A report is paired with the plan it names, and only with that one."""

from __future__ import annotations

from datetime import date

from pipeline.tracking.pairing import resolve_plan


def doc(doc_id, number_key, doc_date, doc_type="ke_hoach", province="Hà Tĩnh", refers_to=None):
    return {
        "doc_id": doc_id,
        "number_key": number_key,
        "doc_date": doc_date,
        "doc_type": doc_type,
        "province": province,
        "refers_to": refers_to,
    }


PLANS = [
    doc("p2024", "444/KH/UBND", date(2024, 8, 1)),
    doc("p2025", "444/KH/UBND", date(2025, 8, 13)),
    doc("other", "445/KH/UBND", date(2025, 8, 13)),
]


def report(ref_date):
    return doc(
        "r", None, date(2026, 1, 15), "bao_cao", refers_to={"number_key": "444/KH/UBND", "date": ref_date}
    )


def test_the_date_tells_apart_two_plans_with_the_same_number():
    assert resolve_plan(report("2025-08-13"), PLANS)["doc_id"] == "p2025"
    assert resolve_plan(report("2024-08-01"), PLANS)["doc_id"] == "p2024"


def test_a_mistyped_day_still_names_the_year():
    assert resolve_plan(report("2025-08-31"), PLANS)["doc_id"] == "p2025"


def test_no_plan_of_that_number_and_year_means_no_pairing():
    assert resolve_plan(report("2023-08-13"), PLANS) is None
    assert resolve_plan(doc("r", None, None, "bao_cao"), PLANS) is None
