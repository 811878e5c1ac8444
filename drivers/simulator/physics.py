"""X-ray physics of the simulated scanner: tube spectrum, attenuation, sandwich detector.

Everything energy-dependent is integrated here once per driver on a 1 keV grid, so
imaging a parcel needs no per-energy work:

* every material is written as a combination of two basis materials (a low-Z
  plastic and iron), so a scene is just two basis-thickness maps;
* per detector channel a 2-D lookup table holds ``-ln(signal / air signal)`` as a
  function of the two basis thicknesses, integrated over the whole spectrum and
  the energy-integrating detector response (beam hardening included);
* a pixel's expected transmission is a bilinear lookup in that table.

Thickness axes of the table are uniform in signed square root of the thickness so
that thin objects (where attenuation changes fastest relative to itself) get fine
steps and thick ones coarse steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import xraydb
from numpy.typing import NDArray
from scipy.optimize import least_squares
from scipy.special import logsumexp

from drivers.simulator.catalog import material

ZEFF_EXPONENT = 2.94

FloatArray = NDArray[np.float64]
Float32Array = NDArray[np.float32]


@dataclass(frozen=True)
class TubeSpec:
    """X-ray tube: peak voltage, anode angle and filtration (formula or symbol, mm)."""

    kv: float = 140.0
    anode_angle_deg: float = 12.0
    # Be window is the tube's inherent filtration; the Al is the added beam filter.
    filtration_mm: tuple[tuple[str, float], ...] = (("Be", 0.8), ("Al", 2.5))


@dataclass(frozen=True)
class SandwichDetectorSpec:
    """Front scintillator (low channel), interlayer filter, back scintillator (high)."""

    scintillator_formula: str = "CsI"
    scintillator_density_g_cm3: float = 4.51
    front_mm: float = 0.4
    filter_formula: str = "Cu"
    filter_density_g_cm3: float = 8.96
    filter_mm: float = 0.5
    back_mm: float = 4.0


@dataclass(frozen=True)
class BasisCoefficients:
    """Basis thickness (mm) per mm of a material: ``low`` plastic, ``high`` iron.

    Either may be slightly negative: that is what a two-basis fit of a material
    outside the span of the bases gives, and the sum is still a positive attenuation.
    """

    low: float
    high: float


@dataclass(frozen=True)
class ThicknessAxis:
    """A signed-square-root thickness axis: node i sits at u = u_min + i * du, T = u·|u|."""

    min_mm: float
    max_mm: float
    nodes: int

    @property
    def du(self) -> float:
        u_min = float(np.sign(self.min_mm) * np.sqrt(abs(self.min_mm)))
        return (float(np.sqrt(self.max_mm)) - u_min) / (self.nodes - 1)

    @property
    def u_min(self) -> float:
        # Snapped so that a node sits exactly at zero: air must read exactly 1.
        return -round(float(np.sqrt(abs(min(self.min_mm, 0.0)))) / self.du) * self.du

    def thickness_mm(self) -> FloatArray:
        u = self.u_min + self.du * np.arange(self.nodes, dtype=np.float64)
        return u * np.abs(u)

    def index(self, thickness_mm: Float32Array) -> Float32Array:
        """float32 fractional node index for each thickness (same shape)."""
        u = np.sqrt(np.abs(thickness_mm))
        np.copysign(u, thickness_mm, out=u)
        u -= np.float32(self.u_min)
        u *= np.float32(1.0 / self.du)
        return u


@dataclass(frozen=True)
class SignalLut:
    """Per-channel log attenuation ``-ln(S/S_air)`` on a (low-basis × high-basis) grid.

    ``table``: float32 (high.nodes, low.nodes, 2), channel 0 = high, 1 = low energy.
    """

    low_axis: ThicknessAxis
    high_axis: ThicknessAxis
    table: Float32Array = field(repr=False)

    def attenuation(
        self, t_low_mm: Float32Array, t_high_mm: Float32Array
    ) -> tuple[Float32Array, Float32Array]:
        """Log attenuation (A_high, A_low), float32 maps shaped like the inputs."""
        map_x = self.low_axis.index(np.ascontiguousarray(t_low_mm, dtype=np.float32))
        map_y = self.high_axis.index(np.ascontiguousarray(t_high_mm, dtype=np.float32))
        # Beyond the table the object is opaque anyway; replicate the edge values.
        both = cv2.remap(
            self.table, map_x, map_y, interpolation=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )
        table = np.asarray(both, dtype=np.float32)
        return table[..., 0], table[..., 1]

    def transmission(
        self, t_low_mm: Float32Array, t_high_mm: Float32Array
    ) -> tuple[Float32Array, Float32Array]:
        """Expected signal relative to air (T_high, T_low), float32."""
        a_high, a_low = self.attenuation(t_low_mm, t_high_mm)
        t_high = np.asarray(np.exp(-a_high), dtype=np.float32)
        t_low = np.asarray(np.exp(-a_low), dtype=np.float32)
        return t_high, t_low


def zeff_true(material_name: str) -> float:
    """Power-law effective atomic number (electron fractions, exponent 2.94)."""
    counts = xraydb.chemparse(material(material_name).formula)
    z = np.array([xraydb.atomic_number(el) for el in counts], dtype=np.float64)
    n = np.array(list(counts.values()), dtype=np.float64)
    electrons = n * z
    fractions = electrons / electrons.sum()
    return float(np.sum(fractions * z**ZEFF_EXPONENT) ** (1.0 / ZEFF_EXPONENT))


def _mu_formula_cm1(formula: str, density_g_cm3: float, energies_kev: FloatArray) -> FloatArray:
    mu = xraydb.material_mu(formula, energies_kev * 1000.0, density=density_g_cm3)
    return np.asarray(mu, dtype=np.float64)


class XrayPhysics:
    """Spectrum, detector response, basis decomposition and lookup table of one scanner.

    Building one costs about a second (spekpy set-up, attenuation tables), so a
    driver builds one and keeps it. Material coefficients are computed on first use.
    """

    def __init__(
        self,
        tube: TubeSpec | None = None,
        detector: SandwichDetectorSpec | None = None,
        *,
        basis_low: str = "pom",
        basis_high: str = "iron",
        low_axis: ThicknessAxis | None = None,
        high_axis: ThicknessAxis | None = None,
    ) -> None:
        self.tube = tube or TubeSpec()
        self.detector = detector or SandwichDetectorSpec()
        self.basis_names = (basis_low, basis_high)
        energies_kev, spectrum = _tube_spectrum(self.tube)
        response_high, response_low = _sandwich_response(self.detector, energies_kev)
        # Bins the filtration leaves empty carry no signal but would dominate the
        # relative-error fit and overflow exp() for negative basis thicknesses.
        useful = (spectrum * response_low > 1e-7 * np.max(spectrum * response_low)) | (
            spectrum * response_high > 1e-7 * np.max(spectrum * response_high)
        )
        self.energies_kev: FloatArray = energies_kev[useful]
        self.spectrum: FloatArray = spectrum[useful]
        self.response_high: FloatArray = response_high[useful]
        self.response_low: FloatArray = response_low[useful]
        # Photons × deposited energy per channel, normalised so air gives 1.
        w_high = self.spectrum * self.response_high
        w_low = self.spectrum * self.response_low
        self.weights_high: FloatArray = w_high / w_high.sum()
        self.weights_low: FloatArray = w_low / w_low.sum()
        self._mu_basis = np.stack(
            [self.mu_cm1(basis_low), self.mu_cm1(basis_high)]
        )  # (2, energies), 1/cm
        self._coefficients: dict[str, BasisCoefficients] = {}
        self.lut = self._build_lut(
            low_axis or ThicknessAxis(-300.0, 3000.0, 512),
            high_axis or ThicknessAxis(-60.0, 200.0, 256),
        )

    # ----------------------------------------------------------------- materials
    def mu_cm1(self, material_name: str, energies_kev: FloatArray | None = None) -> FloatArray:
        """Linear attenuation coefficient (1/cm) of a catalog material."""
        spec = material(material_name)
        e = self.energies_kev if energies_kev is None else np.asarray(energies_kev, np.float64)
        return _mu_formula_cm1(spec.formula, spec.density_g_cm3, e)

    def exact_transmission(self, material_name: str, thickness_mm: float) -> tuple[float, float]:
        """Polychromatic (T_high, T_low) of a uniform slab, integrated without the basis."""
        high, low = self._transmission_of_mu(self.mu_cm1(material_name), np.array([thickness_mm]))
        return float(high[0]), float(low[0])

    def basis_transmission(self, t_low_mm: float, t_high_mm: float) -> tuple[float, float]:
        """Polychromatic (T_high, T_low) of basis thicknesses, integrated without the LUT."""
        line_integral = (self._mu_basis[0] * t_low_mm + self._mu_basis[1] * t_high_mm) / 10.0
        att = np.exp(-line_integral)
        return float(self.weights_high @ att), float(self.weights_low @ att)

    def coefficients(self, material_name: str) -> BasisCoefficients:
        """Basis decomposition of a material (cached per instance)."""
        cached = self._coefficients.get(material_name)
        if cached is None:
            cached = self._decompose(material_name)
            self._coefficients[material_name] = cached
        return cached

    def _transmission_of_mu(self, mu_cm1: FloatArray, thickness_mm: FloatArray) -> FloatArray:
        """(2, n) polychromatic transmission (high, low) for thicknesses in mm."""
        att = np.exp(-np.outer(thickness_mm / 10.0, mu_cm1))  # (n, energies)
        return np.stack([att @ self.weights_high, att @ self.weights_low])

    def _decompose(self, material_name: str) -> BasisCoefficients:
        mu = self.mu_cm1(material_name)
        # Relative errors matter (they become log-transmission errors), hence 1/mu.
        weights = np.sqrt(self.weights_high + self.weights_low) / mu
        design = (self._mu_basis / mu.max()).T * weights[:, None]
        first, *_ = np.linalg.lstsq(design, mu / mu.max() * weights, rcond=None)
        # A linear fit over energy cannot follow K-edges inside the spectrum (tin,
        # lead, tungsten); refining on the measured quantity — log transmission of
        # both channels over the useful thickness range — keeps such metals right.
        mu_at_high_mean = float(np.interp(self._mean_energy_kev(self.weights_high),
                                          self.energies_kev, mu))
        thickness_mm = np.geomspace(0.05, 5.0, 10) / mu_at_high_mean * 10.0
        target = np.log(np.maximum(self._transmission_of_mu(mu, thickness_mm), 1e-300))

        def residual(c: FloatArray) -> FloatArray:
            fitted = self._transmission_of_mu(c @ self._mu_basis, thickness_mm)
            return (np.log(np.maximum(fitted, 1e-300)) - target).ravel()

        refined = least_squares(residual, first, method="lm")
        return BasisCoefficients(low=float(refined.x[0]), high=float(refined.x[1]))

    def _mean_energy_kev(self, weights: FloatArray) -> float:
        return float(weights @ self.energies_kev)

    @property
    def mean_energy_high_kev(self) -> float:
        return self._mean_energy_kev(self.weights_high)

    @property
    def mean_energy_low_kev(self) -> float:
        return self._mean_energy_kev(self.weights_low)

    # ---------------------------------------------------------------------- LUT
    def _build_lut(self, low_axis: ThicknessAxis, high_axis: ThicknessAxis) -> SignalLut:
        # Negative basis thicknesses make exp(+mu T) overflow at low energies, so the
        # spectral sum is done as a log-sum-exp, one high-basis row at a time.
        exponent_low = -np.outer(low_axis.thickness_mm() / 10.0, self._mu_basis[0])
        thickness_high_cm = high_axis.thickness_mm() / 10.0
        table = np.empty((high_axis.nodes, low_axis.nodes, 2), dtype=np.float32)
        for channel, weights in enumerate((self.weights_high, self.weights_low)):
            log_w = np.log(np.maximum(weights, 1e-300))
            for j, t_high_cm in enumerate(thickness_high_cm):
                table[j, :, channel] = -logsumexp(
                    exponent_low + (log_w - self._mu_basis[1] * t_high_cm), axis=1
                )
        return SignalLut(low_axis=low_axis, high_axis=high_axis, table=table)


def _tube_spectrum(tube: TubeSpec) -> tuple[FloatArray, FloatArray]:
    """Photon fluence per 1 keV bin (bin centres in keV) of a filtered tube."""
    # spekpy takes ~1.5 s to import; only a driver that images anything pays it.
    import spekpy

    spek = spekpy.Spek(kvp=tube.kv, th=tube.anode_angle_deg, dk=1.0)
    for formula, thickness_mm in tube.filtration_mm:
        spek.filter(formula, thickness_mm)
    energies_kev, fluence = spek.get_spectrum()
    return np.asarray(energies_kev, np.float64), np.asarray(fluence, np.float64)


def _sandwich_response(
    spec: SandwichDetectorSpec, energies_kev: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Deposited energy per incident photon in the (high, low) scintillators."""
    mu_scint = _mu_formula_cm1(spec.scintillator_formula, spec.scintillator_density_g_cm3,
                               energies_kev)
    mu_filter = _mu_formula_cm1(spec.filter_formula, spec.filter_density_g_cm3, energies_kev)
    pass_front = np.exp(-mu_scint * spec.front_mm / 10.0)
    pass_filter = np.exp(-mu_filter * spec.filter_mm / 10.0)
    absorb_back = 1.0 - np.exp(-mu_scint * spec.back_mm / 10.0)
    response_low = energies_kev * (1.0 - pass_front)
    response_high = energies_kev * pass_front * pass_filter * absorb_back
    return response_high, response_low
