"""Project a TIP item into a live parcel's raw counts, physically.

In each channel the parcel's signal above the dark offset is multiplied by the
item's transmission exp(-A): two objects in the beam attenuate as the product
of their transmissions. Done on raw counts, before calibration, so the
projected item goes through exactly the calibration, material analysis,
rendering and alarms a real one would.

Noise: multiplying a noisy signal by T scales its noise by T, where a real
item would leave sqrt(T) (fewer quanta, Poisson). Without a correction the
item would look suspiciously smooth to a trained eye; the missing variance,
g * S * T * (1 - T) for a signal S of g counts per quantum, is added. ``g`` is
measured on the parcel's own air lines (variance above the dark noise over the
mean signal), so no scanner constant is needed.

Beam hardening: the parcel hardens the spectrum the item sees, so the true
combined attenuation is a little lower than the sum; the library's maps are
for the unfiltered beam. The error is small next to the variety of real items
and it errs towards a more visible TIP item.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app.domain import BoxPx, RawScan
from station_app.imaging.calibration import CalibrationSet
from station_app.tip.library import ITEM_EDGE_ATTENUATION, TipItem

# A pixel is inside the parcel below this high-energy transmission (the assembler's
# default for "occupied"); the projected item must lie on the parcel, not in air.
INSIDE_TRANSMISSION = 0.92
# Lines whose pixels are at least this bright (fraction of air) count as air lines.
_AIR_LINE_TRANSMISSION = 0.97
_MIN_AIR_LINES = 4
_COUNTS_MAX = 65535
_RANDOM_ANGLE_TRIES = 12


class TipProjectionError(Exception):
    """The item cannot be projected into this parcel (too small, no calibration match)."""


@dataclass(frozen=True)
class TipPlacement:
    """Where and how the item goes: centre in parcel pixels, rotation (deg, OpenCV sense)."""

    center_line: float
    center_px: float
    angle_deg: float
    flip: bool = False


@dataclass(frozen=True)
class TipProjection:
    """A parcel with a projected item: the combined raw scan and where the item is."""

    raw: RawScan
    item: TipItem
    placement: TipPlacement
    box: BoxPx  # the item's footprint box in the parcel's pixels


def _resampled_maps(
    item: TipItem, raw: RawScan, placement: TipPlacement
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.float64]]:
    """The item's attenuation maps rotated and scaled to the scan's pitches, in a
    window just large enough, and the window's top-left (line, px) in the parcel."""
    maps = np.dstack([item.attenuation_high, item.attenuation_low]).astype(np.float32)
    if placement.flip:
        maps = maps[:, ::-1]
    h, w = item.shape
    # Item pixels -> parcel pixels: rows follow the belt (line pitch), columns the
    # detector (pixel pitch); rotation is done in millimetres, where pixels are square.
    scale_line = item.pitch_mm / raw.line_pitch_mm
    scale_px = item.pitch_mm / raw.pixel_pitch_mm
    angle = np.deg2rad(placement.angle_deg)
    cos, sin = np.cos(angle), np.sin(angle)
    # Centre of the item to origin, rotate (counter-clockwise on the image), scale, shift.
    to_origin = np.array([[1.0, 0.0, -(w - 1) / 2], [0.0, 1.0, -(h - 1) / 2], [0.0, 0.0, 1.0]])
    rotate = np.array([[cos, sin, 0.0], [-sin, cos, 0.0], [0.0, 0.0, 1.0]])
    scale = np.diag([scale_px, scale_line, 1.0])
    shift = np.array(
        [[1.0, 0.0, placement.center_px], [0.0, 1.0, placement.center_line], [0.0, 0.0, 1.0]]
    )
    matrix = shift @ scale @ rotate @ to_origin
    corners = matrix @ np.array([[0, w - 1, 0, w - 1], [0, 0, h - 1, h - 1], [1, 1, 1, 1]])
    px0, line0 = int(np.floor(corners[0].min())) - 1, int(np.floor(corners[1].min())) - 1
    px1, line1 = int(np.ceil(corners[0].max())) + 2, int(np.ceil(corners[1].max())) + 2
    window = np.array([[1.0, 0.0, -px0], [0.0, 1.0, -line0], [0.0, 0.0, 1.0]]) @ matrix
    warped = cv2.warpAffine(
        maps,
        window[:2],
        (px1 - px0, line1 - line0),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0.0, 0.0, 0.0, 0.0),
    )
    high = np.asarray(warped[..., 0], dtype=np.float32)
    low = np.asarray(warped[..., 1], dtype=np.float32)
    return high, low, np.array([line0, px0], dtype=np.float64)


def counts_per_quantum(counts: NDArray[np.uint16], dark: NDArray[np.float32],
                       air: NDArray[np.float32], dark_sigma: NDArray[np.float32]) -> float | None:
    """Counts per detected quantum, from the scan's own air lines; None without enough air."""
    net_air = np.maximum(air - dark, 1.0)
    signal = counts.astype(np.float32) - dark
    bright = (signal / net_air) > _AIR_LINE_TRANSMISSION
    air_lines = bright.mean(axis=1) > 0.98
    if int(air_lines.sum()) < _MIN_AIR_LINES:
        return None
    lines = signal[air_lines]
    excess = lines.var(axis=0, ddof=1) - dark_sigma.astype(np.float64) ** 2
    g = np.median(excess / np.maximum(lines.mean(axis=0), 1.0))
    return float(g) if np.isfinite(g) and g > 0 else None


