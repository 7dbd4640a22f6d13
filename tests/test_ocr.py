"""OCR of scanned pages: real Tesseract on the real scans in tests/fixtures, synthetic rasters for geometry.

Nothing is mocked and nothing is skipped: without Tesseract and its Vietnamese model these tests fail,
with a message that says what to install.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image, ImageDraw

from extractors.layout import PageLayout, PageTable
from extractors.ocr import read_scanned_page, read_scanned_pages
from extractors.ocr_layout import (
    LabelSequence,
    repair_dotted_number,
    repair_footnote_bang,
    repair_mixed_roman,
    roman_suspect,
)
from extractors.ocr_raster import deskew, estimate_skew, find_grids, ink_mask, otsu_threshold
from extractors.ocr_tesseract import OcrWord
from extractors.ocr_vocabulary import snap_text
from extractors.pdf_page import has_text_layer

FIXTURES = Path(__file__).parent / "fixtures"
REPORT_SCAN = FIXTURES / "ht-stp-694-baocao-q1-2026.scan.pdf"
REPORT_PDF = FIXTURES / "ht-stp-694-baocao-q1-2026.pdf"
APPENDIX_SCAN = FIXTURES / "ct-ubnd-46-appendix.scan.pdf"  # pages 3–4 of a plan: a landscape task table
REAL_SCAN = FIXTURES / "real-bca-c04-part-iv.scan.pdf"  # a real office's scan: part IV of a ministry plan
STATUS_SCAN = FIXTURES / "ld-snv-1852-appendix.scan.pdf"  # pages 4–5 of a report: task status by section


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _page_text(layout: PageLayout) -> str:
    lines = [line.text for line in layout.lines]
    cells = [cell.text for table in layout.tables for cell in table.cells]
    return "\n".join(lines + cells)


@pytest.fixture(scope="module")
def report_page_1() -> PageLayout:
    with pdfplumber.open(REPORT_SCAN) as pdf:
        return read_scanned_page(pdf.pages[0])


@pytest.fixture(scope="module")
def report_table_page() -> PageLayout:
    with pdfplumber.open(REPORT_SCAN) as pdf:
        return read_scanned_page(pdf.pages[15])  # landscape appendix: the task table, continued


# ---------------------------------------------------------------- environment


def test_tesseract_and_vietnamese_model_are_installed() -> None:
    assert shutil.which("tesseract"), "Tesseract is missing: apt-get install tesseract-ocr tesseract-ocr-vie"
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=True).stdout
    assert "vie" in langs.split(), (
        "Tesseract's Vietnamese model is missing: apt-get install tesseract-ocr-vie"
    )


# ---------------------------------------------------------------- text layer


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.scan.pdf")), ids=lambda p: p.name)
def test_scanned_pages_have_no_text_layer(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        assert not has_text_layer(pdf.pages[0])


def test_born_digital_page_has_a_text_layer() -> None:
    with pdfplumber.open(REPORT_PDF) as pdf:
        assert has_text_layer(pdf.pages[0])


# ---------------------------------------------------------------- OCR of real scans


def test_first_page_reads_the_national_header_and_key_words(report_page_1: PageLayout) -> None:
    text = _page_text(report_page_1)
    assert text == _nfc(text)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ TƯ PHÁP",
        "Hà Tĩnh, ngày 06 tháng 4 năm 2026",
        "Nghị quyết số 66-NQ/TW",
        "Kính gửi: Ủy ban",
        "Ban Thường vụ Tỉnh ủy",
        "Kết quả chung thực hiện các nhiệm vụ",
    ):
        assert phrase in text, phrase


def test_first_page_layout_is_in_pdf_points(report_page_1: PageLayout) -> None:
    page = report_page_1
    assert page.scanned and page.number == 1
    assert (round(page.width), round(page.height)) == (595, 842)
    # One line per visual row, like a born-digital page: the national header's two columns share
    # a line, with the wide gap the assembler splits them at.
    header = page.lines[0]
    assert header.text == "UBND TỈNH HÀ TĨNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    gap = max(b.x0 - a.x1 for a, b in zip(header.words, header.words[1:], strict=False))
    assert gap > 30
    words = [w for line in page.lines for w in line.words]
    assert all(0 <= w.x0 < w.x1 <= page.width and 0 <= w.top < w.bottom <= page.height for w in words)
    assert all(w.confidence is not None and 0 <= w.confidence <= 1 for w in words)
    # Typography set like a PDF: body lines in one size, bold read from the strokes.
    body = [line for line in page.lines if line.text.startswith(("về việc cung cấp", "đó giao Sở Tư pháp"))]
    assert len(body) == 2 and {w.size for line in body for w in line.words} == {14.0}
    assert not any(w.bold for line in body for w in line.words)
    agency = next(line for line in page.lines if line.text.startswith("SỞ TƯ PHÁP"))
    assert all(w.bold for w in agency.words)
    heading = next(line for line in page.lines if "Kết quả chung thực hiện" in line.text)
    assert heading.bold


def test_first_page_count_table_is_read_cell_by_cell(report_page_1: PageLayout) -> None:
    (table,) = report_page_1.tables
    assert (table.n_rows, table.n_cols) == (2, 9)
    numbers = [c.text for c in sorted(table.cells, key=lambda c: c.col) if c.row == 1]
    assert numbers == ["42", "23", "11", "11", "0", "31", "0", "0", "0"]


def _cell(table: PageTable, row: int, col: int) -> str:
    return next(c.text for c in table.cells if c.row == row and c.col == col)


def test_scanned_table_page_gives_cells_with_their_words(report_table_page: PageLayout) -> None:
    (table,) = report_table_page.tables
    assert (table.n_rows, table.n_cols) == (11, 6)
    header = [_cell(table, 0, c).replace("\n", " ") for c in range(6)]
    assert header == [
        "TT",
        "Tên nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kết quả",
        "Thời gian thực hiện",
    ]
    assert [_cell(table, r, 0) for r in (2, 3, 4, 5)] == ["4", "5", "6", "7"]
    assert _cell(table, 2, 2) == "Sở Tư pháp" and _cell(table, 2, 5) == "Thường xuyên"
    assert _cell(table, 3, 3) == "Các sở, ban, ngành cấp tỉnh; UBND cấp xã"  # a wrapped line is joined
    assert "kinh tế - xã hội" in _cell(table, 3, 1)
    # The section row: a Roman numeral, then one cell merged across the other five columns.
    section = next(c for c in table.cells if c.row == 6 and c.col == 1)
    assert section.col_span == 5 and section.text.startswith("Tạo đột phá trong công tác thi hành pháp luật")
    assert _cell(table, 6, 0) == "III"
    # Cells keep their box on the page and their confidence; a blank cell is blank.
    assert all(c.x0 < c.x1 and c.top < c.bottom for c in table.cells)
    assert _cell(table, 2, 3) == "" and table.col_edges[0] == table.x0


@pytest.fixture(scope="module")
def appendix_page() -> PageLayout:
    with pdfplumber.open(APPENDIX_SCAN) as pdf:
        return read_scanned_page(pdf.pages[0])


def test_bold_header_words_are_not_mistaken_for_ruling_lines(appendix_page: PageLayout) -> None:
    # The feet of bold serif letters ("STT", "Nội dung") make runs as long as a short rule; erased
    # as one, they took the bottom of the words with them and split the merged header cell.
    (table,) = appendix_page.tables
    assert (table.n_rows, table.n_cols) == (11, 6)
    stt = next(c for c in table.cells if c.row == 0 and c.col == 0)
    assert (stt.text, stt.row_span) == ("STT", 2)
    assert _cell(table, 0, 1) == "Nội dung"
    section = _cell(table, 3, 1)  # bold too: its letters' feet are kept
    assert section.startswith("Cải cách thủ tục hành chính, cắt giảm") and section.endswith("tuân thủ")


def test_dotted_item_numbers_read_on_a_continued_table_page() -> None:
    with pdfplumber.open(APPENDIX_SCAN) as pdf:
        (table,) = read_scanned_page(pdf.pages[1]).tables
    numbers = [c.text for c in sorted(table.cells, key=lambda c: c.row) if c.col == 0]
    assert numbers == ["STT", "", "2.3", "B", "1.", "1.1", "1.2", "2.", "2.1", "2.2", "2.3", "3."]


def test_an_item_number_gets_back_the_full_stop_the_raster_shows() -> None:
    # Two digit-high glyphs with a dot on the baseline between them, read as "23".
    clean = np.full((40, 60), 255, dtype=np.uint8)
    clean[8:32, 10:18] = 0
    clean[27:32, 22:26] = 0
    clean[8:32, 30:38] = 0
    word = OcrWord("23", 8, 8, 40, 32, 0.9, (1, 1, 1))
    fixed = repair_dotted_number(word, clean)
    assert (fixed.text, fixed.raw) == ("2.3", "23")
    clean[27:32, 22:26] = 255  # no dot: a plain 23 stays
    assert repair_dotted_number(word, clean).text == "23"


@pytest.fixture(scope="module")
def status_pages() -> list[PageLayout]:
    with pdfplumber.open(STATUS_SCAN) as pdf:
        return read_scanned_pages(pdf.pages)


def test_section_numbers_of_a_task_table_are_read_as_roman_numerals(status_pages: list[PageLayout]) -> None:
    # Bold "I" came back as "1" and "III" as "HỘ!"; the data rows' "1", "10" stay digits.
    labels = [
        [_cell(table, row, 0) for row in range(table.n_rows)]
        for page in status_pages
        for table in page.tables
    ]
    assert labels[0] == ["TT", "I", "1", "2", "3", "II", "4", "5", "6", "7"]
    assert labels[1] == ["TT", "", "8", "III", "9", "10", "11", "IV", "12", "13", "14", "15", "V", "16"]


def test_a_short_word_tesseract_doubts_is_kept_when_it_is_the_size_of_a_word(
    status_pages: list[PageLayout],
) -> None:
    (table,) = status_pages[1].tables
    assert _cell(table, 4, 2) == "Sở Nội vụ"  # "vụ" came back with confidence 0


def test_a_quarter_in_roman_numerals_is_read_in_a_cell(status_pages: list[PageLayout]) -> None:
    (table,) = status_pages[0].tables
    assert _cell(table, 7, 3) == "Quý III/2026"


@pytest.mark.parametrize(
    ("ocr", "repaired"), [("II1/2026", "III/2026"), ("1V.", "IV."), ("Il", "II"), ("11/2026", "11/2026")]
)
def test_a_roman_numeral_with_a_digit_among_its_strokes_is_repaired(ocr: str, repaired: str) -> None:
    fixed = repair_mixed_roman(_word(ocr))
    assert fixed.text == repaired
    assert fixed.raw == (ocr if repaired != ocr else None)


def test_light_strokes_of_diacritics_survive_the_cleaning_of_a_real_scan() -> None:
    # The hook above ("biểu", "chuẩn", "của") is a thin, lighter stroke: whitened with the paper
    # at the page's ink threshold, it was lost ("biêu", "chuân", "cua").
    with pdfplumber.open(REAL_SCAN) as pdf:
        text = " ".join(line.text for line in read_scanned_page(pdf.pages[0]).lines)
    for phrase in (
        "Phạm Minh Chính",
        "biểu chỉ đạo của Thủ tướng",
        "Phối hợp với Văn phòng Chính phủ bảo đảm",
    ):
        assert phrase in text, phrase


def test_raised_item_numbers_inside_a_paragraph_are_read() -> None:
    # "1. C04: ⁽¹⁾ Chủ trì … ⁽²⁾ Tuyên bố …": small raised "(1)"…"(8)" Tesseract dropped or read "®".
    with pdfplumber.open(REAL_SCAN) as pdf:
        text = " ".join(line.text for line in read_scanned_page(pdf.pages[0]).lines)
    part = text[text.index("1. C04:") : text.index("2. V01:")]
    assert re.findall(r"\(\d\)", part) == [f"({n})" for n in range(1, 9)]
    assert "(2) Tuyên bố lý do giới thiệu đại biểu;" in part
    assert "(3) Bài phát" not in text and "(3) Đáp từ" in text


def test_pages_read_in_parallel_match_pages_read_one_by_one() -> None:
    with pdfplumber.open(FIXTURES / "ht-tu-congvan-66-2025.scan.pdf") as pdf:
        pages = pdf.pages[:2]
        together = read_scanned_pages(pages, workers=2)
        alone = [read_scanned_page(p) for p in pages]
    assert [p.number for p in together] == [1, 2]
    assert [_page_text(p) for p in together] == [_page_text(p) for p in alone]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in _page_text(together[0])


# ---------------------------------------------------------------- synthetic rasters


def _text_like_page(seed: int = 7) -> Image.Image:
    """An A4 page at 150 dpi with lines of 'words' (dark bars of random length) and a ruled box."""
    rng = random.Random(seed)
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for top in range(150, 1600, 40):
        x = 120
        while x < 1100:
            width = rng.randint(25, 110)
            draw.rectangle([x, top, min(x + width, 1120), top + 16], fill=20)
            x += width + rng.randint(10, 18)
    draw.rectangle([100, 1620, 1140, 1700], outline=0, width=3)
    return image


@pytest.mark.parametrize("angle", [1.7, -2.3, 0.4])
def test_skew_estimate_of_a_rotated_page_is_within_a_third_of_a_degree(angle: float) -> None:
    rotated = _text_like_page().rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    estimate = estimate_skew(ink_mask(np.asarray(rotated)))
    assert abs(estimate - angle) <= 0.3
    straight, removed = deskew(np.asarray(rotated))
    assert abs(removed - angle) <= 0.3
    assert abs(estimate_skew(ink_mask(straight))) <= 0.3


def _ruled_table(merge_right: tuple[int, int], merge_down: tuple[int, int]) -> Image.Image:
    """A 4×3 ruled table at 200 dpi with no rule right of `merge_right` and none below `merge_down`."""
    rows, cols = [200, 300, 380, 460, 560], [150, 300, 800, 1100]
    image = Image.new("L", (1300, 800), 255)
    draw = ImageDraw.Draw(image)
    for r in range(4):
        for c in range(3):
            x0, x1, y0, y1 = cols[c], cols[c + 1], rows[r], rows[r + 1]
            if r == 0:
                draw.line([(x0, y0), (x1, y0)], fill=0, width=3)
            if c == 0:
                draw.line([(x0, y0), (x0, y1)], fill=0, width=3)
            if (r, c) != merge_down:
                draw.line([(x0, y1), (x1, y1)], fill=0, width=3)
            if (r, c) != merge_right:
                draw.line([(x1, y0), (x1, y1)], fill=0, width=3)
            draw.text((x0 + 20, y0 + 20), f"r{r}c{c}", fill=0)
    draw.text((150, 120), "Kế hoạch: dòng chữ ngoài bảng, gạch chân", fill=0)
    draw.line([(150, 140), (600, 140)], fill=0, width=2)  # an underline is not a table
    return image


def test_table_grid_with_merged_cells_is_recovered_from_a_noisy_tilted_scan() -> None:
    image = _ruled_table(merge_right=(1, 1), merge_down=(2, 0))
    tilted = np.asarray(image.rotate(0.8, resample=Image.Resampling.BILINEAR, fillcolor=255)).copy()
    rng = np.random.default_rng(3)
    specks = rng.random(tilted.shape) < 0.002  # scanner dust
    tilted[specks] = 40
    straight, _ = deskew(tilted)
    grids, rules = find_grids(ink_mask(straight), dpi=200)
    (grid,) = grids
    assert (grid.n_rows, grid.n_cols) == (4, 3)
    assert (1, 1, 1, 2) in grid.cells  # row 1: columns 1 and 2 merged
    assert (2, 0, 2, 1) in grid.cells  # column 0: rows 2 and 3 merged
    assert len(grid.cells) == 4 * 3 - 2
    assert grid.cell_of(3, 0) == grid.cell_of(2, 0) and grid.cell_of(1, 2) == grid.cell_of(1, 1)
    assert not rules[:160].any()  # the underline above the table is left alone


def test_a_letter_touching_a_column_rule_from_above_adds_no_row() -> None:
    # A title's descender just above the table touches one column rule: that rule now pokes out
    # above the table, but only a table cut off at the page edge has its rules all running on.
    image = _ruled_table(merge_right=(1, 1), merge_down=(2, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([297, 165, 303, 199], fill=0)  # a stem standing on the rule at x = 300
    grids, _ = find_grids(ink_mask(np.asarray(image)), dpi=200)
    (grid,) = grids
    assert (grid.n_rows, grid.n_cols) == (4, 3)
    assert abs(grid.row_edges[0] - 200) <= 3


def test_a_table_cut_at_the_page_end_keeps_its_last_row() -> None:
    image = _ruled_table(merge_right=(1, 1), merge_down=(2, 0)).crop((0, 0, 1300, 520))
    grids, _ = find_grids(ink_mask(np.asarray(image)), dpi=200)
    (grid,) = grids
    assert grid.n_rows == 4 and grid.row_edges[-1] >= 515


def test_a_table_with_column_rules_only_is_cut_into_rows_at_its_item_numbers() -> None:
    # Row rules too faint to scan: three rows whose number sits in the middle of the row's lines.
    image = Image.new("L", (1300, 900), 255)
    draw = ImageDraw.Draw(image)
    for x in (150, 300, 800, 1100):
        draw.line([(x, 200), (x, 800)], fill=0, width=3)
    for top, lines in ((220, 3), (420, 2), (600, 4)):
        for i in range(lines):
            draw.rectangle([320, top + 40 * i, 760, top + 40 * i + 16], fill=20)  # the task's lines
        middle = top + 20 * (lines - 1)
        draw.rectangle([200, middle, 240, middle + 16], fill=20)  # its number
        draw.rectangle([820, top, 1000, top + 16], fill=20)  # its lead, on the first line
    grids, _ = find_grids(ink_mask(np.asarray(image)), dpi=200)
    (grid,) = grids
    assert (grid.n_rows, grid.n_cols) == (3, 3) and not grid.ruled_rows
    assert 336 < grid.row_edges[1] < 420 and 496 < grid.row_edges[2] < 600


# ---------------------------------------------------------------- vocabulary repairs


@pytest.mark.parametrize(
    ("ocr", "repaired"),
    [
        ("IV. TỔ CHỨC THỰC HIÊN", "IV. TỔ CHỨC THỰC HIỆN"),
        ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Cơ quan chủ tri", "Cơ quan chủ trì"),
        ("Thời gian thực hiên", "Thời gian thực hiện"),
        ("KẾ HOACH", "KẾ HOẠCH"),
    ],
)
def test_near_miss_headings_are_snapped(ocr: str, repaired: str) -> None:
    assert snap_text(ocr) == repaired


@pytest.mark.parametrize(
    "text", ["Cơ quan chủ trì", "Thời hạn", "Thời gian", "Sở Tư pháp", "Nhiệm vụ 1", "Năm 2026", "TT"]
)
def test_correct_or_unrelated_text_is_left_alone(text: str) -> None:
    assert snap_text(text) is None


def test_a_footnote_mark_read_as_an_exclamation_mark_before_a_full_stop_goes() -> None:
    # A raised footnote "1" after "pháp luật." came back as "luật!."; the PDF twin reads "luật.".
    fixed = repair_footnote_bang(_word("luật!."))
    assert (fixed.text, fixed.raw) == ("luật.", "luật!.")
    assert repair_footnote_bang(_word("ngay!")).text == "ngay!"


# ---------------------------------------------------------------- label repairs


def _word(text: str) -> OcrWord:
    return OcrWord(text, 0, 0, 10, 10, 0.9, (1, 1, 1))


def test_misread_list_labels_are_repaired_from_their_sequence_and_keep_the_raw_text() -> None:
    labels = LabelSequence()
    ocr = ["a)", "b)", "©)", "_d)", "đ)", "€)", "ø)", "1.", "2,", "$.1.", "~"]
    read = [labels.repair(_word(t)) for t in ocr]
    assert [w.text for w in read] == ["a)", "b)", "c)", "d)", "đ)", "e)", "g)", "1.", "2.", "5.1.", "-"]
    assert [w.raw for w in read] == [None, None, "©)", "_d)", None, "€)", "ø)", None, "2,", "$.1.", "~"]
    assert labels.repair(_word("A)")).text == "A)"  # an upper-case label is another list, left alone


@pytest.mark.parametrize(
    ("text", "suspect"), [("H", True), ("VỊ I", True), ("M", True), ("II", False), ("1", False)]
)
def test_roman_numerals_worth_a_second_reading(text: str, suspect: bool) -> None:
    assert roman_suspect(text, conf=0.95) is suspect


def test_the_ink_threshold_counts_every_gray_level_the_way_numpy_does() -> None:
    """Otsu's threshold reads PIL's histogram of the page (faster): the same counts as numpy's."""
    rng = np.random.default_rng(7)
    page = rng.integers(200, 256, size=(300, 200), dtype=np.uint8)  # paper
    page[100:120, 20:180] = rng.integers(0, 60, size=(20, 160), dtype=np.uint8)  # a line of ink
    counts = np.bincount(page.ravel(), minlength=256)
    levels = np.arange(256)
    weight = np.cumsum(counts)
    mean = np.cumsum(counts * levels)
    between = [
        weight[t]
        * (page.size - weight[t])
        * (mean[t] / weight[t] - (mean[-1] - mean[t]) / (page.size - weight[t])) ** 2
        if 0 < weight[t] < page.size
        else 0.0
        for t in range(255)
    ]
    assert otsu_threshold(page) == int(np.argmax(between))
    threshold = otsu_threshold(page)
    assert (page[100:120, 20:180] <= threshold).all() and (page[:100] > threshold).all()  # ink | paper
    assert otsu_threshold(page.astype(np.int64)) == otsu_threshold(page)  # any integer image
