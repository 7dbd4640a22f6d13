"""A tiny PDF with a huge page must not take the machine's memory: pixels per rendered page are capped."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from extractors.ocr import MAX_PAGE_PIXELS, MIN_DPI, OcrError, capped_dpi
from pipeline.run import process_file


def page(width_pt: float, height_pt: float) -> SimpleNamespace:
    return SimpleNamespace(width=width_pt, height=height_pt, page_number=1)


def test_a_paper_page_renders_at_its_own_resolution() -> None:
    assert capped_dpi(page(595, 842), 300) == 300  # A4


def test_a_large_page_is_rendered_smaller() -> None:
    poster = page(2384, 3370)  # A0
    dpi = capped_dpi(poster, MIN_DPI)
    assert dpi < MIN_DPI
    assert (2384 / 72 * dpi) * (3370 / 72 * dpi) <= MAX_PAGE_PIXELS * 1.0001


def test_a_huge_page_is_refused_with_a_plain_message() -> None:
    with pytest.raises(OcrError, match=r"page 1 measures 254 × 254 cm, far beyond a paper page"):
        capped_dpi(page(7200, 7200), MIN_DPI)


def image_only_pdf(path: Path, side_pt: float) -> Path:
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    png = io.BytesIO()
    Image.new("L", (8, 8), 0).save(png, format="PNG")
    c = canvas.Canvas(str(path), pagesize=(side_pt, side_pt))
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width=72, height=72)
    c.showPage()
    c.save()
    return path


def test_a_2kb_pdf_with_a_7200pt_page_fails_fast(tmp_path: Path) -> None:
    pdf = image_only_pdf(tmp_path / "huge.pdf", 7200)
    assert pdf.stat().st_size < 4096
    result = process_file(pdf)
    assert result.record.status == "failed" and "far beyond a paper page" in result.record.error