def inside_mask(raw: RawScan, calibration: CalibrationSet) -> NDArray[np.bool_]:
    """Pixels on the parcel (not air), from the raw high-energy counts."""
    net_air = np.maximum(calibration.air_high - calibration.dark_high, 1.0)
    transmission = (raw.high_counts.astype(np.float32) - calibration.dark_high) / net_air
    mask: NDArray[np.bool_] = transmission < INSIDE_TRANSMISSION
    return mask


def choose_placement(
    raw: RawScan, calibration: CalibrationSet, item: TipItem, rng: np.random.Generator
) -> TipPlacement:
    """A random rotation and a centre where the whole item lies on the parcel.

    Raises ``TipProjectionError`` when the parcel has no such place (too small).
    """
    # Smooth away single dark pixels in air so the item never sits on noise.
    on_parcel = inside_mask(raw, calibration).astype(np.uint8)
    inside = np.asarray(
        cv2.morphologyEx(on_parcel, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8)), dtype=np.uint8
    )
    # Random angles first; a long item may fit a small parcel only lying along an edge.
    angles = [*rng.uniform(0.0, 360.0, _RANDOM_ANGLE_TRIES), *rng.permutation([0, 90, 180, 270])]
    for angle in angles:
        placement = TipPlacement(
            center_line=0.0, center_px=0.0, angle_deg=float(angle), flip=bool(rng.integers(0, 2))
        )
        high, _low, origin = _resampled_maps(item, raw, placement)
        footprint = (high > ITEM_EDGE_ATTENUATION).astype(np.uint8)
        rows, cols = footprint.shape
        if rows >= inside.shape[0] or cols >= inside.shape[1]:
            continue
        # Centres where the footprint fits entirely on the parcel: erode by the footprint.
        anchor = (cols // 2, rows // 2)
        fits = cv2.erode(inside, footprint, anchor=anchor, borderType=cv2.BORDER_CONSTANT,
                         borderValue=0)
        candidates = np.argwhere(fits > 0)
        if candidates.size == 0:
            continue
        line, px = candidates[int(rng.integers(0, len(candidates)))]
        # The window's top-left lands at (line, px) - anchor; the item's centre sits
        # at -origin inside a window computed for a centre at (0, 0).
        return replace(
            placement,
            center_line=float(line - anchor[1] - origin[0]),
            center_px=float(px - anchor[0] - origin[1]),
        )
    raise TipProjectionError(f"the parcel has no room for TIP item {item.item_id}")


def _channel(
    counts: NDArray[np.uint16],
    dark: NDArray[np.float32],
    air: NDArray[np.float32],
    dark_sigma: NDArray[np.float32],
    attenuation: NDArray[np.float32],
    region: tuple[slice, slice],
    rng: np.random.Generator,
) -> NDArray[np.uint16]:
    g = counts_per_quantum(counts, dark, air, dark_sigma)
    rows, cols = region
    window = counts[rows, cols].astype(np.float32)
    d = dark[cols]
    signal = np.maximum(window - d, 0.0)
    transmission = np.exp(-attenuation)
    combined = signal * transmission
    if g is not None:
        # The variance a real item would leave that scaling removed (see module doc).
        missing = g * signal * transmission * (1.0 - transmission)
        combined += rng.standard_normal(combined.shape, dtype=np.float32) * np.sqrt(missing)
    projected = np.clip(np.rint(combined + d), 0, _COUNTS_MAX).astype(np.uint16)
    out = counts.copy()
    # Only where the item is: elsewhere the parcel's counts stay bit for bit.
    out[rows, cols] = np.where(attenuation > 0, projected, counts[rows, cols])
    return out


def project(
    raw: RawScan,
    calibration: CalibrationSet,
    item: TipItem,
    placement: TipPlacement,
    rng: np.random.Generator,
) -> TipProjection:
    """The parcel with ``item`` projected at ``placement`` (the parcel itself is unchanged)."""
    if calibration.pixels != raw.shape[1]:
        raise TipProjectionError("the calibration does not match the scan's detector width")
    high_map, low_map, origin = _resampled_maps(item, raw, placement)
    line0, px0 = (int(v) for v in origin)
    lines, pixels = raw.shape
    # Clip the window to the scan; the placement keeps the footprint inside anyway.
    a0, b0 = max(line0, 0), max(px0, 0)
    a1, b1 = min(line0 + high_map.shape[0], lines), min(px0 + high_map.shape[1], pixels)
    if a1 <= a0 or b1 <= b0:
        raise TipProjectionError(f"TIP item {item.item_id} would land outside the scan")
    crop = (slice(a0 - line0, a1 - line0), slice(b0 - px0, b1 - px0))
    region = (slice(a0, a1), slice(b0, b1))
    high = _channel(raw.high_counts, calibration.dark_high, calibration.air_high,
                    calibration.dark_sigma_high, high_map[crop], region, rng)
    low = _channel(raw.low_counts, calibration.dark_low, calibration.air_low,
                   calibration.dark_sigma_low, low_map[crop], region, rng)
    footprint = (high_map[crop] > ITEM_EDGE_ATTENUATION) | (low_map[crop] > ITEM_EDGE_ATTENUATION)
    rows, cols = np.flatnonzero(footprint.any(axis=1)), np.flatnonzero(footprint.any(axis=0))
    if rows.size == 0:
        raise TipProjectionError(f"TIP item {item.item_id} has no footprint in the scan")
    box = BoxPx(a0 + int(rows[0]), b0 + int(cols[0]), a0 + int(rows[-1]) + 1,
                b0 + int(cols[-1]) + 1)
    combined = replace(raw, high_counts=high, low_counts=low, flags=raw.flags | {"tip"})
    return TipProjection(combined, item, placement, box)
