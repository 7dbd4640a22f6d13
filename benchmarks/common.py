"""What every benchmark script shares: timing a step, and the `ratio` line `make bench` collects."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` runs (seconds): the least disturbed measurement."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bare_pdfplumber(files: list[Path]) -> None:
    """The baseline every PDF ratio is against: pdfplumber's tables and words on every page."""
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.extract_words()
                page.close()
