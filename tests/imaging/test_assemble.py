"""Parcel assembly from a synthetic line stream."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest

from drivers.base import LabelRead, LineBlock
from station_app.config import AssemblyConfig, CalibrationConfig
from station_app.domain import RawScan
from station_app.imaging.assemble import ParcelAssembler
from station_app.imaging.calibration import CalibrationSet, build_calibration

PIXELS = 96
LINE_PERIOD_NS = 1_000_000
CONFIG = AssemblyConfig(start_lines=3, end_gap_lines=24, margin_lines=8, max_length_mm=400.0)


@pytest.fixture(scope="module")
def calibration() -> CalibrationSet:
    rng = np.random.default_rng(0)
    dark = rng.normal(1000, 6, (32, PIXELS)).astype(np.uint16)
    air = rng.normal(49000, 250, (64, PIXELS)).astype(np.uint16)
    return build_calibration(dark, dark, air, air, serial="SN", config=CalibrationConfig(),
                             created_at=datetime.now(UTC))


def _assembler(calibration: CalibrationSet, config: AssemblyConfig = CONFIG) -> ParcelAssembler:
    return ParcelAssembler(config, calibration, serial="SN", line_pitch_mm=1.0,
                           pixel_pitch_mm=1.0, label_reader_offset_mm=100.0)


def _belt(length: int, parcels: list[tuple[int, int]], *, seed: int = 1) -> np.ndarray:
    """Raw high counts (length, PIXELS): air with parcels (T=0.4) over line ranges."""
    rng = np.random.default_rng(seed)
    t = np.ones((length, PIXELS), np.float32)
    for l0, l1 in parcels:
        t[l0:l1, 20:70] = 0.4
    counts = 1000 + 48000 * t + rng.normal(0, 250, t.shape)
    return np.clip(counts, 0, 65535).astype(np.uint16)


def _blocks(counts: np.ndarray, *, block: int = 16, first: int = 0) -> list[LineBlock]:
    return [
        LineBlock(first + i, (first + i) * LINE_PERIOD_NS, counts[i : i + block],
                  counts[i : i + block])
        for i in range(0, counts.shape[0], block)
    ]


def _run(asm: ParcelAssembler, blocks: list[LineBlock]) -> list[RawScan]:
    scans: list[RawScan] = []
    for b in blocks:
        scans += asm.feed(b)
    return scans + asm.flush()


def test_two_parcels_cut_at_gap(calibration: CalibrationSet) -> None:
    counts = _belt(400, [(50, 130), (200, 260)])
    scans = _run(_assembler(calibration), _blocks(counts))
    assert [(s.first_line_index, s.shape[0]) for s in scans] == [(42, 96), (192, 76)]
    assert all(s.flags == frozenset() for s in scans)
    np.testing.assert_array_equal(scans[0].high_counts, counts[42:138])
    assert scans[0].started_ns == 42 * LINE_PERIOD_NS
    assert scans[0].ended_ns == 137 * LINE_PERIOD_NS
    assert len({s.scan_id for s in scans}) == 2 and len(scans[0].scan_id) == 32


def test_block_size_does_not_matter(calibration: CalibrationSet) -> None:
    counts = _belt(400, [(50, 130), (200, 260)])
    ref = _run(_assembler(calibration), _blocks(counts, block=16))
    for block in (1, 7, 64, 400):
        got = _run(_assembler(calibration), _blocks(counts, block=block))
        assert [(s.first_line_index, s.shape) for s in got] == [
            (s.first_line_index, s.shape) for s in ref]


def test_touching_parcels_come_out_as_one(calibration: CalibrationSet) -> None:
    counts = _belt(400, [(50, 130), (140, 200)])  # 10-line gap < end_gap_lines
    scans = _run(_assembler(calibration), _blocks(counts))
    assert len(scans) == 1
    assert (scans[0].first_line_index, scans[0].shape[0]) == (42, 166)


def test_noise_blip_opens_nothing(calibration: CalibrationSet) -> None:
    counts = _belt(200, [(50, 52)])  # 2 lines < start_lines
    assert _run(_assembler(calibration), _blocks(counts)) == []


def test_long_parcel_cut_at_max_length(calibration: CalibrationSet) -> None:
    counts = _belt(1200, [(50, 1000)])
    scans = _run(_assembler(calibration), _blocks(counts))
    assert [s.flags for s in scans] == [
        {"cut_at_max_length"}, {"continued", "cut_at_max_length"}, {"continued"}]
    assert scans[0].shape[0] == 400 and scans[1].shape[0] == 400
    # contiguous, nothing lost or duplicated
    assert scans[1].first_line_index == scans[0].first_line_index + 400
    assert scans[2].first_line_index == scans[1].first_line_index + 400
    assert scans[2].first_line_index + scans[2].shape[0] == 1008


def test_dark_block_ends_parcel_incomplete(calibration: CalibrationSet) -> None:
    counts = _belt(300, [(50, 250)])
    blocks = _blocks(counts)
    dark = LineBlock(blocks[8].first_line_index, 0, np.full((16, PIXELS), 1000, np.uint16),
                     np.full((16, PIXELS), 1000, np.uint16), xray_on=False)
    asm = _assembler(calibration)
    scans: list[RawScan] = []
    for b in blocks[:8]:
        scans += asm.feed(b)
    scans += asm.feed(dark)
    assert len(scans) == 1 and "incomplete" in scans[0].flags
    assert scans[0].first_line_index == 42 and scans[0].shape[0] == 128 - 42


def test_empty_dark_block_ends_parcel_at_once(calibration: CalibrationSet) -> None:
    """An X-ray trip with no line after it (drivers send an empty dark block) closes the
    open parcel right away; an empty lit block changes nothing."""
    counts = _belt(300, [(50, 250)])
    blocks = _blocks(counts)
    asm = _assembler(calibration)
    scans: list[RawScan] = []
    for b in blocks[:8]:
        scans += asm.feed(b)
    none = np.empty((0, PIXELS), np.uint16)
    assert asm.feed(LineBlock(128, 128 * LINE_PERIOD_NS, none, none)) == []
    # One tuple: a plain `assert asm.is_open` lets mypy narrow it to True for good.
    assert (scans, asm.is_open) == ([], True)
    scans = asm.feed(LineBlock(128, 128 * LINE_PERIOD_NS, none, none, xray_on=False,
                               object_present=np.empty(0, np.bool_)))
    assert len(scans) == 1 and scans[0].flags == {"incomplete"}
    assert scans[0].first_line_index == 42 and scans[0].shape[0] == 128 - 42
    np.testing.assert_array_equal(scans[0].high_counts, counts[42:128])
    assert not asm.is_open and asm.flush() == []
    assert asm.blocks_rejected_total == 0 and asm.lines_dropped_total == 0
    # The stream goes on where it stopped: a later parcel is assembled as usual.
    later = _run(asm, _blocks(_belt(200, [(40, 100)], seed=2), first=128))
    assert [(s.first_line_index, s.shape[0], s.flags) for s in later] == [
        (128 + 32, 76, frozenset())]
    assert asm.lines_dropped_total == 0


def test_dropped_lines_flagged(calibration: CalibrationSet) -> None:
    counts = _belt(300, [(50, 200)])
    blocks = _blocks(counts)
    del blocks[6]  # lines 96..111 never arrive
    asm = _assembler(calibration)
    scans = _run(asm, blocks)
    assert len(scans) == 1 and scans[0].flags == {"lines_dropped"}
    assert asm.lines_dropped_total == 16
    assert scans[0].shape[0] == 208 - 42 - 16


def test_stopped_belt_keeps_parcel_open(calibration: CalibrationSet) -> None:
    counts = _belt(300, [(50, 200)])
    blocks = _blocks(counts)
    stopped = [LineBlock(b.first_line_index, b.timestamp_ns, b.high_counts, b.low_counts,
                         belt_running=False) for b in _blocks(_belt(64, []), first=96)]
    # belt stops at line 96 (inside the parcel); lines while stopped are skipped
    shifted = [LineBlock(b.first_line_index + 64, b.timestamp_ns, b.high_counts, b.low_counts)
               for b in blocks[6:]]
    asm = _assembler(calibration)
    scans = _run(asm, blocks[:6] + stopped + shifted)
    assert len(scans) == 1 and scans[0].flags == frozenset()
    assert scans[0].shape[0] == 208 - 42


def test_labels_attached_by_belt_position(calibration: CalibrationSet) -> None:
    counts = _belt(500, [(150, 230), (300, 380)])
    asm = _assembler(calibration)
    # reader 100 mm before the X-ray plane: read at line L → leading edge at L + 100
    asm.add_label(LabelRead("RR000000001DE", 52, 0))
    asm.add_label(LabelRead("RR000000002DE", 195, 0))
    asm.add_label(LabelRead("STALE", -200, 0))  # would arrive before the stream began
    scans = _run(asm, _blocks(counts))
    assert [s.tracking_id for s in scans] == ["RR000000001DE", "RR000000002DE"]
    assert all("multiple_labels" not in s.flags for s in scans)
    assert asm.labels_unmatched_total == 1


def test_two_labels_on_merged_scan_flagged(calibration: CalibrationSet) -> None:
    counts = _belt(500, [(150, 230), (240, 300)])
    asm = _assembler(calibration)
    asm.add_label(LabelRead("A", 50, 0))
    asm.add_label(LabelRead("B", 140, 0))
    scans = _run(asm, _blocks(counts))
    assert len(scans) == 1
    assert scans[0].tracking_id == "A" and "multiple_labels" in scans[0].flags


def test_bad_blocks_rejected_without_harm(calibration: CalibrationSet) -> None:
    counts = _belt(300, [(50, 150)])
    blocks = _blocks(counts)
    asm = _assembler(calibration)
    scans: list[RawScan] = []
    for b in blocks[:5]:
        scans += asm.feed(b)
    with pytest.raises(ValueError, match="expected 96 pixels, got 95"):
        asm.feed(LineBlock(80, 0, counts[80:96, :95], counts[80:96, :95]))
    with pytest.raises(ValueError, match="differs from low shape"):
        asm.feed(LineBlock(80, 0, counts[80:96], counts[80:90]))
    with pytest.raises(ValueError, match="uint16"):
        asm.feed(LineBlock(80, 0, counts[80:96].astype(np.int32), counts[80:96]))
    for b in blocks[5:]:
        scans += asm.feed(b)
    scans += asm.flush()
    assert asm.blocks_rejected_total == 3
    assert len(scans) == 1 and scans[0].flags == frozenset()
    np.testing.assert_array_equal(scans[0].high_counts, counts[42:158])


def test_zero_and_saturated_lines(calibration: CalibrationSet) -> None:
    counts = _belt(300, [(50, 150)])
    counts[100] = 0  # read-out glitch inside the parcel
    counts[220:224] = 0  # glitch in air: must not open a parcel
    counts[250] = 65535  # saturated line in air
    scans = _run(_assembler(calibration), _blocks(counts))
    assert len(scans) == 1 and scans[0].flags == {"bad_lines"}


def test_flush_of_open_parcel_marks_incomplete(calibration: CalibrationSet) -> None:
    counts = _belt(120, [(50, 120)])
    scans = _run(_assembler(calibration), _blocks(counts))
    assert len(scans) == 1 and "incomplete" in scans[0].flags


def test_memory_bounded_while_idle(calibration: CalibrationSet) -> None:
    asm = _assembler(calibration)
    for b in _blocks(_belt(2000, [])):
        asm.feed(b)
    kept = sum(c.high.shape[0] for c in asm._chunks)
    assert kept <= CONFIG.margin_lines + CONFIG.start_lines + 16


def test_light_barrier_keeps_a_transparent_bag_in_one_piece(calibration: CalibrationSet) -> None:
    # Two items 60 lines apart inside one postal bag whose film the X-rays hardly see.
    counts = _belt(400, [(50, 90), (150, 190)])
    presence = np.zeros(400, dtype=bool)
    presence[45:195] = True  # the bag, as the light barrier sees it
    blocks = [
        replace(block, object_present=presence[block.first_line_index : block.first_line_index
                                               + block.n_lines])
        for block in _blocks(counts)
    ]
    without_barrier = _run(_assembler(calibration), _blocks(counts))
    with_barrier = _run(_assembler(calibration), blocks)
    assert len(without_barrier) == 2  # the X-rays alone see two objects
    assert len(with_barrier) == 1
    scan = with_barrier[0]
    assert scan.first_line_index <= 45 and scan.first_line_index + scan.shape[0] >= 195


def test_light_barrier_of_the_wrong_length_is_refused(calibration: CalibrationSet) -> None:
    block = _blocks(_belt(16, []))[0]
    with pytest.raises(ValueError, match="object_present has shape"):
        _assembler(calibration).feed(replace(block, object_present=np.ones(3, dtype=bool)))
