"""List labels of Vietnamese documents: "I.", "1.", "1.2.", "a)", "đ)", "(1)", "-", "+": the one grammar.

A label tells a paragraph's place in the outline; `kind` groups labels of one level so the outline
can be rebuilt whatever the order of levels a document uses. Every layer that reads labels takes its
patterns from here: the Word numbering (`to_roman`), the OCR repairs (`WHOLE_ROMAN_RE`,
`CLEAN_CELL_LABEL_RE`, `OCR_LABEL_PREFIX_RE`), agency cells (`LEADING_LABEL_RE`) and the outline
(`ROMAN_NO_STOP_RE`, `INLINE_MARK_RE`, `PAREN_NUMBER_RE`). Pure; its words are in `data/labels.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.knowledge import load_yaml

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]  # fmt: skip


def to_roman(n: int) -> str:
    """12 → "XII", as Word's upperRoman numbering and the next label of a Roman list write it."""
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


ROMAN_RE = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
# A whole word that is a Roman numeral up to XXXIX, its tens and units as groups (OCR repairs).
WHOLE_ROMAN_RE = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
# A table's number cell that OCR read cleanly: "A", "1.", "1.2", "1.2.".
CLEAN_CELL_LABEL_RE = re.compile(r"^(?:[A-ZĐ]|\d{1,2}(?:\.\d{1,2})*\.|\d{1,2}(?:\.\d{1,2})+)[.)]?$")
# Any label opening an OCR line, with what follows it up to the text: "II. ", "a) ", "1.2 - ".
OCR_LABEL_PREFIX_RE = re.compile(r"^\s*((?:[IVXLC]+|[A-ZĐ]|\d+(?:\.\d+)*|[a-zđ])\s*[.)\-–:]\s*)")
# A list label opening a line of an agency cell or an item: "- ", "+ ", "1. ", "2) ", "a) ", "(3) ".
LEADING_LABEL_RE = re.compile(r"^(?:[-+•*·–−]+|\(?\d{1,2}[.)]|\(?[a-zđ]\)|\(\d{1,2}\))\s*(?=\S)")
# A Roman numeral whose full stop OCR or typing lost: "II Nhiệm vụ".
ROMAN_NO_STOP_RE = re.compile(rf"^({ROMAN_RE})\s+(?=\S)")
# "(1) … (2) …": numbered marks inside one paragraph.
INLINE_MARK_RE = re.compile(r"(?<![\w(])\((\d{1,2})\)\s+")
# A label that is only a bracketed number: "(1)".
PAREN_NUMBER_RE = re.compile(r"\((\d{1,2})\)")
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("paren_number", re.compile(r"^\((\d{1,3})\)[.:]?\s*")),
    ("paren_letter", re.compile(r"^\(([a-zđ])\)\s*")),
    ("roman", re.compile(rf"^({ROMAN_RE})[.):]\s*(?=\S)")),
    ("multi_decimal", re.compile(r"^(\d{1,2}(?:\.\d{1,2})+)\.?\)?\s+(?=\S)")),
    ("decimal", re.compile(r"^(\d{1,3})[.)/]\s*(?=\D)")),
    ("upper_letter", re.compile(r"^([A-ZĐ])[.)]\s+(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])[)]\s*(?=\S)")),
    ("letter", re.compile(r"^([a-zđ])\.\s+(?=\S)")),
    ("bullet", re.compile(r"^([-–—−+•●▪◦*➢❖✓o])\s*(?=\S)")),
]
BULLETS = set("-–—−+•●▪◦*➢❖✓o")


@cache
def _label_words() -> dict[str, list[str]]:
    return load_yaml("normalizers/data/labels.yaml")


@cache
def _word_label_re() -> re.Pattern[str]:
    """ "Bước 1:", "Điều 2." — the words come from data/labels.yaml."""
    words = _label_words()["label_words"]
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^({alternatives})\s+(\d{{1,3}}|{ROMAN_RE})\s*[:.)]\s*(?=\S)", re.IGNORECASE)


