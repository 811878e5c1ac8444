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
# A reference step whose per-pixel low- (or high-) energy signal is below this many
# noise sigmas (σ of ln counts > 1/MIN_STEP_SNR) sits at the noise floor: rejected.
MIN_STEP_SNR = 3.0
# Pixels the analyzer averages before the ratio (3 × 3 box): for the pixel Zeff spread.
_SMOOTHED_PIXELS = 9
# Saturation level of the R(Z) model: at least this fraction of the last reference gap
# above the heaviest reference (see ``_rational_fit``).
_SAT_GAP = 0.1
# R axis margin beyond the reference curves, as a fraction of their spread.
R_MARGIN = 0.25

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
class RejectedReference:
    """A wedge step left out of the fit, and why (too noisy, too thick, too small …)."""

    material: str
    thickness_mm: float
    reason: str


@dataclass(frozen=True)
class Residual:
    """How well the fitted model reproduces one reference point.

    ``zeff_pixel_sigma``: the Zeff spread the analyzer will show on single pixels of
    this step (its low-energy pixel noise, after the analyzer's smoothing) — a step
    reproduced exactly by the table can still be indistinct pixel by pixel.
    """

    material: str
    thickness_mm: float
    a_high: float
    zeff_nominal: float
    zeff_model: float
    zeff_pixel_sigma: float = 0.0

    @property
    def error(self) -> float:
        return self.zeff_model - self.zeff_nominal

    @property
    def relative_error(self) -> float:
        return self.error / self.zeff_nominal


