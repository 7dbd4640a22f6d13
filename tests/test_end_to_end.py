"""The CLI on the corpus DOCX files, scored against gold with the acceptance thresholds."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).parent.parent
SCORER = Path(__file__).parent / "vendor" / "score.py"


@pytest.fixture(scope="module")
def docx_export(tmp_path_factory, fixtures_dir) -> Path:
    out = tmp_path_factory.mktemp("out")
    files = sorted(str(p) for p in fixtures_dir.glob("*.docx"))
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", *files, "--out", str(out)], check=True, cwd=ROOT
    )
    return out


def score(export: Path, gold_dir: Path, fmt: str) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold_dir), "--pred", str(export / "tasks.jsonl"),
         "--formats", fmt, "--min-f1", "0.95", "--min-lead", "0.90", "--min-deadline", "0.90"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.returncode, result.stdout.strip().splitlines()[-1]


def test_docx_corpus_meets_the_acceptance_thresholds(docx_export, gold_dir):
    code, summary = score(docx_export, gold_dir, "docx")
    assert code == 0, summary
    meta = float(re.search(r"meta ([\d.]+)", summary).group(1))
    assert meta >= 0.9, summary


def test_every_export_format_is_written_and_readable(docx_export, fixtures_dir):
    tasks = [
        json.loads(line) for line in (docx_export / "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(tasks) > 200
    parquet = pd.read_parquet(docx_export / "tasks.parquet")
    assert len(parquet) == len(tasks)
    csv_bytes = (docx_export / "tasks.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the diacritics
    assert "Ủy ban nhân dân" in csv_bytes.decode("utf-8-sig")
    xlsx = pd.read_excel(docx_export / "tasks.xlsx")
    assert len(xlsx) == len(tasks)
    documents = (docx_export / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(documents) == len(list(fixtures_dir.glob("*.docx")))


def test_task_ids_are_stable_across_runs(docx_export, tmp_path, fixtures_dir):
    name = "tn-btv-chithi-2026.docx"
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", str(fixtures_dir / name), "--out", str(tmp_path)],
        check=True,
        cwd=ROOT,
    )
    again = [json.loads(x)["task_id"] for x in (tmp_path / "tasks.jsonl").read_text().splitlines()]
    first = [
        json.loads(x)["task_id"]
        for x in (docx_export / "tasks.jsonl").read_text().splitlines()
        if json.loads(x)["source_file"] == name
    ]
    assert again == first and len(set(again)) == len(again)


def test_a_bad_file_is_reported_and_the_others_still_processed(tmp_path, fixtures_dir):
    bad = tmp_path / "hỏng.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    empty = tmp_path / "rỗng.pdf"
    empty.write_bytes(b"")
    good = fixtures_dir / "tn-btv-chithi-2026.docx"
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", str(bad), str(empty), str(good), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1  # some files failed
    assert "hỏng.docx" in result.stderr and "damaged Word file" in result.stderr
    assert "rỗng.pdf" in result.stderr and "empty file" in result.stderr
    documents = [json.loads(x) for x in (tmp_path / "o" / "documents.jsonl").read_text().splitlines()]
    assert [d["status"] for d in documents] == ["failed", "failed", "ok"]
    assert documents[2]["task_count"] == 14
