"""Rule alarms on the physical channels: dense objects, organic masses, lithium cells.

Each rule is a vectorised pixel mask (OpenCV range tests and morphology) and one
``connectedComponentsWithStats``; only the few components that pass the area
test are looked at one by one (shape, uniformity), so the cost does not grow
with clutter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app import core_texts as texts
from station_app.config import AlarmConfig, MaterialsConfig
from station_app.domain import Alarm, BoxPx, MaterialClass, MaterialImage

# OpenCV's bundled stubs reject Python scalars and dst= keywords that the C++
# bindings accept (saturating scalar ops are the point here), so calls go
# through an untyped alias; results are annotated where they are used.
cv: Any = cv2

DENSE = "dense_object"
ORGANIC = "organic_mass"
BATTERY = "lithium_battery"

# Cell geometry in mm (long side, short side of the projected outline).
# Cylindrical cells seen side-on: 18650 is 65 x 18, 21700 is 70 x 21, 14500 is 50 x 14.
CYL_DIAMETER_MM = (13.0, 27.0)
CYL_LENGTH_MM = (42.0, 80.0)
CYL_ASPECT = (2.2, 5.0)
CYL_MIN_FILL = 0.75
# Several cylinders side by side (power bank): the long side is a cell length,
# the short side a whole number of diameters; end to end: the reverse.
PACK_MAX_CELLS = 8
# Pouch / prismatic cells (phones, tablets, drones): flat and rectangular.
POUCH_SHORT_MM = (20.0, 110.0)
POUCH_LONG_MM = (30.0, 180.0)
POUCH_MIN_FILL = 0.85
POUCH_MAX_A_CV = 0.3  # a pouch cell is a uniform stack of foils


@dataclass(frozen=True)
class _Component:
    """One connected region at full resolution: its box and its pixels inside the box."""

    box: BoxPx
    area_px: int
    inside: NDArray[np.bool_]  # (box.height, box.width)

    @property
    def slices(self) -> tuple[slice, slice]:
        return slice(self.box.line0, self.box.line1), slice(self.box.px0, self.box.px1)


class AlarmRules:
    """Evaluates every rule on one ``MaterialImage``. Not thread-safe (scratch buffers)."""

    def __init__(self, alarm_config: AlarmConfig, materials_config: MaterialsConfig) -> None:
        self._cfg = alarm_config
        self._mat = materials_config
        self._shape: tuple[int, int] | None = None
        self._m1 = np.empty((0, 0), np.uint8)
        self._m2 = np.empty((0, 0), np.uint8)
        self._m3 = np.empty((0, 0), np.uint8)

    def evaluate(self, image: MaterialImage) -> tuple[Alarm, ...]:
        """All alarms of all rules, strongest first."""
        _validate(image)
        shape = image.shape
        if self._shape != shape:
            self._m1 = np.empty(shape, np.uint8)
            self._m2 = np.empty(shape, np.uint8)
            self._m3 = np.empty(shape, np.uint8)
            self._shape = shape
        alarms = [*self.dense_objects(image), *self.organic_masses(image), *self.batteries(image)]
        alarms.sort(key=lambda al: al.score, reverse=True)
        return tuple(alarms)

    # ------------------------------------------------------------------- rules

    def dense_objects(self, image: MaterialImage) -> list[Alarm]:
        px_mm2 = image.line_pitch_mm * image.pixel_pitch_mm
        mask = self._m1
        cv.compare(
            np.ascontiguousarray(image.material_class),
            int(MaterialClass.IMPENETRABLE),
            cv2.CMP_EQ,
            dst=mask,
        )
        self._cleanup(mask, image.line_pitch_mm, image.pixel_pitch_mm)
        out: list[Alarm] = []
        min_px = self._cfg.dense_min_area_mm2 / px_mm2
        for comp in _components(mask, min_px, math.inf):
            area = comp.area_px * px_mm2
            length, width = _extent_mm(comp.box, image)
            score = 1.0 - 0.5 * self._cfg.dense_min_area_mm2 / area
            out.append(
                Alarm(
                    kind=DENSE,
                    box=comp.box,
                    area_mm2=area,
                    score=_clip01(score),
                    explanation=texts.DENSE_OBJECT.render(
                        length_mm=f"{length:.0f}", width_mm=f"{width:.0f}"
                    ),
                    details={
                        "length_mm": length,
                        "width_mm": width,
                        "fill": comp.area_px / (comp.box.height * comp.box.width),
                    },
                )
            )
        return out

    def organic_masses(self, image: MaterialImage) -> list[Alarm]:
        """Bulk organic matter with the Zeff of a narcotic, packed as a brick or pouch.

        Pixels: smoothed Zeff inside the organic window but outside the band of
        everyday organics (paper, cotton, sugar, food, water), and enough A_high
        to be a mass rather than a wrapper. Regions: big enough, a filled
        rectangle-like outline at least ``organic_min_width_mm`` wide, even
        thickness, uniform Zeff whose median is still outside the excluded band.
        """
        cfg = self._cfg
        # Everything runs at half resolution: the smallest wanted mass is thousands
        # of mm², and the smoothing windows cost a quarter as much.
        h, w = image.shape
        f = 2 if min(h, w) >= 64 else 1
        lp, pp = image.line_pitch_mm * f, image.pixel_pitch_mm * f
        px_mm2 = lp * pp
        zeff, a_high = np.ascontiguousarray(image.zeff), np.ascontiguousarray(image.a_high)
        if f > 1:
            zeff = cv.resize(zeff, (w // f, h // f), interpolation=cv2.INTER_AREA)
            a_high = cv.resize(a_high, (w // f, h // f), interpolation=cv2.INTER_AREA)
        kh = max(1, round(cfg.organic_zeff_smooth_mm / lp))
        kw = max(1, round(cfg.organic_zeff_smooth_mm / pp))
        zs = cv.blur(zeff, (kw, kh))
        mask = cv.inRange(zs, cfg.organic_zeff_min, cfg.organic_zeff_max)
        m2 = cv.inRange(zs, cfg.organic_excluded_zeff_min, cfg.organic_excluded_zeff_max)
        cv.bitwise_not(m2, dst=m2)
        cv.bitwise_and(mask, m2, dst=mask)
        cv.inRange(a_high, cfg.organic_a_high_min, cfg.organic_a_high_max, dst=m2)
        cv.bitwise_and(mask, m2, dst=mask)
        # Even thickness: a pressed brick or pouch is flat, folded cloth and shoes are not.
        # Local variance var = <a²> - <a>² over the same window, compared as
        # var <= (cv_max · <a>)² to avoid a square root and a division.
        am = cv.blur(a_high, (kw, kh))
        a2 = cv.multiply(a_high, a_high)
        cv.blur(a2, (kw, kh), dst=a2)
        tmp = cv.multiply(am, am)
        cv.subtract(a2, tmp, dst=a2)
        cv.multiply(tmp, cfg.organic_max_local_a_cv**2, dst=tmp)
        cv.compare(a2, tmp, cv2.CMP_LE, dst=m2)
        cv.bitwise_and(mask, m2, dst=mask)
        self._cleanup(mask, lp, pp, kernel_mm=cfg.organic_cleanup_kernel_mm)
        out: list[Alarm] = []
        comps = _components(mask, cfg.organic_min_area_mm2 / px_mm2, math.inf)
        for comp in comps:
            sl, inside = comp.slices, comp.inside
            z = zs[sl][inside]
            a = a_high[sl][inside]
            z_med = float(np.median(z))
            if cfg.organic_excluded_zeff_min <= z_med <= cfg.organic_excluded_zeff_max:
                continue
            z_std = float(z.std())
            a_mean = float(a.mean())
            a_cv = float(a.std()) / max(a_mean, 1e-6)
            # Clothes and paper stacks are as organic but uneven and loosely shaped;
            # a wrapper or a thin toy shell has too little mass.
            if z_std > cfg.organic_max_zeff_std or a_cv > cfg.organic_max_a_high_cv:
                continue
            if a_mean < cfg.organic_min_a_high_mean:
                continue
            long_mm, short_mm = _rotated_extent_mm(inside, lp, pp)
            area = comp.area_px * px_mm2
            fill = area / (long_mm * short_mm)
            if fill < cfg.organic_min_fill or short_mm < cfg.organic_min_width_mm:
                continue
            uniformity = 1.0 - 0.5 * (
                z_std / cfg.organic_max_zeff_std + a_cv / cfg.organic_max_a_high_cv
            )
            size = 1.0 - 0.5 * cfg.organic_min_area_mm2 / area
            out.append(
                Alarm(
                    kind=ORGANIC,
                    box=_scaled(comp.box, f, h, w),
                    area_mm2=area,
                    score=_clip01(0.5 * size + 0.5 * uniformity),
                    explanation=texts.ORGANIC_MASS.render(
                        long_mm=f"{long_mm:.0f}", short_mm=f"{short_mm:.0f}", zeff=f"{z_med:.1f}"
                    ),
                    details={
                        "long_mm": long_mm,
                        "short_mm": short_mm,
                        "zeff_median": z_med,
                        "zeff_std": z_std,
                        "a_high_mean": a_mean,
                        "a_high_cv": a_cv,
                        "fill": fill,
                    },
                )
            )
        return out

    def batteries(self, image: MaterialImage) -> list[Alarm]:
        cfg = self._cfg
        px_mm2 = image.line_pitch_mm * image.pixel_pitch_mm
        zeff, a_high = np.ascontiguousarray(image.zeff), np.ascontiguousarray(image.a_high)
        mask = self._m1
        cv.inRange(zeff, cfg.battery_zeff_min, cfg.battery_zeff_max, dst=mask)
        cv.inRange(a_high, cfg.battery_a_high_min, cfg.battery_a_high_max, dst=self._m2)
        cv.bitwise_and(mask, self._m2, dst=mask)
        # Impenetrable pixels are excluded even when their noisy Zeff falls in range.
        cv.compare(
            np.ascontiguousarray(image.material_class),
            int(MaterialClass.IMPENETRABLE),
            cv2.CMP_NE,
            dst=self._m3,
        )
        cv.bitwise_and(mask, self._m3, dst=mask)
        self._cleanup(mask, image.line_pitch_mm, image.pixel_pitch_mm, close=False)
        out: list[Alarm] = []
        comps = _components(
            mask, cfg.battery_min_area_mm2 / px_mm2, cfg.battery_max_area_mm2 / px_mm2
        )
        for comp in comps:
            alarm = self._battery(comp, a_high, zeff, image, px_mm2)
            if alarm is not None:
                out.append(alarm)
        return out

    # ----------------------------------------------------------------- helpers

    def _battery(
        self,
        comp: _Component,
        a_high: NDArray[np.float32],
        zeff: NDArray[np.float32],
        image: MaterialImage,
        px_mm2: float,
    ) -> Alarm | None:
        cfg = self._cfg
        sl, inside = comp.slices, comp.inside
        long_mm, short_mm = _rotated_extent_mm(inside, image.line_pitch_mm, image.pixel_pitch_mm)
        area = comp.area_px * px_mm2
        fill = area / (long_mm * short_mm)
        a = a_high[sl][inside]
        a_med = float(np.median(a))
        a_cv = float(a.std()) / max(float(a.mean()), 1e-6)
        z_mean = float(zeff[sl][inside].mean())

        match: tuple[str, int, float] | None = None
        mu = float("nan")
        for kind, cells, diameter in _cell_shapes(long_mm, short_mm, fill, a_cv):
            if diameter == 0.0:
                match = (kind, cells, diameter)
                break
            # Attenuation per mm of cell diameter tells a cell from a solid
            # metal rod (too dense) or a thin tube (too light) of the same size.
            mu = a_med / diameter
            if cfg.battery_mu_per_mm_min <= mu <= cfg.battery_mu_per_mm_max:
                match = (kind, cells, diameter)
                break
        if match is None:
            return None
        kind, cells, _ = match
        # Best when Zeff sits in the middle of the cell window and the outline is clean.
        zc = 0.5 * (cfg.battery_zeff_min + cfg.battery_zeff_max)
        zw = 0.5 * (cfg.battery_zeff_max - cfg.battery_zeff_min)
        z_match = 1.0 - min(abs(z_mean - zc) / zw, 1.0)
        score = _clip01(0.45 + 0.3 * min(fill, 1.0) + 0.15 * z_match + (0.1 if cells > 1 else 0.0))
        size = {"long_mm": f"{long_mm:.0f}", "short_mm": f"{short_mm:.0f}"}
        if kind == "cylindrical":
            explanation = texts.CYLINDRICAL_CELL.render(**size)
        elif kind == "pack":
            explanation = texts.BATTERY_PACK.render(cells=str(cells), **size)
        else:
            explanation = texts.FLAT_CELL.render(**size)
        return Alarm(
            kind=BATTERY,
            box=comp.box,
            area_mm2=area,
            score=score,
            explanation=explanation,
            details={
                "long_mm": long_mm,
                "short_mm": short_mm,
                "cells": float(cells),
                "fill": fill,
                "zeff_mean": z_mean,
                "a_high_median": a_med,
                "a_high_cv": a_cv,
                "mu_per_mm": mu,
            },
        )

    def _cleanup(
        self,
        mask: NDArray[np.uint8],
        line_pitch_mm: float,
        pixel_pitch_mm: float,
        close: bool = True,
        kernel_mm: float | None = None,
    ) -> None:
        # Opening removes speckle and one-pixel edges (where a thin object's rim
        # passes a threshold); closing bridges gaps from noise inside an object.
        k_mm = self._cfg.cleanup_kernel_mm if kernel_mm is None else kernel_mm
        kh = max(1, round(k_mm / line_pitch_mm)) | 1
        kw = max(1, round(k_mm / pixel_pitch_mm)) | 1
        kernel = np.ones((kh, kw), np.uint8)
        cv.morphologyEx(mask, cv2.MORPH_OPEN, kernel, dst=mask)
        if close:
            cv.morphologyEx(mask, cv2.MORPH_CLOSE, kernel, dst=mask)


def _cell_shapes(
    long_mm: float, short_mm: float, fill: float, a_cv: float
) -> list[tuple[str, int, float]]:
    """Battery shapes the outline matches, most specific first: (kind, cells, diameter or 0)."""
    dmin, dmax = CYL_DIAMETER_MM
    lmin, lmax = CYL_LENGTH_MM
    amin, amax = CYL_ASPECT
    aspect = long_mm / max(short_mm, 1e-6)
    found: list[tuple[str, int, float]] = []
    if fill >= CYL_MIN_FILL:
        if dmin <= short_mm <= dmax and lmin <= long_mm <= lmax and amin <= aspect <= amax:
            found.append(("cylindrical", 1, short_mm))
        # Side by side: long side one cell length, short side n common diameters (17-22 mm).
        if lmin <= long_mm <= lmax:
            for n in range(2, PACK_MAX_CELLS + 1):
                if 17.0 <= short_mm / n <= 22.0:
                    found.append(("pack", n, short_mm / n))
                    break
        # End to end: short side one diameter, long side n cell lengths.
        if dmin <= short_mm <= dmax:
            for n in range(2, PACK_MAX_CELLS + 1):
                if lmin <= long_mm / n <= lmax and amin <= long_mm / n / short_mm <= amax:
                    found.append(("pack", n, short_mm))
                    break
    if (
        fill >= POUCH_MIN_FILL
        and a_cv <= POUCH_MAX_A_CV
        and POUCH_SHORT_MM[0] <= short_mm <= POUCH_SHORT_MM[1]
        and POUCH_LONG_MM[0] <= long_mm <= POUCH_LONG_MM[1]
        and aspect <= 4.0
    ):
        found.append(("pouch", 1, 0.0))
    return found


def _components(mask: NDArray[np.uint8], min_px: float, max_px: float) -> list[_Component]:
    """Connected regions of ``mask`` (0/255) with min_px <= area <= max_px (full-res pixels).

    Labelling runs on a 2x2 or 4x4 majority-downsampled mask, which is many
    times cheaper and as good for regions of hundreds of pixels; each survivor
    is then cut back out of the full-resolution mask so boxes and areas are exact.
    """
    h, w = mask.shape
    # The coarsest grid that still leaves the smallest wanted region ~40 cells.
    f = 1
    while f < 4 and min_px / (2 * f) ** 2 >= 40 and min(h, w) >= 32 * f:
        f *= 2
    small = mask
    if f > 1:
        small = cv.resize(mask, (w // f, h // f), interpolation=cv2.INTER_AREA)
        cv.threshold(small, 127, 255, cv2.THRESH_BINARY, dst=small)
    n, labels, stats, _ = cv.connectedComponentsWithStats(small, connectivity=8, ltype=cv2.CV_32S)
    areas = stats[1:n, cv2.CC_STAT_AREA] * (f * f)
    # Loose bounds here; the exact full-resolution area decides below.
    keep = np.nonzero((areas >= 0.6 * min_px) & (areas <= 1.6 * max_px))[0] + 1
    comps: list[_Component] = []
    for i in keep:
        x, y = int(stats[i, cv2.CC_STAT_LEFT]), int(stats[i, cv2.CC_STAT_TOP])
        bw, bh = int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT])
        # One low-res pixel of margin takes back edge pixels the majority vote dropped.
        sx0, sy0 = max(x - 1, 0), max(y - 1, 0)
        sx1, sy1 = min(x + bw + 1, small.shape[1]), min(y + bh + 1, small.shape[0])
        own = (labels[sy0:sy1, sx0:sx1] == i).astype(np.uint8)
        own = cv.dilate(own, np.ones((3, 3), np.uint8))
        own_full = np.repeat(np.repeat(own, f, axis=0), f, axis=1)
        y0, x0 = sy0 * f, sx0 * f
        y1, x1 = min(sy1 * f, h), min(sx1 * f, w)
        # Bottom/right rows lost to the integer downsampling belong to the last low-res cell.
        if sy1 == small.shape[0]:
            y1 = h
        if sx1 == small.shape[1]:
            x1 = w
        own_full = _pad_to(own_full, y1 - y0, x1 - x0)
        inside = (mask[y0:y1, x0:x1] > 0) & (own_full > 0)
        rows = np.flatnonzero(inside.any(axis=1))
        cols = np.flatnonzero(inside.any(axis=0))
        if rows.size == 0:
            continue
        area = int(np.count_nonzero(inside))
        if not min_px <= area <= max_px:
            continue
        r0, r1, c0, c1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        comps.append(
            _Component(
                box=BoxPx(line0=y0 + r0, px0=x0 + c0, line1=y0 + r1, px1=x0 + c1),
                area_px=area,
                inside=inside[r0:r1, c0:c1],
            )
        )
    return comps


def _pad_to(a: NDArray[np.uint8], h: int, w: int) -> NDArray[np.uint8]:
    """Crop or edge-extend ``a`` to (h, w)."""
    a = a[:h, :w]
    if a.shape != (h, w):
        a = np.pad(a, ((0, h - a.shape[0]), (0, w - a.shape[1])), mode="edge")
    return a


def _rotated_extent_mm(
    inside: NDArray[np.bool_], line_pitch_mm: float, pixel_pitch_mm: float
) -> tuple[float, float]:
    """(long, short) side in mm of the smallest rotated rectangle around a region."""
    # The outer contour has far fewer points than the region: minAreaRect on
    # it is the same rectangle at a fraction of the cost.
    contours, _ = cv.findContours(
        inside.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    pts = np.concatenate(contours).reshape(-1, 2).astype(np.float32)
    # Scale pixel coordinates by their pitches first so non-square pixels do not
    # distort the aspect ratio.
    pts *= np.array([pixel_pitch_mm, line_pitch_mm], np.float32)
    (_, _), (w, h), _ = cv.minAreaRect(pts)
    # minAreaRect runs through pixel centres: add one pixel to get the outer size.
    return float(max(w, h)) + line_pitch_mm, float(min(w, h)) + pixel_pitch_mm


def _scaled(box: BoxPx, f: int, h: int, w: int) -> BoxPx:
    """A box found on an f-times downsampled image, in full-resolution pixels."""
    line1 = h if box.line1 * f >= h - f else box.line1 * f
    px1 = w if box.px1 * f >= w - f else box.px1 * f
    return BoxPx(line0=box.line0 * f, px0=box.px0 * f, line1=line1, px1=px1)


def _extent_mm(box: BoxPx, image: MaterialImage) -> tuple[float, float]:
    """(length along the belt, width across it) in mm."""
    return box.height * image.line_pitch_mm, box.width * image.pixel_pitch_mm


def _clip01(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def _validate(image: MaterialImage) -> None:
    shape = image.a_high.shape
    if image.a_high.ndim != 2 or image.a_high.size == 0:
        raise ValueError("MaterialImage.a_high must be a non-empty 2D array (lines, pixels)")
    for name, dtype in (("a_high", np.float32), ("zeff", np.float32), ("material_class", np.uint8)):
        arr = getattr(image, name)
        if arr.shape != shape:
            raise ValueError(f"MaterialImage.{name} has shape {arr.shape}, expected {shape}")
        if arr.dtype != dtype:
            raise ValueError(
                f"MaterialImage.{name} has dtype {arr.dtype}, expected {np.dtype(dtype).name}"
            )
    if image.line_pitch_mm <= 0 or image.pixel_pitch_mm <= 0:
        raise ValueError("MaterialImage pitches must be > 0 mm")
