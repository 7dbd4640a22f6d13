"""Imported by the readers' fork server: one small document read there, once, warms every reader.

A reader's first file costs about a second more than the next ones: spaCy and the extractors are
imported, the knowledge files parsed, the rules' regular expressions compiled. The fork server
(`flows.readers`) imports this module before it forks any reader, so that cost is paid once per run,
while the flow process starts Prefect, and each reader forked from it starts warm. The loaded heap is
then frozen (`gc.freeze`): readers neither scan it in every full collection nor copy its pages by
touching it, which took a seventh of their CPU on 400 small files. The server runs
with this run's settings (they travel in the environment), and a failure here only means readers
start cold: nothing is raised.
"""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

SAMPLE = Path(__file__).parent / "data" / "warm-up-plan.txt"  # paragraphs; "a | b" lines are table rows


def _sample_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    rows = [line.split(" | ") for line in lines if " | " in line]
    for line in lines:
        if " | " not in line:
            document.add_paragraph(line)
    table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
    for row, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, texts, strict=False):
            cell.text = text
    document.save(str(path))


def warm_up() -> bool:
    """Read a small plan the way a reader reads a file; whether it went through."""
    try:
        import extractors.ocr  # noqa: F401  (Tesseract and the raster code, for the scans)
        import extractors.pdf  # noqa: F401
        from pipeline.run import process_file

        with tempfile.TemporaryDirectory(prefix="nhiemvu-warmup-") as tmp:
            sample = Path(tmp) / "warm-up.docx"
            _sample_docx(sample)
            return process_file(sample).ok
    except Exception:  # a cold reader is slower, not wrong
        return False


def _freeze_heap() -> None:
    """Move everything loaded so far out of the garbage collector's sight: readers forked from here
    neither scan those objects in every full collection nor copy their pages by touching them."""
    gc.collect()
    gc.freeze()


WARM = warm_up()
_freeze_heap()
