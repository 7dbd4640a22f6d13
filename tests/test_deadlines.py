"""Deadline wordings → kind/start/end/RRULE, and finding the deadline phrase in a prose task.

Each table row is an example of use: what an office writes, and what the dataset must say.
"""

from __future__ import annotations

import unicodedata

import pytest

from normalizers import deadlines
from normalizers.deadlines import Deadline, find_deadline_phrase, parse_deadline, year_in_heading


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

# The rest of the gold timeframe_raw values (dev and real), with the gold values; the real plans bring
# relative days ("Trước ngày 05 của tháng liền kề"), cells that point elsewhere ("Theo hướng dẫn …"),
# several yearly duties in one cell (the first decides) and open starts ("Bắt đầu thực hiện từ năm 2026").
MORE_GOLD_TIMEFRAMES = [
    ("hoàn thành trước ngày 30/7/2026", "date", None, "2026-07-30", None),
    ("thực hiện thường xuyên", "ongoing", None, None, None),
    ("trong quý III/2026", "quarter", "2026-07-01", "2026-09-30", None),
    ("trong tháng 9/2026", "month", "2026-09-01", "2026-09-30", None),
    ("trước ngày 15/10/2026", "date", None, "2026-10-15", None),
    ("hoàn thành trong 6 tháng cuối năm 2026", "half", "2026-07-01", "2026-12-31", None),
    ("trước ngày 25 hằng tháng", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=25"),
    ("định kỳ hằng quý và đột xuất khi có yêu cầu", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("hoàn thành trước ngày 30/9/2026", "date", None, "2026-09-30", None),
    ("hoàn thành trong quý III/2026", "quarter", "2026-07-01", "2026-09-30", None),
    ("định kỳ 06 tháng", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("hoàn thành trước ngày 15 tháng 12 năm 2026", "date", None, "2026-12-15", None),
    ("hoàn thành trong tháng 7/2026", "month", "2026-07-01", "2026-07-31", None),
    ("hoàn thành trước 31/8/2026", "date", None, "2026-08-31", None),
    ("hoàn thành trước ngày 30/6/2026", "date", None, "2026-06-30", None),
    ("trước ngày 05 tháng 12 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=5"),
    ("trước ngày 10 tháng 12 năm 2026", "date", None, "2026-12-10", None),
    ("trước ngày 15/3/2026", "date", None, "2026-03-15", None),
    ("Quý III/2026", "quarter", "2026-07-01", "2026-09-30", None),
    ("6 tháng đầu năm 2027", "half", "2027-01-01", "2027-06-30", None),
    ("Năm 2026 - 2030", "range", "2026-01-01", "2030-12-31", None),
    ("Trước 30/6/2026", "date", None, "2026-06-30", None),
    ("quý IV năm 2026", "quarter", "2026-10-01", "2026-12-31", None),
    ("Sau khi Nghị quyết của HĐND thành phố được ban hành", "event", None, None, None),
    ("Quý II - III/2026", "range", "2026-04-01", "2026-09-30", None),
    ("Định kỳ hằng tháng", "recurring", None, None, "FREQ=MONTHLY"),
    ("Năm 2026 và các năm tiếp theo", "ongoing", "2026-01-01", None, None),
    ("Trong năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("2026 - 2028", "range", "2026-01-01", "2028-12-31", None),
    ("Tháng 11/2026", "month", "2026-11-01", "2026-11-30", None),
    ("Tháng 10 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=10"),
    ("Trước 10/01/2026", "date", None, "2026-01-10", None),
    ("Trước ngày 20/01/2026", "date", None, "2026-01-20", None),
    ("Theo tiến độ của dự án", "event", None, None, None),
    ("Trước ngày 20 hằng tháng", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=20"),
    ("Tháng 7/2026", "month", "2026-07-01", "2026-07-31", None),
    ("Tháng 8 - 9/2026", "range", "2026-08-01", "2026-09-30", None),
    ("Trước ngày 15/11/2026", "date", None, "2026-11-15", None),
    ("Tháng 10/2026", "month", "2026-10-01", "2026-10-31", None),
    ("Tháng 8/2026", "month", "2026-08-01", "2026-08-31", None),
    ("Hằng năm (trước 15/12)", "recurring", None, None, "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"),
    ("Trước ngày 31/01/2027", "date", None, "2027-01-31", None),
    ("Đến hết năm 2026", "year", "2026-01-01", "2026-12-31", None),
    ("Ngay sau khi có hướng dẫn của Bộ", "event", None, None, None),
    ("trước ngày 30/4/2026", "date", None, "2026-04-30", None),
    ("định kỳ hằng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
    ("trước ngày 15 tháng 11 hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"),
    ("Tháng 10 - 12/2026", "range", "2026-10-01", "2026-12-31", None),
    ("Giai đoạn 2026 - 2030", "range", "2026-01-01", "2030-12-31", None),
    ("Năm 2026 - 2027", "range", "2026-01-01", "2027-12-31", None),
    ("Tháng 9/2026", "month", "2026-09-01", "2026-09-30", None),
    ("2026 - 2030", "range", "2026-01-01", "2030-12-31", None),
    ("Quý IV hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=10,11,12"),
    ("Trước 30/9/2026", "date", None, "2026-09-30", None),
    ("2026 - 2027", "range", "2026-01-01", "2027-12-31", None),
    ("Trước ngày 31/12/2026", "date", None, "2026-12-31", None),
    ("Tháng 12/2026", "month", "2026-12-01", "2026-12-31", None),
    ("Quý II hằng năm", "recurring", None, None, "FREQ=YEARLY;BYMONTH=4,5,6"),
    ("Trước 31/7/2026", "date", None, "2026-07-31", None),
    ("Trước ngày 05 hằng tháng", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=5"),
    ("Tháng 8 - 10/2026", "range", "2026-08-01", "2026-10-31", None),
    ("hoàn thành trước ngày 15/5/2026", "date", None, "2026-05-15", None),
    ("trong quý II/2026", "quarter", "2026-04-01", "2026-06-30", None),
    ("trước ngày 20 hằng tháng", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=20"),
    ("Quá trình thực hiện nếu có khó khăn, vướng mắc", "event", None, None, None),
    ("chậm nhất là ngày 23 tháng 01 năm 2026", "date", None, "2026-01-23", None),
    ("Sau khi hoàn thành việc nhập danh sách", "event", None, None, None),
    (
        "Trong quá trình các nhóm đối tượng nhận phiếu khảo sát qua hòm thư điện tử và thực hiện trả lời phiếu; trong thời hạn quy định",
        "event",
        None,
        None,
        None,
    ),
    (
        "chậm nhất là ngày 19 tháng 12 năm 2025; chậm nhất là ngày 26 tháng 01 năm 2026",
        "date",
        None,
        "2025-12-19",
        None,
    ),
    ("chậm nhất là ngày 20 tháng 12 năm 2025", "date", None, "2025-12-20", None),
    ("định kỳ hằng tuần", "recurring", None, None, "FREQ=WEEKLY"),
    ("trong quý I năm 2026", "quarter", "2026-01-01", "2026-03-31", None),
    ("chậm nhất là ngày 15/4/2026", "date", None, "2026-04-15", None),
    (
        "Theo Điều 17 Nghị định số 52/2015/NĐ-CP ngày 28/5/2015 của Chính phủ cơ sở dữ liệu quốc gia về pháp luật",
        "event",
        None,
        None,
        None,
    ),
    ("Trước ngày 31/01 năm liền kề", "recurring", None, None, "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31"),
    ("Theo Kế hoạch rà soát, đánh giá thủ tục hành chính hằng năm của tỉnh", "event", None, None, None),
    (
        "Theo các mốc thời gian tại Quyết định số 1441/QĐ-UBND ngày 25/9/2025 của Chủ tịch UBND tỉnh",
        "event",
        None,
        None,
        None,
    ),
    (
        "Sau 03 tháng kể từ khi có văn bản của Trung ương hoặc Quyết định liên quan của cơ quan có thẩm quyền",
        "event",
        None,
        None,
        None,
    ),
    (
        "Theo các mốc thời gian tại Phương án số 7178/PA-UBND ngày 14/11/2025 của UBND tỉnh",
        "event",
        None,
        None,
        None,
    ),
    ("Theo kế hoạch của tỉnh", "event", None, None, None),
    ("Theo hướng dẫn của Trung ương", "event", None, None, None),
    (
        "Ban hành kế hoạch chậm nhất là ngày 31/12 năm trước liền kề và tổ chức mở lớp theo kế hoạch đề ra.",
        "recurring",
        None,
        None,
        "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    ),
    (
        "Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện",
        "recurring",
        None,
        None,
        "FREQ=YEARLY;BYMONTH=1",
    ),
    ("Thực hiện thường xuyên khi có yêu cầu của bộ, ngành Trung ương.", "ongoing", None, None, None),
    ("Báo cáo định kỳ theo thời gian quy định; thực hiện hằng năm", "recurring", None, None, "FREQ=YEARLY"),
    ("Trong quý I năm 2026", "quarter", "2026-01-01", "2026-03-31", None),
    (
        "Theo các mốc thời gian tại Quyết định số 1737/QĐ-UBND ngày 17/10/2025 của Chủ tịch UBND tỉnh",
        "event",
        None,
        None,
        None,
    ),
    ("Bắt đầu thực hiện từ năm 2026", "ongoing", "2026-01-01", None, None),
    ("Ban hành kế hoạch chậm nhất là ngày 15/4/2026 và tổ chức thực hiện", "date", None, "2026-04-15", None),
    (
        "Ban hành kế hoạch trong tháng 01 hằng năm; tổ chức kiểm tra chậm nhất trong tháng 6 hằng năm và báo cáo kết quả khắc phục các tồn tại, hạn chế phát hiện qua kiểm tra chậm nhất trong tháng 8 hằng năm",
        "recurring",
        None,
        None,
        "FREQ=YEARLY;BYMONTH=1",
    ),
    (
        "Ban hành kế hoạch trong tháng 01 hằng năm và tổ chức thực hiện.",
        "recurring",
        None,
        None,
        "FREQ=YEARLY;BYMONTH=1",
    ),
    (
        "Triển khai thực hiện sáng kiến, mô hình, giải pháp và báo cáo kết quả thực hiện chậm nhất trong tháng 9 hằng năm",
        "recurring",
        None,
        None,
        "FREQ=YEARLY;BYMONTH=9",
    ),
    ("Thường xuyên trong tháng", "ongoing", None, None, None),
    ("Trước ngày 05 của tháng liền kề", "recurring", None, None, "FREQ=MONTHLY;BYMONTHDAY=5"),
    ("Hằng năm và giai đoạn", "recurring", None, None, "FREQ=YEARLY"),
    ("thường xuyên, liên tục", "ongoing", None, None, None),
    ("hoàn thành trong tháng 4/2026; ít nhất 01 lần/tháng", "month", "2026-04-01", "2026-04-30", None),
    (
        "mỗi năm tại mỗi trường tổ chức ít nhất 1 buổi vào tuần đầu của tháng đầu năm học",
        "recurring",
        None,
        None,
        "FREQ=YEARLY",
    ),
    ("mỗi học kỳ tổ chức ít nhất 1 buổi/cơ sở giáo dục", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=6"),
    ("sau khi được triển khai", "event", None, None, None),
    (
        "hoàn thành trước ngày 30/3/2026; Định kỳ 6 tháng, 1 năm hoặc đột xuất theo chỉ đạo của Thủ tướng Chính phủ",
        "date",
        None,
        "2026-03-30",
        None,
    ),
    (
        "Định kỳ phát sóng mỗi tháng 02 chuyên mục vào thời gian từ 20 giờ 15 phút đến 20 giờ 45 phút tối thứ Sáu tuần thứ 2 và tối thứ Sáu tuần thứ 4 hàng tháng",
        "recurring",
        None,
        None,
        "FREQ=MONTHLY;BYDAY=2FR,4FR",
    ),
    ("định kỳ phát sóng (mỗi tháng 02 chuyên mục)", "recurring", None, None, "FREQ=MONTHLY"),
    ("chậm nhất là ngày 30/01/2026", "date", None, "2026-01-30", None),
    ("hằng quý", "recurring", None, None, "FREQ=MONTHLY;INTERVAL=3"),
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


@pytest.mark.parametrize(("raw", "kind", "start", "end", "rrule"), MORE_GOLD_TIMEFRAMES)
def test_more_gold_timeframes(raw, kind, start, end, rrule):
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
    for key in (
        "period_words",
        "quarter_numbers",
        "halves",
        "recurrence_units",
        "weekdays",
        "event_words",
        "period_parts",
        "name_nouns",
        "relative_suffixes",
        "open_start_leads",
    ):
        assert words[key], key
    assert set(words["weekdays"].values()) == {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
    assert {u["freq"] for u in words["recurrence_units"].values()} <= {"YEARLY", "MONTHLY", "WEEKLY", "DAILY"}


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


# ------------------------------------------------------------------------------------------------
# The grammar composes: a day, a period, a recurrence, a part, a range, a relative period
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "rrule"),
    [
        # a yearless day or period + a yearly recurrence → BYMONTH (+ BYMONTHDAY)
        ("trước ngày 05 tháng 12 hằng năm", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=5"),
        ("trước ngày 15 tháng 11 hằng năm", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=15"),
        ("Hằng năm (trước 15/12)", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"),  # the day may come after
        ("Hằng năm, chậm nhất là 20/11", "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=20"),
        ("Quý I hằng năm", "FREQ=YEARLY;BYMONTH=1,2,3"),
        ("trong tháng 01 hằng năm", "FREQ=YEARLY;BYMONTH=1"),
        # a day + a monthly recurrence → BYMONTHDAY
        ("trước ngày 23 hàng tháng", "FREQ=MONTHLY;BYMONTHDAY=23"),
        ("Hằng tháng, trước ngày 20", "FREQ=MONTHLY;BYMONTHDAY=20"),
        # "định kỳ" + a count or a recurrence
        ("định kỳ 06 tháng", "FREQ=MONTHLY;INTERVAL=6"),
        ("định kỳ hằng quý", "FREQ=MONTHLY;INTERVAL=3"),
        (
            "định kỳ hằng quý và đột xuất khi có yêu cầu",
            "FREQ=MONTHLY;INTERVAL=3",
        ),  # recurring wins over the event
        ("định kỳ hằng năm", "FREQ=YEARLY"),
        ("Định kỳ 6 tháng, 1 năm hoặc đột xuất", "FREQ=MONTHLY;INTERVAL=6"),  # the first interval decides
        ("hằng tháng", "FREQ=MONTHLY"),
        ("hằng tuần", "FREQ=WEEKLY"),
        ("mỗi học kỳ", "FREQ=MONTHLY;INTERVAL=6"),
        ("Theo quý", "FREQ=MONTHLY;INTERVAL=3"),  # "theo" + a unit is a recurrence, not a pointer elsewhere
        # so many times per unit
        ("ít nhất 01 lần/tháng", "FREQ=MONTHLY"),
        ("2 lần mỗi năm", "FREQ=YEARLY"),
        # weekdays, and weekdays of a given week of the month
        ("Mỗi tuần vào thứ Hai", "FREQ=WEEKLY;BYDAY=MO"),
        ("Hằng tháng vào thứ Sáu tuần thứ 2", "FREQ=MONTHLY;BYDAY=2FR"),
        ("tối thứ Sáu tuần thứ 2 và tối thứ Sáu tuần thứ 4 hàng tháng", "FREQ=MONTHLY;BYDAY=2FR,4FR"),
        # a day of the adjacent period, every period
        ("Trước ngày 31/01 năm liền kề", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=31"),
        ("chậm nhất là ngày 31/12 năm trước liền kề", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31"),
        ("Trước ngày 05 của tháng liền kề", "FREQ=MONTHLY;BYMONTHDAY=5"),
        # each recurrence governs its own clause: the first decides
        ("Tháng 6 và tháng 12 hằng năm", "FREQ=YEARLY;BYMONTH=6,12"),
        (
            "Tháng 10 - tháng 12 hằng năm",
            "FREQ=YEARLY;BYMONTH=10,11,12",
        ),  # a yearless range: every month in it
        ("Hằng năm, từ tháng 10 đến tháng 12", "FREQ=YEARLY;BYMONTH=10,11,12"),
        (
            "trước ngày 15/6 và 15/12 hằng năm",
            "FREQ=YEARLY;BYMONTH=6,12;BYMONTHDAY=15",
        ),  # one day, two months
        ("trước ngày 15/6 và 30/11 hằng năm", "FREQ=YEARLY;BYMONTH=6,11"),  # two days: RRULE keeps the months
        ("trong tháng 01 hằng năm; kiểm tra trong tháng 6 hằng năm", "FREQ=YEARLY;BYMONTH=1"),
        ("tháng 3 hằng năm và báo cáo trong tháng 8 hằng năm", "FREQ=YEARLY;BYMONTH=3"),
    ],
)
def test_recurrences_compose(raw, rrule):
    assert _as_tuple(parse_deadline(raw)) == ("recurring", None, None, rrule)


@pytest.mark.parametrize(
    ("raw", "kind", "start", "end"),
    [
        # ranges, with or without "Giai đoạn", "Từ … đến …", en dash
        ("2026-2030", "range", "2026-01-01", "2030-12-31"),
        ("Năm 2026 - 2030", "range", "2026-01-01", "2030-12-31"),
        ("giai đoạn 2026 – 2030", "range", "2026-01-01", "2030-12-31"),
        ("Từ năm 2026 đến năm 2030", "range", "2026-01-01", "2030-12-31"),
        ("Từ 2026 đến 2030", "range", "2026-01-01", "2030-12-31"),
        ("Từ tháng 3 đến tháng 6/2026", "range", "2026-03-01", "2026-06-30"),
        ("29/6/2026 - 09/7/2026", "range", "2026-06-29", "2026-07-09"),
        ("Tháng 12/2026 - Tháng 3/2027", "range", "2026-12-01", "2027-03-31"),
        # two periods of one unit sharing one year, listed or ranged
        ("Quý I, quý II năm 2026", "range", "2026-01-01", "2026-06-30"),
        ("Quý I và quý II/2026", "range", "2026-01-01", "2026-06-30"),
        ("Tháng 3, tháng 4 năm 2026", "range", "2026-03-01", "2026-04-30"),
        # "by" a year: that year
        ("Đến năm 2030", "year", "2030-01-01", "2030-12-31"),
        ("đến hết năm 2027", "year", "2027-01-01", "2027-12-31"),
        # an open start runs on from the first day of its period
        ("Bắt đầu thực hiện từ năm 2026", "ongoing", "2026-01-01", None),
        ("Từ quý II/2026", "ongoing", "2026-04-01", None),
        ("Từ ngày 01/3/2026", "ongoing", "2026-03-01", None),
        # a part of a period (period_parts in the YAML): the range of that part
        ("cuối năm 2026", "range", "2026-10-01", "2026-12-31"),
        ("đầu năm 2026", "range", "2026-01-01", "2026-03-31"),
        ("giữa năm 2026", "range", "2026-04-01", "2026-09-30"),
        ("đầu quý III/2026", "range", "2026-07-01", "2026-07-31"),
        ("cuối quý IV/2026", "range", "2026-12-01", "2026-12-31"),
        ("giữa tháng 6/2026", "range", "2026-06-11", "2026-06-20"),
        ("cuối tháng 2/2028", "range", "2028-02-21", "2028-02-29"),
        ("6 tháng cuối năm 2026", "half", "2026-07-01", "2026-12-31"),  # a half is no part of a year
        # events: an offset from an event, an occasion whose date moves, a cell pointing elsewhere
        ("Sau 03 tháng kể từ ngày Kế hoạch ban hành", "event", None, None),
        ("Sau 03 tháng kể từ ngày 01/7/2026", "event", None, None),
        ("Trong vòng 30 ngày kể từ ngày ban hành Kế hoạch", "event", None, None),
        ("trong thời gian 05 ngày làm việc kể từ ngày nhận được hồ sơ", "event", None, None),
        ("Trước Tết Nguyên đán", "event", None, None),
        ("Trước Tết Nguyên đán 2027", "event", None, None),  # the year names the Tết, not a deadline
        ("Theo hướng dẫn của Trung ương", "event", None, None),
        ("Theo Kế hoạch cải cách hành chính năm 2026", "event", None, None),
        (
            "Trong quá trình thực hiện; trong thời hạn quy định",
            "event",
            None,
            None,
        ),  # an event beats the vague
    ],
)
def test_periods_ranges_parts_and_events(raw, kind, start, end):
    d = parse_deadline(raw)
    assert (d.kind, d.start, d.end, d.recurrence, d.parsed) == (kind, start, end, None, True)


@pytest.mark.parametrize(
    "raw",
    [
        "Kế hoạch cải cách hành chính năm 2026",  # a year in a name is no deadline
        "ngày 23 tháng 1",  # no year, and none given
        "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1",
    ],
)
def test_still_flagged_without_a_year(raw):
    assert parse_deadline(raw) == Deadline("unspecified", None, None, None, False)


# ------------------------------------------------------------------------------------------------
# A year given only elsewhere (a column heading "Thời gian (Năm 2026)")
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ngày 23 tháng 1", ("date", None, "2026-01-23", None)),
        (
            "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1",
            ("date", None, "2026-01-23", None),
        ),  # time ignored
        ("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 25 tháng 12", ("date", None, "2026-12-25", None)),
        ("nhân ngày Chuyển đổi số Quốc gia 10/10", ("date", None, "2026-10-10", None)),
        ("Tháng 9", ("month", "2026-09-01", "2026-09-30", None)),
        ("Quý II", ("quarter", "2026-04-01", "2026-06-30", None)),
        ("Từ ngày 29/6 đến ngày 09/7", ("range", "2026-06-29", "2026-07-09", None)),
        # a written year still wins, and a recurrence keeps its period yearless
        ("Tháng 3/2027", ("month", "2027-03-01", "2027-03-31", None)),
        ("Quý I hằng năm", ("recurring", None, None, "FREQ=YEARLY;BYMONTH=1,2,3")),
        ("Thường xuyên", ("ongoing", None, None, None)),
    ],
)
def test_default_year_places_a_yearless_period(raw, expected):
    assert _as_tuple(parse_deadline(raw, default_year=2026)) == expected


def test_default_year_does_not_make_an_impossible_date():
    assert parse_deadline("ngày 30 tháng 2", default_year=2026).parsed is False


@pytest.mark.parametrize(
    ("heading", "year"),
    [
        ("Thời gian (Năm 2026)", 2026),
        ("Thời gian thực hiện năm 2026", 2026),
        ("Thời gian thực hiện", None),
        ("Thời gian (2026 - 2030)", None),  # a span gives no single year
        ("Giai đoạn 2026-2030", None),
        ("", None),
        (None, None),
    ],
)
def test_year_in_heading(heading, year):
    assert year_in_heading(heading) == year


# ------------------------------------------------------------------------------------------------
# Prose: more positions a deadline takes, and names that carry a year
# ------------------------------------------------------------------------------------------------

MORE_PROSE_POSITIVES = [
    (
        "Phòng Văn hóa - Xã hội chủ trì tổ chức các lớp hướng dẫn kỹ năng bán hàng trực tuyến cho hộ kinh doanh, "
        "tiểu thương tại các chợ trên địa bàn trong quý III/2026.",
        "trong quý III/2026",
    ),
    (
        "Văn phòng HĐND và UBND phường tham mưu Chủ tịch Ủy ban nhân dân phường tổ chức Hội nghị đối thoại với "
        "cộng đồng doanh nghiệp, hộ kinh doanh trong tháng 9/2026.",
        "trong tháng 9/2026",
    ),
    (
        "Phòng Kế hoạch - Tài chính cân đối, bố trí kinh phí thực hiện Kế hoạch, trình Giám đốc Sở phê duyệt "
        "trong quý II/2026.",
        "trong quý II/2026",
    ),
    (
        "Giao Văn phòng Ủy ban nhân dân tỉnh thường xuyên theo dõi, đôn đốc. Hoàn thành và đưa Trung tâm IOC "
        "vào hoạt động trong quý I năm 2026.",
        "trong quý I năm 2026",  # the concrete deadline beats the ongoing adverb
    ),
    (
        "Giao Phòng Kinh tế theo dõi, đôn đốc các cơ quan, đơn vị thực hiện Văn bản này; tổng hợp, báo cáo Ủy ban "
        "nhân dân phường định kỳ hằng quý và đột xuất khi có yêu cầu.",
        "định kỳ hằng quý và đột xuất khi có yêu cầu",
    ),
    (
        "Thanh tra tỉnh thanh tra trách nhiệm thực hiện quy định về thủ tục hành chính; báo cáo kết quả với Chủ "
        "tịch Ủy ban nhân dân tỉnh định kỳ 06 tháng.",
        "định kỳ 06 tháng",
    ),
    (
        "Giao Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện Chỉ thị này; tổng hợp kết quả, báo "
        "cáo Chủ tịch Ủy ban nhân dân tỉnh trước ngày 05 tháng 12 hằng năm.",
        "trước ngày 05 tháng 12 hằng năm",
    ),
    (
        "Sở Tài chính tham mưu bố trí kinh phí thực hiện Kế hoạch theo phân cấp ngân sách, báo cáo Ủy ban nhân "
        "dân tỉnh trước ngày 15 tháng 11 hằng năm.",
        "trước ngày 15 tháng 11 hằng năm",
    ),
    (
        "Trung tâm Phục vụ hành chính công phường hỗ trợ hộ kinh doanh thực hiện thủ tục trên môi trường điện "
        "tử; thực hiện thường xuyên.",
        "thực hiện thường xuyên",  # a clause of only a verb and a time word: the clause is the phrase
    ),
    (
        "Thủ trưởng các cơ quan, đơn vị, địa phương định kỳ hằng tuần tổ chức rà soát, theo dõi tình hình giải "
        "quyết thủ tục hành chính.",
        "định kỳ hằng tuần",
    ),
    (
        "Cơ quan, đơn vị được giao nhiệm vụ tại Phụ lục kèm theo Kế hoạch này thường xuyên kiểm tra, đôn đốc và "
        "hướng dẫn các cơ quan, đơn vị, địa phương.",
        "thường xuyên",  # an ongoing adverb right before the task's verb
    ),
    (
        "Triển khai các hoạt động tại địa bàn; phải thực hiện quyết liệt, đồng bộ, thường xuyên, liên tục công "
        "tác chuyển hóa tình hình tội phạm và tệ nạn ma túy.",
        "thường xuyên, liên tục",
    ),
    (
        "Riêng đối với các đơn vị sự nghiệp công lập thuộc UBND tỉnh, hằng quý có ít nhất 01 tin, bài về thực "
        "hiện CCHC gửi đăng trên Trang thông tin CCHC của tỉnh.",
        "hằng quý",  # after a comma
    ),
    (
        "Tổ chức tuyên truyền cho học sinh cấp trung học trên địa bàn cấp xã. Bảo đảm mỗi học kỳ tổ chức ít "
        "nhất 1 buổi/cơ sở giáo dục.",
        "mỗi học kỳ tổ chức ít nhất 1 buổi/cơ sở giáo dục",
    ),
    (
        "Tổ chức, quảng bá chương trình để các cơ quan, đơn vị biết tham gia chương trình; định kỳ phát sóng "
        "(mỗi tháng 02 chuyên mục).",
        "định kỳ phát sóng (mỗi tháng 02 chuyên mục)",
    ),
    (
        "Đối với chương trình “Đối thoại về cải cách hành chính”: Định kỳ phát sóng mỗi tháng 02 chuyên mục "
        "vào tối thứ Sáu tuần thứ 2 và tối thứ Sáu tuần thứ 4 hàng tháng, Sở Nội vụ thông báo trước nội dung.",
        "Định kỳ phát sóng mỗi tháng 02 chuyên mục vào tối thứ Sáu tuần thứ 2 và tối thứ Sáu tuần thứ 4 hàng tháng",
    ),
    (
        "Quá trình thực hiện nếu có khó khăn, vướng mắc đề nghị Công an các đơn vị, địa phương báo cáo lãnh đạo Bộ.",
        "Quá trình thực hiện nếu có khó khăn",
    ),
    # a label and a colon, "vào", "chậm nhất trong", a part of a period, an open start or range after a verb
    ("Xây dựng đề án chuyển đổi số. Thời gian hoàn thành: Quý IV/2026.", "Quý IV/2026"),
    ("Rà soát thủ tục hành chính. Thời gian thực hiện: hằng quý.", "hằng quý"),
    ("Tổ chức hội nghị sơ kết vào tháng 12/2026.", "vào tháng 12/2026"),
    ("Báo cáo kết quả chậm nhất trong tháng 6/2026.", "chậm nhất trong tháng 6/2026"),
    ("Tổ chức lớp bồi dưỡng vào cuối năm 2026.", "vào cuối năm 2026"),
    ("Triển khai thực hiện từ năm 2026 đến năm 2030.", "từ năm 2026 đến năm 2030"),
    ("Triển khai thực hiện từ năm 2026.", "từ năm 2026"),
    ("Hoàn thành trước Tết Nguyên đán.", "trước Tết Nguyên đán"),
    (
        "Các đơn vị gửi báo cáo về Sở Nội vụ trước ngày 15/6 và 15/12 hằng năm.",
        "trước ngày 15/6 và 15/12 hằng năm",
    ),
    # an event clause that names its event (three words or more); "sau khi ban hành." stays none
    (
        "Rà soát, gửi danh sách về Bộ Nội vụ\nSau khi hoàn thành việc nhập danh sách, các bộ, tỉnh rà soát, kiểm "
        "tra lại danh sách, bảo đảm thông tin chính xác, đầy đủ theo yêu cầu.",
        "Sau khi hoàn thành việc nhập danh sách",
    ),
    (
        "Thực hiện có hiệu quả phần mềm cơ sở dữ liệu về công tác cai nghiện; kết nối đồng bộ với Cơ sở dữ liệu "
        "quốc gia về dân cư và Cơ sở dữ liệu về cư trú sau khi được triển khai.",
        "sau khi được triển khai",
    ),
    (
        "Triển khai Kế hoạch cải cách hành chính năm 2026, hoàn thành trong quý III/2026.",
        "hoàn thành trong quý III/2026",  # the name's year is skipped, the deadline is found
    ),
]

MORE_PROSE_NEGATIVES = [
    # a year inside a name (name_nouns in the YAML)
    "Triển khai Kế hoạch cải cách hành chính năm 2026 trên địa bàn tỉnh.",
    "Điều tra XHH phục vụ xác định Chỉ số CCHC năm 2025 theo hướng dẫn.",
    "Triển khai thực hiện Chương trình mục tiêu quốc gia phòng, chống ma tuý đến năm 2030;",
    "Bố trí dự toán ngân sách năm 2027 để thực hiện.",
    "Đánh giá việc thực hiện kế hoạch năm 2025 và xây dựng kế hoạch năm 2026.",
    # a programme's span is context, not a deadline
    "Thực hiện Kế hoạch cải cách hành chính nhà nước giai đoạn 2026 - 2030 và hằng năm của tỉnh.",
    "Tổ chức tập huấn cho cán bộ trong năm học 2025-2026.",
    # "trước khi có" is another conjunction than "khi có"
    "Tuyệt đối không để xảy ra tình trạng kết thúc quy trình xử lý hồ sơ điện tử trước khi có kết quả giải quyết.",
]


@pytest.mark.parametrize(("sentence", "phrase"), MORE_PROSE_POSITIVES)
def test_find_deadline_phrase_in_more_positions(sentence, phrase):
    found = find_deadline_phrase(sentence)
    assert found == phrase
    assert parse_deadline(found).parsed


@pytest.mark.parametrize("sentence", MORE_PROSE_NEGATIVES)
def test_find_deadline_phrase_skips_names_and_other_conjunctions(sentence):
    assert find_deadline_phrase(sentence) is None


def test_find_deadline_phrase_with_the_documents_year():
    """A prose date without a year counts only when the caller knows the year."""
    sentence = (
        "Sở Khoa học và Công nghệ tổ chức các hoạt động tuyên truyền nhân ngày Chuyển đổi số Quốc gia 10/10."
    )
    assert find_deadline_phrase(sentence) is None
    assert find_deadline_phrase(sentence, default_year=2026) == "nhân ngày Chuyển đổi số Quốc gia 10/10"
