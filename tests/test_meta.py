"""Document metadata from the national header, on the corpus and on headers written in code."""

from __future__ import annotations

import pytest

from extractors.docx import extract
from pipeline.meta import read_meta
from pipeline.model import Cell, Document, Paragraph, Row, SourceInfo, Table
from tests.conftest import fixture


@pytest.mark.parametrize(
    ("name", "doc_type", "doc_number", "doc_date", "province"),
    [
        ("ht-stp-694-baocao-q1-2026.docx", "bao_cao", "694/STP-XDPL", "2026-04-06", "Hà Tĩnh"),
        ("ht-tu-congvan-66-2025.docx", "cong_van", None, None, "Hà Tĩnh"),
        ("qt-ubnd-kehoach-66-2025.docx", "ke_hoach", None, None, "Quảng Trị"),
        ("th-thieutrung-kehoach-66-2026.docx", "ke_hoach", None, None, "Thanh Hóa"),
        ("tn-btv-chithi-2026.docx", "chi_thi", None, None, "Thái Nguyên"),
    ],
)
def test_corpus_metadata(name, doc_type, doc_number, doc_date, province):
    meta = read_meta(extract(fixture(name)))
    assert (meta.doc_type, meta.doc_number, meta.doc_date, meta.province) == (
        doc_type,
        doc_number,
        doc_date,
        province,
    )


def header_document(left: str, right: str, *paragraphs: str) -> Document:
    """A document whose national header is a borderless two-column table, as offices type it."""
    left_lines, right_lines = left.split("|"), right.split("|")
    rows = [
        Row(
            cells=[Cell(text="\n".join(left_lines[:2]), col=0), Cell(text="\n".join(right_lines[:2]), col=1)]
        ),
        Row(
            cells=[Cell(text="\n".join(left_lines[2:]), col=0), Cell(text="\n".join(right_lines[2:]), col=1)]
        ),
    ]
    blocks = [Table(rows=rows, layout=True)] + [
        Paragraph(text=t, centered=True, bold=True, all_caps=t.isupper()) for t in paragraphs
    ]
    return Document(source=SourceInfo("x.docx", "docx", "0" * 16, "0" * 64), blocks=blocks)


def test_issuer_number_and_date_of_a_department_report():
    document = header_document(
        "UBND TỈNH NGHỆ AN|SỞ XÂY DỰNG|Số: 1234/BC-SXD",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc|Nghệ An, ngày 05 tháng 11 năm 2026",
        "BÁO CÁO",
        "Kết quả thực hiện nhiệm vụ năm 2026",
    )
    meta = read_meta(document)
    assert meta.doc_type == "bao_cao"
    assert meta.doc_number == "1234/BC-SXD"
    assert meta.doc_date == "2026-11-05"
    assert meta.province == "Nghệ An"
    assert meta.issuer == "Sở Xây dựng tỉnh Nghệ An"
    assert meta.title == "Kết quả thực hiện nhiệm vụ năm 2026"


def test_a_draft_leaves_number_and_day_blank():
    document = header_document(
        "ỦY BAN NHÂN DÂN|TỈNH LÀO CAI|Số:      /QĐ-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc|Lào Cai, ngày    tháng 3 năm 2026",
        "QUYẾT ĐỊNH",
    )
    meta = read_meta(document)
    assert (meta.doc_type, meta.doc_number, meta.doc_date) == ("quyet_dinh", None, None)
    assert meta.issuer == "Ủy ban nhân dân tỉnh Lào Cai"


def test_an_official_letter_is_known_by_its_subject_line():
    document = header_document(
        "UBND TỈNH GIA LAI|VĂN PHÒNG|Số: 88/VP-KSTT|V/v triển khai nhiệm vụ chuyển đổi số",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc|Gia Lai, ngày 31 tháng 12 năm 2025",
    )
    meta = read_meta(document)
    assert meta.doc_type == "cong_van"
    assert meta.doc_date == "2025-12-31"
    assert meta.title == "V/v triển khai nhiệm vụ chuyển đổi số"


def test_a_centrally_run_city_is_named_as_a_city():
    document = header_document(
        "BỘ CÔNG THƯƠNG|TRƯỜNG ĐẠI HỌC CÔNG THƯƠNG THÀNH PHỐ HỒ CHÍ MINH|Số: 753/KH-DCT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập - Tự do - Hạnh phúc|TP. Hồ Chí Minh, ngày 23 tháng 6 năm 2026",
        "KẾ HOẠCH",
    )
    meta = read_meta(document)
    assert (meta.province, meta.doc_number, meta.doc_date) == (
        "Thành phố Hồ Chí Minh",
        "753/KH-DCT",
        "2026-06-23",
    )


def test_a_party_document_number_uses_a_dash():
    document = header_document(
        "ĐẢNG BỘ TỈNH PHÚ THỌ|TỈNH ỦY|Số 45-KH/TU",
        "ĐẢNG CỘNG SẢN VIỆT NAM|*|Phú Thọ, ngày 10 tháng 3 năm 2026",
        "KẾ HOẠCH",
    )
    meta = read_meta(document)
    assert (meta.doc_type, meta.doc_number, meta.doc_date, meta.province) == (
        "ke_hoach",
        "45-KH/TU",
        "2026-03-10",
        "Phú Thọ",
    )


def test_a_subject_line_is_never_the_issuer():
    """A directive with no header: its subject ("về tăng cường …") must not pass for the issuer."""
    meta = read_meta(extract(fixture("tn-btv-chithi-2026.docx")))
    assert meta.issuer is None
    assert meta.review_reasons == ["issuer not found in the header"]


def test_tasks_of_a_document_without_an_issuer_are_flagged():
    from pipeline.tasks import document_to_tasks

    _, tasks = document_to_tasks(extract(fixture("tn-btv-chithi-2026.docx")))
    assert tasks and all(
        t.needs_review and "issuer not found in the header" in t.review_reasons for t in tasks
    )


def test_a_ministry_belongs_to_no_province_even_when_its_date_line_names_a_city():

    header = Table(
        rows=[
            Row(
                cells=[
                    Cell(text="BỘ XÂY DỰNG\nSố: 15/BXD-VP", col=0),
                    Cell(text="Hà Nội, ngày 02 tháng 3 năm 2026", col=1),
                ]
            )
        ],
        layout=True,
    )
    document = Document(source=SourceInfo("x.pdf", "pdf", "0" * 16, "0" * 64), blocks=[header])
    meta = read_meta(document)
    assert (meta.province, meta.issuer, meta.doc_date) == (None, "Bộ Xây dựng", "2026-03-02")
