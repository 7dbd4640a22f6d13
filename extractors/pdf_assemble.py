"""Page layouts → `Document`: the assembler shared by the born-digital PDF and the OCR backends.

Knows nothing of pdfplumber: it reads `extractors.layout` objects only. It removes page furniture
(page numbers, running headers/footers, draft marks, footnotes), reorders two-column blocks (the
national header, the signature block) column by column, rebuilds paragraphs from lines, reads list
labels, and joins tables that continue across pages.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extractors.layout import PageLayout, PageTable, Word
from extractors.pdf_borderless import BorderlessTable, find_borderless_tables, narrow_gap
from extractors.pdf_tables import TableBuilder
from extractors.pdf_text import (
    SPACE,
    dominant_size,
    ends_sentence,
    is_italic,
    join_words,
    join_wrapped,
    layout_knowledge,
    split_label,
    split_markers,
)
from normalizers.text import clean
from pipeline.model import Block, Cell, Document, Paragraph, Row, SourceInfo, Table
from pipeline.settings import settings

_DIGITS = re.compile(r"\d+")


@dataclass
class _Line:
    """A line of body text with what the paragraph builder needs precomputed."""

    page: int
    words: list[Word]
    markers: list[Word]
    text: str
    size: float
    bold: bool
    italic: bool
    x0: float
    x1: float
    top: float
    bottom: float
    height: float  # page height, for margin tests
    label: str | None = None

    @classmethod
    def of(cls, words: list[Word], page: PageLayout) -> _Line | None:
        body, markers = split_markers(words)
        text = join_words(body).strip()
        if not text:
            return None
        chars = sum(len(w.text) for w in body) or 1
        line = cls(
            page=page.number,
            words=sorted(body, key=lambda w: w.x0),
            markers=markers,
            text=text,
            size=dominant_size(body),
            bold=sum(len(w.text) for w in body if w.bold) / chars >= settings().heading.style_share,
            italic=sum(len(w.text) for w in body if is_italic(w)) / chars >= settings().heading.style_share,
            x0=min(w.x0 for w in body),
            x1=max(w.x1 for w in body),
            top=min(w.top for w in body),
            bottom=max(w.bottom for w in body),
            height=page.height,
        )
        line.label, _ = split_label(text)
        return line

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def first_word_width(self) -> float:
        return self.words[0].x1 - self.words[0].x0

    @property
    def in_margin(self) -> bool:
        margin = settings().pdf.page_margin
        return self.top < margin * self.height or self.bottom > (1 - margin) * self.height


@dataclass
class _Geometry:
    """The text column of a page: left and right margins of body lines."""

    left: float
    right: float

    @property
    def center(self) -> float:
        return (self.left + self.right) / 2

    def symmetric(self, line: _Line) -> bool:
        return abs((line.x0 + line.x1) / 2 - self.center) < max(3.0, 0.015 * (self.right - self.left))

    def centered(self, line: _Line) -> bool:
        return self.symmetric(line) and line.x0 > self.left + line.size


@dataclass
class _Columns:
    """A two-column block (national header, signature): left lines, then right lines."""

    left: list[_Line]
    right: list[_Line]


@dataclass
class _Context:
    body_size: float
    wrap_gap: dict[float, float]
    geometry: dict[int, _Geometry]
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    def gap_limit(self, size: float) -> float:
        """Vertical gap above which a line starts a new paragraph (the usual wrap gap plus a margin)."""
        return self.wrap_gap.get(round(size * 2) / 2, 0.25 * size) + 0.3 * size


# ---------------------------------------------------------------- public entry point


def assemble_document(pages: list[PageLayout], source: SourceInfo) -> Document:
    """Turn page layouts into one `Document`: furniture removed, paragraphs and logical tables rebuilt."""
    lines = {p.number: _page_lines(p) for p in pages}
    _drop_furniture(pages, lines)
    ctx = _Context(
        body_size=dominant_size(w for ls in lines.values() for line in ls for w in line.words),
        wrap_gap=_wrap_gaps(lines),
        geometry=_geometries(pages, lines),
    )
    for page in pages:
        ctx.footnotes.extend(_take_footnotes(page, lines[page.number], ctx.body_size))
    _emit(pages, lines, ctx)
    return Document(source=source, blocks=ctx.blocks, footnotes=ctx.footnotes)


# ---------------------------------------------------------------- lines and page geometry


def _page_lines(page: PageLayout) -> list[_Line]:
    built = (_Line.of(line.words, page) for line in sorted(page.lines, key=lambda ln: ln.top) if line.words)
    return [line for line in built if line is not None]


def _wrap_gaps(lines: dict[int, list[_Line]]) -> dict[float, float]:
    """The most common gap between consecutive lines of each font size: the document's line spacing."""
    gaps: dict[float, Counter[float]] = defaultdict(Counter)
    for page_lines in lines.values():
        for a, b in zip(page_lines, page_lines[1:], strict=False):
            if abs(a.size - b.size) < settings().heading.size_gap and b.top > a.bottom:
                gaps[round(a.size * 2) / 2][round(b.top - a.bottom, 1)] += 1
    return {size: c.most_common(1)[0][0] for size, c in gaps.items()}


