"""The structures real plans and letters use: mixed "targets and tasks" parts, titled items, agency
headings, recipients, summary sentences and the closing formulas. Each test is a small document
written the way an office writes it, with words no corpus document uses verbatim."""

from __future__ import annotations

from pipeline.model import Cell, Document, Paragraph, Row, Table
from pipeline.outline import read_outline
from tests.test_outline import doc, heading


def tasks(document: Document, doc_type: str | None = None) -> list[tuple[list[str], str | None, str]]:
    return [(t.section_path, t.number, t.text) for t in read_outline(document, doc_type).prose_tasks]


def leads(document: Document, doc_type: str | None = None) -> list[str | None]:
    return [t.lead_raw for t in read_outline(document, doc_type).prose_tasks]


def test_a_targets_and_tasks_part_takes_only_the_items_under_its_tasks_subpart():
    document = doc(
        heading("I. QUAN ĐIỂM, YÊU CẦU"),
        "a) Bảo đảm đồng bộ, thống nhất.",
        heading("II. CHỈ TIÊU VÀ NHIỆM VỤ"),
        heading("1. Chuyển đổi số"),
        "a) Mục tiêu",
        "- 100% hồ sơ được số hóa.",
        "b) Nhiệm vụ",
        "- Số hóa hồ sơ lưu trữ của các sở.",
        "- Sở Khoa học và Công nghệ hướng dẫn kết nối dữ liệu.",
    )
    assert tasks(document) == [
        (["II", "1", "b"], None, "Số hóa hồ sơ lưu trữ của các sở."),
        (["II", "1", "b"], None, "Sở Khoa học và Công nghệ hướng dẫn kết nối dữ liệu."),
    ]


def test_a_funding_part_takes_only_sentences_that_name_who_acts():
    document = doc(
        heading("III. NHIỆM VỤ"),
        "1. Rà soát thủ tục hành chính.",
        heading("IV. KINH PHÍ THỰC HIỆN"),
        "- Kinh phí được bố trí từ nguồn ngân sách nhà nước.",
        "- Ủy ban nhân dân cấp xã ưu tiên cân đối ngân sách để thực hiện.",
    )
    assert [t[2] for t in tasks(document)] == [
        "Rà soát thủ tục hành chính.",
        "Ủy ban nhân dân cấp xã ưu tiên cân đối ngân sách để thực hiện.",
    ]


def test_a_titled_item_with_sub_items_is_their_section_and_with_a_paragraph_is_one_task():
    document = doc(
        Paragraph(text="Về công tác khảo sát", list_label="1.", bold=True),
        "a) Hướng dẫn khảo sát:",
        "- Các sở, ngành gửi danh sách đối tượng khảo sát.",
        "b) Nhập dữ liệu vào hệ thống:",
        "Trên cơ sở danh sách đã duyệt, các sở, ngành nhập dữ liệu vào hệ thống.",
    )
    assert tasks(document, "cong_van") == [
        (["1", "a"], None, "Các sở, ngành gửi danh sách đối tượng khảo sát."),
        (
            ["1"],
            "b",
            "Nhập dữ liệu vào hệ thống:\nTrên cơ sở danh sách đã duyệt, các sở, ngành nhập dữ liệu vào hệ thống.",
        ),
    ]
    assert leads(document, "cong_van") == ["Các sở, ngành", "các sở, ngành"]


def test_items_announcing_the_contents_of_a_report_are_its_parts_not_tasks():
    document = doc(
        heading("II. NHIỆM VỤ"),
        "- Báo cáo kết quả do lãnh đạo sở phê duyệt, gồm các nội dung sau:",
        "+ Bảng tổng hợp số liệu;",
        "+ Những kiến nghị (nếu có).",
    )
    assert [t[2] for t in tasks(document)] == [
        "Báo cáo kết quả do lãnh đạo sở phê duyệt, gồm các nội dung sau:"
    ]


