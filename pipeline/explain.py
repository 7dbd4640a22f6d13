"""What `nhiemvu explain` shows: every block of a document, whether it became a task, and why.

Runs the same pipeline as `extract`, with a `Trace`, and joins each block's last decision with the
notes said of it (lead inherited, deadline not understood) and a few words of its text. The CLI only
renders these rows; tests and notebooks can use them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.model import DocMeta, Document, Table, Task
from pipeline.trace import HEADING, NOTE, Decision, Trace, block_text, excerpt


@dataclass
class Explanation:
    document: Document
    meta: DocMeta
    tasks: list[Task]
    trace: Trace


@dataclass
class ExplainedBlock:
    """One paragraph, table or table row: its final verdict, the reason, and the notes on it."""

    block_index: int | None
    kind: str
    row_index: int | None
    page: int | None
    verdict: str
    reason: str
    task_id: str | None
    text: str
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "block_index": self.block_index,
            "kind": self.kind,
            "row_index": self.row_index,
            "page": self.page,
            "verdict": self.verdict,
            "reason": self.reason,
            "task_id": self.task_id,
            "text": self.text,
            "notes": self.notes,
        }


@dataclass
class OutlineEntry:
    depth: int
    text: str
    reason: str
    page: int | None


def explain_document(document: Document) -> Explanation:
    from pipeline.tasks import document_to_tasks

    trace = Trace()
    meta, tasks = document_to_tasks(document, trace)
    return Explanation(document, meta, tasks, trace)


def explain_file(path: Path) -> Explanation:
    """Read a file with the backend its content calls for, and trace its tasks."""
    from pipeline.run import extract_document

    return explain_document(extract_document(Path(path)))


def _text(document: Document, decision: Decision, limit: int) -> str:
    if decision.block_index is None:
        return ""
    block = document.blocks[decision.block_index]
    if isinstance(block, Table) and decision.row_index is not None:
        row = block.rows[decision.row_index]
        return excerpt(" | ".join(c.text for c in row.cells if not c.merged_from_above), limit)
    return excerpt(block_text(block), limit)


def explained_blocks(
    explanation: Explanation, page: int | None = None, limit: int = 120
) -> list[ExplainedBlock]:
    """Every block (and table row) in reading order with its final verdict; only `page`'s when given."""
    notes: dict[tuple[int | None, int | None], list[str]] = {}
    for decision in explanation.trace.decisions:
        if decision.verdict == NOTE:
            notes.setdefault((decision.block_index, decision.row_index), []).append(decision.reason)
    rows = []
    for decision in explanation.trace.final():
        if page is not None and decision.page != page:
            continue
        rows.append(
            ExplainedBlock(
                block_index=decision.block_index,
                kind=decision.kind,
                row_index=decision.row_index,
                page=decision.page,
                verdict=decision.verdict,
                reason=decision.reason,
                task_id=decision.task_id,
                text=_text(explanation.document, decision, limit),
                notes=notes.get((decision.block_index, decision.row_index), []),
            )
        )
    return rows


def outline(explanation: Explanation, page: int | None = None) -> list[OutlineEntry]:
    """The headings and titles the outline reader opened, with their depth and what they say of their part."""
    entries = []
    for decision in explanation.trace.decisions:
        if decision.verdict != HEADING or (page is not None and decision.page != page):
            continue
        entries.append(
            OutlineEntry(
                depth=decision.depth or 0,
                text=_text(explanation.document, decision, 90),
                reason=decision.reason,
                page=decision.page,
            )
        )
    return entries


__all__ = [
    "Explanation",
    "ExplainedBlock",
    "OutlineEntry",
    "explain_document",
    "explain_file",
    "explained_blocks",
    "outline",
]
