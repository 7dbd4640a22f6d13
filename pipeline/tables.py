"""Tasks from task tables: columns recognized by their Vietnamese headings, not by position.

A table is a task table when one column holds the task ("Tên nhiệm vụ", "Nội dung công việc" …) and
another holds a lead, a deadline, a product or a status. Section rows ("A", "I", a bold row merged
across the table) build the section path; the rows under them are tasks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from normalizers.agency_cells import split_agencies
from normalizers.agency_prose import agency_heading, find_lead_in_sentence
from normalizers.columns import ColumnMap, column_vocabulary, map_columns, row_roles, same_header
from normalizers.deadlines import year_in_heading
from normalizers.labels import Label, next_label, parse_cell_label, parse_label, resolve_roman_or_letter
from normalizers.text import clean, match_key
from pipeline import vocab
from pipeline.candidates import Candidate
from pipeline.model import Row, Table
from pipeline.outline import TableContext
from pipeline.settings import settings
from pipeline.trace import NOTE, SECTION, SKIPPED, TABLE, TASK, Trace, excerpt


def heading_year(table: Table, columns: ColumnMap) -> int | None:
    """The year the timeframe column's heading names, for cells that write the day and month only."""
    col = columns.first("timeframe")
    if col is None:
        return None
    for header_row in table.rows[: columns.header_rows]:
        cell = header_row.cell_at(col)
        if cell is not None and (year := year_in_heading(cell.text)) is not None:
            return year
    return None


def _text(row: Row, col: int | None) -> str:
    return clean(row.text_at(col)) if col is not None else ""


def _row_key(row: Row) -> str:
    return "|".join(match_key(c.text) for c in row.cells)


def _is_repeated_header(row: Row, header: list[Row]) -> bool:
    return any(same_header(_row_key(row), _row_key(h)) for h in header)


def _section_row(row: Row, columns: ColumnMap) -> tuple[bool, Label | None, str]:
    """Is this a section row? Returns (is_section, its label, its title)."""
    task_col = columns.first("task")
    number_text = _text(row, columns.first("number"))
    task_cell = row.cell_at(task_col) if task_col is not None else None
    title = _text(row, task_col)
    other_roles = [
        c
        for role in ("lead", "lead_and_support", "timeframe", "output", "support")
        for c in columns.roles.get(role, [])
    ]
    spans_others = task_cell is not None and any(
        task_cell.col <= c < task_cell.col + task_cell.col_span for c in other_roles if c != task_col
    )
    others_empty = all(not _text(row, c) for c in other_roles)
    distinct = {match_key(c.text) for c in row.cells if c.text.strip() and c.col != columns.first("number")}
    label = parse_cell_label(number_text)
    if label is None and not number_text:
        label, title_rest = parse_label(title)
        if label is not None and label.kind in ("roman", "upper_letter"):
            title = title_rest
        else:
            label = None
    is_section_label = label is not None and label.kind in ("roman", "upper_letter")
    merged_look = len(distinct) == 1 and len(other_roles) > 0 and not others_empty
    if (
        spans_others
        or merged_look
        or (is_section_label and others_empty)
        or (not number_text and others_empty and task_cell is not None and task_cell.bold)
    ):
        return True, label, title
    return False, None, title


def _number(row: Row, columns: ColumnMap, task_text: str) -> tuple[str | None, str]:
    number = _text(row, columns.first("number")).rstrip(".)")
    if number:
        return number, task_text
    label, rest = parse_label(task_text)
    if label is not None and label.value is not None:
        return label.value.strip("()"), rest
    return None, task_text


def split_lead_and_support(cell: str) -> tuple[str | None, str | None]:
    """A "Chủ trì/phối hợp" cell: the first agency leads, the others cooperate."""
    pieces = split_agencies(cell)
    if not pieces:
        return None, None
    first = pieces[0]
    at = cell.find(first)
    rest = cell[at + len(first) :] if at >= 0 else "; ".join(pieces[1:])
    return first, rest.strip(" \n;,-+") or None


def _status(context_headings: list[str], cells: list[str]) -> tuple[str | None, str]:
    """A report task's status and the wording it was read from.

    Its table or section heading gives the base, refined by its result and note cells ("Đúng hạn",
    "Trước hạn"). Without one, the cell that is most wholly a status phrase decides: a note "Chưa
    đến hạn" beside a narrative "Đang xây dựng phiếu khảo sát" is the department's own verdict."""
    words = vocab.status_words()
    joined = "\n".join(cells)
    base = None
    for heading in context_headings:
        key = match_key(heading)
        base = next((status for phrase, status in words["headings"] if phrase in key), None)
        if base:
            break
    if base is not None:
        return _first_said(words["notes"].get(base, []), joined) or base, joined
    said = [(_coverage(words["standalone_notes"], cell), cell) for cell in cells]
    said = [(cover, cell) for cover, cell in said if cover > 0]
    if not said:
        return None, joined
    cell = max(said, key=lambda item: item[0])[1]
    base = _first_said(words["standalone_notes"], cell)
    return _first_said(words["notes"].get(base, []), cell) or base, cell


