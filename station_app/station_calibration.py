"""Calibrating a scanner the way a technician does, and loading the result.

Dark (X-rays off), air (empty belt) and a step-wedge scan give a detector
calibration (``CalibrationSet``) and a materials model (``MaterialModel``).
Both are stored in the database; the station refuses to run without a usable
pair. With a scanner that can load its own targets (the simulator) the
procedure runs unattended; otherwise ``prompt`` asks the technician to place
the step wedge.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from numpy.typing import NDArray

from drivers.base import CalibrationTargetLoader, LineBlock, ScannerDriver, ScannerInfo
from station_app import core_texts
from station_app.config import StationConfig
from station_app.domain import RawScan
from station_app.drivers import create_driver
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import (
    CalibrationError,
    CalibrationSet,
    Calibrator,
    build_calibration,
    check_usable,
)
from station_app.imaging.materials import MaterialModel, MaterialModelError, impenetrable_threshold
from station_app.imaging.wedge import WedgeError, WedgeMeasurement, load_wedge_spec, measure_steps
from station_app.storage import CalibrationRepository, Database, open_database

# How many lines to read at most, per needed line, before giving up on a step.
_READ_LIMIT_FACTOR = 20
# Wedge scans tried before giving up (something else may be on the belt first).
_WEDGE_ATTEMPTS = 4
# An air line's mean counts must be this close to the brightest lines' level.
_AIR_LEVEL_FRACTION = 0.97


@dataclass(frozen=True)
class LoadedCalibration:
    """The detector calibration and materials model a station runs with."""

    detector: CalibrationSet
    detector_id: str  # database id, referenced by every scan
    materials: MaterialModel
    materials_id: str

    def age_hours(self, now: datetime) -> float:
        return self.detector.age_hours(now)


@dataclass(frozen=True)
class CalibrationOutcome:
    detector: CalibrationSet
    materials: MaterialModel
    wedge: WedgeMeasurement
    detector_id: str
    materials_id: str


def load_calibration(
    config: StationConfig, database: Database, info: ScannerInfo, *, now: datetime | None = None
) -> LoadedCalibration:
    """The newest usable calibration of this scanner; ``CalibrationError`` says why not."""
    repository = CalibrationRepository(database, config.station_id)
    detector_record = repository.latest("detector", info.serial)
    hint = "run `station-app calibrate`"
    if detector_record is None:
        raise CalibrationError(f"no calibration for scanner {info.serial}: {hint}")
    detector = CalibrationSet.from_bytes(detector_record.payload)
    try:
        check_usable(
            detector,
            serial=info.serial,
            pixels=info.pixels,
            now=now or datetime.now(UTC),
            max_age_hours=config.calibration.max_age_hours,
        )
    except CalibrationError as exc:
        raise CalibrationError(f"{exc}; {hint}") from exc
    materials_record = repository.latest("materials", info.serial)
    if materials_record is None:
        raise CalibrationError(f"no materials calibration for scanner {info.serial}: {hint}")
    materials = MaterialModel.from_bytes(materials_record.payload)
    if materials.calibration_id != detector.calibration_id:
        raise CalibrationError(
            f"materials calibration of {info.serial} was fitted on another detector "
            f"calibration: {hint}"
        )
    return LoadedCalibration(detector, detector_record.id, materials, materials_record.id)


class _LineSource:
    """Pulls blocks from the driver's ``lines()``, with a bound on how many.

    A scanner that loads its own targets may end its stream once they have passed
    (the simulator with ``parcels=0``); ``refill`` queues another target and the
    stream is opened again, a bounded number of times.
    """

    _REFILLS = 8

    def __init__(self, driver: ScannerDriver) -> None:
        self._driver = driver
        self._blocks: Iterator[LineBlock] = iter(driver.lines())

    def _next(self, refill: Callable[[], None] | None) -> LineBlock | None:
        for _ in range(self._REFILLS + 1):
            block = next(self._blocks, None)
            if block is not None or refill is None:
                return block
            refill()
            self._blocks = iter(self._driver.lines())
        return None

    def collect(
        self,
        lines_needed: int,
        *,
        xray_on: bool,
        what: str,
        refill: Callable[[], None] | None = None,
    ) -> tuple[NDArray[np.uint16], NDArray[np.uint16]]:
        high: list[NDArray[np.uint16]] = []
        low: list[NDArray[np.uint16]] = []
        have = read = 0
        while read <= _READ_LIMIT_FACTOR * lines_needed:
            block = self._next(refill)
            if block is None:
                break
            read += block.n_lines
            if block.xray_on == xray_on and block.belt_running:
                high.append(block.high_counts)
                low.append(block.low_counts)
                have += block.n_lines
                if have >= lines_needed:
                    return np.concatenate(high), np.concatenate(low)
        raise CalibrationError(
            f"{what}: got {have} of {lines_needed} lines from the scanner "
            f"(X-rays {'on' if xray_on else 'off'} expected)"
        )

    def blocks(self, limit_lines: int) -> Iterator[LineBlock]:
        read = 0
        while read <= limit_lines:
            block = self._next(None)
            if block is None:
                return
            yield block
            read += block.n_lines


def _air_lines(
    high: NDArray[np.uint16], low: NDArray[np.uint16], needed: int
) -> tuple[NDArray[np.uint16], NDArray[np.uint16]]:
    """Keep only lines with nothing on the belt: their mean level is the brightest."""
    level = high.mean(axis=1)
    bright = float(np.percentile(level, 90))
    empty = level >= _AIR_LEVEL_FRACTION * bright
    if int(empty.sum()) < needed:
        raise CalibrationError(
            f"air calibration: only {int(empty.sum())} of {needed} lines were empty; "
            "clear the belt and calibrate again"
        )
    return high[empty][-needed:], low[empty][-needed:]


def run_calibration(
    config: StationConfig,
    driver: ScannerDriver,
    *,
    prompt: Callable[[str], None] = lambda message: None,
) -> tuple[CalibrationSet, MaterialModel, WedgeMeasurement]:
    """Dark, air and step wedge from an opened driver; nothing is stored here."""
    info = driver.info
    cal_config = config.calibration
    loader = driver if isinstance(driver, CalibrationTargetLoader) else None
    source = _LineSource(driver)

    def queue(target: str) -> Callable[[], None] | None:
        if loader is None:
            return None
        return lambda: loader.load_target(target)

    driver.belt_start()
    driver.xray_off()
    if loader is not None:
        loader.load_target("dark")
    prompt(core_texts.PROGRESS_DARK.render())
    dark_high, dark_low = source.collect(
        cal_config.dark_lines, xray_on=False, what="dark", refill=queue("dark")
    )

    driver.xray_on()
    if loader is not None:
        loader.load_target("empty")
    prompt(core_texts.PROGRESS_AIR.render())
    candidates = source.collect(
        2 * cal_config.air_lines, xray_on=True, what="air", refill=queue("empty")
    )
    air_high, air_low = _air_lines(*candidates, cal_config.air_lines)
    detector = build_calibration(
        dark_high,
        dark_low,
        air_high,
        air_low,
        serial=info.serial,
        config=cal_config,
        counts_max=info.counts_max,
    )

    spec = load_wedge_spec(cal_config.wedge_spec)
    if loader is not None:
        loader.load_target("step_wedge")
    prompt(core_texts.PROGRESS_WEDGE.render(wedge=spec.name))
    calibrator = Calibrator(detector)
    limit = impenetrable_threshold(calibrator, config.materials)
    assembler = ParcelAssembler.for_scanner(
        config.assembly, detector, info, label_reader_offset_mm=config.driver.label_reader_offset_mm
    )
    attempts: list[str] = []
    wedge_budget_lines = int(
        _WEDGE_ATTEMPTS * (spec.size_along_mm + 2000.0) / info.line_pitch_mm
    )

    def scans() -> Iterator[RawScan]:
        for block in source.blocks(wedge_budget_lines):
            yield from assembler.feed(block)
        # A stream that ends right behind the wedge leaves it open in the assembler.
        yield from assembler.flush()

    for scan in scans():
        a_high, a_low = calibrator.apply(scan.high_counts, scan.low_counts)
        try:
            measured = measure_steps(
                a_high,
                a_low,
                spec,
                line_pitch_mm=info.line_pitch_mm,
                pixel_pitch_mm=info.pitch_mm,
                a_high_limit=limit,
                a_low_limit=float(calibrator.a_max_low) - float(np.log(3.0)),
            )
            model = MaterialModel.fit(
                measured.points,
                a_high_max=limit,
                calibration_id=detector.calibration_id,
                rejected=measured.rejected_references,
            )
        except (WedgeError, MaterialModelError) as exc:
            attempts.append(str(exc))
            if len(attempts) >= _WEDGE_ATTEMPTS:
                break
            continue
        driver.xray_off()
        return detector, model, measured
    driver.xray_off()
    detail = f" (last: {attempts[-1]})" if attempts else ""
    raise CalibrationError(f"step wedge not found in {len(attempts)} scans{detail}")


def store_calibration(
    config: StationConfig,
    database: Database,
    detector: CalibrationSet,
    materials: MaterialModel,
    *,
    operator: str,
) -> tuple[str, str]:
    """Save both parts; returns their database ids (detector, materials)."""
    repository = CalibrationRepository(database, config.station_id)
    stats = detector.stats
    detector_id = repository.save(
        "detector",
        detector.scanner_serial,
        detector.to_bytes(),
        statistics={name: getattr(stats, name) for name in stats.__dataclass_fields__},
        residuals=None,
        operator=operator,
        created_at=detector.created_at,
    )
    materials_id = repository.save(
        "materials",
        detector.scanner_serial,
        materials.to_bytes(),
        statistics={"reference_materials": list(materials.materials)},
        residuals={
            "points": [
                {
                    "material": r.material,
                    "thickness_mm": r.thickness_mm,
                    "a_high": r.a_high,
                    "zeff_nominal": r.zeff_nominal,
                    "zeff_model": r.zeff_model,
                    "zeff_pixel_sigma": r.zeff_pixel_sigma,
                }
                for r in materials.residuals
            ],
            "rejected": [
                {"material": r.material, "thickness_mm": r.thickness_mm, "reason": r.reason}
                for r in materials.rejected
            ],
        },
        operator=operator,
    )
    return detector_id, materials_id


def calibrate_command(
    config: StationConfig, *, operator: str, if_needed: bool, as_json: bool
) -> int:
    """``station-app calibrate``: prints the fit and its residuals."""
    database = open_database(config.resolved_database_url)
    try:
        driver = create_driver(config.driver.name, config.driver.options)
        driver.open()
        try:
            if if_needed:
                try:
                    loaded = load_calibration(config, database, driver.info)
                except CalibrationError as why:
                    print(f"calibrating: {why}", file=sys.stderr)
                else:
                    age_h = loaded.age_hours(datetime.now(UTC))
                    print(f"calibration of {driver.info.serial} is usable ({age_h:.1f} h old)")
                    return 0

            def say(step: str) -> None:
                print(f"calibrate: {step}", file=sys.stderr)

            detector, materials, wedge = run_calibration(config, driver, prompt=say)
        finally:
            driver.close()
        ids = store_calibration(config, database, detector, materials, operator=operator)
    finally:
        database.close()
    _report(detector, materials, wedge, ids, as_json)
    return 0


def _report(
    detector: CalibrationSet,
    materials: MaterialModel,
    wedge: WedgeMeasurement,
    ids: tuple[str, str],
    as_json: bool,
) -> None:
    stats = detector.stats
    worst = max((abs(r.relative_error) for r in materials.residuals), default=0.0)
    if as_json:
        print(
            json.dumps(
                {
                    "scanner_serial": detector.scanner_serial,
                    "detector_calibration_id": ids[0],
                    "materials_calibration_id": ids[1],
                    "statistics": {n: getattr(stats, n) for n in stats.__dataclass_fields__},
                    "reference_points": len(wedge.points),
                    "rejected_steps": len(wedge.rejected),
                    "residuals": [
                        {
                            "material": r.material,
                            "thickness_mm": r.thickness_mm,
                            "zeff_nominal": round(r.zeff_nominal, 3),
                            "zeff_fit": round(r.zeff_model, 3),
                        }
                        for r in materials.residuals
                    ],
                    "worst_relative_error": round(worst, 4),
                }
            )
        )
        return
    print(f"scanner {detector.scanner_serial}: calibration {ids[0][:8]} stored")
    print(
        f"  dark {stats.median_dark_high:.0f}/{stats.median_dark_low:.0f} counts "
        f"(noise {stats.dark_noise_high:.1f}/{stats.dark_noise_low:.1f}), "
        f"air {stats.median_air_high:.0f}/{stats.median_air_low:.0f} counts "
        f"(noise {stats.air_noise_high:.1f}/{stats.air_noise_low:.1f}) high/low"
    )
    print(
        f"  bad pixels: {stats.dead_pixels} dead, {stats.noisy_pixels} noisy, "
        f"{stats.saturated_pixels} saturated"
    )
    print(
        f"  step wedge: {len(wedge.points)} steps measured, {len(wedge.rejected)} rejected; "
        f"worst Zeff residual {100 * worst:.1f} %"
    )
    print(materials.residual_table())
