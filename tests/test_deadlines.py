"""Deadline wordings → kind/start/end/RRULE, and finding the deadline phrase in a prose task.

Each table row is an example of use: what an office writes, and what the dataset must say.
"""

from __future__ import annotations

import ast
import unicodedata

import pytest

from normalizers import deadlines
from normalizers.deadlines import Deadline, find_deadline_phrase, parse_deadline


def _as_tuple(d: Deadline) -> tuple[str, str | None, str | None, str | None]:
    return (d.kind, d.start, d.end, d.recurrence)


# (written, kind, start, end, recurrence)
CONTRACT_EXAMPLES = [
    ("15/8/2026", "date", None, "2026-08-15", None),
    ("ngày 15 tháng 8 năm 2026", "date", None, "2026-08-15", None),
    ("trước ngày 15/8/2026", "date", None, "2026-08-15", None),
    ("xong trước ngày 15/8/2026", "date", None, "2026-08-15", None),
    ("Tháng 9/2025", "month", "2025-09-01", "2025-09-30", None),
    ("tháng 9 năm 2025", "month", "2025-09-01", "2025-09-30", None),
    ("trong tháng 9 năm 2025", "month", "2025-09-01", "2025-09-30", None),
    ("Quý I/2026", "quarter", "2026-01-01", "2026-03-31", None),
    ("quý III năm 2026", "quarter", "2026-07-01", "2026-09-30", None),
    ("6 tháng đầu năm 2026", "half", "2026-01-01", "2026-06-30", None),
    ("6 tháng cuối năm 2026", "half", "2026-07-01", "2026-12-31", None),
    ("Năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("2027", "year", "2027-01-01", "2027-12-31", None),
    ("trong năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("Năm 2025 - 2026", "range", "2025-01-01", "2026-12-31", None),
    ("2025 - 2030", "range", "2025-01-01", "2030-12-31", None),
    ("Năm 2028 đến 2029", "range", "2028-01-01", "2029-12-31", None),
    ("Năm 2025-2026", "range", "2025-01-01", "2026-12-31", None),
    ("Hàng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("Hằng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("Quý I hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=1,2,3"),
    ("trước ngày 23 hàng tháng", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=23"),
    ("Định kỳ 06 tháng", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("Hằng tuần (trước 15h ngày thứ Năm)", "recurring", None, None, "FREQ=WEEKLY;BYDAY=TH"),
    ("Thường xuyên", "ongoing", None, None, None),
    ("Thường xuyên, định kỳ", "ongoing", None, None, None),
    ("Năm 2025 và những năm tiếp theo", "ongoing", "2025-01-01", None, None),
    ("Ngay sau khi Kế hoạch ban hành", "event", None, None, None),
    ("Sau khi Đề án ban hành", "event", None, None, None),
    ("Khi có kiến nghị", "event", None, None, None),
    ("Theo thời hạn giao của Trung ương", "event", None, None, None),
    ("Khi có vụ việc phát sinh", "event", None, None, None),
    ("Trong quá trình xây dựng văn bản QPPL", "event", None, None, None),
    ("- Tháng 9/2025 - Thường xuyên", "month", "2025-09-01", "2025-09-30", None),
]

# Every timeframe_raw of the dev and real gold files, with the gold values.
GOLD_TIMEFRAMES = [
    ("Ngay sau khi Kế hoạch ban hành", "event", None, None, None),
    ("Năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("2027", "year", "2027-01-01", "2027-12-31", None),
    ("Năm 2027", "year", "2027-01-01", "2027-12-31", None),
    ("Theo thời hạn đăng ký", "event", None, None, None),
    ("Năm 2025 đến năm 2026", "range", "2025-01-01", "2026-12-31", None),
    ("Sau khi có Văn bản của Trung ương", "event", None, None, None),
    ("Năm 2025-2026", "range", "2025-01-01", "2026-12-31", None),
    ("Sau khi Đề án ban hành", "event", None, None, None),
    ("Theo thời hạn giao của Trung ương", "event", None, None, None),
    ("Năm 2028 đến 2029", "range", "2028-01-01", "2029-12-31", None),
    ("Khi được cơ quan có thẩm quyền cho phép", "event", None, None, None),
    ("Theo yêu cầu của bộ, ngành Trung ương", "event", None, None, None),
    ("Ngay sau khi Đề án được ban hành", "event", None, None, None),
    ("Thường xuyên", "ongoing", None, None, None),
    ("Theo thời hạn tại Kế hoạch số 69/KH-UBND", "event", None, None, None),
    ("Trước khi xây dựng văn bản QPPL", "event", None, None, None),
    ("Khi xây dựng văn bản QPPL", "event", None, None, None),
    ("Quá trình xây dựng văn bản QPPL", "event", None, None, None),
    ("Quý I hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=1,2,3"),
    ("Trong quá trình xây dựng dự thảo và sau khi được ban hành", "event", None, None, None),
    ("Thường xuyên/Theo yêu cầu", "ongoing", None, None, None),
    ("Hàng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("Khi có kiến nghị", "event", None, None, None),
    ("Thường xuyên, định kỳ", "ongoing", None, None, None),
    ("- Tháng 9/2025\n- Thường xuyên", "month", "2025-09-01", "2025-09-30", None),
    ("Tháng 9/2025", "month", "2025-09-01", "2025-09-30", None),
    ("Trong giai đoạn lấy ý kiến dự thảo văn bản QPPL", "event", None, None, None),
    ("Năm 2025", "year", "2025-01-01", "2025-12-31", None),
    ("Thường xuyên trong quá trình xây dựng, kiểm tra, rà soát văn bản QPPL", "ongoing", None, None, None),
    ("Năm 2025 và tiếp tục cắt giảm mạnh trong những năm tiếp theo", "ongoing", "2025-01-01", None, None),
    ("Năm 2025 và những năm tiếp theo", "ongoing", "2025-01-01", None, None),
    ("Năm 2025 và các năm tiếp theo", "ongoing", "2025-01-01", None, None),
    ("Năm 2025 - 2026", "range", "2025-01-01", "2026-12-31", None),
    ("Thường xuyên; định kỳ", "ongoing", None, None, None),
    ("Khi có vụ việc phát sinh", "event", None, None, None),
    ("Sau khi có văn bản của trung ương ban hành có hiệu lực", "event", None, None, None),
    ("Năm 2025 và rà soát trong các năm tiếp theo", "ongoing", "2025-01-01", None, None),
    ("2025 - 2030", "range", "2025-01-01", "2030-12-31", None),
    # prose phrases
    ("Hàng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("thường xuyên", "ongoing", None, None, None),
    ("hằng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("hàng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("hoàn thành trong năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("hoàn thành trong tháng 9 năm 2025", "month", "2025-09-01", "2025-09-30", None),
    ("xong trước ngày 15/8/2026", "date", None, "2026-08-15", None),
    ("Hằng tuần (trước 15h ngày thứ Năm)", "recurring", None, None, "FREQ=WEEKLY;BYDAY=TH"),
    ("Hằng tháng (trước ngày 16)", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=16"),
    (
        "trước ngày 23 hàng tháng hoặc theo yêu cầu của cơ quan có thẩm quyền",
        "recurring",
        None,
        None,
        "FREQ=MONTHLY;BYMONTHDAY=23",
    ),
    ("03 năm sơ kết, 05 năm tổng kết", "event", None, None, None),
    # real/: a university plan
    ("Trước ngày 27/6/2026", "date", None, "2026-06-27", None),
    ("Trước ngày 30/6/2026", "date", None, "2026-06-30", None),
    ("29/6/2026 - 09/7/2026", "range", "2026-06-29", "2026-07-09", None),
    ("10/7/2026 - 13/7/2026", "range", "2026-07-10", "2026-07-13", None),
    ("Trước ngày 15/7/2026", "date", None, "2026-07-15", None),
    ("trong thời gian quy định", "unspecified", None, None, None),
    ("theo đúng thời hạn quy định", "unspecified", None, None, None),
    ("đúng thời gian quy định", "unspecified", None, None, None),
    ("khi có đề nghị của Trung tâm Quản lý chất lượng", "event", None, None, None),
    ("Trong quá trình thực hiện nếu có vấn đề chưa rõ", "event", None, None, None),
]

# Other ways offices write the same things.
VARIANTS = [
    # dates
    ("hoàn thành trước 30/9/2026", "date", None, "2026-09-30", None),
    ("trước ngày 30/9/2026", "date", None, "2026-09-30", None),
    ("15-8-2026", "date", None, "2026-08-15", None),
    ("15.8.2026", "date", None, "2026-08-15", None),
    ("15/08/2026", "date", None, "2026-08-15", None),
    ("Ngày 05 tháng 01 năm 2027", "date", None, "2027-01-05", None),
    ("29/2/2028", "date", None, "2028-02-29", None),
    # months: 06/6, "năm", "-"
    ("tháng 9/2025", "month", "2025-09-01", "2025-09-30", None),
    ("tháng 09 năm 2025", "month", "2025-09-01", "2025-09-30", None),
    ("Tháng 06/2026", "month", "2026-06-01", "2026-06-30", None),
    ("Tháng 2-2028", "month", "2028-02-01", "2028-02-29", None),
    ("12/2026", "month", "2026-12-01", "2026-12-31", None),
    # quarters: Roman or Arabic
    ("Quý II/2026", "quarter", "2026-04-01", "2026-06-30", None),
    ("quý 1/2026", "quarter", "2026-01-01", "2026-03-31", None),
    ("Quý IV/2026", "quarter", "2026-10-01", "2026-12-31", None),
    ("QUÝ IV NĂM 2025", "quarter", "2025-10-01", "2025-12-31", None),
    ("Hoàn thành trong Quý III/2026", "quarter", "2026-07-01", "2026-09-30", None),
    # halves
    ("06 tháng đầu năm 2026", "half", "2026-01-01", "2026-06-30", None),
    ("Nửa cuối năm 2026", "half", "2026-07-01", "2026-12-31", None),
    # ranges
    ("2025-2030", "range", "2025-01-01", "2030-12-31", None),
    ("2025 – 2030", "range", "2025-01-01", "2030-12-31", None),
    ("Giai đoạn 2026-2030", "range", "2026-01-01", "2030-12-31", None),
    ("Từ năm 2025 đến năm 2026", "range", "2025-01-01", "2026-12-31", None),
    ("Từ tháng 3 đến tháng 6/2026", "range", "2026-03-01", "2026-06-30", None),
    ("Từ ngày 01/3/2026 đến ngày 30/6/2026", "range", "2026-03-01", "2026-06-30", None),
    ("Quý I - Quý II/2026", "range", "2026-01-01", "2026-06-30", None),
    ("Năm 2025 -\n2026", "range", "2025-01-01", "2026-12-31", None),  # a range wrapped in a PDF cell
    # several deadlines in one cell: the first concrete one decides, bullets never form a range
    ("- Năm 2025\n- Năm 2026", "year", "2025-01-01", "2025-12-31", None),
    ("Thường xuyên\n- Quý II/2026", "quarter", "2026-04-01", "2026-06-30", None),
    ("- Hằng quý\n- Quý II/2026", "quarter", "2026-04-01", "2026-06-30", None),
    ("Sau khi Đề án ban hành, trong năm 2026", "year", "2026-01-01", "2026-12-31", None),
    # recurrences
    ("Hằng tháng (trước ngày 16)", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=16"),
    ("Hằng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("Hàng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("Định kỳ hằng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("Định kỳ 6 tháng", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("6 tháng một lần", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("Hằng ngày", "recurring", None, None, "FREQ=DAILY"),
    ("Mỗi tuần vào thứ Hai", "recurring", None, None, "FREQ=WEEKLY;BYDAY=MO"),
    ("Hằng tuần, chiều Chủ nhật", "recurring", None, None, "FREQ=WEEKLY;BYDAY=SU"),
    ("Tháng 12 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=12"),
    ("Trước ngày 15/12 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"),
    ("6 tháng đầu năm, hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6"),
    ("Hằng năm hoặc khi có yêu cầu", "recurring", None, None, "FREQ=YEARLY"),
    # ongoing, vague, event
    ("Thường xuyên, liên tục", "ongoing", None, None, None),
    ("Từ năm 2026 trở đi", "ongoing", "2026-01-01", None, None),
    ("Theo quy định", "unspecified", None, None, None),
    ("Theo Kế hoạch số 12/KH-UBND ngày 15/3/2025", "event", None, None, None),  # the date is the plan's
    ("Sau khi Nghị quyết 197/2025/QH15 có hiệu lực", "event", None, None, None),
    ("Đột xuất", "event", None, None, None),
]


@pytest.mark.parametrize(("raw", "kind", "start", "end", "rrule"), CONTRACT_EXAMPLES)
def test_contract_examples(raw, kind, start, end, rrule):
    got = parse_deadline(raw)
    assert _as_tuple(got) == (kind, start, end, rrule)
    assert got.parsed


@pytest.mark.parametrize(("raw", "kind", "start", "end", "rrule"), GOLD_TIMEFRAMES)
def test_gold_timeframes(raw, kind, start, end, rrule):
    got = parse_deadline(raw)
    assert _as_tuple(got) == (kind, start, end, rrule)
    assert got.parsed


@pytest.mark.parametrize(("raw", "kind", "start", "end", "rrule"), VARIANTS)
def test_variants(raw, kind, start, end, rrule):
    assert _as_tuple(parse_deadline(raw)) == (kind, start, end, rrule)


@pytest.mark.parametrize("raw", [None, "", "   ", "\n", " - ", "…"])
def test_empty_cell_is_unspecified_and_understood(raw):
    assert parse_deadline(raw) == Deadline("unspecified", None, None, None, True)


@pytest.mark.parametrize(
    "raw",
    [
        "30/2/2026",  # no such day
        "29/2/2027",  # not a leap year
        "31/4/2026",
        "tháng 13/2026",
        "Tháng 9",  # no year: cannot be placed without guessing
        "Quý II",
        "Định kỳ",  # a recurrence without a period
        "Chưa xác định được",
    ],
)
def test_not_understood_is_flagged(raw):
    assert parse_deadline(raw) == Deadline("unspecified", None, None, None, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (unicodedata.normalize("NFD", "Quý II năm 2026"), ("quarter", "2026-04-01", "2026-06-30", None)),
        (
            unicodedata.normalize("NFD", "Hằng tháng (trước ngày 16)"),
            ("recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=16"),
        ),
        ("THƯỜNG XUYÊN", ("ongoing", None, None, None)),
        ("hằng   quý", ("recurring", None, None, "FREQ=MONTHLY;INTERVAL=3")),
        ("Theo thời hạn giao của Trung ương\u00a0", ("event", None, None, None)),
    ],
)
def test_spelling_case_and_unicode_form_do_not_matter(raw, expected):
    assert _as_tuple(parse_deadline(raw)) == expected


def test_old_tone_placement_in_vocabulary_is_tolerated(monkeypatch):
    """Analysts may type "hoá"-style tones in the data file; input in modern tones must still match."""
    words = dict(deadlines._words())
    words["ongoing"] = ["liên tục", "thường xuyên", "toàn thời gian hoá"]
    monkeypatch.setattr(deadlines, "_words", lambda: words)
    deadlines._grammar.cache_clear()
    try:
        assert parse_deadline("Toàn thời gian hóa").kind == "ongoing"
    finally:
        deadlines._grammar.cache_clear()


# ------------------------------------------------------------------------------------------------
# find_deadline_phrase: (sentence from a prose task, phrase the gold expects)
# ------------------------------------------------------------------------------------------------

PROSE_POSITIVES = [
    (
        "Tiếp tục rà soát, hoàn thành toàn bộ việc ban hành hoặc bãi bỏ để xử lý các văn bản quy phạm pháp "
        "luật của 02 tỉnh Thái Nguyên và Bắc Kạn đã ban hành trước hợp nhất, xong trước ngày 15/8/2026.",
        "xong trước ngày 15/8/2026",
    ),
    (
        "Hàng năm, xây dựng kế hoạch cụ thể hóa nhiệm vụ tại Nghị quyết số 66-NQ/TW theo thẩm quyền.",
        "Hàng năm",
    ),
    (
        "Hàng quý chỉ đạo tổ chức rà soát, đánh giá và báo cáo kết quả thực hiện Nghị quyết số 66-NQ/TW.",
        "Hàng quý",
    ),
    (
        "Tập trung rà soát tổng thể (bao gồm toàn bộ các văn bản đã ban hành còn hiệu lực và chưa có hiệu "
        "lực tính đến hết ngày 31/10/2026); hoàn thành và báo cáo kết quả gửi Trung ương trước thời hạn so "
        "với quy định tại Quyết định số 05/QĐ-BCĐ ngày 10/4/2026 của Ban Chỉ đạo Trung ương. Hằng tháng "
        "(trước ngày 16) báo cáo kết quả và tiến độ thực hiện về cơ quan thường trực.",
        "Hằng tháng (trước ngày 16)",
    ),
    (
        "Người đứng đầu phải chịu trách nhiệm về việc thực hiện các nhiệm vụ nêu tại mục (1),(2) nêu trên. "
        "Hằng tuần (trước 15h ngày thứ Năm) báo cáo kết quả và tiến độ thực hiện về cơ quan thường trực.",
        "Hằng tuần (trước 15h ngày thứ Năm)",
    ),
    (
        "Các phòng, ban có trách nhiệm rà soát các chương trình, kế hoạch hành động để điều chỉnh, đồng bộ "
        "thống nhất với chương trình, kế hoạch hành động thực hiện Nghị quyết này, hoàn thành trong năm 2026.",
        "hoàn thành trong năm 2026",
    ),
    (
        "Các sở, ban, ngành có trách nhiệm rà soát các chương trình, kế hoạch đã ban hành để điều chỉnh, đồng "
        "bộ thống nhất với Kế hoạch này, hoàn thành trong tháng 9 năm 2025.",
        "hoàn thành trong tháng 9 năm 2025",
    ),
    (
        "Giao Ban Nội chính Tỉnh ủy theo dõi, đôn đốc; định kỳ báo cáo kết quả thực hiện với Ban Thường vụ "
        "Tỉnh ủy theo quy định; tham mưu Ban Thường vụ Tỉnh ủy 03 năm sơ kết, 05 năm tổng kết việc thực hiện Chỉ thị.",
        "03 năm sơ kết, 05 năm tổng kết",
    ),
    (
        "Các sở xây dựng kế hoạch và tổ chức thực hiện; trước ngày 23 hàng tháng hoặc theo yêu cầu của cơ "
        "quan có thẩm quyền, báo cáo đánh giá tình hình và kết quả triển khai thực hiện nhiệm vụ.",
        "trước ngày 23 hàng tháng hoặc theo yêu cầu của cơ quan có thẩm quyền",
    ),
    (
        "Thường xuyên rà soát quy hoạch và kiện toàn cơ cấu lãnh đạo, vị trí việc làm của đội ngũ cán bộ.",
        "Thường xuyên",
    ),
    (
        "Thực hiện thường xuyên việc kiểm tra, rà soát, hệ thống hóa văn bản quy phạm pháp luật.",
        "thường xuyên",
    ),
    (
        "Tăng cường đối thoại, tiếp nhận, lắng nghe phản ánh, kiến nghị; thường xuyên đánh giá hiệu quả của "
        "pháp luật sau ban hành.",
        "thường xuyên",
    ),
    (
        "Phòng Kinh tế chủ trì bảo đảm nguồn kinh phí thực hiện hằng năm theo Nghị quyết số 66-NQ/TW và Nghị "
        "quyết 197/2025/QH15.",
        "hằng năm",
    ),
    (
        "Sở Tài chính chủ trì bảo đảm nguồn kinh phí thực hiện hàng năm theo Nghị quyết số 66-NQ/TW.",
        "hàng năm",
    ),
    (
        "Các khoa phối hợp theo dõi, đôn đốc sinh viên được chọn mẫu hoàn thành khảo sát trong thời gian quy "
        "định; kịp thời phản hồi các khó khăn, vướng mắc.",
        "trong thời gian quy định",
    ),
    (
        "Tổng hợp kết quả, tham mưu báo cáo kết quả khảo sát theo đúng thời hạn quy định.",
        "theo đúng thời hạn quy định",
    ),
    (
        "Phối hợp truyền thông, hỗ trợ các khoa trong quá trình đôn đốc sinh viên tham gia khảo sát đúng "
        "thời gian quy định.",
        "đúng thời gian quy định",
    ),
    (
        "Phối hợp cung cấp, rà soát thông tin sinh viên thuộc 05 khoa được chọn khảo sát khi có đề nghị của "
        "Trung tâm Quản lý chất lượng.",
        "khi có đề nghị của Trung tâm Quản lý chất lượng",
    ),
    (
        "Trong quá trình thực hiện nếu có vấn đề chưa rõ, các đơn vị gửi ý kiến về Trung tâm Quản lý chất lượng.",
        "Trong quá trình thực hiện nếu có vấn đề chưa rõ",
    ),
    # other wordings
    ("Gửi báo cáo về Sở Tư pháp, trước ngày 15/12/2026.", "trước ngày 15/12/2026"),
    ("Các đơn vị báo cáo trước ngày 15/12/2026.", "trước ngày 15/12/2026"),
    ("Các đơn vị gửi báo cáo chậm nhất ngày 20/11/2026.", "chậm nhất ngày 20/11/2026"),
    ("Xây dựng đề án, hoàn thành trong Quý III/2026.", "hoàn thành trong Quý III/2026"),
    ("Định kỳ 06 tháng, báo cáo UBND tỉnh.", "Định kỳ 06 tháng"),
    ("Ngay sau khi Kế hoạch được ban hành, các sở xây dựng kế hoạch.", "Ngay sau khi Kế hoạch được ban hành"),
    (unicodedata.normalize("NFD", "Hằng quý báo cáo UBND tỉnh."), "Hằng quý"),
]

PROSE_NEGATIVES = [
    # context years and dates, dates of cited documents
    "Chỉ đạo các đơn vị rà soát các nhiệm vụ trong Kế hoạch số 444/KH-UBND đã đăng ký thực hiện năm 2026.",
    "Tổ chức sơ kết việc thực hiện Nghị quyết số 66-NQ/TW ngày 30/4/2025 của Bộ Chính trị.",
    "Bảo đảm quyền thực thi hợp đồng theo yêu cầu của Nghị quyết số 68-NQ/TW ngày 04 tháng 5 năm 2025 của Bộ Chính trị.",
    "Rà soát các văn bản ban hành trước ngày 01/7/2025 để sửa đổi, bổ sung.",
    "Rà soát toàn bộ văn bản còn hiệu lực tính đến hết ngày 31/10/2026.",
    # "thường xuyên", "hằng năm" that describe something else
    "Xây dựng, ban hành và triển khai kế hoạch tuyên truyền thường xuyên, sâu rộng Nghị quyết số 66-NQ/TW.",
    "Xác định công tác xây dựng pháp luật là nhiệm vụ trọng tâm, xuyên suốt, thường xuyên của các sở, ban, ngành.",
    "Thực hiện việc hỗ trợ hằng tháng cho các đối tượng trực tiếp, thường xuyên làm công tác tham mưu.",
    "Bảo đảm chi cho công tác xây dựng pháp luật không thấp hơn 0,5% tổng chi ngân sách hằng năm của địa phương.",
    "Xác định việc xây dựng pháp luật là nhiệm vụ trọng tâm, ưu tiên hàng đầu trong công tác lãnh đạo.",
    "Đẩy mạnh công tác kiểm tra, giám sát, định kỳ đánh giá kết quả thực hiện.",
    # event wordings that are steps or circumstances, not deadlines
    "Triển khai hiệu quả Đề án “Đổi mới, nâng cao chất lượng công tác xây dựng pháp luật” sau khi ban hành.",
    "Sinh viên trả lời đầy đủ các câu hỏi trong phiếu khảo sát; sau khi hoàn thành, gửi phiếu khảo sát trên hệ thống.",
    "Hỗ trợ kỹ thuật và liên hệ đầu mối của Bộ Giáo dục và Đào tạo khi cần thiết.",
    "Quá trình sắp xếp tổ chức bộ máy và bố trí vị trí việc làm, tiếp tục quan tâm rà soát, đánh giá cán bộ.",
    "Kịp thời tháo gỡ khó khăn, vướng mắc trong quá trình tổ chức thực hiện.",
    "Trong phân công nhiệm vụ phải xác định người đứng đầu các sở, ban, ngành.",
    "Sở Tư pháp hướng dẫn, theo dõi, đôn đốc việc triển khai Kế hoạch này, tham mưu báo cáo theo quy định.",
    # an impossible date is not a deadline
    "Hoàn thành việc rà soát, xong trước ngày 30/2/2026.",
    "",
]


@pytest.mark.parametrize(("sentence", "phrase"), PROSE_POSITIVES)
def test_find_deadline_phrase(sentence, phrase):
    assert find_deadline_phrase(sentence) == phrase


@pytest.mark.parametrize("sentence", PROSE_NEGATIVES)
def test_find_deadline_phrase_returns_none_when_no_deadline(sentence):
    assert find_deadline_phrase(sentence) is None


@pytest.mark.parametrize(("sentence", "phrase"), PROSE_POSITIVES)
def test_found_phrase_is_understood(sentence, phrase):
    """What the finder returns, the parser reads: the pipeline chains the two."""
    found = find_deadline_phrase(sentence)
    assert found is not None
    assert parse_deadline(found).parsed


# ------------------------------------------------------------------------------------------------
# Knowledge is data
# ------------------------------------------------------------------------------------------------


def test_vocabulary_file_has_every_section():
    words = deadlines._words()
    for key in ("period_words", "quarter_numbers", "halves", "recurrence_units", "weekdays", "event_words"):
        assert words[key], key
    assert set(words["weekdays"].values()) == {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
    assert {u["freq"] for u in words["recurrence_units"].values()} <= {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


def _code_strings(tree: ast.AST) -> list[str]:
    """String literals of a module, docstrings excluded."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_no_vietnamese_word_is_hard_coded():
    source = deadlines.__file__
    with open(source, encoding="utf-8") as fh:
        strings = _code_strings(ast.parse(fh.read()))
    vietnamese = [s for s in strings if any(ord(ch) > 127 and ch.isalpha() for ch in s)]
    assert vietnamese == []


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [
        ("Công bố kết quả rà soát trước ngày 30/6/2026.", "trước ngày 30/6/2026"),
        ("Gửi báo cáo về Sở Tư pháp trước ngày 20/11/2026 để tổng hợp.", "trước ngày 20/11/2026"),
        ("Các văn bản ban hành trước ngày 01/7/2025 cần được rà soát.", None),
        ("Xử lý các vụ việc phát sinh trước ngày 01/01/2026 theo quy định.", None),
    ],
)
def test_a_dated_before_phrase_is_a_deadline_anywhere_but_after_a_past_event(sentence, phrase):
    assert find_deadline_phrase(sentence) == phrase


@pytest.mark.parametrize(
    ("raw", "kind", "start", "end", "rrule"),
    [
        ("Quý III-IV/2026", "range", "2026-07-01", "2026-12-31", None),
        ("Quý I, II/2026", "range", "2026-01-01", "2026-06-30", None),
        ("Tháng 8-9/2026", "range", "2026-08-01", "2026-09-30", None),
        ("Tháng 8 - 9 năm 2026", "range", "2026-08-01", "2026-09-30", None),
        ("Tháng 6 và tháng 12 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=6,12"),
    ],
)
def test_periods_sharing_one_year_and_several_months_a_year(raw, kind, start, end, rrule):
    d = parse_deadline(raw)
    assert (d.kind, d.start, d.end, d.recurrence) == (kind, start, end, rrule)
