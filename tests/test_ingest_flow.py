"""The Prefect ingest flow: idempotent runs, bad input recorded not fatal, crash-safe, same tasks on Dask.

All runs go to one temporary Prefect server for the session (`prefect_harness` in conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import zipfile
from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extractors import safety
from extractors.detect import detect_format
from flows.cli import app
from flows.ingest import ingest
from pipeline.base import ExtractionError
from pipeline.model import Task
from pipeline.run import FileResult, process_file
from pipeline.store import Store, StoreLockedError
from tests.conftest import FIXTURES, hang_on

pytestmark = pytest.mark.usefixtures("prefect_harness")

ROOT = Path(__file__).parents[1]
DOCX = sorted(FIXTURES.glob("*.docx"))


# -- helpers -------------------------------------------------------------------------------------------


def copy_docx(dst: Path, names: list[Path] = DOCX) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for path in names:
        shutil.copy(path, dst / path.name)
    return dst


def restamp(path: Path, tag: str) -> None:
    """Change a DOCX's bytes but not its content (a zip comment), as re-saving a file does."""
    with zipfile.ZipFile(path, "a") as zf:
        zf.comment = tag.encode()


def rewrite_docx(src: Path, dst: Path, part: str, transform) -> Path:  # noqa: ANN001
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info, transform(data) if info.filename == part else data)
    return dst


def sorted_tasks(tasks: list[Task]) -> list[str]:
    return sorted(json.dumps(asdict(t), ensure_ascii=False, sort_keys=True) for t in tasks)


def stored(db: Path) -> tuple[list, list[Task]]:
    with Store(db, read_only=True) as store:
        return store.documents(), store.tasks()


def expected_tasks(folder: Path) -> list[str]:
    """What an uninterrupted pipeline gives for every document in the folder."""
    return sorted_tasks([t for p in sorted(folder.iterdir()) for t in process_file(p).tasks])


def make_pdf(path: Path, pages: int, lines: int = 5, **canvas_kwargs: object) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), **canvas_kwargs)
    for page in range(pages):
        for i in range(lines):
            c.drawString(72, 780 - 20 * i, f"{i + 1}. Page {page + 1}: review the documents and report.")
        c.showPage()
    c.save()
    return path


@pytest.fixture(scope="module")
def reference() -> dict[str, FileResult]:
    return {p.name: process_file(p) for p in DOCX}


# -- idempotent runs -----------------------------------------------------------------------------------


def test_ingest_twice_second_run_adds_nothing(tmp_path: Path, reference: dict[str, FileResult]) -> None:
    src, out = copy_docx(tmp_path / "src"), tmp_path / "out"
    first = ingest(str(src), str(out))
    assert first["files_new"] == len(DOCX) and first["files_failed"] == 0
    assert first["tasks_added"] == sum(len(r.tasks) for r in reference.values()) > 0
    assert first["needs_review"] == sum(t.needs_review for r in reference.values() for t in r.tasks)

    second = ingest(str(src), str(out))
    assert second["tasks_added"] == 0 and second["files_new"] == 0
    assert second["files_skipped"] == len(DOCX)

    documents, tasks = stored(out / "nhiemvu.duckdb")
    assert len(documents) == len(DOCX) and all(d.status == "ok" for d in documents)
    assert sorted_tasks(tasks) == sorted_tasks([t for r in reference.values() for t in r.tasks])
    exported = [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in exported) == sorted_tasks(tasks)
    for name in ("tasks.csv", "tasks.parquet", "tasks.xlsx", "documents.jsonl", "run_report.json"):
        assert (out / name).is_file()
    with Store(out / "nhiemvu.duckdb", read_only=True) as store:
        runs = store.runs()
    assert [r["files_skipped"] for r in runs] == [0, len(DOCX)] and all(r["finished_at"] for r in runs)


def test_changed_file_replaces_its_rows(tmp_path: Path) -> None:
    src, out = copy_docx(tmp_path / "src", DOCX[:2]), tmp_path / "out"
    ingest(str(src), str(out))
    old_docs, _ = stored(out / "nhiemvu.duckdb")
    old_id = next(d.doc_id for d in old_docs if d.source_file == DOCX[0].name)

    restamp(src / DOCX[0].name, "saved again")
    report = ingest(str(src), str(out))
    assert (report["files_new"], report["files_replaced"], report["files_skipped"]) == (1, 1, 1)
    docs, tasks = stored(out / "nhiemvu.duckdb")
    assert sorted(d.source_file for d in docs) == sorted(p.name for p in DOCX[:2])
    assert old_id not in {d.doc_id for d in docs} and old_id not in {t.doc_id for t in tasks}
    new_id = next(d.doc_id for d in docs if d.source_file == DOCX[0].name)
    assert any(t.doc_id == new_id for t in tasks)


