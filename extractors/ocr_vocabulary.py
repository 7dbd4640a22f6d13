"""Snap OCR lines to known heading words and column headings, keeping the raw text.

Only a whole line (or a whole table cell) is snapped, only when it is very close to one phrase of
`data/ocr_vocabulary.txt`, and the caller keeps the OCR text beside the repaired one: a repair is
never silent. Running text is never rewritten word by word: that would invent words.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from normalizers.labels import OCR_LABEL_PREFIX_RE

VOCABULARY_FILE = Path(__file__).parent / "data" / "ocr_vocabulary.txt"
MIN_LENGTH = 6  # shorter phrases are too easy to confuse ("TT", "Số")
# A heading label kept apart from the phrase: "IV.", "2.", "a)", "B -".
_EDGE_PUNCT = " .:;,"


@dataclass(frozen=True)
class Vocabulary:
    phrases: tuple[str, ...]
    keys: tuple[str, ...]


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split())).casefold().strip(_EDGE_PUNCT)


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Phrases from the data file (one a line, `#` comments), NFC."""
    phrases: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", raw.strip())
        if line and not line.startswith("#") and len(line) >= MIN_LENGTH:
            phrases.append(line)
    by_key: dict[str, str] = {}
    for phrase in phrases:  # one phrase per key; the mixed-case spelling wins over capitals
        if _key(phrase) not in by_key or by_key[_key(phrase)].isupper():
            by_key[_key(phrase)] = phrase
    return Vocabulary(tuple(by_key.values()), tuple(by_key))


def _in_case_of(phrase: str, raw: str) -> str:
    """The phrase written the way the OCR line is: capitals stay capitals."""
    letters = [c for c in raw if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return phrase.upper()
    if phrase.isupper():
        return phrase[0] + phrase[1:].lower()
    return phrase


def max_edits(key: str) -> int:
    """Character edits an OCR error may make in a phrase this long and still be snapped."""
    return 1 if len(key) < 12 else 2 if len(key) < 24 else 3


def snap_text(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """The vocabulary phrase `text` is a near-miss of (label and edge punctuation kept), else None.

    None also when the text already matches exactly: there is nothing to repair.
    """
    vocabulary = vocabulary or load_vocabulary()
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    match = OCR_LABEL_PREFIX_RE.match(text)
    label = match.group(1) if match else ""
    body = text[len(label) :]
    stripped = body.rstrip(_EDGE_PUNCT)
    tail = body[len(stripped) :]
    key = _key(stripped)
    if len(key) < MIN_LENGTH:
        return None
    best = process.extractOne(key, vocabulary.keys, scorer=Levenshtein.distance, score_cutoff=max_edits(key))
    if best is None or best[1] == 0:
        return None  # unknown, or already right (case is the writer's business)
    phrase = vocabulary.phrases[best[2]]
    return label + _in_case_of(phrase, stripped) + tail
