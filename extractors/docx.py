"""DOCX backend: a Word file read into the format-neutral `Document`.

python-docx opens the package; the body is walked as XML so that paragraphs and tables come in
reading order, Word's auto-numbering becomes the label a reader sees, merged cells keep their spans,
footnote markers stay out of the text and text boxes are read apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from extractors.docx_fonts import RunFonts, legacy_fonts
from extractors.numbering import Numbering
from normalizers.columns import reads_as_task_table
from normalizers.legacy_text import FontEncoding, decode
from normalizers.text import clean
from pipeline.base import ExtractionError, file_sha256
from pipeline.model import Block, Cell, Document, Paragraph, Row, SourceInfo, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NS = {"w": W_NS}

# Run children that carry no text a reader would want glued into the sentence.
_SKIPPED_RUN_CHILDREN = {f"{W}footnoteReference", f"{W}endnoteReference", f"{W}delText", f"{W}instrText"}


def _on(element: etree._Element | None) -> bool:
    """A Word on/off property: present and not switched off."""
    if element is None:
        return False
    return element.get(f"{W}val", "true") not in ("0", "false", "off", "none")


@dataclass
class _StyleInfo:
    bold: bool = False
    caps: bool = False
    heading_level: int | None = None
    num_id: str | None = None
    ilvl: int = 0
    name: str | None = None


@dataclass
class _Context:
    numbering: Numbering
    styles: dict[str, _StyleInfo]
    text_boxes: list[str] = field(default_factory=list)
    table_count: int = 0
    fonts: RunFonts | None = None
    legacy: dict[str | None, FontEncoding] = field(default_factory=dict)  # fonts holding TCVN3/VNI text


def _read_styles(document: docx.document.Document) -> dict[str, _StyleInfo]:
    styles: dict[str, _StyleInfo] = {}
    for style in document.styles:
        element = style.element
        info = _StyleInfo(name=style.name)
        rpr = element.find(f"{W}rPr")
        if rpr is not None:
            info.bold = _on(rpr.find(f"{W}b"))
            info.caps = _on(rpr.find(f"{W}caps"))
        ppr = element.find(f"{W}pPr")
        if ppr is not None:
            outline = ppr.find(f"{W}outlineLvl")
            if outline is not None:
                info.heading_level = int(outline.get(f"{W}val", "0")) + 1
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                num_id = num_pr.find(f"{W}numId")
                ilvl = num_pr.find(f"{W}ilvl")
                info.num_id = num_id.get(f"{W}val") if num_id is not None else None
                info.ilvl = int(ilvl.get(f"{W}val")) if ilvl is not None else 0
        name = (style.name or "").lower()
        if info.heading_level is None and name.startswith("heading ") and name[8:].isdigit():
            info.heading_level = int(name[8:])
        styles[style.style_id] = info
    return styles


def _run_text(run: etree._Element, ctx: _Context) -> str:
    parts: list[str] = []
    for child in run:
        tag = child.tag
        if tag in _SKIPPED_RUN_CHILDREN:
            continue
        if tag == f"{W}t":
            parts.append(child.text or "")
        elif tag in (f"{W}tab", f"{W}ptab"):
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}softHyphen":
            parts.append("\u00ad")  # dropped by `clean`, but in a TCVN3 font it is the letter ư
        else:
            for box in child.iter(f"{W}txbxContent"):
                box_text = "\n".join(_paragraph_plain_text(p, ctx) for p in box.iter(f"{W}p"))
                if box_text.strip():
                    ctx.text_boxes.append(clean(box_text))
    text = "".join(parts)
    if ctx.legacy and ctx.fonts is not None and text:
        encoding = ctx.legacy.get(ctx.fonts.font_of(run))
        if encoding is not None:
            return decode(text, encoding.encoding, encoding.uppercase)
    return text


def _paragraph_runs(p: etree._Element) -> list[etree._Element]:
    """Runs of a paragraph, also inside hyperlinks, insertions and smart tags, not in text boxes."""
    runs = []
    for child in p:
        if child.tag == f"{W}r":
            runs.append(child)
        elif child.tag in (f"{W}hyperlink", f"{W}ins", f"{W}smartTag", f"{W}sdt", f"{W}fldSimple"):
            runs.extend(r for r in child.iter(f"{W}r") if not _inside_text_box(r, p))
    return runs


def _inside_text_box(element: etree._Element, stop: etree._Element) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == f"{W}txbxContent":
            return True
        parent = parent.getparent()
    return False


def _paragraph_plain_text(p: etree._Element, ctx: _Context) -> str:
    return "".join(_run_text(r, ctx) for r in _paragraph_runs(p))


def _run_is_bold(run: etree._Element, style_bold: bool) -> bool:
    rpr = run.find(f"{W}rPr")
    if rpr is not None and rpr.find(f"{W}b") is not None:
        return _on(rpr.find(f"{W}b"))
    return style_bold


def _paragraph(p: etree._Element, ctx: _Context) -> Paragraph:
    ppr = p.find(f"{W}pPr")
    style_id = None
    if ppr is not None and ppr.find(f"{W}pStyle") is not None:
        style_id = ppr.find(f"{W}pStyle").get(f"{W}val")
    style = ctx.styles.get(style_id or "", _StyleInfo())

    runs = _paragraph_runs(p)
    text = clean("".join(_run_text(r, ctx) for r in runs))
    texted_runs = [r for r in runs if "".join(t.text or "" for t in r.iter(f"{W}t")).strip()]
    bold = bool(texted_runs) and all(_run_is_bold(r, style.bold) for r in texted_runs)
    caps = style.caps or (
        bool(texted_runs)
        and all((rpr := r.find(f"{W}rPr")) is not None and _on(rpr.find(f"{W}caps")) for r in texted_runs)
    )

    num_id, ilvl = style.num_id, style.ilvl
    centered = False
    heading_level = style.heading_level
    if ppr is not None:
        num_pr = ppr.find(f"{W}numPr")
        if num_pr is not None:
            if num_pr.find(f"{W}numId") is not None:
                num_id = num_pr.find(f"{W}numId").get(f"{W}val")
            if num_pr.find(f"{W}ilvl") is not None:
                ilvl = int(num_pr.find(f"{W}ilvl").get(f"{W}val"))
        jc = ppr.find(f"{W}jc")
        centered = jc is not None and jc.get(f"{W}val") == "center"
        outline = ppr.find(f"{W}outlineLvl")
        if outline is not None and int(outline.get(f"{W}val", "9")) < 9:
            heading_level = int(outline.get(f"{W}val")) + 1

    label = ctx.numbering.next_label(num_id, ilvl) if num_id and text else None
    return Paragraph(
        text=text,
        style=style.name,
        heading_level=heading_level,
        list_label=label or None,
        bold=bold,
        centered=centered,
        all_caps=caps or (text.isupper() and any(c.isalpha() for c in text)),
    )


def _cell_text(tc: etree._Element, ctx: _Context) -> tuple[str, bool]:
    """A cell's paragraphs joined by new lines (list labels kept: they separate agencies)."""
    lines, bolds = [], []
    for p in tc.iter(f"{W}p"):
        if _inside_text_box(p, tc):
            continue
        para = _paragraph(p, ctx)
        if not para.text:
            continue
        lines.append(f"{para.list_label} {para.text}" if para.list_label else para.text)
        bolds.append(para.bold)
    return clean("\n".join(lines)), bool(bolds) and all(bolds)