def exported_tasks(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]


def test_twins_renames_and_deletions_do_not_leave_stale_or_double_tasks(tmp_path: Path) -> None:
    """DOCX and PDF of one report count once; a renamed file moves; a deleted one leaves the export."""
    report_docx, other = FIXTURES / "ht-stp-694-baocao-q1-2026.docx", DOCX[1]
    src, out = copy_docx(tmp_path / "src", [report_docx, other]), tmp_path / "out"
    shutil.copy(report_docx.with_suffix(".pdf"), src / "báo cáo.pdf")
    ingest(str(src), str(out))
    n_report, n_other = (len(process_file(p).tasks) for p in (report_docx, other))
    assert len(exported_tasks(out)) == n_report + n_other  # not twice the report
    manifest = json.loads((out / "manifest.json").read_text())
    assert [d["source_file"] for d in manifest["left_out"]] == ["báo cáo.pdf"]

    (src / other.name).rename(src / "renamed.docx")
    (src / report_docx.name).unlink()  # the PDF twin is still there: the report stays, from the PDF
    report = ingest(str(src), str(out))
    assert report["files_removed"] == 2 and report["files_new"] == 0
    tasks = exported_tasks(out)
    assert {t["source_file"] for t in tasks} == {"báo cáo.pdf", "renamed.docx"} and len(
        tasks
    ) == n_report + n_other
    with Store(out / "nhiemvu.duckdb", read_only=True) as store:
        removed = {Path(f["source_path"]).name for f in store.files() if f["removed"]}
    assert removed == {other.name, report_docx.name}
    with duckdb.connect(str(out / "nhiemvu.read.duckdb"), read_only=True) as copy:  # what analysts open
        assert copy.execute("SELECT count(*) FROM files").fetchone() == (4,)


def test_an_output_folder_that_cannot_be_written_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import pipeline.export

    def read_only(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "out"))

    src = copy_docx(tmp_path / "src", DOCX[:1])
    monkeypatch.setattr(pipeline.export.tempfile, "mkdtemp", read_only)
    result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Permission denied" in result.output
    assert "Traceback" not in result.output + capfd.readouterr().err  # Prefect's log too


# -- bad input -----------------------------------------------------------------------------------------