def test_an_agency_heading_with_one_paragraph_is_one_task_and_with_bullets_leads_them():
    document = doc(
        heading("III. PHÂN CÔNG NHIỆM VỤ"),
        heading("1. Công tác phối hợp"),
        heading("1.1. Sở Nội vụ"),
        "- Hướng dẫn các xã rà soát biên chế.",
        heading("1.2. Đề nghị Liên đoàn Lao động tỉnh"),
        "Vận động người lao động tham gia.",
        heading("1.3. Ủy ban nhân dân cấp xã chỉ đạo"),
        "- Tổ chức tuyên truyền tại khu dân cư.",
    )
    assert tasks(document) == [
        (["III", "1", "1.1"], None, "Hướng dẫn các xã rà soát biên chế."),
        (["III", "1"], "1.2", "Đề nghị Liên đoàn Lao động tỉnh\nVận động người lao động tham gia."),
        (["III", "1"], "1.3", "Ủy ban nhân dân cấp xã chỉ đạo"),
        (["III", "1", "1.3"], None, "Tổ chức tuyên truyền tại khu dân cư."),
    ]
    assert leads(document) == [
        "Sở Nội vụ",
        "Liên đoàn Lao động tỉnh",
        "Ủy ban nhân dân cấp xã",
        "Ủy ban nhân dân cấp xã",
    ]


def test_a_letter_names_its_recipients_and_closes_with_a_request_to_report_difficulties():
    document = doc(
        "Kính gửi:",
        "- Phòng Kinh tế phường;",
        "- Công an phường.",
        "Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, Ủy ban nhân dân phường đề nghị:",
        Paragraph(text="Phòng Kinh tế rà soát danh sách hộ kinh doanh.", list_label="1."),
        "Đề nghị các đơn vị thực hiện nghiêm túc; quá trình triển khai nếu có vướng mắc, báo cáo về phường.",
        "Nơi nhận:",
        "- Như trên;",
    )
    assert tasks(document, "cong_van") == [([], "1", "Phòng Kinh tế rà soát danh sách hộ kinh doanh.")]


def test_recipients_named_at_the_end_of_the_header_block_are_not_tasks():
    header = Table(rows=[Row(cells=[Cell(text="BỘ XÂY DỰNG\nSố: /BXD-VP\nKính gửi:")])], layout=True)
    document = doc(
        "- Các bộ, ngành;", "- Ủy ban nhân dân các tỉnh.", Paragraph(text="Các bộ rà soát.", list_label="1.")
    )
    document.blocks.insert(0, header)
    assert tasks(document, "cong_van") == [([], "1", "Các bộ rà soát.")]


def test_sentences_that_count_the_tasks_are_not_tasks():
    document = doc(
        heading("II. NHIỆM VỤ, GIẢI PHÁP"),
        "Các sở, ngành tập trung thực hiện năm nhóm nhiệm vụ sau đây.",
        heading("III. TỔ CHỨC THỰC HIỆN"),
        "Các sở, ngành và Ủy ban nhân dân các xã có trách nhiệm thực hiện các nhiệm vụ được giao.",
        "1. Sở Tài chính theo dõi, tổng hợp.",
    )
    assert tasks(document) == [(["III"], "1", "Sở Tài chính theo dõi, tổng hợp.")]


def test_a_report_narrates_in_its_paragraphs_and_assigns_work_in_its_listed_items():
    document = doc(
        heading("IV. PHƯƠNG HƯỚNG THỜI GIAN TỚI"),
        "Trong quý tới, Sở Tư pháp tiếp tục theo dõi việc thực hiện.",
        "- Tiếp tục rà soát văn bản quy phạm pháp luật.",
    )
    assert tasks(document, "bao_cao") == [(["IV"], None, "Tiếp tục rà soát văn bản quy phạm pháp luật.")]
    assert len(tasks(document, "ke_hoach")) == 2


def test_a_lead_in_naming_who_acts_leads_the_bullets_below_it():
    document = doc(
        Paragraph(text="Tổ chức thực hiện", list_label="3.", bold=True),
        "Để bảo đảm tiến độ, Bộ Nội vụ đề nghị các bộ, tỉnh thực hiện một số nội dung sau:",
        "- Cử cán bộ đầu mối phụ trách.",
    )
    assert leads(document, "cong_van") == ["các bộ, tỉnh"]


def test_a_bold_subtitle_under_the_title_does_not_make_the_preamble_a_task():
    document = doc(
        Paragraph(text="CHỈ THỊ", bold=True, centered=True, all_caps=True),
        Paragraph(text="Về tăng cường kỷ luật hành chính", bold=True),
        "Thời gian qua, kỷ luật hành chính đã có chuyển biến.",
        Paragraph(text="Các sở, ngành quán triệt đến từng công chức.", list_label="1."),
    )
    assert tasks(document, "chi_thi") == [([], "1", "Các sở, ngành quán triệt đến từng công chức.")]


