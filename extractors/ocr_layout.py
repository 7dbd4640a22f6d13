"""OCR words → the `PageLayout` pieces a born-digital page gives: lines and table cells in PDF points.

The assembler (`pdf_assemble.py`) reads typography: a change of font size or of boldness, the gap
between lines, the left and right text margins. Tesseract's word boxes are ink boxes (their height
depends on the letters and accents), so each line is set here the way a PDF sets it: one font size
per line (the page's body size for every body line), word boxes from the baseline, and bold judged
from the stroke width on the raster. Cell text is joined with the PDF backend's own rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from statistics import median

import numpy as np

from extractors.layout import GridCell, PageTable, TextLine, Word
from extractors.ocr_raster import Grid
from extractors.ocr_tesseract import DASHES, OcrWord
from extractors.ocr_vocabulary import snap_text
from extractors.pdf_text import join_cell_lines
from normalizers.labels import CLEAN_CELL_LABEL_RE
from normalizers.labels import WHOLE_ROMAN_RE as ROMAN_RE
from pipeline.knowledge import load_yaml
from pipeline.settings import settings

_GLYPHS: dict[str, str] = load_yaml("extractors/data/ocr_glyphs.yaml")

BOLD_STROKE = 1.25  # a word whose strokes are this much thicker than the page's regular text is bold
BOLD_NEIGHBOUR = 1.08  # ... or this much, next to a bold word
CAPS_STROKE = 1.15  # capitals' stems are this much thicker than lower-case ones of the same weight
SIZE_PER_INK_HEIGHT = 1.05  # font size / ink height of a full line, accents to descenders
MARKER_SIZE_PER_INK_HEIGHT = 1.4  # font size / ink height of a lone digit (no accents, no descender)
MIN_WORD_GAP = 0.2  # em; the PDF backend glues words closer than 0.12 em
SAME_SIZE = 0.22  # lines within this share of the body height are set in the body size (footnotes: ~0.7)
_DESCENDERS = set("gpqyjQ,;()[]{}|/")
_DOT_BELOW = "\u0323"


@dataclass
class Frame:
    """Pixel → PDF point mapping of one page image."""

    scale: float  # points per pixel
    ox: float = 0.0
    oy: float = 0.0

    def x(self, px: float) -> float:
        return round(self.ox + px * self.scale, 2)

    def y(self, px: float) -> float:
        return round(self.oy + px * self.scale, 2)


# ---------------------------------------------------------------- lines of words


def _vertical_overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """Overlap of two (top, bottom) spans as a share of the shorter one."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter / max(min(a[1] - a[0], b[1] - b[0]), 1)


def group_rows(words: Iterable[OcrWord]) -> list[list[OcrWord]]:
    """Words grouped into visual lines by vertical overlap, top to bottom, each left to right.

    A line's band is its words' median centre and height, so one tall speck cannot merge two lines.
    """
    rows: list[tuple[list[float], list[OcrWord]]] = []
    for w in sorted(words, key=lambda w: (w.cy, w.left)):
        span = (w.top, w.bottom)
        best = max(rows, key=lambda r: _vertical_overlap(r[0], span), default=None)
        if best is not None and _vertical_overlap(best[0], span) >= 0.5:
            best[1].append(w)
            mid = median(x.cy for x in best[1])
            half = median(x.height for x in best[1]) / 2
            best[0][:] = [mid - half, mid + half]
        else:
            rows.append(([w.top, w.bottom], [w]))
    ordered = sorted(rows, key=lambda r: r[0][0])
    return [sorted(ws, key=lambda w: w.left) for _, ws in ordered]


# ---------------------------------------------------------------- bold from stroke width


def _ink_measures(ink: np.ndarray, w: OcrWord) -> tuple[int, int]:
    """Ink pixels and ink/paper transitions inside a word's box."""
    box = ink[max(w.top, 0) : w.bottom, max(w.left, 0) : w.right]
    if box.size == 0:
        return 0, 0
    b = box.view(np.int8)
    return int(box.sum()), int(np.count_nonzero(np.diff(b, axis=1)) + np.count_nonzero(np.diff(b, axis=0)))