@dataclass(frozen=True)
class Label:
    kind: str  # roman, upper_letter, decimal, multi_decimal.N, letter, paren_number, paren_letter, bullet
    value: str | None  # "II", "1", "a", "(1)"; None for bullets

    @property
    def is_bullet(self) -> bool:
        return self.kind.startswith("bullet")

    @property
    def needs_own_lead(self) -> bool:
        """An article ("Điều 2.") is a task only when it names who must act."""
        return self.kind.removeprefix("word:") in _label_words()["lead_required_label_words"]


def parse_label(text: str) -> tuple[Label | None, str]:
    """Split a leading label from `text`: "a) Xây dựng…" → (Label("letter", "a"), "Xây dựng…")."""
    stripped = text.lstrip()
    word_label = _word_label_re().match(stripped)
    if word_label and word_label.group(2):
        kind = "word:" + word_label.group(1).lower()
        return Label(kind, word_label.group(2)), stripped[word_label.end() :].lstrip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(stripped)
        if not match or (kind == "roman" and not match.group(1)):
            continue
        value = match.group(1)
        rest = stripped[match.end() :].lstrip()
        if kind == "bullet":
            # "+" and "-" are different levels; "o" only as a bullet when followed by a space.
            if value == "o" and not stripped.startswith("o "):
                continue
            return Label(f"bullet{value if value in '+' else ''}", None), rest
        if kind == "multi_decimal":
            return Label(f"multi_decimal.{value.count('.')}", value), rest
        if kind == "paren_number":
            return Label(kind, f"({value})"), rest
        return Label(kind, value), rest
    return None, text


def label_from_word_numbering(list_label: str) -> Label | None:
    """The label Word rendered ("1.", "(1)", "•") parsed like a typed one."""
    label, rest = parse_label(list_label + " x")
    return label if label and rest == "x" else None


# What OCR makes of a Roman numeral's strokes: "VỊ I" for "VII", "Ì" for "I".
_ROMAN_LOOKALIKES = str.maketrans({"Ị": "I", "Ì": "I", "Í": "I", "Ỉ": "I", "Ĩ": "I", " ": None})


def parse_cell_label(value: str) -> Label | None:
    """The label in a table's number column, where it stands alone: "A", "II", "1", "1.2", "a"."""
    value = value.strip().rstrip(".)").strip()
    if not value:
        return None
    if is_roman(value):
        return Label("roman", value)
    if len(value) <= 6 and is_roman(repaired := value.translate(_ROMAN_LOOKALIKES)) and repaired != value:
        return Label("roman", repaired)
    if re.fullmatch(r"[A-ZĐ]", value):
        return Label("upper_letter", value)
    if re.fullmatch(r"\d{1,3}", value):
        return Label("decimal", value)
    if re.fullmatch(r"\d{1,2}(?:\.\d{1,2})+", value):
        return Label(f"multi_decimal.{value.count('.')}", value)
    if re.fullmatch(r"[a-zđ]", value):
        return Label("letter", value)
    return None


def is_roman(value: str) -> bool:
    return bool(value) and re.fullmatch(ROMAN_RE, value) is not None


def resolve_roman_or_letter(label: Label, open_labels: list[Label]) -> Label:
    """ "I", "V", "X" are Roman numerals unless they follow "H", "U", "W" in a list of capital
    letters; `open_labels` are the labels above this one, outermost first."""
    if label.kind not in ("upper_letter", "roman") or not label.value or not is_roman(label.value):
        return label
    for previous in reversed(open_labels):
        if previous.kind == "upper_letter" and previous.value:
            if len(label.value) == 1 and ord(label.value) == ord(previous.value) + 1:
                return Label("upper_letter", label.value)
            break
    return Label("roman", label.value)


def next_label(label: Label) -> Label | None:
    """The label after this one in its list: "II" → "III", "2" → "3", "B" → "C"; None when unknown."""
    value = label.value or ""
    if label.kind == "roman" and is_roman(value):
        numbers = [n for n in range(1, 40) if to_roman(n) == value]
        return Label("roman", to_roman(numbers[0] + 1)) if numbers else None
    if label.kind == "decimal" and value.isdigit():
        return Label("decimal", str(int(value) + 1))
    if label.kind == "upper_letter" and len(value) == 1 and value.isalpha() and value < "Z":
        return Label("upper_letter", chr(ord(value) + 1))
    return None
