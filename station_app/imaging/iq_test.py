"""Image-quality test in the style of ASTM F792, scored automatically from a scan.

The test piece's datasheet (``resources/iq/astm_f792_style.json``, the file the
simulator draws it from) gives every shape in mm and, per sub-test, which shapes
it reads and what it must reach. Scoring is what a technician's eye does on the
printed test sheet, made objective:

* The piece is found by segmentation (a PMMA carrier covers it whole) and the
  datasheet's mm are mapped onto the found box proportionally, as for the step
  wedge (``imaging.wedge``).
* **Visible** means a contrast-to-noise ratio (CNR) of at least ``min_cnr`` over
  a patch of the size the eye integrates (``segment_mm`` of a wire, a
  ``window_mm`` square of an area): contrast is the feature's mean attenuation
  minus the background's beside it, noise the background's per-pixel spread
  (1.4826·MAD: anything from quantum noise to uncorrected gain stripes), scaled
  to the patch. 3 is about where a feature is just perceptible (Rose).
* **Resolved** (bar groups) means the bar frequency's amplitude in the profile
  across the bars is at least ``min_modulation`` of what a perfect system would
  show (the square wave's fundamental of the solid reference pad's contrast).
* **Classified** means at least ``min_fraction`` of a material square's pixels
  get the expected colour class.

Each test scores one number (thinnest wire gauge, thickest steel penetrated,
finest bars resolved …) against its required value; the run passes when every
test does. Attenuations beyond the impenetrable limit carry no information and
never count as visible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
from numpy.typing import NDArray

from station_app import core_texts as texts
from station_app.domain import MaterialClass, MaterialImage
from station_app.imaging.datasheets import read_datasheet

# MAD → standard deviation for normally distributed values.
_MAD_TO_SIGMA = 1.4826
# Attenuation above air that marks the piece in the segmentation (its carrier reads ~0.1).
_LOCATE_THRESHOLD = 0.03
_LOCATE_SIZE_TOLERANCE = 0.08
# Wire profile: lines within this many pixels of the axis are the wire, those between
# the two bounds beside it the background (a blurred sub-pixel wire spreads ±1 px).
_WIRE_CORE_PX = 1
_WIRE_BACKGROUND_PX = (3, 7)
# Background windows beside an area feature: from this far to this far off its edge.
_SIDE_WINDOW_MM = (4.0, 16.0)
# Margin kept away from a feature's edges so the blur at edges does not dilute it.
_EDGE_MARGIN_MM = 2.0

TestName = Literal[
    "wire_display",
    "useful_penetration",
    "spatial_resolution",
    "thin_organic",
    "simple_penetration",
    "material_differentiation",
]
TEST_TITLES: Mapping[str, str] = {
    "wire_display": texts.IQ_WIRE_DISPLAY.render(),
    "useful_penetration": texts.IQ_USEFUL_PENETRATION.render(),
    "spatial_resolution": texts.IQ_SPATIAL_RESOLUTION.render(),
    "thin_organic": texts.IQ_THIN_ORGANIC.render(),
    "simple_penetration": texts.IQ_SIMPLE_PENETRATION.render(),
    "material_differentiation": texts.IQ_MATERIAL_DIFFERENTIATION.render(),
}
_CLASS_NAMES: Mapping[str, MaterialClass] = {
    "organic": MaterialClass.ORGANIC,
    "inorganic": MaterialClass.INORGANIC,
    "metal": MaterialClass.METAL,
}


class IqTestError(ValueError):
    """The datasheet is malformed, or the test piece cannot be found in the scan."""


# ----------------------------------------------------------------- datasheet


@dataclass(frozen=True)
class IqShape:
    """One shape of the piece; ``box_mm`` = (along0, across0, along1, across1)."""

    name: str
    kind: Literal["box", "wire", "bars"]
    material: str
    box_mm: tuple[float, float, float, float]
    thickness_mm: float = 0.0  # box and bars: along the beam
    diameter_mm: float = 0.0  # wire
    runs: Literal["across", "along", ""] = ""  # long axis of a wire or of the bars
    bar_mm: float = 0.0  # bars: bar width = gap width
    count: int = 0  # bars


@dataclass(frozen=True)
class IqPieceSpec:
    """The test piece's datasheet: shapes by name and each test's criteria (raw JSON)."""

    name: str
    version: int
    size_along_mm: float
    size_across_mm: float
    shapes: Mapping[str, IqShape]
    criteria: Mapping[str, Mapping[str, Any]]

    def shape(self, name: str) -> IqShape:
        try:
            return self.shapes[name]
        except KeyError:
            raise IqTestError(f"test piece {self.name}: no shape named {name!r}") from None


def _parse_shape(raw: Mapping[str, Any]) -> IqShape:
    kind = str(raw["kind"])
    if kind not in ("box", "wire", "bars"):
        raise IqTestError(f"shape {raw.get('name')!r}: unknown kind {kind!r}")
    box = tuple(float(v) for v in raw["box_mm"])
    if len(box) != 4 or not (box[2] > box[0] and box[3] > box[1]):
        raise IqTestError(
            f"shape {raw.get('name')!r}: box_mm must be [along0, across0, along1, across1] "
            "with the ends after the starts"
        )
    runs = str(raw.get("runs", ""))
    if kind != "box" and runs not in ("across", "along"):
        raise IqTestError(f"shape {raw.get('name')!r}: runs must be 'across' or 'along'")
    return IqShape(
        name=str(raw["name"]),
        kind=kind,  # type: ignore[arg-type]
        material=str(raw["material"]),
        box_mm=(box[0], box[1], box[2], box[3]),
        thickness_mm=float(raw.get("thickness_mm", 0.0)),
        diameter_mm=float(raw.get("diameter_mm", 0.0)),
        runs=runs,  # type: ignore[arg-type]
        bar_mm=float(raw.get("bar_mm", 0.0)),
        count=int(raw.get("count", 0)),
    )


def parse_iq_piece(data: Mapping[str, Any]) -> IqPieceSpec:
    """Typed datasheet from its JSON object; ``IqTestError`` names what is wrong."""
    try:
        shapes = {s.name: s for s in (_parse_shape(raw) for raw in data["shapes"])}
        spec = IqPieceSpec(
            name=str(data["name"]),
            version=int(data.get("version", 1)),
            size_along_mm=float(data["size_mm"]["along"]),
            size_across_mm=float(data["size_mm"]["across"]),
            shapes=shapes,
            criteria={str(k): dict(v) for k, v in data["tests"].items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, IqTestError):
            raise
        raise IqTestError(f"test piece datasheet: missing or malformed field {exc}") from exc
    unknown = sorted(set(spec.criteria) - set(TEST_TITLES))
    if unknown:
        raise IqTestError(f"test piece datasheet: unknown tests {unknown}")
    for shape in shapes.values():
        a0, c0, a1, c1 = shape.box_mm
        if a0 < 0 or c0 < 0 or a1 > spec.size_along_mm + 1e-6 or c1 > spec.size_across_mm + 1e-6:
            raise IqTestError(f"shape {shape.name} lies outside the piece")
    return spec


def load_iq_piece(name_or_path: str | Path = "astm_f792_style") -> IqPieceSpec:
    """Datasheet by name (bundled ``resources/iq/<name>.json``) or path to a JSON file."""
    data = read_datasheet(
        name_or_path,
        folder="iq",
        file_name="{name}.json",
        what="test piece datasheet",
        error=IqTestError,
    )
    return parse_iq_piece(data)


# ------------------------------------------------------------------- results


@dataclass(frozen=True)
class Measurement:
    """One element of a test (a wire, a step, a bar group) and what it measured."""

    label: str  # "AWG 30 across", "steel 8 mm", "bars 2 mm along"
    value: float
    unit: str  # "CNR", "modulation", "fraction"
    ok: bool


@dataclass(frozen=True)
class IqTestResult:
    """One sub-test: the level reached against the level required.

    ``achieved`` is None when not even the easiest element passed.
    ``higher_is_better``: wire gauge, penetration and classified count grow with
    quality; bar width and organic thickness shrink.
    """

    test: str
    achieved: float | None
    required: float
    unit: str  # "AWG", "mm steel", "mm", "regions"
    higher_is_better: bool
    measurements: tuple[Measurement, ...]
    note: str = ""

    @property
    def title(self) -> str:
        return TEST_TITLES.get(self.test, self.test)

    @property
    def passed(self) -> bool:
        if self.achieved is None:
            return False
        if self.higher_is_better:
            return self.achieved >= self.required - 1e-9
        return self.achieved <= self.required + 1e-9

    def summary(self) -> str:
        relation = "≥" if self.higher_is_better else "≤"
        required = f"{self.required:g}"
        if self.achieved is None:
            text = texts.IQ_RESULT_NONE.render(unit=self.unit, relation=relation,
                                               required=required)
        else:
            text = texts.IQ_RESULT.render(achieved=f"{self.achieved:g}", unit=self.unit,
                                          relation=relation, required=required)
        return texts.IQ_RESULT_NOTE.render(result=text, note=self.note) if self.note else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "achieved": self.achieved,
            "required": self.required,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
            "passed": self.passed,
            "note": self.note,
            "measurements": [
                {"label": m.label, "value": m.value, "unit": m.unit, "ok": m.ok}
                for m in self.measurements
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IqTestResult:
        achieved = data.get("achieved")
        return cls(
            test=str(data["test"]),
            achieved=None if achieved is None else float(achieved),
            required=float(data["required"]),
            unit=str(data["unit"]),
            higher_is_better=bool(data["higher_is_better"]),
            measurements=tuple(
                Measurement(str(m["label"]), float(m["value"]), str(m["unit"]), bool(m["ok"]))
                for m in data.get("measurements", ())
            ),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class IqReport:
    """A scored scan of the test piece."""

    piece: str
    piece_version: int
    scanner_serial: str
    created_at: datetime
    results: tuple[IqTestResult, ...]
    detector_calibration_id: str = ""  # CalibrationSet.calibration_id the scan was processed with
    piece_box_px: tuple[int, int, int, int] = (0, 0, 0, 0)  # line0, px0, line1, px1

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)

    def failed_tests(self) -> tuple[str, ...]:
        return tuple(r.test for r in self.results if not r.passed)

    def result(self, test: str) -> IqTestResult:
        for r in self.results:
            if r.test == test:
                return r
        raise KeyError(test)

    def table(self) -> str:
        """The per-test table the CLI prints."""
        lines = [f"{'test':<36}{'result':<8}achieved"]
        for r in self.results:
            lines.append(f"{r.title:<36}{'PASS' if r.passed else 'FAIL':<8}{r.summary()}")
        lines.append(f"{'overall':<36}{'PASS' if self.passed else 'FAIL':<8}")
        return "\n".join(lines)


# ------------------------------------------------------------------- geometry


@dataclass(frozen=True)
class _Frame:
    """Where the piece lies in the image, and mm → pixel mapping."""

    line0: int
    px0: int
    line1: int
    px1: int
    lines_per_mm: float
    px_per_mm: float

    def line(self, along_mm: float) -> float:
        return self.line0 + along_mm * self.lines_per_mm

    def px(self, across_mm: float) -> float:
        return self.px0 + across_mm * self.px_per_mm

    def rows(self, along0: float, along1: float, margin_mm: float = 0.0) -> slice:
        return slice(
            math.ceil(self.line(along0 + margin_mm)),
            math.floor(self.line(along1 - margin_mm)),
        )

    def cols(self, across0: float, across1: float, margin_mm: float = 0.0) -> slice:
        return slice(
            math.ceil(self.px(across0 + margin_mm)),
            math.floor(self.px(across1 - margin_mm)),
        )


def _longest_run(flags: NDArray[np.bool_]) -> tuple[int, int] | None:
    padded = np.concatenate(([False], flags, [False])).view(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    if edges.size == 0:
        return None
    starts, ends = edges[0::2], edges[1::2]
    k = int(np.argmax(ends - starts))
    return int(starts[k]), int(ends[k])


def locate_piece(
    a_high: NDArray[np.float32], spec: IqPieceSpec, *, line_pitch_mm: float, pixel_pitch_mm: float
) -> _Frame:
    """Find the piece's carrier by segmentation; its size must match the datasheet."""
    smooth = cv2.medianBlur(np.ascontiguousarray(a_high, dtype=np.float32), 5)
    mask = smooth > _LOCATE_THRESHOLD
    want_lines = spec.size_along_mm / line_pitch_mm
    want_px = spec.size_across_mm / pixel_pitch_mm
    rows = _longest_run(mask.sum(axis=1) >= 0.5 * want_px)
    if rows is None:
        raise IqTestError("test piece not found in the scan: no line is covered by material")
    cols = np.flatnonzero(mask[rows[0]:rows[1]].mean(axis=0) >= 0.5)
    if cols.size == 0:
        raise IqTestError("test piece not found in the scan: no column is covered by material")
    line0, line1 = rows
    px0, px1 = int(cols[0]), int(cols[-1]) + 1
    for what, got, want in (
        ("length along the belt", line1 - line0, want_lines),
        ("width across the belt", px1 - px0, want_px),
    ):
        if abs(got - want) > _LOCATE_SIZE_TOLERANCE * want:
            raise IqTestError(
                f"test piece {what} measures {got} px, datasheet says {want:.0f} px "
                f"(± {_LOCATE_SIZE_TOLERANCE:.0%}): wrong target, skewed on the belt, or cut off"
            )
    return _Frame(
        line0, px0, line1, px1,
        lines_per_mm=(line1 - line0) / spec.size_along_mm,
        px_per_mm=(px1 - px0) / spec.size_across_mm,
    )


