"""List labels of Vietnamese documents: "I.", "1.", "1.2.", "a)", "đ)", "(1)", "-", "+".

A label tells a paragraph's place in the outline; `kind` groups labels of one level so the outline
can be rebuilt whatever the order of levels a document uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.numbering import to_roman
from pipeline.knowledge import load_yaml

ROMAN_RE = r"(?:X{0,3})(?:IX|IV|V?I{0,3})"
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
    return load_yaml("pipeline/data/labels.yaml")


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