def _caps_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _stroke(measures: Sequence[tuple[int, int, str]]) -> float | None:
    """Stroke width of some words together: 2 × ink area / ink outline, capitals discounted
    (their stems are thicker than lower-case ones in the same weight)."""
    area = sum(m[0] for m in measures)
    edges = sum(m[1] for m in measures)
    if not edges:
        return None
    chars = "".join(m[2] for m in measures)
    return 2 * area / edges / (1 + (CAPS_STROKE - 1) * _caps_share(chars))


def mark_bold(rows: Sequence[Sequence[OcrWord]], ink: np.ndarray) -> list[list[OcrWord]]:
    """The rows with each word's `bold` set from its stroke width on the raster.

    Bold strokes are ~1.45× regular ones at any resolution; the page's regular stroke is a low
    percentile of all words, so a page of mostly bold text still has a reference. A short word
    ("1.", "a)") is measured together with its neighbours; punctuation (a dash is one thick bar)
    is never measured and follows the words around it.
    """
    measures = [
        [(*_ink_measures(ink, w), w.text) if any(c.isalnum() for c in w.text) else None for w in row]
        for row in rows
    ]
    strokes, weights = [], []
    for row_measures in measures:
        for m in row_measures:
            if m is not None and len(m[2]) >= 3 and (st := _stroke([m])) is not None:
                strokes.append(st)
                weights.append(len(m[2]))
    if not strokes:
        return [list(row) for row in rows]
    order = np.argsort(strokes)
    cum = np.cumsum(np.asarray(weights, dtype=float)[order])
    regular = float(np.asarray(strokes)[order][int(np.searchsorted(cum, 0.3 * cum[-1]))])
    return [_bold_row(row, row_measures, regular) for row, row_measures in zip(rows, measures, strict=True)]


