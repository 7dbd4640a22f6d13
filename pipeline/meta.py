"""Document metadata from the national header and the title block.

Vietnamese administrative documents open the same way (Decree 30/2020/NĐ-CP): the issuing body top
left, the national motto top right, then "Số: …" left and "<Place>, ngày … tháng … năm …" right, then
the document type in capitals and its subject. Drafts leave the number and the day blank.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import cache

from normalizers.labels import parse_label
from normalizers.text import clean, match_key, modern_tones
from pipeline import vocab
from pipeline.model import DocMeta, Document, Paragraph, Table
from pipeline.vocab import starts_with_any

_HEAD_LINES = 40  # header + title sit in the first lines of the body


@cache
def _date_re() -> re.Pattern[str]:
    """ "ngày 06 tháng 4 năm 2026", with the day or month possibly left blank in a draft."""
    words = vocab.documents()["date_words"]
    blank = r"\s*(\d{1,2})?[\s.…_]*"
    return re.compile(
        rf"{words['day']}{blank}{words['month']}{blank}{words['year']}\s*(\d{{4}})", re.IGNORECASE
    )


@cache
def _number_re() -> re.Pattern[str]:
    prefixes = "|".join(map(re.escape, vocab.documents()["number_prefixes"]))
    return re.compile(rf"^\s*(?:{prefixes})\s*[:.]?\s*(.*)$", re.IGNORECASE)


def header_lines(document: Document) -> list[str]:
    """Lines of the header area: layout tables column by column, then the first paragraphs, in order."""
    lines: list[str] = list(document.text_boxes)
    for block in document.blocks[:_HEAD_LINES]:
        if isinstance(block, Table):
            if not block.layout:
                break
            for col in range(block.n_cols):
                for row in block.rows:
                    cell = row.cell_at(col)
                    if cell is not None and cell.col == col and not cell.merged_from_above:
                        lines.extend(clean(cell.text).split("\n"))
        elif isinstance(block, Paragraph):
            label, _ = parse_label(block.text)
            if label is not None and not label.is_bullet and len(lines) > 3:
                break
            lines.extend(clean(block.text).split("\n"))
    return [line for line in lines if line.strip()]


def _doc_number(lines: list[str]) -> str | None:
    for line in lines:
        match = _number_re().match(line)
        if not match:
            continue
        number = re.sub(r"\s+", "", match.group(1))
        number = number.rstrip(".,;")
        # "694/STP-XDPL" or a party document's "45-KH/TU" opens with digits; a draft's "/KH-UBND" or "CV/TU" does not.
        if re.match(r"^\d+[a-zA-Z]?[/-]", number):
            return number
        return None
    return None


def _doc_date(lines: list[str]) -> str | None:
    for line in lines:
        match = _date_re().search(line)
        if match:
            day, month, year = match.groups()
            if not day or not month:
                return None
            try:
                return date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                return None
    return None


def _type_from_title(line: str) -> str | None:
    key = match_key(line)
    for code, spec in vocab.documents()["doc_types"].items():
        if key in spec["titles"]:
            return code
    return None


def _subject_line(lines: list[str]) -> str | None:
    prefixes = vocab.documents()["subject_prefixes"]
    return next((line for line in lines if any(match_key(line).startswith(p) for p in prefixes)), None)


def _type_from_subject(subject: str) -> str:
    key = match_key(subject)
    prefix = next(p for p in vocab.documents()["subject_prefixes"] if key.startswith(p))
    body = key[len(prefix) :].lstrip(" :")
    for code, spec in vocab.documents()["doc_types"].items():
        if any(body.startswith(word) for word in spec["vv"]):
            return code
    return vocab.documents()["subject_default_type"]


def _type_from_number(number_line: str | None) -> str | None:
    if not number_line:
        return None
    for code, spec in vocab.documents()["doc_types"].items():
        for abbreviation in spec["codes"]:
            if re.search(rf"(^|[/\s]){re.escape(abbreviation)}(-|/|$)", number_line):
                return code
    return None


def _title_after(paragraphs: list[Paragraph], index: int) -> str | None:
    """The subject printed under the type word (may run over several centered lines)."""
    parts = []
    for para in paragraphs[index + 1 : index + 4]:
        if not para.centered or (parse_label(para.text)[0] is not None):
            break
        parts.append(para.text)
    return clean(" ".join(parts)).replace("\n", " ") or None


def _find_province(text: str) -> str | None:
    key = match_key(text)
    for written, canonical in vocab.provinces().items():
        if re.search(rf"(?<!\w){re.escape(written)}(?!\w)", key):
            return canonical
    return None


def _body_province(document: Document) -> str | None:
    """The province named most often in the body (for a commune, ward or party committee)."""
    counts: Counter[str] = Counter()
    levels = "|".join(map(re.escape, vocab.documents()["province_levels"]))
    for para in document.paragraphs:
        text = match_key(para.text)
        for written, canonical in vocab.provinces().items():
            found = len(re.findall(rf"(?:{levels})\s+{re.escape(written)}(?!\w)", text))
            counts[canonical] += found
    if not counts or counts.most_common(1)[0][1] == 0:
        for para in document.paragraphs:
            found = _find_province(para.text)
            if found:
                return found
        return None
    return counts.most_common(1)[0][0]


def _sentence_case(line: str) -> str:
    """ "SỞ TƯ PHÁP" → "Sở Tư pháp"; place names after a level word keep their capitals."""
    line = modern_tones(clean(line))
    if not line.isupper():
        return line
    words = line.lower().split()
    levels = set(vocab.documents()["place_levels"])
    out, capitalize_rest = [], False
    for i, word in enumerate(words):
        if i == 0 or capitalize_rest:
            word = word[:1].upper() + word[1:]
        if word.lower() in levels:
            capitalize_rest = True
        out.append(word)
    return " ".join(out)


def _is_central(lines: list[str]) -> bool:
    """The issuing body itself (the last issuer line) is a ministry or a central body ("BỘ NỘI VỤ"):
    it belongs to no province. A body under a ministry ("BỘ CÔNG AN / CÔNG AN TỈNH LÂM ĐỒNG") does."""
    issuer_lines = _issuer_lines(lines)
    own = match_key(issuer_lines[-1]) if issuer_lines else ""
    return starts_with_any(own, vocab.documents()["central_issuers"]) is not None


def _issuer_lines(lines: list[str]) -> list[str]:
    """The header lines naming the issuer: those before the number, the date line or the motto."""
    mottos = vocab.documents()["header_mottos"]
    issuer_lines = []
    for line in lines:
        key = match_key(line)
        if _number_re().match(line) or _date_re().search(line) or any(key.startswith(m) for m in mottos):
            break
        if re.fullmatch(r"[\W_]*", line):
            continue
        issuer_lines.append(line)
    return issuer_lines


def _issuer(lines: list[str], province: str | None) -> str | None:
    """Issuing body from the left header column: "UBND TỈNH HÀ TĨNH" / "SỞ TƯ PHÁP" → "Sở Tư pháp tỉnh Hà Tĩnh"."""
    from normalizers.agency_registry import canonical_agency

    issuer_lines = _issuer_lines(lines)
    if not issuer_lines:
        return None
    parts = [_sentence_case(x) for x in issuer_lines[:3]]
    if len(parts) == 1:
        return canonical_agency(parts[0])[0]
    parent, own = " ".join(parts[:-1]), parts[-1]
    if match_key(own).split()[0] in vocab.documents()["place_levels"]:
        return canonical_agency(f"{parent} {own[:1].lower()}{own[1:]}")[0]
    place = ""
    parent_key = match_key(parent)
    for level in vocab.documents()["place_levels"]:
        position = parent_key.find(f"{level} ")
        if position >= 0:
            place = " " + parent[position:]
            break
    return canonical_agency(own)[0] + (place[:1] + place[1:2].lower() + place[2:] if place else "")


def read_meta(document: Document) -> DocMeta:
    lines = header_lines(document)
    paragraphs = document.paragraphs[:_HEAD_LINES]
    meta = DocMeta(doc_number=_doc_number(lines), doc_date=_doc_date(lines))

    for i, para in enumerate(paragraphs):
        first_line = para.text.split("\n")[0]
        doc_type = _type_from_title(first_line)
        if doc_type and (para.centered or para.bold or para.all_caps):
            meta.doc_type = doc_type
            rest = clean("\n".join(para.text.split("\n")[1:]))
            meta.title = rest.replace("\n", " ") if rest else _title_after(paragraphs, i)
            break
    subject = _subject_line(lines)
    if meta.doc_type is None:
        if subject:
            meta.doc_type = _type_from_subject(subject)
        else:
            number_line = next((line for line in lines if _number_re().match(line)), None)
            meta.doc_type = _type_from_number(number_line) or "other"
    if meta.title is None and subject:
        meta.title = subject

    place_line = next((line for line in lines if _date_re().search(line)), "")
    if not _is_central(lines):
        meta.province = (
            _find_province(" ".join(lines[:6]))
            or _find_province(place_line.split(",")[0])
            or _body_province(document)
        )
    meta.issuer = _issuer(lines, meta.province)
    if meta.issuer and _is_not_issuer(meta.issuer):
        meta.issuer = None
        meta.review_reasons.append("issuer not found in the header")
    # tracking: what the document reports on and what it cites
    from pipeline.tracking.newtasks import new_task_rows
    from pipeline.tracking.refs import read_references

    meta.refers_to, meta.cites = read_references(document, meta)
    meta.new_task_rows = new_task_rows(document) if meta.refers_to else []
    return meta


def _is_not_issuer(name: str) -> bool:
    """True for a subject line read as the issuer ("Về tăng cường sự lãnh đạo …")."""
    words = match_key(name).split()
    prefixes = [match_key(p).split() for p in vocab.documents().get("not_issuer_prefixes", [])]
    return any(p and words[: len(p)] == p for p in prefixes)
