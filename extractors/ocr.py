"""Scanned PDF pages: raster → deskew → ruling-line tables → Tesseract (Vietnamese) → `PageLayout`.

`pdf.py` calls `read_scanned_page` for every page without a usable text layer; the `PageLayout` it
gets back is the one a born-digital page gives (PDF points, origin top-left, in the *deskewed*
frame), so the same assembler joins tables across pages, drops repeated headers and rebuilds
paragraphs. Tesseract runs as a subprocess (TSV: words, boxes, confidences), one call per page,
on the page with its ruling lines erased so cell borders are never read as letters.

OCR repairs are never silent: a line or cell snapped to the heading vocabulary keeps the OCR text
in `raw_text`, and every word carries Tesseract's confidence (0..1) so the task stage can mark
low-confidence rows `needs_review` (`pipeline.settings`: `ocr.low_confidence`).
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from statistics import median
from typing import TYPE_CHECKING, Any

import numpy as np

from extractors.layout import PageLayout
from extractors.ocr_layout import (
    Frame,
    Typography,
    accept_roman,
    group_rows,
    mark_bold,
    page_table,
    roman_suspect,
    section_label_suspect,
    text_lines,
)
from extractors.ocr_raster import Grid, bands, deskew, find_grids, otsu_threshold
from extractors.ocr_tesseract import Batch, OcrError, OcrWord, drop_noise, parse_tsv, run_tesseract_batches

if TYPE_CHECKING:
    from pdfplumber.page import Page

__all__ = [
    "OcrError",
    "layout_from_image",
    "read_image_page",
    "read_scanned_page",
    "read_scanned_pages",
    "release",
    "render_page",
]

MIN_DPI, MAX_DPI = 200, 300  # below 200 Tesseract loses diacritics; above 300 is slower, no better
# Pixels rendered per page, at most: an A2 sheet at 300 dpi. A page beyond it (a 2 KB PDF can declare a
# MediaBox of 100 inches) is rendered at a lower resolution, and refused when that would be unreadable.
MAX_PAGE_PIXELS = 40_000_000
MIN_CAPPED_DPI = 100
PROSE_PAPER_CUT = 0.5  # in running text, grays this far from the ink threshold towards white are paper


# ---------------------------------------------------------------- rendering

_pdfium_docs: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_render_lock = threading.Lock()  # pdfium and pdfminer are not thread-safe


def page_dpi(page: Page) -> float:
    """Resolution to render at: the scan's own (from its largest image), kept within 200–300 dpi."""
    best = 0.0
    for image in page.images:
        width_pt = float(image["x1"]) - float(image["x0"])
        src_w = image.get("srcsize", (0, 0))[0] or 0
        if width_pt > 1 and src_w:
            best = max(best, src_w / width_pt * 72)
    return float(min(max(best or MIN_DPI, MIN_DPI), MAX_DPI))


def capped_dpi(page: Page, dpi: float) -> float:
    """`dpi`, lowered so the page renders to at most MAX_PAGE_PIXELS; refuse a page too large to read.

    Without the cap a page with a huge MediaBox takes gigabytes (7200 pt: 4.5 GB) or runs out of memory.
    """
    width_in, height_in = float(page.width) / 72, float(page.height) / 72
    pixels = width_in * height_in * dpi * dpi
    if pixels <= MAX_PAGE_PIXELS:
        return dpi
    fit = (MAX_PAGE_PIXELS / (width_in * height_in)) ** 0.5
    if fit < MIN_CAPPED_DPI:
        raise OcrError(
            f"refused: page {page.page_number} measures {width_in * 2.54:.0f} × {height_in * 2.54:.0f} cm, "
            f"far beyond a paper page; reading it by OCR would take {pixels / 1e6:,.0f} million pixels "
            f"(the limit is {MAX_PAGE_PIXELS / 1e6:.0f} million)"
        )
    return fit


def _pdfium_document(page: Page) -> Any:
    import pypdfium2 as pdfium

    pdf = page.pdf
    doc = _pdfium_docs.get(pdf)
    if doc is None:
        if pdf.path:
            doc = pdfium.PdfDocument(str(pdf.path), password=pdf.password)
        else:
            pdf.stream.seek(0)
            doc = pdfium.PdfDocument(pdf.stream.read(), password=pdf.password)
        _pdfium_docs[pdf] = doc
    return doc


