"""Dark/air calibration: building, validation, applying, serialisation (synthetic data)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from station_app.config import CalibrationConfig
from station_app.imaging.calibration import (
    CalibrationError,
    CalibrationSet,
    Calibrator,
    build_calibration,
    check_usable,
)

PIXELS = 128
NOW = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
DEAD_LOW_GAIN = 10
DEAD_AT_ZERO = 40
NOISY = 70


def _frames(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    dark_level = rng.normal(1000, 50, PIXELS)
    gain = rng.normal(48000, 500, PIXELS)
    gain[DEAD_LOW_GAIN] = 5000.0
    dark = dark_level + rng.normal(0, 6, (64, PIXELS))
    air = dark_level + gain + rng.normal(0, 300, (128, PIXELS))
    air[:, NOISY] += rng.normal(0, 5000, 128)
    dark[:, DEAD_AT_ZERO] = 0
    air[:, DEAD_AT_ZERO] = 0
    d = np.clip(dark, 0, 65535).astype(np.uint16)
    a = np.clip(air, 0, 65535).astype(np.uint16)
    return d, d.copy(), a, a.copy()


@pytest.fixture(scope="module")
def calibration() -> CalibrationSet:
    rng = np.random.default_rng(3)
    return build_calibration(
        *_frames(rng), serial="SN-1", config=CalibrationConfig(), created_at=NOW
    )


def test_bad_pixels_found(calibration: CalibrationSet) -> None:
    bad = set(np.flatnonzero(calibration.bad_mask).tolist())
    assert bad == {DEAD_LOW_GAIN, DEAD_AT_ZERO, NOISY}
    assert calibration.stats.dead_pixels == 2
    assert calibration.stats.noisy_pixels == 1
    assert calibration.stats.dark_noise_high == pytest.approx(6.0, rel=0.2)
    assert calibration.stats.median_air_high == pytest.approx(49000, rel=0.02)
    assert 7.0 < calibration.a_max_high < 8.5  # ln(48000 / (3·6))


def test_apply_gives_log_attenuation(calibration: CalibrationSet) -> None:
    cal = Calibrator(calibration)
    gain = calibration.air_high - calibration.dark_high
    a_true = np.linspace(0.0, 5.0, 20, dtype=np.float32)[:, None]
    raw = (calibration.dark_high + gain * np.exp(-a_true)).round().astype(np.uint16)
    a_high, a_low = cal.apply(raw, raw)
    good = ~calibration.bad_mask
    np.testing.assert_allclose(a_high[:, good], np.broadcast_to(a_true, a_high.shape)[:, good],
                               atol=2e-3)
    assert a_high.dtype == np.float32
    np.testing.assert_array_equal(a_high, a_low)


def test_dead_pixels_interpolated_from_neighbours(calibration: CalibrationSet) -> None:
    cal = Calibrator(calibration)
    gain = calibration.air_high - calibration.dark_high
    # attenuation ramps across the detector: interpolation must follow the ramp
    a_true = np.linspace(0.5, 1.5, PIXELS, dtype=np.float32)[None, :].repeat(4, axis=0)
    raw = (calibration.dark_high + gain * np.exp(-a_true)).round().astype(np.uint16)
    raw[:, DEAD_AT_ZERO] = 0  # what a broken channel reads
    a_high, _ = cal.apply(raw, raw)
    for px in (DEAD_LOW_GAIN, DEAD_AT_ZERO, NOISY):
        assert a_high[0, px] == pytest.approx(a_true[0, px], abs=2e-3)


def test_zero_and_saturated_lines_stay_finite(calibration: CalibrationSet) -> None:
    cal = Calibrator(calibration)
    raw = np.zeros((3, PIXELS), np.uint16)
    raw[1] = 65535
    a_high, a_low = cal.apply(raw, raw)
    assert np.isfinite(a_high).all() and np.isfinite(a_low).all()
    # nothing got through: A_max (per pixel ln(gain/floor), gains differ by ~1 %)
    assert a_high[0].min() > cal.a_max_high - 0.1
    assert a_high[1].max() == 0.0  # above air: no attenuation
    assert a_high.max() <= cal.a_max_high


def test_apply_reuses_out_buffers(calibration: CalibrationSet) -> None:
    cal = Calibrator(calibration)
    raw = np.full((5, PIXELS), 20000, np.uint16)
    out = (np.empty((5, PIXELS), np.float32), np.empty((5, PIXELS), np.float32))
    result = cal.apply(raw, raw, out=out)
    assert result[0] is out[0] and result[1] is out[1]


@pytest.mark.parametrize(
    ("high_shape", "low_shape", "match"),
    [
        ((4, PIXELS + 1), (4, PIXELS + 1), r"expected shape \(lines, 128\), got \(4, 129\)"),
        ((4, PIXELS), (5, PIXELS), "differs"),
        ((PIXELS,), (PIXELS,), r"expected shape \(lines, 128\)"),
    ],
)
def test_apply_rejects_bad_shapes(
    calibration: CalibrationSet,
    high_shape: tuple[int, ...],
    low_shape: tuple[int, ...],
    match: str,
) -> None:
    cal = Calibrator(calibration)
    with pytest.raises(ValueError, match=match):
        cal.apply(np.zeros(high_shape, np.uint16), np.zeros(low_shape, np.uint16))


def test_apply_rejects_wrong_dtype(calibration: CalibrationSet) -> None:
    cal = Calibrator(calibration)
    with pytest.raises(ValueError, match="uint16"):
        cal.apply(np.zeros((2, PIXELS), np.float32), np.zeros((2, PIXELS), np.float32))


def test_check_usable_accepts_fresh(calibration: CalibrationSet) -> None:
    check_usable(calibration, serial="SN-1", pixels=PIXELS, now=NOW + timedelta(hours=1),
                 max_age_hours=24)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"now": NOW + timedelta(hours=30)}, "stale: 30.0 h old, limit 24.0 h"),
        ({"serial": "SN-2"}, "is for scanner SN-1, not SN-2"),
        ({"pixels": 256}, "calibration has 128 pixels, scanner has 256"),
        ({"now": NOW - timedelta(hours=2)}, "in the future"),
    ],
)
def test_check_usable_refuses(
    calibration: CalibrationSet, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"serial": "SN-1", "pixels": PIXELS, "now": NOW,
                               "max_age_hours": 24.0}
    args.update(kwargs)
    with pytest.raises(CalibrationError, match=message):
        check_usable(calibration, **args)  # type: ignore[arg-type]


def test_check_usable_refuses_missing() -> None:
    with pytest.raises(CalibrationError, match="no calibration for scanner SN-1"):
        check_usable(None, serial="SN-1", pixels=PIXELS, now=NOW, max_age_hours=24)


def test_bytes_round_trip(calibration: CalibrationSet) -> None:
    back = CalibrationSet.from_bytes(calibration.to_bytes())
    assert back.calibration_id == calibration.calibration_id
    assert back.created_at == calibration.created_at
    assert back.stats == calibration.stats
    np.testing.assert_array_equal(back.bad_mask, calibration.bad_mask)
    np.testing.assert_array_equal(back.air_low, calibration.air_low)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b"",
        lambda b: b"not an archive at all",
        lambda b: b[: len(b) // 2],
        lambda b: b[:100] + bytes(50) + b[150:],
    ],
    ids=["empty", "garbage", "truncated", "overwritten"],
)
def test_corrupt_bytes_rejected(calibration: CalibrationSet, mangle: object) -> None:
    payload = mangle(calibration.to_bytes())  # type: ignore[operator]
    with pytest.raises(CalibrationError, match="corrupt calibration payload"):
        CalibrationSet.from_bytes(payload)


def test_too_many_bad_pixels_refused() -> None:
    rng = np.random.default_rng(1)
    dark, _, air, _ = _frames(rng)
    air[:, :20] = dark[:20, :20].mean()  # 20 of 128 pixels see no beam
    with pytest.raises(CalibrationError, match="detector needs service"):
        build_calibration(dark, dark, air, air, serial="S", config=CalibrationConfig())


def test_no_beam_refused() -> None:
    rng = np.random.default_rng(1)
    dark, _, _, _ = _frames(rng)
    with pytest.raises(CalibrationError, match="X-rays on"):
        build_calibration(dark, dark, dark, dark, serial="S", config=CalibrationConfig())


def test_build_rejects_mismatched_frames() -> None:
    rng = np.random.default_rng(1)
    dark, _, air, _ = _frames(rng)
    with pytest.raises(ValueError, match="expected 128 pixels"):
        build_calibration(dark, dark, air[:, :64], air, serial="S", config=CalibrationConfig())


def test_frozen(calibration: CalibrationSet) -> None:
    changed = replace(calibration, scanner_serial="X")
    assert calibration.scanner_serial == "SN-1" and changed.scanner_serial == "X"
