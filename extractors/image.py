"""Scans sent as image files (JPEG, PNG, TIFF with one or many pages) → OCR → `Document`.

Offices often send a scanner's TIFF or a phone photo instead of a PDF. Each image (each TIFF frame)
is one page, read by the same OCR path as a scanned PDF page (`extractors.ocr.read_image_page`) and
assembled by the PDF assembler, so tables and paragraphs come out alike.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.ocr import MAX_DPI, MIN_DPI
from extractors.pdf_assemble import assemble_document
from pipeline.base import ExtractionError, file_sha256
from pipeline.model import Document, SourceInfo

# An A4 page at 600 dpi is 35 Mpx; anything far beyond is no document scan (or a decompression bomb).
MAX_PIXELS = 80_000_000
MAX_PAGES = 500
A4_LONG_SIDE_IN = 11.69
_PLAUSIBLE_DPI = (100, 1200)
_EXIF_ORIENTATION = 0x0112  # a phone photo is stored sideways with this tag saying how to turn it


def _dpi(frame: Image.Image) -> float:
    """The scan's resolution: its own when plausible, else guessed from an A4 page's long side."""
    declared = frame.info.get("dpi")
    if declared:
        dpi = float(declared[0] if isinstance(declared, tuple) else declared)
        if _PLAUSIBLE_DPI[0] <= dpi <= _PLAUSIBLE_DPI[1]:
            return dpi
    return max(frame.size) / A4_LONG_SIDE_IN


def page_image(frame: Image.Image) -> tuple[np.ndarray, float]:
    """One frame as a grayscale array at 200–300 dpi (Tesseract's range), with that dpi."""
    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise ExtractionError(
            f"refused: an image of {width}×{height} pixels ({width * height // 1_000_000} Mpx) is far larger "
            f"than a document scan (limit {MAX_PIXELS // 1_000_000} Mpx)"
        )
    dpi = _dpi(frame)
    target = min(max(dpi, MIN_DPI), MAX_DPI)
    upright = ImageOps.exif_transpose(frame) if frame.getexif().get(_EXIF_ORIENTATION, 1) != 1 else frame
    gray = upright.convert("L")
    width, height = gray.size
    if abs(target - dpi) > 1:
        scale = target / dpi
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size[0] * size[1] <= MAX_PIXELS:
            gray = gray.resize(size, Image.Resampling.LANCZOS)
        else:
            target = dpi
    return np.array(gray), target


def extract(path: Path | str, sha256: str | None = None) -> Document:
    """OCR every page of an image file into a `Document` (`source_format="image"`)."""
    from extractors.ocr import read_image_page

    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    layouts = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                    if number > MAX_PAGES:
                        raise ExtractionError(f"refused: {path.name} has more than {MAX_PAGES} pages")
                    gray, dpi = page_image(frame)
                    layouts.append(read_image_page(gray, dpi, number))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        raise ExtractionError(f"refused: {path.name} is far larger than a document scan ({err})") from err
    except UnidentifiedImageError as err:
        raise ExtractionError(f"damaged image: {path.name} cannot be decoded") from err
    except (OSError, ValueError, SyntaxError) as err:
        raise ExtractionError(f"damaged image: {path.name} is truncated or corrupt ({err})") from err
    if not any(layout.lines or layout.tables for layout in layouts):
        raise ExtractionError(
            f"no readable text: OCR found nothing on the {len(layouts)} page(s) of {path.name}"
        )
    source = SourceInfo(
        source_file=path.name, source_format="image", doc_id=sha256[:16], sha256=sha256, pages=len(layouts)
    )
    return assemble_document(layouts, source)
