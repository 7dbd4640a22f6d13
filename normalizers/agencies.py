"""Agencies: split a "Cơ quan chủ trì / phối hợp" cell into agencies, canonicalize each one through an
editable registry, and find the lead agency named inside a prose sentence.

Every Vietnamese word this module knows lives in data files beside it, so analysts can extend it
for a new province without touching code:

- ``data/agencies.csv``       the registry: ``canonical,aliases,kind`` (aliases separated by ``|``)
- ``data/abbreviations.csv``  ``UBND`` → ``Ủy ban nhân dân`` …
- ``data/agency_words.yaml``  head words that start an agency, group nouns, titles, role words, levels
- ``data/lead_patterns.yaml`` prose: trigger words, stop verbs, support triggers

One rule drives splitting: a separator (``,``, ``và``, a new line) splits only where the text after it
*starts a new agency* (a head word, ``các`` + a group noun, a registry name) and does not sit inside a
registry name. That keeps ``Các sở, ban, ngành`` whole, splits ``Sở Tài chính`` / ``Sở Xây dựng``, and
joins a PDF cell wrapped at the column width (``Sở Khoa học và Công`` / ``nghệ``).
Prose uses the same pieces: a spaCy tokenizer and ``PhraseMatcher``s built from the registry and the
word lists, plus rapidfuzz for OCR near-misses.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import spacy
import yaml
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from normalizers.text import clean, fold_diacritics, match_key, modern_tones, one_line
from pipeline.settings import settings

DATA_DIR = Path(__file__).with_name("data")

_EDGE = " \t,;:.+•*·–-"
_BULLETS = {"-", "+", "•", "*", "·", "–", "−"}
# A list label opening a line of a cell or an item: "- ", "+ ", "1. ", "2) ", "a) ", "(3) ".
_LABEL_RE = re.compile(r"^(?:[-+•*·–−]+|\(?\d{1,2}[.)]|\(?[a-zđ]\)|\(\d{1,2}\))\s*(?=\S)")
_SENTENCE_END = {".", "!", "?"}
_MAX_SENTENCE_CHARS = 600  # a lead is named at the start of an item; the rest cannot change it
_MAX_PHRASE_TOKENS = 60
_PUNCT_RE = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class AgencyList:
    """Canonical agencies of one cell, in cell order; `unknown` are those the registry does not know."""

    names: list[str]
    unknown: list[str]


@dataclass(frozen=True)
class LeadMention:
    """The phrase naming the lead in a prose sentence (as written), and the cooperating agencies if named."""

    lead_raw: str
    support_raw: str | None


# ----------------------------------------------------------------------------------------------
# Knowledge: loaded once from the data files.


def _loose(key: str) -> str:
    """A match key without punctuation: "các sở, ban ngành" and "các sở ban, ngành" compare equal."""
    return " ".join(_PUNCT_RE.sub(" ", key).split())


_WRAPPED_ABBREV_RE = re.compile(r"(?<![\w&])([A-Z][\w,&-]*&\w+)\s([A-Z]{1,2})(?![\w&])")


def _base(text: str) -> str:
    """A key without diacritics, for OCR that lost or garbled tone marks ("Sớ Tư phap")."""
    return fold_diacritics(text)


def _read_yaml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _words_regex(words: list[str]) -> str:
    """An alternation of whole phrases, longest first."""
    return "|".join(re.escape(modern_tones(w)) for w in sorted(set(words), key=len, reverse=True))


class _Knowledge:
    """Everything read from the data files, compiled for matching. Built once per process."""

    def __init__(self) -> None:
        words = _read_yaml("agency_words.yaml")
        patterns = _read_yaml("lead_patterns.yaml")

        # Abbreviations, expanded on word boundaries, case-sensitive ("VP" is not "vp").
        abbrevs = [(r["abbreviation"], r["expansion"]) for r in _read_csv("abbreviations.csv")]
        self.abbrev_map = {modern_tones(a): modern_tones(e) for a, e in abbrevs}
        self.abbrev_re = re.compile(r"(?<![\w&])(" + _words_regex(list(self.abbrev_map)) + r")(?![\w&])")

        heads = [modern_tones(h) for h in words["head_words"]]
        head_keys = {match_key(h) for h in heads}
        self.head_keys = head_keys
        # An abbreviation whose expansion opens with a head word starts an agency too (UBND, VP, STP).
        abbrev_heads = [
            a
            for a, e in self.abbrev_map.items()
            if any(match_key(e) == k or match_key(e).startswith(k + " ") for k in head_keys)
        ]
        self.complete_heads = {match_key(h) for h in words.get("complete_heads", [])}
        self.group_markers = {match_key(w) for w in words["group_markers"]}
        self.level_markers = {match_key(w) for w in words["level_markers"]}
        self.conjunctions = {match_key(w) for w in words["conjunctions"]}
        self.conjunction_re = re.compile(
            r",|" + "|".join(rf"\s{re.escape(w)}\s" for w in words["conjunctions"])
        )
        self.localities = [modern_tones(w) for w in words["locality_words"]]
        self.locality_first = {match_key(w).split()[0] for w in self.localities}
        self.locality_tokens = {t for w in self.localities for t in match_key(w).split()}

        titles_strip = [modern_tones(t) for t in words.get("titles_strip", [])]
        titles_keep = [modern_tones(t) for t in words.get("titles_keep", [])]
        self.title_strip_re = re.compile(r"^(?:" + _words_regex(titles_strip) + r")\s+(?=\S)", re.I)
        roles = _words_regex(words.get("role_suffixes", []))
        self.role_suffix_re = re.compile(r"(?:\s*[(\[]?\s*(?:" + roles + r")\s*[)\]]?)+\s*$")

        self.support_before = [modern_tones(w) for w in patterns.get("support_before", [])]
        prefixes = _words_regex(patterns.get("support_prefixes", []))
        triggers = _words_regex(patterns.get("support_triggers", []))
        self.support_prefix_re = re.compile(r"\s*(?:(?:" + prefixes + r")(?!\w)\s*)*", re.I)
        self.support_re = re.compile(
            r"\s*(?:(?:" + prefixes + r")(?!\w)\s*)*(?:" + triggers + r")(?!\w)\s*", re.I
        )
        self.support_anywhere_re = re.compile(r"(?<!\w)(?:" + triggers + r")(?!\w)\s*", re.I)

        # The registry: every canonical name and alias, keyed after the same clean-up a cell gets.
        self.kind: dict[str, str] = {}
        self.exact: dict[str, str] = {}
        self.loose: dict[str, str] = {}
        base: dict[str, set[str]] = {}
        self.fuzzy_keys: set[str] = set()
        self.by_words: dict[int, list[tuple[str, str]]] = {}
        names: list[tuple[str, str]] = []  # (surface form as written in the data, canonical)
        for row in _read_csv("agencies.csv"):
            canonical = modern_tones(row["canonical"])
            if not canonical:
                continue
            self.kind[canonical] = row.get("kind", "")
            for name in [canonical, *(a for a in row.get("aliases", "").split("|") if a.strip())]:
                name = modern_tones(name.strip())
                names.append((name, canonical))
                expanded = self.expand(name)
                for form in {name, expanded}:
                    key = match_key(form)
                    self.exact.setdefault(key, canonical)
                    loose = _loose(key)
                    self.loose.setdefault(loose, canonical)
                    base.setdefault(_base(loose), set()).add(canonical)
                    if loose not in self.fuzzy_keys:
                        self.fuzzy_keys.add(loose)
                        self.by_words.setdefault(len(loose.split()), []).append((loose, canonical))
        # A key without diacritics is trusted only where it names one agency.
        self.base = {k: next(iter(v)) for k, v in base.items() if len(v) == 1}
        self.first_bases = {_base(k.split()[0]) for k in self.fuzzy_keys if k}
        self.word_counts = sorted(self.by_words, reverse=True)

        # spaCy: a blank multi-language tokenizer ("vi" needs pyvi; its word segmentation is not needed
        # here) and one PhraseMatcher per kind of phrase.
        self.nlp = spacy.blank("xx")
        vocab = self.nlp.vocab
        self.registry_matcher = PhraseMatcher(vocab, attr="LOWER")
        forms: set[str] = set()
        stems: set[str] = set()
        for name, _canonical in names:
            for form in self._written_forms(name):
                forms.add(form)
                stem = self._stem(form)
                if stem:
                    stems.add(stem)
        self.registry_matcher.add("AGENCY", [self.nlp.make_doc(f) for f in sorted(forms)])
        # A name's stem without its level word ("Văn phòng HĐND và UBND" from "… xã") protects the same
        # name at another level ("… huyện") from being split at its "và".
        self.registry_matcher.add("STEM", [self.nlp.make_doc(s) for s in sorted(stems - forms)])

        self.head_matcher = self._matcher(heads + abbrev_heads, "LOWER")
        self.group_matcher = self._matcher(words["group_nouns"], "LOWER")
        self.title_matcher = self._matcher(titles_strip + titles_keep, "LOWER")
        self.stop_matcher = self._matcher(patterns["stop_verbs"], "ORTH")
        self.notverb_matcher = self._matcher(patterns.get("not_verbs", []), "LOWER")
        self.trigger_matcher = self._matcher(patterns.get("lead_triggers", []), "LOWER")
        self.intro_matcher = self._matcher(patterns.get("intro_openers", []), "LOWER")
        self.inner_trigger_matcher = self._matcher(patterns.get("inner_triggers", []), "ORTH")

    def _matcher(self, phrases: list[str], attr: str) -> PhraseMatcher:
        matcher = PhraseMatcher(self.nlp.vocab, attr=attr)
        if phrases:
            matcher.add("P", [self.nlp.make_doc(modern_tones(p)) for p in phrases])
        return matcher

    def expand(self, text: str) -> str:
        """Expand abbreviations: "Sở KH&CN" → "Sở Khoa học và Công nghệ". A PDF may wrap a cell's line
        inside an abbreviation ("Sở VH,TT&D" / "L"): rejoined, it is expanded too."""
        text = _WRAPPED_ABBREV_RE.sub(
            lambda m: m.group(1) + m.group(2) if m.group(1) + m.group(2) in self.abbrev_map else m.group(0),
            text,
        )
        return self.abbrev_re.sub(lambda m: self.abbrev_map[m.group(1)], text)

    def _written_forms(self, name: str) -> set[str]:
        """A registry name as documents may write it: expanded, and with any of its abbreviations put back
        ("Văn phòng HĐND và UBND xã", "VP HĐND và UBND xã" …)."""
        expanded = self.expand(name)
        found = []
        for abbr, exp in sorted(self.abbrev_map.items(), key=lambda kv: -len(kv[1])):
            pattern = re.compile(r"(?<!\w)" + re.escape(exp) + r"(?!\w)", re.I)
            if pattern.search(expanded):
                found.append((abbr, pattern))
        forms = {name, expanded}
        for subset in itertools.chain.from_iterable(
            itertools.combinations(found[:6], r) for r in range(1, min(len(found), 6) + 1)
        ):
            form = expanded
            for abbr, pattern in subset:
                form = pattern.sub(abbr, form)
            forms.add(form)
        return forms

    def _stem(self, form: str) -> str | None:
        """The name without a trailing level word, if that leaves a name with a separator inside."""
        for level in sorted(self.localities, key=len, reverse=True):
            if form.casefold().endswith(" " + level.casefold()):
                stem = form[: -len(level)].rstrip(_EDGE)
                if self.conjunction_re.search(stem):
                    return stem
        return None


@lru_cache(maxsize=1)
def _kb() -> _Knowledge:
    return _Knowledge()


# ----------------------------------------------------------------------------------------------
# One analyzed text: tokens plus what starts where.


def _starts(matcher: PhraseMatcher, doc: Doc) -> dict[int, int]:
    """Start token → end token of the longest match starting there."""
    out: dict[int, int] = {}
    for _id, start, end in matcher(doc):
        if end > out.get(start, -1):
            out[start] = end
    return out


class _Text:
    """A cleaned text with its tokens and the phrase matches the rules need."""

    def __init__(self, text: str) -> None:
        kb = _kb()
        self.kb = kb
        self.text = text
        # Tone placement is length-preserving on NFC text; a new line becomes a space so that a name
        # wrapped at a column edge still matches the registry.
        self.doc = kb.nlp.make_doc(modern_tones(text).replace("\n", " "))
        doc = self.doc
        spans = [doc[s:e] for _id, s, e in kb.registry_matcher(doc)]
        self.reg = {sp.start: sp.end for sp in filter_spans(spans)}
        self.inside = {i for s, e in self.reg.items() for i in range(s + 1, e)}
        self.head: dict[int, list[int]] = {}  # every head starting at a token: "Ban", "Ban Quản lý"
        for _id, start, end in kb.head_matcher(doc):
            self.head.setdefault(start, []).append(end)
        self.group = _starts(kb.group_matcher, doc)
        self.title = _starts(kb.title_matcher, doc)
        self.stop = set(_starts(kb.stop_matcher, doc))
        self.notverb = _starts(kb.notverb_matcher, doc)
        self.newline_before: set[int] = set()
        if "\n" in text:
            starts = [tok.idx for tok in doc]
            for nl in re.finditer("\n", text):
                k = bisect.bisect_right(starts, nl.start())
                if 0 < k < len(doc):
                    self.newline_before.add(k)

    def __len__(self) -> int:
        return len(self.doc)

    def span_text(self, start: int, end: int) -> str:
        """The original text of tokens [start, end), one line, edge punctuation removed."""
        if end <= start:
            return ""
        last = self.doc[end - 1]
        return one_line(self.text[self.doc[start].idx : last.idx + len(last)]).strip(_EDGE)

    def agency_at(self, i: int, prose: bool) -> int | None:
        """Whether an agency name starts at token i; returns where its opening words end.

        In a cell (`prose=False`) a bare head at the end of the text still counts ("…, Thanh tra").
        """
        doc, n = self.doc, len(self.doc)
        if i >= n:
            return None
        if i in self.reg:
            return self.reg[i]
        if i in self.title:
            after = self.agency_at(self.title[i], prose)
            if after:
                return after
        tok = doc[i]
        if tok.lower_ in self.kb.group_markers:
            return self.group.get(i + 1)
        for end in sorted(self.head.get(i, []), reverse=True):
            nxt = doc[end] if end < n else None
            if not tok.text[:1].isupper():
                if nxt is not None and nxt.text[:1].isupper():
                    return end
                continue
            if nxt is None:
                if not prose:
                    return end
                continue
            if (
                nxt.text[:1].isupper()
                or nxt.lower_ in self.kb.locality_first
                or nxt.lower_ in self.kb.group_markers | self.kb.level_markers
                or end in self.stop
            ):
                return end
        return None

    def fuzzy_agency_at(self, i: int) -> int | None:
        """A registry name at token i written with OCR errors ("Sớ Tư phap"): where it ends."""
        kb, doc = self.kb, self.doc
        if i >= len(doc) or not doc[i].text[:1].isupper() or _base(doc[i].lower_) not in kb.first_bases:
            return None
        words: list[tuple[str, int]] = []  # (loose word, end token)
        for k in range(i, min(len(doc), i + 24)):
            if (k > i and k in self.newline_before) or doc[k].text in {";", ":"}:
                break
            word = _loose(doc[k].lower_)
            if word:
                words.append((word, k + 1))
        for n_words in kb.word_counts:
            if n_words > len(words):
                continue
            loose = " ".join(w for w, _ in words[:n_words])
            if (
                loose in kb.loose
                or _base(loose) in kb.base
                or _fuzzy_lookup(loose, settings().fuzzy.agency_cutoff)
            ):
                end = words[n_words - 1][1]
                self.reg[i] = end
                return end
        return None

    def scan(self, i: int) -> tuple[int, str]:
        """Walk an agency phrase from token i to its end: (end token, why it ended).

        It ends at the sentence's verb (a stop verb not inside a registry name), a colon, a new line,
        the sentence end, or a `;` not followed by another agency.
        """
        doc, n = self.doc, len(self.doc)
        k = i
        while k < n:
            if k > i and k in self.newline_before:
                return k, "newline"
            if k in self.reg:
                k = self.reg[k]
                continue
            if k in self.notverb:
                k = self.notverb[k]
                continue
            text = doc[k].text
            if text == ":":
                return k, "colon"
            if text in _SENTENCE_END:
                return k, "end"
            if k > i and k in self.stop and doc[k - 1].lower_ not in self.kb.group_markers:
                end = k
                while end > i and doc[end - 1].is_punct:
                    end -= 1
                return end, "verb"
            if text == ";" and not self.agency_at(k + 1, prose=True):
                return k, "sep"
            if k - i > _MAX_PHRASE_TOKENS:
                return k, "long"
            k += 1
        return n, "end"

    def char_to_token(self, char: int) -> int:
        for tok in self.doc:
            if tok.idx >= char:
                return tok.i
        return len(self.doc)


def _fuzzy_lookup(loose: str, cutoff: float) -> str | None:
    """The registry name within the fuzzy threshold, never across a level word or a different word count.

    "Tỉnh ujy" snaps to "Tỉnh ủy"; "Sở Tư pháp" never to "Sở Tài chính", "… xã" never to "… tỉnh",
    "Các cơ quan, đơn vị liên quan" never to "Các cơ quan, đơn vị có liên quan".
    """
    kb = _kb()
    words = loose.split()
    choices = kb.by_words.get(len(words), [])
    if not choices:
        return None
    found = process.extract(loose, [c[0] for c in choices], scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
    for _key, _score, idx in found:
        cand_words = choices[idx][0].split()
        if len(cand_words) != len(words):
            continue
        differing = [(a, b) for a, b in zip(words, cand_words, strict=True) if a != b]
        if any(a in kb.locality_tokens or b in kb.locality_tokens for a, b in differing):
            continue
        if any(re.search(r"\d", a + b) for a, b in differing):
            continue
        return choices[idx][1]
    return None


# ----------------------------------------------------------------------------------------------
# Public API


def split_agencies(raw: str | None) -> list[str]:
    """Split a cell into agency pieces as written (cleaned, one line each).

    Separators: `;`, a leading `-`/`+`, and a new line, `,` or `và` followed by the start of another
    agency; never inside a registry name. A line wrapped at the column width is joined back.
    """
    text = clean(raw)
    if not text:
        return []
    # A line opening with a list label is a new agency: the label becomes a ";" ending the line before.
    lines = text.split("\n")
    for n, line in enumerate(lines):
        label = _LABEL_RE.match(line)
        if label:
            lines[n] = line[label.end() :]
            if n:
                lines[n - 1] += ";"
    text = "\n".join(lines)
    t = _Text(text)
    doc = t.doc
    pieces: list[str] = []
    start = 0  # first token of the current piece

    def close(end: int) -> None:
        piece = t.span_text(start, end)
        if piece:
            pieces.append(piece)

    for i, tok in enumerate(doc):
        if i < start:
            continue
        if tok.text == ";" or (tok.text in _BULLETS and (i == 0 or i in t.newline_before)):
            close(i)
            start = i + 1
            continue
        if i in t.inside:
            continue
        joins = tok.text == "," or tok.lower_ in t.kb.conjunctions or tok.text in _BULLETS
        if joins and t.agency_at(i + 1, False):
            close(i)
            start = i + 1
            continue
        if i in t.newline_before and i > start and t.agency_at(i, False) and not _bare_head(t, start, i):
            close(i)
            start = i
    close(len(doc))
    return pieces


def _bare_head(t: _Text, start: int, end: int) -> bool:
    """A line holding only a head word or a title ("Văn phòng" / "UBND tỉnh") continues on the next line."""
    if t.title.get(start) == end:
        return True
    if end not in t.head.get(start, []):
        return False
    return match_key(t.span_text(start, end)) not in t.kb.complete_heads


def _surface(piece: str) -> str:
    """A piece as a name: modern tones, no leading title or trailing role words, abbreviations expanded,
    first letter upper case, no edge punctuation."""
    kb = _kb()
    name = modern_tones(one_line(piece)).strip(_EDGE)
    name = kb.title_strip_re.sub("", name)
    stripped = kb.role_suffix_re.sub("", name).strip(_EDGE)
    if stripped and match_key(stripped) not in kb.head_keys:  # "Phòng tổng hợp" keeps its words
        name = stripped
    name = " ".join(kb.expand(name).split()).strip(_EDGE)
    return name[:1].upper() + name[1:]


def _lookup(name: str, cutoff: float) -> str | None:
    """The registry's canonical name: exact key, then without punctuation, without diacritics, then fuzzy."""
    kb = _kb()
    key = match_key(name)
    if key in kb.exact:
        return kb.exact[key]
    loose = _loose(key)
    if loose in kb.loose:
        return kb.loose[loose]
    if _base(loose) in kb.base:
        return kb.base[_base(loose)]
    return _fuzzy_lookup(loose, cutoff)


