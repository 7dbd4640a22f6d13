"""Files in the formats offices really send: old Word .doc, RTF, OpenDocument, scans as images.

.rtf/.odt are made in the test by LibreOffice from a small .docx; the .doc is a real plan from Lâm Đồng.
Nothing is mocked: LibreOffice and Tesseract run for real (`make system-deps` installs them).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.detect import detect_format
from flows.cli import iter_input_files
from pipeline.base import ExtractionError, file_sha256
from pipeline.run import extract_document, process_file
from pipeline.tasks import document_to_tasks
from tests.conftest import fixture
from tests.docx_builders import two_row_header_plan
from tests.ole_builders import build_ole, word_fib

REAL_DOC = "real-lamdong-ubnd-kehoach-matuy-2026.doc"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def soffice_convert(source: Path, fmt: str, out_dir: Path) -> Path:
    """What an office does when it "saves as" another format: LibreOffice, headless."""
    profile = (out_dir / "profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", fmt,
         "--outdir", str(out_dir), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out_dir / f"{source.stem}.{fmt}"


@pytest.fixture(scope="module")
def plan_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return two_row_header_plan(tmp_path_factory.mktemp("plan") / "plan.docx")


# ---------------------------------------------------------------- old Word .doc (a real one)


def test_real_doc_is_read_through_libreoffice_with_its_own_provenance() -> None:
    path = fixture(REAL_DOC)
    document = extract_document(path)
    assert document.source.source_format == "doc"
    assert document.source.source_file == REAL_DOC and document.source.sha256 == file_sha256(path)
    assert len(document.paragraphs) >= 130  # 135 non-empty paragraphs in the original
    meta, tasks = document_to_tasks(document)
    assert meta.doc_type == "ke_hoach" and meta.province == "Lâm Đồng"
    assert 70 <= len(tasks) <= 90  # the gold has 82
    assert all(t.source_format == "doc" and t.source_file == REAL_DOC for t in tasks)


def test_doc_is_recognized_by_content_whatever_its_name(tmp_path: Path) -> None:
    renamed = tmp_path / "ke-hoach.docx"
    renamed.write_bytes(fixture(REAL_DOC).read_bytes())
    assert detect_format(renamed) == "doc"


# ---------------------------------------------------------------- RTF and OpenDocument


@pytest.mark.parametrize("fmt", ["rtf", "odt"])
def test_rtf_and_odt_keep_the_task_table(plan_docx: Path, tmp_path: Path, fmt: str) -> None:
    converted = soffice_convert(plan_docx, fmt, tmp_path)
    assert detect_format(converted) == fmt
    document = extract_document(converted)
    assert document.source.source_format == fmt and document.source.source_file == f"plan.{fmt}"
    table = document.tables[0]
    assert table.rows[3].cell_at(1).text == "Rà soát thủ tục hành chính"
    assert [table.rows[r].cell_at(2).text for r in (3, 4)] == ["Sở Tư pháp", "Sở Tư pháp"]
    _, tasks = document_to_tasks(document)
    assert len(tasks) == 3


# ---------------------------------------------------------------- Word documents saved as a web page


WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"></head><body>
<p align=center><b>KẾ HOẠCH</b></p><p>Triển khai nhiệm vụ năm 2026</p>
<img src="{image_url}">
<table border=1><tr><td>TT</td><td>Nội dung công việc</td><td>Cơ quan chủ trì</td><td>Thời hạn</td></tr>
<tr><td>1</td><td>Rà soát thủ tục hành chính</td><td>Sở Tư pháp</td><td>Quý II/2026</td></tr></table>
</body></html>"""


def test_word_web_page_named_doc_is_read_and_never_fetches_its_links(tmp_path: Path) -> None:
    import http.server
    import threading

    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "ke-hoach.doc"  # Word's "save as web page", still named .doc
        path.write_text(WORD_HTML.format(image_url=f"http://127.0.0.1:{server.server_port}/x.png"), "utf-8")
        assert detect_format(path) == "html"
        document = extract_document(path)
    finally:
        server.shutdown()
    assert document.source.source_format == "html" and document.source.source_file == "ke-hoach.doc"
    assert [p.text for p in document.paragraphs][:2] == ["KẾ HOẠCH", "Triển khai nhiệm vụ năm 2026"]
    assert document.tables[0].rows[1].cell_at(2).text == "Sở Tư pháp"
    assert requests == []  # the linked image was not fetched


# ---------------------------------------------------------------- when LibreOffice cannot help


def test_without_libreoffice_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NHIEMVU_SOFFICE", str(tmp_path / "no-such-soffice"))
    result = process_file(fixture(REAL_DOC))
    assert result.record.status == "failed"
    assert "apt-get install libreoffice-writer-nogui" in result.record.error


def test_a_conversion_over_the_time_limit_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHIEMVU_SOFFICE_TIMEOUT", "0.05")
    with pytest.raises(ExtractionError, match="LibreOffice took longer than 0.05 s"):
        extract_document(fixture(REAL_DOC))


def test_rtf_that_is_not_really_rtf_fails_plainly(tmp_path: Path) -> None:
    broken = tmp_path / "broken.rtf"
    broken.write_bytes(b"{\\rtf1 " + bytes(range(256)) * 8)
    result = process_file(broken)
    assert result.record.status == "failed"


# ---------------------------------------------------------------- OLE files that are not readable .doc


