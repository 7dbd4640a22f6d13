"""One text analyzed for agencies: spaCy tokens and where registry names, head words, titles and groups
start and end. Shared by cell splitting (`agency_cells`) and prose leads (`agency_prose`).
"""

from __future__ import annotations

import bisect
import re

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from normalizers.agency_registry import EDGE, base_key, fuzzy_lookup, knowledge, loose_key
from normalizers.text import modern_tones, one_line
from pipeline.settings import settings

BULLETS = {"-", "+", "•", "*", "·", "–", "−"}


# A list label opening a line of a cell or an item: "- ", "+ ", "1. ", "2) ", "a) ", "(3) ".


SENTENCE_END = {".", "!", "?"}


MAX_PHRASE_TOKENS = 60


def longest_matches(matcher: PhraseMatcher, doc: Doc) -> dict[int, int]:
    """Start token → end token of the longest match starting there."""
    out: dict[int, int] = {}
    for _id, start, end in matcher(doc):
        if end > out.get(start, -1):
            out[start] = end
    return out


class AgencyText:
    """A cleaned text with its tokens and the phrase matches the rules need."""

    def __init__(self, text: str) -> None:
        kb = knowledge()
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
        self.group = longest_matches(kb.group_matcher, doc)
        self.title = longest_matches(kb.title_matcher, doc)
        self.stop = set(longest_matches(kb.stop_matcher, doc))
        self.notverb = longest_matches(kb.notverb_matcher, doc)
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
        return one_line(self.text[self.doc[start].idx : last.idx + len(last)]).strip(EDGE)

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
        if i >= len(doc) or not doc[i].text[:1].isupper() or base_key(doc[i].lower_) not in kb.first_bases:
            return None
        words: list[tuple[str, int]] = []  # (loose word, end token)
        for k in range(i, min(len(doc), i + 24)):
            if (k > i and k in self.newline_before) or doc[k].text in {";", ":"}:
                break
            word = loose_key(doc[k].lower_)
            if word:
                words.append((word, k + 1))
        for n_words in kb.word_counts:
            if n_words > len(words):
                continue
            loose = " ".join(w for w, _ in words[:n_words])
            if (
                loose in kb.loose
                or base_key(loose) in kb.base
                or fuzzy_lookup(loose, settings().fuzzy.agency_cutoff)
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
            if text in SENTENCE_END:
                return k, "end"
            if k > i and k in self.stop and doc[k - 1].lower_ not in self.kb.group_markers:
                end = k
                while end > i and doc[end - 1].is_punct:
                    end -= 1
                return end, "verb"
            if text == ";" and not self.agency_at(k + 1, prose=True):
                return k, "sep"
            if k - i > MAX_PHRASE_TOKENS:
                return k, "long"
            k += 1
        return n, "end"

    def char_to_token(self, char: int) -> int:
        for tok in self.doc:
            if tok.idx >= char:
                return tok.i
        return len(self.doc)
