"""Turn recorded parcels into one endless belt: air gap, parcel, air gap, parcel, ...

Air between parcels is synthesised per parcel, from the file itself:

1. an air level per detector pixel: the 99th percentile of that pixel along
   the belt (every column of a parcel image sees air at the parcel's ends or
   beside it, and air is the brightest thing a pixel sees);
2. the parcel's extent: the first to last line where at least 3 pixels fall
   below 90 % of their air level (3, so that one dead pixel is not a parcel);
   with none (a nearly transparent bag) the whole file is the parcel;
3. the gap lines: the file's own air lines (outside the extent) repeated, so the
   gap has the scanner's real noise; with fewer than 4 of those, the per-pixel
   air level from (1), noise-free.

``air_counts=(high, low)`` replaces all of this by a constant level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

U16 = NDArray[np.uint16]
AIR_PERCENTILE = 99.0
OBJECT_FRACTION_OF_AIR = 0.9
OBJECT_MIN_PIXELS = 3
MIN_AIR_LINES = 4


@dataclass(frozen=True)
class Segment:
    """Consecutive lines to play; ``present`` is the light-barrier signal per line."""

    high: U16
    low: U16
    present: NDArray[np.bool_]
    tracking_id: str | None = None  # set on a parcel segment: its label is read at its start

    @property
    def n_lines(self) -> int:
        return int(self.high.shape[0])


def extent(high: U16, air_high: NDArray[np.float64]) -> tuple[int, int]:
    """Half-open line range [first, last) of the object in a parcel image."""
    below = (high.astype(np.float64) < OBJECT_FRACTION_OF_AIR * air_high).sum(axis=1)
    lines = np.flatnonzero(below >= OBJECT_MIN_PIXELS)
    if lines.size == 0:
        return 0, int(high.shape[0])
    return int(lines[0]), int(lines[-1]) + 1


def parcel_segments(
    high: U16, low: U16, gap_lines: int, tracking_id: str | None,
    air_counts: tuple[int, int] | None = None,
) -> tuple[Segment, Segment]:
    """(air gap before the parcel, the parcel) for one recorded parcel."""
    air_h = np.percentile(high, AIR_PERCENTILE, axis=0)
    first, last = extent(high, air_h)
    present = np.zeros(high.shape[0], np.bool_)
    present[first:last] = True
    parcel = Segment(high, low, present, tracking_id)
    return air_segment(high, low, first, last, gap_lines, air_counts), parcel


def air_segment(
    high: U16, low: U16, first: int, last: int, gap_lines: int,
    air_counts: tuple[int, int] | None,
) -> Segment:
    pixels = high.shape[1]
    absent = np.zeros(gap_lines, np.bool_)
    if air_counts is not None:
        return Segment(np.full((gap_lines, pixels), air_counts[0], np.uint16),
                       np.full((gap_lines, pixels), air_counts[1], np.uint16), absent)
    air_rows = np.r_[0:first, last:high.shape[0]]
    if air_rows.size >= MIN_AIR_LINES:
        pick = air_rows[np.arange(gap_lines) % air_rows.size]
        return Segment(high[pick], low[pick], absent)
    level_h = np.percentile(high, AIR_PERCENTILE, axis=0).astype(np.uint16)
    level_l = np.percentile(low, AIR_PERCENTILE, axis=0).astype(np.uint16)
    return Segment(np.tile(level_h, (gap_lines, 1)), np.tile(level_l, (gap_lines, 1)), absent)