def test_a_bullet_that_inherits_its_lead_names_its_own_partners():
    document = doc(
        heading("III. PHÂN CÔNG NHIỆM VỤ"),
        heading("1. Sở Nội vụ"),
        "- Phối hợp với Công an tỉnh xây dựng mô hình tư vấn.",
    )
    task = read_outline(document).prose_tasks[0]
    assert (task.lead_raw, task.support_raw) == ("Sở Nội vụ", "Công an tỉnh")


def test_partners_named_inside_a_sentence_are_its_support():
    document = doc(
        heading("III. NHIỆM VỤ"),
        heading("1. Sở Giáo dục và Đào tạo"),
        "- Định hướng và phối hợp chặt chẽ với các sở, ban, ngành tổ chức tuyên truyền trong trường học.",
    )
    task = read_outline(document).prose_tasks[0]
    assert (task.lead_raw, task.support_raw) == ("Sở Giáo dục và Đào tạo", "các sở, ban, ngành")


def test_sub_items_written_inline_are_tasks_led_by_the_unit_before_the_colon():
    document = doc(
        heading("IV. PHÂN CÔNG NHIỆM VỤ"),
        Paragraph(text="K02: (1) Chủ trì chuẩn bị tài liệu; (2) Gửi giấy mời đại biểu;", list_label="1."),
        Paragraph(text="Bố trí hội trường; (4) Đón tiếp đại biểu.", list_label="(3)"),
    )
    found = read_outline(document).prose_tasks
    assert [(t.section_path, t.number, t.text, t.lead_raw) for t in found] == [
        (["IV", "1"], "(1)", "Chủ trì chuẩn bị tài liệu;", "K02"),
        (["IV", "1"], "(2)", "Gửi giấy mời đại biểu;", "K02"),
        (["IV", "1"], "(3)", "Bố trí hội trường;", "K02"),
        (["IV", "1"], "(4)", "Đón tiếp đại biểu.", "K02"),
    ]


def test_a_number_quoted_in_a_sentence_does_not_split_it():
    document = doc(heading("II. NHIỆM VỤ"), "1. Thực hiện theo điểm (2) của Kế hoạch số 12/KH-UBND.")
    assert tasks(document) == [(["II"], "1", "Thực hiện theo điểm (2) của Kế hoạch số 12/KH-UBND.")]


def test_a_roman_section_number_that_lost_its_full_stop_still_opens_its_part():
    document = doc(
        heading("I. MỤC ĐÍCH"),
        "1. Nâng cao nhận thức.",
        Paragraph(text="II TỔ CHỨC THỰC HIỆN", bold=True, all_caps=True),
        "1. Các đơn vị triển khai kế hoạch.",
    )
    assert tasks(document) == [(["II"], "1", "Các đơn vị triển khai kế hoạch.")]


def test_a_short_title_over_paragraphs_that_name_their_leads_is_their_section():
    document = doc(
        heading("III. TỔ CHỨC THỰC HIỆN"),
        "1. Công tác triển khai",
        "Các sở, ngành xây dựng kế hoạch của đơn vị.",
        "Sở Nội vụ theo dõi, tổng hợp kết quả.",
    )
    assert tasks(document) == [
        (["III", "1"], None, "Các sở, ngành xây dựng kế hoạch của đơn vị."),
        (["III", "1"], None, "Sở Nội vụ theo dõi, tổng hợp kết quả."),
    ]


def test_a_step_title_takes_its_paragraph_and_the_lead_it_names():
    document = doc(
        Paragraph(text="Về công tác báo cáo", list_label="1.", bold=True),
        "Bước 1: Gửi báo cáo",
        "Các sở, ngành gửi báo cáo về Sở Nội vụ.",
    )
    found = read_outline(document, "cong_van").prose_tasks
    assert [(t.number, t.text, t.lead_raw) for t in found] == [
        ("1", "Gửi báo cáo\nCác sở, ngành gửi báo cáo về Sở Nội vụ.", "Các sở, ngành")
    ]
