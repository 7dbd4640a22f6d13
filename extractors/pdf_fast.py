"""A born-digital page read by pdfium (pypdfium2) in the shapes pdfplumber gives, without pdfminer.

pdfminer's content-stream parse is ~90% of the PDF path's time; pdfium reads the same page an order
of magnitude faster. `read_fast_page` returns a `FastPage`: characters, rectangles, lines and curves
as pdfplumber's dicts (same keys, same top-left coordinates), so pdfplumber's own word grouping
(`utils.extract_words`) and table algorithm (`TableFinder`) run unchanged on it and `read_page`
cannot tell it from a pdfplumber page.

pdfium cannot say everything pdfminer says. Where it cannot (rotated or mirrored text, a rotated or
cropped page, glyphs without a Unicode mapping, characters outside the BMP, an unnamed font), the
page is not read here: `read_fast_page` returns the reason instead and the caller reads that page
with pdfplumber. `COUNTS` tallies the choices, so a run can show how many pages took which path.
"""

from __future__ import annotations

import ctypes
import itertools
import re
import string
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pypdfium2_raw.bindings as _bindings
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdffont import FontMetricsDB
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral, literal_name
from pdfplumber.container import Container
from pdfplumber.table import Table, TableFinder, TableSettings
from pdfplumber.utils import extract_words
from pdfplumber.utils.text import LIGATURES

__all__ = ["COUNTS", "FastPage", "FontFacts", "count", "open_document", "page_fonts", "read_fast_page"]

COUNTS: Counter[str] = Counter()  # pages read "fast", or by "pdfplumber: <reason>", this process

_BREAKS = frozenset("\r\n")
_BOX_TOL = 0.01  # points: a page box off the origin by more than this is not read here


_SUBSET = re.compile(r"^[A-Z]{6}\+")


def open_document(path: str) -> pdfium.PdfDocument:
    """The PDF opened by pdfium; raises `pdfium.PdfiumError` on a file pdfium cannot read."""
    return pdfium.PdfDocument(path)


@dataclass
class FontFacts:
    """What pdfminer would take from a font's dictionaries and pdfium does not say: the descriptor's
    FontName (pdfplumber's `fontname`) and Descent (where pdfminer puts a glyph's bottom)."""

    fontname: str | None  # None: several fonts share the base name under different names
    descent: float | None  # per unit of font size; None: they disagree, or pdfminer would guess


def page_fonts(path: str) -> list[dict[str, FontFacts]]:
    """Per page, each font's facts by its base name without the subset prefix (pdfium's name).

    Reads the page tree and font dictionaries only (pdfminer, no content stream): milliseconds.
    """
    with open(path, "rb") as fp:
        doc = PDFDocument(PDFParser(fp))
        return [_fonts_of(page.resources) for page in PDFPage.create_pages(doc)]