def build_bad_folder(folder: Path) -> dict[str, str]:
    """Every kind of bad file beside good ones; returns file name → expected error fragment."""
    folder.mkdir()
    good = DOCX[1]
    shutil.copy(good, folder / good.name)
    shutil.copy(DOCX[3], folder / "really-a-docx.pdf")  # mislabelled: read by content
    (folder / "empty.docx").write_bytes(b"")
    (folder / "notes.pdf").write_text("Đây là một tệp văn bản, không phải PDF.\n", encoding="utf-8")
    (folder / "truncated.docx").write_bytes(good.read_bytes()[:4000])
    pdf = make_pdf(folder / "whole.tmp", pages=3).read_bytes()
    (folder / "whole.tmp").unlink()
    (folder / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    make_pdf(folder / "locked.pdf", pages=1, encrypt="mật khẩu")
    xxe = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    rewrite_docx(good, folder / "xxe.docx", "word/document.xml", lambda d: d.replace(b"?>", b"?>" + xxe, 1))
    bomb = b"<w:document>" + b"<w:p/>" * 4_000_000 + b"</w:document>"  # 24 MB, deflates ~1000:1
    rewrite_docx(good, folder / "bomb.docx", "word/document.xml", lambda d: bomb)
    make_pdf(folder / "long.pdf", pages=200)
    return {
        "empty.docx": "empty file",
        "notes.pdf": "not a PDF or Word document",
        "truncated.docx": "damaged Word file",
        "truncated.pdf": "truncated",
        "locked.pdf": "password-protected",
        "xxe.docx": "external entity",
        "bomb.docx": "zip bomb",
    }


def test_bad_files_fail_with_a_message_and_the_batch_goes_on(tmp_path: Path) -> None:
    src, out = tmp_path / "bad", tmp_path / "out"
    expected_errors = build_bad_folder(src)
    report = ingest(str(src), str(out))
    documents, tasks = stored(out / "nhiemvu.duckdb")
    by_name = {d.source_file: d for d in documents}
    assert set(by_name) == {p.name for p in src.iterdir()}
    for name, fragment in expected_errors.items():
        assert by_name[name].status == "failed", name
        assert fragment in by_name[name].error, (name, by_name[name].error)
    assert by_name[DOCX[1].name].status == "ok" and by_name[DOCX[1].name].task_count > 0
    assert (
        by_name["really-a-docx.pdf"].status == "ok" and by_name["really-a-docx.pdf"].source_format == "docx"
    )
    assert by_name["long.pdf"].status == "ok" and by_name["long.pdf"].pages == 200
    assert report["files_failed"] == len(expected_errors) and report["files_new"] == 3
    assert len(report["errors"]) == len(expected_errors)
    assert {t.source_file for t in tasks} >= {DOCX[1].name, "really-a-docx.pdf"}


def test_long_pdf_memory_stays_bounded(tmp_path: Path) -> None:
    """A 200-page PDF is read page by page: the reader's peak memory stays far below the machine's.

    The peak is the reader's own (`VmHWM` of its address space): `ru_maxrss` would also count the test
    process it was forked from, which Linux carries across `exec`, and that grows as the suite runs.
    """
    pdf = make_pdf(tmp_path / "long.pdf", pages=200)
    script = (
        "import sys; from pipeline.run import process_file; r = process_file(sys.argv[1]); "
        "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]; "
        "print(r.record.status, r.record.pages, hwm)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(pdf)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    status, pages, peak_kb = out.stdout.split()
    assert (status, pages) == ("ok", "200")
    assert int(peak_kb) < 600 * 1024, f"peak {int(peak_kb) // 1024} MB"


def test_owner_password_only_pdf_is_not_refused(tmp_path: Path) -> None:
    """Encryption with an empty user password (print/copy restrictions only) still opens."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    pdf = make_pdf(tmp_path / "restricted.pdf", pages=1, encrypt=StandardEncryption("", ownerPassword="chủ"))
    assert detect_format(pdf) == "pdf"


def test_zip_bomb_refused_by_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check reads the zip directory only: a lower limit refuses a real document before any inflating."""
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1024)
    with pytest.raises(ExtractionError, match="would unpack to"):
        detect_format(DOCX[0])


def test_utf16_doctype_is_found(tmp_path: Path) -> None:
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><w:document/>'
    doc = rewrite_docx(DOCX[0], tmp_path / "u16.docx", "word/styles.xml", lambda d: xml.encode("utf-16"))
    with pytest.raises(ExtractionError, match="external entity"):
        detect_format(doc)


# -- crash safety and locking --------------------------------------------------------------------------


def api_env() -> dict[str, str]:
    """The environment for a child `nhiemvu` that must talk to the session's temporary Prefect server."""
    from prefect.settings import get_current_settings

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PREFECT_API_URL": str(get_current_settings().api.url)}
    env.pop("PREFECT_TEST_MODE", None)
    return env


def test_sigkill_mid_run_then_rerun_gives_the_same_tasks(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    for copy in range(3):  # 15 distinct files, so there is work left when the first one is stored
        for path in copy_docx(tmp_path / f"c{copy}").iterdir():
            restamp(path, f"copy {copy}")
            path.rename(copy_docx(src, []) / f"{copy}-{path.name}")
    total = len(list(src.iterdir()))
    cmd = [sys.executable, "-m", "flows.cli", "ingest", str(src), "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=api_env()
    )
    watchdog = threading.Timer(180, proc.kill)
    watchdog.start()
    log = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            log.append(line)
            if "stored " in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=30)
    finally:
        watchdog.cancel()
    assert proc.returncode == -signal.SIGKILL, "".join(log[-20:])

    documents, _ = stored(out / "nhiemvu.duckdb")  # the lock died with the process
    assert 1 <= len(documents) < total
    with Store(out / "nhiemvu.duckdb", read_only=True) as store:
        assert store.runs()[-1]["finished_at"] is None  # the killed run shows as unfinished

    report = ingest(str(src), str(out))
    assert report["files_skipped"] == len(documents) and report["files_new"] == total - len(documents)
    documents, tasks = stored(out / "nhiemvu.duckdb")
    assert len(documents) == total
    assert sorted_tasks(tasks) == expected_tasks(src)


def test_a_normal_run_prints_progress_and_the_summary_only(tmp_path: Path) -> None:
    src = copy_docx(tmp_path / "src", DOCX[:2])
    cmd = [sys.executable, "-m", "flows.cli", "ingest", str(src), "--out", str(tmp_path / "out")]
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=api_env(), timeout=300)
    assert run.returncode == 0, run.stderr
    for noise in ("Traceback", "database is locked", "worker thread", "ERROR"):
        assert noise not in run.stderr, run.stderr
    assert "2 new, 0 skipped, 0 failed" in run.stderr
    batches = re.findall(r"stored (\d) files? \((\d) new\), \d+ tasks: (.+)\n", run.stderr)  # one per batch
    assert sum(int(n) for n, _, _ in batches) == sum(int(new) for _, new, _ in batches) == 2, run.stderr
    assert sorted(name for *_, names in batches for name in names.split(", ")) == sorted(
        p.name for p in src.iterdir()
    )


