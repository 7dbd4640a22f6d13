"""The fast PDF layer (pdfium) reads a born-digital page as pdfplumber does, and hands a page it cannot
read reliably (rotated text, legacy fonts, no text layer) back to pdfplumber."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from extractors import pdf_fast
from extractors.pdf import extract, read_pages, read_pages_fast
from extractors.pdf_assemble import assemble_document
from extractors.pdf_page import WORD_ATTRS, _visible_rulings
from pipeline.model import Paragraph, SourceInfo, Table
from tests.conftest import FIXTURES

# LibreOffice subsets with Vietnamese glyphs and ruled tables over many pages (portrait and landscape),
# a Word 2019 letter (fonts with a real /Descent), a variant with DejaVu fonts and odd tables.
SAMPLES = [
    FIXTURES / "ht-stp-694-baocao-q1-2026.pdf",
    FIXTURES / "na-ubnd-187-kehoach-nq57-2026.pdf",
    FIXTURES / "real" / "real-bnv-cchc-congvan-12094-2025.pdf",
    FIXTURES / "variants" / "tables-variant-kehoach-2026.pdf",
]
TOLERANCE = 0.02  # points: pdfium computes in float32, pdfminer in float64


def _fast_pages(path: Path) -> list[pdf_fast.FastPage | str]:
    doc = pdf_fast.open_document(str(path))
    facts, names, doctop, pages = pdf_fast.page_fonts(str(path)), {}, 0.0, []
    for index in range(len(doc)):
        page = pdf_fast.read_fast_page(doc, index, doctop, facts[index], names)
        pages.append(page)
        doctop += doc[index].get_height()
    return pages


def _same_words(a: list[dict], b: list[dict]) -> bool:
    def key(w: dict) -> tuple[float, float]:
        return (round(w["top"]), w["x0"])

    a, b = sorted(a, key=key), sorted(b, key=key)
    return len(a) == len(b) and all(
        w["text"] == v["text"]
        and w["fontname"].split("+")[-1] == v["fontname"].split("+")[-1]
        and all(abs(w[k] - v[k]) <= TOLERANCE for k in ("x0", "x1", "top", "bottom", "size"))
        for w, v in zip(a, b, strict=True)
    )


def _cells(page: object) -> list[list[tuple[float, ...]]]:
    return [
        [tuple(round(v, 1) for v in cell) for cell in t.cells] for t in _visible_rulings(page).find_tables()
    ]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_fast_pages_give_pdfplumbers_words_and_table_cells(path: Path) -> None:
    fast_pages = _fast_pages(path)
    with pdfplumber.open(path) as pdf:
        assert len(fast_pages) == len(pdf.pages)
        for page, fast in zip(pdf.pages, fast_pages, strict=True):
            assert isinstance(fast, pdf_fast.FastPage), f"page {page.page_number}: {fast}"
            words = page.extract_words(extra_attrs=WORD_ATTRS)
            assert _same_words(words, fast.extract_words(extra_attrs=WORD_ATTRS)), f"page {page.page_number}"
            assert _cells(page) == _cells(fast), f"page {page.page_number}"


def _content(blocks: list) -> list[object]:
    out: list[object] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append((block.list_label, block.text, block.bold, block.page))
        elif isinstance(block, Table):
            out.append([[(c.text, c.col, c.col_span, c.row_span) for c in row.cells] for row in block.rows])
    return out


@pytest.mark.parametrize("path", SAMPLES[:2], ids=lambda p: p.stem)
def test_document_read_fast_is_the_document_read_by_pdfplumber(path: Path) -> None:
    source = SourceInfo(source_file=path.name, source_format="pdf", doc_id="x", sha256="x", pages=0)
    fast_layouts, scanned, _ = read_pages_fast(path)
    with pdfplumber.open(path) as pdf:
        plumber_layouts, _ = read_pages(pdf, path)
    assert not scanned
    fast_doc = assemble_document(fast_layouts, source)
    plumber_doc = assemble_document(plumber_layouts, source)
    assert _content(fast_doc.blocks) == _content(plumber_doc.blocks)
    assert fast_doc.footnotes == plumber_doc.footnotes


def test_rotated_text_is_read_by_pdfplumber(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from tests.pdf_builders import register_fonts

    regular, _ = register_fonts()
    path = tmp_path / "rotated.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(regular, 12)
    canvas.drawString(72, 760, "1. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.")
    canvas.saveState()
    canvas.translate(40, 400)
    canvas.rotate(90)
    canvas.drawString(0, 0, "Bản dự thảo lấy ý kiến")
    canvas.restoreState()
    canvas.showPage()
    canvas.save()

    assert _fast_pages(path) == ["rotated or mirrored text"]
    before = pdf_fast.COUNTS["pdfplumber: rotated or mirrored text"]
    document = extract(path)
    assert pdf_fast.COUNTS["pdfplumber: rotated or mirrored text"] == before + 1
    assert "Sở Tư pháp chủ trì rà soát văn bản" in " ".join(p.text for p in document.paragraphs)


def test_a_legacy_tcvn3_text_layer_is_read_by_pdfplumber(tmp_path: Path) -> None:
    from tests.legacy_encode import to_tcvn3
    from tests.pdf_builders import COLS, Page, build_pdf, remap_text_layer

    lines = ["Kế hoạch triển khai nhiệm vụ năm 2026", "1. Sở Tư pháp chủ trì rà soát văn bản."]
    drawn = build_pdf(tmp_path / "drawn.pdf", [Page(lines, [])], COLS, size=12)
    legacy = remap_text_layer(drawn, tmp_path / "legacy.pdf", to_tcvn3, ".VnTime")

    before = pdf_fast.COUNTS["pdfplumber: legacy TCVN3/VNI font"]
    document = extract(legacy)
    assert pdf_fast.COUNTS["pdfplumber: legacy TCVN3/VNI font"] == before + 1
    assert "Sở Tư pháp chủ trì rà soát văn bản." in " ".join(p.text for p in document.paragraphs)


def test_a_born_digital_page_is_counted_as_read_fast() -> None:
    before = pdf_fast.COUNTS["fast"]
    extract(FIXTURES / "bn-kinhbac-412-congvan-hkd-2026.pdf")
    assert pdf_fast.COUNTS["fast"] == before + 2  # both pages
