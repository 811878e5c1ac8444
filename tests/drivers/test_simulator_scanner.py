"""The simulated scanner as a driver: counts, noise, streaming, labels, interlocks."""

from __future__ import annotations

import itertools
import threading
import time
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sim_test_plans import simple_plan_factory

from drivers.base import (
    ENTRY_POINT_GROUP,
    CalibrationTargetLoader,
    InterlockOpenError,
    LabelReader,
    LineBlock,
    ScannerDriver,
)
from drivers.simulator import SimulatedScanner, create_driver
from drivers.simulator.groundtruth import is_valid_s10, read_ground_truth
from drivers.simulator.physics import XrayPhysics
from drivers.simulator.targets import Grid, load_step_wedge_spec, slab_plan


def _scanner(physics: XrayPhysics, **options: Any) -> SimulatedScanner:
    options.setdefault("pixels", 256)
    return create_driver(physics=physics, plan_factory=simple_plan_factory, **options)


def _collect(scanner: SimulatedScanner, max_blocks: int = 10_000) -> list[LineBlock]:
    blocks = []
    for block in scanner.lines():
        blocks.append(block)
        if len(blocks) >= max_blocks:
            break
    return blocks


def _good_pixels(scanner: SimulatedScanner, channel: int) -> NDArray[np.bool_]:
    flaws = scanner.pixel_flaws
    good: NDArray[np.bool_] = ~(flaws.dead()[channel] | flaws.noisy[channel])
    return good


def test_implements_the_driver_protocols(physics: XrayPhysics) -> None:
    scanner = _scanner(physics)
    assert isinstance(scanner, ScannerDriver)
    assert isinstance(scanner, LabelReader)
    assert isinstance(scanner, CalibrationTargetLoader)
    assert scanner.info.line_pitch_mm == pytest.approx(1.0)


def test_entry_point_resolves_to_the_factory() -> None:
    found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == "simulator"]
    assert found and found[0].load() is create_driver


def test_unknown_option_is_refused() -> None:
    with pytest.raises(TypeError, match="belt_colour"):
        create_driver(belt_colour="green")


def test_scan_plan_is_deterministic_by_seed(physics: XrayPhysics) -> None:
    plan = slab_plan("aluminium", 10.0, Grid(pixels=256), length_mm=64, width_mm=100)
    a = _scanner(physics, seed=5).scan_plan(plan)
    b = _scanner(physics, seed=5).scan_plan(plan)
    c = _scanner(physics, seed=6).scan_plan(plan)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_air_dark_noise_and_dead_pixels(physics: XrayPhysics) -> None:
    scanner = _scanner(physics, parcels=0)
    scanner.open()
    air = _collect(scanner, 8)
    high = np.concatenate([b.high_counts for b in air]).astype(np.float64)
    low = np.concatenate([b.low_counts for b in air]).astype(np.float64)
    good_high, good_low = _good_pixels(scanner, 0), _good_pixels(scanner, 1)
    assert 45_000 < high[:, good_high].mean() < 55_000
    assert 45_000 < low[:, good_low].mean() < 55_000
    rel_noise_high = high[:, good_high].std(axis=0) / high[:, good_high].mean(axis=0)
    rel_noise_low = low[:, good_low].std(axis=0) / low[:, good_low].mean(axis=0)
    assert 0.003 < np.median(rel_noise_high) < 0.015
    assert np.median(rel_noise_high) < np.median(rel_noise_low) < 0.015
    # Gain spread of a few percent between pixels (what air calibration removes).
    assert 0.005 < high[:, good_high].mean(axis=0).std() / high.mean() < 0.05
    flaws = scanner.pixel_flaws
    assert flaws.dead_at_zero.any() and flaws.dead_at_offset.any()
    assert np.all(high[:, flaws.dead_at_zero[0]] == 0)
    stuck = flaws.dead_at_offset[0]
    assert np.all(np.abs(high[:, stuck] - flaws.offset_counts[0, stuck]) < 1)
    scanner.close()

    dark_scanner = _scanner(physics, parcels=0)
    dark_scanner.open()
    dark_scanner.xray_off()
    dark = _collect(dark_scanner, 4)
    assert all(not b.xray_on for b in dark)
    dark_high = np.concatenate([b.high_counts for b in dark]).astype(np.float64)[:, good_high]
    assert 600 < dark_high.mean() < 1400
    assert 3 < np.median(dark_high.std(axis=0)) < 12


def test_stream_has_continuous_lines_air_gaps_and_stops(
    physics: XrayPhysics, tmp_path: Path
) -> None:
    scanner = _scanner(physics, parcels=3, seed=2, ground_truth_dir=str(tmp_path),
                       touching_probability=0.0)
    scanner.open()
    blocks = _collect(scanner)
    firsts = [b.first_line_index for b in blocks]
    assert firsts[0] == 0
    assert all(b.first_line_index == a.first_line_index + a.n_lines
               for a, b in itertools.pairwise(blocks))
    assert all(b.timestamp_ns > a.timestamp_ns for a, b in itertools.pairwise(blocks))
    high = np.concatenate([b.high_counts for b in blocks])
    truths = sorted((read_ground_truth(p) for p in tmp_path.glob("*.json")),
                    key=lambda t: t.first_line_index)
    assert len(truths) == 3
    good = _good_pixels(scanner, 0)
    air_level = np.median(high[:50, good])
    line_min = high[:, good].min(axis=1)
    for truth in truths:
        parcel = line_min[truth.first_line_index:truth.first_line_index + truth.line_count]
        assert parcel.min() < 0.8 * air_level  # something is there
        assert any(item.is_threat_class for item in truth.items)
    for before, after in itertools.pairwise(truths):
        gap = line_min[before.first_line_index + before.line_count + 2:after.first_line_index - 2]
        assert len(gap) >= 140 and gap.min() > 0.9 * air_level  # clean air between parcels
    assert len(high) > truths[-1].first_line_index + truths[-1].line_count  # trailing air
    assert scanner.status().lines_acquired == len(high)