def _table(tbl: etree._Element, ctx: _Context) -> Table:
    rows: list[Row] = []
    open_merges: dict[int, Cell] = {}  # grid column → the cell that started a vertical merge there
    for tr in tbl.findall(f"{W}tr"):
        trpr = tr.find(f"{W}trPr")
        col = 0
        if trpr is not None and trpr.find(f"{W}gridBefore") is not None:
            col = int(trpr.find(f"{W}gridBefore").get(f"{W}val", "0"))
        is_header = trpr is not None and _on(trpr.find(f"{W}tblHeader"))
        cells: list[Cell] = []
        for tc in tr.findall(f"{W}tc"):
            tcpr = tc.find(f"{W}tcPr")
            span, vmerge = 1, None
            if tcpr is not None:
                if tcpr.find(f"{W}gridSpan") is not None:
                    span = int(tcpr.find(f"{W}gridSpan").get(f"{W}val", "1"))
                if tcpr.find(f"{W}vMerge") is not None:
                    vmerge = tcpr.find(f"{W}vMerge").get(f"{W}val", "continue")
            text, bold = _cell_text(tc, ctx)
            if vmerge == "continue" and col in open_merges:
                top = open_merges[col]
                top.row_span += 1
                cell = Cell(text=top.text, col=col, col_span=span, merged_from_above=True, bold=top.bold)
            else:
                cell = Cell(text=text, col=col, col_span=span, bold=bold)
                if vmerge == "restart":
                    open_merges[col] = cell
                else:
                    open_merges.pop(col, None)
            cells.append(cell)
            col += span
        rows.append(Row(cells=cells, is_header=is_header))
    layout = _is_layout_table(tbl, rows)
    table = Table(rows=rows, index=None if layout else ctx.table_count, layout=layout)
    if not layout:
        ctx.table_count += 1
    return table