# --------------------------------------------------------------- measurements


def _robust_sigma(values: NDArray[np.float32]) -> float:
    med = float(np.median(values))
    return _MAD_TO_SIGMA * float(np.median(np.abs(values - med)))


def wire_cnr(
    image: NDArray[np.float32],
    frame: _Frame,
    wire: IqShape,
    *,
    segment_mm: float,
    a_limit: float,
    along_mm: tuple[float, float] | None = None,
) -> float:
    """Median CNR of a wire over segments of ``segment_mm`` (optionally only within
    ``along_mm`` of a wire that runs along the belt: the part behind one step)."""
    a0, c0, a1, c1 = wire.box_mm
    if wire.runs == "across":
        centre = frame.line((a0 + a1) / 2)
        extent = frame.cols(c0, c1, _EDGE_MARGIN_MM)
        # rows = positions across the wire axis, columns = along the axis
        view = image
        seg_px = segment_mm * frame.px_per_mm
    else:
        centre = frame.px((c0 + c1) / 2)
        lo, hi = along_mm if along_mm is not None else (a0, a1)
        extent = frame.rows(lo, hi, _EDGE_MARGIN_MM)
        view = image.T
        seg_px = segment_mm * frame.lines_per_mm
    # Image index i covers [i, i+1) in pixel-edge coordinates: its centre is i + 0.5.
    axis = math.floor(centre)
    reach = _WIRE_BACKGROUND_PX[1]
    if axis - reach < 0 or axis + reach + 1 > view.shape[0]:
        raise IqTestError(f"wire {wire.name} lies at the edge of the image")
    window = view[axis - reach:axis + reach + 1, extent]
    offsets = np.abs(np.arange(-reach, reach + 1))
    core = window[offsets <= _WIRE_CORE_PX]
    background = window[(offsets >= _WIRE_BACKGROUND_PX[0]) & (offsets <= _WIRE_BACKGROUND_PX[1])]
    if float(np.median(background)) >= a_limit:
        return 0.0  # behind too much material: nothing left to see
    sigma = max(_robust_sigma(background), 1e-6)
    n_seg = max(1, round(seg_px))
    segments = window.shape[1] // n_seg
    if segments < 1:
        raise IqTestError(f"wire {wire.name} is shorter than one {segment_mm:g} mm segment")
    cnrs = []
    scale = sigma * math.sqrt(1.0 / (core.shape[0] * n_seg) + 1.0 / (background.shape[0] * n_seg))
    for k in range(segments):
        cols = slice(k * n_seg, (k + 1) * n_seg)
        contrast = float(core[:, cols].mean() - background[:, cols].mean())
        cnrs.append(contrast / scale)
    return float(np.median(cnrs))