def canonical_agency(piece: str) -> tuple[str, bool]:
    """(canonical name, whether the registry knows it). Unknown names keep their words, tidied."""
    return _canonical_agency(piece, settings().fuzzy.agency_cutoff)


@lru_cache(maxsize=8192)
def _canonical_agency(piece: str, cutoff: float) -> tuple[str, bool]:
    """Cached: the same few hundred agencies recur across every table of a batch (per cut-off)."""
    name = _surface(piece)
    if not name:
        return "", False
    canonical = _lookup(name, cutoff)
    if canonical is None and (outer := _before_brackets(name)):
        # "Văn phòng UBND tỉnh (Trung tâm Thông tin)": the registered agency, its sub-unit dropped.
        canonical = _lookup(outer, cutoff)
    return (canonical, True) if canonical else (name, False)


def _before_brackets(name: str) -> str | None:
    """The name before a trailing "(…)", or None when there is none."""
    if not name.endswith(")") or "(" not in name:
        return None
    return name[: name.rindex("(")].strip(_EDGE) or None


def normalize_agencies(raw: str | None) -> AgencyList:
    """Split a cell and canonicalize each agency; duplicates are dropped, unknown ones listed."""
    names: list[str] = []
    unknown: list[str] = []
    for piece in split_agencies(raw):
        name, known = canonical_agency(piece)
        if not name or name in names:
            continue
        names.append(name)
        if not known:
            unknown.append(name)
    return AgencyList(names=names, unknown=unknown)


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
    label = _LABEL_RE.match(text)
    if label:
        text = text[label.end() :]
    t = _Text(text)
    start = _lead_start(t, 0)
    if start is None:
        return None
    end, why = t.scan(start)
    # "Ủy ban nhân dân tỉnh giao Sở Tư pháp chủ trì …": the assignee named after "giao" leads.
    inner = _starts(t.kb.inner_trigger_matcher, t.doc)
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
    t = _Text(text)
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


