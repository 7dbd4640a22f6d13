"""Families of the same task across documents that implement the same resolution or programme.

Documents that cite a resolution ("Nghị quyết số 66-NQ/TW") each turn it into tasks in their own words.
Tasks of different documents are joined into one family when their texts are alike and their leads
are the same kind of body ("Sở Tư pháp" of any province is the same body; two communes' People's
Committees are the same kind). A family holds at most one task per document.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from typing import Any

from normalizers.text import match_key
from pipeline.knowledge import load_csv
from pipeline.tracking.settings import SETTINGS, TrackingSettings
from pipeline.tracking.similarity import TextSpace, text_key
from pipeline.tracking.words import tracking_words


@cache
def _kinds() -> dict[str, str]:
    rows = load_csv("normalizers/data/agencies.csv")
    return {match_key(row["canonical"]): row.get("kind") or "" for row in rows}


def agency_kind(name: str) -> str:
    """The registry's kind of a canonical agency ("department", "local" …), or the name itself."""
    return _kinds().get(match_key(name)) or match_key(name)


def lead_score(a: Sequence[str], b: Sequence[str]) -> float:
    """1 for the same body, 0.5 for the same kind of body, 0 otherwise or when a lead is missing.

    Only ever a bonus: a party letter's "Đảng ủy …" and a plan's "Sở …" may well lead the same task.
    """
    if not a or not b:
        return 0.0
    if {match_key(x) for x in a} & {match_key(x) for x in b}:
        return 1.0
    return 0.5 if {agency_kind(x) for x in a} & {agency_kind(x) for x in b} else 0.0


def task_similarity(space: TextSpace, a: str, b: str, settings: TrackingSettings = SETTINGS) -> float:
    """Whole texts alike, or one duty of each alike (worth a little less than the whole)."""
    whole = space.similarity(a, b)
    if whole >= 1.0:
        return whole
    return max(whole, settings.family_clause_weight * space.clause_similarity(a, b))


def is_implemented_kind(key: str) -> bool:
    """Is this number key ("66/NQ/TW") a resolution, programme, plan … (not a letter or a report)?"""
    code = next((part for part in key.split("/") if not part.isdigit()), "")
    return code in tracking_words()["implemented_codes"]


def candidate_pairs(
    members: Sequence[dict[str, Any]], settings: TrackingSettings = SETTINGS
) -> list[tuple[int, int]]:
    """Pairs of tasks sharing a few uncommon word pairs: the only ones worth scoring.

    Scoring every pair is quadratic; two tasks of the same family always share some of their word
    pairs (a shared duty is several words in a row), and unrelated tasks rarely share uncommon ones.
    """
    grams: list[set[str]] = []
    postings: dict[str, list[int]] = {}
    for i, task in enumerate(members):
        words = text_key(task.get("text")).split()
        found = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
        grams.append(found)
        for gram in found:
            postings.setdefault(gram, []).append(i)
    common = settings.family_common_share * max(len(members), 1)
    shared: dict[tuple[int, int], int] = {}
    for ids in postings.values():
        if len(ids) > common and len(members) > 50:
            continue
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                shared[(i, j)] = shared.get((i, j), 0) + 1
    return sorted(pair for pair, n in shared.items() if n >= settings.family_min_shared)


def resolutions_cited(documents: Sequence[dict[str, Any]], min_provinces: int = 2) -> list[str]:
    """Number keys cited by documents of at least `min_provinces` provinces (family types only)."""
    types = set(tracking_words()["family_types"])
    provinces: dict[str, set[str]] = {}
    for doc in documents:
        if doc.get("doc_type") in types and doc.get("province"):
            for key in doc.get("cites") or []:
                if is_implemented_kind(key):
                    provinces.setdefault(key, set()).add(doc["province"])
    return sorted(k for k, p in provinces.items() if len(p) >= min_provinces)


def families_for(
    resolution: str,
    documents: Sequence[dict[str, Any]],
    tasks: Sequence[dict[str, Any]],
    settings: TrackingSettings = SETTINGS,
) -> list[dict[str, Any]]:
    """One row per task of the documents citing `resolution` (a number key), with its family."""
    types = set(tracking_words()["family_types"])
    docs = {
        d["doc_id"]: d
        for d in documents
        if d.get("doc_type") in types and resolution in (d.get("cites") or [])
    }
    members = [t for t in tasks if t["doc_id"] in docs]
    space = TextSpace([t.get("text") or "" for t in members])
    pairs = []
    for i, j in candidate_pairs(members, settings):
        a, b = members[i], members[j]
        if a["doc_id"] == b["doc_id"]:
            continue
        text = task_similarity(space, a.get("text") or "", b.get("text") or "", settings)
        if text + settings.family_lead_bonus < settings.family_threshold:
            continue  # cannot reach the threshold whatever the leads
        score = min(1.0, text + settings.family_lead_bonus * lead_score(a["lead"], b["lead"]))
        if score >= settings.family_threshold:
            pairs.append((score, i, j))
    cluster = list(range(len(members)))
    docs_in = {i: {m["doc_id"]} for i, m in enumerate(members)}
    best = [0.0] * len(members)

    def root(i: int) -> int:
        while cluster[i] != i:
            cluster[i] = cluster[cluster[i]]
            i = cluster[i]
        return i

    for score, i, j in sorted(pairs, reverse=True):
        ri, rj = root(i), root(j)
        if ri == rj or docs_in[ri] & docs_in[rj]:
            continue
        cluster[rj] = ri
        docs_in[ri] |= docs_in.pop(rj)
        best[i], best[j] = max(best[i], score), max(best[j], score)
    groups: dict[int, list[int]] = {}
    for i in range(len(members)):
        groups.setdefault(root(i), []).append(i)
    rows = []
    for indexes in groups.values():
        group = [members[i] for i in indexes]
        family_id = hashlib.sha256("|".join(sorted(t["task_id"] for t in group)).encode()).hexdigest()[:12]
        label = min((t.get("text") or "" for t in group), key=len)
        provinces = {docs[t["doc_id"]].get("province") for t in group}
        for i in indexes:
            task = members[i]
            rows.append(
                {
                    "family_id": family_id,
                    "resolution": resolution,
                    "task_id": task["task_id"],
                    "doc_id": task["doc_id"],
                    "province": docs[task["doc_id"]].get("province"),
                    "lead": list(task.get("lead") or []),
                    "lead_kinds": sorted({agency_kind(x) for x in task.get("lead") or []}),
                    "text": task.get("text"),
                    "score": round(best[i], 4) if len(group) > 1 else None,
                    "family_size": len(group),
                    "family_provinces": len(provinces - {None}),
                    "family_label": label,
                }
            )
    return rows


def all_families(
    documents: Sequence[dict[str, Any]], tasks: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Families for every resolution cited by documents of two provinces or more."""
    return [row for key in resolutions_cited(documents) for row in families_for(key, documents, tasks)]
