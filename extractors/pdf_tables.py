"""Page tables → logical tables: one `Table` for a table that runs over several pages.

Layout-only (no pdfplumber), shared by the born-digital and OCR paths. A fragment at the top of a
page continues the table that ended the previous page when their column edges agree; its repeated
header rows are dropped, a row split by the page break is merged back, and a vertically merged cell
crossing the break keeps its value.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from extractors.layout import PageTable
from normalizers.columns import same_header
from normalizers.text import match_key
from pipeline.model import Cell, Row, Table
from pipeline.settings import settings

_DATA_LABEL = re.compile(r"^(\d{1,3}(\.\d{1,3})*|[IVXLC]{1,7}|[a-zđA-ZĐ])[.)]?$")


@dataclass(eq=False)
class _GC:
    """A cell on the logical grid; a copy under a vertical merge points at its `origin`."""

    text: str
    col: int
    col_span: int
    bold: bool = False
    origin: _GC | None = None
    raw_text: str | None = None  # OCR: the cell as read, before a repair
    confidence: float | None = None  # OCR: mean word confidence
    bbox: tuple[float, float, float, float] | None = None  # on its page, in points

    @property
    def root(self) -> _GC:
        return self.origin.root if self.origin else self

    @property
    def merged(self) -> bool:
        return self.origin is not None


@dataclass
class _Row:
    cells: list[_GC]
    page: int
    is_header: bool = False

    def at(self, col: int) -> _GC | None:
        for cell in self.cells:
            if cell.col <= col < cell.col + cell.col_span:
                return cell
        return None

    def key(self) -> str:
        return "|".join(match_key(c.root.text) for c in self.cells)

    def empty(self) -> bool:
        return not any(c.root.text.strip() for c in self.cells)


@dataclass
class _Fragment:
    table: PageTable
    page: int


def merge_edges(edge_lists: list[list[float]], tol: float | None = None) -> list[float]:
    """Union of column edges, rules closer than `tol` taken as one."""
    tol = settings().pdf.edge_tolerance if tol is None else tol
    merged: list[float] = []
    for x in sorted(x for edges in edge_lists for x in edges):
        if merged and x - merged[-1] <= tol:
            continue
        merged.append(x)
    return merged


def nearest_edge(edges: list[float], x: float) -> int:
    """Index of the edge closest to `x`."""
    return min(range(len(edges)), key=lambda i: abs(edges[i] - x))


def columns_match(
    a: PageTable, b: PageTable, tol: float | None = None, max_shift: float | None = None
) -> bool:
    """Same column widths: equal outer edges and every inner rule of the sparser grid a rule of the
    other, once the whole grid is shifted by the offset of its left edge (a scanned sheet sits a few
    points further left or right on each page; a printed one does not move)."""
    tol = settings().pdf.edge_tolerance if tol is None else tol
    max_shift = settings().pdf.max_shift if max_shift is None else max_shift
    shift = b.col_edges[0] - a.col_edges[0]
    if abs(shift) > max_shift:
        return False
    a_edges = [x + shift for x in a.col_edges]
    if abs(a_edges[-1] - b.col_edges[-1]) > tol:
        return False
    small, large = sorted((a_edges, b.col_edges), key=len)
    return all(any(abs(x - y) <= tol for y in large) for x in small)


def _fragment_rows(frag: _Fragment, edges: list[float]) -> list[_Row]:
    """Rows of one page's table on the logical column grid, vertical merges as linked copies."""
    table = frag.table
    rows = [_Row([], frag.page) for _ in range(table.n_rows)]
    for gc in sorted(table.cells, key=lambda c: (c.row, c.col)):
        x0 = table.col_edges[min(gc.col, len(table.col_edges) - 1)]
        x1 = table.col_edges[min(gc.col + gc.col_span, len(table.col_edges) - 1)]
        col, end = nearest_edge(edges, x0), nearest_edge(edges, x1)
        cell = _GC(gc.text, col, max(1, end - col), gc.bold, raw_text=gc.raw_text, confidence=gc.confidence)
        cell.bbox = (gc.x0, gc.top, gc.x1, gc.bottom)
        rows[gc.row].cells.append(cell)
        for r in range(gc.row + 1, min(gc.row + gc.row_span, table.n_rows)):
            rows[r].cells.append(_GC(gc.text, col, cell.col_span, gc.bold, origin=cell))
    for row in rows:
        row.cells.sort(key=lambda c: c.col)
    return [r for r in rows if r.cells]


def _looks_like_data(row: _Row) -> bool:
    first = row.at(0)
    return first is not None and bool(_DATA_LABEL.match(first.root.text.strip()))


