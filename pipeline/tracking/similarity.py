"""How alike two task texts are, the way a reader judges it: shared distinctive words count most.

Reports shorten and reword the plan's tasks, and provinces paraphrase the same resolution, so a plain
edit distance is not enough: the score mixes rapidfuzz's token-set ratio (robust to shortening) with a
TF-IDF cosine over words and word pairs (so "trí tuệ nhân tạo" weighs more than "xây dựng kế hoạch").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from normalizers.text import match_key
from pipeline.tracking.words import tracking_words


@lru_cache(maxsize=1)
def _common_re() -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in tracking_words()["common_words"])
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


@lru_cache(maxsize=65536)
def text_key(text: str | None) -> str:
    """Case-folded words, with the very common phrases of task texts removed."""
    return " ".join(re.findall(r"\w+", _common_re().sub(" ", match_key(text))))


@lru_cache(maxsize=65536)
def clause_keys(text: str | None, min_words: int = 6) -> tuple[str, ...]:
    """Text keys of the clauses of a task (split at ";", ".", ":" and line breaks), short ones dropped."""
    parts = [text_key(p) for p in re.split(r"[;.\n]|:\s", text or "")]
    return tuple(p for p in parts if len(p.split()) >= min_words) or (text_key(text),)


def _terms(key: str) -> list[str]:
    words = key.split()
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


class TextSpace:
    """TF-IDF vectors of a set of texts (the tasks compared with each other), cached by text key."""

    def __init__(self, texts: Sequence[str]) -> None:
        keys = [text_key(t) for t in texts]
        df: Counter[str] = Counter()
        for key in keys:
            df.update(set(_terms(key)))
        n = max(len(keys), 1)
        self._idf = {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}
        self._vectors: dict[str, dict[str, float]] = {}

    def vector(self, key: str) -> dict[str, float]:
        if key not in self._vectors:
            counts = Counter(_terms(key))
            vec = {t: c * self._idf.get(t, 1.0) for t, c in counts.items()}
            norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
            self._vectors[key] = {t: v / norm for t, v in vec.items()}
        return self._vectors[key]

    def cosine(self, ka: str, kb: str) -> float:
        va, vb = self.vector(ka), self.vector(kb)
        if len(va) > len(vb):
            va, vb = vb, va
        return sum(w * vb.get(t, 0.0) for t, w in va.items())

    def clause_similarity(self, a: str, b: str) -> float:
        """The best likeness of a clause of `a` and a clause of `b`: a long task that packs several
        duties ("…; tập trung xây dựng văn hóa tuân thủ pháp luật …") may share just one of them."""
        return max(
            (
                0.5 * self.cosine(x, y) + 0.5 * fuzz.token_set_ratio(x, y) / 100.0
                for x in clause_keys(a)
                for y in clause_keys(b)
            ),
            default=0.0,
        )

    def similarity(self, a: str, b: str) -> float:
        """0..1: the mean of the TF-IDF cosine and rapidfuzz's token-set ratio of the two texts."""
        ka, kb = text_key(a), text_key(b)
        if not ka or not kb:
            return 0.0
        return 0.5 * self.cosine(ka, kb) + 0.5 * fuzz.token_set_ratio(ka, kb) / 100.0


def overlap(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Jaccard overlap of two name lists; None when either is empty (nothing to compare)."""
    sa, sb = {match_key(x) for x in a if x}, {match_key(x) for x in b if x}
    if not sa or not sb:
        return None
    return len(sa & sb) / len(sa | sb)
