"""`nhiemvu explain` and `nhiemvu inspect` on real documents: why a block is (not) a task, and the
page drawn with what was found on it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from flows.cli import app
from pipeline.explain import explain_document, explain_file, explained_blocks, outline
from pipeline.model import Paragraph, Table
from pipeline.page_image import CELL, draw_page
from pipeline.run import extract_document
from pipeline.tasks import document_to_tasks
from pipeline.trace import HEADING, SKIPPED, TASK, Trace
from tests.conftest import fixture
from tests.docx_builders import table_plan


def _table_decision(path: Path, table_index: int):
    explanation = explain_file(path)
    for block in explained_blocks(explanation):
        found = explanation.document.blocks[block.block_index]
        if block.kind == "table" and isinstance(found, Table) and found.index == table_index:
            return block
    raise AssertionError(f"no decision on table {table_index}")


def test_a_statistics_table_is_skipped_for_want_of_a_task_column():
    # The report's count table ("Tổng số nhiệm vụ | Số nhiệm vụ thường xuyên | …") counts tasks, lists none.
    decision = _table_decision(fixture("ht-stp-694-baocao-q1-2026.docx"), 0)
    assert decision.verdict == SKIPPED
    assert decision.reason.startswith("table 0 skipped: no task column (headings: Tổng số nhiệm vụ |")


def test_an_investment_table_is_skipped_and_its_headings_are_quoted():
    decision = _table_decision(fixture("hy-ubnd-3518-quyetdinh-dtc-2026.docx"), 0)
    assert decision.verdict == SKIPPED
    assert "no task column" in decision.reason
    assert "Danh mục dự án" in decision.reason and "Chủ đầu tư" in decision.reason


def test_a_task_table_names_the_heading_each_role_was_read_from():
    decision = _table_decision(fixture("qt-ubnd-kehoach-66-2025.docx"), 0)
    assert decision.verdict == "task_table"
    assert "task: Tên nhiệm vụ" in decision.reason and "lead: Cơ quan chủ trì" in decision.reason


def test_an_objective_is_not_a_task_because_its_part_assigns_no_work():
    explanation = explain_file(fixture("qt-ubnd-kehoach-66-2025.docx"))
    blocks = explanation.document.blocks
    heading = next(
        i for i, b in enumerate(blocks) if isinstance(b, Paragraph) and b.text.endswith("MỤC TIÊU, YÊU CẦU")
    )
    objective = next(b for b in explained_blocks(explanation) if b.block_index == heading + 1)
    assert objective.verdict == SKIPPED
    assert objective.reason == "its part does not assign work: under I 'MỤC TIÊU, YÊU CẦU'"
    assert objective.task_id is None


def test_the_outline_lists_the_headings_and_what_each_says_of_its_part():
    entries = outline(explain_file(fixture("qt-ubnd-kehoach-66-2025.docx")))
    by_text = {e.text: e for e in entries}
    assert "no work" in by_text["I. MỤC TIÊU, YÊU CẦU"].reason
    assert "assigns work" in by_text["III. TỔ CHỨC THỰC HIỆN"].reason
    assert by_text["I. MỤC TIÊU, YÊU CẦU"].depth == 1


def test_recipients_and_closing_formula_are_named_as_such():
    reasons = [b.reason for b in explained_blocks(explain_file(fixture("qt-ubnd-kehoach-66-2025.docx")))]
    assert any(r.startswith("recipient list") for r in reasons)
    assert any(r.startswith("closing formula") for r in reasons)


def test_an_inherited_lead_names_the_item_it_came_from():
    blocks = explained_blocks(explain_file(fixture("ht-tu-congvan-66-2025.docx")))
    notes = [n for b in blocks if b.verdict == TASK for n in b.notes]
    assert "lead inherited from item 3 'Đảng ủy UBND tỉnh lãnh đạo UBND tỉnh' (Đảng ủy UBND tỉnh)" in notes


def test_a_row_without_a_lead_inherits_it_from_its_section_row():
    blocks = explained_blocks(explain_file(fixture("variants/borderless-kehoach-2026.docx")))
    row = next(b for b in blocks if b.kind == "row" and b.notes)
    assert row.verdict == TASK
    assert row.notes == ["lead inherited from section row II 'Sở Nội vụ' (Sở Nội vụ)"]


def test_a_deadline_not_understood_is_quoted(tmp_path: Path):
    rows = [
        ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"],
        ["1", "Rà soát thủ tục hành chính", "Sở Tư pháp", "sớm nhất có thể"],
    ]
    blocks = explained_blocks(explain_document(extract_document(table_plan(tmp_path / "plan.docx", rows))))
    (row,) = [b for b in blocks if b.verdict == TASK]
    assert row.notes == ["deadline not understood: 'sớm nhất có thể'"]


def test_every_block_is_explained_and_every_task_is_traced_to_its_block():
    explanation = explain_file(fixture("ht-stp-694-baocao-q1-2026.docx"))
    explained = {d.block_index for d in explanation.trace.decisions}
    assert explained == set(range(len(explanation.document.blocks)))
    traced = {b.task_id for b in explained_blocks(explanation) if b.verdict == TASK}
    assert traced == {t.task_id for t in explanation.tasks}


@pytest.mark.parametrize(
    "name",
    ["qt-ubnd-kehoach-66-2025.docx", "th-thieutrung-kehoach-66-2026.docx", "ht-stp-694-baocao-q1-2026.pdf"],
)
def test_tracing_changes_no_task(name: str):
    document = extract_document(fixture(name))
    assert document_to_tasks(document, Trace()) == document_to_tasks(document)


def test_explain_json_is_a_list_of_blocks():
    result = CliRunner().invoke(
        app, ["explain", str(fixture("ht-stp-694-baocao-q1-2026.pdf")), "--json", "--page", "1"]
    )
    assert result.exit_code == 0, result.output
    blocks = json.loads(result.stdout)
    assert blocks and all(b["page"] == 1 for b in blocks)
    table = next(
        b for b in blocks if b["kind"] == "table" and b["verdict"] == SKIPPED and "task column" in b["reason"]
    )
    assert table["task_id"] is None and table["text"].startswith("Tổng số nhiệm vụ")
    assert {"block_index", "kind", "row_index", "verdict", "reason", "notes"} <= set(table)


def test_explain_prints_the_outline_and_the_reasons():
    result = CliRunner().invoke(app, ["explain", str(fixture("hy-ubnd-3518-quyetdinh-dtc-2026.docx"))])
    assert result.exit_code == 0, result.output
    assert "no task column" in result.stdout
    assert HEADING in result.stdout


def test_inspect_draws_the_cells_of_a_task_table(tmp_path: Path):
    path = fixture("qt-ubnd-kehoach-66-2025.pdf")
    table = next(b for b in extract_document(path).blocks if isinstance(b, Table) and not b.layout)
    row = next(r for r in table.rows if r.page == table.page and not r.is_header)
    cell = next(c for c in row.cells if c.bbox is not None)

    drawing = draw_page(path, table.page, tmp_path / "page.png")

    image = Image.open(drawing.out).convert("RGB")
    width, height = image.size
    page_width, page_height = drawing.page_size
    assert abs(width / height - page_width / page_height) < 0.01
    x0, top, x1, bottom = drawing.to_pixels(cell.bbox)
    region = image.crop((x0, top, x1 + 1, bottom + 1))
    assert CELL[:3] in {colour for _, colour in region.getcolors(maxcolors=1 << 20)}
    assert drawing.cells > 0 and drawing.tasks > 0


def test_inspect_marks_a_skipped_table(tmp_path: Path):
    result = CliRunner().invoke(
        app,
        [
            "inspect",
            str(fixture("ht-stp-694-baocao-q1-2026.pdf")),
            "--page",
            "1",
            "--out",
            str(tmp_path / "p1.png"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p1.png").is_file()
    assert "table 0 skipped: no task column" in result.output


def test_inspect_asks_for_a_pdf_for_a_word_file(tmp_path: Path):
    result = CliRunner().invoke(
        app, ["inspect", str(fixture("qt-ubnd-kehoach-66-2025.docx")), "--out", str(tmp_path / "p.png")]
    )
    assert result.exit_code == 2
    assert "PDF" in result.output and not (tmp_path / "p.png").exists()


def test_a_pdf_keeps_where_each_paragraph_and_cell_sits_on_its_page():
    document = extract_document(fixture("ht-stp-694-baocao-q1-2026.pdf"))
    boxes = [p.bbox for p in document.paragraphs]
    boxes += [c.bbox for t in document.tables if not t.layout for r in t.rows for c in r.cells]
    assert boxes and all(b is not None for b in boxes)
    assert all(0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 842 for x0, top, x1, bottom in boxes)


def test_a_word_file_has_no_page_geometry():
    document = extract_document(fixture("ht-stp-694-baocao-q1-2026.docx"))
    assert all(p.bbox is None for p in document.paragraphs)


def test_a_borderless_table_gets_cell_boxes_from_its_column_gaps():
    (table,) = [
        t for t in extract_document(fixture("variants/borderless-kehoach-2026.pdf")).tables if not t.layout
    ]
    boxes = [c.bbox for r in table.rows for c in r.cells]
    assert all(b is not None for b in boxes)
    first_row = [c.bbox for c in table.rows[0].cells]
    assert all(a[2] <= b[0] for a, b in zip(first_row, first_row[1:], strict=False))  # left to right
