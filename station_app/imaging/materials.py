"""Dual-energy material discrimination: (A_high, A_low) → Zeff → material class.

Physics in one paragraph: the low-energy beam is attenuated relatively more by
high-Z matter (photo effect ~Z³/E³), so the ratio R = A_low / A_high grows with
Z. Beam hardening makes R drift with thickness, so for every reference material
of the step wedge we fit a smooth curve R_m(A_high) (monotone cubic in ln A_high).

At a given A_high the reference curves are ordered by Zeff. Between them we do
not interpolate blindly: per electron, attenuation is Compton (≈ Z-free) plus
photo effect (∝ Z^n/E³, n ≈ 3), so the ratio of the two channels follows

    R(Z) = (α + β·Z^n) / (1 + γ·Z^n)

— rising like Z³ for organics, saturating for metals, where the photo effect
already dominates both channels. α, β, γ are fitted per A_high to the reference
curves (linear least squares), the residual at each reference is interpolated
in R (so references are reproduced exactly), and the inverse
Z = ((R − α)/(β − γR))^(1/n) is baked into a monotone 2-D table over
(A_high, R) once at fit time. Per pixel we only compute R and look the table up
with ``cv2.remap`` (bilinear).

Nothing here knows the simulator: the model is fitted from measured step-wedge
attenuations and the nominal Zeff of the wedge materials (datasheet).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.interpolate import PchipInterpolator

from station_app.config import MaterialsConfig
from station_app.domain import MaterialClass, MaterialImage, RawScan
from station_app.imaging.calibration import (
    CalibrationError,
    Calibrator,
    _pack,
    _unpack,
)

# Mayneord's power-law effective atomic number (electron-fraction weighted).
MAYNEORD_EXPONENT = 2.94

# Photo-effect exponent of the R(Z) model; 3 is the textbook value (Z^3/E^3).
PHOTO_EXPONENT = 3.0
_Z_SCALE = 10.0  # Z/10 keeps the least-squares columns of similar size

ZEFF_MIN = 1.0
ZEFF_MAX = 100.0

# Table resolution: 1024 R × 256 A float32 = 1 MiB. R needs the finer axis: metal
# curves lie only ~0.05 apart in R at large A_high, and Zeff changes steeply there;
# keeps the table error well below the measurement noise.
TABLE_A_NODES = 256
TABLE_R_NODES = 1024

_SYMBOLS = (
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
    "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga",
    "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd",
    "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm",
    "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os",
    "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
    "Pa", "U",
)
ATOMIC_NUMBER: dict[str, int] = {sym: z for z, sym in enumerate(_SYMBOLS, start=1)}
_FORMULA_TOKEN = re.compile(r"([A-Z][a-z]?)(\d*\.?\d*)")


class MaterialModelError(ValueError):
    """The reference data cannot give a usable material model."""


def parse_formula(formula: str) -> dict[str, float]:
    """Atoms per formula unit, e.g. ``"H2O"`` → {"H": 2, "O": 1}; repeated elements add up.

    Fractional counts are allowed (``"SiO2Na0.3Ca0.1O0.4"``); parentheses are not.
    """
    atoms: dict[str, float] = {}
    pos = 0
    for match in _FORMULA_TOKEN.finditer(formula):
        if match.start() != pos:
            break
        symbol, count = match.group(1), match.group(2)
        if symbol not in ATOMIC_NUMBER:
            raise ValueError(f"unknown element {symbol!r} in formula {formula!r}")
        atoms[symbol] = atoms.get(symbol, 0.0) + (float(count) if count else 1.0)
        pos = match.end()
    if pos != len(formula) or not atoms:
        raise ValueError(f"cannot parse chemical formula {formula!r} at position {pos}")
    return atoms


def zeff_of_formula(formula: str, exponent: float = MAYNEORD_EXPONENT) -> float:
    """Power-law (Mayneord) effective atomic number: (Σ f_i Z_i^p)^(1/p), f = electron fraction."""
    atoms = parse_formula(formula)
    electrons = {sym: n * ATOMIC_NUMBER[sym] for sym, n in atoms.items()}
    total = sum(electrons.values())
    acc = sum((e / total) * ATOMIC_NUMBER[sym] ** exponent for sym, e in electrons.items())
    return float(np.power(float(acc), 1.0 / exponent))


@dataclass(frozen=True)
class ReferencePoint:
    """One measured step of the wedge: median attenuations inside the step."""

    material: str
    thickness_mm: float
    zeff: float  # nominal, from the datasheet
    a_high: float
    a_low: float
    a_high_sigma: float = 0.0  # robust spread (1.4826·MAD) of the pixels in the step
    a_low_sigma: float = 0.0
    pixels: int = 0

    @property
    def ratio(self) -> float:
        return self.a_low / self.a_high


@dataclass(frozen=True)
class Residual:
    """How well the fitted model reproduces one reference point."""

    material: str
    thickness_mm: float
    a_high: float
    zeff_nominal: float
    zeff_model: float

    @property
    def error(self) -> float:
        return self.zeff_model - self.zeff_nominal

    @property
    def relative_error(self) -> float:
        return self.error / self.zeff_nominal


@dataclass(frozen=True)
class _Curve:
    """R(A_high) of one reference material through its measured steps.

    Monotone cubic (PCHIP) in x = ln(A_high) between the steps, continued linearly
    in x with the secant of the two outermost steps beyond them. ln A because beam
    hardening acts multiplicatively: R falls fast over the first millimetres of a
    metal and slowly afterwards. Interpolating (rather than a low-order least-squares
    fit) because each step is a median over thousands of pixels: its R is good to
    ~1e-3, finer than any polynomial of few terms follows, and metal curves lie only
    a few 1e-2 apart.
    """

    material: str
    zeff: float
    a_high: tuple[float, ...]  # increasing
    ratio: tuple[float, ...]

    def __call__(self, a: NDArray[np.float64]) -> NDArray[np.float64]:
        xs = np.log(np.asarray(self.a_high))
        rs = np.asarray(self.ratio)
        x = np.log(np.maximum(a, 1e-6))
        if xs.size == 1:
            return np.full_like(x, rs[0])
        if xs.size == 2:
            inside = np.interp(x, xs, rs)
        else:
            inside = PchipInterpolator(xs, rs, extrapolate=False)(np.clip(x, xs[0], xs[-1]))
        lo_slope = (rs[1] - rs[0]) / (xs[1] - xs[0])
        hi_slope = (rs[-1] - rs[-2]) / (xs[-1] - xs[-2])
        r = np.where(x < xs[0], rs[0] + lo_slope * (x - xs[0]), inside)
        r = np.where(x > xs[-1], rs[-1] + hi_slope * (x - xs[-1]), r)
        return np.asarray(r, dtype=np.float64)


def _fit_curve(material: str, zeff: float, points: Sequence[ReferencePoint]) -> _Curve:
    a = np.array([p.a_high for p in points], dtype=np.float64)
    r = np.array([p.ratio for p in points], dtype=np.float64)
    if a.size == 0:
        raise MaterialModelError(f"no usable steps for reference material {material!r}")
    # Steps of (nearly) equal attenuation are averaged: PCHIP needs increasing x.
    key = np.round(np.log(a), 3)
    uniq, inverse = np.unique(key, return_inverse=True)
    a_u = np.bincount(inverse, weights=a) / np.bincount(inverse)
    r_u = np.bincount(inverse, weights=r) / np.bincount(inverse)
    del uniq
    return _Curve(material, zeff, tuple(float(v) for v in a_u), tuple(float(v) for v in r_u))


def _zeff_column(
    r_ref: NDArray[np.float64], z_ref: NDArray[np.float64], r_axis: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Zeff along ``r_axis`` at one A_high, from reference ratios ``r_ref`` (sorted by Z).

    Fits R = (α + β·zn)/(1 + γ·zn), zn = (Z/10)^n, as the linear least-squares
    problem R = α + β·zn − γ·zn·R; inverts it; then corrects it to pass through
    every reference exactly (log-residual interpolated linearly in R, constant
    beyond the outermost references).
    """
    zn = (z_ref / _Z_SCALE) ** PHOTO_EXPONENT
    if r_ref.size >= 3:
        design = np.stack([np.ones_like(zn), zn, -zn * r_ref], axis=1)
        weight = np.ones_like(zn)
        # The linear form weights each residual by (1 + γ·zn); re-weighting a few times
        # turns it into the ordinary least-squares fit of R (Steiglitz–McBride).
        for _ in range(4):
            (alpha, beta, gamma), *_ = np.linalg.lstsq(
                design * weight[:, None], r_ref * weight, rcond=None
            )
            weight = 1.0 / np.maximum(1.0 + gamma * zn, 1e-3)
    else:  # two references: no saturation term
        beta = (r_ref[1] - r_ref[0]) / (zn[1] - zn[0])
        alpha, gamma = r_ref[0] - beta * zn[0], 0.0
    if not (beta - gamma * alpha > 0):  # not increasing in Z: unusable, go linear in zn
        beta = (r_ref[-1] - r_ref[0]) / (zn[-1] - zn[0])
        alpha, gamma = r_ref[0] - beta * zn[0], 0.0

    def inverse(r: NDArray[np.float64]) -> NDArray[np.float64]:
        denom = beta - gamma * r
        # Beyond saturation (denominator ≤ 0) the ratio says "heavier than anything".
        zn_r = np.where(denom > 0, (r - alpha) / np.where(denom > 0, denom, 1.0), np.inf)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = _Z_SCALE * np.power(np.maximum(zn_r, 0.0), 1.0 / PHOTO_EXPONENT)
        return np.asarray(np.clip(z, ZEFF_MIN, ZEFF_MAX), dtype=np.float64)

    # Interpolate the correction over the model's own ln Z, not over R: near
    # saturation R hardly moves while Z does, and a correction spread evenly in R
    # would let the heaviest reference's error leak onto everything below it.
    z_model_ref = np.log(inverse(r_ref))
    correction = np.log(z_ref) - z_model_ref
    z_model = inverse(r_axis)
    z = z_model * np.exp(np.interp(np.log(z_model), z_model_ref, correction))
    # Keep the column monotone in R whatever the correction did.
    return np.asarray(np.maximum.accumulate(np.clip(z, ZEFF_MIN, ZEFF_MAX)), dtype=np.float64)


