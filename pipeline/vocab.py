"""The Vietnamese knowledge the stages use, loaded once from `pipeline/data/`.

Headings, column names, document types, status words and provinces are data an analyst can edit;
the code only asks questions of them ("which role does this column heading play?").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz

from normalizers.text import match_key

DATA_DIR = Path(__file__).parent / "data"
FUZZY_HEADING = 92.0  # rapidfuzz ratio for a column heading misread by OCR
FUZZY_MIN_CHARS = 10


def _load_yaml(name: str) -> dict:
    with (DATA_DIR / name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _keys(phrases: list[str]) -> list[str]:
    return [match_key(p) for p in phrases]


def starts_with_any(text: str, phrases: list[str]) -> str | None:
    """The first phrase (already a match key) that `text` equals or starts with as whole words."""
    key = match_key(text)
    for phrase in phrases:
        if key.startswith(phrase) and (len(key) == len(phrase) or not key[len(phrase)].isalnum()):
            return phrase
    return None


def contains_any(text: str, phrases: list[str]) -> str | None:
    key = match_key(text)
    for phrase in phrases:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", key):
            return phrase
    return None


@dataclass(frozen=True)
class ColumnVocabulary:
    roles: dict[str, list[str]]
    needs_one_of: list[str]
    year_words: tuple[str, ...] = ()

    def year_in(self, heading: str) -> int | None:
        """The year a heading gives its column ("Thời gian (Năm 2026)" → 2026), or None."""
        if not self.year_words:
            return None
        words = "|".join(re.escape(w) for w in self.year_words)
        found = re.search(rf"(?<!\w)(?:{words})\s*((?:19|20)\d\d)(?!\d)", match_key(heading))
        return int(found.group(1)) if found else None

    def role_of(self, heading: str) -> str | None:
        """The role of a column heading ("Cơ quan chủ trì" → "lead"), or None.

        The longest phrase the heading starts with decides, across all roles: "Đơn vị phối hợp" is a
        partner column even though "Đơn vị" alone names the lead. Equal lengths keep the file order.
        """
        key = match_key(heading).rstrip(" (*)")
        if not key:
            return None
        matches = [
            (len(p), role)
            for role, phrases in self.roles.items()
            for p in phrases
            if starts_with_any(key, [p])
        ]
        if matches:
            return max(matches, key=lambda match: match[0])[1]
        # A scanned heading may carry an OCR slip ("Đơu vị chủ trì"): accept the nearest near-exact match.
        if len(key) >= FUZZY_MIN_CHARS:
            scored = [
                (fuzz.ratio(key, p), role)
                for role, phrases in self.roles.items()
                for p in phrases
                if len(p) >= FUZZY_MIN_CHARS
            ]
            best = max(scored, key=lambda score: score[0], default=None)
            if best is not None and best[0] >= FUZZY_HEADING:
                return best[1]
        return None


@cache
def columns() -> ColumnVocabulary:
    data = _load_yaml("columns.yaml")
    return ColumnVocabulary(
        roles={role: _keys(phrases) for role, phrases in data["roles"].items()},
        needs_one_of=list(data["task_table_needs_one_of"]),
        year_words=tuple(_keys(data["heading_year_words"])),
    )


@dataclass(frozen=True)
class HeadingVocabulary:
    not_tasks: list[str]
    tasks: list[str]
    closing_openers: list[str]
    conditional_openers: list[str]
    conditional_mentions: list[str]
    fillers: list[str]

    def zone_of(self, heading: str) -> str | None:
        """ "task" for a heading that assigns work, "other" for one that does not, None when silent.

        Only the heading's opening words count ("Những khó khăn…", "NHIỆM VỤ CỤ THỂ"): a sub-heading
        that mentions "yêu cầu" in passing says nothing about its part of the document.
        """
        words = match_key(heading).split()
        while words and words[0] in self.fillers:
            words = words[1:]
        opening = " ".join(words)
        if starts_with_any(opening, self.not_tasks):
            return "other"
        if starts_with_any(opening, self.tasks):
            return "task"
        return None

    def is_closing(self, paragraph: str) -> bool:
        if starts_with_any(paragraph, self.closing_openers):
            return True
        return bool(
            starts_with_any(paragraph, self.conditional_openers)
            and contains_any(paragraph, self.conditional_mentions)
        )


@cache
def headings() -> HeadingVocabulary:
    data = _load_yaml("headings.yaml")
    return HeadingVocabulary(
        not_tasks=_keys(data["not_tasks"]),
        tasks=_keys(data["tasks"]),
        closing_openers=_keys(data["closing"]["openers"]),
        conditional_openers=_keys(data["closing"]["conditional_openers"]),
        conditional_mentions=_keys(data["closing"]["conditional_mentions"]),
        fillers=_keys(data["fillers"]),
    )


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
    for key in ("subject_prefixes", "number_prefixes", "header_mottos", "place_levels", "province_levels"):
        data[key] = _keys(data[key])
    data["date_words"] = {k: match_key(v) for k, v in data["date_words"].items()}
    return data


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
    with (DATA_DIR / "provinces.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    spellings = {}
    for row in rows:
        for written in [row["name"], *filter(None, row["aliases"].split("|"))]:
            spellings[match_key(written)] = row["canonical"]
    return dict(sorted(spellings.items(), key=lambda item: len(item[0]), reverse=True))
