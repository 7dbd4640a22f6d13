"""One pdfplumber page → `PageLayout`, in a single pass over the page.

The page is parsed once: one `find_tables()` (ruled tables), one `extract_words()` with font name
and size; words are then routed to table cells or to text lines outside tables. The cell grid comes
from the table's cell rectangles, so a merged cell is one `GridCell` with spans, never a `None`.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections import Counter

from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable

from extractors.layout import GridCell, PageLayout, PageTable, TextLine, Word
from extractors.pdf_tables import merge_edges, nearest_edge
from extractors.pdf_text import group_lines, join_cell_lines, nfc
from normalizers.legacy_text import FontEncoding, decode, detect, font_encoding, syllable_share
from pipeline.settings import settings

WORD_ATTRS = ["fontname", "size"]
_BOLD_MARKS = ("bold", "black", "heavy", "semibold", "demibold")


def is_bold_font(fontname: str | None) -> bool:
    name = (fontname or "").lower()
    return any(mark in name for mark in _BOLD_MARKS)


def _word(raw: dict, legacy: dict[str, FontEncoding]) -> Word:
    text, encoding = raw["text"], legacy.get(raw.get("fontname") or "")
    if encoding is not None:
        text = decode(text, encoding.encoding, encoding.uppercase)
    return Word(
        text=nfc(text),
        x0=float(raw["x0"]),
        top=float(raw["top"]),
        x1=float(raw["x1"]),
        bottom=float(raw["bottom"]),
        fontname=raw.get("fontname"),
        size=float(raw["size"]) if raw.get("size") is not None else None,
        bold=is_bold_font(raw.get("fontname")),
    )


def _grid(table: PlumberTable) -> PageTable | None:
    """The table's cell rectangles on a grid of its ruling lines; 1×1 frames are not tables."""
    boxes = [c for c in table.cells if c[2] - c[0] > 1 and c[3] - c[1] > 1]
    if not boxes:
        return None
    col_edges = merge_edges([[b[0] for b in boxes] + [b[2] for b in boxes]])
    row_edges = merge_edges([[b[1] for b in boxes] + [b[3] for b in boxes]])
    if len(col_edges) < 2 or len(row_edges) < 2 or (len(col_edges) == 2 and len(row_edges) == 2):
        return None
    cells = []
    for x0, top, x1, bottom in boxes:
        c0, c1 = nearest_edge(col_edges, x0), nearest_edge(col_edges, x1)
        r0, r1 = nearest_edge(row_edges, top), nearest_edge(row_edges, bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(GridCell(r0, c0, "", r1 - r0, c1 - c0, False, x0, top, x1, bottom))
    x0, top, x1, bottom = table.bbox
    return PageTable(cells, len(row_edges) - 1, len(col_edges) - 1, col_edges, x0, top, x1, bottom)


def _fill_cells(table: PageTable, words: list[Word]) -> None:
    """Route each word to the cell under its centre, then rebuild each cell's text from its lines."""
    row_edges = merge_edges([[c.top for c in table.cells] + [c.bottom for c in table.cells]])
    owner: dict[tuple[int, int], GridCell] = {}
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                owner[(r, c)] = cell
    by_cell: dict[int, list[Word]] = {}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        col = max(0, min(bisect_right(table.col_edges, cx) - 1, table.n_cols - 1))
        row = max(0, min(bisect_right(row_edges, cy) - 1, table.n_rows - 1))
        cell = owner.get((row, col))
        if cell is not None:
            by_cell.setdefault(id(cell), []).append(w)
    for cell in table.cells:
        cell_words = by_cell.get(id(cell), [])
        lines = group_lines(cell_words)
        cell.text = join_cell_lines(lines, cell.x0, cell.x1)
        chars = sum(len(w.text) for w in cell_words)
        cell.bold = (
            chars > 0
            and sum(len(w.text) for w in cell_words if w.bold) >= settings().heading.style_share * chars
        )


def _inside(w: Word, table: PageTable) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return table.x0 <= cx <= table.x1 and table.top <= cy <= table.bottom


def _is_white(color: object) -> bool:
    """Gray 1, RGB (1, 1, 1) or CMYK (0, 0, 0, 0)."""
    values = tuple(color) if isinstance(color, list | tuple) else (color,)
    if len(values) == 4:
        return all(v == 0 for v in values)
    return bool(values) and all(isinstance(v, int | float) and v >= 0.99 for v in values)


def _is_invisible_rect(obj: dict) -> bool:
    """A white filled box with no outline (Word's paragraph shading behind a line of text): it draws
    nothing on a white page, so it must not pass for the ruling of a table."""
    if obj.get("object_type") != "rect" or obj.get("stroke") or not obj.get("fill"):
        return False
    return _is_white(obj.get("non_stroking_color"))


def _visible_rulings(page: Page) -> Page:
    if any(_is_invisible_rect(r) for r in page.rects):
        return page.filter(lambda obj: not _is_invisible_rect(obj))
    return page


def read_page(page: Page, legacy: dict[str, FontEncoding] | None = None) -> PageLayout:
    """Read one page: ruled tables with their cell grid, and the text lines outside them.

    `legacy` (from `legacy_fonts`) names the fonts whose text is TCVN3/VNI; their words are decoded.
    """
    legacy = legacy_fonts(page) if legacy is None else legacy
    tables = [t for t in (_grid(t) for t in _visible_rulings(page).find_tables()) if t is not None]
    raw_words = page.extract_words(extra_attrs=WORD_ATTRS)
    words = [_word(w, legacy) for w in raw_words if w.get("upright", True) and w["text"].strip()]
    outside: list[Word] = []
    per_table: list[list[Word]] = [[] for _ in tables]
    for w in words:
        for i, table in enumerate(tables):
            if _inside(w, table):
                per_table[i].append(w)
                break
        else:
            outside.append(w)
    for table, table_words in zip(tables, per_table, strict=True):
        _fill_cells(table, table_words)
    lines: list[TextLine] = group_lines(outside)
    return PageLayout(
        number=page.page_number,
        width=float(page.width),
        height=float(page.height),
        lines=lines,
        tables=tables,
    )


# ---------------------------------------------------------------- is the text layer real text?

MIN_WORDS_FOR_SYLLABLES, MIN_SYLLABLE_SHARE = 20, 0.15  # English still scores ~0.3; shifted glyphs ~0
_EXTRA_PUNCT = set("“”‘’–—…•·°№§€")
_CID_RE = re.compile(r"\(cid:\d+\)")  # a glyph pdfminer could not map to any character
_VIET_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}