def test_password_protected_docx_fails_clearly(tmp_path: Path) -> None:
    # Word saves a .docx with a password as an OLE container of these two streams.
    locked = build_ole(
        tmp_path / "locked.docx", {"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"x"}
    )
    with pytest.raises(ExtractionError, match="password-protected Office file"):
        detect_format(locked)


def test_password_protected_doc_fails_clearly(tmp_path: Path) -> None:
    locked = build_ole(tmp_path / "locked.doc", {"WordDocument": word_fib(encrypted=True), "1Table": b""})
    result = process_file(locked)
    assert result.record.status == "failed" and "password-protected Word .doc" in result.record.error


def test_unencrypted_ole_word_stream_is_a_doc(tmp_path: Path) -> None:
    plain = build_ole(tmp_path / "plain.doc", {"WordDocument": word_fib(encrypted=False), "1Table": b""})
    assert detect_format(plain) == "doc"


def test_excel_file_is_not_taken_for_a_word_document(tmp_path: Path) -> None:
    sheet = build_ole(tmp_path / "bang.xls", {"Workbook": b"\x09\x08"})
    with pytest.raises(ExtractionError, match="not a Word document"):
        detect_format(sheet)


def test_truncated_ole_file_is_damaged(tmp_path: Path) -> None:
    broken = tmp_path / "cut.doc"
    broken.write_bytes(fixture(REAL_DOC).read_bytes()[:600])
    with pytest.raises(ExtractionError, match="damaged old Office file"):
        detect_format(broken)


def test_ole_file_whose_sector_chain_loops_does_not_hang(tmp_path: Path) -> None:
    import struct

    path = build_ole(tmp_path / "loop.doc", {"WordDocument": word_fib(encrypted=False), "1Table": b""})
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 0x2C, 5000)  # claims 5000 FAT sectors …
    struct.pack_into("<II", data, 0x44, 2, 0xFFFFFFFF)  # … listed in a DIFAT chain of 4 billion sectors
    struct.pack_into("<I", data, 512 * 3 + 508, 2)  # whose first sector points back at itself
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractionError, match="damaged old Office file"):
        detect_format(path)


# ---------------------------------------------------------------- scans as image files


def draw_page(lines: list[str], width: int = 1654, height: int = 900) -> Image.Image:
    """A page as a 200 dpi scanner writes it (A4 width), black text on white."""
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 40)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((120, 80 + 70 * i), line, fill=0, font=font)
    return image


PAGE_1 = ["KẾ HOẠCH", "Triển khai nhiệm vụ năm 2026", "1. Sở Tư pháp chủ trì rà soát văn bản."]
PAGE_2 = ["2. Sở Nội vụ tổng hợp báo cáo kết quả."]


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


@pytest.mark.parametrize("suffix", ["png", "jpg"])
def test_scanned_page_as_png_or_jpeg_is_ocred(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"scan.{suffix}"
    draw_page(PAGE_1).save(path, dpi=(200, 200))
    document = extract_document(path)
    assert document.source.source_format == "image" and document.source.pages == 1
    text = _text(document)
    assert "KẾ HOẠCH" in text and "Sở Tư pháp chủ trì rà soát văn bản" in text


def test_multi_page_tiff_is_one_page_per_frame(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    draw_page(PAGE_1).save(path, save_all=True, append_images=[draw_page(PAGE_2)], dpi=(200, 200))
    document = extract_document(path)
    assert document.source.pages == 2
    assert "Sở Nội vụ tổng hợp báo cáo kết quả" in _text(document)


def test_image_without_resolution_is_read_as_an_a4_page(tmp_path: Path) -> None:
    path = tmp_path / "phone.png"
    draw_page(PAGE_1).save(path)  # no dpi recorded: assumed A4
    assert "Sở Tư pháp" in _text(extract_document(path))


def test_huge_image_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    Image.new("1", (12_000, 9_000), 1).save(path)  # 108 Mpx of white: tiny file, huge bitmap
    result = process_file(path)
    assert result.record.status == "failed" and "far larger than a document scan" in result.record.error


def test_truncated_image_fails_plainly(tmp_path: Path) -> None:
    path = tmp_path / "cut.jpg"
    draw_page(PAGE_1).save(path)
    path.write_bytes(path.read_bytes()[:300])
    result = process_file(path)
    assert result.record.status == "failed" and "image" in result.record.error


# ---------------------------------------------------------------- folders


def test_a_folder_walk_picks_up_every_format_offices_send(tmp_path: Path) -> None:
    names = ["a.docx", "b.pdf", "c.doc", "d.rtf", "e.odt", "f.jpg", "g.jpeg", "h.png", "i.tif", "j.TIFF"]
    for name in [*names, "notes.txt", ".hidden.doc"]:
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in iter_input_files([tmp_path])] == names


def test_phone_photo_stored_sideways_is_turned_upright(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view": the camera was held upright
    draw_page(PAGE_1).rotate(90, expand=True).save(path, exif=exif, quality=92)
    assert "Sở Tư pháp chủ trì" in _text(extract_document(path))


def test_password_protected_odt_fails_clearly(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "locked.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data/>'
            "</manifest:file-entry></manifest:manifest>",
        )
        zf.writestr("content.xml", b"\x8a\x13 encrypted bytes")
    with pytest.raises(ExtractionError, match="password-protected OpenDocument"):
        detect_format(path)


def test_spreadsheet_is_not_taken_for_a_text_document(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "bang.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ExtractionError, match="not a text document"):
        detect_format(path)
