"""Text clean-up shared by every stage: NFC, one tone placement, whitespace, hyphenation.

Pure functions. Output keeps every diacritic; only *where* the tone mark sits is normalized
("uỷ" → "ủy", "hoá" → "hóa"), so the same word is spelled one way across documents.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.knowledge import load_yaml

# Old-style tone placement on the first vowel of "oa", "oe", "uy" → modern placement on the second
# (the pairs are orthography, kept as data in `data/tone_placement.yaml`).
_OLD_TO_MODERN_TONES: dict[str, str] = dict(
    load_yaml("normalizers/data/tone_placement.yaml")["old_to_modern"]
)
_OLD_TO_MODERN_TONES.update({k.capitalize(): v.capitalize() for k, v in list(_OLD_TO_MODERN_TONES.items())})
_OLD_TO_MODERN_TONES.update({k.upper(): v.upper() for k, v in list(_OLD_TO_MODERN_TONES.items())})
# Only when the pair ends the syllable ("hoá", "uỷ", not "hoàn"), and never after "q": in "quý" the
# "u" belongs to the consonant "qu", so the tone already sits on the only vowel.
_TONE_RE = re.compile(r"(?<![qQ])(" + "|".join(map(re.escape, _OLD_TO_MODERN_TONES)) + r")(?![^\W\d_])")

_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200d\ufeff\u00ad]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def modern_tones(text: str) -> str:
    """Move tone marks to the modern position: "uỷ ban" → "ủy ban", "hoá" → "hóa"."""
    return _TONE_RE.sub(lambda m: _OLD_TO_MODERN_TONES[m.group(1)], nfc(text))


def clean(text: str | None) -> str:
    """NFC, no zero-width characters, runs of spaces folded, each line stripped, no blank lines."""
    if not text:
        return ""
    text = _ZERO_WIDTH_RE.sub("", nfc(text)).replace("\r\n", "\n").replace("\r", "\n")
    lines = (_SPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def one_line(text: str | None) -> str:
    """`clean`, with line breaks folded into spaces."""
    return " ".join(clean(text).split("\n"))


def fold_diacritics(text: str) -> str:
    """A key without diacritics, for OCR that lost or garbled tone marks ("Sớ Tư phap", "TÔ CHỨC")."""
    decomposed = unicodedata.normalize("NFD", text.replace("\u0111", "d").replace("\u0110", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_key(text: str | None) -> str:
    """A key for comparing phrases: NFC, modern tones, case-folded, single spaces, no edge punctuation."""
    return modern_tones(one_line(text)).casefold().strip(" .;:,-–")


def opens_with(key: str, phrase: str) -> bool:
    """Whether the match key `key` equals `phrase` (a match key too) or starts with it as whole words."""
    return key.startswith(phrase) and (len(key) == len(phrase) or not key[len(phrase)].isalnum())


def starts_with_any(text: str, phrases: list[str]) -> str | None:
    """The first phrase (already a match key) that `text` equals or starts with as whole words."""
    key = match_key(text)
    return next((phrase for phrase in phrases if opens_with(key, phrase)), None)
