"""Parcel containers: a corrugated cardboard box or a polyethylene postal bag.

Containers carry no ground truth. They are drawn at the parcel's full footprint
(rows along the belt, columns across it) and placed unrotated at its centre.
"""

from __future__ import annotations

import numpy as np

from drivers.simulator.items._shapes import Canvas, box_shell, slab
from drivers.simulator.model import ItemModel


def build_cardboard_box(
    rng: np.random.Generator, pitch_mm: float, *, length_mm: float, width_mm: float,
    height_mm: float,
) -> ItemModel:
    """Top and bottom (flaps meeting in the middle, tape over the seam) plus side
    walls seen edge-on: wall thickness × box height along the beam."""
    wall = rng.uniform(3.0, 5.0)  # single or double wall corrugated board
    cv = Canvas(length_mm, width_mm, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    box_shell(cv, "cardboard", c, (length_mm, width_mm), height_mm=height_mm, wall_mm=wall,
              plate_mm=wall)
    # the outer flaps of a regular slotted box double the board where they overlap
    # the inner flaps, from each side wall to the middle
    flap = width_mm / 2
    for s in (-1.0, 1.0):
        slab(cv, "cardboard", (c[0], c[1] + s * flap / 2), (length_mm - 2 * wall, flap * 0.5),
             wall * 2)
    tape_w = rng.uniform(48.0, 75.0)
    slab(cv, "polypropylene", c, (length_mm, tape_w), 0.05 * 2)
    if rng.random() < 0.5:  # packing paper or bubble wrap lining
        slab(cv, "polyethylene" if rng.random() < 0.5 else "paper", c,
             (length_mm - 2 * wall, width_mm - 2 * wall), rng.uniform(0.3, 1.5))
    return cv.to_item("cardboard_box", is_threat_class=False, variant=f"wall_{wall:.0f}mm")


def build_postal_bag(
    rng: np.random.Generator, pitch_mm: float, *, length_mm: float, width_mm: float,
) -> ItemModel:
    """Two polyethylene films (or a padded paper envelope) with creases and seams."""
    padded = bool(rng.random() < 0.3)
    cv = Canvas(length_mm, width_mm, pitch_mm)
    c = (cv.height_mm / 2, cv.width_mm / 2)
    film = rng.uniform(0.05, 0.12)
    material = "paper" if padded else "polyethylene"
    base = 0.15 * 2 if padded else film * 2
    slab(cv, material, c, (length_mm, width_mm), base, corner_mm=2.0)
    if padded:  # bubble lining: thin film, mostly air
        slab(cv, "polyethylene", c, (length_mm - 6.0, width_mm - 6.0), 0.2)
    win = cv.full()
    # creases: where the film folds over itself it is crossed two or four times more
    creases = np.zeros(win.shape, np.float32)
    for _ in range(int(rng.integers(3, 9))):
        a = rng.uniform(0.0, np.pi)
        period = rng.uniform(20.0, 120.0)
        phase = rng.uniform(0.0, 2 * np.pi)
        proj = win.y_mm * np.float32(np.cos(a)) + win.x_mm * np.float32(np.sin(a))
        creases += np.maximum(np.cos(proj * np.float32(2 * np.pi / period) + phase), 0) ** 16
    seam = np.zeros(win.shape, np.float32)
    seam[:, :] = (win.y_mm > length_mm - 12.0) | (win.y_mm < 6.0)  # sealed and folded ends
    inside = (win.y_mm < length_mm) & (win.x_mm < width_mm)
    cv.add(material, win, (creases * np.float32(base * 2) + seam * np.float32(base)) * inside)
    return cv.to_item("postal_bag", is_threat_class=False,
                      variant="padded_envelope" if padded else "polyethylene")