def test_labels_are_read_at_the_reader_position(physics: XrayPhysics, tmp_path: Path) -> None:
    scanner = _scanner(physics, parcels=3, seed=4, ground_truth_dir=str(tmp_path),
                       label_reader_offset_mm=300.0)
    scanner.open()
    reads = []
    for block in scanner.lines():
        for read in scanner.poll():
            # A read is reported once the line it happened on has been acquired.
            assert read.line_index < block.first_line_index + block.n_lines
            reads.append(read)
    reads += scanner.poll()
    truths = {t.tracking_id: t for t in map(read_ground_truth, tmp_path.glob("*.json"))}
    assert len(reads) == 3 and set(truths) == {r.tracking_id for r in reads}
    for read in reads:
        assert is_valid_s10(read.tracking_id)
        assert read.line_index == truths[read.tracking_id].first_line_index - 300


def test_interlock_refuses_and_trips_xray(physics: XrayPhysics) -> None:
    scanner = _scanner(physics)
    scanner.open()
    stream = scanner.lines()
    assert next(stream).xray_on
    scanner.set_interlock("covers_closed", False)
    status = scanner.status()
    assert not status.xray_on
    assert any("covers_closed" in fault for fault in status.faults)
    block = next(stream)
    assert not block.xray_on and block.high_counts.mean() < 2000
    with pytest.raises(InterlockOpenError):
        scanner.xray_on()
    scanner.set_interlock("covers_closed", True)
    scanner.xray_on()
    assert scanner.status().faults == ()
    assert next(stream).xray_on
    scanner.close()


def test_close_unblocks_a_stopped_belt(physics: XrayPhysics) -> None:
    scanner = _scanner(physics)
    scanner.open()
    scanner.belt_stop()
    got: list[LineBlock] = []
    worker = threading.Thread(target=lambda: got.extend(scanner.lines()))
    worker.start()
    time.sleep(0.2)
    assert got == [] and worker.is_alive()
    scanner.close()
    worker.join(timeout=2.0)
    assert not worker.is_alive()


def test_belt_restart_continues_line_indexes(physics: XrayPhysics) -> None:
    scanner = _scanner(physics, block_lines=16)
    scanner.open()
    stream = scanner.lines()
    first = next(stream)
    scanner.belt_stop()
    scanner.belt_start()
    second = next(stream)
    assert second.first_line_index == first.first_line_index + 16
    scanner.close()


def test_realtime_paces_lines_at_the_line_rate(physics: XrayPhysics) -> None:
    scanner = _scanner(physics, realtime=True, line_rate_hz=2400.0, belt_speed_m_s=2.4)
    scanner.open()
    stream = scanner.lines()
    start = time.monotonic()
    blocks = [next(stream) for _ in range(8)]  # 256 lines = 107 ms at 2400 Hz
    elapsed = time.monotonic() - start
    scanner.close()
    assert elapsed >= 0.1
    gaps = np.diff([b.timestamp_ns for b in blocks])
    assert np.allclose(gaps, 32 / 2400 * 1e9, rtol=0.01)


def test_step_wedge_is_scanned_when_loaded(physics: XrayPhysics) -> None:
    scanner = _scanner(physics, pixels=640, parcels=0)
    scanner.load_target("step_wedge")
    scanner.open()
    high = np.concatenate([b.high_counts for b in scanner.lines()]).astype(np.float64)
    good = _good_pixels(scanner, 0)
    air = np.median(high[:20, good], axis=0)
    transmission = high[:, good] / air
    spec = load_step_wedge_spec()
    object_lines = np.flatnonzero(transmission.min(axis=1) < 0.95)
    assert len(object_lines) == pytest.approx(spec.length_mm, abs=3)
    iron = next(s for s in spec.strips if s.material == "iron")
    step = iron.steps[2]
    line = object_lines[0] + int((step.along_start_mm + step.along_end_mm) / 2)
    px = (640 - int(spec.width_mm)) // 2 + int((iron.across_start_mm + iron.across_end_mm) / 2)
    measured = high[line - 5:line + 5, px - 5:px + 5].mean() - 1000
    exact_high, _ = physics.exact_transmission("iron", step.thickness_mm)
    assert measured / (air.mean() - 1000) == pytest.approx(exact_high, rel=0.06)


def test_dark_target_scans_with_xray_off(physics: XrayPhysics) -> None:
    scanner = _scanner(physics, parcels=0)
    scanner.load_target("dark")
    scanner.open()
    blocks = list(scanner.lines())
    assert any(not b.xray_on for b in blocks) and any(b.xray_on for b in blocks)
    assert all(b.high_counts.mean() < 2000 for b in blocks if not b.xray_on)


def test_light_barrier_marks_every_parcel_line(physics: XrayPhysics) -> None:
    scanner = SimulatedScanner(seed=4, parcels=2, pixels=640, physics=physics,
                               touching_probability=0.0)
    scanner.open()
    blocks = list(scanner.lines())
    scanner.close()
    presence = np.concatenate([b.object_present for b in blocks if b.object_present is not None])
    assert presence.shape[0] == sum(b.n_lines for b in blocks)
    # two parcels: two runs of True separated by air
    edges = np.flatnonzero(np.diff(presence.astype(np.int8)))
    assert len(edges) == 4
    lengths = edges[1::2] - edges[0::2]
    assert all(200 <= length <= 1000 for length in lengths)  # 0.2–1.0 m parcels at 1 mm
