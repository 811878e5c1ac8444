"""Benchmark of the simulated scanner: milliseconds to image one 1024×1024 parcel.

``run()`` returns medians in ms; it prints nothing, so ``station-app bench`` can
collect and format the numbers.
"""

from __future__ import annotations

import numpy as np

from benchmarks._timing import median_ms
from drivers.simulator.model import ItemModel, Layer, ParcelPlan, PlacedItem, Placement
from drivers.simulator.scanner import SimulatedScanner

PIXELS = 1024
LINES = 1024
_MATERIALS = ("water", "aluminium", "steel", "pom", "copper", "glass", "cotton", "paper")


def synthetic_plan(seed: int = 0, items: int = 40) -> ParcelPlan:
    """A fixed 1024-line parcel: box walls plus rotated blocks of mixed materials.

    Independent of the parcel generator, so numbers stay comparable over time.
    """
    rng = np.random.default_rng(seed)
    width = 900
    walls = ItemModel(
        "box", (Layer("cardboard", np.full((LINES, width), 10.0, np.float32)),), False
    )
    contents = []
    for k in range(items):
        h, w = (int(v) for v in rng.integers(20, 250, size=2))
        name = str(_MATERIALS[k % len(_MATERIALS)])
        thickness = rng.uniform(1.0, 40.0) if name not in ("steel", "copper") else rng.uniform(
            0.5, 6.0)
        layer = Layer(name, np.full((h, w), thickness, np.float32))
        contents.append(PlacedItem(
            ItemModel("block", (layer,), k % 5 == 0),
            Placement(float(rng.uniform(0, LINES)), float(rng.uniform(0, width)),
                      float(rng.uniform(0, 360)), bool(rng.random() < 0.5)),
        ))
    walls_placed = PlacedItem(walls, Placement((LINES - 1) / 2, (width - 1) / 2))
    return ParcelPlan(LINES, width, 62, (walls_placed,), tuple(contents), "easy", "BENCH")


def run(n: int = 20) -> dict[str, float]:
    """Median ms per 1024×1024 parcel: full imaging, noise-free part, noise part."""
    scanner = SimulatedScanner(pixels=PIXELS)
    plan = synthetic_plan()
    _ = scanner.scan_plan(plan)  # warm-up: spectrum, LUT, material coefficients
    high_t, low_t = scanner.expected_transmission(plan)
    rng = np.random.default_rng(0)
    detector = scanner.detector  # the noise stage alone, on a fixed expected image
    return {
        "scan_plan_ms": median_ms(lambda: scanner.scan_plan(plan), n),
        "expected_transmission_ms": median_ms(lambda: scanner.expected_transmission(plan), n),
        "detector_noise_ms": median_ms(lambda: detector.counts(high_t, low_t, rng), n),
    }
