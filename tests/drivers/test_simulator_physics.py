"""Real physics of the simulator: spectrum, detector response, basis decomposition, LUT."""

from __future__ import annotations

import numpy as np
import pytest

from drivers.simulator.physics import XrayPhysics, zeff_true


def _lut(physics: XrayPhysics, t_low_mm: float, t_high_mm: float) -> tuple[float, float]:
    high, low = physics.lut.transmission(
        np.array([[t_low_mm]], np.float32), np.array([[t_high_mm]], np.float32)
    )
    return float(high[0, 0]), float(low[0, 0])


def test_spectrum_and_channels_are_plausible(physics: XrayPhysics) -> None:
    assert physics.energies_kev.max() < physics.tube.kv
    assert np.all(np.diff(physics.energies_kev) == pytest.approx(1.0))
    # The copper filter hardens the back channel well above the front one.
    assert physics.mean_energy_low_kev + 20 < physics.mean_energy_high_kev
    assert physics.weights_high.sum() == pytest.approx(1.0)


def test_mu_falls_with_energy_below_k_edges(physics: XrayPhysics) -> None:
    mu = physics.mu_cm1("water", np.array([30.0, 60.0, 100.0]))
    assert np.all(np.diff(mu) < 0)
    assert mu[2] == pytest.approx(0.17, rel=0.05)  # NIST: 0.1707 cm²/g at 100 keV


@pytest.mark.parametrize("material", ["pom", "aluminium", "iron"])
def test_transmission_is_monotonic_and_low_channel_attenuates_more(
    physics: XrayPhysics, material: str
) -> None:
    c = physics.coefficients(material)
    thicknesses = np.geomspace(0.2, 100.0 if material != "iron" else 15.0, 25)
    pairs = np.array([_lut(physics, c.low * t, c.high * t) for t in thicknesses])
    assert np.all(np.diff(pairs[:, 0]) < 0) and np.all(np.diff(pairs[:, 1]) < 0)
    assert np.all(pairs[:, 1] < pairs[:, 0])


def test_lut_is_monotonic_along_both_axes(physics: XrayPhysics) -> None:
    table = physics.lut.table
    low_zero = int(np.argmin(np.abs(physics.lut.low_axis.thickness_mm())))
    high_zero = int(np.argmin(np.abs(physics.lut.high_axis.thickness_mm())))
    # Log attenuation grows with either basis thickness (positive quadrant).
    assert np.all(np.diff(table[high_zero:, low_zero:, :], axis=0) > 0)
    assert np.all(np.diff(table[high_zero:, low_zero:, :], axis=1) > 0)


def test_dual_energy_ratio_grows_with_atomic_number(physics: XrayPhysics) -> None:
    ratios = []
    for material in ("polyethylene", "pom", "aluminium", "iron", "tin"):
        mu = physics.mu_cm1(material)
        mu_high = float(np.interp(physics.mean_energy_high_kev, physics.energies_kev, mu))
        t_mm = 10.0 / mu_high  # about the same high-energy attenuation (A_high ≈ 1)
        high, low = physics.exact_transmission(material, t_mm)
        ratios.append(np.log(low) / np.log(high))
    assert np.all(np.diff(ratios) > 0), ratios


@pytest.mark.parametrize(
    ("material", "thicknesses_mm"),
    [
        ("water", (2.0, 20.0, 80.0, 200.0)),
        ("aluminium", (1.0, 10.0, 30.0, 60.0)),
        ("copper", (0.1, 0.5, 2.0, 5.0)),
        ("glass", (1.0, 10.0, 40.0)),
    ],
)
def test_basis_decomposition_matches_exact_polychromatic_transmission(
    physics: XrayPhysics, material: str, thicknesses_mm: tuple[float, ...]
) -> None:
    c = physics.coefficients(material)
    for t_mm in thicknesses_mm:
        exact = physics.exact_transmission(material, t_mm)
        basis = physics.basis_transmission(c.low * t_mm, c.high * t_mm)
        lut = _lut(physics, c.low * t_mm, c.high * t_mm)
        assert basis == pytest.approx(exact, rel=0.015), (material, t_mm)
        assert lut == pytest.approx(exact, rel=0.02), (material, t_mm)


def test_lut_evaluates_full_maps(physics: XrayPhysics) -> None:
    rng = np.random.default_rng(0)
    t_low = rng.uniform(0, 300, (64, 128)).astype(np.float32)
    t_high = rng.uniform(0, 10, (64, 128)).astype(np.float32)
    high, low = physics.lut.transmission(t_low, t_high)
    assert high.shape == low.shape == (64, 128)
    assert high.dtype == np.float32
    assert np.all((low > 0) & (low < high) & (high <= 1.0))
    air_high, air_low = physics.lut.transmission(np.zeros((2, 2), np.float32),
                                                 np.zeros((2, 2), np.float32))
    assert np.allclose(air_high, 1.0, atol=1e-5) and np.allclose(air_low, 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("material", "expected"),
    [("water", 7.42), ("aluminium", 13.0), ("iron", 26.0), ("polyethylene", 5.44)],
)
def test_zeff_true(material: str, expected: float) -> None:
    assert zeff_true(material) == pytest.approx(expected, abs=0.05)
