"""The analysts' review round trip: export the rows to check to Excel, correct them, import, re-ingest.

Real documents, the real pipeline and store, the sheet edited with openpyxl as Excel would save it.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.corrections import CONFIRM, EDIT, REJECT, RESTORE, Correction, apply_corrections
from pipeline.review import SheetRow, read_review_sheet, write_review_sheet
from pipeline.run import FileResult, process_file
from pipeline.store import Store
from pipeline.tasks import task_id
from tests.conftest import fixture

DOCX = fixture("bn-kinhbac-412-congvan-hkd-2026.docx")
PDF = fixture("bn-ubnd-09-chithi-tthc-2026.pdf")
CONTRACT = ["task_id", "text", "lead", "support", "timeframe_raw", "deadline_kind", "status", "page"]


@pytest.fixture(scope="module")
def read() -> dict[str, FileResult]:
    return {p.name: process_file(p) for p in (DOCX, PDF)}


def store_of(tmp_path: Path, read: dict[str, FileResult]) -> Path:
    """A store holding the two documents, as `nhiemvu ingest` leaves it."""
    db = tmp_path / "out" / "nhiemvu.duckdb"
    with Store(db) as store:
        for path in (DOCX, PDF):
            store.save(read[path.name], path)
    return db


def cli(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


class Sheet:
    """The review sheet opened as an analyst's Excel would: cells found by column name and task."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.book = openpyxl.load_workbook(path)
        self.ws = self.book["review"]
        self.header = [c.value for c in self.ws[1]]

    def rows(self) -> list[dict[str, object]]:
        return [
            dict(zip(self.header, r, strict=True)) for r in self.ws.iter_rows(min_row=2, values_only=True)
        ]

    def row_of(self, task: str) -> int:
        column = [c.value for c in self.ws["A"]]
        return column.index(task) + 1

    def set(self, task: str, column: str, value: object) -> None:
        self.ws.cell(row=self.row_of(task), column=self.header.index(column) + 1, value=value)

    def add(self, **values: object) -> None:
        row = self.ws.max_row + 1
        for column, value in values.items():
            self.ws.cell(row=row, column=self.header.index(column) + 1, value=value)

    def save(self) -> Path:
        self.book.save(self.path)
        return self.path


# -- the sheet ------------------------------------------------------------------------------------------


def test_the_review_sheet_holds_the_rows_that_need_review_with_drop_downs(
    tmp_path: Path, read: dict[str, FileResult]
) -> None:
    db = store_of(tmp_path, read)
    output = cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx")
    need = [t for r in read.values() for t in r.tasks if t.needs_review]
    assert f"{len(need)} rows that need review" in output

    book = openpyxl.load_workbook(tmp_path / "review.xlsx")
    assert book.sheetnames[0] == "review" and book["written"].sheet_state == "hidden"
    ws = book["review"]
    header = [c.value for c in ws[1]]
    assert set(CONTRACT) <= set(header) and {"verdict", "review_reasons", "source_file"} <= set(header)
    assert ws.freeze_panes == "B2"
    rows = Sheet(tmp_path / "review.xlsx").rows()
    assert sorted(r["task_id"] for r in rows) == sorted(t.task_id for t in need)
    first = next(r for r in rows if r["task_id"] == need[0].task_id)
    assert (first["lead"] or "") == "; ".join(need[0].lead)
    assert first["review_reasons"] == "; ".join(need[0].review_reasons)
    # drop-downs: a column letter → the values offered
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in ws.data_validations.dataValidation
    }
    column = {name: openpyxl.utils.get_column_letter(i + 1) for i, name in enumerate(header)}
    assert "not a task" in lists[column["verdict"]]
    assert "completed_on_time" in lists[column["status"]] and "in_progress_late" in lists[column["status"]]
    assert "quarter" in lists[column["deadline_kind"]] and "recurring" in lists[column["deadline_kind"]]

    output = cli("review", "export", "--db", db, "--out", tmp_path / "all.xlsx", "--all")
    assert len(Sheet(tmp_path / "all.xlsx").rows()) == sum(len(r.tasks) for r in read.values())


def test_an_untouched_sheet_imports_nothing(tmp_path: Path, read: dict[str, FileResult]) -> None:
    """Only cells the analyst changed become corrections: lists, dates, numbers and escaped text
    (`'- Sở …`, written so that Excel cannot run it) read back as they were written."""
    db = store_of(tmp_path, read)
    cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx", "--all")
    Sheet(tmp_path / "review.xlsx").save()  # opened and saved again, nothing changed
    output = cli("review", "import", tmp_path / "review.xlsx", "--db", db, "--no-export")
    assert "0 corrections stored (nothing new)" in output
    with Store(db, read_only=True) as store:
        assert store.corrections() == []


# -- the round trip -------------------------------------------------------------------------------------


