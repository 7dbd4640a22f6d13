"""Refuse hostile or broken files before a parser touches them.

Documents arrive from many offices by e-mail and shared folders; one crafted file must not exhaust the
machine or make the XML parser fetch something. The checks read only the zip directory and the first
bytes of each part (DOCX), or the file's tail and trailer (PDF), so they cost little on good files.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from pipeline.base import ExtractionError

# A real provincial DOCX is a few MB unpacked; these limits leave two orders of magnitude of room.
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_RATIO = 200  # deflate's best case is ~1000:1; real XML parts stay far below 100:1
RATIO_MIN_BYTES = 8 * 1024 * 1024  # small parts may compress well without being a threat
MAX_ENTRIES = 10_000
PROLOG_BYTES = 64 * 1024  # read per step while looking for the root element
MAX_PROLOG_BYTES = 1024 * 1024  # comments and processing instructions before the root, at most


def check_zip_limits(zf: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by its declared sizes, before anything is decompressed.

    Python's zipfile never returns more than an entry's declared size, so the declared sizes bound what
    a later reader can be made to inflate.
    """
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ExtractionError(f"refused: the Word file holds {len(infos)} parts (a zip bomb?)")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise ExtractionError(
                f"refused: part {info.filename} would unpack to {info.file_size // 2**20} MB (a zip bomb?)"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_BYTES and ratio > MAX_RATIO:
            raise ExtractionError(
                f"refused: part {info.filename} is compressed {ratio:.0f}:1, far beyond a real document "
                "(a zip bomb?)"
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ExtractionError(f"refused: the Word file would unpack to {total // 2**20} MB (a zip bomb?)")


def _decode_prolog(head: bytes) -> str:
    """Decode an XML part's first bytes as its encoding says (UTF-16 hides ASCII markers from a byte scan)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-be" if head.startswith(b"\xfe\xff") or head[:1] == b"\x00" else "utf-16-le"
        return head.decode(encoding, errors="ignore")
    return head.decode("utf-8", errors="ignore")


def _looks_like_xml(name: str, head: bytes) -> bool:
    if name.lower().endswith((".xml", ".rels")):
        return True
    return _decode_prolog(head).lstrip("\ufeff \t\r\n").startswith("<")


def _declares_dtd(part: IO[bytes]) -> bool | None:
    """Parse the part up to its root element: True if it has a DOCTYPE, None if no root in MAX_PROLOG_BYTES.

    A real XML parser (lxml, entities never resolved, no network) reads the prolog, so a DOCTYPE hidden
    behind a comment, a processing instruction or another encoding is seen as the parser sees it. A
    DOCTYPE can only stand before the root element, so parsing stops at the root's start tag.
    """
    from lxml import etree

    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    read = 0
    while read < MAX_PROLOG_BYTES:
        chunk = part.read(PROLOG_BYTES)
        if not chunk:
            parser.close()  # raises on a part that ends before its root element
            return None
        read += len(chunk)
        parser.feed(chunk)
        for _event, element in parser.read_events():
            info = element.getroottree().docinfo
            return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None
    return None


def check_xml_parts(zf: zipfile.ZipFile) -> None:
    """Refuse a package whose XML declares a DTD or an entity (XXE, billion laughs).

    Office never writes a DOCTYPE, so any is a sign of tampering; python-docx does not resolve entities,
    but refusing the file keeps every other reader of it safe too. Every XML part is checked by a parser;
    one that is not well-formed XML is refused as damaged (Word never writes one).
    """
    from lxml import etree

    for info in zf.infolist():
        if info.is_dir() or info.filename.startswith("word/media/"):
            continue
        with zf.open(info) as part:
            head = part.read(64)
        if not _looks_like_xml(info.filename, head):
            continue  # not XML (an embedded image, font or binary)
        try:
            with zf.open(info) as part:
                declares = _declares_dtd(part)
        except etree.XMLSyntaxError as err:
            raise ExtractionError(
                f"refused: {info.filename} is not well-formed XML, which Word never writes "
                f"(a damaged or tampered file?): {err}"
            ) from err
        if declares:
            raise ExtractionError(
                f"refused: {info.filename} declares a DTD or external entity, which Word never writes "
                "(a tampered file?)"
            )
        if declares is None and info.file_size > MAX_PROLOG_BYTES:
            raise ExtractionError(f"refused: {info.filename} has no XML root element in its first 1 MB")


def check_docx(path: Path) -> None:
    """All DOCX checks; raise `ExtractionError` with a message an analyst understands."""
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip_limits(zf)
            check_xml_parts(zf)
    except zipfile.BadZipFile as err:
        raise ExtractionError("damaged Word file (the zip container is truncated or corrupt)") from err
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:  # zip64 oddities, encryption
        raise ExtractionError(f"unreadable Word file ({err})") from err


PDF_TAIL_BYTES = 16 * 1024


def check_pdf(path: Path) -> None:
    """Refuse a truncated PDF and a password-protected one with a plain message.

    A truncated PDF loses its end-of-file marker; pdfminer would otherwise rebuild what it can and yield a
    partial document that looks fine. Encryption alone is no problem (many PDFs carry an empty user
    password), so a PDF with `/Encrypt` is only refused when it cannot be opened without a password.
    """
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(0, size - PDF_TAIL_BYTES))
        tail = f.read()
    if b"%%EOF" not in tail:
        raise ExtractionError("damaged PDF: the file is truncated (no end-of-file marker)")
    if _mentions_encrypt(path):  # the trailer may stand at the start too (linearized PDFs)
        _check_pdf_password(path)


def _mentions_encrypt(path: Path) -> bool:
    """Scan the file for an /Encrypt key in chunks (memory stays flat on a large PDF)."""
    overlap = b""
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            if b"/Encrypt" in overlap + chunk:
                return True
            overlap = chunk[-16:]
    return False


def _check_pdf_password(path: Path) -> None:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        with path.open("rb") as f:
            PDFDocument(PDFParser(f), password="")
    except PDFPasswordIncorrect as err:
        raise ExtractionError(
            "password-protected PDF: remove the password (or print to PDF) and try again"
        ) from err
    except PDFEncryptionError as err:
        raise ExtractionError(f"encrypted PDF that cannot be read ({err})") from err
