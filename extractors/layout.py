"""Page layout: what a PDF page (born-digital or OCR'd) looks like before it becomes a `Document`.

`pdf.py` fills these from pdfplumber, `ocr.py` from Tesseract and the raster's ruling lines; one
assembler (in `pdf.py`) turns a list of `PageLayout`s into a `Document` — joining tables continued
across pages, dropping repeated headers, rebuilding paragraphs — so both paths share that logic.
Coordinates are PDF points, origin top-left (pdfplumber's convention).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    fontname: str | None = None
    size: float | None = None
    bold: bool = False
    confidence: float | None = None  # 0..1, OCR only


@dataclass
class TextLine:
    words: list[Word]
    raw_text: str | None = None  # OCR only: the line as read, when it was snapped to a known heading

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words)


@dataclass
class GridCell:
    """A cell on a table's grid; a merged cell is one `GridCell` with spans, never a `None`."""

    row: int
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    bold: bool = False
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    raw_text: str | None = None  # OCR only: the cell as read, when it was snapped to a known heading
    confidence: float | None = None  # OCR only: mean word confidence, 0..1


@dataclass
class PageTable:
    """A ruled table as found on one page; `col_edges` lets the assembler match continued tables."""

    cells: list[GridCell]
    n_rows: int
    n_cols: int
    col_edges: list[float]
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageLayout:
    number: int  # 1-based
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)  # text outside tables, in reading order
    tables: list[PageTable] = field(default_factory=list)
    scanned: bool = False
