"""One file in, one `FileResult` out: the whole pipeline for a single document, no Prefect needed.

The CLI's `extract` and the Prefect flow both call `process_file`; it never raises for a bad file:
the failure becomes a `documents` row with `status="failed"` and a message a person understands.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.base import ExtractionError, file_sha256, now_iso
from pipeline.model import Document, DocumentRecord, Task


@dataclass
class FileResult:
    record: DocumentRecord
    tasks: list[Task] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.record.status == "ok"


def extract_document(path: Path, sha256: str | None = None) -> Document:
    """Pick the backend by the file's content (not its extension) and read it into a `Document`."""
    from extractors.detect import detect_format

    sha256 = sha256 or file_sha256(path)
    fmt = detect_format(path)
    if fmt == "docx":
        from extractors.docx import extract as extract_docx

        return extract_docx(path, sha256=sha256)
    if fmt == "pdf":
        from extractors.pdf import extract as extract_pdf

        return extract_pdf(path, sha256=sha256)
    if fmt in ("doc", "rtf", "odt", "html"):
        from extractors.legacy import extract as extract_legacy

        return extract_legacy(path, fmt, sha256=sha256)
    if fmt == "image":
        from extractors.image import extract as extract_image

        return extract_image(path, sha256=sha256)
    raise ExtractionError(f"unsupported file type ({fmt})")


def process_file(path: Path | str) -> FileResult:
    """Extract, find tasks, normalize. A file that cannot be read gives a failed record, never an exception."""
    from pipeline.tasks import document_to_tasks

    path = Path(path)
    sha256 = file_sha256(path) if path.is_file() else ""
    record = DocumentRecord(
        doc_id=sha256[:16], source_file=path.name, source_format=None, sha256=sha256, ingested_at=now_iso()
    )
    try:
        if not path.is_file():
            raise ExtractionError("file not found")
        document = extract_document(path, sha256=sha256)
        meta, tasks = document_to_tasks(document)
    except ExtractionError as err:
        record.status, record.error = "failed", str(err)
        return FileResult(record)
    except Exception as err:  # a parser bug must not stop the batch; say what happened
        record.status, record.error = "failed", f"could not read the file: {type(err).__name__}: {err}"
        return FileResult(record)
    record.source_format = document.source.source_format
    record.pages = document.source.pages
    for name in ("province", "issuer", "doc_type", "doc_number", "doc_date", "title"):
        setattr(record, name, getattr(meta, name))
    for name in ("refers_to", "cites", "new_task_rows"):  # tracking
        setattr(record, name, getattr(meta, name))
    record.task_count = len(tasks)
    return FileResult(record, tasks)
