"""The dicos_replay driver plays files written by write_parcel back as detector lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from dicos_samples import SCANNER, WHEN, make_parcel, make_raw, make_rgba

from drivers.base import DriverError, LineBlock, ScannerDriver
from drivers.dicos_replay import create_driver
from drivers.simulator import SimulatedScanner
from station_app.dicos import write_parcel
from station_app.domain import RawScan

GAP = 20


def _export(raws: list[RawScan], directory: Path, *, reverse_time: bool = False) -> None:
    for i, raw in enumerate(raws):
        k = len(raws) - i if reverse_time else i
        parcel = make_parcel(raw)
        write_parcel(parcel, make_rgba(raw.shape), directory, station_id="ST-1", scanner=SCANNER,
                     acquired_at=WHEN + timedelta(seconds=k))


def _play(directory: Path, **options: object) -> tuple[list[LineBlock], object]:
    driver = create_driver(str(directory), gap_lines=GAP, **options)  # type: ignore[arg-type]
    driver.open()
    blocks = list(driver.lines())
    driver.close()
    return blocks, driver


def _stack(blocks: list[LineBlock]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    present = [b.object_present for b in blocks]
    assert all(p is not None for p in present)
    return (np.concatenate([b.high_counts for b in blocks]),
            np.concatenate([b.low_counts for b in blocks]),
            np.concatenate(present))  # type: ignore[arg-type]


def test_replays_parcels_with_air_gaps(tmp_path: Path) -> None:
    raws = [make_raw(f"S-{i}", lines=60 + 10 * i, seed=i, tracking_id=f"RA00000000{i}FR")
            for i in range(3)]
    _export(raws, tmp_path)
    driver = create_driver(str(tmp_path), block_lines=16, gap_lines=GAP)
    assert isinstance(driver, ScannerDriver)
    assert (driver.info.pixels, driver.info.pitch_mm, driver.info.tube_kv) == (96, 1.6, 160.0)
    assert driver.info.line_rate_hz == pytest.approx(250.0)
    assert driver.info.line_pitch_mm == pytest.approx(1.0)
    driver.open()
    blocks = list(driver.lines())
    reads = driver.poll()
    driver.close()
    assert [b.first_line_index for b in blocks] == [16 * i for i in range(len(blocks))]
    assert all(b.n_lines == 16 for b in blocks[:-1])
    high, low, present = _stack(blocks)
    assert high.shape[0] == 4 * GAP + sum(r.shape[0] for r in raws)
    start = GAP
    for raw in raws:
        n = raw.shape[0]
        np.testing.assert_array_equal(high[start:start + n], raw.high_counts)
        np.testing.assert_array_equal(low[start:start + n], raw.low_counts)
        # The object spans lines 8..n-8 of each synthetic parcel (air margins of 8).
        assert present[start:start + n].tolist() == [False] * 8 + [True] * (n - 16) + [False] * 8
        assert not present[start - GAP:start].any()
        # Gap lines are the parcel's own air lines: bright, never attenuated.
        assert high[start - GAP:start].min() > 0.9 * 52000
        start += n + GAP
    assert [(r.tracking_id, r.line_index) for r in reads] == [
        ("RA000000000FR", GAP), ("RA000000001FR", 2 * GAP + 60),
        ("RA000000002FR", 3 * GAP + 130)]
    assert driver.status().faults == ()


def test_simulated_parcels_round_trip(tmp_path: Path) -> None:
    sim = SimulatedScanner(seed=7)
    raws = []
    for i in range(2):
        rendered = sim.render_parcel(i)
        raws.append(replace(make_raw(f"SIM-{i}"), high_counts=rendered.high_counts,
                            low_counts=rendered.low_counts))
    _export(raws, tmp_path)
    blocks, _ = _play(tmp_path, block_lines=64, air_counts=(50000, 30000))
    high, low, present = _stack(blocks)
    n0, n1 = raws[0].shape[0], raws[1].shape[0]
    np.testing.assert_array_equal(high[GAP:GAP + n0], raws[0].high_counts)
    np.testing.assert_array_equal(low[2 * GAP + n0:2 * GAP + n0 + n1], raws[1].low_counts)
    assert (high[:GAP] == 50000).all() and (low[:GAP] == 30000).all()
    assert present[GAP:GAP + n0].any() and not present[:GAP].any()


def test_sorted_by_acquisition_time(tmp_path: Path) -> None:
    raws = [make_raw(f"S-{i}", lines=40 + 10 * i, seed=i) for i in range(3)]
    _export(raws, tmp_path, reverse_time=True)  # S-2 was acquired first
    driver = create_driver(str(tmp_path))
    assert [p.scan_id for p in driver.parcels] == ["S-2", "S-1", "S-0"]


def test_bad_files_are_skipped_and_counted(tmp_path: Path) -> None:
    _export([make_raw("S-0", seed=0), make_raw("S-1", seed=1), make_raw("S-2", seed=2)], tmp_path)
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "S-1_dx_low.dcs").unlink()  # a high image without its low partner
    victim = tmp_path / "S-2_dx_high.dcs"
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) - 2000])  # truncated pixel data: fails on load
    blocks, driver = _play(tmp_path, block_lines=32)
    high, _, _ = _stack(blocks)
    assert high.shape[0] == 2 * GAP + 80  # only S-0 played
    skipped = driver.skipped_files  # type: ignore[attr-defined]
    assert len(skipped) == 3
    assert any("notes.txt" in s for s in skipped)
    assert any("lacks its LOW ENERGY" in s for s in skipped)
    assert any("S-2_dx_high.dcs" in s for s in skipped)
    assert "skipped 3" in driver.status().faults[0]  # type: ignore[attr-defined]


def test_bad_directory(tmp_path: Path) -> None:
    with pytest.raises(DriverError, match="not a directory"):
        create_driver(str(tmp_path / "nope"))
    (tmp_path / "junk.dcs").write_bytes(b"\0" * 10)
    with pytest.raises(DriverError, match="no playable"):
        create_driver(str(tmp_path))
    with pytest.raises(DriverError, match="block_lines"):
        create_driver(str(tmp_path), block_lines=0)


def test_loop_and_close(tmp_path: Path) -> None:
    raw = make_raw("S-0", lines=40)
    _export([raw], tmp_path)
    driver = create_driver(str(tmp_path), loop=True, block_lines=10, gap_lines=GAP)
    driver.open()
    got: list[LineBlock] = []
    for block in driver.lines():
        got.append(block)
        if len(got) == 20:
            driver.close()
    assert len(got) == 20  # close() ends the otherwise endless stream
    high, _, _ = _stack(got)
    cycle = GAP + 40
    np.testing.assert_array_equal(high[GAP:GAP + 40], raw.high_counts)
    np.testing.assert_array_equal(high[cycle + GAP:cycle + GAP + 40], raw.high_counts)


def test_xray_off_gives_dark_lines_and_realtime_paces(tmp_path: Path) -> None:
    _export([make_raw("S-0", lines=40)], tmp_path)
    driver = create_driver(str(tmp_path), realtime=True, line_rate_hz=5000.0, block_lines=20,
                           gap_lines=GAP)
    driver.open()
    driver.xray_off()
    blocks = list(driver.lines())
    assert all(not b.xray_on and not b.high_counts.any() for b in blocks)
    span_ns = blocks[-1].timestamp_ns - blocks[0].timestamp_ns
    assert span_ns == pytest.approx((len(blocks) - 1) * 20 / 5000.0 * 1e9, rel=0.01)
    assert driver.status().lines_acquired == 2 * GAP + 40
