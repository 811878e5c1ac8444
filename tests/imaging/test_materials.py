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
    parse_formula,
    zeff_of_formula,
)

# Synthetic detector: R(Z, A) = (1 + 0.004·Z³·h(A)) / (1 + 0.0012·Z³·h(A)) · (1 − 0.03·ln A)
# — rising like Z³, saturating for metals, falling with beam hardening.


def _ratio(z: float, a: float) -> float:
    zn = (z / 10.0) ** 3
    return (1.15 + 1.1 * zn) / (1.0 + 0.35 * zn) * (1.0 - 0.03 * np.log(a))


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
    return np.clip(dark + gain * np.exp(-a), 0, 65535).round().astype(np.uint16)


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
