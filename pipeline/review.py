"""The review sheet: the rows a person should check, as an Excel workbook, and the corrections read back.

`review_workbook` writes one sheet, "review", with the contract's column names in one header row (lists
`; `-joined), the reasons a row needs review, its source file and page, a `verdict` column and
drop-downs for the values the contract allows. A hidden sheet keeps what was written, so on import only
the cells the analyst actually changed become corrections, matched by `task_id` (rows may be sorted,
filtered or deleted). A row with no `task_id`, a document and a text is a task the pipeline missed.
Text cells are escaped against formulas on the way out (`pipeline.cells`) and unescaped on the way in.

`read_review_sheet` refuses, with the row and the allowed values, what the contract does not allow; the
caller stores nothing when there is an error.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import schema
from pipeline.cells import FORMULA_STARTS, escape_cell
from pipeline.corrections import (
    ADD,
    ADDED_FIELDS,
    CONFIRM,
    DEADLINE_FIELDS,
    EDIT,
    EDITABLE,
    REJECT,
    RESTORE,
    Correction,
)
from pipeline.knowledge import load_yaml
from pipeline.model import DocumentRecord, Task
from pipeline.tasks import task_id as make_task_id

SHEET, WRITTEN_SHEET = "review", "written"
VERDICT = "verdict"
LIST_SEPARATOR = "; "
# The sheet's columns: what identifies and explains the row first, then the task's fields, then the
# rest of the contract (read-only).
COLUMNS = (
    "task_id",
    VERDICT,
    "review_reasons",
    "source_file",
    "page",
    *EDITABLE,
    "needs_review",
    "confidence",
    "corrected_fields",
    "provenance",
    "doc_id",
    "table_index",
    "row_index",
    "doc_type",
    "doc_number",
    "doc_date",
    "province",
    "issuer",
    "source_format",
)
WIDTHS = {"task_id": 18, VERDICT: 12, "review_reasons": 40, "source_file": 28, "page": 6, "text": 70}
SPARE_ROWS = 200  # drop-downs reach this far below the data, for the tasks an analyst adds
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass(frozen=True)
class Vocabulary:
    """The sheet's allowed values (pipeline/data/review.yaml)."""

    verdicts: dict[str, list[str]]
    allowed: dict[str, list[str]]
    dated_kinds: list[str]

    def verdict_kind(self, text: str) -> str | None:
        key = " ".join(text.casefold().split())
        for kind, words in self.verdicts.items():
            if key in (" ".join(w.casefold().split()) for w in words):
                return kind
        return None

    def verdict_word(self, kind: str) -> str:
        return self.verdicts[kind][0]


@cache
def vocabulary() -> Vocabulary:
    data = load_yaml("pipeline/data/review.yaml")
    return Vocabulary(
        verdicts={kind: list(words) for kind, words in data["verdicts"].items()},
        allowed={"status": list(data["status"]), "deadline_kind": list(data["deadline_kind"])},
        dated_kinds=list(data["dated_kinds"]),
    )


# -- values as the sheet shows them ---------------------------------------------------------------------


def _kind(name: str) -> str:
    return schema.TASKS.get(name, schema.STR)


