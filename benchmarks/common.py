"""What every benchmark script shares: timing a step, and the `ratio` line `make bench` collects."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Best of `repeat` runs (seconds): the least disturbed measurement."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best