def _name(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return literal_name(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if value is not None else ""


def _fonts_of(resources: object) -> dict[str, FontFacts]:
    names: defaultdict[str, set[str]] = defaultdict(set)
    descents: defaultdict[str, set[float | None]] = defaultdict(set)
    fonts = resolve1(resolve1(resources or {}).get("Font")) or {}
    for ref in fonts.values():
        spec = resolve1(ref)
        if not isinstance(spec, dict):
            continue
        subtype, base = _name(spec.get("Subtype")), _name(spec.get("BaseFont"))
        if subtype == "Type0":
            descendants = resolve1(spec.get("DescendantFonts")) or [{}]
            spec = resolve1(descendants[0]) or {}
        descriptor = resolve1(spec.get("FontDescriptor"))
        key = _SUBSET.sub("", base)
        if subtype == "Type3" or not isinstance(descriptor, dict):
            descents[key].add(None)  # pdfminer measures these its own way (AFM, font matrix)
            names[key].add(base)
            continue
        if _is_standard(base):
            descents[key].add(None)
        else:
            descent = float(resolve1(descriptor.get("Descent", 0)) or 0)
            descents[key].add(-abs(descent) * 0.001)
        names[key].add(_name(descriptor.get("FontName", "unknown")))
    return {
        key: FontFacts(
            next(iter(names[key])) if len(names[key]) == 1 else None,
            next(iter(descents[key])) if len(descents[key]) == 1 else None,
        )
        for key in names
    }


def _is_standard(base: str) -> bool:
    """One of the 14 standard fonts: pdfminer takes its metrics from its AFM tables, not the PDF."""
    try:
        FontMetricsDB.get_metrics(base)
    except KeyError:
        return False
    return True


@dataclass(eq=False)
class FastPage(Container):
    """The objects of one page in pdfplumber's shapes; duck-types what `read_page` needs of a
    `pdfplumber.page.Page` (`chars`, `rects`, `images`, `edges`, `filter`, `find_tables`,
    `extract_words`)."""

    page_number: int
    width: float
    height: float
    initial_doctop: float
    _objs: dict[str, list[dict]] = field(default_factory=dict)

    @property
    def objects(self) -> dict[str, list[dict]]:
        return self._objs

    @property
    def pages(self) -> None:  # pragma: no cover - a page has no pages
        return None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (0.0, 0.0, self.width, self.height)

    def filter(self, test: Callable[[dict], bool]) -> FastPage:
        """The page with only the objects `test` keeps (as `Page.filter`)."""
        kept = {kind: [o for o in objs if test(o)] for kind, objs in self._objs.items()}
        return FastPage(self.page_number, self.width, self.height, self.initial_doctop, kept)

    def extract_words(self, **kwargs: object) -> list[dict]:
        """pdfplumber's word grouping on this page's characters: `group_words` for the settings
        `read_page` uses, pdfplumber's own `extract_words` for any other."""
        extra = kwargs.pop("extra_attrs", [])
        if not kwargs and isinstance(extra, list | tuple):
            return group_words(self.chars, list(extra))
        return extract_words(self.chars, extra_attrs=extra, **kwargs)

    def find_tables(self, table_settings: dict | None = None) -> list[Table]:
        """pdfplumber's own table finder on this page's ruling lines."""
        return TableFinder(self, TableSettings.resolve(table_settings)).tables  # type: ignore[arg-type]

    def close(self) -> None:
        """Nothing to flush (pdfplumber pages cache their parse; this one holds plain dicts)."""


# ---------------------------------------------------------------- words

WORD_TOLERANCE = 3  # points: pdfplumber's default x_tolerance and y_tolerance


def group_words(chars: list[dict], extra_attrs: list[str]) -> list[dict]:
    """`pdfplumber.utils.extract_words(chars, extra_attrs=...)` with its defaults, for upright
    characters, in a third of the time: the same runs of characters sharing `extra_attrs`, the same
    line clusters (tops within 3 pt), the same breaks (a space, a gap over 3 pt, a step back), the
    same word dicts in the same order."""
    words: list[dict] = []
    if any(not c["upright"] for c in chars):
        return extract_words(chars, extra_attrs=extra_attrs)
    for _, run in itertools.groupby(chars, itemgetter("upright", *extra_attrs)):
        run_chars = list(run)
        cluster: dict[float, int] = {}
        index, last = 0, None
        for top in sorted({c["top"] for c in run_chars}):  # pdfplumber's cluster_list
            if last is not None and top > last + WORD_TOLERANCE:
                index += 1
            cluster[top] = index
            last = top
        line_of = _line_key(cluster)
        for _, line in itertools.groupby(sorted(run_chars, key=line_of), key=line_of):
            word: list[dict] = []
            for char in sorted(line, key=itemgetter("x0")):
                if char["text"].isspace():
                    _flush(word, words, extra_attrs)
                    word = []
                elif word and (
                    char["x0"] < word[-1]["x0"]
                    or char["x0"] > word[-1]["x1"] + WORD_TOLERANCE
                    or abs(char["top"] - word[-1]["top"]) > WORD_TOLERANCE
                ):
                    _flush(word, words, extra_attrs)
                    word = [char]
                else:
                    word.append(char)
            _flush(word, words, extra_attrs)
    return words


def _line_key(cluster: dict[float, int]) -> Callable[[dict], int]:
    return lambda char: cluster[char["top"]]


def _flush(word: list[dict], words: list[dict], extra_attrs: list[str]) -> None:
    if not word:
        return
    first = word[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    for c in word[1:]:  # one pass: words are short, min()/max() over generators cost more
        x0, top = min(x0, c["x0"]), min(top, c["top"])
        x1, bottom = max(x1, c["x1"]), max(bottom, c["bottom"])
    merged = {
        "text": "".join([LIGATURES.get(c["text"], c["text"] or "") for c in word]),
        "x0": x0,
        "x1": x1,
        "top": top,
        "doctop": top + (first["doctop"] - first["top"]),
        "bottom": bottom,
        "upright": first["upright"],
        "height": bottom - top,
        "width": x1 - x0,
        "direction": "ltr",
    }
    for key in extra_attrs:
        merged[key] = first[key]
    words.append(merged)


# ---------------------------------------------------------------- characters


@dataclass
class _Run:
    """What one text object says about all its characters."""

    fontname: str
    size: float  # the glyphs' height on the page: font size × the text matrix's vertical scale
    upright: bool
    font: object  # pdfium's FPDF_FONT, for advance widths
    font_key: int
    advance: float  # font size × the text matrix's horizontal scale: advance widths × this are points
    descent: float  # points below the baseline where pdfminer puts the glyph's bottom (negative)


def _key(handle: object) -> int:
    """The address a pdfium handle points at: one number per object, for caching."""
    return ctypes.addressof(handle.contents)  # type: ignore[attr-defined]


class _Fallback(Exception):
    """This page needs pdfplumber; the message says why."""


def _tag(n: int) -> str:
    """A six-letter subset prefix for the n-th font object ("AAAAAA+", "AAAAAB+", ...)."""
    letters = []
    for _ in range(6):
        n, r = divmod(n, 26)
        letters.append(string.ascii_uppercase[r])
    return "".join(reversed(letters)) + "+"


def _font(font: object, facts: dict[str, FontFacts], names: dict[int, str]) -> tuple[str, float]:
    """pdfplumber's `fontname` for a pdfium font, and its descent per unit of font size.

    pdfium drops the subset prefix ("BAAAAA+"). When one font name stands for the base name on the
    page, that is the name; when several subsets share it, each font object gets a prefix of its
    own, so pdfplumber's word grouping still sees two subsets as two fonts.
    """
    buf = ctypes.create_string_buffer(256)
    n = raw.FPDFFont_GetBaseFontName(font, buf, 256)
    base = buf.raw[: max(0, n - 1)].decode("utf-8", "replace").split("\x00")[0]
    fact = facts.get(base)
    if not base or fact is None:
        raise _Fallback("font not named in the page's resources")
    if fact.descent is None:
        raise _Fallback("font measured differently by pdfminer (Type3, standard 14, disagreeing)")
    if fact.fontname is not None:
        return fact.fontname, fact.descent
    key = _key(font)
    if key not in names:
        names[key] = _tag(len(names)) + base
    return names[key], fact.descent


def _run(obj: int, runs: dict[int, _Run], facts: dict[str, FontFacts], names: dict[int, str]) -> _Run:
    run = runs.get(obj)
    if run is None:
        handle = ctypes.cast(obj, raw.FPDF_PAGEOBJECT)
        matrix = raw.FS_MATRIX()
        raw.FPDFPageObj_GetMatrix(handle, matrix)
        size = ctypes.c_float()
        raw.FPDFTextObj_GetFontSize(handle, size)
        if matrix.b != 0 or matrix.c != 0 or matrix.a <= 0 or matrix.d <= 0:
            raise _Fallback("rotated or mirrored text")
        font = raw.FPDFTextObj_GetFont(handle)
        fontname, descent = _font(font, facts, names)
        height = size.value * matrix.d
        run = _Run(fontname, height, True, font, _key(font), size.value * matrix.a, descent * height)
        runs[obj] = run
    return run


def _glyph_width(run: _Run, ch: str) -> float:
    """The glyph's advance width per unit of font size, from the font's /Widths (pdfminer's `adv`;
    pdfium's loose box would also cover a diacritic hanging past the advance)."""
    out = ctypes.c_float()
    if not raw.FPDFFont_GetGlyphWidth(run.font, ord(ch), ctypes.c_float(1.0), out):
        raise _Fallback("glyph without a width")
    return out.value


def _bind(name: str, argtypes: list[type], restype: type) -> Callable[..., int]:
    """pdfium's `name` taking and returning plain integers for handles (a fresh function object:
    pypdfium2's own keeps its typed signature). Four calls per character are most of the fast
    layer's time; without typed pointers each costs a third less, and a text object's address can
    key a cache directly."""
    func = _PDFIUM[name]
    func.argtypes, func.restype = argtypes, restype
    return func


_PDFIUM = _bindings._libs["pdfium"]  # the loaded library pypdfium2 binds
_VOIDP, _INT = ctypes.c_void_p, ctypes.c_int
_text_object = _bind("FPDFText_GetTextObject", [_VOIDP, _INT], _VOIDP)
_map_error = _bind("FPDFText_HasUnicodeMapError", [_VOIDP, _INT], _INT)
_is_generated = _bind("FPDFText_IsGenerated", [_VOIDP, _INT], _INT)
_char_origin = _bind("FPDFText_GetCharOrigin", [_VOIDP, _INT, _VOIDP, _VOIDP], _INT)


def _chars(
    page: pdfium.PdfPage, height: float, doctop: float, facts: dict[str, FontFacts], names: dict[int, str]
) -> list[dict]:
    textpage = raw.FPDFText_LoadPage(page.raw)
    try:
        n = raw.FPDFText_CountChars(textpage)
        if n <= 0:
            return []
        buf = (ctypes.c_uint16 * (n + 1))()
        raw.FPDFText_GetText(textpage, 0, n, buf)
        text = [chr(u) for u in buf[:n]]
        text = ["-" if ch == "\ufffe" else ch for ch in text]  # pdfium marks a line-end hyphen
        if any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
            raise _Fallback("characters outside the BMP")
        tp = ctypes.cast(textpage, _VOIDP).value
        x, y = ctypes.c_double(), ctypes.c_double()
        x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
        widths_by_font: dict[int, dict[str, float]] = {}
        runs: dict[int, _Run] = {}
        out: list[dict] = []
        last_obj, run, widths = None, None, {}
        for i, ch in enumerate(text):
            if ch in _BREAKS and _is_generated(tp, i):
                continue  # a line break pdfium adds; a space it adds stands for one it swallowed
            if _map_error(tp, i):
                raise _Fallback("glyph without a Unicode mapping")
            obj = _text_object(tp, i)
            _char_origin(tp, i, x_at, y_at)
            if not obj:
                if ch != " " or not out:
                    raise _Fallback("character without a text object")
                # a space pdfium puts where it dropped the space glyph that overlapped the character
                # before: a zero-width space keeps the two words apart, as pdfminer's glyph does
                out.append({**out[-1], "text": " ", "x0": x.value, "x1": x.value, "width": 0.0})
                continue
            if obj != last_obj or run is None:  # characters of one text object come together
                run = _run(obj, runs, facts, names)
                widths = widths_by_font.setdefault(run.font_key, {})
                last_obj = obj
            width = widths.get(ch)
            if width is None:
                width = widths[ch] = _glyph_width(run, ch)
            y0 = y.value + run.descent
            y1 = y0 + run.size
            x0 = x.value
            x1 = x0 + width * run.advance
            top = height - y1
            out.append(
                {
                    "object_type": "char",
                    "page_number": 0,
                    "text": ch,
                    "fontname": run.fontname,
                    "size": run.size,
                    "upright": run.upright,
                    "x0": x0,
                    "x1": x1,
                    "y0": y0,
                    "y1": y1,
                    "top": top,
                    "bottom": height - y0,
                    "doctop": doctop + top,
                    "width": x1 - x0,
                    "height": run.size,
                }
            )
        return out
    finally:
        raw.FPDFText_ClosePage(textpage)


# ---------------------------------------------------------------- ruling lines and images


def _mul(m: tuple[float, ...], n: tuple[float, ...]) -> tuple[float, ...]:
    """m then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _matrix(obj: int) -> tuple[float, ...]:
    m = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, m)
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _subpaths(obj: int, m: tuple[float, ...]) -> list[tuple[str, list[tuple[float, float]]]]:
    """The path as pdfminer sees it: per subpath its operators ("m", "l", "c", "h") and end points."""
    a, b, c, d, e, f = m
    x, y = ctypes.c_float(), ctypes.c_float()
    subpaths: list[tuple[list[str], list[tuple[float, float]]]] = []
    pending_curve = 0
    for i in range(raw.FPDFPath_CountSegments(obj)):
        seg = raw.FPDFPath_GetPathSegment(obj, i)
        kind = raw.FPDFPathSegment_GetType(seg)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        closes = bool(raw.FPDFPathSegment_GetClose(seg))
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append((["m"], [pt]))
            pending_curve = 0
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            pending_curve += 1
            if pending_curve < 3:
                continue  # control points: pdfminer keeps a curve's end point only
            pending_curve = 0
            subpaths[-1][0].append("c")
            subpaths[-1][1].append(pt)
        else:
            ops, pts = subpaths[-1]
            if closes and pt == pts[0]:
                ops.append("h")  # pdfium closes with a line back to the start: pdfminer's "h"
                pts.append(pt)
                continue
            ops.append("l")
            pts.append(pt)
        if closes:
            subpaths[-1][0].append("h")
            subpaths[-1][1].append(subpaths[-1][1][0])
    return [("".join(ops), pts) for ops, pts in subpaths]


def _color(obj: int, getter: Callable) -> tuple[float, ...]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    getter(obj, r, g, b, a)
    return (r.value / 255, g.value / 255, b.value / 255)


def _path_objects(obj: int, m: tuple[float, ...], height: float, doctop: float, objs: dict) -> None:
    """pdfminer's LTLine / LTRect / LTCurve for each subpath, as pdfplumber's dicts."""
    fillmode, stroke_flag = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, fillmode, stroke_flag)
    stroke, fill = bool(stroke_flag.value), fillmode.value != 0
    width = ctypes.c_float()
    raw.FPDFPageObj_GetStrokeWidth(obj, width)
    style = {
        "stroke": stroke,
        "fill": fill,
        "linewidth": width.value,
        "stroking_color": _color(obj, raw.FPDFPageObj_GetStrokeColor),
        "non_stroking_color": _color(obj, raw.FPDFPageObj_GetFillColor),
    }
    for shape, pts in _subpaths(obj, m):
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
        if shape in ("ml", "mlh"):
            kind = "line"
        elif shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
                y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
            )
            kind = "rect" if pts[0] == pts[4] and square else "curve"
        elif len(shape) > 1:
            kind = "curve"
        else:
            continue
        if kind == "line":
            pts = pts[:2]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        top = height - y1
        item = {
            "object_type": kind,
            "page_number": 0,
            "x0": x0,
            "x1": x1,
            "y0": y0,
            "y1": y1,
            "top": top,
            "bottom": height - y0,
            "doctop": doctop + top,
            "width": x1 - x0,
            "height": y1 - y0,
            **style,
        }
        if kind != "rect":
            item["pts"] = [(px, height - py) for px, py in pts]
        objs[kind].append(item)


def _walk(objects: list[int], m: tuple[float, ...] | None, height: float, doctop: float, objs: dict) -> None:
    for obj in objects:
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_PATH:
            own = _matrix(obj)
            _path_objects(obj, own if m is None else _mul(own, m), height, doctop, objs)
        elif kind == raw.FPDF_PAGEOBJ_IMAGE:
            objs["image"].append({"object_type": "image"})
        elif kind == raw.FPDF_PAGEOBJ_FORM:
            own = _matrix(obj)
            inner = [raw.FPDFFormObj_GetObject(obj, i) for i in range(raw.FPDFFormObj_CountObjects(obj))]
            _walk(inner, own if m is None else _mul(own, m), height, doctop, objs)


# ---------------------------------------------------------------- the page


def _plain_box(page: pdfium.PdfPage) -> tuple[float, float] | None:
    """(width, height) when the page is unrotated and its MediaBox starts at the origin and equals
    its CropBox (pdfplumber's coordinates are then pdfium's, flipped); None otherwise."""
    if page.get_rotation() != 0:
        return None
    media, crop = page.get_mediabox(), page.get_cropbox()
    if abs(media[0]) > _BOX_TOL or abs(media[1]) > _BOX_TOL:
        return None
    if any(abs(p - q) > _BOX_TOL for p, q in zip(media, crop, strict=True)):
        return None
    return media[2], media[3]


def read_fast_page(
    doc: pdfium.PdfDocument, index: int, doctop: float, facts: dict[str, FontFacts], names: dict[int, str]
) -> FastPage | str:
    """Page `index` (0-based) as a `FastPage`, or the reason it must be read by pdfplumber.

    `doctop` is the height of the pages before it (pdfplumber's `doctop`), `facts` the page's fonts
    (`page_fonts`); `names` keeps one name per font object across the document's pages.
    """
    page = doc[index]
    try:
        box = _plain_box(page)
        if box is None:
            return "rotated or cropped page"
        width, height = box
        try:
            chars = _chars(page, height, doctop, facts, names)
        except _Fallback as why:
            return str(why)
        objs: dict[str, list[dict]] = {"char": chars, "rect": [], "line": [], "curve": [], "image": []}
        count = raw.FPDFPage_CountObjects(page.raw)
        _walk([raw.FPDFPage_GetObject(page.raw, i) for i in range(count)], None, height, doctop, objs)
        for kind in ("char", "rect", "line", "curve"):
            for o in objs[kind]:
                o["page_number"] = index + 1
    finally:
        page.close()
    return FastPage(index + 1, width, height, doctop, objs)


def count(reason: str | None) -> None:
    """Tally how a page was read: `None` for the fast layer, else why pdfplumber read it."""
    COUNTS["fast" if reason is None else f"pdfplumber: {reason}"] += 1