class MaterialModel:
    """Fitted (A_high, A_low) → Zeff mapping, held as a lookup table over (A_high, R).

    ``table``: float32 (TABLE_R_NODES, TABLE_A_NODES); row i is R = r_min + i·r_step,
    column j is A_high = j·a_step.
    """

    def __init__(
        self,
        *,
        table: NDArray[np.float32],
        a_step: float,
        r_min: float,
        r_step: float,
        points: Sequence[ReferencePoint],
        curves: Sequence[_Curve],
        created_at: datetime,
        calibration_id: str = "",
    ) -> None:
        if table.ndim != 2 or table.dtype != np.float32:
            raise MaterialModelError(f"table must be 2-D float32, got {table.dtype} {table.shape}")
        if not (a_step > 0 and r_step > 0 and np.isfinite(table).all()):
            raise MaterialModelError("table axes or values are not finite and positive")
        self.table = np.ascontiguousarray(table)
        self.a_step = float(a_step)
        self.r_min = float(r_min)
        self.r_step = float(r_step)
        self.points = tuple(points)
        self.curves = tuple(curves)
        self.created_at = created_at
        self.calibration_id = calibration_id
        self.residuals = self._residuals()

    @property
    def a_high_max(self) -> float:
        return self.a_step * float(self.table.shape[1] - 1)

    @property
    def r_max(self) -> float:
        return self.r_min + self.r_step * float(self.table.shape[0] - 1)

    @property
    def materials(self) -> tuple[str, ...]:
        return tuple(c.material for c in self.curves)

    # -- fitting -------------------------------------------------------------

    @classmethod
    def fit(
        cls,
        points: Iterable[ReferencePoint],
        *,
        a_high_max: float,
        calibration_id: str = "",
        created_at: datetime | None = None,
    ) -> MaterialModel:
        """Fit one R(A_high) curve per reference material and bake the Zeff table.

        Needs at least two reference materials with different Zeff; more (organic,
        light metal, metal) give a better interpolation.
        """
        pts = [p for p in points if p.a_high > 0 and np.isfinite(p.a_low) and p.a_low > 0]
        by_material: dict[str, list[ReferencePoint]] = {}
        for p in pts:
            by_material.setdefault(p.material, []).append(p)
        curves = sorted(
            (_fit_curve(m, float(np.median([p.zeff for p in ps])), ps)
             for m, ps in by_material.items()),
            key=lambda c: c.zeff,
        )
        if len({round(c.zeff, 3) for c in curves}) < 2:
            raise MaterialModelError(
                f"need at least two reference materials with different Zeff, got "
                f"{[c.material for c in curves]}"
            )
        if not a_high_max > 0:
            raise MaterialModelError(f"a_high_max must be positive, got {a_high_max}")
        a_axis = np.linspace(0.0, a_high_max, TABLE_A_NODES)
        r_curves = np.stack([c(a_axis) for c in curves])  # (materials, A nodes)
        # Curves of different Z must not touch: enforce strictly increasing R with Z
        # (extrapolated ends could cross); 1e-4 is far below any measured separation.
        r_curves = np.maximum.accumulate(r_curves, axis=0)
        r_curves += 1e-4 * np.arange(len(curves))[:, None]
        z_ref = np.array([c.zeff for c in curves])
        spread = float(r_curves.max() - r_curves.min())
        r_min = max(float(r_curves.min()) - 0.5 * spread, 0.0)
        r_max = float(r_curves.max()) + 0.5 * spread
        r_axis = np.linspace(r_min, r_max, TABLE_R_NODES)
        table = np.empty((TABLE_R_NODES, TABLE_A_NODES), dtype=np.float32)
        for j in range(TABLE_A_NODES):
            table[:, j] = _zeff_column(r_curves[:, j], z_ref, r_axis)
        np.clip(table, ZEFF_MIN, ZEFF_MAX, out=table)
        return cls(
            table=table,
            a_step=a_axis[1] - a_axis[0],
            r_min=r_min,
            r_step=r_axis[1] - r_axis[0],
            points=pts,
            curves=curves,
            created_at=created_at if created_at is not None else datetime.now(UTC),
            calibration_id=calibration_id,
        )

    # -- evaluation ----------------------------------------------------------

    def zeff_image(
        self,
        a_high: NDArray[np.float32],
        a_low: NDArray[np.float32],
        out: NDArray[np.float32] | None = None,
        *,
        scratch: tuple[NDArray[np.float32], NDArray[np.float32]] | None = None,
    ) -> NDArray[np.float32]:
        """Zeff per pixel (float32, same shape); bilinear in the table, clamped at its edges.

        ``scratch``: two float32 arrays of the same shape, reused for the remap maps.
        """
        if a_high.shape != a_low.shape or a_high.ndim != 2:
            raise ValueError(f"a_high {a_high.shape} and a_low {a_low.shape} must be equal 2-D")
        shape = a_high.shape
        if out is None:
            out = np.empty(shape, dtype=np.float32)
        if scratch is None:
            scratch = (np.empty(shape, dtype=np.float32), np.empty(shape, dtype=np.float32))
        map_x, map_y = scratch
        # map_x: table column from A_high
        np.multiply(a_high, np.float32(1.0 / self.a_step), out=map_x)
        # map_y: table row from R = A_low / A_high; A_high floored so air gives a
        # finite (meaningless) R instead of inf/NaN — those pixels are classed AIR.
        np.maximum(a_high, np.float32(1e-4), out=map_y)
        cv2.divide(a_low, map_y, dst=map_y, scale=1.0 / self.r_step)
        np.subtract(map_y, np.float32(self.r_min / self.r_step), out=map_y)
        cv2.remap(
            self.table, map_x, map_y, cv2.INTER_LINEAR, dst=out, borderMode=cv2.BORDER_REPLICATE
        )
        return out

    def zeff_at(
        self, a_high: NDArray[np.floating[Any]] | float, a_low: NDArray[np.floating[Any]] | float
    ) -> NDArray[np.float32]:
        """Zeff for a few (A_high, A_low) values of any shape (same lookup as the images)."""
        ah = np.atleast_1d(np.asarray(a_high, dtype=np.float32))
        al = np.atleast_1d(np.asarray(a_low, dtype=np.float32))
        ah, al = np.broadcast_arrays(ah, al)
        flat = self.zeff_image(
            np.ascontiguousarray(ah.reshape(1, -1)), np.ascontiguousarray(al.reshape(1, -1))
        )
        return flat.reshape(ah.shape)

    def _residuals(self) -> tuple[Residual, ...]:
        if not self.points:
            return ()
        zm = self.zeff_at(
            np.array([p.a_high for p in self.points]), np.array([p.a_low for p in self.points])
        )
        return tuple(
            Residual(p.material, p.thickness_mm, p.a_high, p.zeff, float(z))
            for p, z in zip(self.points, zm, strict=True)
        )

    def residual_table(self) -> str:
        lines = [f"{'material':<14}{'t_mm':>8}{'A_hi':>8}{'Z_nom':>8}{'Z_fit':>8}{'err%':>8}"]
        lines += [
            f"{r.material:<14}{r.thickness_mm:>8.2f}{r.a_high:>8.3f}{r.zeff_nominal:>8.2f}"
            f"{r.zeff_model:>8.2f}{100 * r.relative_error:>8.2f}"
            for r in self.residuals
        ]
        return "\n".join(lines)

    # -- serialisation -------------------------------------------------------

    def to_bytes(self) -> bytes:
        meta = {
            "format": "station_app.material_model",
            "version": 1,
            "a_step": self.a_step,
            "r_min": self.r_min,
            "r_step": self.r_step,
            "created_at": self.created_at.isoformat(),
            "calibration_id": self.calibration_id,
            "points": [asdict(p) for p in self.points],
            "curves": [asdict(c) for c in self.curves],
        }
        return _pack(meta, {"table": self.table})

    @classmethod
    def from_bytes(cls, payload: bytes) -> MaterialModel:
        try:
            meta, arrays = _unpack(payload, "station_app.material_model", ("table",))
        except CalibrationError as exc:
            raise MaterialModelError(str(exc)) from exc
        try:
            return cls(
                table=np.asarray(arrays["table"], dtype=np.float32),
                a_step=float(meta["a_step"]),
                r_min=float(meta["r_min"]),
                r_step=float(meta["r_step"]),
                points=[ReferencePoint(**p) for p in meta["points"]],
                curves=[
                    _Curve(c["material"], float(c["zeff"]),
                           tuple(float(v) for v in c["a_high"]),
                           tuple(float(v) for v in c["ratio"]))
                    for c in meta["curves"]
                ],
                created_at=datetime.fromisoformat(str(meta["created_at"])),
                calibration_id=str(meta.get("calibration_id", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise MaterialModelError(f"corrupt material_model payload: {exc}") from exc


def impenetrable_threshold(calibrator: Calibrator, config: MaterialsConfig) -> float:
    """A_high above which a pixel is IMPENETRABLE: the configured limit, or earlier when
    the detector's noise floor (A_max) is lower — within ln(3) of A_max the signal is
    less than 3× the noise floor and Zeff is meaningless."""
    return float(min(config.impenetrable_min_attenuation, calibrator.a_max_high - np.log(3.0)))


class MaterialAnalyzer:
    """Raw parcel → ``MaterialImage``; owns its scratch buffers (one per thread).

    ``last_timings_ms``: {"calibrate": …, "materials": …} of the last ``process``.
    """

    def __init__(
        self,
        calibrator: Calibrator,
        model: MaterialModel,
        config: MaterialsConfig,
        *,
        smoothing_px: int = 3,
    ) -> None:
        self.calibrator = calibrator
        self.model = model
        self.config = config
        # Box-smoothing A_high and A_low (not R) before the ratio: averaging the
        # attenuations is averaging the material along the beam, so at an object/air
        # edge R stays the object's R and Zeff does not jump; it only tames noise.
        self.smoothing_px = smoothing_px
        self.impenetrable_a_high = impenetrable_threshold(calibrator, config)
        self.last_timings_ms: dict[str, float] = {}
        self._buffers: dict[str, NDArray[Any]] = {}

    def _buffer(self, name: str, shape: tuple[int, int], dtype: type[np.generic]) -> NDArray[Any]:
        buf = self._buffers.get(name)
        rows = shape[0]
        if buf is None or buf.shape[0] < rows or buf.shape[1] != shape[1]:
            buf = np.empty((max(rows, int(1.5 * buf.shape[0]) if buf is not None else rows),
                            shape[1]), dtype=dtype)
            self._buffers[name] = buf
        return buf[:rows]

    def process(self, raw: RawScan) -> MaterialImage:
        if raw.scanner_serial != self.calibrator.calibration.scanner_serial:
            raise CalibrationError(
                f"scan {raw.scan_id[:8]} is from scanner {raw.scanner_serial}, calibration is "
                f"for {self.calibrator.calibration.scanner_serial}"
            )
        t0 = time.perf_counter()
        shape = raw.shape
        a_high = np.empty(shape, dtype=np.float32)  # owned by the MaterialImage
        a_low = np.empty(shape, dtype=np.float32)
        self.calibrator.apply(raw.high_counts, raw.low_counts, out=(a_high, a_low))
        t1 = time.perf_counter()
        zeff = np.empty(shape, dtype=np.float32)
        material_class = np.empty(shape, dtype=np.uint8)
        self.classify(a_high, a_low, zeff_out=zeff, class_out=material_class)
        t2 = time.perf_counter()
        self.last_timings_ms = {"calibrate": (t1 - t0) * 1e3, "materials": (t2 - t1) * 1e3}
        return MaterialImage(
            a_high=a_high,
            a_low=a_low,
            zeff=zeff,
            material_class=material_class,
            line_pitch_mm=raw.line_pitch_mm,
            pixel_pitch_mm=raw.pixel_pitch_mm,
        )

    def classify(
        self,
        a_high: NDArray[np.float32],
        a_low: NDArray[np.float32],
        *,
        zeff_out: NDArray[np.float32],
        class_out: NDArray[np.uint8],
    ) -> None:
        """Fill ``zeff_out`` (0 where air) and ``class_out`` (``MaterialClass`` values)."""
        shape = (int(a_high.shape[0]), int(a_high.shape[1]))
        if a_low.shape != shape or zeff_out.shape != shape or class_out.shape != shape:
            raise ValueError(
                f"classify: shapes differ: a_high {a_high.shape}, a_low {a_low.shape}, "
                f"zeff_out {zeff_out.shape}, class_out {class_out.shape}"
            )
        if shape[0] == 0:
            return
        hi_s = self._buffer("hi_s", shape, np.float32)
        lo_s = self._buffer("lo_s", shape, np.float32)
        k = self.smoothing_px
        if k > 1:
            cv2.blur(a_high, (k, k), dst=hi_s, borderType=cv2.BORDER_REPLICATE)
            cv2.blur(a_low, (k, k), dst=lo_s, borderType=cv2.BORDER_REPLICATE)
        else:
            hi_s[...] = a_high
            lo_s[...] = a_low
        map_x = self._buffer("map_x", shape, np.float32)
        map_y = self._buffer("map_y", shape, np.float32)
        self.model.zeff_image(hi_s, lo_s, out=zeff_out, scratch=(map_x, map_y))
        mask = self._buffer("mask", shape, np.bool_)
        # class = 1 + [Z > organic max] + [Z > inorganic max], then air / impenetrable
        np.greater(zeff_out, np.float32(self.config.organic_max_zeff), out=mask)
        np.add(mask, np.uint8(MaterialClass.ORGANIC), out=class_out, dtype=np.uint8)
        np.greater(zeff_out, np.float32(self.config.inorganic_max_zeff), out=mask)
        np.add(class_out, mask, out=class_out, dtype=np.uint8)
        np.greater_equal(hi_s, np.float32(self.impenetrable_a_high), out=mask)
        np.putmask(class_out, mask, np.uint8(MaterialClass.IMPENETRABLE))
        np.less(hi_s, np.float32(self.config.air_max_attenuation), out=mask)
        np.putmask(class_out, mask, np.uint8(MaterialClass.AIR))
        np.putmask(zeff_out, mask, np.float32(0.0))


def summarize_classes(material_class: NDArray[np.uint8]) -> Mapping[MaterialClass, float]:
    """Fraction of pixels in each class (diagnostics, tests)."""
    counts = np.bincount(material_class.ravel(), minlength=len(MaterialClass))
    total = max(int(counts.sum()), 1)
    return {c: float(counts[c.value]) / total for c in MaterialClass}
