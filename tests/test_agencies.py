"""Agencies: splitting cells, canonical names through the registry, and leads named in prose.

Table-driven: each row is an example an analyst can read. The GOLD_* tables are copied from the
hand-checked gold files of the dev corpus (every distinct lead/support cell, every prose sentence).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from normalizers import agency_registry
from normalizers.agency_cells import AgencyList, normalize_agencies, split_agencies
from normalizers.agency_prose import LeadMention, agency_heading, find_lead_in_sentence
from normalizers.agency_registry import canonical_agency
from normalizers.text import match_key

# ---------------------------------------------------------------------------------------------
# Gold: every distinct (raw cell → canonical list) pair, lead and support alike.

GOLD_CELLS = [
    ("Các sở, ban, ngành cấp tỉnh; UBND cấp xã", ["Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân cấp xã"]),
    ("Sở Tư pháp", ["Sở Tư pháp"]),
    ("Sở Khoa học và Công nghệ", ["Sở Khoa học và Công nghệ"]),
    ("Sở Nội vụ", ["Sở Nội vụ"]),
    ("Công an tỉnh", ["Công an tỉnh"]),
    ("Sở Tài chính", ["Sở Tài chính"]),
    (
        "Các Sở, ban, ngành cấp tỉnh; UBND cấp xã thực hiện; Sở Tư pháp đầu mối tổng hợp",
        ["Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân cấp xã", "Sở Tư pháp"],
    ),
    ("Sở Tư pháp, Sở Ngoại vụ", ["Sở Tư pháp", "Sở Ngoại vụ"]),
    ("Các sở, ban, ngành cấp tỉnh", ["Các sở, ban, ngành cấp tỉnh"]),
    (
        "Sở Tư pháp; các sở, ban, ngành cấp tỉnh; UBND cấp xã",
        ["Sở Tư pháp", "Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân cấp xã"],
    ),
    ("Các tổ chức đại diện cho doanh nghiệp", ["Các tổ chức đại diện cho doanh nghiệp"]),
    (
        "Sở Khoa học và Công nghệ, Sở Tài chính, Sở Tư pháp",
        ["Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"],
    ),
    (
        "Sở Ngoại vụ; các sở, ban, ngành cấp tỉnh; UBND cấp xã",
        ["Sở Ngoại vụ", "Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân cấp xã"],
    ),
    (
        "Văn phòng UBND tỉnh, Sở Khoa học và Công nghệ",
        ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Khoa học và Công nghệ"],
    ),
    ("Các cấp ủy, tổ chức đảng các cấp", ["Các cấp ủy, tổ chức đảng các cấp"]),
    ("Đảng đoàn Hội đồng nhân dân tỉnh", ["Đảng đoàn Hội đồng nhân dân tỉnh"]),
    ("Đảng ủy UBND tỉnh", ["Đảng ủy Ủy ban nhân dân tỉnh"]),
    ("Ban Tuyên giáo và Dân vận Tỉnh ủy", ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội",
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Các tổ chức chính trị - xã hội"],
    ),
    (
        "Các đồng chí Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy",
        ["Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy"],
    ),
    ("Đảng ủy các xã, phường", ["Đảng ủy các xã, phường"]),
    ("các sở, ban, ngành; các xã, phường, đặc khu", ["Các sở, ban, ngành", "Các xã, phường, đặc khu"]),
    ("Các sở, ban, ngành; các xã, phường, đặc khu", ["Các sở, ban, ngành", "Các xã, phường, đặc khu"]),
    ("các sở, ban ngành; các xã, phường, đặc khu", ["Các sở, ban, ngành", "Các xã, phường, đặc khu"]),
    ("Báo và Phát thanh, Truyền hình tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
    ("Sở Tư pháp; Thanh tra tỉnh", ["Sở Tư pháp", "Thanh tra tỉnh"]),
    ("Các cơ quan, đơn vị có liên quan", ["Các cơ quan, đơn vị có liên quan"]),
    (
        "Sở Nội vụ và các sở, ban, ngành, các xã, phường, đặc khu",
        ["Sở Nội vụ", "Các sở, ban, ngành", "Các xã, phường, đặc khu"],
    ),
    (
        "Sở Nội vụ; Sở Tài chính; Sở Khoa học và Công nghệ; các sở, ngành có liên quan",
        ["Sở Nội vụ", "Sở Tài chính", "Sở Khoa học và Công nghệ", "Các sở, ngành có liên quan"],
    ),
    ("Văn phòng UBND tỉnh; Sở Tư pháp", ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp"]),
    ("Các sở, ban, ngành", ["Các sở, ban, ngành"]),
    ("Sở Tư pháp, Sở Nội vụ", ["Sở Tư pháp", "Sở Nội vụ"]),
    ("Sở Nội vụ; Sở Tư pháp", ["Sở Nội vụ", "Sở Tư pháp"]),
    ("Các xã, phường, đặc khu", ["Các xã, phường, đặc khu"]),
    ("Sở Tư pháp; Sở Khoa học và Công nghệ", ["Sở Tư pháp", "Sở Khoa học và Công nghệ"]),
    (
        "Sở Khoa học và Công nghệ; Sở Tư pháp; Sở Giáo dục và Đào tạo",
        ["Sở Khoa học và Công nghệ", "Sở Tư pháp", "Sở Giáo dục và Đào tạo"],
    ),
    (
        "Sở Tư pháp; Sở Khoa học và Công nghệ; các sở, ngành có liên quan",
        ["Sở Tư pháp", "Sở Khoa học và Công nghệ", "Các sở, ngành có liên quan"],
    ),
    ("các phòng, ban, cơ quan, đơn vị", ["Các phòng, ban, cơ quan, đơn vị"]),
    ("Các phòng, ban, cơ quan, đơn vị", ["Các phòng, ban, cơ quan, đơn vị"]),
    ("Thủ trưởng các phòng, ban, cơ quan, đơn vị", ["Các phòng, ban, cơ quan, đơn vị"]),
    ("Phòng Kinh tế", ["Phòng Kinh tế"]),
    ("các cơ quan, đơn vị", ["Các cơ quan, đơn vị"]),
    ("Văn phòng HĐND và UBND xã", ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã"]),
    (
        "Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        ["Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan"],
    ),
    (
        "Các đảng ủy trực thuộc Tỉnh ủy, các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy, các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        [
            "Các đảng ủy trực thuộc Tỉnh ủy",
            "Các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy",
            "Các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        ],
    ),
    ("Đảng ủy Ủy ban nhân dân tỉnh", ["Đảng ủy Ủy ban nhân dân tỉnh"]),
    ("Đảng ủy Mặt trận Tổ quốc tỉnh", ["Đảng ủy Mặt trận Tổ quốc tỉnh"]),
    ("Ban Nội chính Tỉnh ủy", ["Ban Nội chính Tỉnh ủy"]),
    (
        "Đảng ủy Ủy ban nhân dân tỉnh và các cơ quan, đơn vị liên quan",
        ["Đảng ủy Ủy ban nhân dân tỉnh", "Các cơ quan, đơn vị liên quan"],
    ),
]
GOLD_PROSE_LEADS = [
    (
        "Các cấp ủy, tổ chức đảng các cấp tiếp tục quán triệt, tuyên truyền sâu rộng quan điểm, mục tiêu, nhiệm vụ của Nghị quyết số 66-NQ/TW và Chương trình hành động số 45/CTr-TU của Tỉnh ủy; nâng cao nhận thức về vị trí, vai trò quan tr",
        "Các cấp ủy, tổ chức đảng các cấp",
        None,
    ),
    (
        "Đảng đoàn Hội đồng nhân dân tỉnh lãnh đạo, chỉ đạo rà soát, sửa đổi, bổ sung, hoàn thiện hệ thống văn bản QPPL, đặc biệt là các cơ chế, chính sách thuộc thẩm quyền; ưu tiên ban hành các chính sách phát triển khoa học, công nghệ, đ",
        "Đảng đoàn Hội đồng nhân dân tỉnh",
        None,
    ),
    ("Đảng ủy UBND tỉnh lãnh đạo UBND tỉnh", "Đảng ủy UBND tỉnh", None),
    (
        "Ban Tuyên giáo và Dân vận Tỉnh ủy\nChỉ đạo các cơ quan báo chí, truyền thông đẩy mạnh tuyên truyền về Nghị quyết 66-NQ/TW và vai trò của hoàn thiện thể chế đối với phát triển kinh tế - xã hội, chuyển đổi số, nâng cao chất lượng quả",
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        None,
    ),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội\nThực hiện phản biện xã hội đối với dự thảo văn bản QPPL. Tăng cường tuyên truyền, vận động đoàn viên, hội viên và Nhân dân chấp hành pháp luật; tham gia góp ý",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội",
        None,
    ),
    (
        "Các đồng chí Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy tăng cường chỉ đạo, kiểm tra, đôn đốc việc thực hiện Nghị quyết 66-NQ/TW tại các địa phương; kịp thời xử lý, giải quyết những khó khăn, vướng mắc phát sinh.",
        "Các đồng chí Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy",
        None,
    ),
    (
        "Đảng ủy các xã, phường lãnh đạo, chỉ đạo tổ chức thực hiện Nghị quyết số 66-NQ/TW gắn với nhiệm vụ quản lý nhà nước ở cơ sở và chú trọng phổ biến pháp luật, cải cách hành chính, chuyển đổi số. Chủ động nắm bắt, tổng hợp các khó kh",
        "Đảng ủy các xã, phường",
        None,
    ),
    (
        "Trên cơ sở nội dung Nghị quyết số 66-NQ/TW, Chương trình hành động của Chính phủ, Chương trình hành động của Ban Thường vụ Tỉnh ủy và nội dung trong Kế hoạch này, các sở, ban, ngành; các xã, phường, đặc khu theo chức năng, nhiệm v",
        "các sở, ban, ngành; các xã, phường, đặc khu",
        None,
    ),
    (
        "Các sở, ban, ngành; các xã, phường, đặc khu có trách nhiệm rà soát các chương trình, kế hoạch hành động thực hiện các Nghị quyết của Đảng, Chương trình, Kế hoạch đã ban hành, còn hiệu lực thực hiện có liên quan đến xây dựng và tổ ",
        "Các sở, ban, ngành; các xã, phường, đặc khu",
        None,
    ),
    (
        "Sở Tư pháp chủ trì, phối hợp với các sở, ban ngành; các xã, phường, đặc khu hướng dẫn, theo dõi, đôn đốc việc triển khai Kế hoạch này, tham mưu báo cáo theo quy định.",
        "Sở Tư pháp",
        "các sở, ban ngành; các xã, phường, đặc khu",
    ),
    (
        "Sở Tài chính chủ trì, phối hợp với các sở, ban, ngành; các xã, phường, đặc khu bảo đảm nguồn kinh phí thực hiện hàng năm theo Nghị quyết số 66-NQ/TW và các quy định, hướng dẫn của Quốc hội, Chính phủ, Bộ Tài chính.",
        "Sở Tài chính",
        "các sở, ban, ngành; các xã, phường, đặc khu",
    ),
    (
        "Trên cơ sở nội dung Nghị quyết số 66-NQ/TW và Kế hoạch thực hiện này, các phòng, ban, cơ quan, đơn vị theo chức năng, nhiệm vụ xây dựng kế hoạch và tổ chức triển khai thực hiện.",
        "các phòng, ban, cơ quan, đơn vị",
        None,
    ),
    (
        "Các phòng, ban, cơ quan, đơn vị có trách nhiệm rà soát các chương trình, kế hoạch hành động thực hiện các Nghị quyết của Đảng, Chương trình hành động, Kế hoạch của Ủy ban nhân dân tỉnh đã ban hành, còn hiệu lực thực hiện có liên q",
        "Các phòng, ban, cơ quan, đơn vị",
        None,
    ),
    (
        "Thủ trưởng các phòng, ban, cơ quan, đơn vị tập trung chỉ đạo thực hiện nội dung nhiệm vụ được giao tại Kế hoạch này; tăng cường kiểm tra, đôn đốc việc triển khai thực hiện Kế hoạch báo cáo UBND tỉnh, Sở Tư pháp.",
        "Thủ trưởng các phòng, ban, cơ quan, đơn vị",
        None,
    ),
    (
        "Phòng Kinh tế chủ trì, phối hợp với các cơ quan, đơn vị bảo đảm nguồn kinh phí thực hiện hằng năm theo Nghị quyết số 66-NQ/TW và Nghị quyết 197/2025/QH15.",
        "Phòng Kinh tế",
        "các cơ quan, đơn vị",
    ),
    (
        "Văn phòng HĐND và UBND xã chủ trì, phối hợp với các cơ quan, đơn vị theo dõi, đôn đốc việc triển khai thực hiện Nghị quyết số 66-NQ/TW. Kịp thời báo cáo UBND xã để kiến nghị UBND tỉnh, Sở Tư pháp các biện pháp cần thiết để bảo đảm",
        "Văn phòng HĐND và UBND xã",
        "các cơ quan, đơn vị",
    ),
    (
        "Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan phải chịu trách nhiệm chính và trước hết trước Ban Thường vụ Tỉnh ủy về việc thực hiện các nhiệm vụ nêu tại mục (1),(2) nêu trên. Hằng tuần (t",
        "Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        None,
    ),
    (
        "Các đảng ủy trực thuộc Tỉnh ủy, các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy, các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan xây dựng kế hoạch để tổ chức thực hiện Chỉ thị, đảm bảo phù hợp với chứ",
        "Các đảng ủy trực thuộc Tỉnh ủy, các cơ quan chuyên trách tham mưu, giúp việc Tỉnh ủy, các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        None,
    ),
    (
        "Đảng ủy Ủy ban nhân dân tỉnh chỉ đạo nghiên cứu, đề xuất cơ chế, chính sách đặc thù cấp tỉnh (nếu có) được Trung ương thông qua hoặc chấp thuận thí điểm; đồng thời chủ động xây dựng, ban hành một số cơ chế, chính sách đặc thù, phù",
        "Đảng ủy Ủy ban nhân dân tỉnh",
        None,
    ),
    (
        "Đảng ủy Mặt trận Tổ quốc tỉnh chỉ đạo Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, các tổ chức chính trị - xã hội tăng cường công tác giám sát, phản biện xã hội đối với hoạt động xây dựng và thi hành pháp luật trên địa bàn tỉnh, đảm bảo",
        "Đảng ủy Mặt trận Tổ quốc tỉnh",
        None,
    ),
    (
        "Giao Ban Nội chính Tỉnh ủy chủ trì, phối hợp với Đảng ủy Ủy ban nhân dân tỉnh và các cơ quan, đơn vị liên quan giúp Ban Thường vụ Tỉnh ủy theo dõi, đôn đốc, kiểm tra, giám sát việc thực hiện Chỉ thị; định kỳ báo cáo kết quả thực h",
        "Ban Nội chính Tỉnh ủy",
        "Đảng ủy Ủy ban nhân dân tỉnh và các cơ quan, đơn vị liên quan",
    ),
]
GOLD_PROSE_NO_LEAD = [
    "Tiếp tục tăng cường công tác lãnh đạo, chỉ đạo; đề cao vai trò, trách nhiệm của người đứng đầu các sở, ban, ngành và địa phương trong công tác xây dựng và tổ ch",
    "Tập trung rà soát, hoàn thiện hệ thống văn bản QPPL thuộc thẩm quyền theo hướng đồng bộ, thống nhất, khả thi, sát thực tiễn; kịp thời sửa đổi, bổ sung, thay thế",
    "Chỉ đạo các đơn vị, địa phương rà soát các nhiệm vụ trong Kế hoạch số 444/KH-UBND đã đăng ký thực hiện năm 2026 để triển khai kịp thời, hiệu quả, nhất là đối vớ",
    "Thực hiện nghiêm các quy định về theo dõi thi hành pháp luật; tăng cường công tác kiểm tra việc chấp hành pháp luật trên các lĩnh vực trọng tâm, liên quan trực ",
    "Tiếp tục đổi mới nội dung, hình thức phổ biến pháp luật theo hướng ứng dụng mạnh mẽ công nghệ số, mạng xã hội, các nền tảng truyền thông mới; nâng cao hiệu quả ",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số và trí tuệ nhân tạo trong toàn bộ quy trình xây dựng, ban hành, rà soát và tổ chức thi hành văn bản QPPL; h",
    "Rà soát kiện toàn tổ chức, nâng cao chất lượng đội ngũ cán bộ làm công tác pháp chế; tăng cường đào tạo, bồi dưỡng chuyên môn, nghiệp vụ; bố trí kinh phí, cơ sở",
    "Xây dựng, ban hành và triển khai kế hoạch tuyên truyền thường xuyên, sâu rộng Nghị quyết số 66-NQ/TW, Chương trình hành động của Chính phủ, Chương trình hành độ",
    "Xây dựng, ban hành và triển khai kế hoạch thực hiện Nghị quyết số 66-NQ/TW, Chương trình hành động của Chính phủ, Chương trình hành động của Ban Thường vụ Tỉnh ",
    "Lãnh đạo, chỉ đạo đội ngũ cán bộ, đảng viên, công chức, viên chức gương mẫu, đi đầu trong chấp hành và tuân thủ pháp luật, lan tỏa tinh thần thượng tôn Hiến phá",
    "Xác định công tác xây dựng, hoàn thiện pháp luật và kiểm tra, giám sát việc tổ chức thi hành pháp luật là nhiệm vụ trọng tâm, xuyên suốt, thường xuyên của các s",
    'Thực hiện nghiêm kỷ cương, kỷ luật, các quy định về kiểm soát quyền lực, phòng, chống tham nhũng, lãng phí, tiêu cực, "lợi ích nhóm" trong xây dựng pháp luật và',
    "Xác định cụ thể trách nhiệm xin ý kiến các cơ quan có thẩm quyền của Đảng về nội dung văn bản quy phạm pháp luật theo quy định của Bộ Chính trị về kiểm soát quy",
    "Trong phân công nhiệm vụ phải xác định người đứng đầu các sở, ban, ngành; các xã, phường, đặc khu trực tiếp lãnh đạo, chỉ đạo công tác xây dựng pháp luật, chịu ",
    "Thường xuyên rà soát quy hoạch và kiện toàn cơ cấu lãnh đạo, vị trí việc làm của đội ngũ cán bộ, công chức để thực hiện việc điều động, luân chuyển lãnh đạo, cô",
    "Bảo đảm công tác xây dựng pháp luật ở tỉnh phải thể chế hoá đầy đủ, đúng đắn, kịp thời chủ trương, đường lối của Đảng. Nội dung quy định pháp luật phải xuất phá",
    "Quá trình xây dựng pháp luật cần chủ động phối hợp giữa các sở, ngành, các xã, phường, đặc khu và các doanh nghiệp, nhà đầu tư để nắm bắt, xác định các khó khăn",
    "Thực hiện nghiêm quy định của Luật Ban hành văn bản quy phạm pháp luật; bảo đảm quy trình xây dựng, ban hành văn bản quy phạm pháp luật dân chủ, chuyên nghiệp, ",
    "Trong phạm vi thẩm quyền, chức năng, nhiệm vụ được giao, chủ trương, định hướng của cấp trên và thực tiễn quản lý nhà nước ở địa phương, tổ chức xây dựng và hoà",
    "Tổ chức rà soát và khẩn trương sửa đổi, bổ sung hoặc thay thế các văn bản quy phạm pháp luật của HĐND, UBND các cấp để phù hợp với tổ chức chính quyền địa phươn",
    "Có giải pháp thúc đẩy phát triển mạnh mẽ hệ thống dịch vụ pháp lý, hỗ trợ pháp lý, trợ giúp pháp lý, đăng ký biện pháp bảo đảm để người dân và doanh nghiệp dễ t",
    "Có giải pháp khuyến khích, phát triển các thiết chế giải quyết tranh chấp ngoài toà án như trọng tài thương mại, hoà giải thương mại trên địa bàn tỉnh.",
    "Có giải pháp để phát huy cao độ trách nhiệm, tinh thần phục vụ Nhân dân, tư duy kiến tạo phát triển, hành động vì lợi ích chung của đội ngũ cán bộ, công chức, v",
    "Ưu tiên bảo đảm hiệu quả thi hành pháp luật nhằm thúc đẩy phát triển kinh tế - xã hội, khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và trong các lĩnh vự",
    "Tập trung xây dựng văn hóa tuân thủ pháp luật, bảo đảm thượng tôn Hiến pháp và pháp luật trở thành chuẩn mực ứng xử của mọi chủ thể trong xã hội. Đa dạng hóa ph",
    "Chú trọng công tác hướng dẫn áp dụng pháp luật để tạo sự thống nhất trong quá trình thực hiện.",
    "Thực hiện thường xuyên việc kiểm tra, rà soát, hệ thống hóa văn bản quy phạm pháp luật.",
    "Tăng cường đối thoại, tiếp nhận, lắng nghe phản ánh, kiến nghị, giải quyết kịp thời khó khăn, vướng mắc về pháp lý của cá nhân, tổ chức, doanh nghiệp, địa phươn",
    "Đẩy mạnh ứng dụng công nghệ và xây dựng cơ chế kịp thời nhận diện, tiếp nhận, xử lý, tháo gỡ những khó khăn, vướng mắc, bất cập, chồng chéo có nguyên nhân từ qu",
    "Đề cao công tác phòng ngừa, cảnh báo vi phạm pháp luật đi đôi với việc tăng cường giám sát, kiểm tra, thanh tra, phát hiện và xử lý nghiêm minh, kịp thời các hà",
    "Trong xây dựng và tổ chức thi hành pháp luật không “hình sự hoá” các mối quan hệ kinh tế, hành chính, dân sự; không dùng biện pháp hành chính để can thiệp, giải",
    "Chú trọng bồi dưỡng, trang bị kiến thức, kỹ năng cho đội ngũ cán bộ, công chức, viên chức để tham gia có chất lượng, thiết thực, hiệu quả vào các hoạt động hợp ",
    "Thực hiện chính sách đặc thù, vượt trội theo quy định của Trung ương; có chế độ thù lao, thuê khoán tương xứng để thu hút, nâng cao chất lượng nguồn nhân lực th",
    "Thực hiện chính sách kéo dài thời gian công tác, không giữ chức vụ cho một số cán bộ, công chức đã đủ tuổi nghỉ hưu theo quy định của cơ quan có thẩm quyền nhưn",
    "Thực hiện việc hỗ trợ hằng tháng cho các đối tượng trực tiếp, thường xuyên làm công tác tham mưu nghiên cứu chính sách, xây dựng pháp luật tại một số cơ quan, đ",
    "Quy hoạch, đào tạo, giới thiệu cán bộ có năng lực, có kinh nghiệm thực tiễn, am hiểu pháp luật để giới thiệu làm đại biểu Quốc hội chuyên trách, đại biểu Hội đồ",
    "Tiếp tục kiện toàn tổ chức bên trong của Sở Tư pháp theo hướng hình thành các tổ chức, bộ phận chuyên sâu, chuyên nghiệp để tham mưu thực hiện các nhiệm vụ xây ",
    "Quá trình sắp xếp tổ chức bộ máy và bố trí vị trí việc làm, tiếp tục quan tâm rà soát, đánh giá để bố trí những cán bộ, công chức có năng lực, trình độ chuyên m",
    "Trong sắp xếp, bố trí vị trí việc làm của đội ngũ cán bộ, công chức cấp xã sau sắp xếp đơn vị hành chính, tổ chức chính quyền địa phương hai cấp cần chú trọng ư",
    "Xây dựng đội ngũ cán bộ, công chức làm công tác xây dựng pháp luật ở các cấp, các ngành theo hướng chuyên sâu, chuyên nghiệp. Chú trọng công tác đào tạo, tập hu",
    "Ưu tiên bố trí nguồn lực để xây dựng, phát triển hạ tầng công nghệ thông tin, cơ sở dữ liệu, ứng dụng công nghệ số, trí tuệ nhân tạo trong công tác xây dựng, tổ",
    "Ứng dụng công nghệ số, chuyển đổi số trong phổ biến, giáo dục pháp luật, trợ giúp pháp lý, đăng ký biện pháp bảo đảm; lồng ghép nội dung phổ biến, giáo dục pháp",
    "Đổi mới cơ chế phân bổ, quản lý, sử dụng ngân sách dành cho công tác xây dựng pháp luật trên nguyên tắc kịp thời, đúng, đủ và gắn với khoán chi theo kết quả, sả",
    "Người đứng đầu cơ quan được giao nhiệm vụ, hoạt động xây dựng pháp luật được quyền chủ động và chịu trách nhiệm trước pháp luật trong việc phân bổ, quản lý, sử ",
    "Bố trí nguồn ngân sách phù hợp, tương xứng cho công tác xây dựng pháp luật, tổ chức thi hành pháp luật, trong đó bảo đảm chi cho công tác xây dựng pháp luật khô",
    "Tổ chức các Hội nghị quán triệt Nghị quyết số 66-NQ/TW hoặc thực hiện theo chỉ đạo của cấp có thẩm quyền.",
    "Xây dựng, ban hành và triển khai Kế hoạch tuyên truyền thường xuyên, sâu rộng về nội dung Nghị quyết số 66-NQ/TW theo hướng: đa dạng hóa các hình thức truyền th",
    "Xây dựng, ban hành và chỉ đạo thực hiện kế hoạch thực hiện Nghị quyết số 66-NQ/TW; thực hiện các quy định bảo đảm sự lãnh đạo toàn diện, trực tiếp của các cấp ủ",
    "Xác định góp ý, đề xuất, kiến nghị xây dựng, hoàn thiện thể chế, pháp luật và kiểm tra, giám sát việc tổ chức thi hành pháp luật là nhiệm vụ trọng tâm, xuyên su",
    "Thực hiện nghiêm kỷ cương, kỷ luật, các quy định về kiểm soát quyền lực, phòng, chống tham nhũng, lãng phí, tiêu cực, “lợi ích nhóm” trong xây dựng và thi hành ",
    "Trong phân công nhiệm vụ, người đứng đầu các cơ quan, đơn vị phải trực tiếp lãnh đạo, chỉ đạo công tác góp ý, đề xuất, kiến nghị xây dựng pháp luật, chịu trách ",
    "Chủ động rà soát quy hoạch và kiện toàn cơ cấu lãnh đạo, bảo đảm các cơ quan, đơn vị có một lãnh đạo có chuyên môn pháp luật; thực hiện cơ chế điều động, luân c",
    "Bảo đảm công tác góp ý, đề xuất, kiến nghị xây dựng pháp luật phải thể chế hóa đầy đủ, đúng đắn, kịp thời chủ trương, đường lối của Đảng; xuất phát từ lợi ích t",
    "Coi trọng, chủ động nghiên cứu chính sách từ sớm, từ thực tiễn, từ kinh nghiệm của các địa phương khác, góp phần tăng cường tính dự báo và nâng cao chất lượng c",
    "Thực hiện nghiêm quy định của Luật Ban hành văn bản quy phạm pháp luật; từng bước thực hiện góp ý, đề xuất, kiến nghị soạn thảo văn bản quy phạm pháp luật tập t",
    "Trong phạm vi chức năng, nhiệm vụ, quyền hạn của mình, góp ý, đề xuất, kiến nghị xây dựng và hoàn thiện pháp luật về kinh tế thị trường định hướng Xã hội chủ ng",
    "Thúc đẩy phát triển mạnh mẽ hệ thống dịch vụ pháp lý, hỗ trợ pháp lý, trợ giúp pháp lý, đăng ký biện pháp bảo đảm để người dân và doanh nghiệp dễ tiếp cận pháp ",
    "Có giải pháp phát huy cao độ tinh thần phục vụ Nhân dân, tư duy kiến tạo phát triển, hành động vì lợi ích chung của đội ngũ cán bộ, công chức, viên chức; thực h",
    "Chú trọng công tác hướng dẫn áp dụng văn bản quy phạm pháp luật theo thẩm quyền.",
    "Thực hiện thường xuyên việc kiểm tra, rà soát, hệ thống hoá văn bản quy phạm pháp luật.",
    "Tăng cường đối thoại, tiếp nhận, lắng nghe phản ánh, kiến nghị, đề xuất giải quyết kịp thời khó khăn, vướng mắc về pháp lý của cá nhân, tổ chức, doanh nghiệp, đ",
    "Không “hình sự hoá” các mối quan hệ kinh tế, hành chính, dân sự; không dùng biện pháp hành chính để can thiệp, giải quyết các tranh chấp dân sự, kinh tế.",
    "Thực hiện chính sách đặc thù, vượt trội, áp dụng chế độ thù lao, thuê khoán tương xứng để thu hút, nâng cao chất lượng nguồn nhân lực tham gia các nhiệm vụ, hoạ",
    "Trên cơ sở quy định pháp luật và hướng dẫn của cấp có thẩm quyền, thực hiện việc thu hút, tiếp nhận chuyên gia, luật gia, luật sư giỏi vào khu vực công theo quy",
    "Ưu tiên nguồn lực xây dựng, phát triển hạ tầng công nghệ thông tin, cơ sở dữ liệu lớn, ứng dụng công nghệ số, trí tuệ nhân tạo phục vụ đổi mới, hiện đại hóa côn",
    "Ứng dụng công nghệ số, chuyển đổi số đồng bộ trong phổ biến, giáo dục pháp luật, trợ giúp pháp lý, đăng ký biện pháp bảo đảm; lồng ghép nội dung phổ biến, giáo ",
    "Thúc đẩy doanh nghiệp công nghệ số phát triển, cung cấp các dịch vụ, tiện ích số trong lĩnh vực pháp luật.",
    "Bố trí nguồn kinh phí đảm bảo chế độ, chính sách đối với người tham gia công tác góp ý, đề xuất, kiến nghị xây dựng pháp luật theo quy định.",
    "Bố trí nguồn ngân sách phù hợp, tương xứng cho công tác tổ chức thi hành pháp luật. Ưu tiên nguồn lực tương xứng cho công tác phổ biến, giáo dục pháp luật, trợ ",
    "Tiếp tục quán triệt tinh thần Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng về tập trung ưu tiên xây dựng đồng bộ thể chế phát triển, trọng tâm là ",
    "Tăng cường vai trò lãnh đạo, chỉ đạo của cấp ủy, tổ chức đảng trong công tác xây dựng và ban hành văn bản quy phạm pháp luật, bảo đảm sự lãnh đạo toàn diện, trự",
    "Tiếp tục rà soát, hoàn thành toàn bộ việc ban hành hoặc bãi bỏ để xử lý các văn bản quy phạm pháp luật của 02 tỉnh Thái Nguyên và Bắc Kạn đã ban hành trước hợp ",
    "Hoàn thành việc ban hành văn bản quy định chi tiết văn bản quy phạm pháp luật của cơ quan cấp trên thuộc thẩm quyền ban hành của tỉnh đối với những nội dung hiệ",
    "Tập trung rà soát tổng thể, toàn diện hệ thống văn bản quy phạm pháp luật của tỉnh (bao gồm toàn bộ các văn bản đã ban hành còn hiệu lực và chưa có hiệu lực tín",
    "Tiếp tục đổi mới căn bản tư duy xây dựng pháp luật, chuyển mạnh từ quản lý hành chính sang phục vụ, kiến tạo phát triển, lấy người dân, doanh nghiệp làm trung t",
    "Nâng cao hiệu lực, hiệu quả công tác tổ chức thi hành pháp luật. Xác định rõ cơ chế phân công “rõ người - rõ việc - rõ thời gian - rõ trách nhiệm - rõ sản phẩm ",
    "Đẩy mạnh công tác phổ biến, giáo dục pháp luật; tập trung xây dựng văn hóa tuân thủ pháp luật, bảo đảm thượng tôn Hiến pháp và pháp luật; gắn kết chặt chẽ giữa ",
    "Quan tâm xây dựng cơ chế tài chính phù hợp và bố trí ngân sách kịp thời, đủ mức phục vụ cho hoạt động xây dựng và tổ chức thi hành pháp luật. Nghiên cứu đổi mới",
]

GOLD_PROSE_INHERITED = [
    "Hàng năm, xây dựng kế hoạch cụ thể hóa nhiệm vụ tại Nghị quyết số 66-NQ/TW theo thẩm quyền, đưa nội dung này vào chương trình công tác của cấp ủy; phát huy tinh",
    "Hàng quý chỉ đạo tổ chức rà soát, đánh giá và báo cáo kết quả thực hiện Nghị quyết số 66-NQ/TW; kịp thời chấn chỉnh những tồn tại, hạn chế, đề xuất giải pháp th",
    "Chỉ đạo Sở Tư pháp và các ngành, địa phương tiếp tục rà soát, tham mưu sửa đổi, bổ sung, thay thế các văn bản QPPL còn bất cập, chồng chéo, không phù hợp thực t",
    "Rà soát, đánh giá tổng thể đội ngũ làm công tác xây dựng và tổ chức thi hành pháp luật tại các sở, ban, ngành, UBND cấp xã; trên cơ sở đó kiện toàn đội ngũ làm ",
    "Ưu tiên bố trí biên chế, nguồn lực tài chính cho công tác xây dựng, tổ chức thi hành pháp luật và chuyển đổi số trong lĩnh vực pháp luật. Triển khai các chính s",
    "Siết chặt kỷ luật, kỷ cương trong ban hành văn bản quy định chi tiết, hướng dẫn thi hành pháp luật, bảo đảm kịp thời, đồng bộ; hạn chế tình trạng văn bản ban hà",
    "Tăng cường kiểm tra, giám sát, đánh giá kết quả thực hiện, khen thưởng kịp thời các tập thể, cá nhân tiêu biểu, điển hình trong thực hiện Nghị quyết số 66-NQ/TW",
]


@pytest.mark.parametrize(("raw", "expected"), GOLD_CELLS)
def test_gold_cells_normalize_to_gold_names(raw: str, expected: list[str]) -> None:
    result = normalize_agencies(raw)
    assert result.names == expected
    assert result.unknown == []  # every gold agency is in the registry


@pytest.mark.parametrize(("sentence", "lead_raw", "support_raw"), GOLD_PROSE_LEADS)
def test_gold_prose_sentences_name_their_lead(sentence: str, lead_raw: str, support_raw: str | None) -> None:
    assert find_lead_in_sentence(sentence) == LeadMention(lead_raw=lead_raw, support_raw=support_raw)


@pytest.mark.parametrize("sentence", GOLD_PROSE_NO_LEAD + GOLD_PROSE_INHERITED)
def test_gold_prose_sentences_opening_with_a_verb_name_no_lead(sentence: str) -> None:
    assert find_lead_in_sentence(sentence) is None


# ---------------------------------------------------------------------------------------------
# Splitting a cell: pieces as written.

SPLITS = [
    # the contract's separators
    ("Sở Tư pháp; Thanh tra tỉnh", ["Sở Tư pháp", "Thanh tra tỉnh"]),
    ("Sở Tư pháp, Sở Ngoại vụ", ["Sở Tư pháp", "Sở Ngoại vụ"]),
    ("- Sở Tư pháp\n- Sở Nội vụ\n+ Công an tỉnh", ["Sở Tư pháp", "Sở Nội vụ", "Công an tỉnh"]),
    ("Sở Tài chính\nSở Xây dựng", ["Sở Tài chính", "Sở Xây dựng"]),
    ("Sở Y tế và UBND các xã, phường", ["Sở Y tế", "UBND các xã, phường"]),
    ("Tỉnh ủy, HĐND tỉnh, UBND tỉnh", ["Tỉnh ủy", "HĐND tỉnh", "UBND tỉnh"]),
    ("Sở Tài chính, sở Xây dựng", ["Sở Tài chính", "sở Xây dựng"]),
    # a comma or "và" inside one name does not split
    ("Các sở, ban, ngành", ["Các sở, ban, ngành"]),
    ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
    ("Báo và Phát thanh, Truyền hình tỉnh", ["Báo và Phát thanh, Truyền hình tỉnh"]),
    ("Văn phòng HĐND và UBND xã", ["Văn phòng HĐND và UBND xã"]),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", ["Văn phòng Đoàn ĐBQH và HĐND tỉnh"]),
    # the same name at another level: protected by the registry name's stem
    ("Văn phòng HĐND và UBND huyện", ["Văn phòng HĐND và UBND huyện"]),
    (
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội",
        ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "các tổ chức chính trị - xã hội"],
    ),
    (
        "Sở Nội vụ và các sở, ban, ngành, các xã, phường, đặc khu",
        ["Sở Nội vụ", "các sở, ban, ngành", "các xã, phường, đặc khu"],
    ),
    # PDF cells wrapped at the column width (text as pdfplumber returns it)
    ("Sở Khoa học và Công\nnghệ", ["Sở Khoa học và Công nghệ"]),
    ("Các sở, ban,\nngành cấp tỉnh;\nUBND cấp xã", ["Các sở, ban, ngành cấp tỉnh", "UBND cấp xã"]),
    ("Văn phòng\nUBND tỉnh; Sở\nTư pháp", ["Văn phòng UBND tỉnh", "Sở Tư pháp"]),
    ("Đảng ủy\nỦy ban nhân dân tỉnh", ["Đảng ủy Ủy ban nhân dân tỉnh"]),
    ("Ban Tuyên giáo và\nDân vận Tỉnh ủy", ["Ban Tuyên giáo và Dân vận Tỉnh ủy"]),
    (
        "Sở Khoa học và Công\nnghệ, Sở Tài chính, Sở\nTư pháp",
        ["Sở Khoa học và Công nghệ", "Sở Tài chính", "Sở Tư pháp"],
    ),
    (
        "Sở Nội vụ và các\nsở, ban, ngành,\ncác xã, phường,\nđặc khu",
        ["Sở Nội vụ", "các sở, ban, ngành", "các xã, phường, đặc khu"],
    ),
    (
        "Sở Nội vụ; Sở\nTài chính; Sở\nKhoa học và\nCông nghệ; các\nsở, ngành có liên\nquan",
        ["Sở Nội vụ", "Sở Tài chính", "Sở Khoa học và Công nghệ", "các sở, ngành có liên quan"],
    ),
    (
        "Các Sở, ban, ngành\ncấp tỉnh; UBND\ncấp xã thực hiện;\nSở Tư pháp đầu\nmối tổng hợp",
        ["Các Sở, ban, ngành cấp tỉnh", "UBND cấp xã thực hiện", "Sở Tư pháp đầu mối tổng hợp"],
    ),
    # list labels opening the lines of a cell
    ("1. Sở Tư pháp\n2. Sở Nội vụ", ["Sở Tư pháp", "Sở Nội vụ"]),
    ("a) Sở Tư pháp\nb) Công an tỉnh", ["Sở Tư pháp", "Công an tỉnh"]),
    # a role word wrapped onto its own line stays with its agency
    ("Sở Tư pháp\n(chủ trì)", ["Sở Tư pháp (chủ trì)"]),
    # empty cells
    ("", []),
    (None, []),
    ("  ;\n- ", []),
]


@pytest.mark.parametrize(("raw", "pieces"), SPLITS)
def test_split_agencies(raw: str | None, pieces: list[str]) -> None:
    assert split_agencies(raw) == pieces


# ---------------------------------------------------------------------------------------------
# Canonical names: tones, abbreviations, titles, role words, registry snapping.

CANONICAL = [
    # tone placement and case
    ("Uỷ ban nhân dân tỉnh", "Ủy ban nhân dân tỉnh", True),
    ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch", True),
    ("Tỉnh uỷ", "Tỉnh ủy", True),
    ("sở tư pháp", "Sở Tư pháp", True),
    ("Sở Công thương", "Sở Công Thương", True),
    ("Công an tỉnh.", "Công an tỉnh", True),
    # abbreviations
    ("UBND cấp xã", "Ủy ban nhân dân cấp xã", True),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh", True),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ", True),
    ("Sở NN&MT", "Sở Nông nghiệp và Môi trường", True),
    ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch", True),
    ("Sở VHTTDL", "Sở Văn hóa, Thể thao và Du lịch", True),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo", True),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường", True),
    ("Sở LĐTB&XH", "Sở Lao động - Thương binh và Xã hội", True),
    ("VP UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh", True),
    ("STP", "Sở Tư pháp", True),
    ("BCH Quân sự tỉnh", "Bộ Chỉ huy Quân sự tỉnh", True),
    ("Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", True),
    ("Đảng ủy MTTQ tỉnh", "Đảng ủy Mặt trận Tổ quốc tỉnh", True),
    ("Văn phòng Đoàn ĐBQH và HĐND tỉnh", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh", True),
    # group names snap to the registry's spelling
    ("các sở, ban ngành", "Các sở, ban, ngành", True),
    ("Các Sở, ban, ngành cấp tỉnh", "Các sở, ban, ngành cấp tỉnh", True),
    ("Các sở ban ngành cấp tỉnh", "Các sở, ban, ngành cấp tỉnh", True),
    ("Các cơ quan, đơn vị liên quan", "Các cơ quan, đơn vị liên quan", True),
    ("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị có liên quan", True),
    # leading titles of people and trailing role words are not part of the name
    ("Thủ trưởng các phòng, ban, cơ quan, đơn vị", "Các phòng, ban, cơ quan, đơn vị", True),
    (
        "Các đồng chí Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy",
        "Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy",
        True,
    ),
    (
        "Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        "Người đứng đầu các cơ quan, đơn vị, tổ chức chính trị - xã hội, địa phương có liên quan",
        True,
    ),
    ("Sở Tư pháp đầu mối tổng hợp", "Sở Tư pháp", True),
    ("UBND cấp xã thực hiện", "Ủy ban nhân dân cấp xã", True),
    ("Sở Tư pháp (chủ trì)", "Sở Tư pháp", True),
    # OCR and typing errors snap to the registry
    (
        "Các đồng chí Trưởng đoàn công tác của Ban Thường vụ Tỉnh ujy",
        "Trưởng đoàn công tác của Ban Thường vụ Tỉnh ủy",
        True,
    ),
    ("Sở Tư phap", "Sở Tư pháp", True),
    ("Sớ Tư pháp", "Sở Tư pháp", True),
    ("Sở Khoa hoc và Công nghê", "Sở Khoa học và Công nghệ", True),
    # unknown agencies: kept as written, tidied, and flagged
    ("Trung tâm Phát triển quỹ đất tỉnh", "Trung tâm Phát triển quỹ đất tỉnh", False),
    ("Văn phòng HĐND và UBND huyện", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân huyện", False),
    ("trung tâm y tế xã", "Trung tâm y tế xã", False),
    ("Phòng Tổng hợp", "Phòng Tổng hợp", False),  # a capitalized "Tổng hợp" is a name, not a role word
]


@pytest.mark.parametrize(("piece", "canonical", "known"), CANONICAL)
def test_canonical_agency(piece: str, canonical: str, known: bool) -> None:
    assert canonical_agency(piece) == (canonical, known)


# Different agencies never merge, however close their spelling.
NEVER_MERGED = [
    ("Sở Tư pháp", "Sở Tài chính"),
    ("Sở Nội vụ", "Sở Ngoại vụ"),
    (
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường",
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã",
    ),
    ("Ủy ban nhân dân cấp tỉnh", "Ủy ban nhân dân cấp xã"),
    ("Đảng ủy Ủy ban nhân dân xã", "Đảng ủy Ủy ban nhân dân tỉnh"),
    ("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị liên quan"),
    ("Các sở, ngành", "Các sở, ban, ngành"),
]


@pytest.mark.parametrize(("piece", "other"), NEVER_MERGED)
def test_close_spellings_of_different_agencies_do_not_merge(piece: str, other: str) -> None:
    assert canonical_agency(piece)[0] != other


# Not in the registry, yet spelled close to a name that is: they stay unknown instead of snapping.
UNKNOWN_BUT_CLOSE = [
    "Ban Dân vận Tỉnh ủy",  # ≈ Ban Thường vụ Tỉnh ủy, Ban Nội chính Tỉnh ủy
    "Ban Tuyên giáo Tỉnh ủy",  # ≈ Ban Tổ chức Tỉnh ủy
    "Công an phường",  # ≈ Công an xã
    "Ủy ban nhân dân cấp tỉnh",  # ≈ Ủy ban nhân dân cấp xã
    "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân phường",  # ≈ … xã
    "Sở Văn hóa",
]


@pytest.mark.parametrize("piece", UNKNOWN_BUT_CLOSE)
def test_close_spellings_of_unregistered_agencies_stay_unknown(piece: str) -> None:
    assert canonical_agency(piece) == (piece, False)


# ---------------------------------------------------------------------------------------------
# The whole cell.

NORMALIZED = [
    (
        "Các Sở, ban, ngành cấp tỉnh; UBND cấp xã thực hiện; Sở Tư pháp đầu mối tổng hợp",
        AgencyList(["Các sở, ban, ngành cấp tỉnh", "Ủy ban nhân dân cấp xã", "Sở Tư pháp"], []),
    ),
    (
        "Sở Tư pháp; Trung tâm Phát triển quỹ đất tỉnh",
        AgencyList(
            ["Sở Tư pháp", "Trung tâm Phát triển quỹ đất tỉnh"], ["Trung tâm Phát triển quỹ đất tỉnh"]
        ),
    ),
    ("Sở Tư pháp; STP", AgencyList(["Sở Tư pháp"], [])),  # the same agency twice is listed once
    ("Văn phòng\nUBND tỉnh; Sở\nTư pháp", AgencyList(["Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp"], [])),
    (None, AgencyList([], [])),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALIZED)
def test_normalize_agencies(raw: str | None, expected: AgencyList) -> None:
    assert normalize_agencies(raw) == expected


# ---------------------------------------------------------------------------------------------
# Prose: the forms documents use to name a lead, beyond the gold.

PROSE = [
    (
        "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ, Sở Tài chính tham mưu UBND tỉnh ban hành kế hoạch.",
        "Sở Tư pháp",
        "Sở Nội vụ, Sở Tài chính",
    ),
    ("Giao cho UBND các xã, phường tổ chức thực hiện.", "UBND các xã, phường", None),
    (
        "Đề nghị Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tăng cường giám sát.",
        "Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh",
        None,
    ),
    ("Yêu cầu Thủ trưởng các sở, ban, ngành nghiêm túc thực hiện.", "Thủ trưởng các sở, ban, ngành", None),
    ("Sở Tư pháp có trách nhiệm theo dõi, đôn đốc.", "Sở Tư pháp", None),
    (
        "Phòng Kinh tế: Chủ trì, phối hợp với các cơ quan, đơn vị liên quan tham mưu UBND xã.",
        "Phòng Kinh tế",
        "các cơ quan, đơn vị liên quan",
    ),
    (
        "Sở Tài chính chủ trì, các sở, ngành liên quan phối hợp bố trí kinh phí.",
        "Sở Tài chính",
        "các sở, ngành liên quan",
    ),
    (
        "Công an tỉnh chủ trì, phối hợp chặt chẽ với Bộ Chỉ huy Quân sự tỉnh, Bộ Chỉ huy Bộ đội Biên phòng tỉnh "
        "bảo đảm an ninh.",
        "Công an tỉnh",
        "Bộ Chỉ huy Quân sự tỉnh, Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    ),
    ("Sở Nông nghiệp và Môi trường hướng dẫn các địa phương.", "Sở Nông nghiệp và Môi trường", None),
    ("Trung tâm Phát triển quỹ đất tỉnh chủ trì thực hiện.", "Trung tâm Phát triển quỹ đất tỉnh", None),
    ("Ban Quản lý dự án đầu tư xây dựng tỉnh chủ trì.", "Ban Quản lý dự án đầu tư xây dựng tỉnh", None),
    ("UBND cấp xã chủ động bố trí kinh phí.", "UBND cấp xã", None),
    ("Tỉnh uỷ lãnh đạo toàn diện.", "Tỉnh uỷ", None),
    ("Sớ Tư pháp chủ trì tổng hợp.", "Sớ Tư pháp", None),  # OCR-damaged head, found through the registry
    ("Văn phòng UBND tỉnh\nTheo dõi, đôn đốc việc thực hiện.", "Văn phòng UBND tỉnh", None),
    ("Căn cứ chức năng, nhiệm vụ, các sở, ban, ngành xây dựng kế hoạch.", "các sở, ban, ngành", None),
    # the assignee named after "giao" leads, not the body that assigns
    (
        "Ủy ban nhân dân tỉnh giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ thực hiện.",
        "Sở Tư pháp",
        "Sở Nội vụ",
    ),
    ("Giao nhiệm vụ cho Sở Tài chính bố trí kinh phí.", "Sở Tài chính", None),
    # a list label left on the item
    ("a) Sở Tư pháp chủ trì thực hiện.", "Sở Tư pháp", None),
]


@pytest.mark.parametrize(("sentence", "lead_raw", "support_raw"), PROSE)
def test_find_lead_in_sentence(sentence: str, lead_raw: str, support_raw: str | None) -> None:
    assert find_lead_in_sentence(sentence) == LeadMention(lead_raw=lead_raw, support_raw=support_raw)


# Words that look like an agency's head word but open a verb or a noun phrase.
NO_LEAD = [
    "Ban hành kế hoạch triển khai.",
    "Hội nghị được tổ chức vào tháng 9.",
    "Báo cáo kết quả thực hiện về Sở Tư pháp.",
    "Các nhiệm vụ trọng tâm cần được ưu tiên.",
    "Sở hữu trí tuệ cần được bảo vệ.",
    "Thanh tra, kiểm tra việc thực hiện.",
    "Bộ máy tổ chức được kiện toàn.",
    "Phòng, chống tham nhũng, lãng phí.",
    "Trường hợp phát sinh vướng mắc, báo cáo UBND tỉnh.",
    "Người đứng đầu cơ quan được giao nhiệm vụ được quyền chủ động.",
    "",
]


@pytest.mark.parametrize("sentence", NO_LEAD)
def test_sentences_without_a_lead(sentence: str) -> None:
    assert find_lead_in_sentence(sentence) is None


def test_registry_file_is_consistent() -> None:
    """Each canonical name appears once, and no alias is claimed by two agencies (analysts edit this file)."""
    path = Path(agency_registry.__file__).with_name("data") / "agencies.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"canonical", "aliases", "kind"}
    owner: dict[str, str] = {}
    canonicals = [r["canonical"] for r in rows]
    assert len(canonicals) == len(set(canonicals))
    for row in rows:
        for name in [row["canonical"], *filter(None, row["aliases"].split("|"))]:
            key = match_key(name)
            assert owner.setdefault(key, row["canonical"]) == row["canonical"], name
        assert canonical_agency(row["canonical"]) == (row["canonical"], True)


@pytest.mark.parametrize(
    ("line", "known_only", "expected"),
    [
        ("5.1. Trung tâm Quản lý chất lượng", False, "Trung tâm Quản lý chất lượng"),
        ("Ban Tuyên giáo và Dân vận Tỉnh ủy", True, "Ban Tuyên giáo và Dân vận Tỉnh ủy"),
        ("Phòng Đào tạo và Phòng Công tác sinh viên", False, "Phòng Đào tạo và Phòng Công tác sinh viên"),
        ("Trung tâm Dịch vụ nông nghiệp", True, None),  # not in the registry
        ("Phòng Đào tạo cung cấp danh sách sinh viên", False, None),  # a sentence, not a name
        ("Bảo đảm sự lãnh đạo toàn diện", False, None),
    ],
)
def test_agency_heading(line, known_only, expected):
    label, text = line.split(" ", 1) if line[0].isdigit() else ("", line)
    assert agency_heading(text, known_only=known_only) == expected


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Lãnh đạo Sở Công Thương", ["Sở Công Thương"]),
        ("Lãnh đạo\nSở Giáo dục và Đào tạo", ["Sở Giáo dục và Đào tạo"]),
        ("Lãnh đạo\nCông an tỉnh", ["Công an tỉnh"]),
    ],
)
def test_the_leaders_of_an_agency_lead_as_the_agency(cell: str, names: list[str]) -> None:
    assert normalize_agencies(cell).names == names


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Văn phòng UBND tỉnh (Trung tâm Thông tin)", ["Văn phòng Ủy ban nhân dân tỉnh"]),
        ("Văn phòng UBND tỉnh (Trung tâm Phục vụ hành chính công tỉnh)", ["Văn phòng Ủy ban nhân dân tỉnh"]),
        ("Công an tỉnh (PC06)", ["Công an tỉnh"]),
    ],
)
def test_a_sub_unit_in_brackets_after_a_registered_agency_is_dropped(cell: str, names: list[str]) -> None:
    assert normalize_agencies(cell).names == names
