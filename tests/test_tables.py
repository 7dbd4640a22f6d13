"""Task tables: columns found by their headings, section rows, merged cells, report status."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path

import pytest

from extractors.docx import extract
from extractors.pdf import extract as extract_pdf
from normalizers.columns import ColumnVocabulary, column_vocabulary, map_columns
from pipeline.model import Cell, Document, Paragraph, Row, SourceInfo, Table
from pipeline.outline import TableContext
from pipeline.tables import table_tasks
from pipeline.tasks import document_to_tasks
from tests.conftest import fixture
from tests.docx_builders import table_plan, two_row_header_plan
from tests.pdf_builders import COLS, C, Page, build_pdf, task_row


def row(*texts: str, header: bool = False) -> Row:
    return Row(cells=[Cell(text=t, col=i) for i, t in enumerate(texts)], is_header=header)


def test_columns_are_found_by_heading_whatever_their_order():
    table = Table(
        rows=[
            row("Thời hạn", "Đơn vị chủ trì", "STT", "Nội dung công việc", "Ghi chú"),
            row("Quý I/2026", "Sở Y tế", "1", "Rà soát cơ sở khám bệnh", ""),
        ]
    )
    columns = map_columns(table)
    assert columns is not None
    assert {r: c for r, c in columns.roles.items()} == {
        "timeframe": [0],
        "lead": [1],
        "number": [2],
        "task": [3],
        "note": [4],
    }


def test_a_heading_takes_the_role_of_the_longest_phrase_it_opens_with_as_whole_words():
    vocabulary = column_vocabulary()
    assert vocabulary.role_of("Đơn vị phối hợp") == "support"  # longer than "Đơn vị", a lead phrase
    assert vocabulary.role_of("ĐƠN VỊ CHỦ TRÌ (*)") == "lead"  # case, marks and a footnote star aside
    assert vocabulary.role_of("Đơn vịnh") is None  # a phrase counts only as whole words


def test_a_count_table_is_not_a_task_table():
    table = Table(rows=[row("Tổng số nhiệm vụ", "Số nhiệm vụ đã hoàn thành"), row("42", "11")])
    assert map_columns(table) is None
    assert table_tasks(table, TableContext([], [])) == []


def test_two_row_header_merged_lead_and_section_row(tmp_path):
    document = extract(two_row_header_plan(tmp_path / "plan.docx"))
    _, tasks = document_to_tasks(document)
    got = [(t.section_path, t.number, t.text, t.lead, t.support, t.deadline_kind, t.row_index) for t in tasks]
    assert got == [
        (
            ["I"],
            "1",
            "Rà soát thủ tục hành chính",
            ["Sở Tư pháp"],
            ["Sở Nội vụ", "Sở Tài chính"],
            "quarter",
            3,
        ),
        (
            ["I"],
            "2",
            "Công bố danh mục thủ tục",
            ["Sở Tư pháp"],
            ["Văn phòng Ủy ban nhân dân tỉnh"],
            "date",
            4,
        ),
        (["I"], "3", "Báo cáo kết quả", ["Sở Nội vụ"], [], "recurring", 5),
    ]
    assert tasks[1].deadline_end == "2026-09-30"
    assert tasks[2].recurrence == "FREQ=MONTHLY;INTERVAL=3"


def test_report_tables_take_their_status_from_the_heading_and_the_notes():
    _, tasks = document_to_tasks(extract(fixture("ht-stp-694-baocao-q1-2026.docx")))
    by_table = {}
    for task in tasks:
        if task.table_index in (1, 2, 3):
            by_table.setdefault(task.table_index, []).append(task.status)
    assert by_table[1] == ["completed_on_time", "completed_on_time", "completed_early", "completed_early"]
    assert set(by_table[2]) == {"in_progress_on_time"}
    assert set(by_table[3]) == {"not_due"}
    plan_rows = [t for t in tasks if t.table_index == 4]
    assert plan_rows[0].section_path == ["A", "I"] and plan_rows[0].row_index == 3
    assert all(t.status is None for t in plan_rows)


def test_a_combined_lead_and_support_column_gives_the_first_agency_the_lead():
    table = Table(
        rows=[
            row("TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị chủ trì/phối hợp", header=True),
            row("1", "Rà soát danh sách", "Trước ngày 27/6/2026", "Phòng Đào tạo; Trung tâm QLCL; các khoa"),
        ],
        index=0,
    )
    (task,) = table_tasks(table, TableContext(["6"], []))
    assert (task.lead_raw, task.support_raw) == ("Phòng Đào tạo", "Trung tâm QLCL; các khoa")
    assert task.section_path == ["6"] and task.number == "1"


def test_a_header_repeated_with_an_ocr_slip_is_not_a_task():
    table = Table(
        rows=[
            row("TT", "Nội dung công việc", "Đơn vị chủ trì", "Thời hạn"),
            row("1", "Rà soát văn bản", "Sở Tư pháp", "Năm 2026"),
            row("TT", "Nội dung công vỉệc", "Đơn vị chủ trì", "Thời hạn"),
            row("2", "Báo cáo kết quả", "Sở Nội vụ", "Quý IV/2026"),
        ]
    )
    assert [t.text for t in table_tasks(table, TableContext([], []))] == [
        "Rà soát văn bản",
        "Báo cáo kết quả",
    ]


def test_low_ocr_confidence_marks_the_task_for_review():
    table = Table(
        rows=[
            row("TT", "Nội dung công việc", "Đơn vị chủ trì", "Thời hạn"),
            Row(cells=[Cell("1", 0, confidence=0.9), Cell("Rà soát văn bản", 1, confidence=0.42),
                       Cell("Sở Tư pháp", 2, confidence=0.9), Cell("Năm 2026", 3, confidence=0.9)]),
        ],
        index=0,
    )  # fmt: skip
    document = Document(source=SourceInfo("x.pdf", "pdf_scanned", "0" * 16, "0" * 64), blocks=[table])
    _, (task,) = document_to_tasks(document)
    assert task.needs_review and "low OCR confidence" in task.review_reasons


def test_status_from_a_section_row_and_from_a_status_column():
    table = Table(
        rows=[
            row("TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Kết quả thực hiện"),
            Row(cells=[Cell("I", 0), Cell("NHIỆM VỤ ĐÃ HOÀN THÀNH", 1, col_span=4)]),
            row("1", "Ban hành kế hoạch", "Sở Nội vụ", "Quý I/2026", "Hoàn thành trước hạn"),
            Row(cells=[Cell("II", 0), Cell("NHIỆM VỤ KHÁC", 1, col_span=4)]),
            row("1", "Số hóa hồ sơ", "Sở Nội vụ", "Năm 2026", "Đang triển khai"),
            row("2", "Tập huấn cán bộ", "Sở Nội vụ", "Quý IV/2026", "Chưa thực hiện"),
        ],
        index=0,
    )
    tasks = table_tasks(table, TableContext([], []))
    assert [(t.section_path, t.status) for t in tasks] == [
        (["I"], "completed_early"),
        (["II"], "in_progress_on_time"),
        (["II"], "not_started"),
    ]
    assert tasks[0].status_raw == "Hoàn thành trước hạn"


def test_a_plan_table_has_no_status():
    table = Table(
        rows=[
            row("TT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Thời hạn", "Ghi chú"),
            Row(cells=[Cell("I", 0), Cell("Hoàn thành sắp xếp tổ chức bộ máy", 1, col_span=4)]),
            row("1", "Rà soát chức năng, nhiệm vụ", "Sở Nội vụ", "Quý I/2026", ""),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert (task.status, task.status_raw) == (None, None)


def test_a_budget_table_with_a_unit_column_is_not_a_task_table():
    table = Table(
        rows=[
            row("STT", "Nội dung", "Đơn vị tính", "Số lượng", "Kinh phí (triệu đồng)"),
            row("1", "Mua sắm máy tính", "Bộ", "20", "300"),
        ]
    )
    assert map_columns(table) is None


def test_an_ocr_slip_in_a_roman_section_number_is_repaired():
    table = Table(
        rows=[
            row("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"),
            Row(cells=[Cell("VỊ I", 0), Cell("Thực hiện cơ chế tài chính", 1, col_span=3)]),
            row("1", "Đổi mới cơ chế phân bổ ngân sách", "Sở Tài chính", "Thường xuyên"),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert task.section_path == ["VII"]


def test_a_section_number_lost_by_ocr_is_inferred_and_flagged():
    def scanned(*texts: str, spans: tuple[int, ...] = ()) -> Row:
        cells, col = [], 0
        for i, text in enumerate(texts):
            span = spans[i] if spans else 1
            cells.append(Cell(text=text, col=col, col_span=span, confidence=0.9))
            col += span
        return Row(cells=cells)

    table = Table(
        rows=[
            scanned("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Thời gian"),
            scanned("B", "NHIỆM VỤ CÓ THỜI HẠN", spans=(1, 3)),
            scanned("II", "Đổi mới tư duy xây dựng pháp luật", spans=(1, 3)),
            scanned("1", "Tổ chức hội thảo", "Sở Tư pháp", "Năm 2026"),
            scanned("", "Tạo đột phá trong thi hành pháp luật", spans=(1, 3)),
            scanned("1", "Xây dựng Đề án", "Sở Tư pháp", "2027"),
            scanned("IV", "Hợp tác quốc tế", spans=(1, 3)),
            scanned("1", "Mời Sở Tư pháp các tỉnh bạn", "Sở Tư pháp", "Năm 2026"),
        ]
    )
    tasks = table_tasks(table, TableContext([], []))
    assert [t.section_path for t in tasks] == [["B", "II"], ["B", "III"], ["B", "IV"]]
    assert [bool(t.notes) for t in tasks] == [False, True, False]


# --- Column roles: the most specific heading wins, whatever the order of the vocabulary --------------


def _shuffled_vocabulary(seed: int) -> ColumnVocabulary:
    columns = column_vocabulary()
    roles = list(columns.roles.items())
    random.Random(seed).shuffle(roles)
    return ColumnVocabulary(roles=dict(roles), needs_one_of=columns.needs_one_of)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Đơn vị", "lead"),
        ("Đơn vị phối hợp", "support"),
        ("Đơn vị chủ trì", "lead"),
        ("Đơn vị thực hiện", "lead"),
        ("Đơn vị tính", "ignore"),
        ("Trách nhiệm thực hiện", "lead"),
        ("Chủ trì thực hiện", "lead"),
        ("Phối hợp thực hiện", "support"),
        ("Theo dõi, kiểm tra, đôn đốc", "monitor"),
        ("Kết quả thực hiện", "status"),
        ("Kết quả", "output_or_status"),
        ("Kết quả, sản phẩm", "output"),
        ("Thời gian (Năm 2026)", "timeframe"),
        ("Đơn vị chủ trì/phối hợp", "lead_and_support"),
    ],
)
def test_the_most_specific_heading_phrase_decides_the_role(heading, role, seed):
    assert _shuffled_vocabulary(seed).role_of(heading) == role


def test_a_cooperating_column_is_not_taken_for_the_lead():
    table = Table(
        rows=[
            row("STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời hạn hoàn thành"),
            row("1", "Xây dựng chuyên trang", "Báo Nghệ An", "Sở KH&CN; Sở VH,TT&DL", "Quý II/2026"),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert (task.lead_raw, task.support_raw) == ("Báo Nghệ An", "Sở KH&CN; Sở VH,TT&DL")


def test_a_monitoring_column_is_neither_lead_nor_support():
    table = Table(
        rows=[
            row("STT", "Nhiệm vụ", "Sản phẩm", "Thời gian hoàn thành", "Chủ trì thực hiện",
                "Phối hợp thực hiện", "Theo dõi, kiểm tra, đôn đốc"),
            row("1", "Rà soát văn bản", "Danh mục", "Hằng năm", "Sở Tư pháp", "", "Văn phòng UBND tỉnh"),
        ]
    )  # fmt: skip
    (task,) = table_tasks(table, TableContext([], []))
    assert (task.lead_raw, task.support_raw, task.output) == ("Sở Tư pháp", None, "Danh mục")


# --- A year in the timeframe heading dates the cells below it ------------------------------------


def test_the_year_in_the_timeframe_heading_is_carried_to_each_task():
    table = Table(
        rows=[
            row("TT", "Nội dung", "Trách nhiệm\nthực hiện", "Thời gian\n(Năm 2026)"),
            row("1", "Giải đáp vướng mắc về CCHC", "Lãnh đạo Sở Y tế", "ngày 23 tháng 1"),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert task.default_year == 2026


def test_a_timeframe_heading_without_a_year_carries_none():
    table = Table(
        rows=[row("TT", "Nội dung", "Đơn vị chủ trì", "Thời hạn"), row("1", "Rà soát", "Sở Y tế", "Quý I")]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert task.default_year is None


def test_the_heading_year_dates_a_day_and_month_cell():
    table = Table(
        rows=[
            row("TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian (Năm 2026)"),
            row("1", "Giải đáp vướng mắc về CCHC", "Lãnh đạo Sở Y tế", "ngày 23 tháng 1"),
        ],
        index=0,
    )
    document = Document(source=SourceInfo("x.docx", "docx", "0" * 16, "0" * 64), blocks=[table])
    _, (task,) = document_to_tasks(document)
    assert (task.deadline_kind, task.deadline_end) == ("date", "2026-01-23")
    assert task.lead == ["Sở Y tế"]


# --- Layout or task table: the headings decide, borders are only a hint ------------------------------

BORDERLESS_ROWS = [
    ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Thời gian hoàn thành"],
    ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "Quý II/2026"],
    ["2", "Số hóa hồ sơ", "Sở Nội vụ", "Năm 2026"],
]


def test_a_borderless_table_with_task_headings_is_a_task_table(tmp_path):
    document = extract(table_plan(tmp_path / "plan.docx", BORDERLESS_ROWS, borders=False))
    (table,) = document.tables
    assert not table.layout and table.index == 0
    _, tasks = document_to_tasks(document)
    assert [(t.number, t.text, t.lead, t.deadline_kind) for t in tasks] == [
        ("1", "Rà soát thủ tục hành chính", ["Sở Tư pháp"], "quarter"),
        ("2", "Số hóa hồ sơ", ["Sở Nội vụ"], "year"),
    ]


def test_a_borderless_table_without_task_headings_stays_layout(tmp_path):
    rows = [
        ["ỦY BAN NHÂN DÂN TỈNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["Số: 12/KH-UBND", "ngày 5 tháng 3"],
    ]
    (table,) = extract(table_plan(tmp_path / "header.docx", rows, borders=False)).tables
    assert table.layout and table.index is None


# --- Section paths: an appendix title starts a new path, centred or not --------------------------


def _appendix_document(title_centered: bool) -> Document:
    rows = [
        row("STT", "Nội dung", "Cơ quan thực hiện", "Thời gian"),
        Row(cells=[Cell("C", 0), Cell("NHIỆM VỤ VỀ THỂ CHẾ", 1, col_span=3)]),
        row("1", "Rà soát văn bản", "Sở Tư pháp", "Năm 2026"),
    ]
    blocks = [
        Paragraph("III. TỔ CHỨC THỰC HIỆN", bold=True, all_caps=True),
        Paragraph("3. Sở Tư pháp chủ trì theo dõi việc thực hiện Kế hoạch.", bold=True),
        Paragraph("PHỤ LỤC", bold=True, all_caps=True, centered=title_centered),
        Paragraph("NHIỆM VỤ CỤ THỂ NĂM 2026 (Kèm theo Kế hoạch số 46/KH-UBND)", bold=True),
        Table(rows=rows, index=0),
    ]
    return Document(source=SourceInfo("x.pdf", "pdf", "0" * 16, "0" * 64), blocks=blocks)


@pytest.mark.parametrize("centered", [True, False])
def test_an_appendix_title_starts_a_new_section_path(centered):
    _, tasks = document_to_tasks(_appendix_document(centered))
    (task,) = [t for t in tasks if t.table_index is not None]
    assert task.section_path == ["C"]


# --- Leads a row does not write in its lead column ---------------------------------------------


def test_a_section_row_naming_an_agency_leads_the_rows_below_it():
    table = Table(
        rows=[
            row("TT", "Nội dung công việc", "Đơn vị chủ trì", "Thời hạn"),
            Row(cells=[Cell("I", 0), Cell("Sở Nội vụ", 1, col_span=3)]),
            row("1", "Rà soát vị trí việc làm", "", "Quý I/2026"),
            row("2", "Thẩm định đề án", "Sở Tài chính", "Quý II/2026"),
            Row(cells=[Cell("II", 0), Cell("Cải cách thể chế", 1, col_span=3)]),
            row("1", "Rà soát văn bản", "", "Năm 2026"),
        ]
    )
    tasks = table_tasks(table, TableContext([], []))
    assert [(t.section_path, t.lead_raw, t.lead_inherited) for t in tasks] == [
        (["I"], "Sở Nội vụ", True),
        (["I"], "Sở Tài chính", False),
        (["II"], None, False),
    ]


def test_an_intro_row_naming_the_agencies_leads_the_rows_below_it():
    table = Table(
        rows=[
            row("TT", "Nội dung", "Thời gian thực hiện"),
            Row(cells=[Cell("Các cơ quan, đơn vị thực hiện các nhiệm vụ sau:", 0, col_span=3)]),
            row("1", "Quán triệt kế hoạch", "Quý I/2026"),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert (task.lead_raw, task.section_path) == ("Các cơ quan, đơn vị", [])


def test_a_lead_named_in_the_task_cell_fills_an_empty_lead_column():
    table = Table(
        rows=[
            row("TT", "Nội dung", "Trách nhiệm thực hiện", "Thời gian (Năm 2026)"),
            row("1", "Báo và Phát thanh, Truyền hình tỉnh chủ trì, phối hợp với các sở, ban, ngành liên quan "
                "tổ chức tọa đàm về cải cách hành chính", "", "Quý III"),
            row("2", "Lãnh đạo Sở Y tế trả lời trực tiếp", "Sở Y tế", "ngày 23 tháng 1"),
        ]
    )  # fmt: skip
    first, second = table_tasks(table, TableContext([], []))
    assert (first.lead_raw, first.support_raw) == (
        "Báo và Phát thanh, Truyền hình tỉnh",
        "các sở, ban, ngành liên quan",
    )
    assert (second.lead_raw, second.support_raw) == ("Sở Y tế", None)


def test_a_table_without_a_lead_column_takes_the_lead_its_context_names():
    table = Table(rows=[row("TT", "Nội dung", "Thời gian"), row("1", "Tổ chức tập huấn", "Quý II/2026")])
    (task,) = table_tasks(table, TableContext(["IV", "1"], [], lead_raw="Sở Nội vụ"))
    assert (task.lead_raw, task.lead_inherited) == ("Sở Nội vụ", True)


def test_an_intro_paragraph_naming_the_agencies_leads_the_table_below_it(tmp_path):
    rows = [["TT", "Nội dung", "Thời gian thực hiện"], ["1", "Quán triệt kế hoạch", "Quý I/2026"]]
    intro = ["Các sở, ban, ngành thực hiện các nhiệm vụ sau:"]
    _, tasks = document_to_tasks(extract(table_plan(tmp_path / "plan.docx", rows, intro=intro)))
    (task,) = [t for t in tasks if t.table_index is not None]
    assert task.lead == ["Các sở, ban, ngành"]


# --- Report status from the wording of a result column ------------------------------------------


@pytest.mark.parametrize(
    ("result", "status"),
    [
        ("Đã hoàn thành", "completed_on_time"),
        ("Hoàn thành", "completed_on_time"),
        ("Hoàn thành đúng hạn", "completed_on_time"),
        ("Đã hoàn thành đúng tiến độ; ban hành Quyết định số 12/QĐ-UBND", "completed_on_time"),
        ("Đã ban hành Kế hoạch số 45/KH-UBND ngày 10/3/2026", "completed_on_time"),
        ("Hoàn thành trước hạn", "completed_early"),
        ("Đã hoàn thành trước thời hạn 15 ngày", "completed_early"),
        ("Hoàn thành chậm", "completed_late"),
        ("Đã hoàn thành nhưng chậm so với kế hoạch", "completed_late"),
        ("Hoàn thành sau thời hạn", "completed_late"),
        ("Đang triển khai", "in_progress_on_time"),
        ("Đang thực hiện, bảo đảm tiến độ", "in_progress_on_time"),
        ("Đang hoàn thiện dự thảo", "in_progress_on_time"),
        ("Chậm tiến độ", "in_progress_late"),
        ("Đang thực hiện, chậm so với tiến độ đề ra", "in_progress_late"),
        ("Quá hạn, đang tiếp tục thực hiện", "in_progress_late"),
        ("Chưa hoàn thành", "in_progress_late"),
        ("Chưa thực hiện", "not_started"),
        ("Chưa triển khai", "not_started"),
        ("Chưa đến hạn", "not_due"),
        ("Chưa đến thời hạn thực hiện", "not_due"),
    ],
)
def test_a_result_column_says_how_far_the_task_got(result, status):
    table = Table(
        rows=[
            row("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành", "Kết quả thực hiện"),
            row("1", "Ban hành kế hoạch", "Sở Nội vụ", "Quý I/2026", result),
        ]
    )
    (task,) = table_tasks(table, TableContext([], []))
    assert (task.status, task.status_raw) == (status, result)


def test_a_note_that_is_only_a_verdict_outweighs_the_narrative_beside_it():
    table = Table(
        rows=[
            row("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Kết quả thực hiện", "Ghi chú"),
            row("1", "Đo lường mức độ hài lòng", "Sở Nội vụ", "Đang xây dựng phiếu khảo sát", "Chưa đến hạn"),
            row("2", "Kiểm tra công vụ", "Sở Nội vụ", "Đã ban hành kế hoạch kiểm tra", "Chưa đến hạn"),
            row("3", "Tổ chức thi tuyển", "Sở Nội vụ", "Đã tổ chức kỳ thi ngày 23/8/2026", "Đã hoàn thành"),
        ]
    )
    tasks = table_tasks(table, TableContext([], []))
    assert [(t.status, t.status_raw) for t in tasks] == [
        ("not_due", "Chưa đến hạn"),
        ("not_due", "Chưa đến hạn"),
        ("completed_on_time", "Đã hoàn thành"),
    ]


def test_an_unlabelled_section_row_in_capitals_is_a_section_not_a_task():
    table = Table(
        rows=[
            row("TT", "Nội dung công việc", "Đơn vị chủ trì", "Thời hạn"),
            row("", "NHIỆM VỤ THƯỜNG XUYÊN", "", ""),
            row("1", "Rà soát văn bản", "Sở Tư pháp", "Hằng năm"),
            row("", "Công bố danh mục thủ tục", "Văn phòng UBND tỉnh", "Quý II/2026"),
        ]
    )
    tasks = table_tasks(table, TableContext(["II"], []))
    assert [(t.section_path, t.number, t.text) for t in tasks] == [
        (["II"], "1", "Rà soát văn bản"),
        (["II"], None, "Công bố danh mục thủ tục"),
    ]


# --- A variant plan (other column order and wording), rendered to DOCX and PDF --------------------

VARIANT = "variants/tables-variant-kehoach-2026"


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_a_variant_plan_reads_the_same_in_docx_and_pdf(suffix):
    gold = json.loads(fixture(VARIANT + ".gold.json").read_text(encoding="utf-8"))["tasks"]
    document = (
        extract(fixture(VARIANT + suffix)) if suffix == ".docx" else extract_pdf(fixture(VARIANT + suffix))
    )
    _, tasks = document_to_tasks(document)
    fields = ("section_path", "number", "text", "lead", "support", "timeframe_raw")
    tasks = sorted(tasks, key=lambda t: t.text)
    gold = sorted(gold, key=lambda g: g["text"])
    assert [[getattr(t, f) for f in fields] for t in tasks] == [[g[f] for f in fields] for g in gold]
    got = [(t.deadline_kind, t.deadline_start, t.deadline_end) for t in tasks]
    assert got == [(g["deadline_kind"], g["deadline_start"], g["deadline_end"]) for g in gold]


@pytest.mark.parametrize(
    "module", ["pipeline/tables.py", "pipeline/vocab.py", "normalizers/columns.py", "extractors/docx.py"]
)
def test_no_vietnamese_word_is_hard_coded_in_the_table_code(module):
    tree = ast.parse((Path(__file__).parents[1] / module).read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]
    assert [s for s in strings if any(ord(ch) > 127 and ch.isalpha() for ch in s)] == []


def test_a_borderless_task_table_in_a_pdf_is_rebuilt_from_its_words(tmp_path):
    rows = [
        (30, [C(0, ["TT"]), C(1, ["Nội dung công", "việc"]), C(2, ["Cơ quan chủ trì"]), C(3, ["Thời gian", "hoàn thành"])]),
        task_row("1", ["Rà soát thủ tục hành chính", "nội bộ"], ["Sở Tư pháp"], ["Quý II/2026"]),
        task_row("2", ["Số hóa hồ sơ"], ["Sở Nội vụ"], ["Năm 2026"]),
    ]  # fmt: skip
    pdf = build_pdf(tmp_path / "plan.pdf", [Page(["II. NHIỆM VỤ CỤ THỂ"], rows)], COLS, ruled=False)
    document = extract_pdf(pdf)
    (table,) = [t for t in document.tables if not t.layout]
    assert table.index == 0
    _, tasks = document_to_tasks(document)
    assert [(t.number, t.text, t.lead, t.deadline_kind) for t in tasks] == [
        ("1", "Rà soát thủ tục hành chính nội bộ", ["Sở Tư pháp"], "quarter"),
        ("2", "Số hóa hồ sơ", ["Sở Nội vụ"], "year"),
    ]


def test_borderless_text_in_columns_without_task_headings_is_no_task_table(tmp_path):
    rows = [
        (24, [C(0, ["Số"]), C(1, ["Đơn vị"]), C(2, ["Tổng số hồ sơ"]), C(3, ["Tỷ lệ"])]),
        task_row("1", ["Sở Tư pháp"], ["1.204"], ["98%"]),
    ]
    pdf = build_pdf(tmp_path / "count.pdf", [Page(["Bảng 1. Kết quả"], rows)], COLS, ruled=False)
    assert [t for t in extract_pdf(pdf).tables if not t.layout] == []


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_a_borderless_plan_printed_by_word_reads_as_its_docx(suffix):
    """Rendered with the docx builder (`table_plan(..., borders=False)`), printed to PDF by LibreOffice."""
    path = fixture("variants/borderless-kehoach-2026" + suffix)
    _, tasks = document_to_tasks(extract(path) if suffix == ".docx" else extract_pdf(path))
    assert [(t.section_path, t.number, t.text, t.lead, t.support, t.deadline_kind) for t in tasks] == [
        (["II", "I"], "1", "Rà soát văn bản quy phạm pháp luật do tỉnh ban hành", ["Sở Tư pháp"],
         ["Các sở, ban, ngành"], "quarter"),
        (["II", "I"], "2", "Công bố danh mục thủ tục hành chính", ["Văn phòng Ủy ban nhân dân tỉnh"],
         ["Sở Tư pháp"], "date"),
        (["II", "II"], "1", "Thẩm định đề án vị trí việc làm", ["Sở Nội vụ"], ["Sở Tài chính"], "year"),
    ]  # fmt: skip