def _lead_start(t: _Text, i: int) -> int | None:
    """Where the lead phrase starts: after a trigger word, after an opening clause, or right here."""
    trigger = _starts(t.kb.trigger_matcher, t.doc).get(i)
    if trigger is not None:
        i = trigger
    else:
        intro = _starts(t.kb.intro_matcher, t.doc).get(i)
        if intro is not None:
            for k in range(intro, len(t)):
                tok = t.doc[k].text
                if tok in _SENTENCE_END or tok == ";" or k in t.newline_before:
                    return None
                if tok == "," and t.agency_at(k + 1, prose=True):
                    return k + 1
            return None
    if t.agency_at(i, prose=True) or t.fuzzy_agency_at(i):
        return i
    return None


def _support_after(t: _Text, end: int) -> str | None:
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
            rest = rest.lstrip(_EDGE)
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
    t = _Text(line)
    start = _lead_start(t, 0)
    # "5.3. Đề nghị Viện Kiểm sát nhân dân tỉnh": a request addressed to the agencies it names.
    if start is None or (start != 0 and _starts(t.kb.trigger_matcher, t.doc).get(0) != start):
        return None
    end, why = t.scan(start)
    if why != "end" or end < len(t):
        return None
    name = t.span_text(start, end)
    return None if known_only and normalize_agencies(name).unknown else name
