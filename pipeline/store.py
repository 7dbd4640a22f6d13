"""The DuckDB store: every ingested file and its tasks, kept across runs, so a batch can be resumed.

A file is known by the sha256 of its bytes: re-ingesting the same bytes changes nothing, and a file whose
bytes changed at the same path replaces its old rows. Each file is written in its own transaction, so a
run killed half-way keeps every file it had finished and the next run, skipping known hashes, does the rest.

One writer at a time: `Store` takes an exclusive `flock` on `<db>.lock` (released by the kernel even on
SIGKILL, so a crash never leaves a stale lock) and writes the holder's pid in it for the error message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb

from pipeline.export import EXPORT_FORMATS, _atomic_write, documents_frame, tasks_frame, write_exports
from pipeline.model import DOCUMENT_COLUMNS, TASK_COLUMNS, DocumentRecord, Task
from pipeline.run import FileResult, now_iso

DEFAULT_DB = Path("data/processed/nhiemvu.duckdb")

# Store-only columns, beside the contract's: where the file was read from, which run stored it, and the
# task's position in its document (so exports keep the document's order).
DOCUMENT_EXTRA = {"source_path": "VARCHAR", "run_id": "VARCHAR"}
TASK_EXTRA = {"seq": "INTEGER"}

RUN_COLUMNS: dict[str, str] = {
    "run_id": "VARCHAR PRIMARY KEY",
    "started_at": "VARCHAR",
    "finished_at": "VARCHAR",
    "source_dir": "VARCHAR",
    "files_new": "INTEGER",
    "files_replaced": "INTEGER",
    "files_skipped": "INTEGER",
    "files_failed": "INTEGER",
    "tasks_added": "INTEGER",
    "needs_review": "INTEGER",
    "errors": "VARCHAR[]",
}


class StoreError(RuntimeError):
    """The store could not be written (a full disk, a read-only folder); the message says so plainly."""


class StoreLockedError(StoreError):
    """Another process is writing to the same store; the message says which one and what to do."""


def _sql_type(annotation: Any) -> str:
    """Column type from the model's annotation, so the tables follow `pipeline/model.py` without a copy."""
    text = str(annotation)
    if "list" in text:
        return "VARCHAR[]"
    if "bool" in text:
        return "BOOLEAN"
    if "float" in text:
        return "DOUBLE"
    if "int" in text:
        return "INTEGER"
    return "VARCHAR"


def _columns(model: type, extra: dict[str, str]) -> dict[str, str]:
    cols = {f.name: _sql_type(f.type) for f in fields(model)}
    cols.update(extra)
    return cols


DOCUMENT_SCHEMA = _columns(DocumentRecord, DOCUMENT_EXTRA)
TASK_SCHEMA = _columns(Task, TASK_EXTRA)


