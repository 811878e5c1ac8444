"""Calibration and test targets the simulated scanner can put on its belt.

Targets are described in mm and rasterised onto the detector grid with exact
partial-pixel coverage, so a step edge or a sub-pixel wire carries the right
amount of material. The step wedge and the image-quality test piece are built
from their datasheets (``resources/calibration/step_wedge_standard.json``,
``resources/iq/astm_f792_style.json``) — the files the station reads — so the
two can never disagree.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from drivers.simulator.catalog import material
from drivers.simulator.model import ItemModel, Layer, ParcelPlan, PlacedItem, Placement

Float32Array = NDArray[np.float32]
FloatArray = NDArray[np.float64]

STEP_WEDGE_RESOURCE = "calibration/step_wedge_standard.json"
IQ_TEST_PIECE_RESOURCE = "iq/astm_f792_style.json"
TARGET_NAMES = ("empty", "dark", "step_wedge", "iq_test_piece")
EMPTY_TARGET_LENGTH_MM = 400.0

# Copper wire diameters (mm) of American Wire Gauge sizes used by ASTM F792-style pieces.
AWG_DIAMETER_MM: Mapping[int, float] = {
    24: 0.511, 26: 0.405, 28: 0.321, 30: 0.255, 32: 0.202,
    34: 0.160, 36: 0.127, 38: 0.101, 40: 0.0799,
}


@dataclass(frozen=True)
class Grid:
    """The detector grid a target is drawn on."""

    pixels: int
    pitch_mm: float = 1.0
    line_pitch_mm: float = 1.0


@dataclass(frozen=True)
class WedgeStep:
    thickness_mm: float
    along_start_mm: float
    along_end_mm: float


@dataclass(frozen=True)
class WedgeStrip:
    material: str
    formula: str
    density_g_cm3: float
    across_start_mm: float
    across_end_mm: float
    steps: tuple[WedgeStep, ...]


@dataclass(frozen=True)
class StepWedgeSpec:
    """A step wedge's datasheet: strips of reference materials, each with steps."""

    name: str
    length_mm: float  # along the belt
    width_mm: float  # across the belt
    strips: tuple[WedgeStrip, ...]


@dataclass(frozen=True)
class IqFeature:
    """One feature of the image-quality test piece; box in mm (along0, across0, along1, across1)."""

    name: str
    material: str
    size_mm: float  # wire diameter, or thickness along the beam of a box (bars included)
    box_mm: tuple[float, float, float, float]
    kind: str = "box"  # "box" or "wire"
    runs: str = ""  # a wire's long axis: "across" or "along" the belt


@dataclass(frozen=True)
class CalibrationTarget:
    """What a scanner scans when a target is loaded; 'dark' is scanned with the tube off."""

    name: str
    plan: ParcelPlan
    xray_on: bool = True


def step_wedge_spec_path() -> Any:
    """Traversable of the wedge datasheet inside the ``resources`` package."""
    return resources.files("resources").joinpath(STEP_WEDGE_RESOURCE)


