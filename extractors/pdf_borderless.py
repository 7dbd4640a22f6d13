"""Borderless task tables on a PDF page: rebuilt from the alignment of their words.

A Word table drawn without borders prints no ruling lines, so pdfplumber finds no table and its text
arrives as lines whose words stand in columns. A line whose word groups read as task headings ("TT |
Nội dung công việc | Cơ quan chủ trì | Thời gian hoàn thành") opens such a table: the white gaps between
its headings are the column gaps while the lines below keep clear of them, and a new row starts where
the number column has text. Borders are a hint; the headings decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from extractors.layout import Word
from normalizers.columns import map_columns
from pipeline.model import Cell, Row, Table
from pipeline.settings import settings


class _Line(Protocol):
    words: list[Word]
    size: float
    top: float
    bottom: float
    page: int


@dataclass
class BorderlessTable:
    """A rebuilt table and the lines it was made of (so they are not read as paragraphs too)."""

    table: Table
    first: int  # index of its first line among the page's lines
    end: int  # index after its last line
    page_top: float = 0.0


def find_borderless_tables(lines: Sequence[_Line]) -> list[BorderlessTable]:
    """Borderless task tables among a page's text lines, top to bottom."""
    found: list[BorderlessTable] = []
    i = 0
    while i < len(lines):
        rebuilt = _table_from(lines, i)
        if rebuilt is None:
            i += 1
            continue
        found.append(rebuilt)
        i = rebuilt.end
    return found


def _heading_gaps(line: _Line) -> list[tuple[float, float]]:
    words = sorted(line.words, key=lambda w: w.x0)
    limit = settings().borderless.heading_gap * line.size
    return [(a.x1, b.x0) for a, b in zip(words, words[1:], strict=False) if b.x0 - a.x1 >= limit]


def narrow_gap(
    gap: tuple[float, float], line: _Line, min_gap: float | None = None
) -> tuple[float, float] | None:
    """The part of a column gap the line's words leave clear; None when a word crosses it or what is
    left is narrower than `min_gap` (default: the borderless setting)."""
    min_gap = settings().borderless.min_gap if min_gap is None else min_gap
    a, b = gap
    for w in line.words:
        if w.x1 <= a or w.x0 >= b:
            continue
        if w.x0 <= a and w.x1 >= b:
            return None
        if w.x0 <= a:
            a = w.x1
        elif w.x1 >= b or w.x0 - a >= b - w.x1:
            b = w.x0
        else:
            a = w.x1
    return (a, b) if b - a >= min_gap else None


def _cells(line: _Line, bounds: list[float]) -> list[str]:
    """The line's words by column. A word only a word space from the one before stays in its cell: a
    section title written across the table ("I | Cải cách thể chế") is one cell."""
    texts: list[list[str]] = [[] for _ in range(len(bounds) + 1)]
    col, previous = 0, None
    for w in sorted(line.words, key=lambda w: w.x0):
        own = sum(1 for x in bounds if (w.x0 + w.x1) / 2 > x)
        if previous is None or w.x0 - previous.x1 >= settings().borderless.word_gap * line.size:
            col = own
        texts[col].append(w.text)
        previous = w
    return [" ".join(t) for t in texts]


def _table_from(lines: Sequence[_Line], start: int) -> BorderlessTable | None:
    head = lines[start]
    gaps = _heading_gaps(head)
    if len(gaps) + 1 < settings().borderless.min_columns or not _reads_as_headings(head, gaps):
        return None
    end = start + 1
    while end < len(lines):
        line, above = lines[end], lines[end - 1]
        if line.page != head.page or line.top - above.bottom > settings().borderless.row_gap * line.size:
            break
        narrowed = [narrow_gap(g, line) for g in gaps]
        if any(g is None for g in narrowed):
            break
        gaps, end = narrowed, end + 1
    if end - start < 2:
        return None
    bounds = [(a + b) / 2 for a, b in gaps]
    rows = _rows([_cells(line, bounds) for line in lines[start:end]], head.page)
    _place(rows, lines[start:end], bounds)
    table = Table(rows=rows, page=head.page)
    columns = map_columns(table)
    if columns is None or columns.first("number") != 0 or len(rows) < 2:
        return None
    return BorderlessTable(table=table, first=start, end=end)


def _reads_as_headings(head: _Line, gaps: list[tuple[float, float]]) -> bool:
    bounds = [(a + b) / 2 for a, b in gaps]
    row = Row(cells=[Cell(text=t, col=c) for c, t in enumerate(_cells(head, bounds))])
    return map_columns(Table(rows=[row])) is not None


def _place(rows: list[Row], lines: Sequence[_Line], bounds: list[float]) -> None:
    """Give each cell its box on the page: its column between the gaps, its row's lines top to bottom
    (rows start where `_rows` started them: at a line with text in the number column)."""
    left = min(w.x0 for line in lines for w in line.words)
    right = max(w.x1 for line in lines for w in line.words)
    edges = [left, *bounds, right]
    starts = [i for i, line in enumerate(lines) if i == 0 or _cells(line, bounds)[0].strip()]
    for row, first, end in zip(rows, starts, [*starts[1:], len(lines)], strict=False):
        top, bottom = lines[first].top, max(line.bottom for line in lines[first:end])
        for cell in row.cells:
            cell.bbox = (edges[cell.col], top, edges[cell.col + 1], bottom)


def _rows(lines: list[list[str]], page: int) -> list[Row]:
    """Lines to rows: a line with text in the number column starts a row, the lines under it (a
    wrapped cell, the header's second line) belong to it; a cell's lines are joined with spaces."""
    groups: list[list[list[str]]] = [[lines[0]]]
    for cells in lines[1:]:
        if cells[0].strip():
            groups.append([cells])
        else:
            groups[-1].append(cells)
    rows = []
    for n, group in enumerate(groups):
        texts = [" ".join(t for t in column if t) for column in zip(*group, strict=True)]
        cells = [Cell(text=t, col=c) for c, t in enumerate(texts)]
        rows.append(Row(cells=cells, is_header=n == 0, page=page))
    return rows