def _side_windows(frame: _Frame, rows: slice, across0: float, across1: float,
                  image: NDArray[np.float32]) -> NDArray[np.float32]:
    near, far = _SIDE_WINDOW_MM
    left = image[rows, frame.cols(across0 - far, across0 - near)]
    right = image[rows, frame.cols(across1 + near, across1 + far)]
    return np.concatenate([left.ravel(), right.ravel()])


def area_cnr(
    image: NDArray[np.float32],
    frame: _Frame,
    box_mm: tuple[float, float, float, float],
    *,
    window_mm: float,
    a_limit: float,
) -> float:
    """CNR of a ``window_mm`` square patch of the area ``box_mm`` against the
    background beside it (across the belt, same lines)."""
    a0, c0, a1, c1 = box_mm
    rows = frame.rows(a0, a1, _EDGE_MARGIN_MM)
    inside = image[rows, frame.cols(c0, c1, _EDGE_MARGIN_MM)]
    background = _side_windows(frame, rows, c0, c1, image)
    if inside.size == 0 or background.size == 0:
        raise IqTestError(f"feature at {box_mm} mm has no pixels inside or beside it")
    if float(np.median(background)) >= a_limit:
        return 0.0  # the surroundings are not penetrated: no outline to see
    sigma = max(_robust_sigma(background), 1e-6)
    patch_px = (window_mm * frame.lines_per_mm) * (window_mm * frame.px_per_mm)
    # An opaque feature (the lead block) counts at the limit, not at its clipped value.
    contrast = min(float(np.median(inside)), a_limit) - float(np.median(background))
    return contrast / sigma * math.sqrt(patch_px)