def _geometries(pages: list[PageLayout], lines: dict[int, list[_Line]]) -> dict[int, _Geometry]:
    """Left and right text margins per page shape (portrait and landscape pages differ).

    The left margin is where most lines start; the right one where justified lines end, or, with
    too few of them (a landscape appendix of tables), the mirror of the left margin.
    """
    by_shape: dict[int, list[_Line]] = defaultdict(list)
    for page in pages:
        by_shape[round(page.width)].extend(lines[page.number])
    shape_geo: dict[int, _Geometry] = {}
    for width, shape_lines in by_shape.items():
        if not shape_lines:
            shape_geo[width] = _Geometry(0.1 * width, 0.9 * width)
            continue
        left = float(Counter(round(ln.x0) for ln in shape_lines).most_common(1)[0][0])
        ends = Counter(round(ln.x1) for ln in shape_lines if ln.width > 0.5 * width)
        right, count = ends.most_common(1)[0] if ends else (0, 0)
        shape_geo[width] = _Geometry(left, float(right) if count >= 5 else width - left)
    return {p.number: shape_geo[round(p.width)] for p in pages}


# ---------------------------------------------------------------- furniture and footnotes


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", text.casefold())


def _drop_furniture(pages: list[PageLayout], lines: dict[int, list[_Line]]) -> None:
    """Remove page numbers, draft marks and headers/footers repeated in the margins of many pages."""
    know = layout_knowledge()
    repeated: Counter[str] = Counter()
    for page_lines in lines.values():
        repeated.update({_furniture_key(ln.text) for ln in page_lines if ln.in_margin})
    min_pages = max(3, len(pages) // 2)
    for number, page_lines in lines.items():
        kept = []
        for ln in page_lines:
            if any(p.match(ln.text) for p in know["draft_marks"]):
                continue
            if ln.in_margin and any(p.match(ln.text) for p in know["page_numbers"]):
                continue
            if ln.in_margin and len(pages) >= 3 and repeated[_furniture_key(ln.text)] >= min_pages:
                continue
            kept.append(ln)
        lines[number] = kept


def _take_footnotes(page: PageLayout, page_lines: list[_Line], body_size: float) -> list[str]:
    """Footnotes: the small-print block at the page bottom that opens with a footnote marker."""
    floor = min((t.top for t in page.tables), default=0.0)
    start = len(page_lines)
    while start > 0:
        ln = page_lines[start - 1]
        if ln.size > settings().pdf.footnote_size * body_size or ln.top < 0.5 * page.height or ln.top < floor:
            break
        start -= 1
    block = page_lines[start:]
    if not block or not _opens_footnote(block[0]):
        return []
    del page_lines[start:]
    notes: list[str] = []
    for ln in block:
        if _opens_footnote(ln) or not notes:
            notes.append(ln.text)
        else:
            notes[-1] = join_wrapped(notes[-1], ln.text)
    return [clean(n) for n in notes]


def _opens_footnote(line: _Line) -> bool:
    return bool(line.markers) and min(m.x0 for m in line.markers) <= line.x0


# ---------------------------------------------------------------- two-column blocks


def _column_gap(line: _Line) -> tuple[float, float] | None:
    """The widest gap between words when it is wide enough to separate two columns."""
    best = None
    for a, b in zip(line.words, line.words[1:], strict=False):
        gap = b.x0 - a.x1
        if gap >= max(settings().pdf.column_gap * line.size, settings().pdf.min_column_gap) and (
            best is None or gap > best[1] - best[0]
        ):
            best = (a.x1, b.x0)
    return best


def _narrow(gap: tuple[float, float], line: _Line) -> tuple[float, float] | None:
    """Shrink the column gap so no word of `line` crosses it; None when the line crosses it."""
    return narrow_gap(gap, line, min_gap=4.0)


def _sub_line(line: _Line, words: list[Word]) -> _Line:
    part = _Line(
        page=line.page,
        words=words,
        markers=[],
        text=join_words(words),
        size=dominant_size(words),
        bold=sum(len(w.text) for w in words if w.bold)
        >= settings().heading.style_share * sum(len(w.text) for w in words),
        italic=sum(len(w.text) for w in words if is_italic(w))
        >= settings().heading.style_share * sum(len(w.text) for w in words),
        x0=min(w.x0 for w in words),
        x1=max(w.x1 for w in words),
        top=min(w.top for w in words),
        bottom=max(w.bottom for w in words),
        height=line.height,
    )
    part.label, _ = split_label(part.text)
    return part


def _find_columns(lines: list[_Line], geo: _Geometry) -> list[_Line | _Columns]:
    """Replace runs of two-column lines by a `_Columns` unit; other lines pass through.

    A run starts at a line with a column-wide gap and goes on while the lines below keep clear of
    that gap; a line centred on the page (a title) ends it.
    """
    out: list[_Line | _Columns] = []
    i = 0
    while i < len(lines):
        gap = _column_gap(lines[i])
        if gap is None:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines):
            if lines[j].top - lines[j - 1].bottom > 2.5 * lines[j].size:
                break
            if geo.centered(lines[j]) and _column_gap(lines[j]) is None:
                break
            narrowed = _narrow(gap, lines[j])
            if narrowed is None:
                break
            gap, j = narrowed, j + 1
        split = (gap[0] + gap[1]) / 2
        left, right = [], []
        for ln in lines[i:j]:
            lw = [w for w in ln.words if (w.x0 + w.x1) / 2 < split]
            rw = [w for w in ln.words if (w.x0 + w.x1) / 2 >= split]
            if lw:
                left.append(_sub_line(ln, lw))
            if rw:
                right.append(_sub_line(ln, rw))
        out.append(_Columns(left, right))
        i = j
    return out