@functools.lru_cache(maxsize=8192)
def _is_text_char(ch: str) -> bool:
    """A character Vietnamese text is written with (not a private-use glyph, CID placeholder or mojibake).

    Cached: a page has a few thousand characters but only a hundred or so distinct ones."""
    if ch.isascii():
        return ch.isprintable()
    if ch in _EXTRA_PUNCT or "LETTER D WITH STROKE" in unicodedata.name(ch, ""):  # đ, Đ
        return True
    base, *marks = unicodedata.normalize("NFD", ch)
    return base.isascii() and base.isalpha() and bool(marks) and all(m in _VIET_MARKS for m in marks)


def _font_texts(chars: list[dict]) -> dict[str, str]:
    """Each font's text on the page, in drawing order, with a space where glyphs stand apart."""
    parts: dict[str, list[str]] = {}
    last: dict[str, dict] = {}
    for char in chars:
        font = char.get("fontname") or ""
        prev = last.get(font)
        if prev is None:
            texts = parts[font] = []
        else:
            texts = parts[font]
            size = float(char.get("size") or 10)
            if abs(char["top"] - prev["top"]) > 0.5 * size or char["x0"] - prev["x1"] > 0.15 * size:
                texts.append(" ")
        texts.append(char.get("text", ""))
        last[font] = char
    return {font: "".join(texts) for font, texts in parts.items()}


def font_texts(page: Page) -> dict[str, str]:
    """Each font's text on the page (what `legacy_fonts` and `has_text_layer` judge): compute once,
    pass to both."""
    return _font_texts(page.chars)


def legacy_fonts(page: Page, texts: dict[str, str] | None = None) -> dict[str, FontEncoding]:
    """The page's fonts whose text is TCVN3 or VNI: known by name (".VnTime"), else recognized."""
    found: dict[str, FontEncoding] = {}
    for font, text in (_font_texts(page.chars) if texts is None else texts).items():
        known = font_encoding(font)
        if known is None and (guessed := detect(text)):
            known = FontEncoding(guessed)
        if known is not None:
            found[font] = known
    return found


def has_text_layer(
    page: Page, legacy: dict[str, FontEncoding] | None = None, texts: dict[str, str] | None = None
) -> bool:
    """True when the page's characters are real text to read as is; False sends the page to OCR.

    Not real text: no characters; unmapped glyphs ("(cid:12)"); private-use or otherwise foreign
    characters; letters that make no Vietnamese syllables (a broken font mapping). Legacy TCVN3/VNI
    text is judged after decoding, so it is read, not OCRed. A scan image with a few characters over it
    (a stamp, a page number) needs OCR too.
    """
    texts = _font_texts(page.chars) if texts is None else texts
    legacy = legacy_fonts(page, texts) if legacy is None else legacy
    good = total = 0
    decoded: list[str] = []
    for font, text in texts.items():
        encoding = legacy.get(font)
        if encoding is not None:
            text = decode(text, encoding.encoding, encoding.uppercase)
        text, unmapped = _CID_RE.subn("", text)
        total += unmapped
        decoded.append(text)
        for ch, n in Counter(unicodedata.normalize("NFC", text)).items():  # distinct characters: fewer
            if not ch.isspace():
                total += n
                good += n * _is_text_char(ch)
    if good == 0 or good < settings().text_layer.min_good_share * total:
        return False
    n_words, share = syllable_share(" ".join(decoded))
    if n_words >= MIN_WORDS_FOR_SYLLABLES and share < MIN_SYLLABLE_SHARE:
        return False
    return good >= settings().text_layer.min_chars or not page.images
