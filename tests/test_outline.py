"""Prose tasks: which numbered items are tasks, their sections, numbers and continuation paragraphs."""

from __future__ import annotations

from pipeline.model import Document, Paragraph, SourceInfo
from pipeline.outline import read_outline


def doc(*paragraphs: Paragraph | str) -> Document:
    blocks = [p if isinstance(p, Paragraph) else Paragraph(text=p) for p in paragraphs]
    return Document(source=SourceInfo("x.docx", "docx", "0" * 16, "0" * 64), blocks=blocks)


def heading(text: str) -> Paragraph:
    return Paragraph(text=text, bold=True, all_caps=text.isupper())


def summary(document: Document) -> list[tuple[list[str], str | None, str]]:
    return [(t.section_path, t.number, t.text) for t in read_outline(document).prose_tasks]


def test_items_under_a_task_heading_are_tasks_and_objectives_are_not():
    document = doc(
        heading("I. MỤC ĐÍCH, YÊU CẦU"),
        "1. Quán triệt đầy đủ các nội dung.",
        heading("II. NHIỆM VỤ, GIẢI PHÁP"),
        heading("1. Hoàn thiện thể chế"),
        "a) Rà soát văn bản quy phạm pháp luật.",
        "b) Xây dựng cơ sở dữ liệu.",
        heading("2. Chuyển đổi số"),
        "a) Số hóa hồ sơ.",
    )
    assert summary(document) == [
        (["II", "1"], "a", "Rà soát văn bản quy phạm pháp luật."),
        (["II", "1"], "b", "Xây dựng cơ sở dữ liệu."),
        (["II", "2"], "a", "Số hóa hồ sơ."),
    ]


def test_a_continuation_paragraph_joins_its_item_and_a_note_does_not():
    document = doc(
        heading("II. NHIỆM VỤ CỤ THỂ"),
        "a) Rà soát văn bản.",
        "Hoàn thành việc công bố kết quả rà soát.",
        "(Chi tiết tại Phụ lục kèm theo)",
    )
    assert summary(document) == [(["II"], "a", "Rà soát văn bản.\nHoàn thành việc công bố kết quả rà soát.")]


def test_a_directive_without_headings_assigns_work_in_its_numbered_points():
    document = doc(
        "Ban Thường vụ yêu cầu các cấp ủy thực hiện tốt các nội dung sau:",
        Paragraph(text="Tăng cường lãnh đạo.", list_label="1."),
        Paragraph(text="Rà soát văn bản, xong trước ngày 15/8/2026.", list_label="(1)"),
        Paragraph(text="Đẩy mạnh tuyên truyền.", list_label="2."),
        "Chỉ thị này được phổ biến đến chi bộ.",
    )
    assert summary(document) == [
        ([], "1", "Tăng cường lãnh đạo."),
        (["1"], "(1)", "Rà soát văn bản, xong trước ngày 15/8/2026."),
        ([], "2", "Đẩy mạnh tuyên truyền."),
    ]


def test_bullets_are_tasks_without_number_under_their_item():
    document = doc(
        heading("V. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI"),
        "Trong thời gian tới, tập trung thực hiện các nhiệm vụ sau:",
        "- Tiếp tục rà soát văn bản.",
        "- Đẩy mạnh chuyển đổi số.",
        heading("VI. KIẾN NGHỊ"),
        "- Đề nghị Bộ Tư pháp hướng dẫn.",
    )
    assert summary(document) == [
        (["V"], None, "Tiếp tục rà soát văn bản."),
        (["V"], None, "Đẩy mạnh chuyển đổi số."),
    ]


def test_the_closing_paragraph_ends_the_task_list():
    document = doc(
        heading("III. TỔ CHỨC THỰC HIỆN"),
        "1. Các sở, ngành triển khai Kế hoạch này.",
        "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về Sở Nội vụ.",
    )
    assert summary(document) == [(["III"], "1", "Các sở, ngành triển khai Kế hoạch này.")]


def test_items_under_an_agency_heading_inherit_its_lead():
    document = doc(
        heading("5. TRÁCH NHIỆM THỰC HIỆN"),
        heading("5.1. Sở Tư pháp"),
        "- Chủ trì tổng hợp kết quả thực hiện.",
        "- Hướng dẫn, đôn đốc các đơn vị.",
        heading("5.2. Sở Tài chính"),
        "- Bảo đảm kinh phí.",
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.section_path, t.text, t.lead_raw) for t in tasks] == [
        (["5", "5.1"], "Chủ trì tổng hợp kết quả thực hiện.", "Sở Tư pháp"),
        (["5", "5.1"], "Hướng dẫn, đôn đốc các đơn vị.", "Sở Tư pháp"),
        (["5", "5.2"], "Bảo đảm kinh phí.", "Sở Tài chính"),
    ]


