"""The DTD guard: any DOCTYPE or ENTITY in any XML part of a DOCX is refused, as a parser sees it."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.detect import detect_format
from pipeline.base import ExtractionError
from tests.conftest import fixture

GOOD = fixture("ht-tu-congvan-66-2025.docx")
DTD = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def rewrite(dst: Path, part: str, transform: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(GOOD) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, transform(data) if info.filename == part else data)
    return dst


def after_declaration(extra: bytes) -> Callable[[bytes], bytes]:
    return lambda data: data.replace(b"?>", b"?>" + extra, 1)


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(b"<!-- <a -->" + DTD, id="behind-a-comment-that-looks-like-a-tag"),
        pytest.param(b"<?pi <a ?>" + DTD, id="behind-a-processing-instruction"),
        pytest.param(b"<!-- " + b"x" * 100_000 + b" -->" + DTD, id="after-a-long-comment"),
        pytest.param(b'<!doctype w:document SYSTEM "http://evil.example/x.dtd">', id="external-dtd"),
    ],
)
def test_a_hidden_doctype_is_refused(tmp_path: Path, prolog: bytes) -> None:
    doc = rewrite(tmp_path / "x.docx", "word/document.xml", after_declaration(prolog))
    with pytest.raises(ExtractionError, match="DTD|not well-formed"):
        detect_format(doc)


def test_a_doctype_in_any_part_is_refused(tmp_path: Path) -> None:
    doc = rewrite(tmp_path / "x.docx", "[Content_Types].xml", after_declaration(b"<!-- <a -->" + DTD))
    with pytest.raises(ExtractionError, match="Content_Types"):
        detect_format(doc)


def test_a_part_that_is_not_xml_is_refused_as_damaged(tmp_path: Path) -> None:
    never_closed = b'<?xml version="1.0"?><!-- a comment that hides the rest <!DOCTYPE x> <w:styles/>'
    doc = rewrite(tmp_path / "x.docx", "word/styles.xml", lambda data: never_closed)
    with pytest.raises(ExtractionError, match="not well-formed"):
        detect_format(doc)


def test_real_documents_pass() -> None:
    for path in sorted(GOOD.parent.glob("*.docx")):
        assert detect_format(path) == "docx"
