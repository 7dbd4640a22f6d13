"""Which documents the export keeps: one per document, however many files hold it.

The same document often arrives twice: as DOCX and as PDF, as a scan, or as two copies with different
bytes. Its tasks must not count twice. Two documents are the same when they share issuer, number and
date; or, for a draft with no number, issuer, type, date and title; or when their tasks' texts are the same.
Of each group the export keeps the best source (one with tasks; DOCX over PDF over scan; then the one
with more tasks; then the first seen) and marks the others `duplicate_of` the kept one. Documents whose files are all gone
from the source folder are `removed`. Neither is deleted from the store: the export leaves them out and
says so in `documents`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

import pandas as pd

FORMAT_RANK = {"docx": 0, "pdf": 1, "pdf_scanned": 2}
MIN_TASKS_TO_MATCH = 3  # one or two generic tasks ("Tổ chức thực hiện") may well recur in other documents


def _norm(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


def identity_keys(doc: dict, task_texts: Iterable[str] = ()) -> list[tuple]:
    """The keys under which two rows are the same document (none for a document too vague to match)."""
    issuer, number, date = _norm(doc.get("issuer")), _norm(doc.get("doc_number")), doc.get("doc_date")
    keys: list[tuple] = []
    if issuer and number and date:
        keys.append(("number", issuer, number, str(date)))
    title, doc_type = _norm(doc.get("title")), doc.get("doc_type")
    if not number and issuer and date and title:
        keys.append(("title", issuer, doc_type, str(date), title))
    texts = sorted(t for t in (_norm(x) for x in task_texts) if t)
    if len(texts) >= MIN_TASKS_TO_MATCH:
        keys.append(("tasks", hashlib.sha256("\n".join(texts).encode()).hexdigest()))
    return keys


def _rank(doc: dict) -> tuple:
    """Best first: a copy with tasks, then the better source, then more tasks, then the first seen."""
    return (
        0 if doc.get("task_count") else 1,
        FORMAT_RANK.get(doc.get("source_format") or "", 9),
        -(doc.get("task_count") or 0),
        str(doc.get("first_seen") or doc.get("ingested_at") or ""),
        str(doc.get("doc_id")),
    )


def select_for_export(
    documents: pd.DataFrame, task_texts: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    """`documents` with `duplicate_of` (the doc_id kept instead) and `exported` (its tasks are exported).

    Only documents read successfully and still present take part; a removed one is never kept.
    """
    frame = documents.copy()
    if "removed" not in frame:
        frame["removed"] = False
    frame["duplicate_of"] = None
    task_texts = task_texts or {}
    candidates = [
        row for row in frame.to_dict("records") if row.get("status") == "ok" and not bool(row.get("removed"))
    ]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[tuple, str] = {}
    for row in candidates:
        for key in identity_keys(row, task_texts.get(row["doc_id"], ())):
            if key in owner:
                parent[find(row["doc_id"])] = find(owner[key])
            else:
                owner[key] = row["doc_id"]
    groups: dict[str, list[dict]] = {}
    for row in candidates:
        groups.setdefault(find(row["doc_id"]), []).append(row)
    duplicate_of: dict[str, str] = {}
    for members in groups.values():
        kept = min(members, key=_rank)
        for row in members:
            if row is not kept:
                duplicate_of[row["doc_id"]] = kept["doc_id"]
    frame["duplicate_of"] = frame["doc_id"].map(duplicate_of).astype(object)
    frame["duplicate_of"] = frame["duplicate_of"].where(frame["duplicate_of"].notna(), None)
    frame["exported"] = (
        (frame["status"] == "ok") & ~frame["removed"].astype(bool) & frame["duplicate_of"].isna()
    )
    return frame