def _is_layout_table(tbl: etree._Element, rows: list[Row]) -> bool:
    """Borderless tables (national header, signature block) and one-cell boxes only lay out the page.

    Borders are only a hint: a table whose header reads as task headings lists tasks, drawn or not."""
    n_cols = max((c.col + c.col_span for r in rows for c in r.cells), default=0)
    if len(rows) < 2 and n_cols < 3 or n_cols < 2:
        return True
    if reads_as_task_table(rows):
        return False
    tbl_pr = tbl.find(f"{W}tblPr")
    if tbl_pr is None:
        return True
    if tbl_pr.find(f"{W}tblStyle") is not None:
        return False
    borders = tbl_pr.find(f"{W}tblBorders")
    if borders is not None and any(b.get(f"{W}val") not in ("nil", "none") for b in borders):
        return False
    return not any(True for _ in tbl.iter(f"{W}tcBorders"))


def _blocks(container: etree._Element, ctx: _Context) -> list[Block]:
    blocks: list[Block] = []
    for child in container:
        if child.tag == f"{W}p":
            para = _paragraph(child, ctx)
            if para.text:
                blocks.append(para)
        elif child.tag == f"{W}tbl":
            blocks.append(_table(child, ctx))
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                blocks.extend(_blocks(content, ctx))
    return blocks


def _footnote_paragraph(p: etree._Element, ctx: _Context) -> str:
    """A footnote paragraph's text; runs in a TCVN3/VNI font are decoded like the body's."""
    if not ctx.legacy:
        return "".join(t.text or "" for t in p.iter(f"{W}t"))
    return "".join(_run_text(r, ctx) for r in p.iter(f"{W}r"))


def _footnotes(document: docx.document.Document, ctx: _Context) -> list[str]:
    part = document.part
    for rel in part.rels.values():
        if rel.reltype.endswith("/footnotes"):
            root = etree.fromstring(rel.target_part.blob)
            notes = []
            for note in root.findall(f"{W}footnote"):
                if note.get(f"{W}type") in ("separator", "continuationSeparator"):
                    continue
                text = clean(" ".join(_footnote_paragraph(p, ctx) for p in note.iter(f"{W}p")))
                if text:
                    notes.append(text)
            return notes
    return []


def _open(path: Path) -> docx.document.Document:
    try:
        return docx.Document(str(path))
    except PackageNotFoundError as err:
        raise ExtractionError("not a readable Word .docx file") from err
    except KeyError as err:
        raise ExtractionError(f"damaged Word file (missing part {err})") from err
    except etree.XMLSyntaxError as err:
        raise ExtractionError(f"damaged Word file (broken XML: {err})") from err


def extract(path: Path | str, sha256: str | None = None) -> Document:
    """Read a .docx into a `Document` (paragraphs and tables in body order, footnotes apart)."""
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    word = _open(path)
    ctx = _Context(numbering=Numbering.from_document(word), styles=_read_styles(word), fonts=RunFonts(word))
    ctx.legacy = legacy_fonts(word.element.body, ctx.fonts)
    blocks = _blocks(word.element.body, ctx)
    source = SourceInfo(source_file=path.name, source_format="docx", doc_id=sha256[:16], sha256=sha256)
    return Document(source=source, blocks=blocks, footnotes=_footnotes(word, ctx), text_boxes=ctx.text_boxes)
