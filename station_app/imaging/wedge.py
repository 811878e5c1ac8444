"""Step-wedge datasheet and measurement of a wedge scan.

The datasheet (``resources/calibration/step_wedge_<name>.json``) gives, per
reference material, a strip across the belt with thickness steps along it; all
positions are in mm from the target's leading edge (along) and left edge
(across). Measuring a scan is what a technician's software does with a real
wedge: find the target in the calibrated image by segmentation, map each step's
datasheet rectangle into pixels relative to the found edges, shrink it away from
the step boundaries and take robust medians of A_high and A_low inside.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app.imaging.datasheets import read_datasheet
from station_app.imaging.materials import (
    MIN_STEP_SNR,
    ReferencePoint,
    RejectedReference,
    zeff_of_formula,
)

# MAD → standard deviation for normally distributed values.
_MAD_TO_SIGMA = 1.4826


class WedgeError(ValueError):
    """The datasheet is malformed or the wedge cannot be found/measured in a scan."""


@dataclass(frozen=True)
class WedgeStep:
    material: str
    thickness_mm: float
    along_mm: tuple[float, float]  # [start, end) from the leading edge
    across_mm: tuple[float, float]  # [start, end) from the left edge


@dataclass(frozen=True)
class WedgeMaterial:
    name: str
    formula: str
    density_g_cm3: float
    zeff: float  # datasheet value when given, else power-law Zeff of the formula


@dataclass(frozen=True)
class WedgeSpec:
    name: str
    version: int
    size_along_mm: float
    size_across_mm: float
    materials: tuple[WedgeMaterial, ...]
    steps: tuple[WedgeStep, ...]

    def material(self, name: str) -> WedgeMaterial:
        for m in self.materials:
            if m.name == name:
                return m
        raise KeyError(name)


def _range(value: Any, what: str) -> tuple[float, float]:
    if not isinstance(value, Sequence) or len(value) != 2:
        raise WedgeError(f"{what}: expected [start, end] in mm, got {value!r}")
    start, end = float(value[0]), float(value[1])
    if not end > start:
        raise WedgeError(f"{what}: end {end} must be greater than start {start}")
    return start, end


def parse_wedge_spec(data: Mapping[str, Any]) -> WedgeSpec:
    """Typed datasheet from its JSON object; ``WedgeError`` names what is wrong."""
    try:
        size = data["size_mm"]
        size_along, size_across = float(size["along"]), float(size["across"])
        materials: list[WedgeMaterial] = []
        steps: list[WedgeStep] = []
        for i, strip in enumerate(data["strips"]):
            name = str(strip["material"])
            formula = str(strip["formula"])
            try:
                zeff = float(strip["zeff"]) if "zeff" in strip else zeff_of_formula(formula)
            except ValueError as exc:
                raise WedgeError(f"strip {i} ({name}): {exc}") from exc
            materials.append(WedgeMaterial(name, formula, float(strip["density_g_cm3"]), zeff))
            across = _range(strip["across_mm"], f"strip {i} ({name}) across_mm")
            if across[1] > size_across + 1e-6:
                raise WedgeError(
                    f"strip {i} ({name}) across_mm {across} lies outside the target width "
                    f"{size_across} mm"
                )
            for j, step in enumerate(strip["steps"]):
                along = _range(step["along_mm"], f"strip {i} ({name}) step {j} along_mm")
                thickness = float(step["thickness_mm"])
                if thickness <= 0 or along[1] > size_along + 1e-6:
                    raise WedgeError(
                        f"strip {i} ({name}) step {j}: thickness {thickness} mm or along "
                        f"{along} mm outside the target (length {size_along} mm)"
                    )
                steps.append(WedgeStep(name, thickness, along, across))
        spec = WedgeSpec(
            name=str(data["name"]),
            version=int(data.get("version", 1)),
            size_along_mm=size_along,
            size_across_mm=size_across,
            materials=tuple(materials),
            steps=tuple(steps),
        )
    except (KeyError, TypeError) as exc:
        raise WedgeError(f"wedge datasheet: missing or malformed field {exc}") from exc
    if len({m.name for m in spec.materials}) < 2:
        raise WedgeError("wedge datasheet: needs at least two reference materials")
    return spec


def load_wedge_spec(name_or_path: str | Path) -> WedgeSpec:
    """Datasheet by name (``"standard"`` → bundled ``step_wedge_standard.json``) or path."""
    data = read_datasheet(
        name_or_path,
        folder="calibration",
        file_name="step_wedge_{name}.json",
        what="wedge datasheet",
        error=WedgeError,
    )
    return parse_wedge_spec(data)


@dataclass(frozen=True)
class TargetBox:
    """Where the target lies in the image, in pixel edges (half-open)."""

    line0: int
    px0: int
    line1: int
    px1: int


def locate_target(
    a_high: NDArray[np.float32],
    spec: WedgeSpec,
    *,
    line_pitch_mm: float,
    pixel_pitch_mm: float,
    threshold: float = 0.03,
    size_tolerance: float = 0.08,
) -> TargetBox:
    """Find the wedge by segmentation: lines and columns mostly covered by material.

    The target's own size (datasheet) tells how wide a covered line must be; the
    measured extent must match the datasheet within ``size_tolerance`` (relative).
    """
    # A median (not a mean) filter: removes noise speckle without moving the edges.
    smooth = cv2.medianBlur(np.ascontiguousarray(a_high, dtype=np.float32), 5)
    mask = smooth > threshold
    expected_w_px = spec.size_across_mm / pixel_pitch_mm
    expected_l_lines = spec.size_along_mm / line_pitch_mm
    # A wedge line is covered over most of its width (strips with air gaps between).
    row_cover = mask.sum(axis=1)
    rows = _longest_run(row_cover >= 0.3 * expected_w_px)
    if rows is None:
        raise WedgeError("step wedge not found in the scan: no line is covered by material")
    line0, line1 = rows
    col_cover = mask[line0:line1].mean(axis=0)
    cols = np.flatnonzero(col_cover >= 0.5)
    if cols.size == 0:
        raise WedgeError("step wedge not found in the scan: no column is covered by material")
    px0, px1 = int(cols[0]), int(cols[-1]) + 1
    for what, got, want in (
        ("length along the belt", line1 - line0, expected_l_lines),
        ("width across the belt", px1 - px0, expected_w_px),
    ):
        if abs(got - want) > size_tolerance * want:
            raise WedgeError(
                f"step wedge {what} measures {got} px, datasheet says {want:.0f} px "
                f"(± {size_tolerance:.0%}): wrong target, skewed on the belt, or cut off"
            )
    return TargetBox(line0, px0, line1, px1)


def _longest_run(flags: NDArray[np.bool_]) -> tuple[int, int] | None:
    padded = np.concatenate(([False], flags, [False])).view(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    if edges.size == 0:
        return None
    starts, ends = edges[0::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


@dataclass(frozen=True)
class RejectedStep:
    step: WedgeStep
    reason: str


@dataclass(frozen=True)
class WedgeMeasurement:
    box: TargetBox
    points: tuple[ReferencePoint, ...]
    rejected: tuple[RejectedStep, ...]

    @property
    def rejected_references(self) -> tuple[RejectedReference, ...]:
        """The rejected steps as ``MaterialModel.fit(rejected=…)`` takes them."""
        return tuple(
            RejectedReference(r.step.material, r.step.thickness_mm, r.reason)
            for r in self.rejected
        )


def measure_steps(
    a_high: NDArray[np.float32],
    a_low: NDArray[np.float32],
    spec: WedgeSpec,
    *,
    line_pitch_mm: float,
    pixel_pitch_mm: float,
    a_high_limit: float,
    a_low_limit: float,
    margin_mm: float = 5.0,
    min_pixels: int = 50,
    min_snr: float = MIN_STEP_SNR,
) -> WedgeMeasurement:
    """Reference points from a calibrated wedge scan (A arrays float32, lines × pixels).

    Steps are rejected with a reason, not measured, when their median A_high or
    A_low reaches the given limits (signal in the noise floor), when their pixels'
    signal-to-noise ratio in either channel is below ``min_snr`` (σ of ln counts >
    1/min_snr: the thick-metal steps, whose low-energy signal is within a few σ of
    nothing), or when they are too thin to matter.
    """
    if a_high.shape != a_low.shape or a_high.ndim != 2:
        raise ValueError(f"a_high {a_high.shape} and a_low {a_low.shape} must be equal 2-D")
    box = locate_target(a_high, spec, line_pitch_mm=line_pitch_mm, pixel_pitch_mm=pixel_pitch_mm)
    # Map datasheet mm onto the found box proportionally: a belt running slightly fast
    # or slow stretches the image along, and this absorbs it.
    lines_per_mm = (box.line1 - box.line0) / spec.size_along_mm
    px_per_mm = (box.px1 - box.px0) / spec.size_across_mm
    points: list[ReferencePoint] = []
    rejected: list[RejectedStep] = []
    for step in spec.steps:
        l0 = int(np.ceil(box.line0 + (step.along_mm[0] + margin_mm) * lines_per_mm))
        l1 = int(np.floor(box.line0 + (step.along_mm[1] - margin_mm) * lines_per_mm))
        p0 = int(np.ceil(box.px0 + (step.across_mm[0] + margin_mm) * px_per_mm))
        p1 = int(np.floor(box.px0 + (step.across_mm[1] - margin_mm) * px_per_mm))
        if l1 - l0 < 2 or p1 - p0 < 2 or (l1 - l0) * (p1 - p0) < min_pixels:
            rejected.append(RejectedStep(step, f"region too small ({l1 - l0}×{p1 - p0} px)"))
            continue
        hi = a_high[l0:l1, p0:p1]
        lo = a_low[l0:l1, p0:p1]
        med_hi, sig_hi = _robust(hi)
        med_lo, sig_lo = _robust(lo)
        if med_hi >= a_high_limit or med_lo >= a_low_limit:
            rejected.append(RejectedStep(
                step, f"too thick: A_high {med_hi:.2f} (limit {a_high_limit:.2f}), "
                      f"A_low {med_lo:.2f} (limit {a_low_limit:.2f})"))
            continue
        noisiest = max(sig_hi, sig_lo)
        if noisiest * min_snr > 1.0:
            channel = "low" if sig_lo >= sig_hi else "high"
            rejected.append(RejectedStep(
                step, f"at the noise floor: {channel}-energy per-pixel SNR "
                      f"{1.0 / noisiest:.1f} < {min_snr:g}"))
            continue
        if med_hi < 0.02:
            rejected.append(RejectedStep(step, f"too thin: A_high {med_hi:.3f}"))
            continue
        points.append(ReferencePoint(
            material=step.material,
            thickness_mm=step.thickness_mm,
            zeff=spec.material(step.material).zeff,
            a_high=med_hi,
            a_low=med_lo,
            a_high_sigma=sig_hi,
            a_low_sigma=sig_lo,
            pixels=int(hi.size),
        ))
    return WedgeMeasurement(box=box, points=tuple(points), rejected=tuple(rejected))


def _robust(values: NDArray[np.float32]) -> tuple[float, float]:
    med = float(np.median(values))
    mad = float(np.median(np.abs(values - med)))
    return med, _MAD_TO_SIGMA * mad
