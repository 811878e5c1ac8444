"""What item builders produce and what a parcel scene holds.

An item is drawn in its own frame: every layer is a float32 thickness map in mm
(thickness along the beam), one array element per detector pixel (square pixels
of ``pitch_mm``), all layers of one item the same shape. Placing an item rotates
and shifts those maps into the parcel; the scene turns them into basis-material
thicknesses for the detector response.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Layer:
    """One material of an item. ``thickness_mm``: float32 (h, w), >= 0, 0 outside."""

    material: str
    thickness_mm: NDArray[np.float32]


@dataclass(frozen=True)
class ItemModel:
    """An item in its own frame, before placement."""

    class_name: str  # e.g. "handgun", "knife", or a clutter name like "clothes"
    layers: tuple[Layer, ...]
    is_threat_class: bool  # one of the detector's classes (ground truth is written for these)
    variant: str = ""

    @property
    def shape(self) -> tuple[int, int]:
        rows, cols = self.layers[0].thickness_mm.shape
        return (int(rows), int(cols))

    def footprint(self) -> NDArray[np.bool_]:
        """bool (h, w): where any layer has material."""
        mask = np.zeros(self.shape, dtype=bool)
        for layer in self.layers:
            mask |= layer.thickness_mm > 0
        return mask


@dataclass(frozen=True)
class Placement:
    """Where an item goes in the parcel image: centre (line, pixel) in pixels, rotation."""

    center_line: float
    center_px: float
    angle_deg: float = 0.0
    flip: bool = False


@dataclass(frozen=True)
class ItemTruth:
    """Ground truth of one placed item, written beside each scan (never read by the station)."""

    class_name: str
    variant: str
    is_threat_class: bool
    box: tuple[int, int, int, int]  # line0, px0, line1, px1 (half-open) in parcel image pixels
    mask_rle: tuple[int, ...]  # run lengths over the box, row-major, starting with a 0-run
    materials: tuple[str, ...]
    angle_deg: float


@dataclass(frozen=True)
class PlacedItem:
    item: ItemModel
    placement: Placement


@dataclass(frozen=True)
class ParcelPlan:
    """A parcel before imaging: its size, its container and its placed contents.

    ``length_lines`` runs along the belt, ``width_px`` across it; the parcel's
    left edge sits at ``offset_px`` across the detector.
    """

    length_lines: int
    width_px: int
    offset_px: int
    container: tuple[PlacedItem, ...]  # box walls or bag film: no ground truth
    contents: tuple[PlacedItem, ...]
    difficulty: str  # "easy", "hard", "hidden"
    tracking_id: str
