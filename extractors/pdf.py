"""Born-digital PDF → `Document`, the same model the DOCX extractor fills.

Two layers: `read_page` (a page → `PageLayout`, one parse per page) and `assemble_document` (page
layouts → `Document`, shared with the OCR backend). A page is read by the fast layer
(`extractors.pdf_fast`: pdfium, in pdfplumber's shapes) when it can say everything `read_page`
needs; otherwise — rotated text, legacy TCVN3/VNI fonts, no usable text layer, a file pdfium cannot
open — by pdfplumber, the page object it duck-types. Pages without a usable text layer go to
`extractors.ocr.read_scanned_page` when that backend is installed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

from extractors import pdf_fast
from extractors.layout import PageLayout
from extractors.pdf_assemble import assemble_document
from extractors.pdf_page import font_texts, has_text_layer, legacy_fonts, read_page
from pipeline.base import ExtractionError, file_sha256
from pipeline.model import Document, SourceInfo

__all__ = [
    "extract",
    "extract_with_layouts",
    "read_page",
    "assemble_document",
    "read_pages",
    "read_pages_fast",
]

log = logging.getLogger(__name__)


def _ocr_backend() -> ModuleType | None:
    """The OCR backend when it exists (extractors/ocr.py); None until then."""
    try:
        from extractors import ocr
    except ImportError:
        return None
    return ocr if hasattr(ocr, "read_scanned_page") else None


def _is_password_error(err: BaseException) -> bool:
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, PDFPasswordIncorrect | PDFEncryptionError):
            return True
        if seen.args and isinstance(seen.args[0], PDFPasswordIncorrect | PDFEncryptionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _read_error(path: Path, err: BaseException) -> ExtractionError:
    if _is_password_error(err):
        return ExtractionError(f"password-protected PDF: {path.name} cannot be opened without its password")
    return ExtractionError(f"damaged PDF: {path.name} is truncated or corrupt and cannot be read ({err})")


def read_pages(pdf: pdfplumber.PDF, path: Path) -> tuple[list[PageLayout], bool]:
    """Every page as a `PageLayout`, caches flushed as we go; also whether OCR was needed."""
    ocr = _ocr_backend()
    layouts: list[PageLayout] = []
    scanned = False
    try:
        for page in pdf.pages:
            layouts.append(_read_one(page, ocr, path))
            scanned = scanned or layouts[-1].scanned
            page.close()  # flush the page's parsed objects: memory stays flat on long documents
    finally:
        if ocr is not None:
            ocr.release(pdf)
    return layouts, scanned


def read_pages_fast(path: Path) -> tuple[list[PageLayout], bool, int]:
    """Every page as a `PageLayout`, by the fast layer where it can, else by pdfplumber (opened only
    when a page needs it); also whether OCR was needed, and the number of pages.

    Raises `pdfium.PdfiumError` when pdfium cannot open the file (the caller then reads it all with
    pdfplumber, whose errors say what is wrong).
    """
    doc = pdf_fast.open_document(str(path))
    plumber: pdfplumber.PDF | None = None
    ocr: ModuleType | None = None
    try:
        facts = pdf_fast.page_fonts(str(path))
        if len(facts) != len(doc):
            raise pdfium.PdfiumError("pdfium and pdfminer count different pages")
        layouts: list[PageLayout] = []
        scanned, doctop, names = False, 0.0, {}
        for index in range(len(doc)):
            fast = pdf_fast.read_fast_page(doc, index, doctop, facts[index], names)
            reason = _fast_layout(fast, layouts)
            pdf_fast.count(reason)
            if reason is not None:
                log.debug("%s page %d read by pdfplumber: %s", path.name, index + 1, reason)
                if plumber is None:
                    plumber, ocr = pdfplumber.open(path), _ocr_backend()
                page = plumber.pages[index]
                layouts.append(_read_one(page, ocr, path))
                page.close()
            scanned = scanned or layouts[-1].scanned
            doctop += layouts[-1].height
        return layouts, scanned, len(doc)
    finally:
        if plumber is not None:
            if ocr is not None:
                ocr.release(plumber)
            plumber.close()
        doc.close()


def _fast_layout(fast: pdf_fast.FastPage | str, layouts: list[PageLayout]) -> str | None:
    """Read a fast page into `layouts`; the reason it cannot be, when it cannot."""
    if isinstance(fast, str):
        return fast
    texts = font_texts(fast)  # type: ignore[arg-type]
    legacy = legacy_fonts(fast, texts)  # type: ignore[arg-type]
    if legacy:
        return "legacy TCVN3/VNI font"  # pdfium may map such glyphs otherwise than pdfminer
    if not has_text_layer(fast, legacy, texts):  # type: ignore[arg-type]
        return "no usable text layer"  # pdfplumber decides: OCR, or an empty page
    layouts.append(read_page(fast, legacy))  # type: ignore[arg-type]
    return None


def _read_one(page: Page, ocr: ModuleType | None, path: Path) -> PageLayout:
    legacy = legacy_fonts(page)
    if has_text_layer(page, legacy):
        return read_page(page, legacy)
    if ocr is not None and (page.images or page.chars):  # a scan, or glyphs whose text is garbage
        layout = ocr.read_scanned_page(page)
        layout.scanned = True
        return layout
    return PageLayout(number=page.page_number, width=float(page.width), height=float(page.height))


def extract(path: Path, sha256: str | None = None) -> Document:
    """Read a born-digital (or, with the OCR backend, scanned) PDF into a `Document`."""
    return extract_with_layouts(path, sha256)[0]


def extract_with_layouts(path: Path, sha256: str | None = None) -> tuple[Document, list[PageLayout]]:
    """The `Document` and the page layouts it was assembled from (words, OCR confidences), read once:
    `nhiemvu inspect` draws both."""
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    try:
        try:
            layouts, scanned, n_pages = read_pages_fast(path)
        except pdfium.PdfiumError:
            with pdfplumber.open(path) as pdf:
                n_pages = len(pdf.pages)
                layouts, scanned = read_pages(pdf, path)
    except ExtractionError:
        raise
    except (PdfminerException, PDFSyntaxError, PSException, PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise _read_error(path, err) from err
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError) as err:
        raise _read_error(path, err) from err
    if n_pages == 0:
        raise ExtractionError(f"damaged PDF: {path.name} has no pages")
    if not any(layout.lines or layout.tables for layout in layouts):
        raise ExtractionError(
            f"no text layer (scanned?): {path.name} has no readable text on any of its {n_pages} pages"
        )
    source = SourceInfo(
        source_file=path.name,
        source_format="pdf_scanned" if scanned else "pdf",
        doc_id=sha256[:16],
        sha256=sha256,
        pages=n_pages,
    )
    return assemble_document(layouts, source), layouts
