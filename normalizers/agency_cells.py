"""Split a "Cơ quan chủ trì / phối hợp" cell into agencies, and canonicalize them through the registry.

One rule drives splitting: a separator (``,``, ``và``, a new line) splits only where the text after it
*starts a new agency* (a head word, ``các`` + a group noun, a registry name) and does not sit inside a
registry name. That keeps ``Các sở, ban, ngành`` whole, splits ``Sở Tài chính`` / ``Sở Xây dựng``, and
joins a PDF cell wrapped at the column width (``Sở Khoa học và Công`` / ``nghệ``).
"""

from __future__ import annotations

from dataclasses import dataclass

from normalizers.agency_registry import canonical_agency
from normalizers.agency_text import BULLETS, AgencyText
from normalizers.labels import LEADING_LABEL_RE
from normalizers.text import clean, match_key


@dataclass(frozen=True)
class AgencyList:
    """Canonical agencies of one cell, in cell order; `unknown` are those the registry does not know."""

    names: list[str]
    unknown: list[str]


def split_agencies(raw: str | None) -> list[str]:
    """Split a cell into agency pieces as written (cleaned, one line each).

    Separators: `;`, a leading `-`/`+`, and a new line, `,` or `và` followed by the start of another
    agency; never inside a registry name. A line wrapped at the column width is joined back.
    """
    text = clean(raw)
    if not text:
        return []
    # A line opening with a list label is a new agency: the label becomes a ";" ending the line before.
    lines = text.split("\n")
    for n, line in enumerate(lines):
        label = LEADING_LABEL_RE.match(line)
        if label:
            lines[n] = line[label.end() :]
            if n:
                lines[n - 1] += ";"
    text = "\n".join(lines)
    t = AgencyText(text)
    doc = t.doc
    pieces: list[str] = []
    start = 0  # first token of the current piece

    def close(end: int) -> None:
        piece = t.span_text(start, end)
        if piece:
            pieces.append(piece)

    for i, tok in enumerate(doc):
        if i < start:
            continue
        if tok.text == ";" or (tok.text in BULLETS and (i == 0 or i in t.newline_before)):
            close(i)
            start = i + 1
            continue
        if i in t.inside:
            continue
        joins = tok.text == "," or tok.lower_ in t.kb.conjunctions or tok.text in BULLETS
        if joins and t.agency_at(i + 1, False):
            close(i)
            start = i + 1
            continue
        if i in t.newline_before and i > start and t.agency_at(i, False) and not _bare_head(t, start, i):
            close(i)
            start = i
    close(len(doc))
    return pieces


def _bare_head(t: AgencyText, start: int, end: int) -> bool:
    """A line holding only a head word or a title ("Văn phòng" / "UBND tỉnh") continues on the next line."""
    if t.title.get(start) == end:
        return True
    if end not in t.head.get(start, []):
        return False
    return match_key(t.span_text(start, end)) not in t.kb.complete_heads


def normalize_agencies(raw: str | None) -> AgencyList:
    """Split a cell and canonicalize each agency; duplicates are dropped, unknown ones listed."""
    names: list[str] = []
    unknown: list[str] = []
    for piece in split_agencies(raw):
        name, known = canonical_agency(piece)
        if not name or name in names:
            continue
        names.append(name)
        if not known:
            unknown.append(name)
    return AgencyList(names=names, unknown=unknown)
