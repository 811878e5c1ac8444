"""Detector diagnostics: per-pixel maps, bad pixels, line counters, link and tube.

From a stored ``CalibrationSet``: the dark offset, gain (air − dark) and dark
noise of every pixel in both channels, and the pixels the calibration's own rules
(``CalibrationConfig.dead_gain_ratio`` / ``dead_noise_ratio``) call dead or noisy,
with the threshold levels so a plot can draw them. Pixels the calibration marked
bad for a reason these maps cannot show (air noise, stuck, saturated) are listed
as such.

From the driver, polled live (``LiveMonitor``): X-ray, belt, tube kV/mA and
temperatures, interlocks and faults, lines acquired and dropped with the measured
line rate, and — when the driver has them (the serial driver's
``link_statistics``) — its link counters. The driver is duck-typed, so this module
never imports a particular driver.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from drivers.base import ScannerDriver, ScannerStatus
from station_app.config import CalibrationConfig
from station_app.imaging.calibration import CalibrationSet

Channel = Literal["high", "low"]
# Same floor as build_calibration: an ideal detector's noise may be ~0.
_NOISE_REFERENCE_FLOOR = 0.5


@dataclass(frozen=True)
class ChannelMaps:
    """Per-pixel levels of one energy channel (float32 (pixels,), ADC counts)."""

    offset: NDArray[np.float32]
    gain: NDArray[np.float32]
    noise: NDArray[np.float32]  # dark standard deviation
    dead_gain_level: float  # gain below this: dead
    noisy_noise_level: float  # noise above this: noisy


@dataclass(frozen=True)
class PixelFlag:
    pixel: int
    channel: str  # "high", "low", or "both"/"-" for calibration-wide flags
    kind: Literal["dead", "noisy", "bad"]
    reason: str


@dataclass(frozen=True)
class DetectorDiagnostics:
    calibration_id: str
    scanner_serial: str
    pixels: int
    high: ChannelMaps
    low: ChannelMaps
    flags: tuple[PixelFlag, ...]
    dead_gain_ratio: float
    dead_noise_ratio: float

    def channel(self, name: Channel) -> ChannelMaps:
        return self.high if name == "high" else self.low

    @property
    def dead_pixels(self) -> tuple[int, ...]:
        return tuple(sorted({f.pixel for f in self.flags if f.kind == "dead"}))

    @property
    def noisy_pixels(self) -> tuple[int, ...]:
        dead = set(self.dead_pixels)
        return tuple(sorted({f.pixel for f in self.flags if f.kind == "noisy"} - dead))


def detector_diagnostics(
    calibration: CalibrationSet, config: CalibrationConfig
) -> DetectorDiagnostics:
    """Maps and bad-pixel lists of a calibration, judged by ``config``'s ratios."""
    maps: dict[str, ChannelMaps] = {}
    flags: list[PixelFlag] = []
    explained = np.zeros(calibration.pixels, dtype=bool)
    for channel in ("high", "low"):
        offset = getattr(calibration, f"dark_{channel}").astype(np.float32)
        gain = (getattr(calibration, f"air_{channel}") - offset).astype(np.float32)
        noise = getattr(calibration, f"dark_sigma_{channel}").astype(np.float32)
        median_gain = float(np.median(gain))
        dead_level = config.dead_gain_ratio * median_gain
        noisy_level = config.dead_noise_ratio * max(float(np.median(noise)),
                                                    _NOISE_REFERENCE_FLOOR)
        maps[channel] = ChannelMaps(offset, gain, noise, dead_level, noisy_level)
        for px in np.flatnonzero(gain < dead_level):
            flags.append(PixelFlag(int(px), channel, "dead",
                                   f"gain {gain[px]:.0f} < {dead_level:.0f} counts"))
            explained[px] = True
        for px in np.flatnonzero(noise > noisy_level):
            flags.append(PixelFlag(int(px), channel, "noisy",
                                   f"dark noise {noise[px]:.1f} > {noisy_level:.1f} counts"))
            explained[px] = True
    for px in np.flatnonzero(calibration.bad_mask & ~explained):
        flags.append(PixelFlag(int(px), "-", "bad",
                               "marked at calibration (air noise, stuck or saturated)"))
    flags.sort(key=lambda f: (f.pixel, f.channel))
    return DetectorDiagnostics(
        calibration_id=calibration.calibration_id,
        scanner_serial=calibration.scanner_serial,
        pixels=calibration.pixels,
        high=maps["high"],
        low=maps["low"],
        flags=tuple(flags),
        dead_gain_ratio=config.dead_gain_ratio,
        dead_noise_ratio=config.dead_noise_ratio,
    )


@dataclass(frozen=True)
class LiveStatus:
    """One poll of the scanner."""

    status: ScannerStatus
    nominal_line_rate_hz: float
    measured_line_rate_hz: float | None  # from lines acquired between two polls
    link: Mapping[str, int] | None  # driver link counters, when it has any

    @property
    def dropped_fraction(self) -> float:
        s = self.status
        total = s.lines_acquired + s.lines_dropped
        return s.lines_dropped / total if total else 0.0

    @property
    def interlocks(self) -> tuple[tuple[str, bool], ...]:
        locks = self.status.interlocks
        return tuple((f.name, bool(getattr(locks, f.name))) for f in fields(locks))


def link_statistics(driver: ScannerDriver) -> Mapping[str, int] | None:
    """The driver's link counters (``link_statistics`` attribute or method with
    ``as_dict()``, or a mapping), or None for drivers without a link."""
    stats: Any = getattr(driver, "link_statistics", None)
    if stats is None:
        return None
    if callable(stats):
        stats = stats()
    if hasattr(stats, "as_dict"):
        stats = stats.as_dict()
    if not isinstance(stats, Mapping):
        return None
    return {str(k): int(v) for k, v in stats.items()}


class LiveMonitor:
    """Polls a driver's status; the line rate is measured between polls."""

    def __init__(
        self, driver: ScannerDriver, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._driver = driver
        self._clock = clock
        self._last: tuple[float, int] | None = None

    def poll(self) -> LiveStatus:
        status = self._driver.status()
        now = self._clock()
        rate = None
        if self._last is not None:
            elapsed = now - self._last[0]
            if elapsed > 0 and status.lines_acquired >= self._last[1]:
                rate = (status.lines_acquired - self._last[1]) / elapsed
        self._last = (now, status.lines_acquired)
        return LiveStatus(
            status=status,
            nominal_line_rate_hz=self._driver.info.line_rate_hz,
            measured_line_rate_hz=rate,
            link=link_statistics(self._driver),
        )