def release(pdf: object) -> None:
    """Close the renderer's copy of a PDF once its pages are read (the cache keeps one per file)."""
    doc = _pdfium_docs.pop(pdf, None)
    if doc is not None:
        doc.close()


def render_page(page: Page, dpi: float) -> np.ndarray:
    """The page as a grayscale image (uint8, 0 = black) at `dpi`, the way a viewer shows it."""
    pdfium_page = _pdfium_document(page)[page.page_number - 1]
    bitmap = pdfium_page.render(scale=dpi / 72, grayscale=True)
    return np.array(bitmap.to_pil().convert("L"))


# ---------------------------------------------------------------- tesseract


# ---------------------------------------------------------------- page image → layout


def _grow(mask: np.ndarray, r: int) -> np.ndarray:
    """Dilate a mask by `r` pixels in every direction (square)."""
    out = mask.copy()
    h, w = mask.shape
    for dy in range(-r, r + 1):
        out[max(dy, 0) : h + min(dy, 0)] |= mask[max(-dy, 0) : h - max(dy, 0)]
    wide = out.copy()
    for dx in range(-r, r + 1):
        wide[:, max(dx, 0) : w + min(dx, 0)] |= out[:, max(-dx, 0) : w - max(dx, 0)]
    return wide


def rule_halo(lines: np.ndarray, dpi: float) -> np.ndarray:
    """The ruling lines grown by the gray fringe a scanner leaves around them: what OCR must not see."""
    return _grow(lines, max(1, round(dpi / 100)))


