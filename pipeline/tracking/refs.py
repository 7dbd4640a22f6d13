"""References one document makes to another: "Kế hoạch số 444/KH-UBND ngày 13/8/2025".

A report names the plan it reports on (`refers_to`); every document names the resolutions and
programmes it implements (`cites`). Both are read from the title, the body and the footnotes.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from functools import cache

from normalizers.text import match_key, modern_tones, one_line
from pipeline.model import DocMeta, Document
from pipeline.tracking.words import tracking_words

_CONTEXT_CHARS = 70  # how far before a reference a report phrase may sit


@dataclass(frozen=True)
class Reference:
    """One reference as written and normalized."""

    doc_type: str
    type_raw: str
    number: str
    number_key: str
    date: str | None
    raw: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def number_key(number: str | None) -> str | None:
    """A number for comparing: "45-CTr/TU", "45/CTr-TU" and "45 /CTR-TU" are the same document."""
    if not number:
        return None
    key = re.sub(r"\s+", "", modern_tones(number)).upper().replace("–", "-")
    return re.sub(r"[-/]+", "/", key).strip("/.,;") or None


@cache
def _reference_re() -> re.Pattern[str]:
    words = sorted(tracking_words()["reference_types"], key=len, reverse=True)
    types = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    number = r"\d+[A-Za-z]?(?:/\d{4})?\s?[/-]\s?[A-Za-zĐđ&][\wĐđ&]*(?:[/-][\wĐđ&]+)*"
    w = {k: re.escape(v).replace(r"\ ", r"\s+") for k, v in tracking_words()["reference_words"].items()}
    day = rf"\d{{1,2}}\s*[/.-]\s*\d{{1,2}}\s*[/.-]\s*\d{{4}}|\d{{1,2}}\s+{w['month']}\s+\d{{1,2}}\s+{w['year']}\s+\d{{4}}"
    return re.compile(
        rf"(?<!\w)(?P<type>{types})\s+(?:{w['number']}\s*:?\s*)?(?P<number>{number})"
        rf"(?:\s*,?\s*(?:{w['issued']}\s+)?{w['day']}\s+(?P<date>{day}))?",
        re.IGNORECASE,
    )


def _iso(written: str | None) -> str | None:
    if not written:
        return None
    parts = [int(p) for p in re.findall(r"\d+", written)]
    try:
        return date(parts[2], parts[1], parts[0]).isoformat()
    except (ValueError, IndexError):
        return None


def find_references(text: str) -> list[tuple[Reference, int]]:
    """Every reference in `text`, with its offset, in order."""
    text = modern_tones(one_line(text))
    found = []
    for m in _reference_re().finditer(text):
        doc_type = tracking_words()["reference_types"][match_key(re.sub(r"\s+", " ", m.group("type")))]
        number = re.sub(r"\s+", "", m.group("number")).rstrip(".,;")
        raw = m.group(0).strip().rstrip(".,;")
        ref = Reference(
            doc_type, m.group("type"), number, number_key(number) or "", _iso(m.group("date")), raw
        )
        found.append((ref, m.start()))
    return found


def _after_report_phrase(text: str, offset: int) -> bool:
    before = match_key(text[max(0, offset - _CONTEXT_CHARS) : offset])
    return any(phrase in before for phrase in tracking_words()["report_phrases"])


def pick_reported(title: str | None, body: list[str]) -> Reference | None:
    """The document a report reports on: the reference it names most like a plan it follows.

    Its best mention counts (a plan-like type, a report phrase just before it — "kết quả thực hiện …" —,
    being in the title), and being named again a little; a resolution named in the title loses to the plan whose tasks the
    body reviews.
    """
    weights = tracking_words()["trackable_weight"]
    scores: dict[str, float] = {}
    mentions: dict[str, int] = {}
    best: dict[str, Reference] = {}
    for where, texts in (("title", [title or ""]), ("body", body)):
        for text in texts:
            flat = modern_tones(one_line(text))
            for ref, offset in find_references(flat):
                weight = weights.get(ref.doc_type, 0.0)
                if weight == 0.0:
                    continue
                score = weight + 0.5
                score += 2.0 if _after_report_phrase(flat, offset) else 0.0
                score += 1.0 if where == "title" else 0.0
                scores[ref.number_key] = max(scores.get(ref.number_key, 0.0), score)
                mentions[ref.number_key] = mentions.get(ref.number_key, 0) + 1
                kept = best.get(ref.number_key)
                if kept is None or (kept.date is None and ref.date is not None):
                    best[ref.number_key] = ref
    if not scores:
        return None
    return best[max(scores, key=lambda k: scores[k] + 0.25 * min(mentions[k] - 1, 4))]


def document_texts(document: Document) -> list[str]:
    """Body paragraphs, then table cells, then footnotes: where a document names others."""
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells if not cell.merged_from_above)
    return texts + list(document.footnotes) + list(document.text_boxes)


def read_references(document: Document, meta: DocMeta) -> tuple[str | None, list[str]]:
    """(`refers_to` as JSON for a report, `cites`: the number keys of every document it names)."""
    texts = [meta.title or "", *document_texts(document)]
    own = number_key(meta.doc_number)
    cites: list[str] = []
    for text in texts:
        for ref, _ in find_references(text):
            if ref.number_key != own and ref.number_key not in cites:
                cites.append(ref.number_key)
    refers_to = None
    if meta.doc_type in tracking_words()["reporting_types"]:
        reported = pick_reported(meta.title, [p.text for p in document.paragraphs])
        if reported is not None and reported.number_key != own:
            refers_to = reported.to_json()
    return refers_to, cites
