"""Synthetic parcels for the DICOS tests (no pipeline: every field is chosen by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from drivers.base import DetectorLayout, ScannerInfo
from station_app.domain import (
    Alarm,
    BoxPx,
    Detection,
    MaterialImage,
    ParcelScan,
    RawScan,
    TriageLevel,
    TriageResult,
)

SCANNER = ScannerInfo(
    vendor="ACME", model="DE-6040", serial="SN-42", pixels=96, pitch_mm=1.6,
    line_rate_hz=250.0, belt_speed_m_s=0.25, tube_kv=160.0, tube_ma=1.2,
    detector_layout=DetectorLayout.SANDWICH,
)
AIR = (52000, 30000)


def make_raw(
    scan_id: str = "S-0001", lines: int = 80, pixels: int = 96, seed: int = 0,
    tracking_id: str | None = "RA123456785FR",
) -> RawScan:
    """Air margins of 8 lines at both ends, a box of attenuation in between."""
    rng = np.random.default_rng(seed)
    high = np.full((lines, pixels), AIR[0], np.float64)
    low = np.full((lines, pixels), AIR[1], np.float64)
    high[8:-8, 10:-10] *= 0.4
    low[8:-8, 10:-10] *= 0.2
    high[20:30, 30:40] = 900
    low[20:30, 30:40] = 150
    high += rng.normal(0, 50, high.shape)
    low += rng.normal(0, 50, low.shape)
    return RawScan(
        scan_id=scan_id, scanner_serial="SN-42", first_line_index=1000,
        high_counts=np.clip(high, 0, 65535).astype(np.uint16),
        low_counts=np.clip(low, 0, 65535).astype(np.uint16),
        started_ns=1_000_000_000, ended_ns=1_320_000_000,
        line_pitch_mm=1.0, pixel_pitch_mm=1.6, tracking_id=tracking_id,
    )


def make_parcel(raw: RawScan, level: TriageLevel = TriageLevel.RED) -> ParcelScan:
    shape = raw.shape
    zeros = np.zeros(shape, np.float32)
    image = MaterialImage(zeros, zeros, zeros, np.zeros(shape, np.uint8),
                          raw.line_pitch_mm, raw.pixel_pitch_mm)
    alarms = (
        Alarm("dense_object", BoxPx(20, 30, 30, 40), 160.0, 0.9, "too dense to see through"),
        Alarm("lithium_battery", BoxPx(40, 12, 48, 20), 64.0, 0.55, "cell-like object"),
    )
    detections = (Detection("knife", 0.72, BoxPx(50, 60, 70, 66)),)
    return ParcelScan(
        raw=raw, image=image, alarms=alarms, detections=detections,
        triage=TriageResult(level, ("dense object",)),
        timings_ms={"calibrate": 4.0, "detect": 21.5}, calibration_id="cal-1",
    )


def make_rgba(shape: tuple[int, int], seed: int = 1) -> NDArray[np.uint8]:
    rng = np.random.default_rng(seed)
    rgba = rng.integers(0, 256, (*shape, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    return rgba


WHEN = datetime(2025, 3, 4, 10, 11, 12, 345678, tzinfo=UTC)
