"""Files an analyst opens: progress.xlsx (a sheet per plan, overdue rows in red), progress.parquet,
and the family × province matrix of one resolution (xlsx + csv)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.styles import Font, PatternFill

from pipeline.export import _atomic_write
from pipeline.tracking.refs import number_key
from pipeline.tracking.words import tracking_words

OVERDUE_FILL = PatternFill("solid", fgColor="F8D7DA")
HEADER_FONT = Font(bold=True)
LIST_COLUMNS = ("section_path", "lead", "lead_kinds")

# Columns of progress.xlsx, in reading order (the full set goes to progress.parquet).
SHEET_COLUMNS = [
    "section_path",
    "number",
    "text",
    "lead",
    "deadline_end",
    "status",
    "overdue",
    "days_late",
    "status_doc_number",
    "status_date",
    "link_score",
    "source_file",
    "page",
    "table_index",
    "row_index",
    "plan_task_id",
]


def _atomic(target: Path, write: Callable[[Path], None]) -> Path:
    """Written beside the target and renamed over it, with the permissions the umask gives (the
    exports' own writer)."""
    _atomic_write(target, write)
    return target


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    flat = frame.copy()
    for col in LIST_COLUMNS:
        if col in flat:
            joiner = "." if col == "section_path" else " | "
            flat[col] = flat[col].map(lambda v, j=joiner: j.join(v) if isinstance(v, list | tuple) else v)
    return flat


def sheet_name(plan_number: str | None, doc_id: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name for a plan: "444-KH-UBND", or the file's id for a draft."""
    base = re.sub(r"[\\/?*\[\]:]", "-", plan_number or f"draft {doc_id[:8]}")[:31]
    name, n = base, 2
    while name in taken:
        name = f"{base[:28]}~{n}"
        n += 1
    taken.add(name)
    return name


def _widths(ws: Any, frame: pd.DataFrame) -> None:
    for idx, col in enumerate(frame.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200) if v is not None])
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = min(max(10, longest + 2), 70)


def select_plan(progress: pd.DataFrame, plan: str | None) -> pd.DataFrame:
    """Rows of the plan with this number ("444/KH-UBND", or just "444"), or all rows."""
    if not plan:
        return progress
    key = number_key(plan) or ""
    keys = progress["plan_number"].map(lambda n: number_key(n) or "")
    exact = progress[keys == key]
    return exact if len(exact) else progress[keys.str.split("/").str[0] == key.split("/")[0]]


def write_progress_xlsx(progress: pd.DataFrame, target: Path) -> Path:
    """One sheet per plan, frozen header, filters, overdue rows filled red."""

    def write(tmp: Path) -> None:
        taken: set[str] = set()
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            if progress.empty:
                pd.DataFrame(columns=SHEET_COLUMNS).to_excel(writer, index=False, sheet_name="progress")
            for (doc_id, number), rows in progress.groupby(
                ["plan_doc_id", "plan_number"], dropna=False, sort=False
            ):
                sheet = sheet_name(None if pd.isna(number) else str(number), str(doc_id), taken)
                flat = _flat(rows[SHEET_COLUMNS])
                flat.to_excel(writer, index=False, sheet_name=sheet)
                ws = writer.sheets[sheet]
                ws.freeze_panes = "A2"
                ws.auto_filter.ref = ws.dimensions
                _widths(ws, flat)
                for offset, overdue in enumerate(flat["overdue"].tolist(), start=2):
                    if overdue:
                        for cell in ws[offset]:
                            cell.fill = OVERDUE_FILL

    return _atomic(target, write)


def write_progress_parquet(progress: pd.DataFrame, target: Path) -> Path:
    return _atomic(target, lambda tmp: progress.to_parquet(tmp, index=False))


def family_matrix(families: pd.DataFrame, min_provinces: int = 2) -> pd.DataFrame:
    """Family × province: each cell names who leads the task there ("—" when no lead is named);
    empty where the province assigned no such task."""
    if families.empty:
        return pd.DataFrame(columns=["family_id", "task", "provinces"])
    provinces = sorted(p for p in families["province"].dropna().unique())
    rows = []
    for family_id, group in families.groupby("family_id", sort=False):
        present = group["province"].dropna().unique()
        if len(present) < min_provinces:
            continue
        row: dict[str, Any] = {
            "family_id": family_id,
            "task": group["family_label"].iloc[0],
            "provinces": len(present),
        }
        for province in provinces:
            leads = [
                x for lead in group[group["province"] == province]["lead"] for x in (list(lead) or ["—"])
            ]
            row[province] = "; ".join(dict.fromkeys(leads)) if leads else ""
        rows.append(row)
    matrix = pd.DataFrame(rows, columns=["family_id", "task", "provinces", *provinces])
    return matrix.sort_values(["provinces", "task"], ascending=[False, True]).reset_index(drop=True)


def write_matrix(matrix: pd.DataFrame, out_dir: Path, stem: str) -> list[Path]:
    """`<stem>.xlsx` (frozen header and first columns) and `<stem>.csv` (UTF-8 with BOM for Excel)."""

    def xlsx(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            matrix.to_excel(writer, index=False, sheet_name="matrix")
            ws = writer.sheets["matrix"]
            ws.freeze_panes = "C2"
            ws.auto_filter.ref = ws.dimensions
            _widths(ws, matrix)

    return [
        _atomic(out_dir / f"{stem}.xlsx", xlsx),
        _atomic(out_dir / f"{stem}.csv", lambda tmp: matrix.to_csv(tmp, index=False, encoding="utf-8-sig")),
    ]


def summary(progress: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Counts per plan (or per lead agency: `by=["agency"]`): tasks, completed, …, overdue."""
    frame = progress.copy()
    if "agency" in by:
        frame["agency"] = frame["lead"].map(
            lambda v: list(v) if len(v) else [tracking_words()["unknown_agency_label"]]
        )
        frame = frame.explode("agency")
    status = frame["status"].fillna("")
    frame = frame.assign(
        completed=status.str.startswith("completed"),
        in_progress=status.str.startswith("in_progress"),
        not_started=status == "not_started",
        not_due=status == "not_due",
        not_reported=~frame["reported"].astype(bool),
        overdue=frame["overdue"].astype(bool),
    )
    counts = ["completed", "in_progress", "not_started", "not_due", "not_reported", "overdue"]
    grouped = frame.groupby(list(by), dropna=False)
    out = grouped.size().rename("tasks").to_frame().join(grouped[counts].sum()).reset_index()
    return out.sort_values(["overdue", "tasks"], ascending=False).reset_index(drop=True)
