"""The agency registry: the knowledge files, and canonicalizing a name through them (rapidfuzz for near-misses).

Every Vietnamese word lives in data files beside this module, so analysts can extend it for a new
province without touching code:

- ``data/agencies.csv``       the registry: ``canonical,aliases,kind`` (aliases separated by ``|``)
- ``data/abbreviations.csv``  ``UBND`` → ``Ủy ban nhân dân`` …
- ``data/agency_words.yaml``  head words that start an agency, group nouns, titles, role words, levels
- ``data/lead_patterns.yaml`` prose: trigger words, stop verbs, support triggers

A name is looked up by its match key, then without punctuation, then without diacritics, then by a
rapidfuzz ratio at least `settings().fuzzy.agency_cutoff`, never across a level word or a number.
Splitting a cell is `agency_cells`, finding a lead in prose `agency_prose`; both read text through
`agency_text`.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import Any

import spacy
from rapidfuzz import fuzz, process
from spacy.matcher import PhraseMatcher

from normalizers.text import fold_diacritics, match_key, modern_tones, one_line
from pipeline.knowledge import load_csv, load_yaml
from pipeline.settings import settings

EDGE = " \t,;:.+•*·–-"


_PUNCT_RE = re.compile(r"[^\w\s]")


def loose_key(key: str) -> str:
    """A match key without punctuation: "các sở, ban ngành" and "các sở ban, ngành" compare equal."""
    return " ".join(_PUNCT_RE.sub(" ", key).split())


_WRAPPED_ABBREV_RE = re.compile(r"(?<![\w&])([A-Z][\w,&-]*&\w+)\s([A-Z]{1,2})(?![\w&])")


def base_key(text: str) -> str:
    """A key without diacritics, for OCR that lost or garbled tone marks ("Sớ Tư phap")."""
    return fold_diacritics(text)


def _read_yaml(name: str) -> dict[str, Any]:
    return load_yaml(f"normalizers/data/{name}")


def _read_csv(name: str) -> list[dict[str, str]]:
    return [{k: (v or "").strip() for k, v in row.items()} for row in load_csv(f"normalizers/data/{name}")]


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
                    loose = loose_key(key)
                    self.loose.setdefault(loose, canonical)
                    base.setdefault(base_key(loose), set()).add(canonical)
                    if loose not in self.fuzzy_keys:
                        self.fuzzy_keys.add(loose)
                        self.by_words.setdefault(len(loose.split()), []).append((loose, canonical))
        # A key without diacritics is trusted only where it names one agency.
        self.base = {k: next(iter(v)) for k, v in base.items() if len(v) == 1}
        self.first_bases = {base_key(k.split()[0]) for k in self.fuzzy_keys if k}
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
                stem = form[: -len(level)].rstrip(EDGE)
                if self.conjunction_re.search(stem):
                    return stem
        return None


@lru_cache(maxsize=1)
def knowledge() -> _Knowledge:
    return _Knowledge()


def fuzzy_lookup(loose: str, cutoff: float) -> str | None:
    """The registry name within the fuzzy threshold, never across a level word or a different word count.

    "Tỉnh ujy" snaps to "Tỉnh ủy"; "Sở Tư pháp" never to "Sở Tài chính", "… xã" never to "… tỉnh",
    "Các cơ quan, đơn vị liên quan" never to "Các cơ quan, đơn vị có liên quan".
    """
    kb = knowledge()
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


def _surface(piece: str) -> str:
    """A piece as a name: modern tones, no leading title or trailing role words, abbreviations expanded,
    first letter upper case, no edge punctuation."""
    kb = knowledge()
    name = modern_tones(one_line(piece)).strip(EDGE)
    name = kb.title_strip_re.sub("", name)
    stripped = kb.role_suffix_re.sub("", name).strip(EDGE)
    if stripped and match_key(stripped) not in kb.head_keys:  # "Phòng tổng hợp" keeps its words
        name = stripped
    name = " ".join(kb.expand(name).split()).strip(EDGE)
    return name[:1].upper() + name[1:]


def _lookup(name: str, cutoff: float) -> str | None:
    """The registry's canonical name: exact key, then without punctuation, without diacritics, then fuzzy."""
    kb = knowledge()
    key = match_key(name)
    if key in kb.exact:
        return kb.exact[key]
    loose = loose_key(key)
    if loose in kb.loose:
        return kb.loose[loose]
    if base_key(loose) in kb.base:
        return kb.base[base_key(loose)]
    return fuzzy_lookup(loose, cutoff)


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
    return name[: name.rindex("(")].strip(EDGE) or None
