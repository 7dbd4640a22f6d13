"""The dataset an analyst gets: typed columns, one row per path, no stale or double tasks."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.store import Store
from tests.test_store import make_result

A, B, C = "a" * 64, "b" * 64, "c" * 64


def column_types(db: Path, table: str) -> dict[str, str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchall()
        )


def exported(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "tasks.jsonl").read_text(encoding="utf-8").splitlines()]


# -- types ----------------------------------------------------------------------------------------------


def test_store_columns_are_typed(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb"):
        pass
    tasks, docs, runs = (column_types(tmp_path / "s.duckdb", t) for t in ("tasks", "documents", "runs"))
    assert tasks["doc_date"] == tasks["deadline_start"] == tasks["deadline_end"] == "DATE"
    assert tasks["review_reasons"] == "VARCHAR[]" and tasks["needs_review"] == "BOOLEAN"
    assert docs["doc_date"] == "DATE" and docs["ingested_at"] == "TIMESTAMP"
    assert runs["started_at"] == runs["finished_at"] == "TIMESTAMP"


def test_dates_in_the_store_are_dates_and_come_back_as_iso(tmp_path: Path) -> None:
    result = make_result(A, n_tasks=2)
    with Store(tmp_path / "s.duckdb") as store:
        store.save(result, "/in/a.docx")
        assert store.tasks() == result.tasks  # the model still sees ISO strings
        (row,) = store._con().execute("SELECT max(deadline_end) FROM tasks").fetchall()
    assert row == (dt.date(2026, 3, 31),)


def test_an_old_text_typed_store_is_retyped_on_open(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(
            "CREATE TABLE documents (doc_id VARCHAR, sha256 VARCHAR, doc_date VARCHAR, ingested_at VARCHAR)"
        )
        con.execute("CREATE UNIQUE INDEX documents_sha256 ON documents (sha256)")
        con.execute("INSERT INTO documents VALUES ('a', ?, '2026-03-01', '2026-01-01T00:00:00+00:00')", [A])
    with Store(db) as store:
        (doc,) = store.documents()
    assert doc.doc_date == "2026-03-01" and doc.ingested_at == "2026-01-01T00:00:00+00:00"
    assert column_types(db, "documents")["doc_date"] == "DATE"


def parquet_schema(path: Path) -> pa.Schema:
    return pq.read_schema(path)


def test_parquet_schema_does_not_depend_on_the_data(tmp_path: Path) -> None:
    """An empty export and one without review reasons have the same, declared, types."""
    with Store(tmp_path / "s.duckdb") as store:
        store.export(tmp_path / "empty")
        store.save(make_result(A, n_tasks=1), "/in/a.docx")  # its one task has no review reason
        store.export(tmp_path / "full")
    for name in ("tasks.parquet", "documents.parquet"):
        assert parquet_schema(tmp_path / "empty" / name) == parquet_schema(tmp_path / "full" / name)
    tasks = parquet_schema(tmp_path / "full" / "tasks.parquet")
    assert tasks.field("review_reasons").type == pa.list_(pa.string())
    assert tasks.field("doc_date").type == tasks.field("deadline_end").type == pa.date32()
    assert tasks.field("needs_review").type == pa.bool_() and tasks.field("confidence").type == pa.float64()
    docs = parquet_schema(tmp_path / "full" / "documents.parquet")
    assert docs.field("ingested_at").type == pa.timestamp("us") and docs.field("doc_date").type == pa.date32()
    frame = pd.read_parquet(tmp_path / "full" / "tasks.parquet")
    assert frame["deadline_end"].iloc[0] == dt.date(2026, 3, 31)


def test_xlsx_dates_are_dates_and_documents_have_their_sheet(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result(A, n_tasks=2), "/in/a.docx")
        store.export(tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "tasks.xlsx")
    assert book.sheetnames == ["tasks", "documents"]
    tasks = book["tasks"]
    header = [c.value for c in tasks[1]]
    cell = tasks.cell(row=2, column=header.index("deadline_end") + 1)
    assert cell.is_date and cell.value.date() == dt.date(2026, 3, 31)
    docs = book["documents"]
    header = [c.value for c in docs[1]]
    assert docs.cell(row=2, column=header.index("ingested_at") + 1).is_date
    assert docs.cell(row=2, column=header.index("sha256") + 1).value == A


def test_jsonl_keeps_iso_strings(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        store.save(make_result(A, n_tasks=1), "/in/a.docx")
        store.export(tmp_path / "out")
    (task,) = exported(tmp_path / "out")
    assert task["doc_date"] == "2026-03-01" and task["deadline_end"] == "2026-03-31"
    (doc,) = [json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    assert doc["ingested_at"] == "2026-01-01T00:00:00+00:00"


# -- one row per path -----------------------------------------------------------------------------------


def ingest_like(store: Store, src: Path, files: dict[str, str]) -> int:
    """What the flow does: record the paths found, then store the contents not yet known."""
    removed = store.sync_files([(src / name, sha) for name, sha in files.items()], src)
    first_path = {sha: name for name, sha in reversed(files.items())}
    for sha, name in first_path.items():  # the flow reads each content once
        store.save(make_result(sha, name=name, n_tasks=2), src / name)
    return removed


def test_a_deleted_file_is_removed_and_its_tasks_are_not_exported(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Store(tmp_path / "s.duckdb") as store:
        ingest_like(store, src, {"a.docx": A, "b.docx": B})
        assert ingest_like(store, src, {"b.docx": B}) == 1
        store.export(tmp_path / "out")
        files = {Path(f["source_path"]).name: f for f in store.files()}
    assert files["a.docx"]["removed"] and not files["b.docx"]["removed"]
    assert files["a.docx"]["first_seen"] and files["a.docx"]["last_seen"]
    assert {t["doc_id"] for t in exported(tmp_path / "out")} == {B[:16]}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["left_out"] == [
        {"doc_id": A[:16], "source_file": "a.docx", "reason": "removed from the source folder"}
    ]


def test_a_renamed_file_moves_to_its_new_path(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Store(tmp_path / "s.duckdb") as store:
        ingest_like(store, src, {"old.docx": A})
        ingest_like(store, src, {"new.docx": A})
        (doc,) = store.documents()
        assert doc.source_file == "new.docx"
        assert {t.source_file for t in store.tasks()} == {"new.docx"}
        store.export(tmp_path / "out")
    assert len(exported(tmp_path / "out")) == 2


def test_a_file_overwritten_with_bytes_stored_elsewhere_drops_its_old_tasks(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Store(tmp_path / "s.duckdb") as store:
        ingest_like(store, src, {"a.docx": A, "b.docx": B})
        ingest_like(store, src, {"a.docx": B, "b.docx": B})  # a.docx now holds b's bytes: "skipped"
        store.export(tmp_path / "out")
        docs = store.documents_with_paths().set_index("doc_id")
    assert bool(docs.loc[A[:16], "removed"])
    assert {t["doc_id"] for t in exported(tmp_path / "out")} == {B[:16]}
    assert docs.loc[B[:16], "copies"] == 2


def test_every_copy_is_recorded(tmp_path: Path) -> None:
    src = tmp_path / "src"
    names = {f"copy-{i:04}.docx": A for i in range(2000)}
    with Store(tmp_path / "s.duckdb") as store:
        ingest_like(store, src, names)
        docs = store.documents_with_paths()
        assert len(store.files()) == 2000
    assert docs["copies"].tolist() == [2000] and len(docs["paths"].iloc[0]) == 2000


def test_a_path_changed_while_a_copy_keeps_the_old_bytes(tmp_path: Path) -> None:
    """a.docx is edited, but copy.docx still holds its old bytes: the old document lives on there."""
    src = tmp_path / "src"
    with Store(tmp_path / "s.duckdb") as store:
        ingest_like(store, src, {"a.docx": A, "copy.docx": A})
        assert store.save(make_result(B, name="a.docx"), src / "a.docx") == "replaced"
        store.sync_files([(src / "a.docx", B), (src / "copy.docx", A)], src)
        docs = {d.sha256: d for d in store.documents()}
    assert set(docs) == {A, B} and docs[A].source_file == "copy.docx"


# -- duplicates -----------------------------------------------------------------------------------------


def twin(sha: str, name: str, fmt: str, number: str | None = "66/KH-UBND") -> object:
    result = make_result(sha, name=name, n_tasks=2)
    result.record.source_format = fmt
    result.record.issuer, result.record.doc_number, result.record.doc_date = (
        "Ủy ban nhân dân tỉnh",
        number,
        "2025-03-01",
    )
    return result


def test_the_same_document_as_docx_and_pdf_is_exported_once(tmp_path: Path) -> None:
    src = tmp_path / "src"
    with Store(tmp_path / "s.duckdb") as store:
        store.sync_files([(src / "kh.pdf", A), (src / "kh.docx", B), (src / "other.docx", C)], src)
        store.save(twin(A, "kh.pdf", "pdf"), src / "kh.pdf")
        store.save(twin(B, "kh.docx", "docx"), src / "kh.docx")
        store.save(twin(C, "other.docx", "docx", number="67/KH-UBND"), src / "other.docx")
        store.export(tmp_path / "out")
    assert sorted({t["source_file"] for t in exported(tmp_path / "out")}) == ["kh.docx", "other.docx"]
    docs = {d["source_file"]: d for d in map(json.loads, (tmp_path / "out" / "documents.jsonl").open())}
    assert docs["kh.pdf"]["duplicate_of"] == B[:16] and docs["kh.pdf"]["exported"] is False
    assert docs["kh.docx"]["duplicate_of"] is None and docs["kh.docx"]["exported"] is True
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["left_out"] == [
        {"doc_id": A[:16], "source_file": "kh.pdf", "reason": f"duplicate of {B[:16]}"}
    ]


def test_copies_with_the_same_tasks_are_exported_once(tmp_path: Path) -> None:
    """Two files, no number to compare, but the same tasks: one document."""
    first, second = make_result(A, name="a.docx", n_tasks=3), make_result(B, name="b.docx", n_tasks=3)
    for r in (first, second):
        r.record.doc_number = None
    with Store(tmp_path / "s.duckdb") as store:
        store.save(first, "/in/a.docx")
        store.save(second, "/in/b.docx")
        store.export(tmp_path / "out")
    assert {t["doc_id"] for t in exported(tmp_path / "out")} == {A[:16]}


# -- nothing left out silently --------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_hidden_files_and_pipes_are_noted_not_silently_skipped(tmp_path: Path) -> None:
    from flows.ingest_run import discover

    src = tmp_path / "src"
    (src / ".git").mkdir(parents=True)
    (src / ".git" / "a").write_text("x")
    (src / ".git" / "b").write_text("x")
    (src / ".~lock.kh.docx#").write_text("x")
    (src / "kh.docx").write_text("x")
    os.mkfifo(src / "pipe.docx")
    notes: list[str] = []
    assert discover(src, ignored=notes) == [src / "kh.docx"]
    assert notes == [
        ".git/: hidden folder, not read",
        ".~lock.kh.docx#: hidden file (name starts with a dot), not read",
        "pipe.docx: not a regular file (a pipe, socket or device), not read",
    ]


def test_an_old_store_read_only_says_to_upgrade(tmp_path: Path) -> None:
    from pipeline.store import StoreError

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE documents (doc_id VARCHAR, sha256 VARCHAR, doc_date VARCHAR)")
    with pytest.raises(StoreError, match="run `nhiemvu ingest` once to upgrade it"):
        Store(db, read_only=True).open()


def test_a_copy_with_tasks_wins_over_a_better_format_without() -> None:
    from pipeline.dedup import select_for_export

    docs = pd.DataFrame(
        [
            {"doc_id": "docx", "status": "ok", "source_format": "docx", "task_count": 0},
            {"doc_id": "pdf", "status": "ok", "source_format": "pdf", "task_count": 12},
        ]
    ).assign(issuer="Sở Tư pháp", doc_number="1/KH", doc_date="2026-01-01")
    chosen = select_for_export(docs).set_index("doc_id")
    assert chosen.loc["docx", "duplicate_of"] == "pdf" and chosen.loc["pdf", "exported"]
