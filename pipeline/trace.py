"""The decision trace: why each block of a document became a task, or did not.

Off by default. A stage given a `Trace` records one `Decision` per thing it takes, drops or
classifies, with a reason in plain English for the engineer or analyst asking "why is this paragraph
not a task?". Stages call `trace.record(...)` behind an `if trace is not None` check and pass the
reason as a format string with its arguments (as `logging` does), so tracing off costs one `None`
check and no string formatting.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from pipeline.model import Block, Document, Paragraph, Row, Table

# What a decision says of its block.
TASK = "task"  # the block (or row) became a task
CONTINUATION = "continuation"  # joined to the task of an earlier block
HEADING = "heading"  # a heading or part title: opens a part of the outline
SECTION = "section"  # a section row of a table, or an item that only titles the items below it
SKIPPED = "skipped"  # not a task, and not part of one
NOTE = "note"  # something said of a task already found (lead inherited, deadline not understood)
TABLE = "task_table"  # a table read for tasks
VERDICTS = (TASK, CONTINUATION, HEADING, SECTION, SKIPPED, NOTE, TABLE)


@dataclass
class Decision:
    """One decision on one block: `kind` is "paragraph", "table" or "row" (with `row_index`)."""

    block_index: int | None
    kind: str
    verdict: str
    reason: str
    page: int | None = None
    task_id: str | None = None
    row_index: int | None = None
    depth: int | None = None  # headings: how deep in the outline (1 = top level)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Trace:
    """Decisions in the order the stages made them; `bind` first so blocks are known by index."""

    decisions: list[Decision] = field(default_factory=list)
    _index: dict[int, int] = field(default_factory=dict, repr=False)
    # id(candidate) → the candidate (held, so its id is not reused) and the decisions about it
    _about: dict[int, tuple[object, list[Decision]]] = field(default_factory=dict, repr=False)

    def bind(self, document: Document) -> None:
        """Number the document's blocks (0-based, in reading order) for the decisions to name."""
        self._index = {id(block): i for i, block in enumerate(document.blocks)}

    def block_index(self, block: Block) -> int | None:
        return self._index.get(id(block))

    def record(
        self,
        block: Block,
        verdict: str,
        reason: str,
        *args: object,
        row: Row | None = None,
        row_index: int | None = None,
        candidate: object | None = None,
        depth: int | None = None,
    ) -> Decision:
        """Record a decision; `reason % args` is formatted here, only when tracing is on."""
        if isinstance(block, Table):
            kind = "row" if row_index is not None else "table"
            page = row.page if row is not None and row.page is not None else block.page
        else:
            kind, page = "paragraph", block.page
        decision = Decision(
            block_index=self.block_index(block),
            kind=kind,
            verdict=verdict,
            reason=reason % args if args else reason,
            page=page,
            row_index=row_index,
            depth=depth,
        )
        self.decisions.append(decision)
        if candidate is not None:
            self._about.setdefault(id(candidate), (candidate, []))[1].append(decision)
        return decision

    def about(self, candidate: object, verdict: str, reason: str, *args: object) -> None:
        """A later word on a task already found (its deadline, its agencies, a stage dropping it),
        recorded on the block that made it."""
        known = self._about.get(id(candidate))
        if known is None or not known[1]:
            return
        first = known[1][0]
        note = Decision(
            block_index=first.block_index,
            kind=first.kind,
            verdict=verdict,
            reason=reason % args if args else reason,
            page=first.page,
            row_index=first.row_index,
        )
        self.decisions.append(note)
        known[1].append(note)

    def link(self, candidate: object, task_id: str) -> None:
        """Give every decision about `candidate` the id of the task it became."""
        for decision in self._about.get(id(candidate), (None, []))[1]:
            decision.task_id = task_id

    def unlink(self, candidate: object) -> None:
        """A candidate a later stage dropped: its decisions no longer point at it."""
        self._about.pop(id(candidate), None)

    def for_block(self, index: int) -> list[Decision]:
        return [d for d in self.decisions if d.block_index == index]

    def final(self) -> list[Decision]:
        """The last word on each block and each row: what `explain` shows by default."""
        last: dict[tuple[int | None, int | None], Decision] = {}
        for decision in self.decisions:
            if decision.verdict != NOTE:
                last[(decision.block_index, decision.row_index)] = decision
        return sorted(last.values(), key=_reading_order)


def _reading_order(decision: Decision) -> tuple[int, int]:
    block = -1 if decision.block_index is None else decision.block_index
    return block, -1 if decision.row_index is None else decision.row_index


def excerpt(text: str, limit: int = 80) -> str:
    """A block's text cut for a reason string: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def block_text(block: Block) -> str:
    """The text a person recognizes a block by: a paragraph's label and text, a table's first row."""
    if isinstance(block, Paragraph):
        return f"{block.list_label} {block.text}" if block.list_label else block.text
    first = block.rows[0] if block.rows else None
    return " | ".join(c.text for c in first.cells) if first is not None else ""


__all__ = ["Decision", "Trace", "VERDICTS", "excerpt", "block_text"]
