"""Colour tables for the display: the standard dual-energy colour convention.

Everything here is computed once per (mode, slider) and cached by the renderer;
nothing is evaluated per pixel at render time. Tables are indexed by a quantised
effective atomic number (rows) and a quantised high-energy attenuation (columns)
and hold packed RGBA8888 pixels as uint32 (R in the lowest byte on little-endian
hosts, which is the byte order of ``QImage.Format_RGBA8888``).
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.typing import NDArray

# Quantisation of the 2D table. 64 x 1024 = 65536 entries, so the combined index
# fits in uint16 and the whole table (256 KiB) stays in L2 cache.
ZEFF_BINS = 64
ZEFF_STEP = 0.5  # Zeff 0 .. 31.5 in half steps; heavier elements saturate to the last row
ATT_BINS = 1024
ATT_SHIFT = 10  # log2(ATT_BINS)
ATT_WHITE = 0  # column forced for air pixels
ATT_BLACK = ATT_BINS - 1  # column forced for impenetrable pixels

WHITE = np.array([255.0, 255.0, 255.0], dtype=np.float64)

if sys.byteorder != "little":  # pragma: no cover - every target platform is little-endian
    raise ImportError("station_app.imaging.colour packs RGBA as little-endian uint32")


def zeff_centres() -> NDArray[np.float64]:
    """float64 (ZEFF_BINS,): the Zeff each table row stands for."""
    # The renderer rounds Zeff / ZEFF_STEP to the nearest row, so row i is centred on i * step.
    return np.arange(ZEFF_BINS, dtype=np.float64) * ZEFF_STEP


def material_hue(
    zeff: NDArray[np.float64], organic_max: float, inorganic_max: float
) -> NDArray[np.float64]:
    """float64 (n, 3) RGB 0..255 at full saturation for each Zeff.

    Anchors sit relative to the configured class boundaries, so a station that
    moves a boundary also moves the colour change; between anchors colours are
    blended linearly, as commercial scanners do, so mixtures (organic over metal)
    come out as the in-between hue instead of a hard jump.
    """
    anchors_z = np.array(
        [
            0.0,
            organic_max - 3.0,
            organic_max - 1.0,
            organic_max,
            organic_max + 1.5,
            inorganic_max - 1.5,
            inorganic_max,
            inorganic_max + 2.0,
            40.0,
        ]
    )
    anchors_rgb = np.array(
        [
            [255.0, 160.0, 40.0],  # light organics: orange
            [250.0, 140.0, 20.0],  # organic: orange
            [235.0, 150.0, 10.0],  # heavier organics: amber
            [170.0, 170.0, 20.0],  # organic/inorganic mixture: olive
            [60.0, 180.0, 40.0],  # inorganic: green
            [20.0, 160.0, 80.0],  # heavy inorganic: green
            [20.0, 140.0, 170.0],  # inorganic/metal mixture: teal
            [40.0, 80.0, 240.0],  # metal: blue
            [30.0, 50.0, 220.0],  # heavy metal: deep blue
        ]
    )
    out = np.empty((zeff.shape[0], 3), dtype=np.float64)
    for ch in range(3):
        out[:, ch] = np.interp(zeff, anchors_z, anchors_rgb[:, ch])
    return out


def pack_rgba(rgb: NDArray[np.float64]) -> NDArray[np.uint32]:
    """Pack float RGB 0..255 (..., 3) into uint32 RGBA8888 with opaque alpha."""
    c = np.clip(np.rint(rgb), 0, 255).astype(np.uint32)
    packed: NDArray[np.uint32] = (
        c[..., 0] | (c[..., 1] << 8) | (c[..., 2] << 16) | np.uint32(0xFF000000)
    ).astype(np.uint32)
    return packed


def attenuation_axis(att_max: float) -> NDArray[np.float64]:
    """float64 (ATT_BINS,): the attenuation each table column stands for."""
    return np.arange(ATT_BINS, dtype=np.float64) * (att_max / (ATT_BINS - 1))


def density_curve(att: NDArray[np.float64], att_max: float) -> NDArray[np.float64]:
    """Map attenuation to 0 (thin) .. 1 (at the impenetrable limit), log-like.

    Human perception of brightness is roughly logarithmic and scanners display
    thin organics with visible contrast, so the curve is steep near zero and
    flattens for dense material.
    """
    k = 1.6  # curvature; larger spends more grey levels on thin material
    a = np.clip(att, 0.0, att_max)
    result: NDArray[np.float64] = np.log1p(k * a) / np.log1p(k * att_max)
    return result


def shade(hue: NDArray[np.float64], d: NDArray[np.float64]) -> NDArray[np.float64]:
    """Combine hue (n, 3) with density d (m,) into RGB (n, m, 3).

    Thin material is a pale tint of its hue; saturation reaches full early and
    then brightness falls, so denser is darker, ending near black (pure black is
    reserved for impenetrable).
    """
    sat = np.clip(d / 0.30, 0.0, 1.0) ** 0.8
    lum = 1.0 - 0.88 * np.clip((d - 0.12) / 0.88, 0.0, 1.0) ** 0.9
    tinted = WHITE[None, None, :] + sat[None, :, None] * (hue[:, None, :] - WHITE[None, None, :])
    result: NDArray[np.float64] = tinted * lum[None, :, None]
    return result


def grey_levels(d: NDArray[np.float64]) -> NDArray[np.float64]:
    """Grey value 255 (air) .. ~12 (densest penetrable) for density d."""
    result: NDArray[np.float64] = 255.0 * (1.0 - 0.95 * d)
    return result