def _said(rules: list[tuple[str, str]], text: str) -> tuple[int, int, str] | None:
    """(start, -length, status) of the phrase said first in `text`: whole words, and the longer phrase
    where two start together, so "Chưa hoàn thành" is not "Hoàn thành"."""
    key = match_key(text)
    found = []
    for phrase, status in rules:
        hit = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", key)
        if hit:
            found.append((hit.start(), -len(phrase), status))
    return min(found) if found else None


def _first_said(rules: list[tuple[str, str]], text: str) -> str | None:
    said = _said(rules, text)
    return said[2] if said else None


def _coverage(rules: list[tuple[str, str]], cell: str) -> float:
    """How much of the cell its first status phrase is (1.0 for a cell that only says "Đã hoàn thành")."""
    said = _said(rules, cell)
    key = match_key(cell).strip(" .;,")
    return -said[1] / len(key) if said and key else 0.0


def table_tasks(table: Table, context: TableContext, trace: Trace | None = None) -> list[Candidate]:
    columns = map_columns(table)
    if columns is None:
        if trace is not None:
            trace.record(table, SKIPPED, "table %s skipped: %s", table.index, why_not_task_table(table))
        return []
    if trace is not None:
        trace.record(table, TABLE, "table %s: task table (%s)", table.index, describe_columns(table, columns))
    header = table.rows[: columns.header_rows]
    year = heading_year(table, columns)
    sections: list[tuple[Label, str]] = []  # open section rows, outermost first: label and title
    tasks: list[Candidate] = []
    inferred_from_row: int | None = None  # a section number OCR lost, inferred from its neighbours
    status_cols = columns.roles.get("status", []) + columns.roles.get("note", [])
    for row_index, row in enumerate(table.rows):
        if row_index < columns.header_rows or _is_repeated_header(row, header):
            if trace is not None:
                what = "header row" if row_index < columns.header_rows else "header repeated on a later page"
                trace.record(table, SKIPPED, what, row=row, row_index=row_index)
            continue
        is_section, label, title = _section_row(row, columns)
        if is_section:
            inferred_from_row = None
            if label is None and (label := _lost_ocr_label(row, title, sections)) is not None:
                inferred_from_row = row_index
            _open_section(sections, label, title)
            if trace is not None:
                named = f"{label.value} " if label is not None and label.value else ""
                trace.record(
                    table,
                    SECTION,
                    "section row: %s'%s'",
                    named,
                    excerpt(title, 60),
                    row=row,
                    row_index=row_index,
                )
            continue
        task_text = _text(row, columns.first("task"))
        if not task_text:
            if trace is not None:
                trace.record(table, SKIPPED, "nothing in the task column", row=row, row_index=row_index)
            continue
        number, task_text = _number(row, columns, task_text)
        status_cells = [t for t in (_text(row, c) for c in status_cols) if t]
        lead_raw = _text(row, columns.first("lead")) or None
        support_raw = _text(row, columns.first("support")) or None
        if lead_raw is None and (combined := _text(row, columns.first("lead_and_support"))):
            lead_raw, support_raw = split_lead_and_support(combined)
        inherited = False
        if lead_raw is None:
            lead_raw, prose_support, inherited = _lead_not_in_column(task_text, sections, context)
            support_raw = support_raw or prose_support
        task = Candidate(
            section_path=context.section_path + [lbl.value for lbl, _ in sections if lbl.value],
            number=number,
            text_parts=[task_text],
            page=row.page,
            table_index=table.index,
            row_index=row_index,
            lead_raw=lead_raw,
            support_raw=support_raw,
            output=_text(row, columns.first("output")) or None,
            timeframe_raw=_text(row, columns.first("timeframe")) or None,
            default_year=year,
            lead_inherited=inherited,
        )
        if trace is not None:
            opened = " / ".join(lbl.value for lbl, _ in sections if lbl.value)
            under = f", under section row {opened}" if opened else ""
            trace.record(
                table,
                TASK,
                "row of task table %s%s",
                table.index,
                under,
                row=row,
                row_index=row_index,
                candidate=task,
            )
            if inherited:
                trace.record(
                    table,
                    NOTE,
                    "lead inherited from %s (%s)",
                    _lead_origin(lead_raw, sections, context),
                    excerpt(lead_raw or "", 60),
                    row=row,
                    row_index=row_index,
                    candidate=task,
                )
        confidences = [c.confidence for c in row.cells if c.confidence is not None]
        task.low_confidence = bool(confidences) and min(confidences) < settings().ocr.low_confidence
        if inferred_from_row is not None:
            task.notes.append(f"section number inferred (OCR lost it in row {inferred_from_row})")
        # A report says how far a task got in its table's heading, a section row ("NHIỆM VỤ ĐÃ HOÀN
        # THÀNH") or its own status column.
        headings = [t for _, t in reversed(sections)] + context.heading_texts
        if columns.roles.get("status") or _status(headings, [])[0] is not None:
            task.status, status_raw = _status(headings, status_cells)
            task.status_raw = status_raw or None
        tasks.append(task)
    return tasks


