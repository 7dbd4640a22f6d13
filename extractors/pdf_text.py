"""Lines of words → text, shared by the born-digital PDF reader and the OCR backend.

Works on `extractors.layout` objects only (no pdfplumber), so a page read by OCR gets the same
word gluing, superscript-marker removal, wrapped-line joining and list-label knowledge.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from extractors.layout import TextLine, Word
from pipeline.knowledge import load_yaml

DATA_FILE = Path(__file__).with_name("data") / "pdf_layout.yaml"

GLUE_GAP = 0.12  # words closer than this × font size are one word split by a font change
SUPERSCRIPT_SIZE = 0.8  # a word this much smaller than its line and raised above it is a marker
SPACE = 0.25  # width of a space in font sizes
_CODE = re.compile(r"^[A-Z0-9.]+$")
_HYPHEN_END = re.compile(r"\w-$")
_HYPHEN_NEXT = re.compile(r"^[A-ZĐ\d]")


@lru_cache(maxsize=1)
def layout_knowledge() -> dict:
    """The editable word lists and patterns (extractors/data/pdf_layout.yaml), compiled once."""
    raw = load_yaml("extractors/data/pdf_layout.yaml")
    return {
        "draft_marks": [re.compile(p) for p in raw["draft_marks"]],
        "page_numbers": [re.compile(p) for p in raw["page_numbers"]],
        "list_labels": [re.compile(p) for p in raw["list_labels"]],
        "sentence_end": re.compile(raw["sentence_end"]),
        "addressee_openers": [re.compile(p) for p in raw["addressee_openers"]],
    }


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def word_size(word: Word) -> float:
    return word.size or max(word.bottom - word.top, 1.0)


def dominant_size(words: Iterable[Word]) -> float:
    """The font size carrying most characters (superscripts and odd words do not move it)."""
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(word_size(w) * 2) / 2] += len(w.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def is_italic(word: Word) -> bool:
    name = (word.fontname or "").lower()
    return "italic" in name or "oblique" in name


def split_markers(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """Separate raised small words (footnote markers such as the "1" in "luật¹") from the text.

    A marker is short, smaller than the word beside it and raised above that word's baseline;
    comparing with the neighbour (not the whole line) keeps two columns of different sizes apart.
    """
    ordered = sorted(words, key=lambda w: w.x0)
    body, markers = [], []
    for i, w in enumerate(ordered):
        size = word_size(w)
        neighbours = [
            n
            for n in (ordered[i - 1] if i else None, ordered[i + 1] if i + 1 < len(ordered) else None)
            if n is not None and min(abs(w.x0 - n.x1), abs(n.x0 - w.x1)) < 1.5 * word_size(n)
        ]
        ref = max(neighbours, key=word_size, default=None)
        if (
            ref is not None
            and len(w.text) <= 4
            and size < SUPERSCRIPT_SIZE * word_size(ref)
            and w.bottom < ref.bottom - 0.2 * word_size(ref)
        ):
            markers.append(w)
            if body and w.x0 - body[-1].x1 < GLUE_GAP * word_size(body[-1]):
                # the word before absorbs the marker's width: "luật¹." reads "luật." with no space
                body[-1] = replace(body[-1], x1=w.x1)
        else:
            body.append(w)
    return body, markers


def join_words(words: list[Word]) -> str:
    """Words of one line left to right; a zero gap (font change mid-word) joins without a space."""
    out: list[str] = []
    prev: Word | None = None
    for w in sorted(words, key=lambda w: w.x0):
        if prev is not None:
            gap = w.x0 - prev.x1
            out.append("" if gap < GLUE_GAP * word_size(w) else " ")
        out.append(w.text)
        prev = w
    return nfc("".join(out))


def line_text(line: TextLine) -> str:
    """The text of a line without superscript footnote markers."""
    body, _ = split_markers(line.words)
    return join_words(body)


def split_label(text: str) -> tuple[str | None, str]:
    """("a)", "rest") when the text starts with a list label, else (None, text)."""
    for pattern in layout_knowledge()["list_labels"]:
        m = pattern.match(text)
        if m and m.end() < len(text):
            return m.group(1), text[m.end() :].strip()
    return None, text


def ends_sentence(text: str) -> bool:
    return bool(layout_knowledge()["sentence_end"].search(text))


def join_wrapped(prev: str, nxt: str) -> str:
    """Join a wrapped line to the text before it; a break after "66-" before "NQ/TW" keeps the hyphen."""
    if not prev:
        return nxt
    if _HYPHEN_END.search(prev) and _HYPHEN_NEXT.match(nxt):
        return prev + nxt
    return prev + " " + nxt


def would_fit(prev: TextLine, nxt: TextLine, width: float) -> bool:
    """True when the first word of `nxt` would have fitted on `prev`: the writer broke the line on purpose."""
    if not nxt.words or not prev.words:
        return False
    first = min(nxt.words, key=lambda w: w.x0)
    size = word_size(first)
    used = prev.x1 - prev.x0
    return used + SPACE * size + (first.x1 - first.x0) < width - 0.5 * size


def _broken_word(line: TextLine, nxt: TextLine, width: float) -> bool:
    """A single word cut by the renderer in a narrow column ("VI" / "I" for "VII"): not even the
    next line's first letter would have fitted after it, so the break is not at a space."""
    if len(line.words) != 1 or len(nxt.words) != 1:
        return False
    first = nxt.words[0]
    if not _CODE.match(line.words[0].text + first.text):
        return False  # only codes and numerals ("VII", "12"); words wrap at spaces
    letter = (first.x1 - first.x0) / max(len(first.text), 1)
    return (line.x1 - line.x0) + letter > width - 0.3


def join_cell_lines(lines: list[TextLine], x0: float, x1: float, padding: float = 5.7) -> str:
    """Text of a table cell: wrapped lines joined by a space, paragraph breaks kept as "\\n".

    A line starts a new paragraph when the previous one stopped early (its next word would have
    fitted) or when it opens with a list label after a finished sentence.
    """
    if not lines:
        return ""
    left_pad = min(padding, max(0.0, min(line.x0 for line in lines) - x0))
    width = (x1 - x0) - 2 * left_pad
    texts = [line_text(line) for line in lines]
    paragraphs = [texts[0]]
    for i in range(1, len(lines)):
        label, _ = split_label(texts[i])
        hard = would_fit(lines[i - 1], lines[i], width) or (label is not None and ends_sentence(texts[i - 1]))
        if hard:
            paragraphs.append(texts[i])
        elif _broken_word(lines[i - 1], lines[i], width):
            paragraphs[-1] += texts[i]
        else:
            paragraphs[-1] = join_wrapped(paragraphs[-1], texts[i])
    return "\n".join(p.strip() for p in paragraphs if p.strip())


def group_lines(words: list[Word]) -> list[TextLine]:
    """Words into lines top to bottom: a word joins the line it overlaps vertically by half its height."""
    lines: list[list[Word]] = []
    bands: list[tuple[float, float]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        height = max(w.bottom - w.top, 0.1)
        placed = False
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = bands[i]
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap > 0.5 * min(height, bottom - top):
                lines[i].append(w)
                if height > bottom - top:  # the band follows the tallest word, not a superscript
                    bands[i] = (w.top, w.bottom)
                placed = True
                break
        if not placed:
            lines.append([w])
            bands.append((w.top, w.bottom))
    result = [TextLine(sorted(ws, key=lambda w: w.x0)) for ws in lines]
    result.sort(key=lambda line: (round(line.top, 1), line.x0))
    return result
