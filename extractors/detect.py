"""Tell a file's real format from its first bytes, so a mislabelled file is read by the right backend."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.safety import check_docx, check_pdf
from pipeline.run import ExtractionError


def detect_format(path: Path) -> str:
    """Return "docx" or "pdf"; raise `ExtractionError` with a plain message for anything else."""
    with path.open("rb") as f:
        head = f.read(2048)
    if not head:
        raise ExtractionError("empty file (0 bytes)")
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        check_pdf(path)
        return "pdf"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as err:
            raise ExtractionError("damaged Word file (the zip container is truncated or corrupt)") from err
        if "word/document.xml" in names:
            check_docx(path)  # zip bomb and DTD/entity guards, before any parser opens it
            return "docx"
        raise ExtractionError("a zip archive, but not a Word .docx document")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ExtractionError("old Word .doc or encrypted Office file: save it as .docx and try again")
    raise ExtractionError("not a PDF or Word document (unrecognized content)")
