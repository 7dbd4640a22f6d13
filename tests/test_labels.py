"""The one list-label grammar (`normalizers/labels.py`): every label shape the documents use, typed, from
Word numbering, in a table's number column, and the variants the OCR repairs and agency cells read."""

from __future__ import annotations

import pytest

from normalizers.labels import (
    CLEAN_CELL_LABEL_RE,
    INLINE_MARK_RE,
    LEADING_LABEL_RE,
    OCR_LABEL_PREFIX_RE,
    PAREN_NUMBER_RE,
    ROMAN_NO_STOP_RE,
    WHOLE_ROMAN_RE,
    Label,
    label_from_word_numbering,
    next_label,
    parse_cell_label,
    parse_label,
    resolve_roman_or_letter,
    to_roman,
)


@pytest.mark.parametrize(
    ("text", "label", "rest"),
    [
        ("I. MỤC ĐÍCH, YÊU CẦU", Label("roman", "I"), "MỤC ĐÍCH, YÊU CẦU"),
        ("IV) Tổ chức thực hiện", Label("roman", "IV"), "Tổ chức thực hiện"),
        ("1. Xây dựng kế hoạch", Label("decimal", "1"), "Xây dựng kế hoạch"),
        ("2) Kiểm tra", Label("decimal", "2"), "Kiểm tra"),
        ("1.2. Tuyên truyền", Label("multi_decimal.1", "1.2"), "Tuyên truyền"),
        ("1.2.3 Rà soát", Label("multi_decimal.2", "1.2.3"), "Rà soát"),
        ("a) Sở Tư pháp chủ trì", Label("letter", "a"), "Sở Tư pháp chủ trì"),
        ("đ) Các nhiệm vụ khác", Label("letter", "đ"), "Các nhiệm vụ khác"),
        ("b. Báo cáo", Label("letter", "b"), "Báo cáo"),
        ("A. NHIỆM VỤ CHUNG", Label("upper_letter", "A"), "NHIỆM VỤ CHUNG"),
        ("(1) Hoàn thiện thể chế", Label("paren_number", "(1)"), "Hoàn thiện thể chế"),
        ("(a) Cải cách", Label("paren_letter", "a"), "Cải cách"),
        ("- Triển khai", Label("bullet", None), "Triển khai"),
        ("+ Đôn đốc", Label("bullet+", None), "Đôn đốc"),
        ("• Theo dõi", Label("bullet", None), "Theo dõi"),
        ("o Kiểm tra", Label("bullet", None), "Kiểm tra"),
        ("Bước 1: Rà soát", Label("word:bước", "1"), "Rà soát"),
        ("Điều 2. Quyết định này", Label("word:điều", "2"), "Quyết định này"),
        ("Phần II. Nội dung", Label("word:phần", "II"), "Nội dung"),
    ],
)
def test_a_typed_label_is_split_from_its_text(text, label, rest):
    assert parse_label(text) == (label, rest)


@pytest.mark.parametrize("text", ["Ủy ban nhân dân tỉnh", "2026 là năm", "ong Nguyễn", "Sở Tư pháp"])
def test_text_without_a_label_is_left_as_it_is(text):
    assert parse_label(text) == (None, text)


def test_an_article_needs_its_own_lead_and_a_step_does_not():
    assert parse_label("Điều 3. Giám đốc Sở")[0].needs_own_lead
    assert not parse_label("Bước 1: Rà soát")[0].needs_own_lead


@pytest.mark.parametrize(
    ("rendered", "label"),
    [("1.", Label("decimal", "1")), ("(1)", Label("paren_number", "(1)")), ("•", Label("bullet", None))],
)
def test_a_word_numbering_label_reads_like_a_typed_one(rendered, label):
    assert label_from_word_numbering(rendered) == label


@pytest.mark.parametrize(
    ("cell", "label"),
    [
        ("II", Label("roman", "II")),
        ("VỊ I", Label("roman", "VII")),
        ("A", Label("upper_letter", "A")),
        ("3.", Label("decimal", "3")),
        ("1.2", Label("multi_decimal.1", "1.2")),
        ("b)", Label("letter", "b")),
        ("", None),
        ("Ghi chú", None),
    ],
)
def test_the_number_column_of_a_table_holds_a_bare_label(cell, label):
    assert parse_cell_label(cell) == label


def test_after_h_an_i_is_a_letter_and_elsewhere_a_roman_numeral():
    assert (
        resolve_roman_or_letter(Label("upper_letter", "I"), [Label("upper_letter", "H")]).kind
        == "upper_letter"
    )
    assert resolve_roman_or_letter(Label("upper_letter", "I"), []).kind == "roman"


@pytest.mark.parametrize(
    ("label", "after"),
    [
        (Label("roman", "IX"), Label("roman", "X")),
        (Label("decimal", "9"), Label("decimal", "10")),
        (Label("upper_letter", "B"), Label("upper_letter", "C")),
        (Label("letter", "a"), None),
    ],
)
def test_the_next_label_of_a_list(label, after):
    assert next_label(label) == after


def test_roman_numerals_as_word_writes_them():
    assert [to_roman(n) for n in (1, 4, 9, 14, 39, 40, 90, 1994)] == [
        "I", "IV", "IX", "XIV", "XXXIX", "XL", "XC", "MCMXCIV",
    ]  # fmt: skip


def test_the_variants_other_layers_read():
    assert WHOLE_ROMAN_RE.match("XIV").groups() == ("X", "IV") and not WHOLE_ROMAN_RE.match("IIII")
    assert [bool(CLEAN_CELL_LABEL_RE.match(c)) for c in ("A", "1.", "1.2", "1.2.", "12", "l.")] == [
        True, True, True, True, False, False,
    ]  # fmt: skip
    assert OCR_LABEL_PREFIX_RE.match("II. Nhiệm vụ").group(1) == "II. "
    assert OCR_LABEL_PREFIX_RE.match("1.2 - Rà soát").group(1) == "1.2 - "
    cells = ["- Sở Tư pháp", "+ Sở Nội vụ", "1. Công an tỉnh", "2) Sở Y tế", "a) Sở Xây dựng", "(3) UBND"]
    assert [LEADING_LABEL_RE.sub("", c) for c in cells] == [
        "Sở Tư pháp", "Sở Nội vụ", "Công an tỉnh", "Sở Y tế", "Sở Xây dựng", "UBND",
    ]  # fmt: skip
    assert ROMAN_NO_STOP_RE.match("II Nhiệm vụ").group(1) == "II"
    assert [m.group(1) for m in INLINE_MARK_RE.finditer("(1) Rà soát; (2) Báo cáo")] == ["1", "2"]
    assert PAREN_NUMBER_RE.fullmatch("(12)") and not PAREN_NUMBER_RE.fullmatch("(123)")
