"""A DuckDB store filled straight from `process_file` (no Prefect), for the tracking tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from pipeline.run import FileResult, process_file
from pipeline.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
TRACKING = FIXTURES / "tracking"
PLAN_444 = TRACKING / "ht-ubnd-444-kehoach-66-2025.docx"
REPORT_35 = TRACKING / "ht-ubnd-35-baocao-444-2026.docx"
PLAN_445 = TRACKING / "ht-ubnd-445-kehoach-phapche-2025.docx"
REPORT_40 = TRACKING / "ht-ubnd-40-baocao-445-2026.docx"
PAIRS = [PLAN_444, REPORT_35, PLAN_445, REPORT_40]
RESOLUTION_66 = [
    FIXTURES / f"{name}.docx"
    for name in (
        "ht-tu-congvan-66-2025",
        "qt-ubnd-kehoach-66-2025",
        "th-thieutrung-kehoach-66-2026",
        "tn-btv-chithi-2026",
    )
]
REPORT_694 = FIXTURES / "ht-stp-694-baocao-q1-2026.docx"


@cache
def result(path: Path) -> FileResult:
    """Each fixture is read once per test session."""
    return process_file(path)


def build_store(db: Path, files: list[Path]) -> Path:
    with Store(db) as store:
        for path in files:
            store.save(result(path), source_path=path)
    return db


def expected_links() -> list[dict]:
    """For each row of report 35, in order, the plan 444 task it reports on ("B/II/4"), or None."""
    return json.loads((TRACKING / "expected.json").read_text(encoding="utf-8"))


def key(task: dict) -> str:
    return "/".join([*task["section_path"], task["number"] or ""])