def test_concurrent_run_refused(tmp_path: Path) -> None:
    src, out = copy_docx(tmp_path / "src", DOCX[:1]), tmp_path / "out"
    with Store(out / "nhiemvu.duckdb"):  # another run holds the store
        with pytest.raises(StoreLockedError, match="another nhiemvu run"):
            ingest(str(src), str(out))
        result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(out)])
        assert result.exit_code == 2 and "refused" in result.output
    assert ingest(str(src), str(out))["files_new"] == 1  # and once it is free, the run goes through


# -- other runners -------------------------------------------------------------------------------------


def test_dask_local_cluster_gives_the_same_tasks(tmp_path: Path) -> None:
    from distributed import LocalCluster

    src = copy_docx(tmp_path / "src")
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        report = ingest(str(src), str(tmp_path / "dask"), dask_address=cluster.scheduler_address)
    assert report["files_new"] == len(DOCX)
    _, dask_tasks = stored(tmp_path / "dask" / "nhiemvu.duckdb")
    ingest(str(src), str(tmp_path / "default"))
    _, default_tasks = stored(tmp_path / "default" / "nhiemvu.duckdb")
    assert sorted_tasks(dask_tasks) == sorted_tasks(default_tasks) and dask_tasks


def test_process_pool_gives_the_same_tasks(tmp_path: Path) -> None:
    src = copy_docx(tmp_path / "src", DOCX[:3])
    report = ingest(str(src), str(tmp_path / "out"), workers=2, processes=True)
    assert report["files_new"] == 3
    _, tasks = stored(tmp_path / "out" / "nhiemvu.duckdb")
    assert sorted_tasks(tasks) == expected_tasks(src)


# -- CLI and deployment --------------------------------------------------------------------------------


def test_cli_ingest_then_export(tmp_path: Path) -> None:
    src, out = copy_docx(tmp_path / "src", DOCX[:1]), tmp_path / "out"
    result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 new, 0 skipped, 0 failed" in result.output
    exports = tmp_path / "exports"
    db = out / "nhiemvu.duckdb"
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--db", str(db), "--out", str(exports)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in exports.iterdir()) == ["documents.jsonl", "manifest.json", "tasks.csv"]
    assert (exports / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    result = CliRunner().invoke(app, ["export", "--format", "docx", "--db", str(db)])
    assert result.exit_code == 2 and "unknown format" in result.output

    (src / "empty.docx").write_bytes(b"")  # some files failed: exit 1, and the summary says which
    result = CliRunner().invoke(app, ["ingest", str(src), "--out", str(out)])
    assert result.exit_code == 1 and "0 new, 1 skipped, 1 failed" in result.output
    assert "failed empty.docx: empty file" in result.output


def test_nightly_deployment_schedule() -> None:
    from flows.nightly import nightly_deployment

    deployment = nightly_deployment("data/raw", "data/processed")
    (schedule,) = deployment.schedules
    assert deployment.name == "nightly" and schedule.schedule.cron == "0 2 * * *"
    assert deployment.parameters == {
        "source_dir": str((Path.cwd() / "data/raw").resolve()),
        "out_dir": str((Path.cwd() / "data/processed").resolve()),
    }


def test_slow_file_times_out_and_the_batch_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = copy_docx(tmp_path / "src", DOCX[:2])
    hang_on(monkeypatch, DOCX[0])
    report = ingest(str(src), str(tmp_path / "out"), file_timeout=5)
    assert (report["files_new"], report["files_failed"]) == (1, 1)
    documents, _ = stored(tmp_path / "out" / "nhiemvu.duckdb")
    slow = next(d for d in documents if d.source_file == DOCX[0].name)
    assert slow.status == "failed" and "gave up after 5 s" in slow.error


def test_runner_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Threads for a small batch, reader processes for a big one, never more workers than cores or files."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.ingest import ReaderPoolTaskRunner, make_task_runner
    from flows.readers import PROCESS_POOL_MIN_FILES

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    few = [DOCX[0]] * 3
    many = [DOCX[0]] * PROCESS_POOL_MIN_FILES
    assert isinstance(make_task_runner(None, None, few), ThreadPoolTaskRunner)
    assert isinstance(make_task_runner(None, None, many), ReaderPoolTaskRunner)
    assert isinstance(make_task_runner(1, None, many), ThreadPoolTaskRunner)
    assert isinstance(make_task_runner(None, None, few, processes=True), ReaderPoolTaskRunner)
    readers = make_task_runner(16, None, many, processes=True)
    assert readers.readers == 4 and readers._max_workers == 8  # each reader has its next batch queued
    assert make_task_runner(None, None, few)._max_workers == 3
