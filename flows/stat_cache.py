"""The sha256 of a file whose size and modification time have not changed is not computed again.

A nightly run over 10,000 unchanged files used to read every byte of every file to hash it. The store
now keeps, per path, the size, the modification time (ns) and the sha256 last computed (table
`file_stats`); a file with the same size and mtime keeps its sha256. As git does, a file modified
within `RACY_SECONDS` of the moment it was hashed is hashed again next time, since a second write in
the same clock tick would leave size and mtime as they were.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.base import file_sha256

TABLE = "file_stats"
RACY_SECONDS = 2.0


@dataclass
class StatCache:
    """Known (size, mtime_ns, sha256) per resolved path, and what this run hashed anew."""

    known: dict[str, tuple[int, int, str, int]] = field(default_factory=dict)
    fresh: list[tuple[str, int, int, str, int]] = field(default_factory=list)

    def sha256(self, path: Path, key: str | None = None) -> str:
        """The file's sha256: from the cache when size and mtime are unchanged, else computed."""
        key = key or str(path.resolve())
        st = path.stat()
        cached = self.known.get(key)
        if cached is not None:
            size, mtime_ns, sha, hashed_ns = cached
            racy = mtime_ns >= hashed_ns - int(RACY_SECONDS * 1e9)
            if size == st.st_size and mtime_ns == st.st_mtime_ns and not racy:
                return sha
        now_ns = time.time_ns()
        sha = file_sha256(path)
        self.fresh.append((key, st.st_size, st.st_mtime_ns, sha, now_ns))
        return sha


def load(con: duckdb.DuckDBPyConnection) -> StatCache:
    """The cache as the store holds it (created empty in a store that has none)."""
    _create(con)
    rows = con.execute(f"SELECT source_path, size, mtime_ns, sha256, hashed_ns FROM {TABLE}").fetchall()
    return StatCache(known={path: (size, mtime, sha, hashed) for path, size, mtime, sha, hashed in rows})


def save(con: duckdb.DuckDBPyConnection, cache: StatCache) -> None:
    """Record what this run hashed, in one statement."""
    if not cache.fresh:
        return
    frame = pd.DataFrame(cache.fresh, columns=["source_path", "size", "mtime_ns", "sha256", "hashed_ns"])
    con.register("fresh_stats", frame)
    try:
        con.execute(f"INSERT OR REPLACE INTO {TABLE} SELECT * FROM fresh_stats")
    finally:
        con.unregister("fresh_stats")
    cache.fresh.clear()


def _create(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (source_path VARCHAR PRIMARY KEY, size BIGINT, "
        "mtime_ns BIGINT, sha256 VARCHAR, hashed_ns BIGINT)"
    )
