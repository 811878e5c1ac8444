"""Wall-clock timing shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray


def times_ms(fn: Callable[[], object], n: int, warmup: int = 0) -> NDArray[np.float64]:
    """Milliseconds of ``n`` calls of ``fn``, after ``warmup`` untimed calls
    (table builds, buffer allocation)."""
    for _ in range(warmup):
        fn()
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        start = time.perf_counter()
        fn()
        out[i] = (time.perf_counter() - start) * 1e3
    return out


def median_ms(fn: Callable[[], object], n: int, warmup: int = 0) -> float:
    return float(np.median(times_ms(fn, n, warmup)))
