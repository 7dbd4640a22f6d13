"""Which font each Word run is set in, and which fonts hold TCVN3/VNI text instead of Unicode.

A .doc typed with the ABC or VNI keyboard (and the .docx LibreOffice makes from it) stores Vietnamese
as font-specific bytes; the font decides how to read them. A run's font comes from the run itself,
else its character style, else its paragraph style (each through its `basedOn` chain), else the
document defaults: the same order Word applies.
"""

from __future__ import annotations

import docx
from lxml import etree

from normalizers.legacy_text import FontEncoding, detect, font_encoding

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DETECT_CHARS = 20_000  # enough text per font to recognize an encoding; bounds the cost on big files


def _rfonts_name(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    fonts = rpr.find(f"{W}rFonts")
    if fonts is None:
        return None
    return fonts.get(f"{W}hAnsi") or fonts.get(f"{W}ascii")  # bytes 0x80–0xFF are set in the hAnsi font


class RunFonts:
    """Resolves a run's font name from the document's styles."""

    def __init__(self, document: docx.document.Document) -> None:
        self._own: dict[str, str | None] = {}
        self._based_on: dict[str, str] = {}
        self._default_paragraph: str | None = None
        for style in document.styles.element.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            if not style_id:
                continue
            self._own[style_id] = _rfonts_name(style.find(f"{W}rPr"))
            based = style.find(f"{W}basedOn")
            if based is not None and based.get(f"{W}val"):
                self._based_on[style_id] = based.get(f"{W}val")
            if style.get(f"{W}type") == "paragraph" and style.get(f"{W}default") in ("1", "true"):
                self._default_paragraph = style_id
        defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self._default = _rfonts_name(defaults)
        self._cache: dict[str | None, str | None] = {}

    def _style_font(self, style_id: str | None) -> str | None:
        if style_id in self._cache:
            return self._cache[style_id]
        font, seen, current = None, set(), style_id
        while current and current not in seen and font is None:
            seen.add(current)
            font = self._own.get(current)
            current = self._based_on.get(current)
        self._cache[style_id] = font
        return font

    def font_of(self, run: etree._Element) -> str | None:
        rpr = run.find(f"{W}rPr")
        own = _rfonts_name(rpr)
        if own:
            return own
        if rpr is not None and (rstyle := rpr.find(f"{W}rStyle")) is not None:
            font = self._style_font(rstyle.get(f"{W}val"))
            if font:
                return font
        paragraph = run.getparent()
        while paragraph is not None and paragraph.tag != f"{W}p":
            paragraph = paragraph.getparent()
        style_id = self._default_paragraph
        if paragraph is not None:
            pstyle = paragraph.find(f"{W}pPr/{W}pStyle")
            if pstyle is not None:
                style_id = pstyle.get(f"{W}val")
        return self._style_font(style_id) or self._default


def legacy_fonts(body: etree._Element, fonts: RunFonts) -> dict[str | None, FontEncoding]:
    """Fonts of the body whose text is TCVN3 or VNI: known by name, or recognized from their text."""
    texts: dict[str | None, list[str]] = {}
    sizes: dict[str | None, int] = {}
    for run in body.iter(f"{W}r"):
        font = fonts.font_of(run)
        if sizes.get(font, 0) >= _DETECT_CHARS:
            continue
        text = "".join(t.text or "" for t in run.iter(f"{W}t"))
        if text:
            texts.setdefault(font, []).append(text)
            sizes[font] = sizes.get(font, 0) + len(text)
    found: dict[str | None, FontEncoding] = {}
    for font, parts in texts.items():
        known = font_encoding(font)
        if known is None and (guessed := detect(" ".join(parts))):
            known = FontEncoding(guessed)
        if known is not None:
            found[font] = known
    return found