def _opener_words(line: _Line) -> int:
    """How many leading words of the line form an addressee opener ("Kính gửi:"); 0 when none."""
    for pattern in layout_knowledge()["addressee_openers"]:
        m = pattern.match(line.text)
        if m:
            covered, count = 0, 0
            for w in line.words:
                if covered >= m.end():
                    break
                covered += len(w.text) + 1
                count += 1
            return count
    return 0


def _find_addressees(units: list[_Line | _Columns], ctx: _Context) -> list[_Line | _Columns]:
    """ "Kính gửi: X" with lines hanging under X → a two-column block (opener | addressees)."""
    out: list[_Line | _Columns] = []
    i = 0
    while i < len(units):
        unit = units[i]
        n = _opener_words(unit) if isinstance(unit, _Line) else 0
        if not n:
            out.append(unit)
            i += 1
            continue
        opener, rest = unit.words[:n], unit.words[n:]
        hang = rest[0].x0 if rest else opener[-1].x1
        right = [_sub_line(unit, rest)] if rest else []
        j = i + 1
        while j < len(units) and isinstance(units[j], _Line):
            nxt, prev = units[j], units[j - 1]
            if not isinstance(prev, _Line) or nxt.top - prev.bottom > ctx.gap_limit(nxt.size):
                break
            if nxt.x0 < hang - 0.5 * nxt.size or nxt.page != unit.page:
                break
            right.append(nxt)
            j += 1
        out.append(_Columns([_sub_line(unit, opener)], right))
        i = j
    return out


