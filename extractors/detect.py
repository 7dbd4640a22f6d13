"""Tell a file's real format from its first bytes, so a mislabelled file is read by the right backend."""

from __future__ import annotations

import zipfile
from pathlib import Path

from extractors.ole import OLE_MAGIC, classify_ole
from extractors.safety import check_docx, check_pdf
from pipeline.base import ExtractionError

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# Magic numbers of the image formats scanners and phones write.
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")
_HTML_STARTS = (b"<!doctype html", b"<html")


def _is_html(head: bytes) -> bool:
    """A web page, as Word writes one when a document is saved as HTML (often still named .doc)."""
    text = head.lstrip(b"\xef\xbb\xbf\r\n\t ").lower()
    return text.startswith(_HTML_STARTS) or (text.startswith(b"<") and b"<html" in text)


def _head(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """The first bytes of a zip member, never more: the zip-bomb checks have not run yet."""
    if name not in zf.namelist():
        return b""
    with zf.open(name) as member:
        return member.read(limit)


def _zip_format(path: Path, guards: bool = True) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            mimetype = _head(zf, "mimetype", 256).strip()
            manifest = _head(zf, "META-INF/manifest.xml", 1 << 20)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as err:
        raise ExtractionError("damaged Word file (the zip container is truncated or corrupt)") from err
    if "word/document.xml" in names:
        if guards:
            check_docx(path)  # zip bomb and DTD/entity guards, before any parser opens it
        return "docx"
    if mimetype == ODT_MIMETYPE:
        if b"encryption-data" in manifest:  # before the XML guard: encrypted parts are not XML
            raise ExtractionError(
                "password-protected OpenDocument file: remove the password and save it again"
            )
        if guards:
            check_docx(path)  # the same zip and XML guards hold for OpenDocument
        return "odt"
    if mimetype.startswith(b"application/vnd.oasis.opendocument."):
        raise ExtractionError("an OpenDocument spreadsheet or presentation, not a text document")
    raise ExtractionError("a zip archive, but not a Word .docx or OpenDocument .odt document")


def detect_format(path: Path, guards: bool = True) -> str:
    """Return "docx", "pdf", "doc", "rtf", "odt", "html" or "image"; raise `ExtractionError` otherwise.

    `guards=False` only sorts by content (what planning a batch needs, a fraction of a millisecond):
    the zip-bomb, XML and PDF checks then run where the file is read, before any parser opens it.
    """
    with path.open("rb") as f:
        head = f.read(2048)
    if not head:
        raise ExtractionError("empty file (0 bytes)")
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        if guards:
            check_pdf(path)
        return "pdf"
    if head.startswith(b"PK"):
        return _zip_format(path, guards)
    if head.startswith(OLE_MAGIC):
        return classify_ole(path)
    if head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(IMAGE_MAGIC):
        return "image"
    if _is_html(head):
        return "html"
    raise ExtractionError(
        "not a PDF or Word document, nor RTF, OpenDocument or an image (unrecognized content)"
    )
