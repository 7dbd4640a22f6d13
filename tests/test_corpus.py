"""The whole dev corpus in all three forms, scored against gold, and the three twins compared.

Every document exists as the office's DOCX, the PDF printed from it and a scan of that print. The same
document must give the same tasks whatever its form: the DOCX and PDF twins field by field, the scan
with its text within OCR tolerance. This is the guard that keeps rules general: a rule fitted to one
form's quirks breaks the agreement.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from rapidfuzz import fuzz

ROOT = Path(__file__).parent.parent
SCORER = Path(__file__).parent / "vendor" / "score.py"
FIELDS = [
    "section_path", "number", "lead", "support", "deadline_kind", "deadline_start", "deadline_end",
    "recurrence", "status",
]  # fmt: skip
TEXT_MATCH = 90.0  # the scorer's own pairing threshold
THRESHOLDS = {  # issue 9's acceptance figures
    "docx": {"f1": 0.98, "lead": 0.97, "deadline": 0.97, "section": 0.97},
    "pdf": {"f1": 0.98, "lead": 0.97, "deadline": 0.97, "section": 0.97},
    "scan": {"f1": 0.95, "lead": 0.93, "deadline": 0.93},
}


@pytest.fixture(scope="module")
def corpus_export(tmp_path_factory, fixtures_dir) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    with_gold = {g.name.removesuffix(".gold.json") for g in (fixtures_dir / "gold").glob("*.gold.json")}
    files = sorted(
        str(p)
        for p in fixtures_dir.glob("*")
        if p.suffix in (".docx", ".pdf") and p.name.removesuffix(".scan.pdf").rsplit(".", 1)[0] in with_gold
    )
    subprocess.run(
        [sys.executable, "-m", "flows.cli", "extract", *files, "--out", str(out), "--workers", "2"],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    return out


def summary_line(export: Path, gold_dir: Path, fmt: str) -> str:
    result = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold_dir), "--pred", str(export / "tasks.jsonl"),
         "--formats", fmt],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


def figure(summary: str, name: str) -> float:
    key = "F1" if name == "f1" else name
    return float(re.search(rf"{key} ([\d.]+)", summary).group(1))


@pytest.mark.parametrize("fmt", ["docx", "pdf", "scan"])
def test_every_form_of_the_corpus_meets_the_thresholds(corpus_export, gold_dir, fmt):
    summary = summary_line(corpus_export, gold_dir, fmt)
    missed = {k: v for k, v in THRESHOLDS[fmt].items() if figure(summary, k) < v}
    assert not missed, f"below {missed}: {summary}"


def tasks_by_document(export: Path) -> dict[tuple[str, str], list[dict]]:
    """(document id, form) → its tasks."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for line in (export / "tasks.jsonl").read_text(encoding="utf-8").splitlines():
        task = json.loads(line)
        name = task["source_file"]
        form = "scan" if name.endswith(".scan.pdf") else Path(name).suffix[1:]
        found[(name.removesuffix(".scan.pdf").rsplit(".", 1)[0], form)].append(task)
    return found


def disagreements(reference: list[dict], other: list[dict]) -> list[str]:
    """Tasks of one twin that the other lacks or reads differently (paired by text, best first)."""
    problems: list[str] = []
    unpaired = list(other)
    for task in reference:
        best = max(unpaired, key=lambda t: fuzz.ratio(t["text"], task["text"]), default=None)
        if best is None or fuzz.ratio(best["text"], task["text"]) < TEXT_MATCH:
            problems.append(f"missing: {task['text'][:60]!r}")
            continue
        unpaired.remove(best)
        problems += [
            f"{field}: {task[field]!r} ≠ {best[field]!r} in {task['text'][:40]!r}"
            for field in FIELDS
            if task[field] != best[field]
        ]
    problems += [f"extra: {t['text'][:60]!r}" for t in unpaired]
    return problems


def test_docx_and_pdf_twins_give_the_same_tasks_field_by_field(corpus_export):
    found = tasks_by_document(corpus_export)
    report = {
        doc_id: problems
        for (doc_id, form), tasks in found.items()
        if form == "docx" and (problems := disagreements(tasks, found[(doc_id, "pdf")]))
    }
    assert report == {}


def test_scans_give_the_tasks_of_their_pdf_twin(corpus_export):
    """Within OCR tolerance: nearly every task of the PDF is found in its scan with the same fields."""
    found = tasks_by_document(corpus_export)
    pdf_tasks = sum(len(tasks) for (_doc, form), tasks in found.items() if form == "pdf")
    report = {
        doc_id: problems
        for (doc_id, form), tasks in found.items()
        if form == "pdf" and (problems := disagreements(tasks, found[(doc_id, "scan")]))
    }
    differences = sum(len(p) for p in report.values())
    assert differences <= 0.05 * pdf_tasks, report
