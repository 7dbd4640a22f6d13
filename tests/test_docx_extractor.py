"""The DOCX backend on real corpus files and on small files built for one feature each."""

from __future__ import annotations

import docx
import pytest

from extractors.docx import extract
from pipeline.model import Paragraph, Table
from tests.conftest import fixture
from tests.docx_builders import add_list_definition, add_numbered_paragraph, add_text_box, two_row_header_plan


def test_word_auto_numbering_becomes_the_label_the_reader_sees():
    document = extract(fixture("tn-btv-chithi-2026.docx"))
    labels = [p.list_label for p in document.paragraphs if p.list_label]
    assert labels == ["1.", "2.", "(1)", "(2)", "(3)", "3.", "4.", "5.", "6.", "7."]
    first = next(p for p in document.paragraphs if p.list_label == "(1)")
    assert first.text.startswith("Tiếp tục rà soát")  # the label is not glued into the text


def test_footnotes_are_kept_apart_from_the_body():
    document = extract(fixture("tn-btv-chithi-2026.docx"))
    assert len(document.footnotes) == 1
    assert document.footnotes[0].startswith("Quy định số 178-QĐ/TW")
    assert not any("Quy định số 178-QĐ/TW, ngày 27/6/2024" in p.text for p in document.paragraphs)


def test_blocks_come_in_body_order_with_layout_tables_marked():
    document = extract(fixture("ht-stp-694-baocao-q1-2026.docx"))
    tables = document.tables
    assert [t.layout for t in tables] == [True, False, True, False, False, False, False]
    assert [t.index for t in tables if not t.layout] == [0, 1, 2, 3, 4]
    first_block = document.blocks[0]
    assert isinstance(first_block, Table) and first_block.layout  # the national header
    assert isinstance(document.blocks[1], Paragraph)


def test_merged_section_row_is_one_cell_spanning_the_table():
    table = extract(fixture("ht-stp-694-baocao-q1-2026.docx")).tables[-1]
    assert table.rows[0].is_header
    section_row = table.rows[1]
    assert [(c.text, c.col, c.col_span) for c in section_row.cells][0] == ("A", 0, 1)
    assert section_row.cells[1].col_span == 5
    assert section_row.cells[1].text.startswith("NHIỆM VỤ THƯỜNG XUYÊN")


def test_vertically_merged_cell_gives_its_value_to_every_row(tmp_path):
    document = extract(two_row_header_plan(tmp_path / "plan.docx"))
    table = document.tables[0]
    lead_cells = [table.rows[r].cell_at(2) for r in (3, 4)]
    assert [c.text for c in lead_cells] == ["Sở Tư pháp", "Sở Tư pháp"]
    assert lead_cells[0].row_span == 2 and not lead_cells[0].merged_from_above
    assert lead_cells[1].merged_from_above
    header_top = table.rows[0].cell_at(2)
    assert header_top.text == "Cơ quan thực hiện" and header_top.col_span == 2


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ((("decimal", "%1."), ("lowerLetter", "%2)")), ["1.", "a)", "b)", "2.", "a)"]),
        ((("upperRoman", "%1."), ("decimal", "%1.%2.")), ["I.", "I.1.", "I.2.", "II.", "II.1."]),
        ((("decimal", "(%1)"), ("lowerRoman", "%2.")), ["(1)", "i.", "ii.", "(2)", "i."]),
    ],
)
def test_numbering_formats_are_rendered(tmp_path, levels, expected):
    word = docx.Document()
    num_id = add_list_definition(word, list(levels))
    for text, level in [("Một", 0), ("Hai", 1), ("Ba", 1), ("Bốn", 0), ("Năm", 1)]:
        add_numbered_paragraph(word, text, num_id, level)
    path = tmp_path / "numbered.docx"
    word.save(path)
    assert [p.list_label for p in extract(path).paragraphs] == expected


def test_text_is_nfc_even_when_the_file_holds_decomposed_marks(tmp_path):
    word = docx.Document()
    word.add_paragraph("Ủy ban nhân dân tỉnh".replace("Ủ", "U\u0309"))  # decomposed
    path = tmp_path / "nfd.docx"
    word.save(path)
    (paragraph,) = extract(path).paragraphs
    assert paragraph.text == "Ủy ban nhân dân tỉnh"


def test_text_boxes_are_read_apart_from_the_body(tmp_path):
    word = docx.Document()
    add_text_box(word, ["DỰ THẢO", "Lần 2"])
    word.add_paragraph("Nội dung chính.")
    path = tmp_path / "box.docx"
    word.save(path)
    document = extract(path)
    assert document.text_boxes == ["DỰ THẢO\nLần 2"]
    assert [p.text for p in document.paragraphs] == ["Nội dung chính."]
