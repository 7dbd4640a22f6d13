"""`nhiemvu track`, `compare`, `report` on a store, and the nightly flow refreshing the tracking tables."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows.cli import app
from tests.tracking_helpers import PAIRS, RESOLUTION_66, build_store

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.mktemp("cli") / "nhiemvu.duckdb", [*PAIRS, *RESOLUTION_66[1:3]])


def test_track_prints_progress_and_writes_xlsx_and_parquet(db, tmp_path):
    done = runner.invoke(app, ["track", "--db", str(db), "--as-of", "2026-01-20", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert "444/KH-UBND" in done.output and "Overdue tasks" in done.output
    progress = pd.read_parquet(tmp_path / "progress.parquet")
    assert set(progress["plan_number"].dropna()) == {"444/KH-UBND", "445/KH-UBND"}
    book = load_workbook(tmp_path / "progress.xlsx")
    assert "444-KH-UBND" in book.sheetnames and "445-KH-UBND" in book.sheetnames
    sheet = book["444-KH-UBND"]
    header = [c.value for c in sheet[1]]
    overdue_col = header.index("overdue")
    red = [row for row in sheet.iter_rows(min_row=2) if row[0].fill.fgColor.rgb.endswith("F8D7DA")]
    assert len(red) == 4 and all(row[overdue_col].value for row in red)


def test_track_one_plan_by_its_number(db, tmp_path):
    done = runner.invoke(
        app, ["track", "--db", str(db), "--plan", "444", "--as-of", "2026-01-20", "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert set(pd.read_parquet(tmp_path / "progress.parquet")["plan_number"]) == {"444/KH-UBND"}
    missing = runner.invoke(app, ["track", "--db", str(db), "--plan", "999/KH-UBND", "--out", str(tmp_path)])
    assert missing.exit_code == 1


def test_compare_writes_the_family_by_province_matrix(db, tmp_path):
    done = runner.invoke(
        app, ["compare", "--db", str(db), "--resolution", "66-NQ/TW", "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    matrix = pd.read_csv(tmp_path / "compare-66-NQ-TW.csv", encoding="utf-8-sig").fillna("")
    assert {"Hà Tĩnh", "Quảng Trị", "Thanh Hóa"} <= set(matrix.columns)
    assert (matrix["provinces"] >= 2).all() and len(matrix) >= 20
    assert (tmp_path / "compare-66-NQ-TW.xlsx").is_file()


def test_report_writes_one_html_page(db, tmp_path):
    target = tmp_path / "report.html"
    done = runner.invoke(app, ["report", "--db", str(db), "--as-of", "2026-01-20", "--out", str(target)])
    assert done.exit_code == 0, done.output
    assert 'id="overdue-table"' in target.read_text(encoding="utf-8")


@pytest.mark.usefixtures("prefect_harness")
def test_the_ingest_flow_refreshes_links_progress_and_families(tmp_path):
    from flows.ingest import ingest

    src = tmp_path / "raw"
    src.mkdir()
    for path in [*PAIRS, *RESOLUTION_66[1:3]]:
        shutil.copy(path, src / path.name)
    ingest(str(src), str(tmp_path / "out"), processes=False)
    con = duckdb.connect(str(tmp_path / "out" / "nhiemvu.duckdb"), read_only=True)
    counts = dict(
        con.execute(
            "SELECT method, count(*) FROM task_links GROUP BY method UNION ALL "
            "SELECT 'progress', count(*) FROM plan_progress UNION ALL "
            "SELECT 'families', count(DISTINCT family_id) FROM task_families WHERE family_provinces >= 2"
        ).fetchall()
    )
    con.close()
    assert counts["matched"] == 22 + 1 and counts["new"] == 2 and "unlinked" not in counts
    assert counts["progress"] >= 42 + 2 and counts["families"] >= 20


def test_track_says_which_reports_wait_for_their_plan(tmp_path):
    db = build_store(tmp_path / "nhiemvu.duckdb", [PAIRS[1], PAIRS[2]])  # report 35 without plan 444
    done = runner.invoke(app, ["track", "--db", str(db), "--as-of", "2026-01-20", "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert "not in the store" in " ".join(done.output.split())
