"""Calibration and image-quality history of one scanner, with trends.

Each stored detector calibration becomes one point (dark offset, gain, dead and
noisy pixels, noise) paired with the materials calibration stored right after it
(worst wedge Zeff residual); image-quality runs are points of their own. A trend
is the least-squares slope per day of a series: a detector whose dead pixels or
dark noise climb from one calibration to the next needs service before it fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from station_app.storage import CalibrationRecord, CalibrationRepository, Database
from station_app.storage.image_quality import ImageQualityRepository, IqRecord

# Series a calibration point carries, with their units (the GUI's trend plots).
CALIBRATION_SERIES: dict[str, str] = {
    "dark_offset_counts": "counts",
    "gain_counts": "counts",
    "dark_noise_counts": "counts",
    "air_noise_counts": "counts",
    "dead_pixels": "pixels",
    "noisy_pixels": "pixels",
    "wedge_worst_error": "relative Zeff",
}


@dataclass(frozen=True)
class CalibrationPoint:
    record_id: str
    created_at: datetime
    operator: str
    accepted: bool
    values: dict[str, float]  # CALIBRATION_SERIES → value (NaN when unknown)


@dataclass(frozen=True)
class ScannerHistory:
    scanner_serial: str
    calibrations: tuple[CalibrationPoint, ...]  # oldest first
    iq_runs: tuple[IqRecord, ...]  # oldest first

    def series(self, name: str) -> tuple[tuple[datetime, ...], tuple[float, ...]]:
        """A calibration series (a ``CALIBRATION_SERIES`` key) or ``iq:<test>`` (the level
        a sub-test reached) over time; points without a value are left out."""
        if name.startswith("iq:"):
            test = name[3:]
            iq_pairs = [
                (run.created_at, r.achieved)
                for run in self.iq_runs
                for r in run.results
                if r.test == test and r.achieved is not None
            ]
            return tuple(t for t, _ in iq_pairs), tuple(float(v) for _, v in iq_pairs)
        if name not in CALIBRATION_SERIES:
            raise KeyError(f"unknown series {name!r}")
        pairs = [(p.created_at, p.values[name]) for p in self.calibrations
                 if np.isfinite(p.values[name])]
        return tuple(t for t, _ in pairs), tuple(v for _, v in pairs)

    def trend_per_day(self, name: str) -> float | None:
        """Least-squares slope of a series per day; None with fewer than two points."""
        times, values = self.series(name)
        if len(times) < 2:
            return None
        days = np.array([(t - times[0]).total_seconds() / 86400.0 for t in times])
        if float(np.ptp(days)) == 0.0:
            return None
        slope = np.polyfit(days, np.asarray(values, dtype=np.float64), 1)[0]
        return float(slope)


def _worst_error(materials: CalibrationRecord | None) -> float:
    if materials is None or not materials.residuals:
        return float("nan")
    errors = [
        abs(float(p["zeff_model"]) - float(p["zeff_nominal"])) / float(p["zeff_nominal"])
        for p in materials.residuals.get("points", ())
        if float(p.get("zeff_nominal", 0.0)) > 0
    ]
    return max(errors) if errors else float("nan")


def _point(detector: CalibrationRecord, materials: CalibrationRecord | None) -> CalibrationPoint:
    s = detector.statistics

    def value(key: str) -> float:
        raw = s.get(key)
        return float(raw) if isinstance(raw, int | float) else float("nan")

    return CalibrationPoint(
        record_id=detector.id,
        created_at=detector.created_at,
        operator=detector.operator,
        accepted=detector.accepted,
        values={
            "dark_offset_counts": value("median_dark_high"),
            "gain_counts": value("median_air_high") - value("median_dark_high"),
            "dark_noise_counts": value("dark_noise_high"),
            "air_noise_counts": value("air_noise_high"),
            "dead_pixels": value("dead_pixels"),
            "noisy_pixels": value("noisy_pixels"),
            "wedge_worst_error": _worst_error(materials),
        },
    )


def pair_calibrations(records: Sequence[CalibrationRecord]) -> tuple[CalibrationPoint, ...]:
    """Detector records, oldest first, each with the first materials record stored
    at or after it and before the next detector record."""
    ordered = sorted(records, key=lambda r: r.created_at)
    detectors = [r for r in ordered if r.kind == "detector"]
    materials = [r for r in ordered if r.kind == "materials"]
    points = []
    for i, det in enumerate(detectors):
        end = detectors[i + 1].created_at if i + 1 < len(detectors) else None
        match = next(
            (m for m in materials
             if m.created_at >= det.created_at and (end is None or m.created_at < end)),
            None,
        )
        points.append(_point(det, match))
    return tuple(points)


def load_history(
    database: Database, station_id: str, scanner_serial: str, *, limit: int = 50
) -> ScannerHistory:
    """The newest ``limit`` calibrations and IQ runs of a scanner, oldest first."""
    records = CalibrationRepository(database, station_id).history(scanner_serial, limit=2 * limit)
    runs = ImageQualityRepository(database, station_id).history(scanner_serial, limit=limit)
    return ScannerHistory(
        scanner_serial=scanner_serial,
        calibrations=pair_calibrations(records)[-limit:],
        iq_runs=tuple(reversed(runs)),
    )
