"""Detector diagnostics: the simulator's known flawed pixels are found and named."""

from __future__ import annotations

import numpy as np
from technician_helpers import Calibrated

from drivers.simulator.scanner import SimulatedScanner
from station_app.technician.diagnostics import LiveMonitor, detector_diagnostics, link_statistics


def test_flawed_pixels_of_the_simulated_detector_are_listed(calibrated: Calibrated) -> None:
    diag = detector_diagnostics(calibrated.detector, calibrated.config.calibration)
    flaws = calibrated.scanner.pixel_flaws
    dead_truth = set(np.flatnonzero(flaws.dead().any(axis=0)).tolist())
    assert dead_truth <= set(diag.dead_pixels)
    assert not set(diag.noisy_pixels) & set(diag.dead_pixels)
    # Every pixel the calibration marked bad is explained in the list.
    assert set(np.flatnonzero(calibrated.detector.bad_mask).tolist()) <= {
        f.pixel for f in diag.flags
    }
    high = diag.channel("high")
    assert high.gain.shape == high.offset.shape == high.noise.shape == (diag.pixels,)
    assert high.dead_gain_level == calibrated.config.calibration.dead_gain_ratio * float(
        np.median(high.gain)
    )
    assert any("gain" in f.reason for f in diag.flags if f.kind == "dead")


def test_live_monitor_measures_line_rate_and_reads_interlocks() -> None:
    driver = SimulatedScanner(parcels=None, realtime=False)
    driver.open()
    try:
        clock = iter([0.0, 2.0, 3.0])
        monitor = LiveMonitor(driver, clock=lambda: next(clock))
        first = monitor.poll()
        assert first.measured_line_rate_hz is None
        lines = driver.lines()
        for _ in range(15):
            next(lines)  # 15 blocks of 32 lines
        second = monitor.poll()
        assert second.measured_line_rate_hz == (15 * 32) / 2.0
        assert second.status.lines_acquired == 480 and second.dropped_fraction == 0.0
        assert dict(second.interlocks)["covers_closed"] is True
        driver.set_interlock("covers_closed", False)
        assert dict(monitor.poll().interlocks)["covers_closed"] is False
        assert link_statistics(driver) is None  # the simulator has no serial link
    finally:
        driver.close()