def header_count(rows: list[_Row]) -> int:
    """Header rows: the first row and the rows its vertically merged cells cover (two-row headers)."""
    if not rows or _looks_like_data(rows[0]) or len(rows) == 1:
        return 0
    first = rows[0].cells
    count = 1
    for r in range(1, len(rows)):
        if any(c.origin in first for c in rows[r].cells):
            count = r + 1
        else:
            break
    return min(count, len(rows) - 1)


def _join_cell(a: str, b: str) -> str:
    from extractors.pdf_text import join_wrapped, split_label

    if not a.strip():
        return b
    if not b.strip():
        return a
    label, _ = split_label(b)
    return a + "\n" + b if label is not None else join_wrapped(a, b)


def _in_vertical_merge(cell: _GC | None, rows: list[_Row]) -> bool:
    if cell is None:
        return False
    if cell.merged:
        return True
    return any(c.origin is cell for r in rows for c in r.cells)


@dataclass
class TableBuilder:
    """Collects the page fragments of one logical table and builds the `Table`."""

    fragments: list[_Fragment] = field(default_factory=list)

    @property
    def last(self) -> _Fragment:
        return self.fragments[-1]

    def accepts(self, table: PageTable, page: int) -> bool:
        return page == self.last.page + 1 and columns_match(self.last.table, table)

    def add(self, table: PageTable, page: int) -> None:
        """Add a page's part, its grid moved onto the first part's (a scanned sheet shifts a little)."""
        if self.fragments:
            shift = table.col_edges[0] - self.fragments[0].table.col_edges[0]
            table = replace(table, col_edges=[x - shift for x in table.col_edges])
        self.fragments.append(_Fragment(table, page))

    def build(self, index: int) -> Table:
        edges = merge_edges([f.table.col_edges for f in self.fragments])
        rows = _fragment_rows(self.fragments[0], edges)
        n_header = header_count(rows)
        for row in rows[:n_header]:
            row.is_header = True
        header_keys = [r.key() for r in rows[:n_header]]
        for frag in self.fragments[1:]:
            rows = self._append(rows, _fragment_rows(frag, edges), header_keys)
        spans = Counter(id(c.root) for r in rows for c in r.cells if c.merged)
        return Table(rows=[_to_row(r, spans) for r in rows], index=index, page=self.fragments[0].page)

    def _append(self, rows: list[_Row], more: list[_Row], header_keys: list[str]) -> list[_Row]:
        dropped = 0
        while (
            dropped < len(header_keys)
            and dropped < len(more)
            and same_header(more[dropped].key(), header_keys[dropped])
        ):
            dropped += 1
        more = more[dropped:]
        if not more or not rows:
            return rows + more
        prev, first = rows[-1], more[0]
        _carry_vertical_merges(prev, first, rows, more)
        if _is_split_row(prev, first, rows):
            for cell in first.cells:
                if cell.merged:
                    continue
                target = prev.at(cell.col)
                if target is None:
                    continue
                target.root.text = _join_cell(target.root.text, cell.text)
                for r in more[1:]:  # cells merged below the continuation follow the joined cell
                    for c in r.cells:
                        if c.origin is cell:
                            c.origin = target.root
            more = more[1:]
        return rows + more


def _carry_vertical_merges(prev: _Row, first: _Row, rows: list[_Row], more: list[_Row]) -> None:
    """An empty cell at the top of the page under a cell merged downwards continues that merge."""
    for cell in first.cells:
        if cell.merged or cell.text.strip():
            continue
        above = prev.at(cell.col)
        if above is None or not above.root.text.strip() or above.col != cell.col:
            continue
        spans_down = any(c.origin is cell for r in more for c in r.cells)
        if _in_vertical_merge(above, rows) or spans_down:
            cell.origin = above.root
            for r in more:
                for c in r.cells:
                    if c.origin is cell:
                        c.origin = above.root


def _is_split_row(prev: _Row, first: _Row, rows: list[_Row]) -> bool:
    """The first row of a continuation is the rest of the row above when its label cell is empty."""
    if prev.is_header or first.empty():
        return False
    label = first.at(0)
    if label is None or label.merged or label.root.text.strip():
        return False
    return not _in_vertical_merge(prev.at(0), rows)


def _to_row(row: _Row, spans: Counter[int]) -> Row:
    cells = [
        Cell(
            text=c.root.text,
            col=c.col,
            col_span=c.col_span,
            row_span=1 if c.merged else 1 + spans[id(c)],
            merged_from_above=c.merged,
            bold=c.root.bold,
            raw_text=c.root.raw_text,
            confidence=c.root.confidence,
            bbox=c.root.bbox,
        )
        for c in row.cells
    ]
    return Row(cells=cells, is_header=row.is_header, page=row.page)
