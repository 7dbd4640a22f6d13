"""From a `Document` to rows of the unified task dataset.

Stages, each a plain function: metadata → outline (prose tasks, table contexts) → table tasks →
normalization of agencies and deadlines → ids, confidence and `needs_review`.
"""

from __future__ import annotations

import hashlib

from normalizers.agency_cells import normalize_agencies
from normalizers.deadlines import find_deadline_phrase, parse_deadline
from normalizers.text import clean, match_key
from pipeline.candidates import Candidate
from pipeline.meta import read_meta
from pipeline.model import DocMeta, Document, Table, Task
from pipeline.outline import read_outline
from pipeline.tables import table_tasks
from pipeline.trace import NOTE, Trace


def task_id(doc_id: str, section_path: list[str], number: str | None, text: str) -> str:
    """Stable id: the same task in the same file gets the same id on every run."""
    key = "\x1f".join([doc_id, "/".join(section_path), number or "", match_key(text)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _candidates(
    document: Document, doc_type: str | None = None, trace: Trace | None = None
) -> list[Candidate]:
    outline = read_outline(document, doc_type, trace)
    found: list[Candidate] = list(outline.prose_tasks)
    for block in document.blocks:
        if isinstance(block, Table) and not block.layout:
            found.extend(table_tasks(block, outline.table_contexts[id(block)], trace))
    return found


def to_task(candidate: Candidate, document: Document, meta: DocMeta, trace: Trace | None = None) -> Task:
    """Normalize one candidate: agencies canonicalized, deadline parsed, review flags set."""
    reasons: list[str] = list(candidate.notes) + list(meta.review_reasons)
    text = clean(candidate.text)
    timeframe_raw = candidate.timeframe_raw
    if timeframe_raw is None and candidate.table_index is None:
        timeframe_raw = find_deadline_phrase(text)
    deadline = parse_deadline(timeframe_raw, default_year=candidate.default_year)
    if not deadline.parsed:
        reasons.append("deadline not understood")
        if trace is not None:
            trace.about(candidate, NOTE, "deadline not understood: '%s'", timeframe_raw)
    lead = normalize_agencies(candidate.lead_raw)
    support = normalize_agencies(candidate.support_raw)
    if lead.unknown or support.unknown:
        reasons.append("unknown agency: " + "; ".join(lead.unknown + support.unknown))
        if trace is not None:
            trace.about(
                candidate, NOTE, "agency not in the registry: %s", "; ".join(lead.unknown + support.unknown)
            )
    if candidate.table_index is not None and not candidate.lead_raw:
        reasons.append("no lead agency")
        if trace is not None:
            trace.about(candidate, NOTE, "no lead agency: the row, its sections and the text above name none")
    if candidate.low_confidence:
        reasons.append("low OCR confidence")
        if trace is not None:
            trace.about(candidate, NOTE, "low OCR confidence")
    confidence = 1.0 - 0.15 * len(reasons) - (0.1 if candidate.table_index is None else 0.0)
    source = document.source
    return Task(
        task_id=task_id(source.doc_id, candidate.section_path, candidate.number, text),
        doc_id=source.doc_id,
        source_file=source.source_file,
        source_format=source.source_format,
        province=meta.province,
        issuer=meta.issuer,
        doc_type=meta.doc_type,
        doc_number=meta.doc_number,
        doc_date=meta.doc_date,
        section_path=candidate.section_path,
        number=candidate.number,
        text=text,
        lead_raw=candidate.lead_raw,
        lead=lead.names,
        support_raw=candidate.support_raw,
        support=support.names,
        output=candidate.output,
        timeframe_raw=timeframe_raw,
        deadline_kind=deadline.kind,
        deadline_start=deadline.start,
        deadline_end=deadline.end,
        recurrence=deadline.recurrence,
        status_raw=candidate.status_raw,
        status=candidate.status,
        page=candidate.page,
        table_index=candidate.table_index,
        row_index=candidate.row_index,
        confidence=round(max(0.1, min(1.0, confidence)), 2),
        needs_review=bool(reasons),
        review_reasons=reasons,
    )


def document_to_tasks(document: Document, trace: Trace | None = None) -> tuple[DocMeta, list[Task]]:
    """Metadata and tasks of a document; a `Trace` given records why each block became a task or not."""
    meta = read_meta(document)
    if trace is None:
        return meta, [to_task(c, document, meta) for c in _candidates(document, meta.doc_type)]
    trace.bind(document)
    tasks = []
    for candidate in _candidates(document, meta.doc_type, trace):
        task = to_task(candidate, document, meta, trace)
        trace.link(candidate, task.task_id)
        tasks.append(task)
    return meta, tasks