def load_step_wedge_spec(text: str | None = None) -> StepWedgeSpec:
    """Parse the wedge datasheet (the packaged one unless ``text`` is given)."""
    raw = json.loads(text if text is not None else step_wedge_spec_path().read_text("utf-8"))
    try:
        strips = tuple(
            WedgeStrip(
                material=str(s["material"]),
                formula=str(s["formula"]),
                density_g_cm3=float(s["density_g_cm3"]),
                across_start_mm=float(s["across_mm"][0]),
                across_end_mm=float(s["across_mm"][1]),
                steps=tuple(
                    WedgeStep(float(st["thickness_mm"]), float(st["along_mm"][0]),
                              float(st["along_mm"][1]))
                    for st in s["steps"]
                ),
            )
            for s in raw["strips"]
        )
        return StepWedgeSpec(
            name=str(raw["name"]),
            length_mm=float(raw["size_mm"]["along"]),
            width_mm=float(raw["size_mm"]["across"]),
            strips=strips,
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed step wedge datasheet: {exc!r}") from exc


def build_target(name: str, grid: Grid) -> CalibrationTarget:
    """The target called ``name`` (one of ``TARGET_NAMES``), centred across the belt."""
    if name in ("empty", "dark"):
        plan = empty_plan(round(EMPTY_TARGET_LENGTH_MM / grid.line_pitch_mm), grid)
        return CalibrationTarget(name, plan, xray_on=name == "empty")
    if name == "step_wedge":
        return CalibrationTarget(name, step_wedge_plan(load_step_wedge_spec(), grid))
    if name == "iq_test_piece":
        return CalibrationTarget(name, iq_test_piece_plan(grid))
    raise ValueError(f"unknown calibration target {name!r}; known: {', '.join(TARGET_NAMES)}")


def empty_plan(length_lines: int, grid: Grid) -> ParcelPlan:
    """Nothing on the belt for ``length_lines`` lines."""
    return ParcelPlan(length_lines, grid.pixels, 0, (), (), "calibration", "")


def step_wedge_plan(spec: StepWedgeSpec, grid: Grid) -> ParcelPlan:
    """The physical wedge described by ``spec``."""
    drawing = _Drawing(spec.length_mm, spec.width_mm, grid)
    for strip in spec.strips:
        for step in strip.steps:
            drawing.box(strip.material, step.thickness_mm, step.along_start_mm,
                        step.along_end_mm, strip.across_start_mm, strip.across_end_mm)
    return drawing.plan(spec.name)


def slab_plan(
    material_name: str,
    thickness_mm: float,
    grid: Grid,
    *,
    length_mm: float = 200.0,
    width_mm: float = 200.0,
    margin_mm: float = 0.0,
) -> ParcelPlan:
    """A uniform slab of a catalog material, centred across the belt."""
    material(material_name)  # fail early with the catalog's message
    drawing = _Drawing(length_mm + 2 * margin_mm, width_mm, grid)
    drawing.box(material_name, thickness_mm, margin_mm, margin_mm + length_mm, 0.0, width_mm)
    return drawing.plan(f"slab_{material_name}")


def iq_test_piece_features(text: str | None = None) -> tuple[IqFeature, ...]:
    """Shapes of the ASTM F792-style test piece, from its datasheet
    (``resources/iq/astm_f792_style.json``, the file the station scores against);
    a bar group becomes one box per bar."""
    raw = json.loads(
        text if text is not None
        else resources.files("resources").joinpath(IQ_TEST_PIECE_RESOURCE).read_text("utf-8")
    )
    features: list[IqFeature] = []
    try:
        for shape in raw["shapes"]:
            name, kind, mat = str(shape["name"]), str(shape["kind"]), str(shape["material"])
            along0, across0, along1, across1 = (float(v) for v in shape["box_mm"])
            if kind == "box":
                features.append(IqFeature(name, mat, float(shape["thickness_mm"]),
                                          (along0, across0, along1, across1)))
            elif kind == "wire":
                features.append(IqFeature(name, mat, float(shape["diameter_mm"]),
                                          (along0, across0, along1, across1), "wire",
                                          str(shape["runs"])))
            elif kind == "bars":
                bar_mm = float(shape["bar_mm"])
                thickness = float(shape["thickness_mm"])
                for i in range(int(shape["count"])):
                    start = 2 * i * bar_mm
                    if shape["runs"] == "across":  # bars lie across the belt, repeat along it
                        bar_box = (along0 + start, across0, along0 + start + bar_mm, across1)
                    else:
                        bar_box = (along0, across0 + start, along1, across0 + start + bar_mm)
                    features.append(IqFeature(f"{name}_{i}", mat, thickness, bar_box))
            else:
                raise ValueError(f"shape {name}: unknown kind {kind!r}")
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed image-quality test piece datasheet: {exc!r}") from exc
    return tuple(features)


def iq_test_piece_size_mm(text: str | None = None) -> tuple[float, float]:
    """(along, across) size of the test piece in mm."""
    raw = json.loads(
        text if text is not None
        else resources.files("resources").joinpath(IQ_TEST_PIECE_RESOURCE).read_text("utf-8")
    )
    return float(raw["size_mm"]["along"]), float(raw["size_mm"]["across"])


def iq_test_piece_plan(grid: Grid) -> ParcelPlan:
    """An image-quality test piece in the style of ASTM F792 (see its datasheet)."""
    drawing = _Drawing(*iq_test_piece_size_mm(), grid)
    for f in iq_test_piece_features():
        if f.kind == "wire":
            drawing.wire(f.material, f.size_mm, f.box_mm, along_belt=f.runs == "along")
        else:
            along0, across0, along1, across1 = f.box_mm
            drawing.box(f.material, f.size_mm, along0, along1, across0, across1)
    return drawing.plan("iq_test_piece")


class _Drawing:
    """Per-material thickness maps of a target, rasterised with partial coverage."""

    def __init__(self, length_mm: float, width_mm: float, grid: Grid) -> None:
        self.grid = grid
        self.lines = max(1, math.ceil(length_mm / grid.line_pitch_mm))
        self.width_px = max(1, math.ceil(width_mm / grid.pitch_mm))
        self._line_centres_mm = _centres_mm(self.lines, grid.line_pitch_mm)
        self._px_centres_mm = _centres_mm(self.width_px, grid.pitch_mm)
        self._maps: dict[str, Float32Array] = {}

    def _map(self, material_name: str) -> Float32Array:
        if material_name not in self._maps:
            self._maps[material_name] = np.zeros((self.lines, self.width_px), np.float32)
        return self._maps[material_name]

    def box(self, material_name: str, thickness_mm: float, along0: float, along1: float,
            across0: float, across1: float) -> None:
        cover_lines = _coverage(self._line_centres_mm, self.grid.line_pitch_mm, along0, along1)
        cover_px = _coverage(self._px_centres_mm, self.grid.pitch_mm, across0, across1)
        self._map(material_name)[...] += (
            thickness_mm * np.outer(cover_lines, cover_px)
        ).astype(np.float32)

    def wire(self, material_name: str, diameter_mm: float,
             box_mm: tuple[float, float, float, float], *, along_belt: bool) -> None:
        """A round wire; its mean thickness per pixel is the circle's area over the pixel."""
        along0, across0, along1, across1 = box_mm
        if along_belt:
            profile = _wire_profile(self._px_centres_mm, self.grid.pitch_mm,
                                    (across0 + across1) / 2, diameter_mm / 2)
            extent = _coverage(self._line_centres_mm, self.grid.line_pitch_mm, along0, along1)
            self._map(material_name)[...] += np.outer(extent, profile).astype(np.float32)
        else:
            profile = _wire_profile(self._line_centres_mm, self.grid.line_pitch_mm,
                                    (along0 + along1) / 2, diameter_mm / 2)
            extent = _coverage(self._px_centres_mm, self.grid.pitch_mm, across0, across1)
            self._map(material_name)[...] += np.outer(profile, extent).astype(np.float32)

    def plan(self, name: str) -> ParcelPlan:
        layers = tuple(Layer(m, t) for m, t in self._maps.items())
        if not layers:
            return empty_plan(self.lines, self.grid)
        item = ItemModel(class_name=name, layers=layers, is_threat_class=False)
        offset_px = max(0, (self.grid.pixels - self.width_px) // 2)
        placed = PlacedItem(item, Placement((self.lines - 1) / 2, (self.width_px - 1) / 2))
        # A target is the container itself: it has no contents and no ground truth.
        return ParcelPlan(self.lines, self.width_px, offset_px, (placed,), (), "calibration", "")


def _centres_mm(count: int, pitch_mm: float) -> FloatArray:
    return np.asarray((np.arange(count) + 0.5) * pitch_mm, dtype=np.float64)


def _coverage(centres_mm: FloatArray, pitch_mm: float, lo_mm: float, hi_mm: float) -> FloatArray:
    """Fraction of each pixel (centre, pitch) that lies inside [lo, hi)."""
    overlap = np.minimum(centres_mm + pitch_mm / 2, hi_mm) - np.maximum(
        centres_mm - pitch_mm / 2, lo_mm
    )
    result: FloatArray = np.clip(overlap, 0.0, pitch_mm) / pitch_mm
    return result


def _wire_profile(centres_mm: FloatArray, pitch_mm: float, axis_mm: float,
                  radius_mm: float) -> FloatArray:
    """Mean chord length of a circle over each pixel: exact segment areas / pitch."""

    def area_below(y: FloatArray) -> FloatArray:
        y = np.clip(y - axis_mm, -radius_mm, radius_mm)
        root = np.sqrt(np.maximum(radius_mm**2 - y**2, 0.0))
        result: FloatArray = y * root + radius_mm**2 * np.arcsin(y / radius_mm)
        return result

    profile: FloatArray = (
        area_below(centres_mm + pitch_mm / 2) - area_below(centres_mm - pitch_mm / 2)
    ) / pitch_mm
    return profile

