"""`nhiemvu inspect`: one PDF page drawn with what the pipeline saw and decided on it.

Like pdfplumber's `page.to_image().debug_tablefinder()`, but for the whole pipeline: the words (on a
scan, coloured by OCR confidence), the ruling lines, the table cells as the model holds them, the role
read for each column, and every paragraph and row outlined in the colour of its verdict — so "why is
this row not a task?" can be answered by looking. Drawn on pdfplumber's page image (pypdfium2 render)
from the bounding boxes the PDF backend keeps on `Paragraph` and `Cell`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfplumber.display import PageImage
from pdfplumber.page import Page
from PIL import ImageFont

from extractors.layout import PageLayout
from pipeline.explain import Explanation, explain_document
from pipeline.model import BBox, Paragraph, Table
from pipeline.settings import settings
from pipeline.trace import CONTINUATION, HEADING, SECTION, SKIPPED, TABLE, TASK

RGBA = tuple[int, int, int, int]

# Drawing colours (opaque strokes, so a test can find them pixel for pixel).
WORD = (160, 160, 160, 255)
LOW_CONFIDENCE_FILL = (255, 0, 0, 70)
RULING = (255, 140, 0, 255)
CELL = (0, 0, 255, 255)
ROLE_TEXT = (0, 0, 160, 255)
SKIPPED_TABLE = (220, 0, 0, 255)
VERDICT_COLOURS: dict[str, RGBA] = {
    TASK: (0, 170, 0, 255),
    CONTINUATION: (120, 200, 120, 255),
    HEADING: (150, 0, 200, 255),
    SECTION: (150, 0, 200, 255),
    SKIPPED: (110, 110, 110, 255),
}
TASK_FILL = (0, 200, 0, 40)
DEFAULT_RESOLUTION = 110  # dots per inch of the drawing


class NeedsPdfError(ValueError):
    """`inspect` draws PDF pages: a DOCX has no page geometry until it is printed to PDF."""


@dataclass
class PageDrawing:
    """What was drawn, for the CLI's summary and the tests."""

    out: Path
    page: int
    size: tuple[int, int]  # pixels
    page_size: tuple[float, float]  # points
    scale: float  # pixels per point
    scanned: bool
    words: int = 0
    rulings: int = 0
    cells: int = 0
    tasks: int = 0
    skipped_tables: list[str] = field(default_factory=list)

    def to_pixels(self, bbox: BBox) -> tuple[int, int, int, int]:
        return tuple(int(v * self.scale) for v in bbox)  # type: ignore[return-value]


def draw_page(path: Path, page_number: int, out: Path, resolution: int = DEFAULT_RESOLUTION) -> PageDrawing:
    """Draw page `page_number` (1-based) of the PDF at `path` into the PNG `out`."""
    from extractors.detect import detect_format
    from extractors.pdf import extract_with_layouts

    path, out = Path(path), Path(out)
    fmt = detect_format(path)
    if fmt != "pdf":
        raise NeedsPdfError(f"{path.name} is {fmt}, not PDF: inspect draws PDF pages")
    document, layouts = extract_with_layouts(path)
    explanation = explain_document(document)
    with pdfplumber.open(path) as pdf:
        if not 1 <= page_number <= len(pdf.pages):
            raise ValueError(f"{path.name} has {len(pdf.pages)} pages, no page {page_number}")
        page = pdf.pages[page_number - 1]
        layout = layouts[page_number - 1]
        image = page.to_image(resolution=resolution)
        drawing = PageDrawing(
            out=out,
            page=page_number,
            size=image.annotated.size,
            page_size=(float(page.width), float(page.height)),
            scale=float(image.scale),
            scanned=layout.scanned,
        )
        _draw_words(image, page, layout, drawing)
        if not layout.scanned:
            _draw_rulings(image, page, drawing)
        _draw_blocks(image, explanation, page_number, drawing)
        _draw_tables(image, explanation, page_number, drawing)
        _legend(image, drawing)
        out.parent.mkdir(parents=True, exist_ok=True)
        image.annotated.save(out, format="PNG")  # RGB as drawn: no palette quantization
    return drawing


