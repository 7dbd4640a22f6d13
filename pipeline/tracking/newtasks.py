"""Where a report lists tasks that are not in the plan: a table under a "Nhiệm vụ phát sinh" heading,
or the rows after such a section row inside a table. Kept on the document as "table:row" keys, because
task rows keep their table and row but not the heading they sat under."""

from __future__ import annotations

from normalizers.text import match_key
from pipeline.model import Document, Paragraph, Row, Table
from pipeline.tracking.words import tracking_words

_HEADING_CHARS = 160  # a paragraph longer than this is running text, not a heading


def _says_new(text: str) -> bool:
    key = match_key(text)
    return any(phrase in key for phrase in tracking_words()["new_task_phrases"])


def _section_text(row: Row) -> str | None:
    """The text of a section row (a label and one cell merged across the rest, or one text across the
    row), else None."""
    texts = list(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
    if not texts:
        return None
    return " ".join(texts) if len(row.cells) <= 2 or len(texts) == 1 else None


def new_task_rows(document: Document) -> list[str]:
    """ "table_index:row_index" of every row listed as a new task."""
    marked: list[str] = []
    heading = ""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.text.strip():
                heading = block.text if len(block.text) <= _HEADING_CHARS else ""
            continue
        if not isinstance(block, Table) or block.layout or block.index is None:
            continue
        whole = _says_new(heading)
        inside = False
        for r, row in enumerate(block.rows):
            section = None if row.is_header else _section_text(row)
            if section is not None:
                inside = _says_new(section)
                continue
            if (whole or inside) and not row.is_header:
                marked.append(f"{block.index}:{r}")
        heading = ""
    return marked