def bar_modulation(
    image: NDArray[np.float32], frame: _Frame, bars: IqShape, reference_contrast: float
) -> float:
    """Amplitude of the bar frequency across a bar group, over a perfect square wave's."""
    a0, c0, a1, c1 = bars.box_mm
    if bars.runs == "across":  # bars lie across the belt: the profile runs along it
        block = image[frame.rows(a0, a1), frame.cols(c0, c1, _EDGE_MARGIN_MM)]
        profile = block.mean(axis=1)
        start = frame.rows(a0, a1).start
        positions_mm = (np.arange(profile.size) + start + 0.5 - frame.line0) / frame.lines_per_mm
    else:
        block = image[frame.rows(a0, a1, _EDGE_MARGIN_MM), frame.cols(c0, c1)]
        profile = block.mean(axis=0)
        start = frame.cols(c0, c1).start
        positions_mm = (np.arange(profile.size) + start + 0.5 - frame.px0) / frame.px_per_mm
    period_mm = 2.0 * bars.bar_mm
    phase = 2.0 * np.pi * positions_mm / period_mm
    design = np.column_stack([np.ones_like(phase), np.cos(phase), np.sin(phase)])
    # rcond: at the Nyquist frequency the samples see one phase only; the other
    # column is (nearly) zero and must be dropped, not amplified.
    coef, *_ = np.linalg.lstsq(design, profile.astype(np.float64), rcond=1e-3)
    amplitude = float(math.hypot(coef[1], coef[2]))
    perfect = (2.0 / math.pi) * reference_contrast  # fundamental of a square wave of this contrast
    return amplitude / perfect if perfect > 0 else 0.0


