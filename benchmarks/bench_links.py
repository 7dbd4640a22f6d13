"""How often a report task is linked to the right plan task, on plan/report pairs nobody tuned for.

    python benchmarks/bench_links.py ../shared/corpus/tools/specs/na-ubnd-187-kehoach-nq57-2026.json \
        --render ../shared/corpus/tools/render.py [--seeds 5]

From a plan's renderer spec, each seed writes a report on that plan the way report writers do: tasks
shortened, reworded, their leads abbreviated, reordered, regrouped by status (or listed in one table
with a status column), a third dropped, a few new ones added. Both are rendered to DOCX, read by the
pipeline, linked, and the links are scored against what the generator knows. Prints accuracy (right
links + new tasks left unlinked, over all report tasks) and the exact-overdue check.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from normalizers.text import match_key  # noqa: E402
from pipeline.run import process_file  # noqa: E402
from pipeline.store import Store  # noqa: E402
from pipeline.tracking import compute_tracking  # noqa: E402

SYNONYMS = [
    ("Xây dựng", "Soạn thảo"),
    ("Tổ chức", "Thực hiện"),
    ("triển khai", "thực hiện"),
    ("Tăng cường", "Đẩy mạnh"),
    ("nâng cao", "cải thiện"),
    ("Rà soát", "Kiểm tra, rà soát"),
    ("trên địa bàn tỉnh", ""),
    ("Nghiên cứu", "Tìm hiểu"),
    ("hoàn thiện", "bổ sung"),
]
ABBREVIATIONS = [
    ("Ủy ban nhân dân", "UBND"),
    ("Uỷ ban nhân dân", "UBND"),
    ("Khoa học và Công nghệ", "KH&CN"),
    ("Văn phòng", "VP"),
]
HARD = False  # --hard: every task both shortened and reworded
NEW_TASKS = [
    "Tổ chức hội nghị sơ kết giữa kỳ theo chỉ đạo của Thường trực Tỉnh ủy",
    "Kiểm tra đột xuất việc thực hiện quy chế dân chủ ở cơ sở",
    "Xây dựng báo cáo chuyên đề phục vụ kỳ họp Hội đồng nhân dân tỉnh",
]
STATUS_GROUPS = [
    ("Nhiệm vụ đã hoàn thành", "completed_on_time", "Đã hoàn thành"),
    ("Nhiệm vụ đang thực hiện", "in_progress_on_time", "Đang thực hiện"),
    ("Nhiệm vụ chưa triển khai", "not_started", "Chưa thực hiện"),
]


def reword(text: str, rng: random.Random, hard: bool = False) -> str:
    """Shorten to the first clause or to part of the words, and/or swap in synonyms (both when hard)."""
    words = text.split()
    how = rng.random()
    if how < 0.25 and len(words) > 12:
        first = re.split(r"[;:]", text)[0]
        text = first if len(first.split()) >= 6 else " ".join(words[: max(8, len(words) * 2 // 3)])
    elif how < 0.5 and len(words) > 10:
        text = " ".join(words[: max(7, int(len(words) * rng.uniform(0.45, 0.75)))])
    if how >= 0.5 and how < 0.8 or hard:
        for old, new in rng.sample(SYNONYMS, 4):
            text = text.replace(old, new)
        text = text.replace("văn bản quy phạm pháp luật", "văn bản QPPL")
    return re.sub(r"\s+", " ", text).strip(" ,;")


def abbreviate(lead: str | None, rng: random.Random) -> str:
    lead = lead or ""
    if rng.random() < 0.5:
        for old, new in ABBREVIATIONS:
            lead = lead.replace(old, new)
    return lead


def plan_rows(spec: dict) -> list[dict]:
    return [
        row["task"] for b in spec["blocks"] if b["kind"] == "table" for row in b["rows"] if row.get("task")
    ]


def report_spec(plan: dict, seed: int) -> tuple[dict, list[int | None], dict[int, str]]:
    """A report spec, the plan-task index each report row reports on (None: new), and the statuses."""
    rng = random.Random(seed)
    tasks = plan_rows(plan)
    kept = sorted(rng.sample(range(len(tasks)), k=max(1, len(tasks) * 2 // 3)))
    rng.shuffle(kept)
    status_of = {i: rng.choice(STATUS_GROUPS) for i in kept}
    number = plan["meta"]["doc_number"]
    plan_date = date.fromisoformat(plan["meta"]["doc_date"])
    province = plan["meta"]["province"]
    report_date = plan_date + timedelta(days=120)
    header = plan["blocks"][0]
    left = [line for line in header["left"] if not line.startswith("Số")] + [f"Số: {seed + 100}/BC-UBND"]
    right = header["right"][:2] + [
        f"{province}, ngày {report_date.day} tháng {report_date.month} năm {report_date.year}"
    ]
    ref = f"Kế hoạch số {number} ngày {plan_date.day}/{plan_date.month}/{plan_date.year}"
    blocks = [
        {"kind": "national_header", "left": left, "right": right},
        {"kind": "title", "text": "BÁO CÁO"},
        {"kind": "subtitle", "text": f"Kết quả thực hiện {ref}"},
        {"kind": "para", "text": f"Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện {ref} như sau:"},
    ]
    order: list[int | None] = []
    one_table = seed % 2 == 1
    columns = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian", "Kết quả thực hiện"]
    fields = ["number", "text", "lead_raw", "timeframe_raw", "status_raw"]

    def row(n: int, i: int | None, note: str) -> dict:
        task = tasks[i] if i is not None else None
        text = reword(task["text"], rng, HARD) if task else NEW_TASKS[n % len(NEW_TASKS)]
        lead = abbreviate(task["lead_raw"], rng) if task else "Văn phòng UBND tỉnh"
        when = (task.get("timeframe_raw") or "") if task and rng.random() < 0.6 else ""
        cells = [str(n), text, lead, when, note]
        gold = {
            k: None for k in ("lead_raw", "support_raw", "output", "timeframe_raw", "status_raw", "status")
        }
        gold.update({"section_path": [], "number": str(n), "text": text, "lead": [], "support": []})
        gold.update(
            {"deadline_kind": "unspecified", "deadline_start": None, "deadline_end": None, "recurrence": None}
        )
        return {"cells": cells, "task": gold}

    if one_table:
        rows = []
        for n, i in enumerate(kept, start=1):
            rows.append(row(n, i, status_of[i][2]))
            order.append(i)
        rows.append({"section": True, "cells": ["", "NHIỆM VỤ PHÁT SINH"]})
        for n in range(len(kept) + 1, len(kept) + 3):
            rows.append(row(n, None, "Đã hoàn thành"))
            order.append(None)
        blocks.append(
            {
                "kind": "table",
                "columns": columns,
                "widths_cm": [1.0, 7.0, 3.0, 2.5, 2.5],
                "fields": fields,
                "rows": rows,
            }
        )
    else:
        for g, (heading, _, note) in enumerate(STATUS_GROUPS, start=1):
            members = [i for i in kept if status_of[i][0] == heading]
            if not members:
                continue
            blocks.append({"kind": "heading", "label": str(g), "text": heading, "level": 2})
            rows = [row(n, i, note) for n, i in enumerate(members, start=1)]
            order.extend(members)
            blocks.append(
                {
                    "kind": "table",
                    "columns": columns,
                    "widths_cm": [1.0, 7.0, 3.0, 2.5, 2.5],
                    "fields": fields,
                    "rows": rows,
                }
            )
        blocks.append({"kind": "heading", "label": "4", "text": "Nhiệm vụ phát sinh", "level": 2})
        rows = [row(n, None, "Đã hoàn thành") for n in (1, 2)]
        order.extend([None, None])
        blocks.append(
            {
                "kind": "table",
                "columns": columns,
                "widths_cm": [1.0, 7.0, 3.0, 2.5, 2.5],
                "fields": fields,
                "rows": rows,
            }
        )
    spec = {
        "id": f"bench-report-{seed}",
        "meta": {
            "doc_type": "bao_cao",
            "doc_number": f"{seed + 100}/BC-UBND",
            "doc_date": report_date.isoformat(),
            "province": province,
            "issuer": None,
            "title": f"Kết quả thực hiện {ref}",
        },
        "style": plan.get("style", {"font": "Times New Roman", "size": 14, "numbering": "literal"}),
        "blocks": blocks,
    }
    return spec, order, {i: status_of[i][1] for i in kept}


def run(plan_spec: Path, render: Path, seed: int, work: Path) -> tuple[int, int, bool]:
    plan = json.loads(plan_spec.read_text(encoding="utf-8"))
    spec, order, _ = report_spec(plan, seed)
    spec_path = work / f"{spec['id']}.json"
    spec_path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    out = work / f"out-{plan['id']}-{seed}"
    for path in (plan_spec, spec_path):
        subprocess.run(
            [sys.executable, str(render), str(path), "--out", str(out), "--formats", "docx"],
            check=True,
            capture_output=True,
        )
    plan_file, report_file = out / f"{plan['id']}.docx", out / f"{spec['id']}.docx"
    plan_result, report_result = process_file(plan_file), process_file(report_file)
    db = work / f"{plan['id']}-{seed}.duckdb"
    with Store(db) as store:
        store.save(plan_result, source_path=plan_file)
        store.save(report_result, source_path=report_file)
    con = duckdb.connect(str(db), read_only=True)
    as_of = date.fromisoformat(spec["meta"]["doc_date"])
    tracking = compute_tracking(con, as_of, families=False)
    con.close()
    gold_plan = plan_rows(plan)
    by_text: dict[str, list[str]] = {}
    for t in plan_result.tasks:
        by_text.setdefault(match_key(t.text), []).append(t.task_id)
    plan_ids = [
        by_text.get(match_key(g["text"]), [None]).pop(0) if by_text.get(match_key(g["text"])) else None
        for g in gold_plan
    ]
    links = {link.report_task_id: link.plan_task_id for link in tracking.links}
    right = 0
    report_tasks = report_result.tasks
    if len(report_tasks) != len(order) or None in plan_ids:
        print(
            f"  seed {seed}: extraction gave {len(report_tasks)} report tasks (expected {len(order)}), "
            f"{plan_ids.count(None)} plan rows not found by text"
        )
    for task, expected in zip(report_tasks, order, strict=False):
        want = plan_ids[expected] if expected is not None and expected < len(plan_ids) else None
        got = links.get(task.task_id)
        right += got == want
        if got != want:
            print(
                f"  seed {seed}: {task.text[:70]!r} → {'linked' if got else 'unlinked'}, expected {'plan task' if want else 'unlinked'}"
            )
    # overdue must be exactly: deadline before as-of, and not reported completed
    status_by_plan_task = {}
    for task, expected in zip(report_tasks, order, strict=False):
        if expected is not None and expected < len(plan_ids) and task.status:
            status_by_plan_task[plan_ids[expected]] = task.status
    want_overdue = {
        t.task_id
        for t in plan_result.tasks
        if t.deadline_end
        and date.fromisoformat(t.deadline_end) < as_of
        and not (status_by_plan_task.get(t.task_id) or "").startswith("completed")
    }
    got_overdue = {r["plan_task_id"] for r in tracking.progress if r["overdue"]}
    texts = {t.task_id: t.text[:60] for t in plan_result.tasks}
    for task_id in want_overdue ^ got_overdue:
        row = next(r for r in tracking.progress if r["plan_task_id"] == task_id)
        print(
            f"  seed {seed}: overdue {'missed' if task_id in want_overdue else 'extra'}: {texts[task_id]!r} "
            f"({row['deadline_end']}, {row['status']})"
        )
    return right, len(order), want_overdue == got_overdue


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "plans", nargs="+", type=Path, help="renderer specs of plans (with a number and date)"
    )
    parser.add_argument("--render", type=Path, required=True, help="the corpus renderer, render.py")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--hard", action="store_true", help="shorten and reword every task")
    args = parser.parse_args()
    global HARD
    HARD = args.hard
    total_right = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for plan in args.plans:
            for seed in range(args.seeds):
                right, n, overdue_exact = run(plan, args.render, seed, Path(tmp))
                total_right += right
                total += n
                print(
                    f"{plan.stem} seed {seed}: links {right}/{n} = {right / n:.3f}, overdue exact: {overdue_exact}"
                )
    print(f"all: {total_right}/{total} = {total_right / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
