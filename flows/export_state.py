"""An export that would come out the same as the last one is not written again.

Re-exporting a whole store each night (tasks.xlsx alone: seconds per thousand rows) cost more than all
the rest of a run that found nothing new. The store now remembers, per export folder, a digest of the
tables the exports are made from and the sha256 of the manifest it wrote (table `export_state`). A run
exports again when that digest changed (a new, replaced, removed or corrected document), when the
manifest is not the one written, or when a file it lists is missing or has another size.

Left out of the digest: the bookkeeping tables below, and `last_seen`, which every run moves forward.
Every other table counts, so a table a later feature adds (corrections, say) triggers a new export
without a change here.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipeline.base import file_sha256

TABLE = "export_state"
NOT_EXPORTED = frozenset({"runs", "file_stats", TABLE})
MOVING_COLUMNS = frozenset({"last_seen"})
MANIFEST = "manifest.json"


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of every table that feeds the exports (order-independent, one scan per table)."""
    columns: dict[str, list[str]] = {}
    for table, column in con.execute(
        """
        SELECT c.table_name, c.column_name FROM duckdb_columns() c JOIN duckdb_tables() t
            USING (database_name, schema_name, table_name)
        WHERE t.database_name = current_database() AND t.schema_name = 'main' AND NOT t.temporary
        ORDER BY c.table_name, c.column_index
        """
    ).fetchall():
        if table not in NOT_EXPORTED and column not in MOVING_COLUMNS:
            columns.setdefault(table, []).append(column)
    parts = []
    for table in sorted(columns):
        cols = ", ".join(f'"{c}"' for c in columns[table])
        count, digest = con.execute(f'SELECT count(*), bit_xor(hash({cols})) FROM "{table}"').fetchone() or (
            0,
            0,
        )
        parts.append(f"{table}:{count}:{digest or 0}")
    return "|".join(parts)


def is_current(con: duckdb.DuckDBPyConnection, out_dir: Path, digest: str) -> bool:
    """True when `out_dir` holds the export this digest would give, whole and untouched."""
    _create(con)
    row = con.execute(
        f"SELECT fingerprint, manifest_sha256 FROM {TABLE} WHERE out_dir = ?", [_key(out_dir)]
    ).fetchone()
    manifest = out_dir / MANIFEST
    if row is None or row[0] != digest or not manifest.is_file():
        return False
    try:
        if file_sha256(manifest) != row[1]:
            return False
        listed = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        return all((out_dir / name).stat().st_size == entry["bytes"] for name, entry in listed.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


def record(con: duckdb.DuckDBPyConnection, out_dir: Path, digest: str) -> None:
    """Remember what was just exported to `out_dir`."""
    _create(con)
    con.execute(
        f"INSERT OR REPLACE INTO {TABLE} VALUES (?, ?, ?)",
        [_key(out_dir), digest, file_sha256(out_dir / MANIFEST)],
    )


def _key(out_dir: Path) -> str:
    return str(out_dir.resolve())


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (out_dir VARCHAR PRIMARY KEY, fingerprint VARCHAR, "
        "manifest_sha256 VARCHAR)"
    )
