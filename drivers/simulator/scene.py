"""Render a ParcelPlan into two basis-thickness maps plus the items' ground truth.

Coordinates: a ``Placement`` is given in the parcel's own frame (``center_px``
from the parcel's left edge, ``center_line`` from its leading edge). The scene
spans the whole detector width, so the parcel is shifted by ``plan.offset_px``;
truth boxes are in scene pixels (lines from the parcel's first line, pixels
across the detector), i.e. in the image the station assembles for the parcel.
Angles follow OpenCV: positive is counter-clockwise as seen on the image.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from drivers.simulator.model import ItemModel, ItemTruth, ParcelPlan, PlacedItem
from drivers.simulator.physics import BasisCoefficients

Float32Array = NDArray[np.float32]
CoefficientsOf = Callable[[str], BasisCoefficients]

# Footprint coverage above which a scene pixel counts as part of an item's mask.
_MASK_COVERAGE = 0.5


@dataclass(frozen=True)
class BasisScene:
    """Basis thicknesses in mm, float32 (lines, pixels), and the contents' truth."""

    t_low_mm: Float32Array = field(repr=False)
    t_high_mm: Float32Array = field(repr=False)
    truth: tuple[ItemTruth, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.t_low_mm.shape[0]), int(self.t_low_mm.shape[1]))


def render_plan(plan: ParcelPlan, coefficients: CoefficientsOf, pixels: int) -> BasisScene:
    """Basis-thickness maps of a parcel across a detector of ``pixels`` pixels."""
    canvas = np.zeros((plan.length_lines, pixels, 2), dtype=np.float32)
    for placed in plan.container:
        _add_item(canvas, placed, plan.offset_px, coefficients)
    truths = []
    for placed in plan.contents:
        footprint = _add_item(canvas, placed, plan.offset_px, coefficients)
        if footprint is not None:
            truths.append(_truth(placed, *footprint))
    return BasisScene(
        t_low_mm=np.ascontiguousarray(canvas[..., 0]),
        t_high_mm=np.ascontiguousarray(canvas[..., 1]),
        truth=tuple(truths),
    )


def mask_to_rle(mask: NDArray[np.bool_]) -> tuple[int, ...]:
    """Run lengths of a bool mask, row-major, alternating starting with a 0-run."""
    flat = mask.ravel()
    if flat.size == 0:
        return ()
    edges = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    runs = np.diff(np.concatenate(([0], edges, [flat.size])))
    return tuple(int(r) for r in ((0, *runs) if flat[0] else runs))


def rle_to_mask(runs: Iterable[int], shape: tuple[int, int]) -> NDArray[np.bool_]:
    """Inverse of :func:`mask_to_rle`."""
    lengths = np.asarray(tuple(runs), dtype=np.int64)
    values = np.arange(lengths.size) % 2 == 1
    return np.repeat(values, lengths).reshape(shape)


def _item_channels(item: ItemModel, coefficients: CoefficientsOf) -> Float32Array:
    """float32 (h, w, 3): low-basis mm, high-basis mm, footprint (0/1) in the item frame."""
    channels = np.zeros((*item.shape, 3), dtype=np.float32)
    for layer in item.layers:
        coeff = coefficients(layer.material)
        channels[..., 0] += np.float32(coeff.low) * layer.thickness_mm
        channels[..., 1] += np.float32(coeff.high) * layer.thickness_mm
        channels[..., 2] = np.maximum(channels[..., 2], (layer.thickness_mm > 0).astype(np.float32))
    return channels


def _placement_matrix(placed: PlacedItem, offset_px: int) -> NDArray[np.float64]:
    """3×3 affine from item-frame (x=px, y=line) to scene coordinates."""
    h, w = placed.item.shape
    p = placed.placement
    to_center = np.array([[1.0, 0.0, -(w - 1) / 2], [0.0, 1.0, -(h - 1) / 2], [0.0, 0.0, 1.0]])
    flip = np.diag([-1.0 if p.flip else 1.0, 1.0, 1.0])
    rotate = np.eye(3)
    rotate[:2] = cv2.getRotationMatrix2D((0.0, 0.0), p.angle_deg, 1.0)
    to_scene = np.array(
        [[1.0, 0.0, p.center_px + offset_px], [0.0, 1.0, p.center_line], [0.0, 0.0, 1.0]]
    )
    matrix: NDArray[np.float64] = to_scene @ rotate @ flip @ to_center
    return matrix


