"""Pre-Unicode Vietnamese text (TCVN3/ABC, VNI) → Unicode. Pure functions over the tables in data/.

Documents typed before Unicode, and many still typed with the ABC or VNI keyboard, keep Vietnamese in
font-specific byte codes: Word shows "Kế hoạch" in .VnTime, but the text is "KÕ ho¹ch". The font name
says which encoding (`font_encoding`); when the name is lost or unknown, `detect` recognizes the
encoding by what decoding does: undecoded bytes are not Vietnamese syllables, decoded text is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.knowledge import load_csv, load_yaml

ENCODINGS = ("tcvn3", "vni")
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_WORD_RE = re.compile(r"[^\s!-/:-@\[-`{-~0-9]+")  # runs of anything but blanks, ASCII punctuation, digits
_SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")
# Word keeps a symbol-font character as U+F000 + its byte; such text is a byte string in disguise.
_SYMBOL_BASE = 0xF000


@dataclass(frozen=True)
class FontEncoding:
    """The legacy encoding a font's text is in; `uppercase` for fonts that draw every letter as a capital."""

    encoding: str
    uppercase: bool = False


def _rows(name: str) -> list[dict[str, str]]:
    return load_csv(f"normalizers/data/legacy_encodings/{name}")


@cache
def _tcvn3() -> dict[str, str]:
    return {r["tcvn3"]: r["unicode"] for r in _rows("tcvn3.csv")}


@cache
def _vni() -> dict[str, str]:
    return {r["vni"]: r["unicode"] for r in _rows("vni.csv")}


@cache
def _fonts() -> tuple[list[tuple[str, re.Pattern[str], re.Pattern[str] | None]], re.Pattern[str]]:
    data = load_yaml("normalizers/data/legacy_encodings/fonts.yaml")
    rules = [
        (
            rule["encoding"],
            re.compile(rule["pattern"], re.IGNORECASE),
            re.compile(rule["uppercase"]) if rule.get("uppercase") else None,
        )
        for rule in data["fonts"]
    ]
    return rules, re.compile(data["style_suffix"], re.IGNORECASE)


@cache
def _syllable_re() -> re.Pattern[str]:
    data = load_yaml("normalizers/data/legacy_encodings/syllables.yaml")

    def alt(items: list[str]) -> str:
        return "|".join(sorted(map(re.escape, items), key=len, reverse=True))

    onset, coda = alt(data["onsets"]), alt(data["codas"])
    return re.compile(
        rf"(?:{onset})?(?:(?:{alt(data['nuclei_open'])})(?:{coda})?|(?:{alt(data['nuclei_closed'])}))"
    )


def font_encoding(font: str | None) -> FontEncoding | None:
    """The legacy encoding a font name implies (".VnTime" → TCVN3, "VNI-Times" → VNI), else None."""
    if not font:
        return None
    rules, style = _fonts()
    name = style.sub("", _SUBSET_PREFIX_RE.sub("", font.strip()))
    for encoding, pattern, uppercase in rules:
        if pattern.search(name):
            return FontEncoding(encoding, bool(uppercase and uppercase.search(name)))
    return None


def _as_bytes_text(text: str) -> str:
    """Symbol-font code points (U+F0xx) back to the byte they stand for."""
    if not any(_SYMBOL_BASE <= ord(ch) <= _SYMBOL_BASE + 0xFF for ch in text):
        return text
    return "".join(
        chr(ord(ch) - _SYMBOL_BASE) if _SYMBOL_BASE <= ord(ch) <= _SYMBOL_BASE + 0xFF else ch for ch in text
    )


def _decode_vni(text: str) -> str:
    table, out, i = _vni(), [], 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in table:
            out.append(table[pair])
            i += 2
        else:
            out.append(table.get(text[i], text[i]))
            i += 1
    return "".join(out)


def decode(text: str, encoding: str, uppercase: bool = False) -> str:
    """`text` read in a legacy encoding ("tcvn3" or "vni") as NFC Unicode."""
    text = _as_bytes_text(text)
    if encoding == "tcvn3":
        table = _tcvn3()
        decoded = "".join(table.get(ch, ch) for ch in text)
    elif encoding == "vni":
        decoded = _decode_vni(text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    if uppercase:
        decoded = decoded.upper()
    return unicodedata.normalize("NFC", decoded)


def decode_font_text(text: str, font: str | None) -> str:
    """`text` written in `font`, decoded when the font name says it is TCVN3 or VNI."""
    known = font_encoding(font)
    return decode(text, known.encoding, known.uppercase) if known else text


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A Vietnamese syllable (any case, at most one tone mark): "nghiêng", "Quốc", not "ho¹ch"."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONE_MARKS for ch in nfd) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in _TONE_MARKS))
    return _syllable_re().fullmatch(bare) is not None


def words(text: str) -> list[str]:
    """The words of `text` as `is_syllable` judges them (no digits or ASCII punctuation)."""
    return _WORD_RE.findall(text)


def syllable_share(text: str) -> tuple[int, float]:
    """How many words `text` has and the share of them that are Vietnamese syllables."""
    found = words(text)
    if not found:
        return 0, 0.0
    return len(found), sum(map(is_syllable, found)) / len(found)


MIN_CHANGED_WORDS = 2
# Letters only Unicode has (ă ơ ư đ ĩ ũ and the whole Latin Extended Additional block): legacy
# text is made of Windows-1252 characters, so text with many of these is Unicode already.
_UNICODE_ONLY_RE = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]"
)
UNICODE_ONLY_SHARE = 0.02
MIN_DECODED_SHARE = 0.75
MIN_GAIN = 0.3


def detect(text: str) -> str | None:
    """The legacy encoding `text` is in, judged on the words decoding would change; None for Unicode.

    Real Unicode Vietnamese is already made of syllables, so decoding it gains nothing; TCVN3 or VNI
    bytes are mostly not syllables and become syllables once decoded.
    """
    text = _as_bytes_text(text)
    if len(_UNICODE_ONLY_RE.findall(text)) > UNICODE_ONLY_SHARE * len(text):
        return None
    found = words(text)
    best, best_gain = None, 0.0
    for encoding in ENCODINGS:
        changed = [(w, d) for w in found if (d := decode(w, encoding)) != unicodedata.normalize("NFC", w)]
        if len(changed) < MIN_CHANGED_WORDS:
            continue
        before = sum(is_syllable(w) for w, _ in changed) / len(changed)
        after = sum(is_syllable(d) for _, d in changed) / len(changed)
        gain = after - before
        if after >= MIN_DECODED_SHARE and gain >= MIN_GAIN and gain > best_gain:
            best, best_gain = encoding, gain
    return best
