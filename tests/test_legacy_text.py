"""Vietnamese typed before Unicode: TCVN3 (ABC keyboard, .VnTime fonts) and VNI (VNI-Times fonts).

Pure functions first (tables, detection), then the same text inside real .docx and .doc files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from extractors.docx import extract as extract_docx
from normalizers.legacy_text import FontEncoding, decode, decode_font_text, detect, font_encoding, is_syllable
from pipeline.run import extract_document
from tests.legacy_encode import to_tcvn3, to_vni

SENTENCES = [
    "Kế hoạch triển khai thực hiện Nghị quyết số 66-NQ/TW của Bộ Chính trị về đổi mới công tác xây dựng "
    "và thi hành pháp luật",
    "Sở Tư pháp chủ trì, phối hợp với các sở, ban, ngành rà soát, hệ thống hóa văn bản quy phạm pháp luật; "
    "báo cáo kết quả trước ngày 30/6/2026.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết thủ tục hành chính.",
    "Uỷ ban nhân dân các huyện, thị xã, thành phố tăng cường kiểm tra, giám sát việc thực hiện.",
    "Tuyên truyền, phổ biến giáo dục pháp luật về phòng, chống ma túy; xây dựng xã, phường không ma túy.",
]


# ---------------------------------------------------------------- the tables


def test_tcvn3_letters_from_the_abc_keyboard() -> None:
    assert decode("¸ µ ¶ · ¹ © ¨ ® § ª « ¬ \u00ad", "tcvn3") == "á à ả ã ạ â ă đ Đ ê ô ơ ư"
    assert decode("KÕ ho¹ch", "tcvn3") == "Kế hoạch"
    assert decode("Uû ban nh©n d©n tØnh L©m §ång", "tcvn3") == "Uỷ ban nhân dân tỉnh Lâm Đồng"


def test_tcvn3_capitals_come_from_the_uppercase_fonts() -> None:
    # .VnTimeH draws every letter as a capital: the text holds the lowercase codes.
    assert decode("KÕ ho¹ch", "tcvn3", uppercase=True) == "KẾ HOẠCH"
    assert (
        decode_font_text("céng hßa x· héi chñ nghÜa viÖt nam", ".VnTimeH")
        == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    )


def test_vni_letters_are_a_base_letter_and_a_mark() -> None:
    assert decode("aù aø aû aõ aï aâ aê ô ö ñ Ñ", "vni") == "á à ả ã ạ â ă ơ ư đ Đ"
    assert decode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "vni") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert decode("UÛY BAN NHAÂN DAÂN TÆNH", "vni") == "ỦY BAN NHÂN DÂN TỈNH"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_real_sentences_survive_a_round_trip(sentence: str) -> None:
    assert decode(to_tcvn3(sentence), "tcvn3") == sentence
    assert decode(to_vni(sentence), "vni") == sentence


def test_symbol_font_code_points_are_read_as_their_bytes() -> None:
    # Word stores a character of a symbol-like font as U+F000 + byte.
    assert decode("\uf0b8", "tcvn3") == "á"


def test_decoding_gives_nfc() -> None:
    import unicodedata

    text = decode(to_vni(SENTENCES[0]), "vni")
    assert text == unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------- font names


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", FontEncoding("tcvn3")),
        (".VnArial", FontEncoding("tcvn3")),
        (".VnTimeH", FontEncoding("tcvn3", uppercase=True)),
        ("ABCDEF+.VnTimeH,Bold", FontEncoding("tcvn3", uppercase=True)),  # a PDF's subset font
        ("VnTime-Bold", FontEncoding("tcvn3")),  # PDFs often drop the dot
        ("VNI-Times", FontEncoding("vni")),
        ("GHIJKL+VNI-Helve-Bold", FontEncoding("vni")),
        ("Times New Roman", None),
        ("Arial", None),
        (None, None),
    ],
)
def test_font_name_tells_the_encoding(font: str | None, expected: FontEncoding | None) -> None:
    assert font_encoding(font) == expected


# ---------------------------------------------------------------- recognizing the encoding without a font name


@pytest.mark.parametrize("sentence", SENTENCES)
def test_encoding_is_recognized_from_the_text(sentence: str) -> None:
    assert detect(to_tcvn3(sentence)) == "tcvn3"
    assert detect(to_vni(sentence)) == "vni"


@pytest.mark.parametrize(
    "text",
    [
        *SENTENCES,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc",
        "The plan is approved by the Provincial People's Committee.",
        "Café, résumé, naïve: ©2026 ® ± ½",
        "UBND tỉnh; KH&CN; 66-NQ/TW",
    ],
)
def test_unicode_text_is_left_alone(text: str) -> None:
    assert detect(text) is None


def test_syllables() -> None:
    assert all(map(is_syllable, ["nghiêng", "Quốc", "giữa", "gì", "người", "khuyến", "thuở", "oai", "ĐỒNG"]))
    assert not any(map(is_syllable, ["ho¹ch", "cña", "Coäng", "hoøa", "tænh", "UBND"]))


# ---------------------------------------------------------------- inside Word files


def _run(paragraph, text: str, font: str | None) -> None:
    run = paragraph.add_run(text)
    if font:
        fonts = run._r.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:ascii"), font)
        fonts.set(qn("w:hAnsi"), font)


def legacy_docx(path: Path) -> Path:
    """A plan typed the old way: title in .VnTimeH, body in .VnTime, one item in VNI-Times."""
    document = docx.Document()
    _run(document.add_paragraph(), "KÕ ho¹ch", ".VnTimeH")
    _run(document.add_paragraph(), to_tcvn3("Triển khai nhiệm vụ năm 2026"), ".VnTime")
    paragraph = document.add_paragraph()
    _run(paragraph, "1. ", ".VnTime")
    _run(paragraph, to_tcvn3("Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật."), ".VnTime")
    _run(document.add_paragraph(), to_vni("2. Sở Nội vụ tổng hợp, báo cáo kết quả thực hiện."), "VNI-Times")
    _run(document.add_paragraph(), "Hà Nội, ngày 15 tháng 3 năm 2026", "Times New Roman")
    table = document.add_table(rows=1, cols=2)
    _run(table.cell(0, 0).paragraphs[0], to_tcvn3("Đơn vị chủ trì"), ".VnTime")
    _run(table.cell(0, 1).paragraphs[0], to_tcvn3("Sở Tài chính"), ".VnTime")
    document.save(path)
    return path


EXPECTED = [
    "KẾ HOẠCH",
    "Triển khai nhiệm vụ năm 2026",
    "1. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.",
    "2. Sở Nội vụ tổng hợp, báo cáo kết quả thực hiện.",
    "Hà Nội, ngày 15 tháng 3 năm 2026",  # Unicode in a Unicode font stays as it is
]


def test_docx_runs_in_vn_fonts_are_decoded(tmp_path: Path) -> None:
    document = extract_docx(legacy_docx(tmp_path / "old.docx"))
    assert [p.text for p in document.paragraphs] == EXPECTED
    assert document.tables[0].rows[0].cells[1].text == "Sở Tài chính"


def test_docx_font_from_the_paragraph_style_counts(tmp_path: Path) -> None:
    document = docx.Document()
    rfonts = document.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:ascii"), ".VnTime")
    rfonts.set(qn("w:hAnsi"), ".VnTime")
    document.add_paragraph(to_tcvn3("Công an tỉnh chủ trì, phối hợp với các địa phương."))
    path = tmp_path / "styled.docx"
    document.save(path)
    assert extract_docx(path).paragraphs[0].text == "Công an tỉnh chủ trì, phối hợp với các địa phương."


def test_docx_legacy_text_in_an_unknown_font_is_recognized(tmp_path: Path) -> None:
    document = docx.Document()
    for sentence in SENTENCES[:3]:
        _run(document.add_paragraph(), to_tcvn3(sentence), "Times New Roman")
    path = tmp_path / "renamed-font.docx"
    document.save(path)
    assert [p.text for p in extract_docx(path).paragraphs] == SENTENCES[:3]


def test_old_doc_in_vn_fonts_is_decoded(tmp_path: Path) -> None:
    source = legacy_docx(tmp_path / "old.docx")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}", "--convert-to", "doc",
         "--outdir", str(tmp_path / "doc"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    document = extract_document(tmp_path / "doc" / "old.doc")
    assert document.source.source_format == "doc"
    assert [p.text for p in document.paragraphs][:5] == EXPECTED


# ---------------------------------------------------------------- inside PDF text layers

PDF_LINES = [
    "Kế hoạch triển khai nhiệm vụ năm 2026",
    "1. Sở Tư pháp chủ trì rà soát văn bản quy phạm pháp luật.",
    "2. Sở Nội vụ tổng hợp, báo cáo kết quả thực hiện trước ngày 30/6/2026.",
    "3. Công an tỉnh phối hợp với các địa phương tuyên truyền, phổ biến pháp luật.",
]


def _legacy_pdf(tmp_path: Path, remap, font_name: str | None) -> Path:
    """A PDF as printed from an old document: Vietnamese glyphs, a text layer in legacy bytes."""
    from tests.pdf_builders import COLS, Page, build_pdf, remap_text_layer

    drawn = build_pdf(tmp_path / "drawn.pdf", [Page(PDF_LINES, [])], COLS, size=12)
    return remap_text_layer(drawn, tmp_path / "legacy.pdf", remap, font_name)


@pytest.mark.parametrize(
    ("remap", "font_name"),
    [(to_tcvn3, ".VnTime"), (to_tcvn3, None), (to_vni, "VNI-Times"), (to_vni, None)],
    ids=["tcvn3-by-font", "tcvn3-by-text", "vni-by-font", "vni-by-text"],
)
def test_pdf_text_layer_in_a_legacy_encoding_is_decoded_not_ocred(tmp_path: Path, remap, font_name) -> None:
    document = extract_document(_legacy_pdf(tmp_path, remap, font_name))
    assert document.source.source_format == "pdf"  # read from the text layer, no OCR needed
    text = "\n".join(p.text for p in document.paragraphs)
    for line in PDF_LINES:
        assert line.split(" ", 1)[1] in text
