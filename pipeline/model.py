"""The format-neutral document model every extractor produces and every stage reads.

One model, many backends (the Docling idea): DOCX, born-digital PDF and OCR all fill the same
`Document`, so the stages that find sections and tasks never know which format they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# (x0, top, x1, bottom) in PDF points, origin at the top left of the page (pdfplumber's convention).
BBox = tuple[float, float, float, float]


@dataclass
class Paragraph:
    """A paragraph of running text in reading order.

    `list_label` is the label the reader sees ("1.", "a)", "(1)", "-", "+"), whether it was typed
    into the text or produced by Word's auto-numbering; `text` never repeats it.
    """

    text: str
    style: str | None = None
    heading_level: int | None = None
    list_label: str | None = None
    page: int | None = None
    bold: bool = False
    italic: bool = False
    centered: bool = False
    all_caps: bool = False
    raw_text: str | None = None  # OCR: the text as read, where a near-miss heading was repaired
    confidence: float | None = None  # OCR: mean word confidence 0..1 (None: not OCR'd)
    bbox: BBox | None = None  # PDF/OCR: where it sits on its (first) page, for `nhiemvu inspect`


@dataclass
class Cell:
    """One cell of a table on the table's column grid.

    `col` is the first grid column the cell covers, `col_span` how many. A vertically merged cell
    appears in every row it covers with the same text; the first has `row_span` > 1 and the rest
    have `merged_from_above` set, so a stage can tell a copied value from a typed one.
    """

    text: str
    col: int = 0
    col_span: int = 1
    row_span: int = 1
    merged_from_above: bool = False
    bold: bool = False
    raw_text: str | None = None  # OCR: the text as read, where a near-miss heading was repaired
    confidence: float | None = None  # OCR: mean word confidence 0..1 (None: not OCR'd)
    bbox: BBox | None = None  # PDF/OCR: the cell's rectangle on the page its row starts on


@dataclass
class Row:
    cells: list[Cell]
    is_header: bool = False
    page: int | None = None

    def text_at(self, col: int) -> str:
        """Text of the cell covering grid column `col` ("" when none does)."""
        for cell in self.cells:
            if cell.col <= col < cell.col + cell.col_span:
                return cell.text
        return ""

    def cell_at(self, col: int) -> Cell | None:
        for cell in self.cells:
            if cell.col <= col < cell.col + cell.col_span:
                return cell
        return None


@dataclass
class Table:
    """A table in reading order.

    `index` counts content tables only (0-based); layout tables — the borderless two-column national
    header, the signature block, a one-cell "DỰ THẢO" box — have `layout=True` and `index=None`.
    """

    rows: list[Row]
    index: int | None = None
    page: int | None = None
    layout: bool = False

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for r in self.rows for c in r.cells), default=0)


Block = Paragraph | Table


@dataclass
class SourceInfo:
    """Where a document came from: enough to trace every task back to its file."""

    source_file: str
    source_format: str
    doc_id: str
    sha256: str
    pages: int | None = None


@dataclass
class Document:
    """A document as an ordered list of blocks, plus text kept apart from the body.

    `header_blocks` holds what sits outside the body flow but carries metadata (text boxes, the
    two-column national header when it is a table); `footnotes` holds footnote text so it is never
    glued to a task.
    """

    source: SourceInfo
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    text_boxes: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class DocMeta:
    """Metadata read from the national header and the title."""

    doc_type: str | None = None
    doc_number: str | None = None
    doc_date: str | None = None
    province: str | None = None
    issuer: str | None = None
    title: str | None = None
    review_reasons: list[str] = field(default_factory=list)  # what a person should check in the metadata
    # tracking (pipeline/tracking/refs.py): the document a report reports on, as JSON, and the
    # number keys of every document this one names ("66/NQ/TW")
    refers_to: str | None = None
    cites: list[str] = field(default_factory=list)
    new_task_rows: list[str] = field(default_factory=list)  # "table:row" listed as new ("Nhiệm vụ phát sinh")


@dataclass
class Task:
    """One row of the unified task dataset (see DATA_CONTRACT.md: the column names are the contract)."""

    task_id: str
    doc_id: str
    source_file: str
    source_format: str
    province: str | None
    issuer: str | None
    doc_type: str | None
    doc_number: str | None
    doc_date: str | None
    section_path: list[str]
    number: str | None
    text: str
    lead_raw: str | None = None
    lead: list[str] = field(default_factory=list)
    support_raw: str | None = None
    support: list[str] = field(default_factory=list)
    output: str | None = None
    timeframe_raw: str | None = None
    deadline_kind: str = "unspecified"
    deadline_start: str | None = None
    deadline_end: str | None = None
    recurrence: str | None = None
    status_raw: str | None = None
    status: str | None = None
    page: int | None = None
    table_index: int | None = None
    row_index: int | None = None
    confidence: float = 1.0
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)
    # review (pipeline/corrections.py): the fields an analyst corrected (and those derived from them),
    # and where the row comes from: "extracted" by the pipeline or "added by review"
    corrected_fields: list[str] = field(default_factory=list)
    provenance: str = "extracted"


TASK_COLUMNS: list[str] = list(Task.__dataclass_fields__)


@dataclass
class DocumentRecord:
    """One row of the `documents` table: every ingested file, failed ones included."""

    doc_id: str
    source_file: str
    source_format: str | None
    sha256: str
    pages: int | None = None
    province: str | None = None
    issuer: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    doc_date: str | None = None
    title: str | None = None
    task_count: int = 0
    status: str = "ok"
    error: str | None = None
    ingested_at: str | None = None
    # tracking: see DocMeta
    refers_to: str | None = None
    cites: list[str] = field(default_factory=list)
    new_task_rows: list[str] = field(default_factory=list)


DOCUMENT_COLUMNS: list[str] = list(DocumentRecord.__dataclass_fields__)
