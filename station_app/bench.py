"""``station-app bench``: runs the benchmarks in ``benchmarks/`` and prints their figures.

Every benchmark module has ``run(n) -> dict[str, float]``; names map to modules
``benchmarks.bench_<name>``. Figures are medians unless the key says otherwise.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol, cast

# Ordered cheap → expensive. The long ones (memory: 5,000 parcels; barcodes: read
# rates over a generated image set; alarm_quality: rule hit rates on simulated
# parcels; detector: speed and accuracy on simulated parcels) run only when asked for
# by name.
DEFAULT_BENCHMARKS = (
    "simulator",
    "imaging",
    "frame",
    "render",
    "storage",
    "throughput",
    "sync",
    "gui",
)
ALL_BENCHMARKS = (*DEFAULT_BENCHMARKS, "serial", "memory", "barcodes", "alarm_quality",
                  "detector")


class BenchModule(Protocol):
    def run(self, n: int = ...) -> dict[str, float]: ...


def _machine() -> str:
    import os

    return f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"


def run_benchmarks(names: Sequence[str], *, parcels: int | None, as_json: bool) -> int:
    selected = list(names) or list(DEFAULT_BENCHMARKS)
    unknown = [name for name in selected if name not in ALL_BENCHMARKS]
    if unknown:
        raise ValueError(
            f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(ALL_BENCHMARKS)}"
        )
    header = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "platform": platform.platform(),
    }
    if not as_json:
        print(f"station-app bench — {header['date']} — {header['machine']}")
    results: dict[str, dict[str, float]] = {}
    for name in selected:
        module = cast(BenchModule, importlib.import_module(f"benchmarks.bench_{name}"))
        started = time.perf_counter()
        figures = module.run(parcels) if parcels is not None else module.run()
        figures["wall_s"] = time.perf_counter() - started
        results[name] = figures
        if not as_json:
            print(f"\n[{name}]")
            for key, value in figures.items():
                print(f"  {key:<44} {value:>12.3f}")
            sys.stdout.flush()
    if as_json:
        print(json.dumps({**header, "results": results}, indent=2))
    return 0
