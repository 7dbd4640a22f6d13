"""Real files that real offices sent (drafts, signed scans, a legacy Word 97 .doc, a ministry's letter),
each in the one format it came in, scored against their gold with issue 8's acceptance figures.

These documents were written by nobody here; they are the plainest test of whether the pipeline reads
what offices send. The gold's judgement calls are in the corpus's `*.gold-notes.md`.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
REAL = Path(__file__).parent / "fixtures" / "real"
SCORER = Path(__file__).parent / "vendor" / "score.py"
THRESHOLDS = {"F1": 0.95, "lead": 0.90, "deadline": 0.90, "section": 0.90}


@pytest.fixture(scope="module")
def real_export(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real")
    files = sorted(str(p) for p in REAL.iterdir() if p.suffix in (".docx", ".pdf", ".doc"))
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", *files, "--out", str(out), "--workers", "2"],
        cwd=ROOT,
        capture_output=True,
        check=False,  # exit 1 would mean a file failed: the next test says which
    )
    return out


def test_every_real_file_is_read(real_export):
    documents = [json.loads(x) for x in (real_export / "documents.jsonl").read_text().splitlines()]
    assert len(documents) == 6
    assert {d["source_file"]: d["status"] for d in documents if d["status"] != "ok"} == {}
    formats = {d["source_file"].rsplit(".", 1)[1]: d["source_format"] for d in documents}
    assert formats["doc"] == "doc"


def test_real_documents_meet_the_acceptance_figures(real_export):
    result = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(REAL), "--pred", str(real_export / "tasks.jsonl"),
         "--formats", "docx,pdf,doc"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1]
    figures = {k: float(re.search(rf"{k} ([\d.]+)", summary).group(1)) for k in THRESHOLDS}
    assert {k: v for k, v in figures.items() if v < THRESHOLDS[k]} == {}, summary
