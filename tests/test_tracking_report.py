"""report.html opened in headless Chromium, offline: the inline script draws the charts, the overdue
table lists exactly the overdue tasks."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import duckdb
import pytest

from pipeline.tracking import compute_tracking
from pipeline.tracking.report import write_report
from tests.tracking_helpers import PAIRS, RESOLUTION_66, build_store

AS_OF = date(2026, 1, 20)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    db = build_store(folder / "nhiemvu.duckdb", [*PAIRS, RESOLUTION_66[1]])  # + Quảng Trị's plan
    con = duckdb.connect(str(db), read_only=True)
    tracking = compute_tracking(con, AS_OF, families=False)
    con.close()
    return write_report(tracking, folder / "report.html", AS_OF, store=str(db)), tracking


def render_dom(page, tmp_path) -> str:
    chromium = shutil.which("chromium")
    assert chromium, "chromium is not installed: run `make system-deps` (Debian package chromium)"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # any attempt to reach the network would fail
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_page_needs_nothing_from_the_network(report):
    page, _ = report
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", text)
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) <= {
        "http://www.w3.org/2000/svg"
    }  # a namespace name


def test_chromium_draws_the_charts_and_the_overdue_table(report, tmp_path):
    page, tracking = report
    dom = render_dom(page, tmp_path)
    drawn = re.search(r'data-charts-drawn="(\d+)"', dom)
    assert drawn and int(drawn.group(1)) > 20, "the inline script did not run"

    def chart(name: str) -> str:
        return re.search(rf'<svg[^>]*id="{name}".*?</svg>', dom, re.S).group(0)

    plans = {row["plan_doc_id"] for row in tracking.progress}
    status = chart("chart-status")
    assert status.count('class="bar"') >= len(plans)
    assert 'data-key="completed"' in status and 'data-key="not_reported"' in status
    agency = chart("chart-agency")
    assert "Sở Nội vụ" in agency and 'class="bar"' in agency
    province = chart("chart-province")
    assert "66/NQ/TW" in province and "Quảng Trị" in province and 'class="cell"' in province

    table = re.search(r'<table id="overdue-table">.*?</table>', dom, re.S).group(0)
    listed = re.findall(r'<tr class="overdue" data-task-id="([0-9a-f]+)"', table)
    overdue = {row["plan_task_id"] for row in tracking.progress if row["overdue"]}
    assert len(listed) == len(overdue) and set(listed) == overdue
    assert "ht-ubnd-444-kehoach-66-2025.docx" in table and 'href="file://' in table
