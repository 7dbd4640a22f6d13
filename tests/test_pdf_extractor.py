"""The born-digital PDF extractor: the corpus PDFs against their DOCX twins, and small drawn PDFs
for tables continued across pages, split rows, two-row headers, merged cells and unreadable files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.layout import GridCell, PageLayout, PageTable, TextLine, Word
from extractors.pdf import assemble_document, extract
from pipeline.base import ExtractionError
from pipeline.model import Document, Paragraph, SourceInfo, Table
from tests.pdf_builders import COLS, C, Page, build_pdf, header_row, task_row

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS_PAGES = {
    "ht-stp-694-baocao-q1-2026": 21,
    "qt-ubnd-kehoach-66-2025": 18,
    "ht-tu-congvan-66-2025": 4,
    "th-thieutrung-kehoach-66-2026": 7,
    "tn-btv-chithi-2026": 5,
}


@pytest.fixture(scope="module")
def corpus() -> dict[str, Document]:
    return {name: extract(FIXTURES / f"{name}.pdf") for name in CORPUS_PAGES}


def content_tables(doc: Document) -> list[Table]:
    return [t for t in doc.tables if not t.layout]


def all_texts(doc: Document) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return texts


# ---------------------------------------------------------------- the corpus


@pytest.mark.parametrize("name", sorted(CORPUS_PAGES))
def test_corpus_pdf_reads_with_pages_and_provenance(corpus: dict[str, Document], name: str) -> None:
    doc = corpus[name]
    assert doc.source.source_format == "pdf"
    assert doc.source.pages == CORPUS_PAGES[name]
    assert all(p.page is not None and 1 <= p.page <= CORPUS_PAGES[name] for p in doc.paragraphs)
    assert all(r.page is not None for t in doc.tables for r in t.rows)
    assert [t.index for t in content_tables(doc)] == list(range(len(content_tables(doc))))


@pytest.mark.parametrize("name", sorted(CORPUS_PAGES))
def test_corpus_pdf_has_as_many_content_tables_and_rows_as_its_docx_twin(
    corpus: dict[str, Document], name: str
) -> None:
    from extractors.docx import extract as extract_docx

    twin = extract_docx(FIXTURES / f"{name}.docx")
    pdf_tables, docx_tables = content_tables(corpus[name]), content_tables(twin)
    assert len(pdf_tables) == len(docx_tables)
    for pdf_table, docx_table in zip(pdf_tables, docx_tables, strict=True):
        assert len(pdf_table.rows) == len(docx_table.rows)


def test_qt_appendix_is_one_logical_table_without_repeated_headers(corpus: dict[str, Document]) -> None:
    (table,) = content_tables(corpus["qt-ubnd-kehoach-66-2025"])
    assert table.page == 9
    assert {r.page for r in table.rows} == set(range(9, 19))  # one table over ten landscape pages
    assert [r.is_header for r in table.rows].count(True) == 1
    header = [c.text for c in table.rows[0].cells]
    assert header[0] == "TT" and "Cơ quan chủ trì" in header
    assert all([c.text for c in r.cells] != header for r in table.rows[1:])
    labels = [r.cells[0].text for r in table.rows[1:]]
    assert labels.count("I") == 1 and "VII" in labels  # a label wrapped in its narrow column is rejoined


def test_row_split_at_a_page_end_is_merged(corpus: dict[str, Document]) -> None:
    table = content_tables(corpus["ht-stp-694-baocao-q1-2026"])[2]
    first = table.rows[1]
    assert first.page == 11 and first.cells[0].text == "1"
    assert "để phục vụ phát triển khoa học" in first.cells[1].text
    assert first.cells[1].text.endswith("chuyển đổi số trong quản lý Nhà nước")
    assert "kiến đối với các nghị quyết của HĐND tỉnh" in first.cells[5].text
    assert [r.cells[0].text for r in table.rows[1:]] == ["1", "2", "3", "4", "5", "6"]


def test_no_furniture_in_text(corpus: dict[str, Document]) -> None:
    for doc in corpus.values():
        for text in all_texts(doc):
            assert not re.fullmatch(r"\d{1,3}", text.strip()) or text.strip() in _cell_numbers(doc)
            assert "DỰ THẢO" not in text


def _cell_numbers(doc: Document) -> set[str]:
    return {c.text.strip() for t in doc.tables for r in t.rows for c in r.cells}


def test_resolution_number_never_split(corpus: dict[str, Document]) -> None:
    for doc in corpus.values():
        joined = "\n".join(all_texts(doc))
        assert "66-NQ/TW" in joined
        assert not re.search(r"66-\s+NQ", joined)


def test_national_header_is_a_two_column_layout_block(corpus: dict[str, Document]) -> None:
    first = corpus["ht-stp-694-baocao-q1-2026"].blocks[0]
    assert isinstance(first, Table) and first.layout and first.index is None
    left, right = (c.text.split("\n") for c in first.rows[0].cells)
    assert left[:3] == ["UBND TỈNH HÀ TĨNH", "SỞ TƯ PHÁP", "Số: 694 /STP-XDPL"]
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Tĩnh, ngày 06 tháng 4 năm 2026",
    ]


def test_footnotes_kept_apart_and_markers_not_glued(corpus: dict[str, Document]) -> None:
    doc = corpus["tn-btv-chithi-2026"]
    assert doc.footnotes and doc.footnotes[0].startswith("Quy định số 178-QĐ/TW")
    item = next(p for p in doc.paragraphs if p.list_label == "1.")
    assert "thi hành pháp luật. Đề ra biện pháp" in item.text
    assert not any("Quy định số 178-QĐ/TW" in p.text for p in doc.paragraphs)


def test_list_labels_and_headings(corpus: dict[str, Document]) -> None:
    doc = corpus["qt-ubnd-kehoach-66-2025"]
    lettered_dd = [p.text for p in doc.paragraphs if p.list_label == "đ)"]
    assert len(lettered_dd) == 4  # one "đ)" item in each of four sections
    assert lettered_dd[1].startswith("Tổ chức rà soát và khẩn trương sửa đổi, bổ sung")
    heading = next(p for p in doc.paragraphs if p.list_label == "II.")
    assert heading.bold and heading.all_caps and heading.text == "NHIỆM VỤ CỤ THỂ"
    title = next(p for p in doc.paragraphs if p.text == "KẾ HOẠCH")
    assert title.centered and title.bold


# ---------------------------------------------------------------- drawn PDFs


def test_table_split_across_pages_is_one_table(tmp_path: Path) -> None:
    pages = [
        Page(["Danh mục nhiệm vụ"], [header_row(), task_row("1", ["Việc một"], ["Sở Tư pháp"], ["2026"])]),
        Page([], [header_row(), task_row("2", ["Việc hai"], ["Sở Nội vụ"], ["2027"])]),
    ]
    doc = extract(build_pdf(tmp_path / "split.pdf", pages, COLS))
    (table,) = content_tables(doc)
    assert [r.is_header for r in table.rows] == [True, False, False]
    assert [r.cells[1].text for r in table.rows] == ["Nội dung nhiệm vụ", "Việc một", "Việc hai"]
    assert [r.page for r in table.rows] == [1, 1, 2]
    assert doc.source.pages == 2 and table.page == 1


def test_row_split_across_pages_is_merged(tmp_path: Path) -> None:
    pages = [
        Page([], [header_row(), task_row("1", ["Ban hành Nghị quyết số 66-"], ["Sở Tư"], [])]),
        Page(
            [], [header_row(), (40, [C(0), C(1, ["NQ/TW của tỉnh"]), C(2, ["pháp"]), C(3, ["Quý I/2026"])])]
        ),
    ]
    table = content_tables(extract(build_pdf(tmp_path / "row.pdf", pages, COLS)))[0]
    assert len(table.rows) == 2
    row = table.rows[1]
    assert row.cells[1].text == "Ban hành Nghị quyết số 66-NQ/TW của tỉnh"
    assert row.cells[2].text == "Sở Tư pháp"
    assert row.cells[3].text == "Quý I/2026" and row.page == 1


def _two_row_header() -> list[tuple[float, list[C]]]:
    return [
        (20, [C(0, ["TT"], row_span=2, bold=True), C(1, ["Nội dung"], row_span=2, bold=True),
              C(2, ["Cơ quan thực hiện"], col_span=2, bold=True)]),
        (20, [C(2, ["Chủ trì"], bold=True), C(3, ["Phối hợp"], bold=True)]),
    ]  # fmt: skip


def test_two_row_header(tmp_path: Path) -> None:
    pages = [
        Page([], [*_two_row_header(), task_row("1", ["Việc một"], ["Sở Tư pháp"], ["Sở Nội vụ"])]),
        Page([], [*_two_row_header(), task_row("2", ["Việc hai"], ["Sở Tài chính"], ["Các sở"])]),
    ]
    (table,) = content_tables(extract(build_pdf(tmp_path / "hdr.pdf", pages, COLS)))
    assert [r.is_header for r in table.rows] == [True, True, False, False]
    top = table.rows[0]
    assert top.cell_at(0).row_span == 2 and top.cell_at(2).col_span == 2
    assert top.cell_at(2).text == "Cơ quan thực hiện"
    assert table.rows[1].cell_at(0).merged_from_above
    assert [table.rows[1].text_at(2), table.rows[1].text_at(3)] == ["Chủ trì", "Phối hợp"]
    assert [r.text_at(2) for r in table.rows[2:]] == ["Sở Tư pháp", "Sở Tài chính"]


def test_merged_lead_cell_crossing_a_page_break_keeps_its_value(tmp_path: Path) -> None:
    page1 = [
        header_row(),
        (40, [C(0, ["1"]), C(1, ["Việc một"]), C(2, ["Sở Tư pháp"], row_span=2), C(3, ["2026"])]),
        (40, [C(0, ["2"]), C(1, ["Việc hai"]), C(3, ["2027"])]),
    ]
    page2 = [
        header_row(),
        (40, [C(0, ["3"]), C(1, ["Việc ba"]), C(2, [], row_span=2), C(3, ["2028"])]),
        (40, [C(0, ["4"]), C(1, ["Việc bốn"]), C(3, ["2029"])]),
    ]
    (table,) = content_tables(
        extract(build_pdf(tmp_path / "merge.pdf", [Page([], page1), Page([], page2)], COLS))
    )
    rows = table.rows[1:]
    assert [r.text_at(0) for r in rows] == ["1", "2", "3", "4"]
    assert [r.text_at(2) for r in rows] == ["Sở Tư pháp"] * 4
    assert rows[0].cell_at(2).row_span == 4
    assert [r.cell_at(2).merged_from_above for r in rows] == [False, True, True, True]


def test_landscape_page_table(tmp_path: Path) -> None:
    pages = [
        Page(
            ["Phụ lục"], [header_row(), task_row("1", ["Việc một"], ["Sở Tư pháp"], ["2026"])], landscape=True
        )
    ]
    doc = extract(build_pdf(tmp_path / "land.pdf", pages, [40, 400, 160, 120]))
    assert content_tables(doc)[0].rows[1].text_at(2) == "Sở Tư pháp"


# ---------------------------------------------------------------- unreadable files


def test_password_protected_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = build_pdf(tmp_path / "plain.pdf", [Page(["Nội dung"], [])], COLS)
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as f:
        writer.write(f)
    with pytest.raises(ExtractionError, match="password-protected PDF"):
        extract(locked)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = (FIXTURES / "tn-btv-chithi-2026.pdf").read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(data[: len(data) // 5])
    with pytest.raises(ExtractionError, match="damaged PDF|no text layer"):
        extract(broken)


def test_corrupt_pdf(tmp_path: Path) -> None:
    broken = tmp_path / "garbage.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(ExtractionError, match="damaged PDF"):
        extract(broken)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "blank.pdf"
    canvas = Canvas(str(path))
    canvas.rect(100, 100, 200, 200)
    canvas.showPage()
    canvas.save()
    with pytest.raises(ExtractionError, match="no text layer"):
        extract(path)


def test_failed_pdf_becomes_a_failed_record(tmp_path: Path) -> None:
    from pipeline.run import process_file

    broken = tmp_path / "garbage.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + b"\x00" * 500)
    result = process_file(broken)
    assert result.record.status == "failed" and "PDF" in result.record.error


# ---------------------------------------------------------------- the assembler alone (OCR path)


def _line(text: str, x0: float, top: float, size: float = 12.0) -> TextLine:
    words, x = [], x0
    for token in text.split():
        width = 0.5 * size * len(token)
        words.append(Word(token, x, top, x + width, top + size, size=size))
        x += width + 0.25 * size
    return TextLine(words)


def test_assembler_joins_wrapped_lines_and_repairs_hyphenation() -> None:
    lines = [
        _line("1. Triển khai Nghị quyết số 66-", 100, 100),
        _line("NQ/TW trong toàn tỉnh.", 72, 115),
        _line("2. Báo cáo kết quả.", 100, 140),
    ]
    # justify the first line to the right margin so it reads as wrapped
    lines[0].words[-1].x1 = 500
    page = PageLayout(number=1, width=595, height=842, lines=lines)
    doc = assemble_document([page], SourceInfo("x.pdf", "pdf_scanned", "id", "sha"))
    paragraphs = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert [(p.list_label, p.text) for p in paragraphs] == [
        ("1.", "Triển khai Nghị quyết số 66-NQ/TW trong toàn tỉnh."),
        ("2.", "Báo cáo kết quả."),
    ]


def _grid(
    rows: list[list[str]], edges: list[float], top: float, confidence: float | None = None
) -> PageTable:
    cells = [
        GridCell(row=r, col=c, text=text, confidence=confidence)
        for r, row in enumerate(rows)
        for c, text in enumerate(row)
    ]
    return PageTable(cells, len(rows), len(edges) - 1, edges, edges[0], top, edges[-1], top + 20 * len(rows))


def test_a_scanned_table_shifted_on_the_next_page_is_still_one_table() -> None:
    """A scanned sheet sits a few points further right on page 2, and OCR misreads a header letter."""
    header = ["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơn vị chủ trì/phối hợp"]
    first = _grid([header, ["1", "Ban hành kế hoạch", "Trước ngày 27/6/2026", "Phòng Đào tạo"]],
                  [88.0, 114.0, 325.5, 396.0, 517.0], top=560)  # fmt: skip
    second = _grid([["TT", "Nội dung công việc", "Thời gian thực hiện", "Đơu vị chủ trì/phối hợp"],
                    ["2", "Tổng hợp dữ liệu", "Trước ngày 15/7/2026", "Trung tâm QLCL"]],
                   [93.5, 120.0, 330.5, 401.0, 522.5], top=100, confidence=0.4)  # fmt: skip
    pages = [
        PageLayout(number=1, width=595, height=842, tables=[first], scanned=True),
        PageLayout(number=2, width=595, height=842, tables=[second], scanned=True),
    ]
    (table,) = assemble_document(pages, SourceInfo("x.pdf", "pdf_scanned", "id", "sha")).tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        header,
        ["1", "Ban hành kế hoạch", "Trước ngày 27/6/2026", "Phòng Đào tạo"],
        ["2", "Tổng hợp dữ liệu", "Trước ngày 15/7/2026", "Trung tâm QLCL"],
    ]
    assert table.rows[2].cells[1].confidence == 0.4  # OCR confidence reaches the model


# ---------------------------------------------------------------- text layers that lie


GARBLED_LINES = [
    "KẾ HOẠCH",
    "Triển khai nhiệm vụ cải cách hành chính năm 2026",
    "1. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.",
    "2. Sở Nội vụ tổng hợp, báo cáo kết quả thực hiện.",
    "3. Văn phòng Ủy ban nhân dân tỉnh theo dõi, đôn đốc việc thực hiện.",
]


def _private_use(char: str) -> str:
    """A broken font mapping: every glyph reads as a private-use code point."""
    return char if char == " " else chr(0xE000 + ord(char) % 0x800)


def _nonsense_letters(char: str) -> str:
    """A shifted mapping: glyphs read as plain ASCII letters that make no Vietnamese word."""
    return char if char == " " else "bcdfghjklmnpqrstvwxz"[ord(char) % 20]


@pytest.mark.parametrize("remap", [_private_use, _nonsense_letters], ids=["private-use", "nonsense"])
def test_pdf_whose_text_layer_is_garbage_is_ocred(tmp_path: Path, remap) -> None:
    from tests.pdf_builders import remap_text_layer

    drawn = build_pdf(tmp_path / "drawn.pdf", [Page(GARBLED_LINES, [])], COLS, size=14)
    garbled = remap_text_layer(drawn, tmp_path / "garbled.pdf", remap)
    document = extract(garbled)
    assert document.source.source_format == "pdf_scanned"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Sở Tư pháp chủ trì rà soát văn bản" in text
    assert not any("\ue000" <= ch <= "\uf8ff" for ch in text)
