"""What every layer needs and no layer owns: the error a file that cannot be read raises, its hash, the clock.

It imports nothing of the project (as Docling keeps `exceptions.py`), so extractors, normalizers,
pipeline stages and flows may all import it without a circle; `tests/test_layers.py` checks it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path


class ExtractionError(Exception):
    """A file that cannot be read; the message is shown to analysts as is."""


def file_sha256(path: Path) -> str:
    """The file's content hash: the document's identity (`doc_id` is its first 16 characters)."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def now_iso() -> str:
    """UTC now, to the second, as the ISO text every timestamp column holds."""
    return datetime.now(UTC).isoformat(timespec="seconds")