# ---------------------------------------------------------------------- tests


def _criterion(spec: IqPieceSpec, test: str, key: str) -> Any:
    try:
        return spec.criteria[test][key]
    except KeyError:
        raise IqTestError(f"test piece {spec.name}: {test} has no {key!r}") from None


def _progressive(levels: Sequence[tuple[float, bool]]) -> float | None:
    """The last level of an easiest-first list reached with every easier one reached too."""
    reached: float | None = None
    for level, ok in levels:
        if not ok:
            break
        reached = level
    return reached


@dataclass
class _Context:
    spec: IqPieceSpec
    image: MaterialImage
    frame: _Frame
    a_limit: float
    measurements: list[Measurement] = field(default_factory=list)


def _wire_display(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["wire_display"]
    min_cnr = float(_criterion(ctx.spec, "wire_display", "min_cnr"))
    segment = float(_criterion(ctx.spec, "wire_display", "segment_mm"))
    per_orientation: list[float | None] = []
    measurements: list[Measurement] = []
    for orientation, wires in dict(crit["wires"]).items():
        levels = []
        for entry in sorted(wires, key=lambda w: int(w["awg"])):  # thickest (AWG 24) first
            cnr = wire_cnr(ctx.image.a_high, ctx.frame, ctx.spec.shape(str(entry["shape"])),
                           segment_mm=segment, a_limit=ctx.a_limit)
            ok = cnr >= min_cnr
            label = texts.IQ_WIRE.render(awg=str(entry["awg"]), runs=str(orientation))
            measurements.append(Measurement(label, cnr, "CNR", ok))
            levels.append((float(entry["awg"]), ok))
        per_orientation.append(_progressive(levels))
    achieved = None if any(p is None for p in per_orientation) else min(
        p for p in per_orientation if p is not None
    )
    return IqTestResult("wire_display", achieved, float(crit["required_awg"]), "AWG", True,
                        tuple(measurements), note=texts.IQ_NOTE_WIRE_DISPLAY.render())


def _useful_penetration(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["useful_penetration"]
    material = str(_criterion(ctx.spec, "useful_penetration", "material"))
    wire = ctx.spec.shape(str(crit["wire"]))
    levels = []
    measurements: list[Measurement] = []
    for step in sorted(crit["steps"], key=lambda s: float(s["thickness_mm"])):
        box = ctx.spec.shape(str(step["shape"])).box_mm
        cnr = wire_cnr(ctx.image.a_high, ctx.frame, wire, segment_mm=float(crit["segment_mm"]),
                       a_limit=ctx.a_limit, along_mm=(box[0], box[2]))
        ok = cnr >= float(crit["min_cnr"])
        label = texts.IQ_WIRE_BEHIND.render(awg=str(crit.get("wire_awg", "?")),
                                            material=material,
                                            thickness_mm=f"{float(step['thickness_mm']):g}")
        measurements.append(Measurement(label, cnr, "CNR", ok))
        levels.append((float(step["thickness_mm"]), ok))
    return IqTestResult("useful_penetration", _progressive(levels), float(crit["required_mm"]),
                        texts.IQ_UNIT_MM_OF.render(material=material), True,
                        tuple(measurements), note=texts.IQ_NOTE_USEFUL_PENETRATION.render())


def _spatial_resolution(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["spatial_resolution"]
    reference = ctx.spec.shape(str(crit["reference"]))
    a0, c0, a1, c1 = reference.box_mm
    rows = ctx.frame.rows(a0, a1, _EDGE_MARGIN_MM)
    pad = float(np.median(ctx.image.a_high[rows, ctx.frame.cols(c0, c1, _EDGE_MARGIN_MM)]))
    beside = float(np.median(_side_windows(ctx.frame, rows, c0, c1, ctx.image.a_high)))
    contrast = pad - beside
    min_mod = float(crit["min_modulation"])
    by_orientation: dict[str, list[tuple[float, bool]]] = {}
    measurements: list[Measurement] = []
    for group in sorted(crit["groups"], key=lambda g: -float(g["bar_mm"])):  # coarsest first
        bars = ctx.spec.shape(str(group["shape"]))
        modulation = bar_modulation(ctx.image.a_high, ctx.frame, bars, contrast)
        ok = modulation >= min_mod
        label = texts.IQ_BARS.render(bar_mm=f"{bars.bar_mm:g}", runs=bars.runs)
        measurements.append(Measurement(label, modulation, texts.IQ_UNIT_MODULATION.render(),
                                        ok))
        by_orientation.setdefault(bars.runs, []).append((bars.bar_mm, ok))
    finest = [_progressive(levels) for levels in by_orientation.values()]
    achieved = None if any(f is None for f in finest) else max(f for f in finest if f is not None)
    return IqTestResult("spatial_resolution", achieved, float(crit["required_bar_mm"]),
                        texts.IQ_UNIT_MM_BARS.render(), False, tuple(measurements),
                        note=texts.IQ_NOTE_SPATIAL_RESOLUTION.render())


def _thin_organic(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["thin_organic"]
    levels = []
    measurements: list[Measurement] = []
    # The low-energy image: organics attenuate it more, as on the organic display modes.
    for strip in sorted(crit["strips"], key=lambda s: -float(s["thickness_mm"])):  # thickest first
        cnr = area_cnr(ctx.image.a_low, ctx.frame, ctx.spec.shape(str(strip["shape"])).box_mm,
                       window_mm=float(crit["window_mm"]), a_limit=ctx.a_limit)
        ok = cnr >= float(crit["min_cnr"])
        label = texts.IQ_STRIP.render(thickness_mm=f"{float(strip['thickness_mm']):g}")
        measurements.append(Measurement(label, cnr, "CNR", ok))
        levels.append((float(strip["thickness_mm"]), ok))
    return IqTestResult("thin_organic", _progressive(levels), float(crit["required_mm"]), "mm",
                        False, tuple(measurements), note=texts.IQ_NOTE_THIN_ORGANIC.render())


def _simple_penetration(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["simple_penetration"]
    lead = ctx.spec.shape(str(crit["lead"]))
    levels = []
    measurements: list[Measurement] = []
    for step in sorted(crit["steps"], key=lambda s: float(s["thickness_mm"])):
        box = ctx.spec.shape(str(step["shape"])).box_mm
        feature = (box[0], lead.box_mm[1], box[2], lead.box_mm[3])
        cnr = area_cnr(ctx.image.a_high, ctx.frame, feature, window_mm=float(crit["window_mm"]),
                       a_limit=ctx.a_limit)
        ok = cnr >= float(crit["min_cnr"])
        label = texts.IQ_LEAD_BEHIND_STEEL.render(
            thickness_mm=f"{float(step['thickness_mm']):g}")
        measurements.append(Measurement(label, cnr, "CNR", ok))
        levels.append((float(step["thickness_mm"]), ok))
    return IqTestResult("simple_penetration", _progressive(levels), float(crit["required_mm"]),
                        texts.IQ_UNIT_MM_STEEL.render(), True, tuple(measurements),
                        note=texts.IQ_NOTE_SIMPLE_PENETRATION.render())


def _material_differentiation(ctx: _Context) -> IqTestResult:
    crit = ctx.spec.criteria["material_differentiation"]
    min_fraction = float(crit["min_fraction"])
    measurements: list[Measurement] = []
    correct = 0
    regions = list(crit["regions"])
    for region in regions:
        expected_name = str(region["expected_class"])
        if expected_name not in _CLASS_NAMES:
            raise IqTestError(f"material_differentiation: unknown class {expected_name!r}")
        a0, c0, a1, c1 = ctx.spec.shape(str(region["shape"])).box_mm
        classes = ctx.image.material_class[
            ctx.frame.rows(a0, a1, 2 * _EDGE_MARGIN_MM), ctx.frame.cols(c0, c1, 2 * _EDGE_MARGIN_MM)
        ]
        fraction = float(np.mean(classes == _CLASS_NAMES[expected_name])) if classes.size else 0.0
        ok = fraction >= min_fraction
        correct += ok
        label = texts.IQ_REGION.render(material=str(region["material"]),
                                       thickness_mm=f"{float(region['thickness_mm']):g}",
                                       expected_class=expected_name)
        measurements.append(Measurement(label, fraction, texts.IQ_UNIT_FRACTION.render(), ok))
    return IqTestResult("material_differentiation", float(correct), float(len(regions)),
                        texts.IQ_UNIT_REGIONS.render(), True, tuple(measurements),
                        note=texts.IQ_NOTE_MATERIAL_DIFFERENTIATION.render())


_TESTS: Mapping[str, Callable[[_Context], IqTestResult]] = {
    "wire_display": _wire_display,
    "useful_penetration": _useful_penetration,
    "spatial_resolution": _spatial_resolution,
    "thin_organic": _thin_organic,
    "simple_penetration": _simple_penetration,
    "material_differentiation": _material_differentiation,
}


def score_iq_scan(
    image: MaterialImage,
    spec: IqPieceSpec,
    *,
    scanner_serial: str,
    impenetrable_a_high: float,
    detector_calibration_id: str = "",
    now: datetime | None = None,
) -> IqReport:
    """Find the piece in a processed scan and score every test of its datasheet.

    ``impenetrable_a_high``: attenuation from which on pixels carry no information
    (``MaterialAnalyzer.impenetrable_a_high``). ``IqTestError`` when the piece is
    not in the scan; a test that cannot see its features fails, it does not raise.
    """
    frame = locate_piece(image.a_high, spec, line_pitch_mm=image.line_pitch_mm,
                         pixel_pitch_mm=image.pixel_pitch_mm)
    ctx = _Context(spec, image, frame, impenetrable_a_high)
    results = tuple(_TESTS[name](ctx) for name in _TESTS if name in spec.criteria)
    return IqReport(
        piece=spec.name,
        piece_version=spec.version,
        scanner_serial=scanner_serial,
        created_at=now or datetime.now(UTC),
        results=results,
        detector_calibration_id=detector_calibration_id,
        piece_box_px=(frame.line0, frame.px0, frame.line1, frame.px1),
    )