# ---------------------------------------------------------------- layers


def _draw_words(image: PageImage, page: Page, layout: PageLayout, drawing: PageDrawing) -> None:
    """Born-digital: pdfplumber's words. Scan: the OCR'd words outside tables, low confidence filled red."""
    if layout.scanned:
        for line in layout.lines:
            for word in line.words:
                low = word.confidence is not None and word.confidence < settings().ocr.low_confidence
                fill = LOW_CONFIDENCE_FILL if low else (0, 0, 0, 0)
                image.draw_rect(
                    (word.x0, word.top, word.x1, word.bottom), fill=fill, stroke=WORD, stroke_width=1
                )
                drawing.words += 1
        return
    for word in page.extract_words():
        image.draw_rect(word, fill=(0, 0, 0, 0), stroke=WORD, stroke_width=1)
        drawing.words += 1


def _draw_rulings(image: PageImage, page: Page, drawing: PageDrawing) -> None:
    """The ruling lines pdfplumber's table finder works from (lines and rectangle edges)."""
    for edge in page.edges:
        image.draw_line(
            ((edge["x0"], edge["top"]), (edge["x1"], edge["bottom"])), stroke=RULING, stroke_width=1
        )
        drawing.rulings += 1


def _draw_blocks(image: PageImage, explanation: Explanation, page_number: int, drawing: PageDrawing) -> None:
    """Each paragraph outlined in its verdict's colour; each task row filled green under its cells."""
    document = explanation.document
    for decision in explanation.trace.final():
        if decision.page != page_number or decision.block_index is None:
            continue
        block = document.blocks[decision.block_index]
        colour = VERDICT_COLOURS.get(decision.verdict)
        if isinstance(block, Paragraph) and block.bbox is not None and colour is not None:
            is_task = decision.verdict in (TASK, CONTINUATION)
            image.draw_rect(
                _outset(block.bbox, 2),
                fill=TASK_FILL if is_task else (0, 0, 0, 0),
                stroke=colour,
                stroke_width=2 if is_task else 1,
            )
            if decision.verdict == TASK:
                drawing.tasks += 1
        elif isinstance(block, Table) and decision.row_index is not None and decision.verdict == SECTION:
            row_box = _row_bbox(block, decision.row_index, page_number)
            if row_box is not None:
                x0, top, _, bottom = row_box
                image.draw_rect(
                    (x0 - 7, top + 1, x0 - 3, bottom - 1), fill=VERDICT_COLOURS[SECTION], stroke_width=0
                )
        elif isinstance(block, Table) and decision.row_index is not None and decision.verdict == TASK:
            row_box = _row_bbox(block, decision.row_index, page_number)
            if row_box is not None:
                image.draw_rect(row_box, fill=TASK_FILL, stroke_width=0)
                # a green bar in the left margin marks the row without hiding its cells' borders
                x0, top, _, bottom = row_box
                image.draw_rect(
                    (x0 - 7, top + 1, x0 - 3, bottom - 1), fill=VERDICT_COLOURS[TASK], stroke_width=0
                )
                drawing.tasks += 1


def _draw_tables(image: PageImage, explanation: Explanation, page_number: int, drawing: PageDrawing) -> None:
    """Cell rectangles, the role of each task-table column over its heading, skipped tables in red."""
    from normalizers.columns import map_columns

    font = _font(max(9, int(7 * drawing.scale)))
    verdicts = {
        d.block_index: d
        for d in explanation.trace.decisions
        if d.kind == "table" and d.verdict in (TABLE, SKIPPED)
    }
    for index, block in enumerate(explanation.document.blocks):
        if not isinstance(block, Table) or block.layout:
            continue
        boxes = [c.bbox for r in block.rows if r.page == page_number for c in r.cells if c.bbox is not None]
        if not boxes:
            continue
        for box in dict.fromkeys(boxes):  # a merged cell repeats its box in every row it covers
            image.draw_rect(box, fill=(0, 0, 0, 0), stroke=CELL, stroke_width=2)
            drawing.cells += 1
        if drawing.scanned:
            _cell_confidences(image, block, page_number, font)
        decision = verdicts.get(index)
        if decision is not None and decision.verdict == SKIPPED:
            outline = _union(boxes)
            image.draw_rect(_outset(outline, 3), fill=(0, 0, 0, 0), stroke=SKIPPED_TABLE, stroke_width=3)
            width = int((outline[2] - outline[0]) * drawing.scale)
            _label(image, (outline[0], outline[3] + 5), decision.reason, SKIPPED_TABLE, font, max_px=width)
            drawing.skipped_tables.append(decision.reason)
            continue
        columns = map_columns(block)
        if columns is None:
            continue
        for role, cols in columns.roles.items():
            for col in cols:
                cell = next(
                    (
                        r.cell_at(col)
                        for r in block.rows[: columns.header_rows]
                        if r.page == page_number and r.cell_at(col) is not None and r.cell_at(col).bbox
                    ),
                    None,
                )
                if cell is not None and cell.bbox is not None:
                    x0, top, _, _ = cell.bbox
                    _label(image, (x0 + 2, top + 2), role, ROLE_TEXT, font)