# ---------------------------------------------------------------- paragraphs


def _flow_break(prev: _Line, cur: _Line, ctx: _Context) -> bool:
    """Does `cur` start a new paragraph in running text?"""
    geo = ctx.geometry[cur.page]
    size = max(prev.size, cur.size)
    if abs(prev.size - cur.size) > settings().heading.size_gap:
        return True
    if prev.page == cur.page and cur.top - prev.bottom > ctx.gap_limit(size):
        return True
    if prev.page != cur.page and ctx.geometry[prev.page] is not geo:
        return True  # portrait ↔ landscape: a different section of the document
    if cur.label and (ends_sentence(prev.text) or cur.x0 > geo.left + 0.5 * size or cur.bold != prev.bold):
        return True
    if geo.symmetric(prev) and geo.symmetric(cur):
        return prev.width + SPACE * size + cur.first_word_width < (geo.right - geo.left) - 0.5 * size
    if cur.x0 > prev.x0 + 0.5 * size:
        hanging = prev.label and len(prev.words) > 1 and abs(cur.x0 - prev.words[1].x0) < 0.5 * size
        if not hanging:
            return True
    prev_geo = ctx.geometry[prev.page]
    return prev.x1 + SPACE * size + cur.first_word_width < prev_geo.right - 0.5 * size


def _column_break(prev: _Line, cur: _Line, ctx: _Context, width: float) -> bool:
    """Inside one column of a two-column block: style, size, spacing, labels and early line ends."""
    size = max(prev.size, cur.size)
    if (
        abs(prev.size - cur.size) > settings().heading.size_gap
        or prev.bold != cur.bold
        or prev.italic != cur.italic
    ):
        return True
    if cur.top - prev.bottom > ctx.gap_limit(size) or cur.label:
        return True
    return prev.width + SPACE * size + cur.first_word_width < width - 0.5 * size


def _paragraph(lines: list[_Line], ctx: _Context, in_column: bool = False) -> Paragraph | None:
    text = ""
    for ln in lines:
        text = join_wrapped(text, ln.text)
    text = clean(text)
    if not any(ch.isalnum() for ch in text):
        return None  # decorations: "*", "———"
    label, rest = split_label(text)
    letters = [ch for ch in text if ch.isalpha()]
    geo = ctx.geometry[lines[0].page]
    confidences = [w.confidence for ln in lines for w in ln.words if w.confidence is not None]
    return Paragraph(
        text=rest if label else text,
        list_label=label,
        page=lines[0].page,
        bold=all(ln.bold for ln in lines),
        italic=all(ln.italic for ln in lines),
        centered=not in_column and all(geo.centered(ln) for ln in lines),
        all_caps=len(letters) >= 2 and all(ch.isupper() for ch in letters),
        confidence=round(sum(confidences) / len(confidences), 3) if confidences else None,
        bbox=_bbox([ln for ln in lines if ln.page == lines[0].page]),
    )


def _bbox(lines: list[_Line]) -> tuple[float, float, float, float]:
    """The rectangle around `lines` (all on one page), in points."""
    return (
        min(ln.x0 for ln in lines),
        min(ln.top for ln in lines),
        max(ln.x1 for ln in lines),
        max(ln.bottom for ln in lines),
    )