@dataclass(frozen=True)
class _Curve:
    """R(A_high) of one reference material through its measured steps.

    Monotone cubic (PCHIP) in x = ln(A_high) between the steps. ln A because beam
    hardening acts multiplicatively: R falls fast over the first millimetres of a
    metal and slowly afterwards. Interpolating (rather than a low-order least-squares
    fit) because each step is a median over thousands of pixels: its R is good to
    ~1e-3, finer than any polynomial of few terms follows, and metal curves lie only
    a few 1e-2 apart.

    Beyond the steps the curve is continued conservatively (see ``_extrapolate``):
    below the thinnest step linearly in x for one e-fold of A_high, then constant;
    above the thickest step with a slope that flattens the way beam hardening does
    (the hardened beam changes less and less), never rising.
    """

    material: str
    zeff: float
    a_high: tuple[float, ...]  # increasing
    ratio: tuple[float, ...]

    def measured(self, a: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Where ``a`` lies within the measured steps (interpolated, not extrapolated)."""
        lo, hi = self.a_high[0], self.a_high[-1]
        return np.asarray((a >= lo * (1 - 1e-9)) & (a <= hi * (1 + 1e-9)))

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
        below, above = _extrapolate(xs, rs, x)
        r = np.where(x < xs[0], below, inside)
        r = np.where(x > xs[-1], above, r)
        return np.asarray(r, dtype=np.float64)


# Below the thinnest step a curve is extrapolated over at most this much ln A_high.
_BELOW_SPAN = 1.0


def _extrapolate(
    xs: NDArray[np.float64], rs: NDArray[np.float64], x: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """R below the first and above the last step (both arrays over all ``x``).

    Above: R = r_n + s·d + c·d²/2 with d = x − x_n, s the slope at the last step
    from the last secant, c ≥ 0 the curvature from the last two secants (beam
    hardening: the slope in ln A flattens with thickness). c is capped so the
    slope halves no faster than over half an e-fold, and d stops where the slope
    reaches 0 — R never rises with thickness. Using the outermost secant as it is
    (c = 0) overshoots: it let tin's curve fall onto iron's at A_high ≈ 4.
    """
    sec = np.diff(rs) / np.diff(xs)
    mid = 0.5 * (xs[1:] + xs[:-1])
    s_lo = min(float(sec[0]), 0.0)  # R falls with A_high; a rising secant is noise
    below = rs[0] + s_lo * (np.maximum(x, xs[0] - _BELOW_SPAN) - xs[0])
    s_last = min(float(sec[-1]), 0.0)
    c = 0.0
    if sec.size >= 2:
        c = float(np.clip((sec[-1] - sec[-2]) / (mid[-1] - mid[-2]), 0.0, abs(s_last)))
    slope = min(s_last + c * (xs[-1] - mid[-1]), 0.0)
    d = np.maximum(x - xs[-1], 0.0)
    if c > 0:
        d = np.minimum(d, -slope / c)
    above = rs[-1] + slope * d + 0.5 * c * d * d
    return np.asarray(below, dtype=np.float64), np.asarray(above, dtype=np.float64)


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


# Where a curve is extrapolated, it keeps at least this fraction of the gap to its
# neighbour that the two had at the nearest A_high where both were measured.
MIN_GAP_FRACTION = 0.3
_MIN_GAP = 1e-4  # between measured curves: only strict ordering


def _order_curves(
    r_curves: NDArray[np.float64], measured: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """Make the curves (materials sorted by Z × A nodes) strictly increasing in Z.

    Only extrapolated stretches are moved: first the heavier curve of each pair up
    (where it is extrapolated), then the lighter one down (where only it is).
    """
    r = r_curves.copy()
    n = r.shape[0]
    required = np.full((max(n - 1, 0), r.shape[1]), _MIN_GAP)
    for k in range(n - 1):
        both = measured[k] & measured[k + 1]
        gap = r[k + 1] - r[k]
        if both.any():
            idx = np.flatnonzero(both)
            nodes = np.arange(gap.size)
            pos = np.searchsorted(idx, nodes)
            right = idx[np.minimum(pos, idx.size - 1)]
            left = idx[np.maximum(pos - 1, 0)]
            nearest = np.where(np.abs(nodes - left) <= np.abs(right - nodes), left, right)
            ref = gap[nearest]
        else:
            either = measured[k] | measured[k + 1]
            ref = np.full(gap.size, float(np.median(gap[either])) if either.any() else 0.0)
        extrap = ~both
        required[k] = np.where(extrap, np.maximum(MIN_GAP_FRACTION * ref, _MIN_GAP), _MIN_GAP)
    for k in range(n - 1):
        push = ~measured[k + 1]
        r[k + 1] = np.where(push, np.maximum(r[k + 1], r[k] + required[k]), r[k + 1])
    for k in range(n - 2, -1, -1):
        pull = ~measured[k] & measured[k + 1]
        r[k] = np.where(pull, np.minimum(r[k], r[k + 1] - required[k]), r[k])
    # Whatever is left (measured curves crossing: bad data) becomes strictly ordered.
    for k in range(n - 1):
        r[k + 1] = np.maximum(r[k + 1], r[k] + _MIN_GAP)
    return r


def _rational_fit(
    r_ref: NDArray[np.float64], zn: NDArray[np.float64]
) -> tuple[float, float, float]:
    """α, β, γ of R = (α + β·zn)/(1 + γ·zn) through the references (sorted by Z).

    Where R hardly changes with Z (metals at large A_high) the three columns are
    nearly collinear and a free fit can put the saturation level β/γ below the
    heaviest reference, which then has no finite Zeff. So the fit is constrained:
    γ ≥ 0, and β/γ at least a tenth of the last gap above the heaviest reference
    (at the bound β = γ·R_sat and α, γ follow by least squares).
    """
    if r_ref.size < 3:  # two references: no saturation term
        beta = float((r_ref[1] - r_ref[0]) / (zn[1] - zn[0]))
        return float(r_ref[0] - beta * zn[0]), beta, 0.0
    design = np.stack([np.ones_like(zn), zn, -zn * r_ref], axis=1)
    weight = np.ones_like(zn)
    # The linear form weights each residual by (1 + γ·zn); re-weighting a few times
    # turns it into the ordinary least-squares fit of R (Steiglitz–McBride).
    for _ in range(4):
        (alpha, beta, gamma), *_ = np.linalg.lstsq(
            design * weight[:, None], r_ref * weight, rcond=None
        )
        weight = 1.0 / np.maximum(1.0 + gamma * zn, 1e-3)
    r_sat_min = float(r_ref[-1] + _SAT_GAP * max(r_ref[-1] - r_ref[-2], 1e-3))
    if gamma > 0 and beta / gamma < r_sat_min:
        # Saturation pinned: β = γ·r_sat, so R = α + γ·zn·(r_sat − R), linear in α, γ
        # (re-weighted like the free fit).
        pinned = np.stack([np.ones_like(zn), zn * (r_sat_min - r_ref)], axis=1)
        weight = 1.0 / np.maximum(1.0 + gamma * zn, 1e-3)
        for _ in range(4):
            (alpha, gamma), *_ = np.linalg.lstsq(
                pinned * weight[:, None], r_ref * weight, rcond=None
            )
            weight = 1.0 / np.maximum(1.0 + gamma * zn, 1e-3)
        beta = gamma * r_sat_min
    if gamma < 0:  # no saturation at all: straight line in zn
        gamma = 0.0
        (alpha, beta), *_ = np.linalg.lstsq(design[:, :2], r_ref, rcond=None)
    if not (beta - gamma * alpha > 0):  # not increasing in Z: unusable, go linear in zn
        beta = float((r_ref[-1] - r_ref[0]) / (zn[-1] - zn[0]))
        alpha, gamma = float(r_ref[0] - beta * zn[0]), 0.0
    return float(alpha), float(beta), float(gamma)


def _zeff_column(
    r_ref: NDArray[np.float64], z_ref: NDArray[np.float64], r_axis: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Zeff along ``r_axis`` at one A_high, from reference ratios ``r_ref`` (sorted by Z).

    Fits R = (α + β·zn)/(1 + γ·zn), zn = (Z/10)^n, as the linear least-squares
    problem R = α + β·zn − γ·zn·R (constrained, see ``_rational_fit``); inverts it;
    then corrects it to pass through every reference exactly (log-residual
    interpolated linearly in the model's ln Z, constant beyond the outermost
    references).
    """
    zn = (z_ref / _Z_SCALE) ** PHOTO_EXPONENT
    alpha, beta, gamma = _rational_fit(r_ref, zn)

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


def _point_problem(p: ReferencePoint) -> str:
    """Why a reference point cannot be used, or ``""``."""
    if not (np.isfinite(p.a_high) and np.isfinite(p.a_low) and p.a_high > 0 and p.a_low > 0):
        return f"no attenuation (A_high {p.a_high:.3f}, A_low {p.a_low:.3f})"
    for channel, sigma in (("low", p.a_low_sigma), ("high", p.a_high_sigma)):
        if sigma * MIN_STEP_SNR > 1.0:
            return (f"{channel}-energy signal at the noise floor: per-pixel SNR "
                    f"{1.0 / sigma:.1f} < {MIN_STEP_SNR:g}")
    return ""


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
        rejected: Sequence[RejectedReference] = (),
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
        self.rejected = tuple(rejected)
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
        rejected: Iterable[RejectedReference] = (),
    ) -> MaterialModel:
        """Fit one R(A_high) curve per reference material and bake the Zeff table.

        Needs at least two reference materials with different Zeff; more (organic,
        light metal, metal) give a better interpolation. Points that cannot be
        trusted (non-positive or non-finite attenuation, or a per-pixel signal at the
        noise floor, see ``MIN_STEP_SNR``) are left out and kept in ``rejected`` with
        the reason, after the steps the caller already ``rejected`` (wedge measurement).
        """
        pts: list[ReferencePoint] = []
        dropped = list(rejected)
        for p in points:
            reason = _point_problem(p)
            if reason:
                dropped.append(RejectedReference(p.material, p.thickness_mm, reason))
            else:
                pts.append(p)
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
        r_curves = _order_curves(
            np.stack([c(a_axis) for c in curves]),  # (materials, A nodes)
            np.stack([c.measured(a_axis) for c in curves]),
        )
        z_ref = np.array([c.zeff for c in curves])
        # The R axis spans the curves plus a margin for lighter/heavier matter; it must
        # stay tight: metal curves lie only ~0.02 apart in R at large A_high.
        spread = float(r_curves.max() - r_curves.min())
        r_min = max(float(r_curves.min()) - R_MARGIN * spread, 0.0)
        r_max = float(r_curves.max()) + R_MARGIN * spread
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
            rejected=dropped,
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
        """Accepted points through the baked table (the lookup the images use), with
        the single-pixel Zeff spread from each step's low-energy pixel noise."""
        if not self.points:
            return ()
        a_hi = np.array([p.a_high for p in self.points])
        a_lo = np.array([p.a_low for p in self.points])
        d_lo = np.array([p.a_low_sigma for p in self.points]) / np.sqrt(_SMOOTHED_PIXELS)
        zm = self.zeff_at(a_hi, a_lo)
        spread = 0.5 * np.abs(self.zeff_at(a_hi, a_lo + d_lo) - self.zeff_at(a_hi, a_lo - d_lo))
        return tuple(
            Residual(p.material, p.thickness_mm, p.a_high, p.zeff, float(z), float(dz))
            for p, z, dz in zip(self.points, zm, spread, strict=True)
        )

    def leave_one_out(self) -> tuple[Residual, ...]:
        """Each accepted point judged by a model fitted without it (same order as
        ``residuals``). The table reproduces its own references by construction, so
        only this says how well the model interpolates between steps — and, for the
        thinnest and thickest step of a material, how well it extrapolates. Costs
        one fit per point (tens of ms each): for calibration reports, not per scan.
        """
        out: list[Residual] = []
        for i, p in enumerate(self.points):
            rest = [q for j, q in enumerate(self.points) if j != i]
            try:
                other = MaterialModel.fit(rest, a_high_max=self.a_high_max)
            except MaterialModelError:
                continue
            z = float(other.zeff_at(p.a_high, p.a_low)[0])
            out.append(Residual(p.material, p.thickness_mm, p.a_high, p.zeff, z))
        return tuple(out)

    def residual_table(self, leave_one_out: Sequence[Residual] = ()) -> str:
        """Accepted steps (table Zeff vs nominal, ±1σ Zeff of a single smoothed pixel,
        and the leave-one-out error where given), then the steps left out and why."""
        loo = {(r.material, r.thickness_mm, r.a_high): r for r in leave_one_out}
        lines = [f"{'material':<14}{'t_mm':>8}{'A_hi':>8}{'Z_nom':>8}{'Z_fit':>8}{'err%':>8}"
                 f"{'±Z_px':>8}" + (f"{'loo%':>8}" if loo else "")]
        for r in self.residuals:
            cv = loo.get((r.material, r.thickness_mm, r.a_high))
            lines.append(
                f"{r.material:<14}{r.thickness_mm:>8.2f}{r.a_high:>8.3f}{r.zeff_nominal:>8.2f}"
                f"{r.zeff_model:>8.2f}{100 * r.relative_error:>8.2f}{r.zeff_pixel_sigma:>8.2f}"
                + (f"{100 * cv.relative_error:>8.2f}" if cv is not None else "")
            )
        lines += [f"{r.material:<14}{r.thickness_mm:>8.2f}  rejected: {r.reason}"
                  for r in self.rejected]
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
            "rejected": [asdict(r) for r in self.rejected],
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
                rejected=[RejectedReference(str(r["material"]), float(r["thickness_mm"]),
                                            str(r["reason"]))
                          for r in meta.get("rejected", [])],
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
