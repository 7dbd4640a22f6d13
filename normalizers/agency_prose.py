"""The lead (and cooperating) agencies a prose item names in its opening words, and headings that are
agencies. The same analyzed text as cell splitting (`agency_text`), with the trigger words and stop
verbs of ``data/lead_patterns.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

from normalizers.agency_cells import normalize_agencies
from normalizers.agency_registry import EDGE
from normalizers.agency_text import SENTENCE_END, AgencyText, longest_matches
from normalizers.labels import LEADING_LABEL_RE
from normalizers.text import clean

_MAX_SENTENCE_CHARS = 600  # a lead is named at the start of an item; the rest cannot change it


@dataclass(frozen=True)
class LeadMention:
    """The phrase naming the lead in a prose sentence (as written), and the cooperating agencies if named."""

    lead_raw: str
    support_raw: str | None


def find_lead_in_sentence(sentence: str) -> LeadMention | None:
    """The lead (and support) a prose item names in its opening words, or None.

    Forms: "X <verb> …", "Giao/Đề nghị/Yêu cầu X …", "X chủ trì, phối hợp với Y …", "X: Chủ trì …",
    "Trên cơ sở …, X …", and a label line "X" followed by the task on the next line.
    An item that opens with a verb names no lead (the caller may inherit its parent's).
    """
    text = clean(sentence)
    if not text:
        return None
    if len(text) > _MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", 0, _MAX_SENTENCE_CHARS)
        text = text[: cut if cut > 0 else _MAX_SENTENCE_CHARS]
    label = LEADING_LABEL_RE.match(text)
    if label:
        text = text[label.end() :]
    t = AgencyText(text)
    start = _lead_start(t, 0)
    if start is None:
        return None
    end, why = t.scan(start)
    # "Ủy ban nhân dân tỉnh giao Sở Tư pháp chủ trì …": the assignee named after "giao" leads.
    inner = longest_matches(t.kb.inner_trigger_matcher, t.doc)
    # "X giao Y …" inside the phrase, or "X đề nghị Y …" where the trigger is the verb that ended it.
    for k in range(start + 1, min(end + 1, len(t))):
        if k in inner and t.agency_at(inner[k], prose=True):
            start = inner[k]
            end, why = t.scan(start)
            break
    if why not in ("verb", "colon", "newline") or end <= start:
        return None
    lead_raw = t.span_text(start, end)
    if not lead_raw:
        return None
    return LeadMention(lead_raw=lead_raw, support_raw=_support_after(t, end))


def find_support_in_sentence(sentence: str) -> str | None:
    """The cooperating agencies a task names with its own duty to cooperate ("Phối hợp với Công an tỉnh
    …", "Chủ trì, phối hợp với Sở Tư pháp …", "… và phối hợp chặt chẽ với các sở, ngành …"): its lead
    is inherited, its partners are its own."""
    text = clean(sentence)[:_MAX_SENTENCE_CHARS]
    if not text:
        return None
    t = AgencyText(text)
    if not len(t):
        return None
    found = _support_after(t, 0)
    if found:
        return found
    # "Định hướng và phối hợp chặt chẽ với các sở, ban, ngành …": the first "phối hợp (với)" that
    # names agencies, wherever it stands.
    for m in t.kb.support_anywhere_re.finditer(text):
        k = t.char_to_token(m.end())
        if k < len(t) and t.agency_at(k, prose=True):
            stop, _why = t.scan(k)
            return t.span_text(k, stop) or None
    return None


def _lead_start(t: AgencyText, i: int) -> int | None:
    """Where the lead phrase starts: after a trigger word, after an opening clause, or right here."""
    trigger = longest_matches(t.kb.trigger_matcher, t.doc).get(i)
    if trigger is not None:
        i = trigger
    else:
        intro = longest_matches(t.kb.intro_matcher, t.doc).get(i)
        if intro is not None:
            for k in range(intro, len(t)):
                tok = t.doc[k].text
                if tok in SENTENCE_END or tok == ";" or k in t.newline_before:
                    return None
                if tok == "," and t.agency_at(k + 1, prose=True):
                    return k + 1
            return None
    if t.agency_at(i, prose=True) or t.fuzzy_agency_at(i):
        return i
    return None


def _support_after(t: AgencyText, end: int) -> str | None:
    """Cooperating agencies named right after the lead: "chủ trì, phối hợp với Y <verb>" or
    "chủ trì, Y phối hợp"."""
    kb, doc = t.kb, t.doc
    if end >= len(doc):
        return None
    flat = t.doc.text
    pos = doc[end].idx
    if doc[end].text == ":":
        pos += 1
    m = kb.support_re.match(flat, pos)
    if m:
        k = t.char_to_token(m.end())
        if t.agency_at(k, prose=True):
            stop, _why = t.scan(k)
            return t.span_text(k, stop) or None
        return None
    m = kb.support_prefix_re.match(flat, pos)
    if m and m.end() > pos:
        k = t.char_to_token(m.end())
        if k > end and t.agency_at(k, prose=True):
            stop, why = t.scan(k)
            rest = flat[doc[stop].idx :] if stop < len(doc) else ""
            rest = rest.lstrip(EDGE)
            if why == "verb" and any(rest.startswith(w) for w in kb.support_before):
                return t.span_text(k, stop) or None
    return None


def agency_heading(text: str, known_only: bool = False) -> str | None:
    """The agencies a heading or a one-line item consists of ("5.1. Trung tâm Quản lý chất lượng",
    "4. Ban Tuyên giáo và Dân vận Tỉnh ủy"), as written; None when the line says anything more.

    Unknown names qualify when they open like an agency and hold no verb known to the data, unless
    `known_only`: a numbered item is a sentence more often than a name, so there only registry names
    count."""
    line = clean(text).split("\n")[0].strip().rstrip(":.")
    if not line or len(line) > _MAX_SENTENCE_CHARS // 4:
        return None
    t = AgencyText(line)
    start = _lead_start(t, 0)
    # "5.3. Đề nghị Viện Kiểm sát nhân dân tỉnh": a request addressed to the agencies it names.
    if start is None or (start != 0 and longest_matches(t.kb.trigger_matcher, t.doc).get(0) != start):
        return None
    end, why = t.scan(start)
    if why != "end" or end < len(t):
        return None
    name = t.span_text(start, end)
    return None if known_only and normalize_agencies(name).unknown else name