def _column_paragraphs(lines: list[_Line], ctx: _Context) -> list[Paragraph]:
    """Paragraphs of one column of a two-column block."""
    if not lines:
        return []
    width = max(ln.x1 for ln in lines) - min(ln.x0 for ln in lines)
    groups = [[lines[0]]]
    for prev, cur in zip(lines, lines[1:], strict=False):
        if _column_break(prev, cur, ctx, width):
            groups.append([])
        groups[-1].append(cur)
    paragraphs = (_paragraph(group, ctx, in_column=True) for group in groups)
    return [p for p in paragraphs if p is not None]


def _layout_table(block: _Columns, ctx: _Context) -> Table | None:
    """A two-column block as the borderless layout table the Word original has (one cell per column)."""
    cells = []
    for col, lines in enumerate((block.left, block.right)):
        paragraphs = _column_paragraphs(lines, ctx)
        text = "\n".join((p.list_label + " " if p.list_label else "") + p.text for p in paragraphs)
        cells.append(Cell(text=text, col=col, bold=bool(paragraphs) and all(p.bold for p in paragraphs)))
    if not any(c.text for c in cells):
        return None
    page = min(ln.page for ln in block.left + block.right)
    return Table(rows=[Row(cells=cells, page=page)], index=None, page=page, layout=True)


def _add(ctx: _Context, block: Block | None) -> None:
    if block is not None:
        ctx.blocks.append(block)


# ---------------------------------------------------------------- the walk over pages


def _emit(pages: list[PageLayout], lines: dict[int, list[_Line]], ctx: _Context) -> None:
    """Walk pages in order, turning lines into paragraphs and joining continued tables."""
    pending: list[_Line] = []  # lines of the paragraph being built (may cross a page break)
    builder: TableBuilder | None = None  # the last table, still open while nothing followed it
    builders: list[TableBuilder] = []

    def flush() -> None:
        if pending:
            _add(ctx, _paragraph(pending, ctx))
            pending.clear()

    for page in pages:
        items: list[tuple[float, int, object]] = [(t.top, 1, t) for t in page.tables]
        page_lines, borderless = _without_borderless_tables(lines[page.number])
        items += [(t.page_top, 1, t.table) for t in borderless]
        units = _find_addressees(_find_columns(page_lines, ctx.geometry[page.number]), ctx)
        items += [(u.top if isinstance(u, _Line) else _unit_top(u), 0, u) for u in units]
        items.sort(key=lambda it: (it[0], it[1]))
        for position, (_, _, item) in enumerate(items):
            if isinstance(item, PageTable):
                flush()
                if builder is not None and position == 0 and builder.accepts(item, page.number):
                    builder.add(item, page.number)
                else:
                    builder = TableBuilder()
                    builder.add(item, page.number)
                    builders.append(builder)
                    ctx.blocks.append(builder)  # placeholder, replaced by the built table
                continue
            builder = None
            if isinstance(item, Table):  # a borderless task table rebuilt from its words
                flush()
                ctx.blocks.append(item)
                continue
            if isinstance(item, _Columns):
                flush()
                _add(ctx, _layout_table(item, ctx))
                continue
            if pending and _flow_break(pending[-1], item, ctx):
                flush()
            pending.append(item)
        if items and not isinstance(items[-1][2], PageTable):
            builder = None
    flush()
    built = {id(b): b.build(i) for i, b in enumerate(builders)}
    ctx.blocks = [built.get(id(b), b) for b in ctx.blocks]
    content = (b for b in ctx.blocks if isinstance(b, Table) and not b.layout)
    for index, table in enumerate(content):  # ruled and borderless tables counted in reading order
        table.index = index


def _without_borderless_tables(page_lines: list[_Line]) -> tuple[list[_Line], list[BorderlessTable]]:
    """The page's lines less those of borderless task tables, and those tables."""
    tables = find_borderless_tables(page_lines)
    used = {i for t in tables for i in range(t.first, t.end)}
    for t in tables:
        t.page_top = page_lines[t.first].top
    return [line for i, line in enumerate(page_lines) if i not in used], tables


def _unit_top(unit: _Columns) -> float:
    return min(ln.top for ln in unit.left + unit.right)


__all__ = ["assemble_document"]
