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
