"""An analyst's corrections, and the one function that applies them to the extracted tasks.

The store keeps what the pipeline extracted (`tasks`) untouched and every correction (`corrections`)
forever; `apply_corrections` turns the two into what the dataset shows (`tasks_reviewed`, and through it
every export). A correction is keyed by `task_id`, which is the same for the same file on every run
(`pipeline.tasks.task_id`), so corrections re-apply after every re-extraction. One whose task is gone
(the file changed, or the pipeline now reads the task differently) is returned as orphaned, so the
caller reports it; nothing is ever dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from normalizers.deadlines import find_deadline_phrase, parse_deadline
from pipeline.model import TASK_COLUMNS, DocumentRecord, Task

EDIT, REJECT, RESTORE, CONFIRM, ADD = "edit", "reject", "restore", "confirm", "add"
KINDS = (EDIT, REJECT, RESTORE, CONFIRM, ADD)
EXTRACTED, ADDED_BY_REVIEW = "extracted", "added by review"

# What an analyst may correct: the task's own fields. Ids, provenance and the document's fields are
# read-only (a document's issuer or date is one fact for all its tasks, not a per-row correction).
EDITABLE = (
    "text",
    "section_path",
    "number",
    "lead_raw",
    "lead",
    "support_raw",
    "support",
    "output",
    "timeframe_raw",
    "deadline_kind",
    "deadline_start",
    "deadline_end",
    "recurrence",
    "status_raw",
    "status",
)
ADDED_FIELDS = (*EDITABLE, "page")  # a task added by review also says where it is
DEADLINE_FIELDS = ("deadline_kind", "deadline_start", "deadline_end", "recurrence")
# A raw cell corrected alone re-derives what the pipeline derives from it.
DERIVED = {"timeframe_raw": DEADLINE_FIELDS, "lead_raw": ("lead",), "support_raw": ("support",)}


@dataclass
class Correction:
    """One correction: a changed field ("edit"), a row that is not a task ("reject") or is again
    ("restore"), a row confirmed as right ("confirm"), or a task the pipeline missed ("add": `new_value`
    holds its fields). `old_value` is what the analyst saw; values are model values (lists, ISO dates)."""

    task_id: str
    kind: str
    doc_id: str | None = None
    field: str | None = None
    old_value: Any = None
    new_value: Any = None
    who: str = ""
    corrected_at: str = ""
    source_file: str | None = None
    seq: int = 0
    correction_id: str = ""
    orphaned: bool = False

    def describe(self) -> str:
        """One line for a person: which task, what changed, who and when."""
        where = f"task {self.task_id} ({self.source_file or self.doc_id})"
        if self.kind == EDIT:
            what = f"{self.field} → {_short(self.new_value)}"
        elif self.kind == ADD:
            what = f"added task {_short((self.new_value or {}).get('text'))}"
        else:
            what = self.kind
        return f"{where}: {what}, by {self.who or 'unknown'} at {self.corrected_at}"

    def as_row(self) -> dict[str, Any]:
        """The row the store keeps: values as JSON text."""
        row = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("old_value", "new_value"):
            row[name] = json.dumps(row[name], ensure_ascii=False)
        return row

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Correction:
        values = dict(row)
        for name in ("old_value", "new_value"):
            values[name] = json.loads(values[name]) if values.get(name) else None
        values["orphaned"] = bool(values.get("orphaned"))
        return cls(**{f.name: values.get(f.name) for f in fields(cls) if f.name in values})


def _short(value: Any, limit: int = 60) -> str:
    text = "; ".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


@dataclass
class Applied:
    """The reviewed tasks, and what could not be applied."""

    tasks: list[Task]
    orphaned: list[Correction] = field(default_factory=list)
    applied: int = 0


def apply_corrections(
    tasks: Iterable[Task], corrections: Iterable[Correction], documents: Mapping[str, DocumentRecord]
) -> Applied:
    """The tasks as the analysts corrected them, in order (added tasks after their document's own).

    Corrections apply in the order they were made (`seq`), so the latest value of a field wins. A task
    marked "not a task" is left out (until restored); a corrected or confirmed task no longer needs
    review. Editing a raw cell alone (`timeframe_raw`, `lead_raw`, `support_raw`) re-derives the fields
    the pipeline derives from it; `corrected_fields` names all of them. `documents` (by doc_id) give an
    added task its document's fields; an added task whose document is gone is orphaned.
    """
    rows = {t.task_id: _copy(t) for t in tasks}
    order = list(rows)
    edited: dict[str, list[str]] = {}
    reviewed: set[str] = set()
    rejected: set[str] = set()
    result = Applied(tasks=[])
    for c in sorted(corrections, key=lambda c: c.seq):
        if c.kind == ADD:
            if c.task_id in rows:  # the pipeline finds it now (or it was added before): keep that one
                result.applied += 1
                continue
            document = documents.get(c.doc_id or "")
            if document is None:
                result.orphaned.append(c)
                continue
            added = rows[c.task_id] = _added_task(c, document)
            order.append(c.task_id)
            edited[c.task_id] = [f for f in ADDED_FIELDS if f in (c.new_value or {})]
            if not any(f in edited[c.task_id] for f in ("timeframe_raw", *DEADLINE_FIELDS)):
                added.timeframe_raw = find_deadline_phrase(added.text)  # as for a task read in prose
                edited[c.task_id].append("timeframe_raw")
            reviewed.add(c.task_id)
            result.applied += 1
            continue
        task = rows.get(c.task_id)
        if task is None:
            result.orphaned.append(c)
            continue
        result.applied += 1
        if c.kind == REJECT:
            rejected.add(c.task_id)
        elif c.kind == RESTORE:
            rejected.discard(c.task_id)
        elif c.kind == CONFIRM:
            reviewed.add(c.task_id)
        elif c.kind == EDIT and c.field in ADDED_FIELDS:
            setattr(task, c.field, _copy_value(c.new_value))
            edited.setdefault(c.task_id, [])
            if c.field not in edited[c.task_id]:
                edited[c.task_id].append(c.field)
            reviewed.add(c.task_id)
    for task_id in order:
        if task_id in rejected:
            continue
        task = rows[task_id]
        if task_id in edited:
            changed = edited[task_id] + _derive(task, edited[task_id])
            task.corrected_fields = [c for c in TASK_COLUMNS if c in changed]
        if task_id in reviewed:
            task.needs_review = False
        result.tasks.append(task)
    return result


def _derive(task: Task, edited: list[str]) -> list[str]:
    """Re-derive from a raw cell corrected alone; the fields whose value changed."""
    changed = []
    for raw, derived in DERIVED.items():
        if raw not in edited or any(d in edited for d in derived):
            continue
        if raw == "timeframe_raw":
            deadline = parse_deadline(task.timeframe_raw)
            values = dict(
                zip(
                    DEADLINE_FIELDS,
                    (deadline.kind, deadline.start, deadline.end, deadline.recurrence),
                    strict=True,
                )
            )
        else:
            # imported here: the agency rules load spaCy, which the store's process seldom needs
            from normalizers.agency_cells import normalize_agencies

            values = {derived[0]: normalize_agencies(getattr(task, raw)).names}
        for name, value in values.items():
            if getattr(task, name) != value:
                setattr(task, name, value)
                changed.append(name)
    return changed


def _added_task(c: Correction, document: DocumentRecord) -> Task:
    values = {k: _copy_value(v) for k, v in (c.new_value or {}).items() if k in ADDED_FIELDS}
    return Task(
        task_id=c.task_id,
        doc_id=document.doc_id,
        source_file=document.source_file,
        source_format=document.source_format or "",
        province=document.province,
        issuer=document.issuer,
        doc_type=document.doc_type,
        doc_number=document.doc_number,
        doc_date=document.doc_date,
        section_path=values.pop("section_path", None) or [],
        number=values.pop("number", None),
        text=values.pop("text", None) or "",
        **values,
        provenance=ADDED_BY_REVIEW,
    )


def _copy(task: Task) -> Task:
    return replace(
        task, **{f.name: list(getattr(task, f.name)) for f in fields(task) if f.type == "list[str]"}
    )


def _copy_value(value: Any) -> Any:
    return list(value) if isinstance(value, list) else value


# -- importing the same sheet twice -----------------------------------------------------------------------


def not_yet_stored(new: Iterable[Correction], stored: Iterable[Correction]) -> list[Correction]:
    """The corrections that would change something: importing the same sheet twice stores nothing twice."""
    latest: dict[tuple[str, str], Any] = {}
    added: set[str] = set()
    for c in sorted(stored, key=lambda c: c.seq):
        if c.kind == ADD:
            added.add(c.task_id)
        elif c.kind == EDIT:
            latest[(c.task_id, c.field or "")] = c.new_value
        elif c.kind in (REJECT, RESTORE):
            latest[(c.task_id, "verdict")] = c.kind
        elif c.kind == CONFIRM:
            latest[(c.task_id, "confirm")] = True
    keep = []
    for c in new:
        if c.kind == ADD:
            seen = c.task_id in added
        elif c.kind == EDIT:
            key = (c.task_id, c.field or "")
            seen = key in latest and latest[key] == c.new_value
        elif c.kind in (REJECT, RESTORE):
            seen = latest.get((c.task_id, "verdict"), RESTORE) == c.kind
        else:
            seen = (c.task_id, "confirm") in latest
        if not seen:
            keep.append(c)
    return keep