@pytest.mark.usefixtures("prefect_harness")
def test_review_round_trip_survives_a_re_extraction(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for path in (DOCX, PDF):
        shutil.copy(path, src / path.name)
    cli("ingest", src, "--out", out)
    db = out / "nhiemvu.duckdb"
    cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx", "--all")

    sheet = Sheet(tmp_path / "review.xlsx")
    rows = sheet.rows()
    docx_rows = [r for r in rows if r["source_file"] == DOCX.name]
    pdf_rows = [r for r in rows if r["source_file"] == PDF.name]
    lead_row, status_row, deadline_row = docx_rows[0], docx_rows[1], docx_rows[2]
    dropped = pdf_rows[0]
    sheet.set(lead_row["task_id"], "lead", "Sở Tư pháp")
    sheet.set(status_row["task_id"], "status", "completed_late")
    sheet.set(deadline_row["task_id"], "timeframe_raw", "Tháng 9/2026")
    sheet.set(dropped["task_id"], "verdict", "not a task")
    missed = "Tổng hợp, báo cáo kết quả thực hiện về Ủy ban nhân dân phường trước ngày 15/12/2026"
    sheet.add(source_file=DOCX.name, text=missed, lead="Phòng Kinh tế, Hạ tầng và Đô thị", page=2)
    sheet.save()

    output = cli("review", "import", tmp_path / "review.xlsx", "--db", db, "--who", "chuyên viên A")
    assert "5 corrections stored (1 add, 3 edit, 1 reject)" in output
    # the same sheet imported twice stores nothing twice
    assert "0 corrections stored" in cli("review", "import", tmp_path / "review.xlsx", "--db", db)

    # a real re-extraction of both files (same bytes, read again): the corrections apply to the new reading
    output = cli("ingest", src, "--out", out, "--reread")
    assert "2 read again" in output

    tasks = pd.read_parquet(out / "tasks.parquet").set_index("task_id")
    assert list(tasks.loc[lead_row["task_id"], "lead"]) == ["Sở Tư pháp"]
    assert list(tasks.loc[lead_row["task_id"], "corrected_fields"]) == ["lead"]
    assert tasks.loc[status_row["task_id"], "status"] == "completed_late"
    corrected = tasks.loc[deadline_row["task_id"]]
    assert deadline_row["deadline_kind"] == "quarter"  # as extracted
    assert corrected["timeframe_raw"] == "Tháng 9/2026" and corrected["deadline_kind"] == "month"
    assert str(corrected["deadline_start"]) == "2026-09-01" and str(corrected["deadline_end"]) == "2026-09-30"
    assert "deadline_kind" in list(corrected["corrected_fields"]) and not corrected["needs_review"]
    assert dropped["task_id"] not in tasks.index
    doc_id = read_doc_id(db, DOCX.name)
    added = tasks.loc[task_id(doc_id, [], None, missed)]
    assert added["provenance"] == "added by review" and added["source_file"] == DOCX.name
    assert list(added["lead"]) == ["Phòng Kinh tế, Hạ tầng và Đô thị"] and added["page"] == 2
    assert added["deadline_kind"] == "date" and str(added["deadline_end"]) == "2026-12-15"
    untouched = tasks.loc[docx_rows[3]["task_id"]]
    assert list(untouched["corrected_fields"]) == [] and untouched["provenance"] == "extracted"
    jsonl = [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert next(t for t in jsonl if t["task_id"] == status_row["task_id"])["status"] == "completed_late"

    # the machine's reading is kept: in the store, and beside the reviewed tasks in the read copy
    with Store(db, read_only=True) as store:
        extracted = {t.task_id: t for t in store.tasks()}
        (edit,) = [c for c in store.corrections() if c.field == "lead"]
    assert extracted[lead_row["task_id"]].lead == lead_row["lead"].split("; ")
    assert dropped["task_id"] in extracted
    assert edit.who == "chuyên viên A" and edit.old_value == lead_row["lead"].split("; ")
    assert edit.new_value == ["Sở Tư pháp"] and edit.corrected_at.endswith("+00:00")
    with duckdb.connect(str(out / "nhiemvu.read.duckdb"), read_only=True) as copy:
        sql = "SELECT lead FROM {} WHERE task_id = ?"
        assert copy.execute(sql.format("tasks"), [lead_row["task_id"]]).fetchone() == (["Sở Tư pháp"],)
        assert copy.execute(sql.format("tasks_extracted"), [lead_row["task_id"]]).fetchone()[0] != [
            "Sở Tư pháp"
        ]


def read_doc_id(db: Path, name: str) -> str:
    with Store(db, read_only=True) as store:
        return next(d.doc_id for d in store.documents() if d.source_file == name)


@pytest.mark.usefixtures("prefect_harness")
def test_a_correction_whose_task_is_gone_is_reported_and_kept(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    shutil.copy(DOCX, src / DOCX.name)
    cli("ingest", src, "--out", out)
    db = out / "nhiemvu.duckdb"
    cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx")
    sheet = Sheet(tmp_path / "review.xlsx")
    first = sheet.rows()[0]["task_id"]
    sheet.set(first, "status", "not_started")
    sheet.save()
    cli("review", "import", tmp_path / "review.xlsx", "--db", db)

    with zipfile.ZipFile(src / DOCX.name, "a") as zf:  # saved again: other bytes, so another doc_id
        zf.comment = b"saved again"
    output = cli("ingest", src, "--out", out)
    assert "1 corrections no longer find their task" in output and first in output

    with Store(db, read_only=True) as store:
        (kept,) = store.corrections()
    assert kept.orphaned and kept.new_value == "not_started"
    report = json.loads((out / "run_report.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert first in report["corrections_orphaned"][0] and first in manifest["corrections"]["orphaned"][0]
    assert first in CliRunner().invoke(app, ["export", "--db", str(db), "--format", "jsonl"]).output


# -- what is refused ------------------------------------------------------------------------------------


def test_an_unknown_status_is_refused_with_the_row_and_the_allowed_values(
    tmp_path: Path, read: dict[str, FileResult]
) -> None:
    db = store_of(tmp_path, read)
    cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx")
    sheet = Sheet(tmp_path / "review.xlsx")
    task = sheet.rows()[0]["task_id"]
    sheet.set(task, "status", "done")
    sheet.set(sheet.rows()[1]["task_id"], "lead", "Sở Tư pháp")  # a good cell is not stored either
    sheet.save()

    result = CliRunner().invoke(app, ["review", "import", str(sheet.path), "--db", str(db)])
    assert result.exit_code == 2
    row = sheet.row_of(task)
    assert f"row {row} (task {task}): status 'done' is not one of: completed_on_time" in result.output
    assert "nothing stored" in result.output
    with Store(db, read_only=True) as store:
        assert store.corrections() == []


def test_a_dated_deadline_needs_its_end_and_a_new_task_its_document(
    tmp_path: Path, read: dict[str, FileResult]
) -> None:
    db = store_of(tmp_path, read)
    cli("review", "export", "--db", db, "--out", tmp_path / "review.xlsx")
    sheet = Sheet(tmp_path / "review.xlsx")
    task = sheet.rows()[0]["task_id"]
    sheet.set(task, "deadline_kind", "month")
    sheet.set(task, "deadline_end", None)
    sheet.add(source_file="no-such-file.docx", text="Một nhiệm vụ bị bỏ sót")
    sheet.save()

    result = CliRunner().invoke(app, ["review", "import", str(sheet.path), "--db", str(db)])
    assert result.exit_code == 2
    assert "deadline_kind 'month' needs a deadline_end" in result.output
    assert "source_file 'no-such-file.docx' is not a stored document" in result.output


def test_the_same_file_gives_the_same_task_ids_so_corrections_find_their_task() -> None:
    assert [t.task_id for t in process_file(PDF).tasks] == [t.task_id for t in process_file(PDF).tasks]


def test_text_that_looks_like_a_formula_is_escaped_and_reads_back_as_it_was(
    tmp_path: Path, read: dict[str, FileResult]
) -> None:
    hostile = replace(read[DOCX.name].tasks[0], text='=HYPERLINK("http://x", "bấm")', lead_raw="- Sở Tư pháp")
    write_review_sheet([SheetRow(hostile)], tmp_path / "review.xlsx")
    (row,) = Sheet(tmp_path / "review.xlsx").rows()
    assert row["text"] == "'" + hostile.text and row["lead_raw"] == "'- Sở Tư pháp"  # Excel shows text
    changes = read_review_sheet(tmp_path / "review.xlsx", {}, who="a", when="2026-01-01T00:00:00+00:00")
    assert changes.corrections == [] and changes.errors == []


def test_not_a_task_can_be_taken_back_and_ok_clears_the_review_flag(read: dict[str, FileResult]) -> None:
    result = read[DOCX.name]
    first, flagged = result.tasks[0], next(t for t in result.tasks if t.needs_review)
    corrections = [
        Correction(first.task_id, REJECT, seq=1),
        Correction(first.task_id, RESTORE, seq=2),
        Correction(flagged.task_id, CONFIRM, seq=3),
        Correction("0" * 16, EDIT, field="status", new_value="not_due", seq=4),  # a task no longer there
    ]
    applied = apply_corrections(result.tasks, corrections, {result.record.doc_id: result.record})
    reviewed = {t.task_id: t for t in applied.tasks}
    assert first.task_id in reviewed and not reviewed[flagged.task_id].needs_review
    assert [c.task_id for c in applied.orphaned] == ["0" * 16]
    again = apply_corrections(result.tasks, corrections[:1], {result.record.doc_id: result.record})
    assert first.task_id not in {t.task_id for t in again.tasks}
    assert result.tasks[0].needs_review == first.needs_review  # the extracted tasks are not changed


def test_a_store_made_before_review_gets_its_reviewed_tasks_on_first_write(
    tmp_path: Path, read: dict[str, FileResult]
) -> None:
    db = store_of(tmp_path, read)
    with duckdb.connect(str(db)) as con:  # as an older nhiemvu left it
        con.execute("DROP TABLE tasks_reviewed")
        con.execute("DROP TABLE corrections")
    with Store(db) as store:
        assert [t.task_id for t in store.reviewed_tasks()] == [t.task_id for t in store.tasks()] != []
