"""Small real .docx files built with python-docx, for the cases the corpus does not isolate."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

NUMBERING_XML = """
<w:abstractNum {ns} w:abstractNumId="{abstract_id}">
  <w:multiLevelType w:val="hybridMultilevel"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt0}"/><w:lvlText w:val="{text0}"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="{fmt1}"/><w:lvlText w:val="{text1}"/></w:lvl>
</w:abstractNum>
"""


def add_list_definition(document: docx.document.Document, levels: list[tuple[str, str]]) -> str:
    """Add a two-level list definition (numFmt, lvlText per level) and return its numId."""
    numbering = document.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(abstract_ids, default=0) + 1
    (fmt0, text0), (fmt1, text1) = levels
    abstract = parse_xml(
        NUMBERING_XML.format(
            ns=nsdecls("w"), abstract_id=abstract_id, fmt0=fmt0, text0=text0, fmt1=fmt1, text1=text1
        )
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    num_id = str(max(num_ids, default=0) + 1)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
        )
    )
    return num_id


def add_numbered_paragraph(document: docx.document.Document, text: str, num_id: str, level: int = 0) -> None:
    paragraph = document.add_paragraph(text)
    p_pr = paragraph._p.get_or_add_pPr()
    p_pr.append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def add_bold_paragraph(document: docx.document.Document, text: str, centered: bool = False) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    if centered:
        paragraph.alignment = 1


def add_grid_table(document: docx.document.Document, rows: int, cols: int) -> docx.table.Table:
    table = document.add_table(rows=rows, cols=cols)
    table.style = "Table Grid"
    return table


def two_row_header_plan(path: Path) -> Path:
    """A plan whose task table has a two-row header: "Cơ quan thực hiện" over "Chủ trì" | "Phối hợp",
    a section row merged across the table, and a lead cell merged over two task rows."""
    document = docx.Document()
    add_bold_paragraph(document, "KẾ HOẠCH", centered=True)
    add_bold_paragraph(document, "Triển khai nhiệm vụ năm 2026", centered=True)
    table = add_grid_table(document, rows=6, cols=5)
    top = ["TT", "Nội dung công việc", "Cơ quan thực hiện", "", "Thời hạn hoàn thành"]
    for i, text in enumerate(top):
        table.cell(0, i).text = text
    table.cell(1, 2).text = "Chủ trì"
    table.cell(1, 3).text = "Phối hợp"
    table.cell(0, 2).merge(table.cell(0, 3))
    for col in (0, 1, 4):
        table.cell(0, col).merge(table.cell(1, col))
    table.cell(2, 0).text = "I"
    table.cell(2, 1).text = "CẢI CÁCH HÀNH CHÍNH"
    table.cell(2, 1).merge(table.cell(2, 4))
    table.cell(3, 0).text = "1"
    table.cell(3, 1).text = "Rà soát thủ tục hành chính"
    table.cell(3, 2).text = "Sở Tư pháp"
    table.cell(3, 3).text = "Sở Nội vụ; Sở Tài chính"
    table.cell(3, 4).text = "Quý II/2026"
    table.cell(4, 0).text = "2"
    table.cell(4, 1).text = "Công bố danh mục thủ tục"
    table.cell(4, 3).text = "Văn phòng UBND tỉnh"
    table.cell(4, 4).text = "Trước ngày 30/9/2026"
    table.cell(3, 2).merge(table.cell(4, 2))
    table.cell(5, 0).text = "3"
    table.cell(5, 1).text = "Báo cáo kết quả"
    table.cell(5, 2).text = "Sở Nội vụ"
    table.cell(5, 4).text = "Hằng quý"
    document.save(path)
    return path


VML_NS = "urn:schemas-microsoft-com:vml"


def add_text_box(document: docx.document.Document, lines: list[str]) -> None:
    """A VML text box anchored in an empty paragraph, as older Word versions write the "DỰ THẢO" stamp."""
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    run = parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="{VML_NS}"><w:pict><v:shape><v:textbox>'
        f"<w:txbxContent>{paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    document.add_paragraph()._p.append(run)


def table_plan(path: Path, rows: list[list[str]], borders: bool = True, intro: list[str] = ()) -> Path:
    """A plan with one task table: `rows[0]` is the header, a row with one text after its number is a
    section row merged across the table. `borders=False` draws it as Word's plain, borderless table."""
    document = docx.Document()
    add_bold_paragraph(document, "KẾ HOẠCH", centered=True)
    add_bold_paragraph(document, "Triển khai nhiệm vụ năm 2026", centered=True)
    add_bold_paragraph(document, "II. NHIỆM VỤ CỤ THỂ")
    for line in intro:
        document.add_paragraph(line)
    n_cols = len(rows[0])
    table = document.add_table(rows=len(rows), cols=n_cols)
    if borders:
        table.style = "Table Grid"
    for r, texts in enumerate(rows):
        if len(texts) == 2 and n_cols > 2:
            table.cell(r, 0).text = texts[0]
            merged = table.cell(r, 1).merge(table.cell(r, n_cols - 1))
            merged.text = texts[1]
            continue
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    document.save(path)
    return path