def why_not_task_table(table: Table) -> str:
    """Why `map_columns` found no task table, in words: which headings it saw and what they lacked."""
    first_rows = table.rows[:4]
    roles = {role for row in first_rows for role in row_roles(row).values()}
    first = table.rows[0] if table.rows else None
    seen = [
        excerpt(c.text, 40)
        for c in (first.cells if first else [])
        if c.text.strip() and not c.merged_from_above
    ]
    headings = " | ".join(seen) or "none"
    if "task" not in roles:
        return f"no task column (headings: {headings})"
    if not any(r in roles for r in column_vocabulary().needs_one_of):
        return f"a task column but no lead, deadline, product or status column (headings: {headings})"
    return f"its column headings are not in a header row at its top (first row: {headings})"


def describe_columns(table: Table, columns: ColumnMap) -> str:
    """ "task: Nội dung | lead: Cơ quan chủ trì | …": each role and the heading it was read from."""
    parts = []
    for role, cols in columns.roles.items():
        for col in cols:
            heading = next(
                (
                    excerpt(c.text, 30)
                    for r in table.rows[: columns.header_rows]
                    if (c := r.cell_at(col)) and c.text
                ),
                "",
            )
            parts.append(f"{role}: {heading}" if heading else role)
    return "; ".join(parts)


def _lead_origin(lead_raw: str | None, sections: list[tuple[Label, str]], context: TableContext) -> str:
    """Where `_lead_not_in_column` found an inherited lead, for the trace."""
    for label, title in reversed(sections):
        if _lead_of_title(title) == lead_raw:
            named = f"{label.value} " if label.value else ""
            return f"section row {named}'{excerpt(title, 60)}'"
    if context.heading_texts:
        return f"the text above the table (under '{excerpt(context.heading_texts[0], 60)}')"
    return "the text above the table"


def _lead_not_in_column(
    task_text: str, sections: list[tuple[Label, str]], context: TableContext
) -> tuple[str | None, str | None, bool]:
    """(lead, support, inherited) of a row whose lead column is empty or absent.

    The task cell may name it in prose ("Báo … tỉnh chủ trì, phối hợp với … tổ chức …"); else the
    innermost section row naming an agency ("II | Sở Nội vụ", "Các cơ quan, đơn vị thực hiện …:")
    leads the rows below it; else the lead the table's context names (an intro paragraph, an agency
    heading above the table)."""
    mention = find_lead_in_sentence(task_text)
    if mention is not None:
        return mention.lead_raw, mention.support_raw, False
    for _, title in reversed(sections):
        if (lead := _lead_of_title(title)) is not None:
            return lead, None, True
    if context.lead_raw:
        return context.lead_raw, None, True
    return None, None, False


def _lead_of_title(title: str) -> str | None:
    """The agency a section row names: the whole title ("Sở Nội vụ") or its subject ("Các cơ quan, đơn
    vị thực hiện các nhiệm vụ sau:"). Only registry names count for a bare title, as a row "Hội nghị …"
    opens with a head word too."""
    return _cached_lead_of_title(title, settings().fuzzy.agency_cutoff)


@lru_cache(maxsize=1024)
def _cached_lead_of_title(title: str, _agency_cutoff: float) -> str | None:
    """Cached per agency cut-off, which decides which names the registry knows."""
    mention = find_lead_in_sentence(title)
    if mention is not None:
        return mention.lead_raw
    return agency_heading(title, known_only=True)


def _lost_ocr_label(row: Row, title: str, sections: list[tuple[Label, str]]) -> Label | None:
    """On a scanned page a section row whose number OCR lost ("" | "Tạo đột phá …" between "II" and
    "IV") continues the innermost numbered sections; a title in capitals is a new top-level part."""
    scanned = any(c.confidence is not None for c in row.cells)
    if not scanned or title.isupper() or not sections or sections[-1][0].value is None:
        return None
    return next_label(sections[-1][0])


def _open_section(sections: list[tuple[Label, str]], label: Label | None, title: str) -> None:
    """A section row closes the sections of its own kind and deeper; an unlabelled one closes all."""
    if label is None:
        sections[:] = [(Label("plain_section", None), title)]
        return
    label = resolve_roman_or_letter(label, [lbl for lbl, _ in sections])
    for i in range(len(sections) - 1, -1, -1):
        if sections[i][0].kind == label.kind:
            del sections[i:]
            break
    sections.append((label, title))