def test_a_bullet_inherits_the_lead_its_item_names():
    document = doc(
        Paragraph(text="Đảng ủy Ủy ban nhân dân tỉnh lãnh đạo Ủy ban nhân dân tỉnh", list_label="3."),
        "- Chỉ đạo rà soát văn bản quy phạm pháp luật.",
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.section_path, t.number, t.lead_raw, t.lead_inherited) for t in tasks] == [
        ([], "3", "Đảng ủy Ủy ban nhân dân tỉnh", False),
        (["3"], None, "Đảng ủy Ủy ban nhân dân tỉnh", True),
    ]


def test_step_labels_number_their_items():
    document = doc(
        heading("4. TỔ CHỨC THỰC HIỆN"),
        "Bước 1: Phòng Đào tạo cung cấp danh sách sinh viên.",
        "Bước 2: Trung tâm Quản lý chất lượng thực hiện chọn mẫu.",
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.section_path, t.number, t.text, t.lead_raw) for t in tasks] == [
        (["4"], "1", "Phòng Đào tạo cung cấp danh sách sinh viên.", "Phòng Đào tạo"),
        (["4"], "2", "Trung tâm Quản lý chất lượng thực hiện chọn mẫu.", "Trung tâm Quản lý chất lượng"),
    ]


def test_a_bullet_before_a_step_label_takes_the_step_number():
    document = doc(
        heading("4. Quy trình thực hiện"),
        Paragraph(text="Bước 1: Sở Tư pháp tổng hợp danh sách.", list_label="-"),
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.number, t.text) for t in tasks] == [("1", "Sở Tư pháp tổng hợp danh sách.")]


def test_articles_of_a_decision_are_tasks_only_when_they_name_who_acts():
    document = doc(
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2026.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "Điều 3. Giao Sở Khoa học và Công nghệ chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.",
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.number, t.lead_raw) for t in tasks] == [("3", "Sở Khoa học và Công nghệ")]


def test_an_item_that_only_names_an_agency_and_a_colon_heads_its_duties():
    document = doc(
        heading("IV. TỔ CHỨC THỰC HIỆN"),
        "1. Phòng Văn hóa - Thông tin:",
        "- Chủ trì tuyên truyền Kế hoạch.",
        "- Báo cáo kết quả hằng quý.",
        "2. Sở Nội vụ: Theo dõi, đôn đốc việc thực hiện.",
    )
    tasks = read_outline(document).prose_tasks
    assert [(t.section_path, t.number, t.text, t.lead_raw) for t in tasks] == [
        (["IV", "1"], None, "Chủ trì tuyên truyền Kế hoạch.", "Phòng Văn hóa - Thông tin"),
        (["IV", "1"], None, "Báo cáo kết quả hằng quý.", "Phòng Văn hóa - Thông tin"),
        (["IV"], "2", "Sở Nội vụ: Theo dõi, đôn đốc việc thực hiện.", "Sở Nội vụ"),
    ]


def test_on_a_scan_a_bullet_whose_dash_ocr_lost_is_still_a_bullet():
    document = doc(
        heading("5.2. Phòng Đào tạo"),
        Paragraph(text="Phối hợp cung cấp thông tin sinh viên.", list_label="-", confidence=0.9),
        Paragraph(text="Phối hợp truyền thông, hỗ trợ các khoa.", confidence=0.9),
        Paragraph(text="Tiếp tục theo dõi kết quả.", list_label="-"),
        Paragraph(text="Việc theo dõi được cập nhật hằng tuần."),  # born-digital: a real continuation
    )
    tasks = read_outline(document).prose_tasks
    assert [t.text for t in tasks] == [
        "Phối hợp cung cấp thông tin sinh viên.",
        "Phối hợp truyền thông, hỗ trợ các khoa.",
        "Tiếp tục theo dõi kết quả.\nViệc theo dõi được cập nhật hằng tuần.",
    ]
    assert {t.lead_raw for t in tasks} == {"Phòng Đào tạo"}