def _bold_row(
    row: Sequence[OcrWord], measures: Sequence[tuple[int, int, str] | None], regular: float
) -> list[OcrWord]:
    ratios: list[float | None] = []
    for i, m in enumerate(measures):
        if m is None:
            ratios.append(None)
            continue
        near = [measures[j] for j in range(max(i - 1, 0), min(i + 2, len(row)))] if len(m[2]) < 3 else [m]
        st = _stroke([x for x in near if x is not None])
        ratios.append(st / regular if st is not None else None)
    bold = [r is not None and r >= BOLD_STROKE for r in ratios]
    # Thin letters ("xây", "và") and punctuation inside a bold run: the neighbours decide.
    for i, r in enumerate(ratios):
        around = [bold[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
        if r is None:
            bold[i] = bool(around) and all(around)
        elif not bold[i] and r >= BOLD_NEIGHBOUR and any(around):
            bold[i] = True
    return [replace(w, bold=b) for w, b in zip(row, bold, strict=True)]


# ---------------------------------------------------------------- size and baseline


def _row_height(row: Sequence[OcrWord]) -> int:
    """Ink height of a whole line, accents to descenders: steadier than any single word's box.

    The second-highest top and second-lowest bottom, so one inflated box (a speck read into a
    word) does not make the line look like a heading.
    """
    k = 1 if len(row) >= 3 else 0
    return sorted(w.bottom for w in row)[-1 - k] - sorted(w.top for w in row)[k]


@dataclass
class Typography:
    """The page's body text: line and word ink heights (px), and the font size it is set in (pt)."""

    body_height: float  # a full line, accents to descenders
    word_height: float  # a typical word
    body_size: float

    @classmethod
    def of(cls, rows: Sequence[Sequence[OcrWord]], frame: Frame) -> Typography:
        """Body size from the full lines of the page (mean of the middle half of their heights),
        rounded to a whole point so every page of one document gets the same size."""
        full = [r for r in rows if sum(len(w.text) for w in r) >= 20] or list(rows)
        body = _middle_mean([_row_height(r) for r in full]) if full else 1.0
        word = _middle_mean([w.height for r in full for w in r]) if full else 1.0
        return cls(body, word, max(float(round(body * frame.scale * SIZE_PER_INK_HEIGHT)), 1.0))

    def size_of(self, row: Sequence[OcrWord], frame: Frame) -> float:
        """The body size, unless the line's height and its words' heights both say otherwise (a
        short line has few accents to measure; one inflated box must not make a heading)."""
        line_ratio = _row_height(row) / self.body_height
        word_ratio = median(w.height for w in row) / self.word_height
        if (
            abs(line_ratio - 1) <= SAME_SIZE
            or abs(word_ratio - 1) <= SAME_SIZE
            or (line_ratio - 1) * (word_ratio - 1) < 0
        ):
            return self.body_size
        return _half(self.body_size * min(line_ratio, word_ratio, key=lambda r: abs(r - 1)))


def _middle_mean(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = ordered[len(ordered) // 4 : len(ordered) - len(ordered) // 4] or ordered
    return sum(middle) / len(middle)


def _half(value: float) -> float:
    return max(round(value * 2) / 2, 1.0)


def _sits_on_baseline(text: str) -> bool:
    """No descender and no dot below: the word's ink ends on the baseline."""
    return not (set(text) & _DESCENDERS) and _DOT_BELOW not in unicodedata.normalize("NFD", text)


def _baseline(row: Sequence[OcrWord]) -> float:
    flat = [w.bottom for w in row if _sits_on_baseline(w.text)]
    if flat:
        return float(median(flat))
    return float(median(w.bottom for w in row)) - 0.2 * median(w.height for w in row)


def _set_line(row: Sequence[OcrWord], frame: Frame, typo: Typography) -> list[Word]:
    """Words set like a PDF line: one size, boxes from the baseline; a raised small word (a
    footnote marker) keeps its own size and place so the assembler can tell it apart."""
    height = median(w.height for w in row)
    size = typo.size_of(row, frame)
    base = _baseline(row)
    top = frame.y(base) - 0.8 * size
    words = []
    for w in row:
        marker = w.text.isalnum() and w.height < 0.7 * height and w.bottom < base - 0.25 * height
        w_size = _half(w.height * frame.scale * MARKER_SIZE_PER_INK_HEIGHT) if marker else size
        w_top = frame.y(w.top) if marker else round(top, 2)
        words.append(
            Word(
                text=w.text, x0=frame.x(w.left), top=w_top, x1=frame.x(w.right),
                bottom=round(w_top + w_size, 2), fontname="OCR", size=w_size, bold=w.bold,
                confidence=round(w.conf, 3),
            )
        )  # fmt: skip
    return _keep_apart(words, size)


def _keep_apart(words: list[Word], size: float) -> list[Word]:
    """Tesseract split these words at a space; where their ink boxes nearly touch, pull the left
    box in, so the assembler (which glues words closer than a font change's gap) keeps the space."""
    for i in range(len(words) - 1):
        left, right = words[i], words[i + 1]
        if right.x0 - left.x1 < MIN_WORD_GAP * size:
            words[i] = replace(left, x1=round(max(left.x0 + 0.1, right.x0 - MIN_WORD_GAP * size), 2))
    return words


# ---------------------------------------------------------------- repairs


# A label Tesseract misreads: bold serif "III" comes back as "II", "IH", "HI", "Il"; "I." as "L." or "L".
_ROMAN_LIKE_RE = re.compile(r"^([IlLHÌÍ1|!]{1,4})([.)]?)$")


def _glyph_runs(clean: np.ndarray, top: int, bottom: int, left: int, right: int) -> list[tuple[int, int]]:
    """(first, last) inked rows of each run of inked columns in a box, left to right."""
    box = clean[max(top, 0) : bottom, max(left, 0) : right] < 160
    runs: list[tuple[int, int]] = []
    run_rows = np.zeros(box.shape[0], dtype=bool)
    for column in [*box.T, np.zeros(box.shape[0], dtype=bool)]:
        if column.any():
            run_rows |= column
        elif run_rows.any():
            rows = np.flatnonzero(run_rows)
            runs.append((int(rows[0]), int(rows[-1])))
            run_rows[:] = False
    return runs


def repair_roman_label(w: OcrWord, clean: np.ndarray, next_left: int | None = None) -> OcrWord:
    """Re-read a label made of upright strokes by counting them ("II" with three stems → "III"),
    and give it back its full stop when the raster shows one ("L MỤC TIÊU" → "I. MỤC TIÊU").

    Only a label-shaped token (first word of a line or cell) with a letter I, or "L"/"H" (no
    Vietnamese heading is labelled so), and only when the raster shows 1–3 separate stems.
    """
    match = _ROMAN_LIKE_RE.match(w.text)
    if not match or not (set(match.group(1)) & set(_GLYPHS["roman_i"]) or match.group(1) in "LH"):
        return w
    height = w.bottom - w.top
    right = max(w.right, min(next_left, w.right + height)) if next_left is not None else w.right
    runs = _glyph_runs(clean, w.top, w.bottom, w.left, right)
    stems = sum(1 for a, b in runs if b - a + 1 >= 0.6 * height)
    dot = any(b - a + 1 <= 0.3 * height and a >= 0.6 * height for a, b in runs[stems:]) if stems else False
    suffix = match.group(2) or ("." if dot else "")
    if match.group(1) in "LH" and suffix != ".":
        return w  # a lone "L" or "H" is a label only with its full stop
    fixed = "I" * stems + suffix
    if not 1 <= stems <= 3 or fixed == w.text:
        return w
    return replace(w, text=fixed, raw=w.raw or w.text)


_BARE_NUMBER_RE = re.compile(r"^\d{2,3}$")


def repair_dotted_number(w: OcrWord, clean: np.ndarray) -> OcrWord:
    """Give an item number back the full stop Tesseract dropped ("23" → "2.3"), where the raster
    shows one: a small blob on the baseline between two digits' full-height glyphs."""
    if not _BARE_NUMBER_RE.match(w.text):
        return w
    height = w.bottom - w.top
    text, digits = "", iter(w.text)
    for a, b in _glyph_runs(clean, w.top, w.bottom, w.left, w.right):
        if b - a + 1 >= 0.6 * height:
            text += next(digits, "?")
        elif b - a + 1 <= 0.3 * height and a >= 0.6 * height and text and not text.endswith("."):
            text += "."
    if "?" in text or text.replace(".", "") != w.text or text.endswith(".") or text == w.text:
        return w  # glyphs and digits disagree (touching digits, a speck): leave it
    return replace(w, text=text, raw=w.raw or w.text)


# Roman section numbers in bold serif are Tesseract's weak spot ("II" → "H", "V" → "M", "VI" → "VỊ",
# "VII" → "VH"); such a label is read again with an alphabet of I, V and X only.
_ROMANISH = set(_GLYPHS["romanish"])
_ROMAN_SURE = 0.9
_ACCENTED_I = str.maketrans(_GLYPHS["accented_i"], "I" * len(_GLYPHS["accented_i"]))


def roman_suspect(text: str, conf: float) -> bool:
    """Does this label look like a misread (or unsure) Roman numeral worth a second reading?"""
    core = text.rstrip(".),").replace(" ", "")
    if not core or not set(core) <= _ROMANISH or core.isdigit() or len(core) > 5:
        return False
    if not set(core) & set(_GLYPHS["roman_cores"]) or core in ("L", "l"):
        return False  # a lone "L" is left to the stem count, which also needs its full stop
    return not (ROMAN_RE.match(core) and conf >= _ROMAN_SURE)


# A clean list label in a table's number column: a capital letter, a number with its full stop.


def section_label_suspect(text: str, conf: float) -> bool:
    """Is a section row's number cell ("1", "HỘ!") worth reading again as a Roman numeral?

    A section row's number is a Roman numeral, a capital letter or a dotted number; a bare digit or
    a short scramble there is what Tesseract makes of bold "I" or "III". The raster has the last word.
    """
    core = text.replace(" ", "")
    if not core or len(core) > 4 or CLEAN_CELL_LABEL_RE.match(core):
        return False
    return roman_suspect(text, conf) or not (ROMAN_RE.match(core.rstrip(".")) and conf >= _ROMAN_SURE)


def _ink_width(box: np.ndarray) -> int:
    cols = np.flatnonzero(box.any(axis=0))
    return int(cols[-1] - cols[0] + 1) if len(cols) else 0


def _serif_stems(clean: np.ndarray, w: OcrWord) -> bool:
    """Every glyph of the word is an upright stem with the same serif at its top and its foot: "I",
    not "1" (its flag is narrower than its foot) nor "2" (no stroke runs from top to bottom)."""
    box = clean[max(w.top, 0) : w.bottom, max(w.left, 0) : w.right] < 160
    height = box.shape[0]
    if height < 6 or not box.any():
        return False
    band = max(2, height // 6)
    inked = np.flatnonzero(box.any(axis=0))
    glyphs = np.split(inked, np.flatnonzero(np.diff(inked) > 1) + 1)
    for cols in glyphs:
        glyph = box[:, cols[0] : cols[-1] + 1]
        widths = [_ink_width(part) for part in (glyph[:band], glyph[-band:])]
        if abs(widths[0] - widths[1]) > max(1, 0.2 * max(widths)):
            return False
        if glyph.sum(axis=0).max() < 0.85 * height:
            return False
    return True


def accept_roman(reread: str, w: OcrWord, clean: np.ndarray) -> OcrWord | None:
    """The word re-labelled with the second reading, when that reading is a Roman numeral and the
    raster agrees ("H" becomes "II" only where its two stems stand apart: a real H has a bar; a
    digit becomes "I" only where its glyphs are serif stems)."""
    core = w.text.rstrip(".),").replace(" ", "")
    if not reread:  # no second reading: an accent on an I is a speck ("VỊ I" → "VII")
        reread = core.translate(_ACCENTED_I)
    if not ROMAN_RE.match(reread):
        return None
    if any(c.isdigit() for c in core) and not _serif_stems(clean, w):
        return None
    if core == "H":
        height = w.bottom - w.top
        runs = _glyph_runs(clean, w.top, w.bottom, w.left, w.right)
        if sum(1 for a, b in runs if b - a + 1 >= 0.6 * height) < 2:
            return None
    suffix = "." if w.text.endswith((".", ",")) else ")" if w.text.endswith(")") else ""
    fixed = reread + suffix
    return None if fixed == w.text else replace(w, text=fixed, raw=w.raw or w.text)


# "II1/2026", "1V": a Roman numeral with a digit one among its I's.
_MIXED_ROMAN_RE = re.compile(r"(?<!\w)(?=[IVX1l]*[IVX])(?=[IVX1l]*[1l])([IVX1l]{2,5})(?=[/.,;:)\-]|$)")


def repair_mixed_roman(w: OcrWord) -> OcrWord:
    """A Roman numeral inside running text with a "1" or "l" for one of its I's ("Quý II1/2026")."""

    def fix(match: re.Match[str]) -> str:
        roman = match.group(1).replace("1", "I").replace("l", "I")
        return roman if ROMAN_RE.match(roman) else match.group(1)

    text = _MIXED_ROMAN_RE.sub(fix, w.text)
    return w if text == w.text else replace(w, text=text, raw=w.raw or w.text)


_FOOTNOTE_BANG_RE = re.compile(r"(?<=\w)!(?=[.,;:]$)")


def repair_footnote_bang(w: OcrWord) -> OcrWord:
    """A raised footnote mark read as "!" between a word and its punctuation ("luật!.") goes: an
    exclamation mark is never followed by a full stop or a comma."""
    text = _FOOTNOTE_BANG_RE.sub("", w.text)
    return w if text == w.text else replace(w, text=text, raw=w.raw or w.text)


# Letter labels of Vietnamese lists, in order ("a)", "b)" … "đ)" … "g)"; no f, j, w, z).
LETTER_LABELS = _GLYPHS["letter_labels"]
# What Tesseract makes of a lone label letter in a serif font.
_LABEL_CONFUSIONS = {"ø": "g", "©": "c", "ï": "i", "ì": "i", "í": "i", "î": "i", "€": "e", "é": "e", "ä": "a"}
_LETTER_LABEL_RE = re.compile(r"^[_'`‘’.,~\-]*(\w|©|€)\)$")
_DOLLAR_LABEL_RE = re.compile(r"^\$(?:\.\d{1,2})+\.?$")
_NUMBER_LABEL_RE = re.compile(r"^[_'`‘’.,~\-]*(\d{1,2})([.,])$")


@dataclass
class LabelSequence:
    """The list labels seen so far on a page, to tell what a misread label must have been."""

    letter: str | None = None
    number: int | None = None

    def repair(self, w: OcrWord) -> OcrWord:
        """A line's first word, its list label repaired: noise before it dropped ("_e)" → "e)"), a
        misread letter fixed by the sequence or by known confusions ("ø)" after "e)" → "g)"),
        "5," after "4." read as "5."."""
        if w.text in DASHES:  # a bullet dash read as "~", "—", "_" …: one spelling the assembler knows
            return w if w.text == "-" else replace(w, text="-", raw=w.raw or w.text)
        if _DOLLAR_LABEL_RE.match(w.text):  # "$.1." is "5.1."
            w = replace(w, text=w.text.replace("$", "5"), raw=w.raw or w.text)
        letter = _LETTER_LABEL_RE.match(w.text)
        if letter:
            fixed = self._letter(letter.group(1))
            if fixed is not None:
                self.letter = fixed
                return w if fixed + ")" == w.text else replace(w, text=fixed + ")", raw=w.raw or w.text)
        number = _NUMBER_LABEL_RE.match(w.text)
        if number:
            value, mark = int(number.group(1)), number.group(2)
            if mark == "." or (self.number is not None and value == self.number + 1):
                self.number = value
                fixed = f"{value}."
                return w if fixed == w.text else replace(w, text=fixed, raw=w.raw or w.text)
        return w

    def _letter(self, char: str) -> str | None:
        if char in LETTER_LABELS:
            return char
        if char.isupper() or char.isdigit():
            return None  # "A)", "1)": another kind of label, not a misread letter
        expected = None
        if self.letter is not None and self.letter in LETTER_LABELS[:-1]:
            expected = LETTER_LABELS[LETTER_LABELS.index(self.letter) + 1]
        confused = _LABEL_CONFUSIONS.get(char)
        if expected is not None and (confused is None or confused == expected):
            return expected
        return confused


def _snapped_words(words: list[Word], fixed: str) -> list[Word]:
    """The line's words carrying the repaired phrase; boxes kept where the word count agrees."""
    tokens = fixed.split()
    if len(tokens) == len(words):
        return [replace(w, text=t) for w, t in zip(words, tokens, strict=True)]
    # Otherwise spread the phrase over the line's box, widths in proportion to the words' lengths.
    x0, x1, total = words[0].x0, words[-1].x1, sum(len(t) + 1 for t in tokens)
    conf = [w.confidence for w in words if w.confidence is not None]
    mean_conf = round(sum(conf) / len(conf), 3) if conf else None
    bold = sum(len(w.text) for w in words if w.bold) >= settings().heading.style_share * sum(
        len(w.text) for w in words
    )
    out, pos = [], x0
    for t in tokens:
        width = (x1 - x0) * (len(t) + 1) / total
        out.append(
            replace(
                words[0], text=t, x0=round(pos, 2), x1=round(pos + width, 2), bold=bold, confidence=mean_conf
            )
        )
        pos += width
    return out


# ---------------------------------------------------------------- text lines and cells


def _raw_line(row: Sequence[OcrWord]) -> str:
    return " ".join(w.raw or w.text for w in row)


def text_lines(
    rows: Sequence[Sequence[OcrWord]], frame: Frame, typo: Typography, clean: np.ndarray
) -> list[TextLine]:
    """Rows outside tables as `TextLine`s, top to bottom: label re-read, near-miss headings
    snapped, the OCR text kept in `raw_text` when either changed it."""
    lines = []
    labels = LabelSequence()
    for row in rows:
        next_left = row[1].left if len(row) > 1 else None
        first = repair_dotted_number(repair_roman_label(row[0], clean, next_left), clean)
        row = [repair_footnote_bang(repair_mixed_roman(w)) for w in (labels.repair(first), *row[1:])]
        line = TextLine(_set_line(row, frame, typo))
        fixed = snap_text(line.text)
        if fixed is not None:
            line = TextLine(_snapped_words(line.words, fixed))
        raw = _raw_line(row)
        if line.text != raw:
            line.raw_text = raw
        lines.append(line)
    return lines


@dataclass
class CellText:
    text: str
    raw_text: str | None
    confidence: float | None
    bold: bool


def cell_text(
    rows: Sequence[Sequence[OcrWord]], x0: float, x1: float, frame: Frame, typo: Typography, clean: np.ndarray
) -> CellText:
    """A cell's text joined the way the PDF backend joins a cell (wrapped lines → one paragraph)."""
    words = [w for row in rows for w in row]
    if not words:
        return CellText("", None, None, False)
    rows = [list(row) for row in rows]
    next_left = rows[0][1].left if len(rows[0]) > 1 else None
    rows[0][0] = repair_dotted_number(repair_roman_label(rows[0][0], clean, next_left), clean)
    rows = [[repair_mixed_roman(w) for w in row] for row in rows]
    lines = [TextLine(_set_line(row, frame, typo)) for row in rows]
    text = join_cell_lines(lines, x0, x1)
    raw = text
    if any(w.raw for row in rows for w in row):
        raw_rows = [[replace(w, text=w.raw or w.text) for w in row] for row in rows]
        raw = join_cell_lines([TextLine(_set_line(row, frame, typo)) for row in raw_rows], x0, x1)
    text = snap_text(text.replace("\n", " ")) or text
    chars = sum(len(w.text) for w in words)
    return CellText(
        text=text,
        raw_text=raw if raw != text else None,
        confidence=round(sum(w.conf for w in words) / len(words), 3),
        bold=sum(len(w.text) for w in words if w.bold) >= settings().heading.style_share * chars,
    )


def page_table(
    grid: Grid, cell_rows: dict[int, list[list[OcrWord]]], frame: Frame, typo: Typography, clean: np.ndarray
) -> PageTable:
    """A raster grid with its words as a `PageTable` in points."""
    cells: list[GridCell] = []
    for i, (r, c, rs, cs) in enumerate(grid.cells):
        x0, x1 = frame.x(grid.col_edges[c]), frame.x(grid.col_edges[c + cs])
        content = cell_text(cell_rows.get(i, []), x0, x1, frame, typo, clean)
        cells.append(
            GridCell(
                row=r, col=c, text=content.text, row_span=rs, col_span=cs, bold=content.bold,
                x0=x0, top=frame.y(grid.row_edges[r]), x1=x1, bottom=frame.y(grid.row_edges[r + rs]),
                raw_text=content.raw_text, confidence=content.confidence,
            )
        )  # fmt: skip
    return PageTable(
        cells=cells,
        n_rows=grid.n_rows,
        n_cols=grid.n_cols,
        col_edges=[frame.x(x) for x in grid.col_edges],
        x0=frame.x(grid.col_edges[0]),
        top=frame.y(grid.row_edges[0]),
        x1=frame.x(grid.col_edges[-1]),
        bottom=frame.y(grid.row_edges[-1]),
    )
