"""Which role a table column plays, read from its Vietnamese heading, and whether rows open a task table.

Pure: the headings are data (`data/columns.yaml`). It sits below both the extractors (which ask
`reads_as_task_table` before laying out a borderless table) and the pipeline's table stage (which maps
the columns and drops repeated header rows with `same_header`), so neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz

from normalizers.text import match_key, opens_with
from pipeline.knowledge import load_yaml
from pipeline.model import Row, Table
from pipeline.settings import settings

_MIN_HEADER_ROLES = 2


@dataclass(frozen=True)
class ColumnVocabulary:
    roles: dict[str, list[str]]
    needs_one_of: list[str]

    def role_of(self, heading: str) -> str | None:
        """The role of a column heading ("Cơ quan chủ trì" → "lead"), or None.

        The longest phrase the heading starts with decides, across all roles: "Đơn vị phối hợp" is a
        partner column even though "Đơn vị" alone names the lead. Equal lengths keep the file order.
        """
        key = match_key(heading).rstrip(" (*)")
        if not key:
            return None
        head = match_key(key)  # made once, not once per phrase (the phrases are match keys already)
        matches = [
            (len(p), role) for role, phrases in self.roles.items() for p in phrases if opens_with(head, p)
        ]
        if matches:
            return max(matches, key=lambda match: match[0])[1]
        # A scanned heading may carry an OCR slip ("Đơu vị chủ trì"): accept the nearest near-exact match.
        fuzzy = settings().fuzzy
        if len(key) >= fuzzy.column_heading_min_chars:
            scored = [
                (fuzz.ratio(key, p), role)
                for role, phrases in self.roles.items()
                for p in phrases
                if len(p) >= fuzzy.column_heading_min_chars
            ]
            best = max(scored, key=lambda score: score[0], default=None)
            if best is not None and best[0] >= fuzzy.column_heading:
                return best[1]
        return None


@cache
def column_vocabulary() -> ColumnVocabulary:
    """The column vocabulary of `data/columns.yaml`, phrases as match keys."""
    data = load_yaml("normalizers/data/columns.yaml")
    return ColumnVocabulary(
        roles={role: [match_key(p) for p in phrases] for role, phrases in data["roles"].items()},
        needs_one_of=list(data["task_table_needs_one_of"]),
    )


@dataclass
class ColumnMap:
    """Grid column of each role; `status` and `note` may name several columns."""

    roles: dict[str, list[int]]
    header_rows: int

    def first(self, role: str) -> int | None:
        cols = self.roles.get(role)
        return cols[0] if cols else None


def row_roles(row: Row) -> dict[int, str]:
    """Grid column → role, for the cells of `row` whose text is a known heading."""
    vocabulary = column_vocabulary()
    found = {}
    for cell in row.cells:
        if cell.merged_from_above:
            continue
        role = vocabulary.role_of(cell.text)
        if role is not None:
            for col in range(cell.col, cell.col + cell.col_span):
                found[col] = role
    return found


def map_columns(table: Table) -> ColumnMap | None:
    """Find the header rows and the role of every column; None for a table that lists no tasks."""
    header_rows = 0
    col_roles: dict[int, str] = {}
    for index, row in enumerate(table.rows[:4]):
        roles = row_roles(row)
        texts = [c.text for c in row.cells if c.text.strip() and not c.merged_from_above]
        looks_like_header = row.is_header or (
            texts and len({*roles.values()}) >= min(_MIN_HEADER_ROLES, len(texts))
        )
        if not looks_like_header or (index > 0 and not roles and not row.is_header):
            break
        header_rows = index + 1
        # A lower header row names the roles under a spanning heading ("Chủ trì" | "Phối hợp").
        col_roles.update(roles)
    if header_rows == 0:
        return None
    by_role: dict[str, list[int]] = {}
    for col in sorted(col_roles):
        role = col_roles[col]
        if col not in by_role.get(role, []):
            by_role.setdefault(role, []).append(col)
    # A heading spanning two columns ("Cơ quan thực hiện") with no lower row: keep its first column.
    for role in ("task", "lead", "support", "output", "timeframe", "number"):
        if len(by_role.get(role, [])) > 1:
            by_role[role] = by_role[role][:1]
    if "output_or_status" in by_role:
        target = "status" if "output" in by_role else "output"
        by_role.setdefault(target, []).extend(by_role.pop("output_or_status"))
    if "task" not in by_role or not any(r in by_role for r in column_vocabulary().needs_one_of):
        return None
    return ColumnMap(roles=by_role, header_rows=header_rows)


def reads_as_task_table(rows: list[Row]) -> bool:
    """Do these rows open with task headings? Extractors ask it before calling a borderless table layout."""
    return map_columns(Table(rows=rows)) is not None


def same_header(a: str, b: str) -> bool:
    """A header row repeated on the next page; OCR may misread a letter of it ("Đơu vị" for "Đơn vị")."""
    fuzzy = settings().fuzzy
    return a == b or (
        min(len(a), len(b)) >= fuzzy.repeated_header_min_chars and fuzz.ratio(a, b) >= fuzzy.repeated_header
    )