def _add_item(
    canvas: Float32Array, placed: PlacedItem, offset_px: int, coefficients: CoefficientsOf
) -> tuple[int, int, NDArray[np.bool_]] | None:
    """Adds an item's basis thicknesses; returns (line0, px0, mask) of what landed."""
    h, w = placed.item.shape
    matrix = _placement_matrix(placed, offset_px)
    if _is_pixel_aligned(matrix):
        return _add_aligned(canvas, placed, matrix, coefficients)
    corners = matrix @ np.array([[0, w - 1, 0, w - 1], [0, 0, h - 1, h - 1], [1, 1, 1, 1]])
    # Warp into a window just around the rotated item, not the whole scene.
    px0 = max(int(np.floor(corners[0].min())) - 1, 0)
    px1 = min(int(np.ceil(corners[0].max())) + 2, canvas.shape[1])
    line0 = max(int(np.floor(corners[1].min())) - 1, 0)
    line1 = min(int(np.ceil(corners[1].max())) + 2, canvas.shape[0])
    if px1 <= px0 or line1 <= line0:
        return None
    window = np.array([[1.0, 0.0, -px0], [0.0, 1.0, -line0], [0.0, 0.0, 1.0]]) @ matrix
    warped = cv2.warpAffine(
        _item_channels(placed.item, coefficients), window[:2], (px1 - px0, line1 - line0),
        flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0,
    )
    canvas[line0:line1, px0:px1] += warped[..., :2]
    mask = warped[..., 2] > _MASK_COVERAGE
    if not mask.any():
        return None
    return line0, px0, mask


def _is_pixel_aligned(matrix: NDArray[np.float64]) -> bool:
    """Unrotated, unflipped and on whole pixels: a plain copy is exact."""
    return bool(
        np.allclose(matrix[:2, :2], np.eye(2), atol=1e-9)
        and np.allclose(matrix[:2, 2], np.round(matrix[:2, 2]), atol=1e-6)
    )


def _add_aligned(
    canvas: Float32Array, placed: PlacedItem, matrix: NDArray[np.float64],
    coefficients: CoefficientsOf,
) -> tuple[int, int, NDArray[np.bool_]] | None:
    """Fast path of ``_add_item`` for box walls and other axis-aligned items."""
    h, w = placed.item.shape
    px0, line0 = (int(v) for v in np.round(matrix[:2, 2]))
    a0, a1 = max(line0, 0), min(line0 + h, canvas.shape[0])
    b0, b1 = max(px0, 0), min(px0 + w, canvas.shape[1])
    if a1 <= a0 or b1 <= b0:
        return None
    window = canvas[a0:a1, b0:b1]
    mask = np.zeros((a1 - a0, b1 - b0), dtype=bool)
    for layer in placed.item.layers:
        coeff = coefficients(layer.material)
        t = layer.thickness_mm[a0 - line0:a1 - line0, b0 - px0:b1 - px0]
        window[..., 0] += np.float32(coeff.low) * t
        window[..., 1] += np.float32(coeff.high) * t
        mask |= t > 0
    if not mask.any():
        return None
    return a0, b0, mask


def _truth(placed: PlacedItem, line0: int, px0: int, mask: NDArray[np.bool_]) -> ItemTruth:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    item = placed.item
    return ItemTruth(
        class_name=item.class_name,
        variant=item.variant,
        is_threat_class=item.is_threat_class,
        box=(line0 + r0, px0 + c0, line0 + r1, px0 + c1),
        mask_rle=mask_to_rle(mask[r0:r1, c0:c1]),
        materials=tuple(dict.fromkeys(layer.material for layer in item.layers)),
        angle_deg=placed.placement.angle_deg,
    )
