"""A report names the plan it reports on; every document names what it implements."""

from __future__ import annotations

import json

from pipeline.tracking.refs import find_references, number_key, pick_reported
from tests.tracking_helpers import PLAN_444, REPORT_35, REPORT_694, RESOLUTION_66, result


def test_a_reference_as_written_and_normalized():
    [(ref, _)] = find_references(
        "báo cáo kết quả thực hiện Kế hoạch số 444/KH-UBND ngày 13/8/2025 của UBND tỉnh"
    )
    assert (ref.doc_type, ref.number, ref.number_key, ref.date) == (
        "ke_hoach",
        "444/KH-UBND",
        "444/KH/UBND",
        "2025-08-13",
    )
    assert ref.raw == "Kế hoạch số 444/KH-UBND ngày 13/8/2025"


def test_references_written_other_ways():
    text = (
        "Thực hiện Nghị quyết 66-NQ/TW, ngày 30/4/2025 của Bộ Chính trị; Chương trình hành động số 45/CTr-TU; "
        "Nghị quyết số 110/2023/NQ-HĐND ngày 12 tháng 7 năm 2023"
    )
    refs = [r for r, _ in find_references(text)]
    assert [(r.doc_type, r.number, r.date) for r in refs] == [
        ("nghi_quyet", "66-NQ/TW", "2025-04-30"),
        ("chuong_trinh", "45/CTr-TU", None),
        ("nghi_quyet", "110/2023/NQ-HĐND", "2023-07-12"),
    ]


def test_the_same_number_written_with_other_separators_is_the_same_document():
    assert number_key("45-CTr/TU") == number_key("45/CTr-TU") == number_key("45 /CTR-TU") == "45/CTR/TU"


def test_the_plan_whose_tasks_are_reviewed_wins_over_the_resolution_in_the_title():
    reported = pick_reported(
        "V/v báo cáo kết quả thực hiện Nghị quyết số 66-NQ/TW trên địa bàn tỉnh",
        [
            "UBND tỉnh đã ban hành Kế hoạch số 444/KH-UBND ngày 13/8/2025 triển khai Nghị quyết số 66-NQ/TW.",
            "Kết quả rà soát các nhiệm vụ đề ra tại Kế hoạch số 444/KH-UBND như sau:",
        ],
    )
    assert reported.number == "444/KH-UBND" and reported.date == "2025-08-13"


def test_a_report_records_what_it_reports_on():
    record = result(REPORT_35).record
    assert json.loads(record.refers_to) == {
        "doc_type": "ke_hoach",
        "type_raw": "Kế hoạch",
        "number": "444/KH-UBND",
        "number_key": "444/KH/UBND",
        "date": "2025-08-13",
        "raw": "Kế hoạch số 444/KH-UBND ngày 13/8/2025",
    }
    assert json.loads(result(REPORT_694).record.refers_to)["number"] == "444/KH-UBND"


def test_a_plan_reports_on_nothing_but_cites_what_it_implements():
    record = result(PLAN_444).record
    assert record.refers_to is None
    assert "66/NQ/TW" in record.cites and "444/KH/UBND" not in record.cites


def test_the_four_provinces_documents_cite_resolution_66():
    for path in RESOLUTION_66:
        assert "66/NQ/TW" in result(path).record.cites, path.name