def _cell_confidences(image: PageImage, table: Table, page_number: int, font: object) -> None:
    """On a scan, each cell's mean OCR word confidence in its bottom-right corner (red when low)."""
    seen: set[tuple[float, float, float, float]] = set()
    for row in table.rows:
        for cell in row.cells:
            if row.page != page_number or cell.bbox is None or cell.confidence is None or cell.bbox in seen:
                continue
            seen.add(cell.bbox)
            colour = SKIPPED_TABLE if cell.confidence < settings().ocr.low_confidence else ROLE_TEXT
            _label(image, (cell.bbox[2] - 18, cell.bbox[3] - 10), f"{cell.confidence:.2f}", colour, font)


def _legend(image: PageImage, drawing: PageDrawing) -> None:
    font = _font(max(9, int(6 * drawing.scale)))
    items = [
        ("task", VERDICT_COLOURS[TASK]),
        ("continuation", VERDICT_COLOURS[CONTINUATION]),
        ("heading / section", VERDICT_COLOURS[HEADING]),
        ("not a task", VERDICT_COLOURS[SKIPPED]),
        ("table cell", CELL),
        (
            "ruling line" if not drawing.scanned else "OCR word (red: low confidence)",
            RULING if not drawing.scanned else WORD,
        ),
        ("skipped table", SKIPPED_TABLE),
    ]
    widest = max(image.draw.textlength(text, font=font) for text, _ in items)
    x = drawing.size[0] - int(widest) - 22
    y = 4
    for text, colour in items:
        image.draw.rectangle((x, y + 2, x + 10, y + 10), fill=colour)
        image.draw.text((x + 14, y), text, fill=(0, 0, 0, 255), font=font)
        y += int(getattr(font, "size", 11)) + 3


# ---------------------------------------------------------------- helpers


LABEL_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")  # with Vietnamese letters, when installed


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for name in LABEL_FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _label(
    image: PageImage,
    at: tuple[float, float],
    text: str,
    colour: RGBA,
    font: object,
    max_px: int | None = None,
) -> None:
    """Text on a white background at a point given in page coordinates, cut to `max_px` pixels."""
    x, y = image._reproject(at)
    if max_px is not None and image.draw.textlength(text, font=font) > max_px:
        while text and image.draw.textlength(text + "…", font=font) > max_px:
            text = text[:-1]
        text += "…"
    box = image.draw.textbbox((x, y), text, font=font)
    image.draw.rectangle((box[0] - 1, box[1] - 1, box[2] + 1, box[3] + 1), fill=(255, 255, 255, 220))
    image.draw.text((x, y), text, fill=colour, font=font)


def _outset(box: BBox, by: float) -> BBox:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _row_bbox(table: Table, row_index: int, page_number: int) -> BBox | None:
    row = table.rows[row_index]
    if row.page != page_number:
        return None
    boxes = [c.bbox for c in row.cells if c.bbox is not None and not c.merged_from_above]
    return _union(boxes) if boxes else None


__all__ = ["NeedsPdfError", "PageDrawing", "draw_page", "CELL", "VERDICT_COLOURS"]
