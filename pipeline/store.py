"""The DuckDB store: every ingested file and its tasks, kept across runs, so a batch can be resumed.

A file's content is known by the sha256 of its bytes: re-ingesting the same bytes changes nothing, and a
file whose bytes changed at the same path replaces its old rows. Each file is written in its own
transaction, so a run killed half-way keeps every file it had finished and the next run, skipping known
hashes, does the rest.

`documents` holds one row per content, `files` one row per path (which content it holds, first and last
seen, removed): a renamed, deleted or overwritten file is seen as such, and 2,000 copies of one file are
2,000 paths of one document. Exports leave out removed documents and duplicate copies (`pipeline.dedup`).

One writer at a time (`pipeline.store_lock`); a writer waits `lock_wait` seconds for the lock and for
DuckDB's own file lock (an analyst holding the database open), then says who is in the way. Analysts read
the published copy (`publish`) or the Parquet exports, which each run replaces atomically.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline import schema
from pipeline.base import now_iso
from pipeline.corrections import Correction, apply_corrections, not_yet_stored
from pipeline.dedup import select_for_export
from pipeline.export import EXPORT_FORMATS, _atomic_write, documents_frame, tasks_frame, write_exports
from pipeline.model import DOCUMENT_COLUMNS, TASK_COLUMNS, DocumentRecord, Task
from pipeline.run import FileResult
from pipeline.store_lock import LockBusy, StoreLock

DEFAULT_DB = Path("data/processed/nhiemvu.duckdb")
READ_COPY_NAME = "nhiemvu.read.duckdb"
INSERT_ROWS = 200  # rows per INSERT statement (a file's tasks in one, bounded for a very long plan)
LOCK_WAIT_SECONDS = 10.0  # how long a writer waits for the store to be free (NHIEMVU_LOCK_WAIT overrides)


def default_lock_wait() -> float:
    return float(os.environ.get("NHIEMVU_LOCK_WAIT", LOCK_WAIT_SECONDS))


def _ddl(table: str) -> dict[str, str]:
    return {name: schema.duckdb_type(kind) for name, kind in schema.STORED[table].items()}


DOCUMENT_SCHEMA = _ddl("documents")
TASK_SCHEMA = _ddl("tasks")
FILE_SCHEMA = _ddl("files")
RUN_COLUMNS = _ddl("runs")
KEYS = {"runs": "run_id", "files": "source_path", "corrections": "correction_id"}
INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS documents_sha256 ON documents (sha256)",
    "CREATE INDEX IF NOT EXISTS tasks_doc_id ON tasks (doc_id)",
    "CREATE INDEX IF NOT EXISTS tasks_reviewed_doc_id ON tasks_reviewed (doc_id)",
    "CREATE INDEX IF NOT EXISTS corrections_doc_id ON corrections (doc_id)",
    "CREATE INDEX IF NOT EXISTS files_sha256 ON files (sha256)",
)


class StoreError(RuntimeError):
    """The store could not be written (a full disk, a read-only folder); the message says so plainly."""


class StoreLockedError(StoreError):
    """Another process is writing to the same store; the message says which one and what to do."""


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
    files_removed: int = 0
    tasks_added: int = 0
    needs_review: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_reread: int = 0  # known files read again (`--reread`)
    corrections_orphaned: list[str] = field(default_factory=list)  # corrections whose task is gone

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Store:
    """An open DuckDB store held by this process (use as a context manager)."""

    def __init__(
        self, path: Path | str = DEFAULT_DB, read_only: bool = False, lock_wait: float | None = None
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.lock_wait = default_lock_wait() if lock_wait is None else lock_wait
        self._lock = StoreLock(self.path, self.lock_wait)
        self.con: duckdb.DuckDBPyConnection | None = None

    # -- opening and locking -------------------------------------------------------------------------

    def __enter__(self) -> Store:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def lock_path(self) -> Path:
        return self._lock.path

    def open(self) -> Store:
        """Take the lock, then open (and if needed create) the database."""
        if self.read_only and not self.path.exists():
            raise FileNotFoundError(f"no store at {self.path}: run `nhiemvu ingest` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except LockBusy as busy:
            raise StoreLockedError(
                f"another nhiemvu run ({busy.holder}) is using the store {self.path}; "
                "wait for it to finish, then try again"
            ) from None
        try:
            self.con = self._connect()
            if self.read_only:
                self._check_schema()
            else:
                self._create_schema()
        except BaseException:
            self.close()
            raise
        return self

    def _connect(self) -> duckdb.DuckDBPyConnection:
        """Connect, retrying while another program (an analyst's DuckDB) holds the file open."""
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.IOException as err:
                if "lock" not in str(err).lower():
                    raise StoreError(f"could not open the store {self.path}: {err}") from err
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"the store {self.path} is in use by another program ({_lock_holder(err)}) and was "
                        f"not freed within {self.lock_wait:.0f} s; analysts should read {READ_COPY_NAME} or "
                        "the Parquet exports instead; close that program and try again"
                    ) from err
                time.sleep(0.5)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._lock.release()

    def _create_schema(self) -> None:
        """Create the tables, add any column the model gained, and retype columns stored as text before."""
        con = self._con()
        had = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table, cols in schema.STORED.items():
            ddl = _ddl(table)
            body = ", ".join(
                f"{n} {t}{' PRIMARY KEY' if KEYS.get(table) == n else ''}" for n, t in ddl.items()
            )
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")
            for name, sql in ddl.items():
                con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {name} {sql}")
            self._retype(table, cols)
        for sql in INDEXES:
            con.execute(sql)
        if "tasks" in had and "tasks_reviewed" not in had:  # a store made before review: fill it once
            doc_ids = [r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()]
            con.begin()
            self._review_documents(con, doc_ids)
            con.commit()

    def _check_schema(self) -> None:
        """A read-only store cannot be upgraded: say so, rather than fail on a missing column."""
        have = set(self._con().execute("SELECT table_name, column_name FROM duckdb_columns()").fetchall())
        if any((t, c) not in have for t in schema.STORED for c in _ddl(t)):
            raise StoreError(
                f"the store {self.path} was made by an older nhiemvu; run `nhiemvu ingest` once to upgrade it"
            )

    def _retype(self, table: str, cols: dict[str, str]) -> None:
        """A store made before the typed schema holds dates as VARCHAR: rebuild the table with real types."""
        con = self._con()
        have = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND schema_name = 'main'",
                [table],
            ).fetchall()
        )
        ddl = _ddl(table)
        if all(have.get(n) == t for n, t in ddl.items()):
            return
        body = ", ".join(f"{n} {t}{' PRIMARY KEY' if KEYS.get(table) == n else ''}" for n, t in ddl.items())
        select = ", ".join(f"TRY_CAST({n} AS {t})" if have.get(n) != t else n for n, t in ddl.items())
        con.begin()
        con.execute(f"CREATE TABLE {table}__typed ({body})")
        con.execute(f"INSERT INTO {table}__typed SELECT {select} FROM {table}")
        con.execute(f"DROP TABLE {table}")
        con.execute(f"ALTER TABLE {table}__typed RENAME TO {table}")
        con.commit()

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
        return [_model(DocumentRecord, DOCUMENT_COLUMNS, row, "documents") for row in rows]

    def tasks(self) -> list[Task]:
        """All tasks as extracted, in document order (by path) and then in their order within the document."""
        return self._tasks("tasks")

    def reviewed_tasks(self) -> list[Task]:
        """All tasks as the dataset shows them: the extracted ones with the analysts' corrections applied."""
        return self._tasks("tasks_reviewed")

    def _tasks(self, table: str, doc_id: str | None = None) -> list[Task]:
        cols = ", ".join(f"t.{c}" for c in TASK_COLUMNS)
        where, params = ("WHERE t.doc_id = ? ", [doc_id]) if doc_id is not None else ("", [])
        rows = (
            self._con()
            .execute(
                f"SELECT {cols} FROM {table} t JOIN documents d USING (doc_id) {where}"
                "ORDER BY d.source_path, d.source_file, t.seq",
                params,
            )
            .fetchall()
        )
        return [_model(Task, TASK_COLUMNS, row, "tasks") for row in rows]

    def corrections(self, doc_id: str | None = None) -> list[Correction]:
        """Every correction ever imported (of one document), in the order they were made."""
        cols = list(schema.CORRECTIONS)
        where, params = ("WHERE doc_id = ? ", [doc_id]) if doc_id is not None else ("", [])
        cur = self._con().execute(f"SELECT {', '.join(cols)} FROM corrections {where}ORDER BY seq", params)
        return [
            Correction.from_row(
                {c: schema.from_store(c, v, "corrections") for c, v in zip(cols, row, strict=True)}
            )
            for row in cur.fetchall()
        ]

    def orphaned_corrections(self) -> list[Correction]:
        """Corrections whose task is no longer in the store (its file changed, or reads differently now)."""
        return [c for c in self.corrections() if c.orphaned]

    def files(self) -> list[dict[str, Any]]:
        """One row per path ever seen: which content it holds, first and last seen, removed."""
        cols = list(FILE_SCHEMA)
        cur = self._con().execute(f"SELECT {', '.join(cols)} FROM files ORDER BY source_path")
        return [
            {c: schema.from_store(c, v, "files") for c, v in zip(cols, row, strict=True)}
            for row in cur.fetchall()
        ]

    def runs(self) -> list[dict[str, Any]]:
        cols = list(RUN_COLUMNS)
        cur = self._con().execute(f"SELECT {', '.join(cols)} FROM runs ORDER BY started_at")
        return [
            {c: schema.from_store(c, v, "runs") for c, v in zip(cols, row, strict=True)}
            for row in cur.fetchall()
        ]

    def documents_with_paths(self) -> pd.DataFrame:
        """Every document with its live paths, copies, first/last seen and removed flag (from `files`).

        `removed` is kept up to date by `sync_files`: a document no path of its folder holds any more.
        """
        cols = ", ".join(f"d.{c}" for c in DOCUMENT_SCHEMA)
        cur = self._con().execute(
            f"""
            SELECT {cols},
                coalesce(f.paths, []) AS paths, coalesce(f.live, 0) AS copies,
                coalesce(f.first_seen, d.ingested_at) AS first_seen, f.last_seen
            FROM documents d LEFT JOIN (
                SELECT sha256,
                    list(source_path ORDER BY source_path) FILTER (WHERE NOT removed) AS paths,
                    count(*) FILTER (WHERE NOT removed) AS live,
                    min(first_seen) AS first_seen, max(last_seen) AS last_seen
                FROM files GROUP BY sha256
            ) f USING (sha256)
            ORDER BY d.source_path, d.source_file
            """
        )
        names = [d[0] for d in cur.description]
        rows = [
            {c: schema.from_store(c, v, "documents") for c, v in zip(names, row, strict=True)}
            for row in cur.fetchall()
        ]
        return pd.DataFrame(rows, columns=names)

    # -- writing -------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def single_threaded(self) -> Iterator[None]:
        """DuckDB on one thread for the block (many small saves), its own thread count after."""
        con = self._con()
        con.execute("SET threads = 1")
        try:
            yield
        finally:
            con.execute("RESET threads")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: committed when the block ends, rolled back on any error; a disk or file
        error becomes a `StoreError` that names the store."""
        con = self._con()
        con.begin()
        try:
            yield con
            con.commit()
        except BaseException as err:
            _rollback_quietly(con)  # a failed rollback must not hide why the write failed
            if isinstance(err, duckdb.IOException | OSError):
                raise StoreError(f"could not write to the store {self.path}: {err}") from err
            raise

    def save(
        self,
        result: FileResult,
        source_path: Path | str | None = None,
        run_id: str | None = None,
        reread: bool = False,
    ) -> str:
        """Store one file's document row and tasks in one transaction, with its corrections applied.

        Returns "skipped" (these bytes are already stored), "replaced" (the file at this path had other
        bytes before: its old rows are gone), "new", or with `reread` "reread" (the same bytes read
        again, e.g. after a pipeline upgrade: the new reading replaces the old one).
        """
        record = result.record
        source_path = str(source_path if source_path is not None else record.source_file)
        with self._transaction() as con:
            return self._save_in_transaction(con, result, source_path, run_id, reread)

    def _save_in_transaction(
        self,
        con: duckdb.DuckDBPyConnection,
        result: FileResult,
        source_path: str,
        run_id: str | None,
        reread: bool = False,
    ) -> str:
        record = result.record
        # one query for both: these bytes stored before, and other bytes stored before at this path
        status_of = dict(
            con.execute(
                "SELECT sha256, status FROM documents WHERE sha256 = ? OR source_path = ?",
                [record.sha256, source_path],
            ).fetchall()
        )
        same_status = status_of.pop(record.sha256, None)
        old = list(status_of)
        if same_status == "ok" and not reread:
            return "skipped"
        if same_status is not None:  # a failed file tried again, or a file read again: keep the new outcome
            self._delete_where(con, "sha256 = ?", [record.sha256])
        gone = []
        for old_sha in old:
            elsewhere = con.execute(
                "SELECT min(source_path) FROM files WHERE sha256 = ? AND NOT removed AND source_path <> ?",
                [old_sha, source_path],
            ).fetchone()
            if elsewhere and elsewhere[0]:  # the old bytes live on in a copy: keep them, under its path
                self._repoint(con, old_sha, elsewhere[0])
            else:
                gone += [
                    r[0]
                    for r in con.execute(
                        "SELECT doc_id FROM documents WHERE sha256 = ?", [old_sha]
                    ).fetchall()
                ]
                self._delete_where(con, "sha256 = ?", [old_sha])
        self._insert_document(con, record, source_path, run_id)
        self._insert_tasks(con, result.tasks)
        self._review_documents(con, [*gone, record.doc_id], {record.doc_id: result.tasks})
        if same_status == "ok":
            return "reread"
        return "replaced" if old else "new"

    @staticmethod
    def _repoint(con: duckdb.DuckDBPyConnection, sha: str, path: str) -> None:
        name = Path(path).name
        con.execute(
            "UPDATE documents SET source_path = ?, source_file = ? WHERE sha256 = ?", [path, name, sha]
        )
        for table in ("tasks", "tasks_reviewed"):
            con.execute(
                f"UPDATE {table} SET source_file = ? "
                "WHERE doc_id IN (SELECT doc_id FROM documents WHERE sha256 = ?)",
                [name, sha],
            )

    @staticmethod
    def _delete_where(con: duckdb.DuckDBPyConnection, where: str, params: list[Any]) -> None:
        for table in ("tasks", "tasks_reviewed"):
            con.execute(
                f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM documents WHERE {where})", params
            )
        con.execute(f"DELETE FROM documents WHERE {where}", params)

    @staticmethod
    def _insert_document(
        con: duckdb.DuckDBPyConnection, record: DocumentRecord, source_path: str, run_id: str | None
    ) -> None:
        values = {**asdict(record), "source_path": source_path, "run_id": run_id, "removed": False}
        names = list(DOCUMENT_SCHEMA)
        con.execute(
            f"INSERT INTO documents ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [schema.to_store(n, values[n], "documents") for n in names],
        )

    @staticmethod
    def _insert_tasks(con: duckdb.DuckDBPyConnection, tasks: list[Task], table: str = "tasks") -> None:
        """Insert `tasks` with a few multi-row statements: DuckDB plans each statement once, whereas
        `executemany` runs one statement per row (15 ms for a file's five tasks)."""
        if not tasks:
            return
        names = list(TASK_SCHEMA)
        row_marks = "(" + ", ".join("?" for _ in names) + ")"
        # fields read as they are: a task holds strings, numbers and lists of strings, which DuckDB binds
        # without the deep copy `asdict` makes (a third of a save's Python time)
        values = [{**vars(t), "seq": seq} for seq, t in enumerate(tasks)]
        for start in range(0, len(values), INSERT_ROWS):
            chunk = values[start : start + INSERT_ROWS]
            con.execute(
                f"INSERT INTO {table} ({', '.join(names)}) VALUES {', '.join([row_marks] * len(chunk))}",
                [schema.to_store(n, v[n], "tasks") for v in chunk for n in names],
            )

    # -- corrections ---------------------------------------------------------------------------------

    def _review_documents(
        self,
        con: duckdb.DuckDBPyConnection,
        doc_ids: Iterable[str],
        extracted: dict[str, list[Task]] | None = None,
    ) -> None:
        """Rewrite `tasks_reviewed` for these documents (inside the caller's transaction), and flag the
        corrections that no longer find their task. A document no longer stored orphans them all.

        `extracted` holds the documents just inserted, with their tasks: they have no reviewed rows to
        delete yet, and where no correction applies their rows are copied from `tasks`.
        """
        cols = ", ".join(DOCUMENT_COLUMNS)
        doc_ids = list(dict.fromkeys(doc_ids))
        corrected = {
            doc_id
            for (doc_id,) in con.execute(
                "SELECT DISTINCT doc_id FROM corrections WHERE list_contains(?, doc_id)", [doc_ids]
            ).fetchall()
        }
        for doc_id in doc_ids:
            if doc_id not in (extracted or {}):
                con.execute("DELETE FROM tasks_reviewed WHERE doc_id = ?", [doc_id])
            if doc_id not in corrected and doc_id in (extracted or {}):
                names = ", ".join(TASK_SCHEMA)  # nothing to apply: the reviewed rows are the extracted ones
                con.execute(
                    f"INSERT INTO tasks_reviewed ({names}) SELECT {names} FROM tasks WHERE doc_id = ?",
                    [doc_id],
                )
                continue
            row = con.execute(
                f"SELECT {cols} FROM documents WHERE doc_id = ? AND status = 'ok'", [doc_id]
            ).fetchone()
            corrections = self.corrections(doc_id)
            if row is None:
                con.execute("UPDATE corrections SET orphaned = true WHERE doc_id = ?", [doc_id])
                continue
            record = _model(DocumentRecord, DOCUMENT_COLUMNS, row, "documents")
            tasks = (extracted or {}).get(doc_id)
            if tasks is None:
                tasks = self._tasks("tasks", doc_id)
            applied = apply_corrections(tasks, corrections, {doc_id: record})
            self._insert_tasks(con, applied.tasks, "tasks_reviewed")
            if corrections:
                orphans = [c.correction_id for c in applied.orphaned]
                con.execute(
                    "UPDATE corrections SET orphaned = list_contains(?, correction_id) WHERE doc_id = ?",
                    [orphans, doc_id],
                )

    def add_corrections(self, corrections: Iterable[Correction]) -> list[Correction]:
        """Store an imported sheet's corrections in one transaction and apply them; those already stored
        (the same sheet imported twice) are left out. Returns the corrections stored."""
        con = self._con()
        new = not_yet_stored(corrections, self.corrections())
        (last,) = con.execute("SELECT coalesce(max(seq), 0) FROM corrections").fetchone() or (0,)
        names = list(schema.CORRECTIONS)
        with self._transaction() as con:
            for seq, c in enumerate(new, start=last + 1):
                c.seq, c.correction_id = seq, c.correction_id or uuid.uuid4().hex
                values = c.as_row()
                con.execute(
                    f"INSERT INTO corrections ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
                    [schema.to_store(n, values[n], "corrections") for n in names],
                )
            self._review_documents(con, [c.doc_id for c in new if c.doc_id])
        return new

    def sync_files(self, seen: Iterable[tuple[Path | str, str]], source_dir: Path | str) -> int:
        """Record what this run found under `source_dir` (path → sha256); paths no longer there are removed.

        A renamed file's document moves to its new path. Returns how many paths were newly removed.
        """
        now = schema.to_timestamp(now_iso())
        prefix = str(Path(source_dir).resolve()).rstrip(os.sep) + os.sep
        rows = [(str(Path(p).resolve()), sha) for p, sha in seen]
        with self._transaction() as con:
            found = pd.DataFrame(rows, columns=["source_path", "sha256"], dtype=object)
            con.register("seen_frame", found)
            con.execute(
                "CREATE OR REPLACE TEMP TABLE seen AS "
                "SELECT CAST(source_path AS VARCHAR) AS source_path, CAST(sha256 AS VARCHAR) AS sha256 FROM seen_frame"
            )
            con.unregister("seen_frame")
            con.execute(
                """
                INSERT INTO files SELECT source_path, sha256, ?, ?, false FROM seen
                ON CONFLICT (source_path) DO UPDATE SET
                    sha256 = excluded.sha256, last_seen = excluded.last_seen, removed = false
                """,
                [now, now],
            )
            gone = con.execute(
                """
                UPDATE files SET removed = true
                WHERE NOT removed AND starts_with(source_path, ?)
                    AND source_path NOT IN (SELECT source_path FROM seen)
                RETURNING source_path
                """,
                [prefix],
            ).fetchall()
            moved = con.execute(
                """
                SELECT d.sha256, min(f.source_path) FROM documents d JOIN files f USING (sha256)
                WHERE NOT f.removed AND d.source_path NOT IN (
                    SELECT source_path FROM files WHERE sha256 = d.sha256 AND NOT removed)
                GROUP BY d.sha256
                """
            ).fetchall()
            for sha, path in moved:
                self._repoint(con, sha, path)
            con.execute(  # a document of this folder that no path holds any more is removed
                """
                UPDATE documents SET removed = sha256 NOT IN (SELECT sha256 FROM files WHERE NOT removed)
                WHERE starts_with(source_path, ?) OR sha256 IN (SELECT sha256 FROM files)
                """,
                [prefix],
            )
            con.execute("DROP TABLE seen")
        return len(gone)

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
            [schema.to_store(n, values[n], "runs") for n in names],
        )

    # -- exports -------------------------------------------------------------------------------------

    def export(
        self, out_dir: Path | str, formats: Iterable[str] = EXPORT_FORMATS, run_id: str | None = None
    ) -> list[Path]:
        """Write the dataset from the store as one snapshot (see `pipeline.export.write_exports`).

        Tasks of removed files and of duplicate copies of a document are left out; `documents` keeps
        every row and says why one was left out (`removed`, `duplicate_of`).
        """
        documents = self.exported_documents()
        keep = set(documents.loc[documents["exported"], "doc_id"])
        tasks = [t for t in self.reviewed_tasks() if t.doc_id in keep]
        corrections = self.corrections()
        summary = {
            "stored": len(corrections),
            "orphaned": [c.describe() for c in corrections if c.orphaned],
        }
        return write_exports(
            tasks_frame(tasks),
            documents_frame(documents),
            Path(out_dir),
            formats,
            run_id,
            manifest_extra={"corrections": summary},
        )

    def exported_documents(self) -> pd.DataFrame:
        """Every document, `exported` saying whether its tasks are in the dataset (not removed, not a
        duplicate copy). Duplicates are told by the extracted tasks, so a review edit never flips them."""
        texts: dict[str, list[str]] = {}
        rows = (  # only what duplicates are told by: a model per task would cost seconds on a big store
            self._con()
            .execute(
                "SELECT t.doc_id, t.text FROM tasks t JOIN documents d USING (doc_id) "
                "ORDER BY d.source_path, d.source_file, t.seq"
            )
            .fetchall()
        )
        for doc_id, text in rows:
            texts.setdefault(doc_id, []).append(text)
        return select_for_export(self.documents_with_paths(), texts)

    def publish(self, out_dir: Path | str) -> Path:
        """A copy of the store for analysts (`nhiemvu.read.duckdb`), replaced in one rename.

        Opening the store itself, even read-only, blocks the next run; this copy never does.
        """
        target = Path(out_dir) / READ_COPY_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # DuckDB creates the file itself
        con = self._con()
        (name,) = con.execute("SELECT current_database()").fetchone() or ("main",)
        try:
            con.execute(f"ATTACH '{_sql_quote(tmp)}' AS nhiemvu_read_copy")
            try:
                con.execute(f'COPY FROM DATABASE "{name}" TO nhiemvu_read_copy')
                # analysts read the reviewed tasks as `tasks`; the machine's reading stays beside them
                for index in ("tasks_doc_id", "tasks_reviewed_doc_id"):
                    con.execute(f"DROP INDEX IF EXISTS nhiemvu_read_copy.{index}")
                con.execute("ALTER TABLE nhiemvu_read_copy.tasks RENAME TO tasks_extracted")
                con.execute("ALTER TABLE nhiemvu_read_copy.tasks_reviewed RENAME TO tasks")
            finally:
                con.execute("DETACH nhiemvu_read_copy")
            from pipeline.export import share_like_umask

            share_like_umask(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        return target


def _model(cls: type, columns: list[str], row: tuple[Any, ...], table: str) -> Any:
    return cls(**{c: schema.from_store(c, v, table) for c, v in zip(columns, row, strict=True)})


def _sql_quote(path: Path) -> str:
    return str(path).replace("'", "''")


def _lock_holder(err: BaseException) -> str:
    """The PID DuckDB names in its lock error ("Conflicting lock is held in … (PID 123)"), if any."""
    text = str(err)
    start = text.find("PID ")
    if start < 0:
        return "a program that does not use nhiemvu's lock"
    pid = "".join(ch for ch in text[start + 4 : start + 16] if ch.isdigit())
    return f"pid {pid}"


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
