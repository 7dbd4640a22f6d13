"""report.html: one self-contained page (no network, every script and style inline) an analyst opens
to see where the plans stand. The charts are inline SVG drawn by an inline script from the data
embedded in the page; the overdue list is plain HTML, readable even without scripts."""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from string import Template
from typing import Any

import pandas as pd

from pipeline.tracking.families import is_implemented_kind
from pipeline.tracking.outputs import _atomic, summary
from pipeline.tracking.tables import Tracking
from pipeline.tracking.words import tracking_words

TEMPLATE = Path(__file__).parent / "templates" / "report.html"
TOP_AGENCIES = 15
TOP_RESOLUTIONS = 8


def _plan_label(number: Any, province: Any) -> str:
    label = str(number) if isinstance(number, str) else tracking_words()["draft_label"]
    return f"{label} · {province}" if isinstance(province, str) else label


def status_by_plan(progress: pd.DataFrame) -> list[dict[str, Any]]:
    if progress.empty:
        return []
    plans = summary(progress, ["plan_doc_id", "plan_number", "province"])
    keys = ["completed", "in_progress", "not_due", "not_started", "not_reported"]
    return [
        {"label": _plan_label(r["plan_number"], r["province"]), "values": {k: int(r[k]) for k in keys}}
        for _, r in plans.iterrows()
    ]


def overdue_by_agency(progress: pd.DataFrame) -> list[dict[str, Any]]:
    if progress.empty:
        return []
    agencies = summary(progress, ["agency"])
    agencies = agencies[agencies["overdue"] > 0].head(TOP_AGENCIES)
    return [{"label": r["agency"], "values": {"overdue": int(r["overdue"])}} for _, r in agencies.iterrows()]


def tasks_by_province(documents: list[dict], tasks: list[dict]) -> dict[str, Any]:
    """Tasks per (cited resolution, province), for the resolutions most documents cite."""
    per_doc = pd.Series([t["doc_id"] for t in tasks]).value_counts().to_dict() if tasks else {}
    rows = [
        (key, d["province"], per_doc.get(d["doc_id"], 0))
        for d in documents
        if d.get("province") and d.get("doc_type") != "bao_cao"
        for key in d.get("cites") or []
        if is_implemented_kind(key)
    ]
    frame = pd.DataFrame(rows, columns=["resolution", "province", "tasks"])
    if frame.empty:
        return {"rows": [], "cols": [], "values": []}
    spread = frame.groupby("resolution")["province"].nunique().sort_values(ascending=False)
    keep = [k for k in spread.index if spread[k] >= 2][:TOP_RESOLUTIONS]
    table = frame[frame["resolution"].isin(keep)].pivot_table(
        index="resolution", columns="province", values="tasks", aggfunc="sum", fill_value=0
    )
    table = table.reindex(keep)
    return {
        "rows": list(table.index),
        "cols": list(table.columns),
        "values": [[int(v) for v in row] for row in table.to_numpy()],
    }


def _source_link(row: pd.Series) -> str:
    path = row.get("source_path") if isinstance(row.get("source_path"), str) else row.get("source_file")
    if not isinstance(path, str):
        return ""
    where = []
    page = row.get("page")
    words = tracking_words()["report_labels"]
    if page is not None and not pd.isna(page):
        where.append(f"{words['page']} {int(page)}")
    for name, word in (("table_index", words["table"]), ("row_index", words["row"])):
        value = row.get(name)
        if value is not None and not pd.isna(value):
            where.append(f"{word} {int(value) + (name == 'table_index')}")
    href = Path(path).resolve().as_uri() if Path(path).is_absolute() or Path(path).exists() else path
    if page is not None and not pd.isna(page):
        href += f"#page={int(page)}"
    label = html.escape(Path(path).name) + (f" ({html.escape(', '.join(where))})" if where else "")
    return f'<a href="{html.escape(href)}">{label}</a>'


def overdue_rows(progress: pd.DataFrame) -> str:
    if progress.empty or not progress["overdue"].any():
        return f'<tr><td colspan="8">{html.escape(tracking_words()["report_labels"]["no_overdue"])}</td></tr>'
    late = progress[progress["overdue"]].sort_values(["days_late", "plan_number"], ascending=[False, True])
    out = []
    for _, r in late.iterrows():
        cells = [
            html.escape(_plan_label(r["plan_number"], r["province"])),
            html.escape(".".join([*r["section_path"], r["number"] or ""])),
            html.escape(r["text"] or ""),
            html.escape("; ".join(r["lead"])),
            html.escape(str(r["deadline_end"])),
            html.escape(tracking_words()["status_labels"].get(r["status"], r["status"] or "")),
        ]
        tds = "".join(f"<td>{c}</td>" for c in cells)
        out.append(
            f'<tr class="overdue" data-task-id="{html.escape(r["plan_task_id"])}">{tds}'
            f'<td class="num">{int(r["days_late"])}</td><td>{_source_link(r)}</td></tr>'
        )
    return "\n".join(out)


def render_report(tracking: Tracking, as_of: date, store: str = "") -> str:
    progress = tracking.frame("plan_progress")
    data = {
        "as_of": as_of.isoformat(),
        "status_by_plan": status_by_plan(progress),
        "overdue_by_agency": overdue_by_agency(progress),
        "tasks_by_province": tasks_by_province(tracking.documents, tracking.tasks),
    }
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        as_of=as_of.isoformat(),
        store=html.escape(store),
        n_plans=progress["plan_doc_id"].nunique(),
        n_tasks=len(progress),
        n_unreported=int((~progress["reported"].astype(bool)).sum()) if len(progress) else 0,
        n_overdue=int(progress["overdue"].astype(bool).sum()) if len(progress) else 0,
        overdue_rows=overdue_rows(progress),
        data=payload,
    )


def write_report(tracking: Tracking, target: Path, as_of: date, store: str = "") -> Path:
    page = render_report(tracking, as_of, store)
    return _atomic(Path(target), lambda tmp: tmp.write_text(page, encoding="utf-8"))
