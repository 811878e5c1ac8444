"""Material model and analyzer on synthetic reference curves (no simulator)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from station_app.config import CalibrationConfig, MaterialsConfig
from station_app.domain import MaterialClass, RawScan
from station_app.imaging.calibration import CalibrationError, Calibrator, build_calibration
from station_app.imaging.materials import (
    MaterialAnalyzer,
    MaterialModel,
    MaterialModelError,
    ReferencePoint,
    RejectedReference,
    _order_curves,
    _zeff_column,
    parse_formula,
    zeff_of_formula,
)

# Synthetic detector: R(Z, A) = (1 + 0.004·Z³·h(A)) / (1 + 0.0012·Z³·h(A)) · (1 − 0.03·ln A)
# — rising like Z³, saturating for metals, falling with beam hardening.


def _ratio(z: float, a: float) -> float:
    zn = (z / 10.0) ** 3
    return float((1.15 + 1.1 * zn) / (1.0 + 0.35 * zn) * (1.0 - 0.03 * np.log(a)))


REFS = (("pom", 6.95), ("aluminium", 13.0), ("iron", 26.0), ("tin", 50.0))
A_STEPS = (0.1, 0.2, 0.4, 0.7, 1.1, 1.7, 2.5, 3.5)


def _points() -> list[ReferencePoint]:
    return [
        ReferencePoint(m, 0.0, z, a, a * _ratio(z, a), 0.01, 0.01, 1000)
        for m, z in REFS
        for a in A_STEPS
    ]


@pytest.fixture(scope="module")
def model() -> MaterialModel:
    return MaterialModel.fit(_points(), a_high_max=6.0)


def test_formula_parsing() -> None:
    assert parse_formula("H2O") == {"H": 2.0, "O": 1.0}
    assert parse_formula("H2O0.872C0.064H0.191O0.064") == pytest.approx(
        {"H": 2.191, "O": 0.936, "C": 0.064}
    )
    with pytest.raises(ValueError, match="unknown element 'Xx'"):
        parse_formula("Xx2")
    with pytest.raises(ValueError, match="cannot parse"):
        parse_formula("H2(O)")


@pytest.mark.parametrize(
    ("formula", "zeff"), [("H2O", 7.42), ("C2H4", 5.44), ("Al", 13.0), ("CH2O", 6.95)]
)
def test_zeff_of_formula(formula: str, zeff: float) -> None:
    assert zeff_of_formula(formula) == pytest.approx(zeff, abs=0.02)


def test_references_reproduced(model: MaterialModel) -> None:
    errors = [abs(r.relative_error) for r in model.residuals]
    assert max(errors) < 0.02, model.residual_table()
    assert "aluminium" in model.residual_table()


@pytest.mark.parametrize(("z", "a"), [(10.0, 0.5), (20.0, 1.0), (8.0, 2.0), (35.0, 0.8)])
def test_interpolates_between_references(model: MaterialModel, z: float, a: float) -> None:
    # The synthetic R(Z) has the model's functional form: interpolation is near exact.
    zeff = float(model.zeff_at(a, a * _ratio(z, a))[0])
    assert zeff == pytest.approx(z, rel=0.03)


def test_table_monotone_in_ratio(model: MaterialModel) -> None:
    assert (np.diff(model.table, axis=0) >= 0).all()


def test_zeff_image_matches_points(model: MaterialModel) -> None:
    a_high = np.full((4, 5), 1.0, np.float32)
    a_low = a_high * np.float32(_ratio(13.0, 1.0))
    img = model.zeff_image(a_high, a_low)
    assert img.shape == (4, 5) and img.dtype == np.float32
    np.testing.assert_allclose(img, 13.0, rtol=0.02)


def test_zero_attenuation_is_finite(model: MaterialModel) -> None:
    zeros = np.zeros((2, 3), np.float32)
    assert np.isfinite(model.zeff_image(zeros, zeros)).all()


def test_fit_needs_two_materials() -> None:
    only_pom = [p for p in _points() if p.material == "pom"]
    with pytest.raises(MaterialModelError, match="at least two reference materials"):
        MaterialModel.fit(only_pom, a_high_max=6.0)


def test_model_bytes_round_trip(model: MaterialModel) -> None:
    back = MaterialModel.from_bytes(model.to_bytes())
    np.testing.assert_array_equal(back.table, model.table)
    assert back.materials == model.materials
    assert [r.zeff_model for r in back.residuals] == pytest.approx(
        [r.zeff_model for r in model.residuals]
    )


def test_model_corrupt_bytes(model: MaterialModel) -> None:
    with pytest.raises(MaterialModelError, match="corrupt material_model payload"):
        MaterialModel.from_bytes(model.to_bytes()[:-40])
    with pytest.raises(MaterialModelError, match=r"not a station_app\.material_model"):
        from station_app.imaging.calibration import _pack

        MaterialModel.from_bytes(_pack({"format": "other", "version": 1},
                                       {"table": np.zeros((2, 2), np.float32)}))


def _analyzer(model: MaterialModel) -> tuple[MaterialAnalyzer, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    pixels = 64
    dark = rng.normal(1000, 6, (32, pixels)).astype(np.uint16)
    air = rng.normal(49000, 250, (64, pixels)).astype(np.uint16)
    cal = build_calibration(dark, dark, air, air, serial="SN", config=CalibrationConfig(),
                            created_at=datetime.now(UTC))
    analyzer = MaterialAnalyzer(Calibrator(cal), model, MaterialsConfig())
    return analyzer, cal.dark_high, cal.air_high - cal.dark_high


def _raw(dark: np.ndarray, gain: np.ndarray, a: np.ndarray) -> np.ndarray:
    raw: np.ndarray = np.clip(dark + gain * np.exp(-a), 0, 65535).round().astype(np.uint16)
    return raw


def test_analyzer_classes(model: MaterialModel) -> None:
    analyzer, dark, gain = _analyzer(model)
    lines = 40
    a_high = np.zeros((lines, 64), np.float32)
    z = np.zeros_like(a_high)
    # columns: air | organic | inorganic | metal | impenetrable
    for (c0, c1), zz, a in (((8, 20), 7.0, 1.0), ((20, 32), 13.0, 1.0),
                            ((32, 44), 26.0, 1.0), ((44, 56), 26.0, 9.0)):
        a_high[:, c0:c1] = a
        z[:, c0:c1] = zz
    ratio = np.where(z > 0, np.vectorize(_ratio)(np.maximum(z, 1.0), np.maximum(a_high, 0.1)), 1)
    a_low = a_high * ratio
    raw = RawScan("s1", "SN", 0, _raw(dark, gain, a_high), _raw(dark, gain, a_low),
                  0, 1, 1.0, 1.0)
    image = analyzer.process(raw)
    inner = slice(5, 35)
    expect = {(0, 6): MaterialClass.AIR, (10, 18): MaterialClass.ORGANIC,
              (22, 30): MaterialClass.INORGANIC, (34, 42): MaterialClass.METAL,
              (46, 54): MaterialClass.IMPENETRABLE}
    for (c0, c1), cls in expect.items():
        got = image.material_class[inner, c0:c1]
        assert (got == cls).mean() > 0.95, (cls, np.bincount(got.ravel()))
    assert (image.zeff[inner, 0:6] == 0).all()  # air has no Zeff
    assert set(analyzer.last_timings_ms) == {"calibrate", "materials"}


def test_analyzer_refuses_other_scanner(model: MaterialModel) -> None:
    analyzer, _, _ = _analyzer(model)
    raw = RawScan("s1", "OTHER", 0, np.zeros((2, 64), np.uint16), np.zeros((2, 64), np.uint16),
                  0, 1, 1.0, 1.0)
    with pytest.raises(CalibrationError, match="from scanner OTHER"):
        analyzer.process(raw)


def test_classify_rejects_shape_mismatch(model: MaterialModel) -> None:
    analyzer, _, _ = _analyzer(model)
    a = np.zeros((4, 64), np.float32)
    with pytest.raises(ValueError, match="shapes differ"):
        analyzer.classify(a, a, zeff_out=np.zeros((4, 63), np.float32),
                          class_out=np.zeros((4, 64), np.uint8))


def test_extrapolated_heavy_curve_stays_above_lighter() -> None:
    # Tin measured only up to A_high 1.1, its last step bent down so that the outermost
    # secant, continued straight, would fall through iron's curve by A_high ≈ 3.
    points = [p for p in _points() if p.material != "tin" or p.a_high <= 1.1]
    points = [
        ReferencePoint(p.material, 0.0, p.zeff, p.a_high, p.a_low * 0.97, 0.01, 0.01, 1000)
        if p.material == "tin" and p.a_high == 1.1 else p
        for p in points
    ]
    model = MaterialModel.fit(points, a_high_max=6.0)
    a_axis = np.linspace(0.0, 6.0, 61)
    iron, tin = (c for c in model.curves if c.material in ("iron", "tin"))
    assert (tin(a_axis) < iron(a_axis)).any()  # the raw continuation does cross …
    ordered = _order_curves(np.stack([c(a_axis) for c in model.curves]),
                            np.stack([c.measured(a_axis) for c in model.curves]))
    assert (np.diff(ordered, axis=0) > 0).all()  # … the table's curves never do
    np.testing.assert_array_equal(ordered[2], iron(a_axis))  # measured iron untouched
    # iron's own steps out there are still read as iron
    for a in (1.7, 2.5, 3.5):
        assert float(model.zeff_at(a, a * _ratio(26.0, a))[0]) == pytest.approx(26.0, rel=0.03)


def test_extrapolation_flattens_and_never_rises(model: MaterialModel) -> None:
    a = np.linspace(3.5, 6.0, 50)
    for curve in model.curves:
        r = curve(a)
        assert (np.diff(r) <= 1e-12).all(), curve.material
        # the slope in ln A flattens beyond the last step (beam hardening)
        slopes = np.diff(r) / np.diff(np.log(a))
        assert (np.diff(slopes) >= -1e-9).all(), curve.material
    # below the thinnest step: one e-fold of linear extrapolation, then constant
    tin = model.curves[-1]
    thin = tin(np.array([1e-4, 0.1 / np.e / 2, 0.1 / np.e]))
    assert thin[0] == pytest.approx(thin[2]) and thin[1] == pytest.approx(thin[2])


def test_noisy_point_rejected_with_reason() -> None:
    points = _points()
    noisy = ReferencePoint("iron", 15.0, 26.0, 4.3, 4.3 * _ratio(26.0, 4.3), 0.05, 0.5, 1000)
    model = MaterialModel.fit([*points, noisy], a_high_max=6.0)
    assert len(model.residuals) == len(points)
    assert [(r.material, r.thickness_mm) for r in model.rejected] == [("iron", 15.0)]
    assert "noise floor" in model.rejected[0].reason
    assert "rejected: low-energy signal at the noise floor" in model.residual_table()
    back = MaterialModel.from_bytes(model.to_bytes())
    assert back.rejected == model.rejected


def test_rejected_steps_passed_through() -> None:
    why = RejectedReference("tin", 5.0, "too thick: A_high 7.1 (limit 6.8)")
    model = MaterialModel.fit(_points(), a_high_max=6.0, rejected=[why])
    assert model.rejected == (why,)


def test_saturated_column_keeps_heaviest_reference_finite() -> None:
    # Metals at large A_high: R hardly grows from iron to tin (nearly saturated).
    z_ref = np.array([6.95, 13.0, 26.0, 50.0])
    r_ref = np.array([1.161, 1.285, 1.376, 1.3775])
    r_axis = np.linspace(1.1, 1.45, 400)
    z = _zeff_column(r_ref, z_ref, r_axis)
    assert (np.diff(z) >= 0).all() and np.isfinite(z).all()
    np.testing.assert_allclose(_zeff_column(r_ref, z_ref, r_ref), z_ref, rtol=0.01)


def test_leave_one_out(model: MaterialModel) -> None:
    loo = model.leave_one_out()
    assert len(loo) == len(model.residuals)
    # interior steps of the synthetic curves are predicted well without themselves
    inner = [r for r in loo if A_STEPS[0] < r.a_high < A_STEPS[-1]]
    assert max(abs(r.relative_error) for r in inner) < 0.05
    assert "loo%" in model.residual_table(loo)
