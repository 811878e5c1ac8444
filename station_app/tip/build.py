"""Render a TIP library with the physics simulator (``station-app tip build-library``).

Each item is a random variant of one of the simulator's threat-class builders,
imaged alone on an empty belt with the scanner's spectra and detector blur,
noise-free; what is stored is its transmission in both channels. The station
ships a library built this way (resources/tip); a site rebuilds it for its own
tube voltage, or replaces it with maps measured on real test items.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from drivers.simulator.items import THREAT_BUILDERS
from drivers.simulator.model import ParcelPlan, PlacedItem, Placement
from drivers.simulator.scanner import SimulatedScanner
from station_app.tip.library import (
    ITEM_EDGE_ATTENUATION,
    MAX_ATTENUATION,
    TipItem,
    TipLibrary,
    save_library,
)

log = logging.getLogger(__name__)

# Blur tails kept around the footprint, in pixels.
_MARGIN_PX = 6


def render_item(
    scanner: SimulatedScanner, category: str, rng: np.random.Generator, item_id: str
) -> TipItem:
    """One random ``category`` item alone on the belt, cropped to its footprint."""
    pitch_mm = scanner.options.pitch_mm
    model = THREAT_BUILDERS[category](rng, pitch_mm)
    h, w = model.shape
    lines, pixels = h + 2 * _MARGIN_PX, w + 2 * _MARGIN_PX
    if pixels > scanner.options.pixels:
        raise ValueError(f"{category} item is wider than the simulated detector")
    plan = ParcelPlan(
        length_lines=lines,
        width_px=pixels,
        offset_px=0,
        container=(),
        contents=(PlacedItem(model, Placement(lines / 2 - 0.5, pixels / 2 - 0.5)),),
        difficulty="easy",
        tracking_id=item_id,
    )
    high, low = scanner.expected_transmission(plan)
    tiny = np.float32(np.exp(-MAX_ATTENUATION))
    a_high = -np.log(np.clip(high, tiny, np.float32(1.0)))
    a_low = -np.log(np.clip(low, tiny, np.float32(1.0)))
    inside = (a_high > ITEM_EDGE_ATTENUATION) | (a_low > ITEM_EDGE_ATTENUATION)
    rows, cols = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    if rows.size == 0:
        raise ValueError(f"{category} item rendered transparent")
    r0, r1 = max(int(rows[0]) - 2, 0), min(int(rows[-1]) + 3, high.shape[0])
    c0, c1 = max(int(cols[0]) - 2, 0), min(int(cols[-1]) + 3, high.shape[1])
    return TipItem(
        item_id=item_id,
        category=category,
        variant=model.variant,
        pitch_mm=pitch_mm,
        attenuation_high=np.ascontiguousarray(a_high[r0:r1, c0:c1]),
        attenuation_low=np.ascontiguousarray(a_low[r0:r1, c0:c1]),
    )


def build_library(
    out_dir: Path,
    categories: Sequence[str],
    *,
    per_category: int = 6,
    seed: int = 0,
    tube_kv: float = 140.0,
    pitch_mm: float = 1.0,
) -> TipLibrary:
    """Render ``per_category`` variants of each category into ``out_dir``."""
    unknown = sorted(set(categories) - set(THREAT_BUILDERS))
    if unknown:
        raise ValueError(f"no simulator item for {unknown}; known: {sorted(THREAT_BUILDERS)}")
    scanner = SimulatedScanner(pixels=1024, pitch_mm=pitch_mm, tube_kv=tube_kv, seed=seed)
    rng = np.random.default_rng(seed)
    items = []
    for category in categories:
        for n in range(per_category):
            item = render_item(scanner, category, rng, f"{category.replace('_', '-')}-{n:02d}")
            log.info("TIP item %s: %s, %.0f mm", item.item_id, item.variant, item.length_mm)
            items.append(item)
    spectrum = f"simulator tube {tube_kv:g} kV, sandwich detector, pitch {pitch_mm:g} mm"
    return save_library(out_dir, items, pitch_mm=pitch_mm, spectrum=spectrum)
