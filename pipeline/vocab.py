"""The Vietnamese knowledge the stages use, loaded once from `pipeline/data/`.

Headings, column names, document types, status words and provinces are data an analyst can edit;
the code only asks questions of them ("which role does this column heading play?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from normalizers.text import fold_diacritics, match_key, starts_with_any
from pipeline.knowledge import load_csv, load_yaml

DATA_DIR = Path(__file__).parent / "data"


def _load_yaml(name: str) -> dict:
    return load_yaml(f"pipeline/data/{name}")


def _keys(phrases: list[str]) -> list[str]:
    return [match_key(p) for p in phrases]


def _starts_with(text: str, phrases: list[str], fold: bool) -> bool:
    if not fold:
        return starts_with_any(text, phrases) is not None
    return starts_with_any(fold_diacritics(text), [fold_diacritics(p) for p in phrases]) is not None


def contains_any(text: str, phrases: list[str]) -> str | None:
    key = match_key(text)
    for phrase in phrases:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", key):
            return phrase
    return None


@dataclass(frozen=True)
class HeadingVocabulary:
    not_tasks: list[str]
    tasks: list[str]
    lead_only: list[str]
    part_separators: list[str]
    item_heading_max_words: int
    closing_openers: list[str]
    conditional_openers: list[str]
    conditional_mentions: list[str]
    fillers: list[str]
    recipients_openers: list[str]
    summaries: list[re.Pattern[str]]
    conditional_clauses: list[str]
    contents_openers: list[str]
    narrative_doc_types: list[str]
    instruction_doc_types: list[str]

    def zone_of(self, heading: str) -> str | None:
        """ "task" for a heading that assigns work, "other" for one that does not, "lead_only" for a
        funding part (only sentences naming who acts are tasks), None when silent.

        The opening part decides, except that a later work-assigning part ("CHỈ TIÊU, NHIỆM VỤ")
        opens a mixed part whose sub-parts decide for themselves. Only each part's opening words count ("Những khó khăn…", "NHIỆM VỤ CỤ THỂ"): a sub-heading
        that mentions "yêu cầu" in passing says nothing about its part of the document.
        """
        parts = self._parts(heading)
        if not parts:
            return None
        zone = self._part_zone(parts[0])
        if zone in ("other", None) and any(self._part_zone(part) == "task" for part in parts[1:]):
            return "task"  # "CHỈ TIÊU, NHIỆM VỤ", "Nội dung và quy trình thực hiện": its sub-parts decide
        return zone

    def _parts(self, heading: str) -> list[str]:
        pattern = "|".join(re.escape(sep) for sep in self.part_separators)
        pieces = re.split(pattern, heading, flags=re.IGNORECASE)
        return [key for key in (match_key(piece) for piece in pieces) if key]

    def _part_zone(self, part: str) -> str | None:
        opening = part
        while filler := starts_with_any(opening, self.fillers):  # fillers of several words too
            opening = opening[len(filler) :].strip()
        for fold in (False, True):  # then without diacritics: OCR reads "TỔ CHỨC" as "TÔ CHỨC"
            if _starts_with(opening, self.not_tasks, fold):
                return "other"
            if _starts_with(opening, self.lead_only, fold):
                return "lead_only"
            if _starts_with(opening, self.tasks, fold):
                return "task"
        return None

    def is_part_title(self, item: str) -> bool:
        """ "a) Mục tiêu", "b) Nhiệm vụ": an item that only names a part of the document."""
        text = item.strip()
        if not text or text.endswith((".", ";")) or len(text.split()) > self.item_heading_max_words:
            return False
        return self.zone_of(text.rstrip(":")) is not None

    def is_closing(self, paragraph: str) -> bool:
        if starts_with_any(paragraph, self.closing_openers):
            return True
        return bool(
            starts_with_any(paragraph, self.conditional_openers)
            and contains_any(paragraph, self.conditional_mentions)
        ) or bool(contains_any(paragraph, self.conditional_clauses))

    def opens_recipients(self, paragraph: str) -> bool:
        return starts_with_any(paragraph, self.recipients_openers) is not None

    def is_summary(self, paragraph: str) -> bool:
        """A sentence that counts or points to the tasks instead of being one."""
        key = match_key(paragraph)
        return any(pattern.search(key) for pattern in self.summaries)

    def announces_contents(self, item: str) -> bool:
        """ "… gồm các nội dung sau:": the sub-items below are parts of one product."""
        key = match_key(item).rstrip(" :.")
        return any(key.endswith(" " + phrase) or key == phrase for phrase in self.contents_openers)


@cache
def headings() -> HeadingVocabulary:
    data = _load_yaml("headings.yaml")
    return HeadingVocabulary(
        not_tasks=_keys(data["not_tasks"]),
        tasks=_keys(data["tasks"]),
        lead_only=_keys(data["lead_only"]),
        part_separators=list(data["part_separators"]),
        item_heading_max_words=int(data["item_heading_max_words"]),
        closing_openers=_keys(data["closing"]["openers"]),
        conditional_openers=_keys(data["closing"]["conditional_openers"]),
        conditional_mentions=_keys(data["closing"]["conditional_mentions"]),
        fillers=_keys(data["fillers"]),
        recipients_openers=_keys(data["recipients_openers"]),
        summaries=[_summary_pattern(p, _keys(data["count_words"])) for p in data["summaries"]],
        conditional_clauses=_keys(data["conditional_clauses"]),
        contents_openers=_keys(data["contents_openers"]),
        narrative_doc_types=list(data["narrative_doc_types"]),
        instruction_doc_types=list(data["instruction_doc_types"]),
    )


def _summary_pattern(phrase: str, count_words: list[str]) -> re.Pattern[str]:
    """ "{n} nhóm nhiệm vụ" → a whole-word pattern where {n} is digits or a count word."""
    count = r"(?:\d+|" + "|".join(re.escape(w) for w in count_words) + ")"
    parts = [re.escape(match_key(part)) for part in phrase.split("{n}")]
    body = (r"\s*" + count + r"\s*").join(parts)
    return re.compile(r"(?<!\w)" + body.strip() + r"(?!\w)")


@cache
def appendix_titles() -> list[str]:
    """Openers of an appendix title ("PHỤ LỤC", "DANH MỤC NHIỆM VỤ …"), as match keys."""
    return _keys(_load_yaml("headings.yaml")["appendix_titles"])


@cache
def documents() -> dict:
    data = _load_yaml("documents.yaml")
    for spec in data["doc_types"].values():
        spec["titles"] = _keys(spec["titles"])
        spec["vv"] = _keys(spec["vv"])
    keys = ("subject_prefixes", "number_prefixes", "header_mottos", "place_levels", "province_levels")
    for key in (*keys, "central_issuers"):
        data[key] = _keys(data[key])
    data["date_words"] = {k: match_key(v) for k, v in data["date_words"].items()}
    return data


def is_header_furniture(text: str) -> bool:
    """A line of the national header (the motto, "Độc lập - Tự do - Hạnh phúc"), wherever it stands."""
    return contains_any(text, documents()["header_mottos"][:3]) is not None


@cache
def status_words() -> dict:
    data = _load_yaml("status.yaml")
    data["headings"] = [(match_key(r["phrase"]), r["status"]) for r in data["headings"]]
    data["notes"] = {
        base: [(match_key(r["phrase"]), r["status"]) for r in rules] for base, rules in data["notes"].items()
    }
    data["standalone_notes"] = [(match_key(r["phrase"]), r["status"]) for r in data["standalone_notes"]]
    return data


@cache
def provinces() -> dict[str, str]:
    """Every way a province is written (match key) → its canonical name; longest names first."""
    rows = load_csv("pipeline/data/provinces.csv")
    spellings = {}
    for row in rows:
        for written in [row["name"], *filter(None, row["aliases"].split("|"))]:
            spellings[match_key(written)] = row["canonical"]
    return dict(sorted(spellings.items(), key=lambda item: len(item[0]), reverse=True))