def clean_for_ocr(
    gray: np.ndarray, lines: np.ndarray, dpi: float, paper_cut: float = 0.0, *,
    threshold: int | None = None, halo: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """Paper made pure white (noise and bleed-through gone, ink edges kept) and table rules erased.

    Tesseract binarizes each image on its own; a small cell crop is mostly paper noise, which its
    threshold then reads as ink. Whitening against the whole page's threshold avoids that. Running
    text is whitened less (`paper_cut` of the way from the threshold to white): the thin hook and
    tilde of a diacritic are lighter than the stems they sit on ("biểu" read as "biêu" once they
    went), while in a cell's bold labels the same grays join the letters ("VII" read as "VI").
    A caller cleaning one page twice passes the page's `threshold` and `halo` (`rule_halo`) it
    already has, so neither is computed again.
    """
    threshold = otsu_threshold(gray) if threshold is None else threshold
    paper = threshold + (255 - threshold) * paper_cut
    out = np.where(gray > paper, np.uint8(255), gray)
    out[rule_halo(lines, dpi) if halo is None else halo] = 255
    return out


@dataclass
class _CellCrop:
    table: int
    cell: int
    left: int  # page pixel position of the crop's (0, 0)
    top: int
    image: np.ndarray


def _cell_crops(clean: np.ndarray, grids: list[Grid], dpi: float) -> list[_CellCrop]:
    """Each non-empty cell's inside, padded with paper, ready to be read as a block of text."""
    inset, pad = max(2, round(dpi * 0.02)), round(dpi * 0.06)
    min_ink = max(8, round(12 * (dpi / 200) ** 2))
    crops: list[_CellCrop] = []
    for t, grid in enumerate(grids):
        for i, (r, c, rs, cs) in enumerate(grid.cells):
            y0, y1 = round(grid.row_edges[r]) + inset, round(grid.row_edges[r + rs]) - inset
            x0, x1 = round(grid.col_edges[c]) + inset, round(grid.col_edges[c + cs]) - inset
            inside = clean[y0:y1, x0:x1]
            if inside.size == 0 or int((inside < 255).sum()) < min_ink:
                continue
            image = np.pad(inside, pad, constant_values=255)
            crops.append(_CellCrop(t, i, x0 - pad, y0 - pad, image))
    return crops


def _shifted(w: OcrWord, dx: int, dy: int) -> OcrWord:
    return replace(w, left=w.left + dx, top=w.top + dy, right=w.right + dx, bottom=w.bottom + dy)


def _blank_tables(clean: np.ndarray, grids: list[Grid]) -> np.ndarray:
    """The page with its tables painted white: prose is read apart from the cells."""
    out = clean.copy()
    for g in grids:
        out[
            round(g.row_edges[0]) : round(g.row_edges[-1]) + 1,
            round(g.col_edges[0]) : round(g.col_edges[-1]) + 1,
        ] = 255
    return out


@dataclass
class ScanResult:
    """What OCR made of one page image, before it is placed on a PDF page."""

    layout: PageLayout
    skew: float  # degrees removed by deskewing


PROSE_PSM = 3  # automatic page segmentation: columns, headers, indents
CELL_PSM = 6  # one uniform block of text: what a table cell is


def _label_image(clean: np.ndarray, w: OcrWord) -> np.ndarray:
    """A word's box with a margin of paper, to be read on its own."""
    pad = max(4, (w.bottom - w.top) // 2)
    h, wd = clean.shape
    box = clean[max(w.top - 2, 0) : min(w.bottom + 2, h), max(w.left - 2, 0) : min(w.right + 2, wd)]
    return np.pad(box, pad, constant_values=255)


def section_label_cells(grid: Grid) -> set[int]:
    """Cells holding a section row's number: the first column, where the row's next cell runs across
    the rest of the table ("II" | "CẢI CÁCH THỦ TỤC HÀNH CHÍNH")."""
    if grid.n_cols < 3:
        return set()
    titles = {(r, rs) for r, c, rs, cs in grid.cells if c == 1 and c + cs == grid.n_cols}
    return {i for i, (r, c, rs, cs) in enumerate(grid.cells) if c == 0 and cs == 1 and (r, rs) in titles}


def _reread_roman_labels(
    prose_rows: list[list[OcrWord]],
    cells: list[tuple[list[list[OcrWord]], bool]],
    clean: np.ndarray,
    dpi: float,
) -> None:
    """Read doubtful Roman section numbers again, with only I, V and X allowed (in place).

    Candidates: a table cell holding nothing but a Roman-looking label ("H", "VỊ I"), a section
    row's number cell that is not a clean label ("1", "HỘ!"), and a line opening with a
    Roman-looking label before a heading ("H. NHIỆM VỤ"). One extra Tesseract run per page that has any.
    """
    targets: list[tuple[list[OcrWord], int]] = []  # (row to edit, how many leading words make the label)
    for rows, is_section in cells:
        words = [w for row in rows for w in row]
        text = " ".join(w.text for w in words)
        if len(rows) != 1 or not words:
            continue
        conf = min(w.conf for w in words)
        if roman_suspect(text, conf) or (is_section and section_label_suspect(text, conf)):
            targets.append((rows[0], len(rows[0])))
    for row in prose_rows:
        if len(row) > 1 and row[0].text.endswith((".", ",")) and roman_suspect(row[0].text, row[0].conf):
            targets.append((row, 1))
    if not targets:
        return
    merged = [_merge_words(row[:n]) for row, n in targets]
    tsv = run_tesseract_batches([Batch([_label_image(clean, w) for w in merged], 7, "eng", "IVX")], dpi)[0]
    readings = parse_tsv(tsv)
    for i, ((row, n), w) in enumerate(zip(targets, merged, strict=True)):
        reread = "".join(x.text for x in readings.get(i + 1, []))
        fixed = accept_roman(reread, w, clean)
        if fixed is not None:
            row[:n] = [fixed]


# A raised item number "⁽¹⁾" set inline in a paragraph: Tesseract drops it or makes "®", "2)Tuyên" of it.
_RAISED_NUMBER_RE = re.compile(r"^(?=.*[()])\(?(\d{1,2})\)?$")  # "(1" with a bracket lost is "(1)"
RAISED_SCALE = 3
_MARK_DEBRIS = "0123456789()®©#'\"`‘’“”*°"


def _raised_spans(row: list[OcrWord], ink: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom) of ink standing only in the upper half of a line, as wide as
    a raised "(1)": accents sit over letters that reach the baseline; a raised mark does not."""
    top = min(w.top for w in row)
    flat = [
        w.bottom for w in row if not any(c in w.text for c in "gpqyj,;()")
    ]  # words ending on the baseline
    base = int(median(flat)) if flat else row[0].bottom
    height = base - top
    if height < 8:
        return []
    x0, x1 = row[0].left, row[-1].right
    upper = ink[top : top + round(0.4 * height), x0:x1].any(axis=0)
    lower = ink[top + round(0.75 * height) : base + 1, x0:x1].any(axis=0)
    spans = []
    for a, b in _join_close(bands(upper & ~lower), round(0.15 * height)):
        if 0.3 * height <= b - a <= 1.6 * height:
            rows = np.flatnonzero(ink[top - height // 4 : base, x0 + a : x0 + b].any(axis=1))
            if len(rows):
                spans.append(
                    (x0 + a, top - height // 4 + int(rows[0]), x0 + b, top - height // 4 + int(rows[-1]) + 1)
                )
    return spans


def _running_text(row: list[OcrWord]) -> bool:
    """A line of a paragraph (not a heading in capitals, whose accents stand above its letters)."""
    letters = [c for w in row for c in w.text if c.isalpha()]
    return len(row) > 2 and sum(c.islower() for c in letters) >= 0.6 * len(letters)


def _join_close(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Runs closer than `gap` as one (the brackets and digit of a raised "(1)")."""
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out and a - out[-1][1] <= gap:
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _read_raised_numbers(rows: list[list[OcrWord]], clean: np.ndarray, ink: np.ndarray, dpi: float) -> None:
    """Put back the raised item numbers "(1)"… of a paragraph (in place), read again on their own
    with only digits and brackets allowed; what Tesseract made of them ("®", "2)") goes."""
    targets = [(row, span) for row in rows if _running_text(row) for span in _raised_spans(row, ink)]
    if not targets:
        return
    images = []
    for _, (left, top, right, bottom) in targets:
        box = clean[max(top - 2, 0) : bottom + 2, max(left - 2, 0) : right + 2]
        big = np.kron(box, np.ones((RAISED_SCALE, RAISED_SCALE), dtype=np.uint8))  # small print, read large
        images.append(np.pad(big, max(8, big.shape[0] // 2), constant_values=255))
    readings = parse_tsv(run_tesseract_batches([Batch(images, 7, "eng", "0123456789()")], dpi)[0])
    for i, (row, (left, top, right, bottom)) in enumerate(targets):
        words = readings.get(i + 1, [])
        number = _RAISED_NUMBER_RE.match("".join(w.text for w in words))
        if not number:
            continue
        text = f"({number.group(1)})"
        conf = min(w.conf for w in words)
        kept = []
        for w in row:
            if left <= w.cx <= right and not any(c.isalpha() for c in w.text):
                continue  # debris of the mark
            if left - 2 <= w.left < right and any(c.isalpha() for c in w.text):
                stripped = w.text.lstrip(_MARK_DEBRIS)
                w = replace(w, text=stripped, left=max(w.left, right + 1), raw=w.raw or w.text)
            kept.append(w)
        mark = OcrWord(text, left, top, right, bottom, conf, row[0].line_key)
        row[:] = sorted([*kept, mark], key=lambda w: w.left)


def _merge_words(words: list[OcrWord]) -> OcrWord:
    """Several words as one (a label split in two: "VỊ I")."""
    if len(words) == 1:
        return words[0]
    text = " ".join(w.text for w in words)
    return replace(
        words[0], text=text, right=max(w.right for w in words), top=min(w.top for w in words),
        bottom=max(w.bottom for w in words), conf=min(w.conf for w in words),
    )  # fmt: skip


def layout_from_image(
    gray: np.ndarray, dpi: float, number: int = 1, width: float | None = None, height: float | None = None,
    origin: tuple[float, float] = (0.0, 0.0),
) -> ScanResult:  # fmt: skip
    """Deskew, find ruled tables, OCR and build the `PageLayout` of one page image.

    Text outside tables is read as a page; each table cell is read as its own block (a narrow "TT"
    column of lone digits is otherwise dropped by Tesseract's page segmentation). The two
    Tesseract runs go side by side.
    """
    straight, skew = deskew(gray)
    threshold = otsu_threshold(straight)
    grids, rules = find_grids(straight <= threshold, dpi)
    halo = rule_halo(rules, dpi)
    clean = clean_for_ocr(straight, rules, dpi, threshold=threshold, halo=halo)
    crops = _cell_crops(clean, grids, dpi)
    prose_clean = clean_for_ocr(straight, rules, dpi, PROSE_PAPER_CUT, threshold=threshold, halo=halo)
    batches = [Batch([_blank_tables(prose_clean, grids)], PROSE_PSM)]
    if crops:
        batches.append(Batch([c.image for c in crops], CELL_PSM))
    tsvs = run_tesseract_batches(batches, dpi)
    prose_rows = group_rows(drop_noise(parse_tsv(tsvs[0]).get(1, [])))
    cell_rows: list[tuple[int, int, list[list[OcrWord]]]] = []
    for page_num, words in parse_tsv(tsvs[1]).items() if crops else []:
        crop = crops[page_num - 1]
        placed = drop_noise([_shifted(w, crop.left, crop.top) for w in words])
        cell_rows.append((crop.table, crop.cell, group_rows(placed)))
    sections = [section_label_cells(g) for g in grids]
    _reread_roman_labels(prose_rows, [(rows, cell in sections[t]) for t, cell, rows in cell_rows], clean, dpi)
    ink = clean <= threshold
    _read_raised_numbers(prose_rows, prose_clean, ink, dpi)
    all_rows = mark_bold(prose_rows + [row for _, _, rows in cell_rows for row in rows], ink)
    prose_rows, rest = all_rows[: len(prose_rows)], all_rows[len(prose_rows) :]
    per_grid: list[dict[int, list[list[OcrWord]]]] = [{} for _ in grids]
    for table, cell, rows in cell_rows:
        per_grid[table][cell], rest = rest[: len(rows)], rest[len(rows) :]
    frame = Frame(72.0 / dpi, origin[0], origin[1])
    typo = Typography.of(prose_rows or all_rows, frame)
    h_px, w_px = gray.shape
    layout = PageLayout(
        number=number,
        width=width if width is not None else round(w_px * frame.scale, 2),
        height=height if height is not None else round(h_px * frame.scale, 2),
        lines=text_lines(prose_rows, frame, typo, clean),
        tables=[page_table(g, cells, frame, typo, clean) for g, cells in zip(grids, per_grid, strict=True)],
        scanned=True,
    )
    return ScanResult(layout, skew)


# ---------------------------------------------------------------- pages


def _prepare(page: Page) -> tuple[np.ndarray, float]:
    with _render_lock:
        dpi = capped_dpi(page, page_dpi(page))
        return render_page(page, dpi), dpi


def _finish(page: Page, gray: np.ndarray, dpi: float) -> PageLayout:
    x0, top = float(page.bbox[0]), float(page.bbox[1])
    result = layout_from_image(gray, dpi, page.page_number, float(page.width), float(page.height), (x0, top))
    return result.layout


def read_image_page(gray: np.ndarray, dpi: float, number: int) -> PageLayout:
    """OCR one page given as an image (a scanned JPEG/PNG/TIFF frame) the way a rendered PDF page is."""
    return layout_from_image(gray, dpi, number).layout


def read_scanned_page(page: Page) -> PageLayout:
    """OCR one pdfplumber page (no usable text layer) into a `PageLayout` with `scanned=True`."""
    gray, dpi = _prepare(page)
    return _finish(page, gray, dpi)


def read_scanned_pages(pages: Sequence[Page], workers: int = 2) -> list[PageLayout]:
    """`read_scanned_page` for many pages, `workers` at a time (Tesseract runs outside the GIL).

    Rendering is serialized (pdfium is not thread-safe); deskewing, line finding and Tesseract
    overlap, which is where two cores pay off.
    """
    if workers <= 1 or len(pages) <= 1:
        return [read_scanned_page(p) for p in pages]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read_scanned_page, pages))