@dataclass
class RunStats:
    """What one ingest run did; stored in `runs` and published as the run report."""

    run_id: str
    started_at: str
    source_dir: str | None = None
    finished_at: str | None = None
    files_new: int = 0
    files_replaced: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    tasks_added: int = 0
    needs_review: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Store:
    """An open DuckDB store held by this process (use as a context manager)."""

    def __init__(self, path: Path | str = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock_fd: int | None = None
        self.con: duckdb.DuckDBPyConnection | None = None

    # -- opening and locking -------------------------------------------------------------------------

    def __enter__(self) -> Store:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def open(self) -> Store:
        """Take the lock, then open (and if needed create) the database."""
        if self.read_only and not self.path.exists():
            raise FileNotFoundError(f"no store at {self.path}: run `nhiemvu ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._acquire_lock()
        try:
            self.con = duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as err:  # held by a process that does not use our lock file
            self._release_lock()
            raise StoreLockedError(f"the store {self.path} is in use by another program: {err}") from err
        except BaseException:
            self._release_lock()
            raise
        if not self.read_only:
            try:
                self._create_schema()
            except BaseException:
                self.close()
                raise
        return self

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._release_lock()

    def _acquire_lock(self) -> None:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise StoreLockedError(
                f"another nhiemvu run (pid {holder}) is using the store {self.path}; "
                "wait for it to finish, then try again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor drops the flock
            self._lock_fd = None

    def _create_schema(self) -> None:
        """Create the tables, and add any column the model gained since the file was made."""
        con = self._con()
        for table, schema in (("documents", DOCUMENT_SCHEMA), ("tasks", TASK_SCHEMA), ("runs", RUN_COLUMNS)):
            body = ", ".join(f"{name} {sql}" for name, sql in schema.items())
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
            for name, sql in schema.items():
                con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {sql.split()[0]}")
        con.execute("CREATE UNIQUE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)")
        con.execute("CREATE INDEX IF NOT EXISTS tasks_doc_id ON tasks (doc_id)")

    def _con(self) -> duckdb.DuckDBPyConnection:
        if self.con is None:
            raise RuntimeError("store is not open")
        return self.con

    # -- reading -------------------------------------------------------------------------------------

    def known_hashes(self, statuses: Iterable[str] | None = None) -> set[str]:
        """sha256 of every stored file (optionally only those with one of `statuses`)."""
        sql, params = "SELECT sha256 FROM documents", []
        if statuses is not None:
            statuses = list(statuses)
            sql += f" WHERE status IN ({', '.join('?' for _ in statuses)})"
            params = statuses
        return {row[0] for row in self._con().execute(sql, params).fetchall()}

    def documents(self) -> list[DocumentRecord]:
        cols = ", ".join(DOCUMENT_COLUMNS)
        rows = (
            self._con().execute(f"SELECT {cols} FROM documents ORDER BY source_path, source_file").fetchall()
        )
        return [DocumentRecord(**dict(zip(DOCUMENT_COLUMNS, row, strict=True))) for row in rows]

    def tasks(self) -> list[Task]:
        """All tasks, in document order (by path) and then in their order within the document."""
        cols = ", ".join(f"t.{c}" for c in TASK_COLUMNS)
        rows = (
            self._con()
            .execute(
                f"SELECT {cols} FROM tasks t JOIN documents d USING (doc_id) "
                "ORDER BY d.source_path, d.source_file, t.seq"
            )
            .fetchall()
        )
        return [Task(**dict(zip(TASK_COLUMNS, row, strict=True))) for row in rows]

    def runs(self) -> list[dict[str, Any]]:
        cur = self._con().execute(f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY started_at")
        return [dict(zip(RUN_COLUMNS, row, strict=True)) for row in cur.fetchall()]

    # -- writing -------------------------------------------------------------------------------------

    def save(
        self, result: FileResult, source_path: Path | str | None = None, run_id: str | None = None
    ) -> str:
        """Store one file's document row and tasks in one transaction.

        Returns "skipped" (these bytes are already stored), "replaced" (the file at this path had other
        bytes before: its old rows are gone) or "new".
        """
        record = result.record
        source_path = str(source_path if source_path is not None else record.source_file)
        con = self._con()
        con.begin()
        try:
            outcome = self._save_in_transaction(con, result, source_path, run_id)
            con.commit()
        except BaseException as err:
            _rollback_quietly(con)  # a failed rollback must not hide why the write failed
            if isinstance(err, duckdb.IOException | OSError):
                raise StoreError(f"could not write to the store {self.path}: {err}") from err
            raise
        return outcome

    def _save_in_transaction(
        self, con: duckdb.DuckDBPyConnection, result: FileResult, source_path: str, run_id: str | None
    ) -> str:
        record = result.record
        same = con.execute(
            "SELECT source_path, status FROM documents WHERE sha256 = ?", [record.sha256]
        ).fetchone()
        if same is not None and same[1] == "ok":
            return "skipped"
        if same is not None:  # a failed file tried again: drop the failure, keep the new outcome
            self._delete_where(con, "sha256 = ?", [record.sha256])
        old = con.execute("SELECT count(*) FROM documents WHERE source_path = ?", [source_path]).fetchone()
        replaced = bool(old and old[0])
        if replaced:
            self._delete_where(con, "source_path = ?", [source_path])
        self._insert_document(con, record, source_path, run_id)
        self._insert_tasks(con, result.tasks)
        return "replaced" if replaced else "new"

    @staticmethod
    def _delete_where(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> None:
        con.execute(f"DELETE FROM tasks WHERE doc_id IN (SELECT doc_id FROM documents WHERE {where})", params)
        con.execute(f"DELETE FROM documents WHERE {where}", params)

    @staticmethod
    def _insert_document(
        con: duckdb.DuckDBPyConnection, record: DocumentRecord, source_path: str, run_id: str | None
    ) -> None:
        values = {**asdict(record), "source_path": source_path, "run_id": run_id}
        names = list(DOCUMENT_SCHEMA)
        con.execute(
            f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [values[n] for n in names],
        )

    @staticmethod
    def _insert_tasks(con: duckdb.DuckDBPyConnection, tasks: list[Task]) -> None:
        if not tasks:
            return
        names = list(TASK_SCHEMA)
        rows = [[{**asdict(t), "seq": seq}[n] for n in names] for seq, t in enumerate(tasks)]
        con.executemany(
            f"INSERT INTO tasks ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})", rows
        )

    def start_run(self, stats: RunStats) -> None:
        """Record the run at once, so a run killed half-way shows up with no `finished_at`."""
        self._write_run(stats)

    def finish_run(self, stats: RunStats) -> None:
        stats.finished_at = stats.finished_at or now_iso()
        self._write_run(stats)

    def _write_run(self, stats: RunStats) -> None:
        values = stats.as_dict()
        names = list(RUN_COLUMNS)
        self._con().execute(
            f"INSERT OR REPLACE INTO runs ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [values[n] for n in names],
        )

    # -- exports -------------------------------------------------------------------------------------

    def export(self, out_dir: Path | str, formats: Iterable[str] = EXPORT_FORMATS) -> list[Path]:
        """Write tasks.<fmt> and documents.jsonl from the store (atomically, through `pipeline.export`)."""
        return write_exports(
            tasks_frame(self.tasks()), documents_frame(self.documents()), Path(out_dir), formats
        )


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open; DuckDB may already have aborted it (disk full)."""
    with contextlib.suppress(duckdb.Error):
        con.rollback()


def write_run_report(stats: RunStats, out_dir: Path | str) -> Path:
    """The run report as JSON beside the exports, for tools that do not talk to Prefect."""
    target = Path(out_dir) / "run_report.json"
    _atomic_write(
        target, lambda tmp: tmp.write_text(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2))
    )
    return target
