"""Shared fixtures: paths to the real documents the tests read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# A test that finds the store busy is refused at once; tests of the waiting pass their own `lock_wait`.
os.environ.setdefault("NHIEMVU_LOCK_WAIT", "0")

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = FIXTURES / "gold"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


def fixture(name: str) -> Path:
    path = FIXTURES / name
    assert path.is_file(), f"missing test fixture {path}"
    return path


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (SQLite) for the whole session, so flow tests need no server.

    Its first start runs every database migration, which takes a while on a slow CI machine.
    """
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


def hang_on(monkeypatch: pytest.MonkeyPatch, slow: Path) -> None:
    """Make reading `slow` hang for 20 s of Python-level work (as a parser's is: a time limit interrupts
    it); every other file reads as usual. The language models are loaded first, outside any limit."""
    import time

    import flows.batch

    real = flows.batch.process_file
    assert real(slow).ok  # warm up: the first document loads the language models

    def hangs(path: Path | str) -> object:
        if Path(path).name == slow.name:
            for _ in range(400):
                time.sleep(0.05)
        return real(path)

    monkeypatch.setattr(flows.batch, "process_file", hangs)