def as_text(name: str, value: Any) -> str:
    """A value as the sheet's text: what is compared to tell an edited cell from an untouched one."""
    if value is None or value == "":
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if _kind(name) == schema.DATE else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and _kind(name) != schema.DOUBLE:
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def unescape_cell(value: Any) -> Any:
    """Undo `escape_cell`: the `'` put before text that starts like a formula."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _cell_value(name: str, value: Any) -> Any:
    """What goes into a visible cell: dates as dates, lists joined, text escaped."""
    if value is None:
        return None
    if _kind(name) == schema.DATE:
        return schema.to_date(value)
    if isinstance(value, list | tuple):
        return escape_cell(as_text(name, value)) or None
    return escape_cell(value) if isinstance(value, str) else value


# -- writing --------------------------------------------------------------------------------------------


@dataclass
class SheetRow:
    """One row to review: the task as the dataset shows it, and the verdict already given."""

    task: Task
    verdict: str = ""


def review_workbook(rows: Iterable[SheetRow]) -> Workbook:
    """The review workbook: the "review" sheet an analyst edits, and the hidden sheet of what was written."""
    words = vocabulary()
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    written = book.create_sheet(WRITTEN_SHEET)
    sheet.append(list(COLUMNS))
    written.append(list(COLUMNS))
    count = 0
    for row in rows:
        values = {name: getattr(row.task, name, None) for name in COLUMNS if name != VERDICT}
        values[VERDICT] = row.verdict
        sheet.append([_cell_value(name, values[name]) for name in COLUMNS])
        written.append([escape_cell(as_text(name, values[name])) or None for name in COLUMNS])
        count += 1
    written.sheet_state = "hidden"
    _format(sheet, count + 1)
    verdicts = [words.verdict_word(kind) for kind in words.verdicts]
    _drop_down(sheet, VERDICT, verdicts, count + 1 + SPARE_ROWS)
    for name, allowed in words.allowed.items():
        _drop_down(sheet, name, allowed, count + 1 + SPARE_ROWS)
    return book


def _letter(name: str) -> str:
    return get_column_letter(COLUMNS.index(name) + 1)


def _format(sheet: Any, last_row: int) -> None:
    """Frozen header, filters, readable widths, dates as dates; the columns one may edit tinted."""
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{_letter(COLUMNS[-1])}{max(2, sheet.max_row)}"
    editable = {VERDICT, *EDITABLE}
    for idx, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(idx)
        kind = _kind(name)
        sheet.column_dimensions[letter].width = WIDTHS.get(
            name, 12 if kind in (schema.DATE, schema.INT, schema.BOOL, schema.DOUBLE) else 24
        )
        head = sheet.cell(row=1, column=idx)
        head.font = Font(bold=True)
        head.fill = EDITABLE_FILL if name in editable else HEADER_FILL
        if kind == schema.DATE:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=idx, max_col=idx):
                cell.number_format = "yyyy-mm-dd"
    for (cell,) in sheet.iter_rows(
        min_row=2, min_col=COLUMNS.index("text") + 1, max_col=COLUMNS.index("text") + 1
    ):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _drop_down(sheet: Any, name: str, allowed: list[str], last_row: int) -> None:
    listed = ",".join(allowed)
    check = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True, showErrorMessage=True)
    check.error = f"{name}: one of {', '.join(allowed)}"
    check.errorTitle = f"not a {name}"
    sheet.add_data_validation(check)
    check.add(f"{_letter(name)}2:{_letter(name)}{last_row}")


def write_review_sheet(rows: Iterable[SheetRow], target: Path) -> int:
    """Write the review workbook to `target` in one rename; returns how many rows it holds."""
    from pipeline.export import _atomic_write

    rows = list(rows)
    book = review_workbook(rows)
    _atomic_write(target, lambda tmp: book.save(tmp))
    return len(rows)


# -- reading back ---------------------------------------------------------------------------------------


@dataclass
class SheetChanges:
    """What an edited sheet says: the corrections, and the problems (errors refuse the whole sheet)."""

    corrections: list[Correction] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: int = 0


class ReviewSheetError(ValueError):
    """The file is not a review sheet (no "review" sheet, no `task_id` column)."""


def _read_rows(sheet: Any) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    rows = sheet.iter_rows(values_only=True)
    header = [as_text("", h) for h in next(rows, ())]
    out = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        out.append((number, {h: unescape_cell(v) for h, v in zip(header, values, strict=False) if h}))
    return header, out


def read_review_sheet(
    path: Path, documents: Mapping[str, DocumentRecord], who: str, when: str
) -> SheetChanges:
    """The corrections in an edited review sheet: only cells that differ from what was written.

    `documents` (by doc_id) are those a new task may belong to (named by `doc_id` or `source_file`).
    """
    book = load_workbook(path, data_only=True)
    if SHEET not in book.sheetnames or WRITTEN_SHEET not in book.sheetnames:
        raise ReviewSheetError(f"{path.name} is not a review sheet (made by `nhiemvu review export`)")
    header, rows = _read_rows(book[SHEET])
    if "task_id" not in header or "text" not in header:
        raise ReviewSheetError(f"{path.name}: the review sheet has no task_id or text column")
    _, written_rows = _read_rows(book[WRITTEN_SHEET])
    written = {as_text("task_id", r.get("task_id")): r for _, r in written_rows}
    changes = SheetChanges(rows=len(rows))
    seen: set[str] = set()
    for number, row in rows:
        task_id = as_text("task_id", row.get("task_id"))
        if not task_id:
            _added(changes, number, row, documents, who, when)
            continue
        before = written.get(task_id)
        if before is None:
            changes.errors.append(
                f"row {number}: task_id {task_id} was not in this sheet when it was exported"
            )
            continue
        seen.add(task_id)
        _edited(changes, number, row, before, header, who, when)
    missing = len(set(written) - seen)
    if missing:
        changes.warnings.append(
            f"{missing} rows of the export are no longer in the sheet: left as they were "
            f"(to drop a task, set its verdict to '{vocabulary().verdict_word(REJECT)}')"
        )
    return changes


def _edited(
    changes: SheetChanges,
    number: int,
    row: dict[str, Any],
    before: dict[str, Any],
    header: list[str],
    who: str,
    when: str,
) -> None:
    task_id = as_text("task_id", row["task_id"])
    base = {
        "task_id": task_id,
        "doc_id": as_text("doc_id", before.get("doc_id")) or None,
        "source_file": as_text("source_file", before.get("source_file")) or None,
        "who": who,
        "corrected_at": when,
    }
    words = vocabulary()
    verdict_now = as_text(VERDICT, row.get(VERDICT))
    verdict_then = as_text(VERDICT, before.get(VERDICT))
    if VERDICT in header and verdict_now != verdict_then:
        kind = words.verdict_kind(verdict_now) if verdict_now else None
        if verdict_now and kind is None:
            changes.errors.append(
                f"row {number} (task {task_id}): verdict {verdict_now!r} is not one of: "
                + ", ".join(words.verdict_word(k) for k in words.verdicts)
            )
        elif kind == REJECT:
            changes.corrections.append(Correction(kind=REJECT, **base))
        elif kind == CONFIRM:
            changes.corrections.append(Correction(kind=CONFIRM, **base))
        if words.verdict_kind(verdict_then) == REJECT and kind != REJECT:
            changes.corrections.append(Correction(kind=RESTORE, **base))
    edited: dict[str, Any] = {}
    for name in header:
        if name not in COLUMNS or name in (VERDICT, "task_id"):
            continue
        now, then = as_text(name, row.get(name)), as_text(name, before.get(name))
        if now == then:
            continue
        if name not in EDITABLE:
            changes.warnings.append(
                f"row {number} (task {task_id}): {name} cannot be corrected; change ignored"
            )
            continue
        value, problem = parse_value(name, now)
        if problem:
            changes.errors.append(f"row {number} (task {task_id}): {problem}")
            continue
        edited[name] = value
        changes.corrections.append(
            Correction(kind=EDIT, field=name, old_value=parse_value(name, then)[0], new_value=value, **base)
        )
    problem = _deadline_problem(
        edited, {n: parse_value(n, as_text(n, row.get(n)))[0] for n in DEADLINE_FIELDS}
    )
    if problem:
        changes.errors.append(f"row {number} (task {task_id}): {problem}")


def _added(
    changes: SheetChanges,
    number: int,
    row: dict[str, Any],
    documents: Mapping[str, DocumentRecord],
    who: str,
    when: str,
) -> None:
    """A row without a task_id: a task the pipeline missed, in a stored document."""
    text = as_text("text", row.get("text"))
    doc_id, source_file = as_text("doc_id", row.get("doc_id")), as_text("source_file", row.get("source_file"))
    if not text:
        changes.errors.append(f"row {number}: a new task (no task_id) needs its text")
        return
    matches = [
        d for d in documents.values() if (d.doc_id == doc_id if doc_id else d.source_file == source_file)
    ]
    if len(matches) != 1:
        named = f"doc_id {doc_id!r}" if doc_id else f"source_file {source_file!r}"
        why = "names several documents" if matches else "is not a stored document"
        changes.errors.append(
            f"row {number}: a new task needs the doc_id or source_file of one stored document ({named} {why})"
        )
        return
    document = matches[0]
    values: dict[str, Any] = {}
    for name in ADDED_FIELDS:
        cell = as_text(name, row.get(name))
        if not cell:
            continue
        value, problem = parse_value(name, cell)
        if problem:
            changes.errors.append(f"row {number} (new task): {problem}")
            return
        values[name] = value
    problem = _deadline_problem(values, {n: values.get(n) for n in DEADLINE_FIELDS})
    if problem:
        changes.errors.append(f"row {number} (new task): {problem}")
        return
    new_id = make_task_id(document.doc_id, values.get("section_path", []), values.get("number"), text)
    changes.corrections.append(
        Correction(
            task_id=new_id,
            kind=ADD,
            doc_id=document.doc_id,
            source_file=document.source_file,
            new_value=values,
            who=who,
            corrected_at=when,
        )
    )


def _deadline_problem(edited: Mapping[str, Any], final: Mapping[str, Any]) -> str | None:
    """A deadline given by hand must hang together: a dated kind needs its end date."""
    if not any(n in edited for n in DEADLINE_FIELDS):
        return None
    kind = final.get("deadline_kind") or "unspecified"
    if kind in vocabulary().dated_kinds and not final.get("deadline_end"):
        return f"deadline_kind {kind!r} needs a deadline_end (a date) too"
    start, end = final.get("deadline_start"), final.get("deadline_end")
    if start and end and start > end:
        return f"deadline_start {start} is after deadline_end {end}"
    return None


def parse_value(name: str, text: str) -> tuple[Any, str | None]:
    """The sheet's text as the model's value of `name`, or the reason it is not one."""
    kind = _kind(name)
    allowed = vocabulary().allowed.get(name)
    if kind == schema.LIST:
        return [p.strip() for p in text.split(LIST_SEPARATOR.strip()) if p.strip()], None
    if not text:
        return ("unspecified" if name == "deadline_kind" else None), None
    if allowed is not None and text not in allowed:
        return None, f"{name} {text!r} is not one of: {', '.join(allowed)}"
    if kind == schema.DATE:
        parsed = _date(text)
        return (parsed, None) if parsed else (None, f"{name} {text!r} is not a date (YYYY-MM-DD)")
    if kind == schema.INT:
        try:
            return int(text), None
        except ValueError:
            return None, f"{name} {text!r} is not a whole number"
    return text, None


def _date(text: str) -> str | None:
    """An ISO date, or the day/month/year order Vietnamese offices write."""
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(text[:10] if "-" in text else text).isoformat()
        except ValueError:
            continue
    return None
