"""Small parcels for the simulator tests (the real generator is tested elsewhere)."""

from __future__ import annotations

import numpy as np

from drivers.simulator.model import ItemModel, Layer, ParcelPlan, PlacedItem, Placement


def slab_item(material: str, lines: int, px: int, thickness_mm: float, *,
              threat: bool = False, name: str = "block") -> ItemModel:
    layer = Layer(material, np.full((lines, px), thickness_mm, dtype=np.float32))
    return ItemModel(name, (layer,), threat, "plain")


def simple_plan_factory(
    rng: np.random.Generator, *, pixels: int, pitch_mm: float, difficulty: str | None
) -> ParcelPlan:
    """A cardboard box with a few blocks: enough to exercise the scanner."""
    length = int(rng.integers(120, 300))
    width = min(pixels - 20, 200)
    walls = PlacedItem(slab_item("cardboard", length, width, 8.0, name="box"),
                       Placement((length - 1) / 2, (width - 1) / 2))
    contents = []
    for k in range(4):
        material = str(rng.choice(["water", "aluminium", "steel", "pom"]))
        contents.append(PlacedItem(
            slab_item(material, 30, 40, 10.0 if material != "steel" else 2.0,
                      threat=k == 0, name="knife" if k == 0 else "block"),
            Placement(float(rng.uniform(30, length - 30)), float(rng.uniform(30, width - 30)),
                      float(rng.uniform(0, 180)), bool(rng.random() < 0.5)),
        ))
    offset = int(rng.integers(0, pixels - width))
    return ParcelPlan(length, width, offset, (walls,), tuple(contents), difficulty or "easy", "")
