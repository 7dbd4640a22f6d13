"""Imported by the readers' fork server: one small document read there, once, warms every reader.

A reader's first file costs about a second more than the next ones: spaCy and the extractors are
imported, the knowledge files parsed, the rules' regular expressions compiled. The fork server
(`flows.readers`) imports this module before it forks any reader, so that cost is paid once per run,
while the flow process starts Prefect, and each reader forked from it starts warm. The server runs
with this run's settings (they travel in the environment), and a failure here only means readers
start cold: nothing is raised.
"""

from __future__ import annotations

import tempfile
from pathlib import Path


def _sample_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("I. NHIỆM VỤ")
    document.add_paragraph("1. Sở Nội vụ chủ trì rà soát thủ tục hành chính, xong trước ngày 15/8/2026.")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian thực hiện"], strict=True
    ):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "Báo cáo kết quả", "UBND các xã", "Quý I"], strict=True):
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


WARM = warm_up()
