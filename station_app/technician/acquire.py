"""Scans a technician takes outside parcel screening: air lines and a test target.

Both read the driver's ``lines()`` directly, so the station's pipeline must not be
running (``Station`` checks that). A scanner that loads its own targets (the
simulator, a serial scanner with a target changer) gets them queued; for any other
one ``prompt`` tells the technician what to place on the belt, and the scan waits
for it within a bounded number of lines. X-rays are switched off afterwards, as
after a calibration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from drivers.base import CalibrationTargetLoader, LineBlock, ScannerDriver
from station_app import core_texts as texts
from station_app.config import StationConfig
from station_app.domain import RawScan
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import CalibrationError, CalibrationSet

T = TypeVar("T")

# Scans of the belt tried before giving up (parcels or clutter may come first).
TARGET_ATTEMPTS = 4
# Lines of belt a target search may read: the target plus this much belt per attempt.
_SEARCH_BELT_MM = 2000.0
# An air line's mean counts must be this close to the brightest lines' level.
_AIR_LEVEL_FRACTION = 0.97
# How often an exhausted stream (a simulator with no parcels) is reopened.
_REFILLS = 8


class _Stream:
    """The driver's blocks; queues ``target`` again when a finite stream runs out."""

    def __init__(self, driver: ScannerDriver, target: str | None) -> None:
        self._driver = driver
        self._loader = driver if isinstance(driver, CalibrationTargetLoader) else None
        self._target = target
        self._blocks: Iterator[LineBlock] = iter(driver.lines())

    def blocks(self, limit_lines: int) -> Iterator[LineBlock]:
        read = refills = 0
        while read <= limit_lines:
            block = next(self._blocks, None)
            if block is None:
                if self._loader is None or self._target is None or refills >= _REFILLS:
                    return
                refills += 1
                self._loader.load_target(self._target)
                self._blocks = iter(self._driver.lines())
                continue
            read += block.n_lines
            yield block


def _start(driver: ScannerDriver, target: str, prompt: Callable[[str], None], what: str) -> bool:
    """Belt and X-rays on, target queued or asked for; True when the driver loads it."""
    driver.belt_start()
    driver.xray_on()
    if isinstance(driver, CalibrationTargetLoader):
        driver.load_target(target)
        prompt(texts.PROGRESS_TARGET_LOADED.render(what=what, target=target))
        return True
    prompt(texts.PROGRESS_PLACE_TARGET.render(what=what, target=target))
    return False


def collect_air_lines(
    driver: ScannerDriver, lines_needed: int, *, prompt: Callable[[str], None] = lambda _m: None
) -> tuple[NDArray[np.uint16], NDArray[np.uint16]]:
    """``lines_needed`` lines with X-rays on and nothing on the belt (uint16 high, low)."""
    _start(driver, "empty", prompt, texts.AIR_CHECK.render())
    stream = _Stream(driver, "empty")
    high: list[NDArray[np.uint16]] = []
    low: list[NDArray[np.uint16]] = []
    have = 0
    try:
        for block in stream.blocks(20 * lines_needed):
            if block.xray_on and block.belt_running and block.n_lines:
                high.append(block.high_counts)
                low.append(block.low_counts)
                have += block.n_lines
                if have >= 2 * lines_needed:
                    break
    finally:
        driver.xray_off()
    if have < 2 * lines_needed:
        raise CalibrationError(
            f"air check: got {have} of {2 * lines_needed} lines with X-rays on from the scanner"
        )
    all_high, all_low = np.concatenate(high), np.concatenate(low)
    level = all_high.mean(axis=1)
    empty = level >= _AIR_LEVEL_FRACTION * float(np.percentile(level, 90))
    if int(empty.sum()) < lines_needed:
        raise CalibrationError(
            f"air check: only {int(empty.sum())} of {lines_needed} lines were empty; "
            "clear the belt and try again"
        )
    return all_high[empty][-lines_needed:], all_low[empty][-lines_needed:]


def scan_target(
    config: StationConfig,
    driver: ScannerDriver,
    detector: CalibrationSet,
    target: str,
    size_along_mm: float,
    judge: Callable[[RawScan], T],
    *,
    prompt: Callable[[str], None] = lambda _m: None,
    rejected: type[Exception] = ValueError,
) -> T:
    """Scan the belt until ``judge`` accepts a scan (returns without raising
    ``rejected``); other scans (parcels, clutter) are skipped, a bounded number."""
    info = driver.info
    _start(driver, target, prompt, texts.SCAN.render())
    assembler = ParcelAssembler.for_scanner(
        config.assembly, detector, info, label_reader_offset_mm=config.driver.label_reader_offset_mm
    )
    stream = _Stream(driver, target)
    budget = int(TARGET_ATTEMPTS * (size_along_mm + _SEARCH_BELT_MM) / info.line_pitch_mm)
    reasons: list[str] = []

    def scans() -> Iterator[RawScan]:
        for block in stream.blocks(budget):
            yield from assembler.feed(block)
        yield from assembler.flush()  # a stream ending right behind the target

    try:
        for scan in scans():
            try:
                return judge(scan)
            except rejected as exc:
                reasons.append(str(exc))
                if len(reasons) >= TARGET_ATTEMPTS:
                    break
    finally:
        driver.xray_off()
    detail = f" (last: {reasons[-1]})" if reasons else ""
    raise CalibrationError(f"'{target}' not found in {len(reasons)} scans{detail}")
