"""Word auto-numbering (numbering.xml) resolved to the label a reader sees: "1.", "a)", "(1)", "II.".

Word keeps the label out of the paragraph text; analysts see it on the page, and the task stage
needs it to know an item's number and section. Counters follow Word: lists that share an abstract
definition continue each other, a `startOverride` restarts, and a level resets deeper levels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from normalizers.labels import to_roman

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"


def to_letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa, bb … (the letter repeated)."""
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter",):
        return to_letters(n)
    if fmt == "upperLetter":
        return to_letters(n).upper()
    if fmt == "lowerRoman":
        return to_roman(n).lower()
    if fmt == "upperRoman":
        return to_roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


# Private-use glyphs of the Symbol/Wingdings fonts that Word uses for bullets.
_BULLET_GLYPHS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf076": "❖", "\uf0fc": "✓", "o": "o"}


class Numbering:
    """Counters for every list in one document; call `next_label` for each numbered paragraph in order."""

    def __init__(
        self, abstract_levels: dict[str, dict[int, Level]], nums: dict[str, tuple[str, dict[int, int]]]
    ):
        self._abstract_levels = abstract_levels
        self._nums = nums  # numId → (abstractNumId, {ilvl: startOverride})
        self._counters: dict[str, dict[int, int]] = {}
        self._started_nums: set[str] = set()

    @classmethod
    def from_xml(cls, xml: bytes | None) -> Numbering:
        if not xml:
            return cls({}, {})
        root = etree.fromstring(xml)
        abstract_levels: dict[str, dict[int, Level]] = {}
        for abstract in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.findall(f"{W}lvl"):
                levels[int(lvl.get(f"{W}ilvl", "0"))] = Level(
                    start=int(_val(lvl, "start", "1")),
                    fmt=_val(lvl, "numFmt", "decimal"),
                    text=_val(lvl, "lvlText", ""),
                )
            abstract_levels[abstract.get(f"{W}abstractNumId")] = levels
        nums = {}
        for num in root.findall(f"{W}num"):
            overrides = {}
            for override in num.findall(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val", "1"))
            nums[num.get(f"{W}numId")] = (_val(num, "abstractNumId", ""), overrides)
        return cls(abstract_levels, nums)

    @classmethod
    def from_document(cls, document: object) -> Numbering:
        part = document.part  # type: ignore[attr-defined]
        for rel in part.rels.values():
            if rel.reltype.endswith("/numbering"):
                return cls.from_xml(rel.target_part.blob)
        return cls({}, {})

    def next_label(self, num_id: str | None, ilvl: int) -> str | None:
        """Advance the list's counter at `ilvl` and return the rendered label ("" for a numId of 0)."""
        if not num_id or num_id == "0" or num_id not in self._nums:
            return None
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract_levels.get(abstract_id, {})
        counters = self._counters.setdefault(abstract_id, {})
        if num_id not in self._started_nums:
            self._started_nums.add(num_id)
            for level_index, start in overrides.items():
                counters[level_index] = start - 1
        level = levels.get(ilvl, Level())
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt == "bullet":
            return _BULLET_GLYPHS.get(level.text, level.text) or "•"

        def render(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            lvl = levels.get(index, Level())
            value = counters.get(index, lvl.start)
            return format_number(value, lvl.fmt)

        return re.sub(r"%(\d)", render, level.text).strip()


def _val(element: etree._Element, child: str, default: str) -> str:
    found = element.find(f"{W}{child}")
    return found.get(f"{W}val", default) if found is not None else default
