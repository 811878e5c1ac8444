"""Threat image projection: the library, physical projection, the schedule, scoring.

The physics is checked against the simulator itself: an item projected into a
parcel must add the attenuation (and leave the noise) that the same item
really placed in that parcel gives.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from drivers.simulator.items import THREAT_BUILDERS
from drivers.simulator.model import ParcelPlan, PlacedItem, Placement
from drivers.simulator.scanner import SimulatedScanner
from station_app.config import CalibrationConfig, TipConfig
from station_app.domain import RawScan, Verdict
from station_app.imaging.calibration import CalibrationSet, build_calibration
from station_app.tip.build import render_item
from station_app.tip.library import (
    TipItem,
    TipLibraryError,
    load_library,
    save_library,
    shipped_library_dir,
)
from station_app.tip.projection import (
    TipPlacement,
    TipProjectionError,
    choose_placement,
    inside_mask,
    project,
)
from station_app.tip.schedule import TipScheduler
from station_app.tip.scoring import RealDecision, TipOutcome, TipResponse, summarize

AIR_LINES = 12  # air before and after the parcel, as the assembler keeps


@pytest.fixture(scope="module")
def scanner() -> SimulatedScanner:
    return SimulatedScanner(pixels=1024, seed=0)


@pytest.fixture(scope="module")
def calibration(scanner: SimulatedScanner) -> CalibrationSet:
    rng = np.random.default_rng(1)
    dark_high, dark_low = scanner._detector.dark(256, rng)
    air = np.ones((512, scanner.options.pixels), np.float32)
    air_high, air_low = scanner._detector.counts(air, air, rng)
    return build_calibration(
        dark_high, dark_low, air_high, air_low, serial="SIM-0001", config=CalibrationConfig()
    )


@pytest.fixture(scope="module")
def plan(scanner: SimulatedScanner) -> ParcelPlan:
    return scanner.make_plan(5)


def _with_air(transmission: NDArray[np.float32]) -> NDArray[np.float32]:
    air = np.ones((AIR_LINES, transmission.shape[1]), np.float32)
    return np.vstack([air, transmission, air])


def _noise_free_raw(
    scanner: SimulatedScanner, plan: ParcelPlan, calibration: CalibrationSet
) -> RawScan:
    high, low = (_with_air(t) for t in scanner.expected_transmission(plan))

    def counts(t: NDArray[np.float32], dark: NDArray[np.float32], air: NDArray[np.float32]
               ) -> NDArray[np.uint16]:
        return np.rint(dark + t * (air - dark)).astype(np.uint16)

    return RawScan("noise-free", "SIM-0001", 0, counts(high, calibration.dark_high,
                   calibration.air_high), counts(low, calibration.dark_low, calibration.air_low),
                   0, 1, 1.0, 1.0)


def _noisy_raw(scanner: SimulatedScanner, plan: ParcelPlan, seed: int) -> RawScan:
    high, low = (_with_air(t) for t in scanner.expected_transmission(plan))
    high_counts, low_counts = scanner._detector.counts(high, low, np.random.default_rng(seed))
    return RawScan("noisy", "SIM-0001", 0, high_counts, low_counts, 0, 1, 1.0, 1.0)


def _attenuation(counts: NDArray[np.uint16], dark: NDArray[np.float32],
                 air: NDArray[np.float32]) -> NDArray[np.float64]:
    gain = np.maximum(air.astype(np.float64) - dark, 1.0)
    return -np.log(np.clip((counts.astype(np.float64) - dark) / gain, 1e-4, 1.0))


def _truth_plan(plan: ParcelPlan, category: str, seed: int) -> ParcelPlan:
    """The same parcel with the library item really inside, at the parcel's centre."""
    model = THREAT_BUILDERS[category](np.random.default_rng(seed), 1.0)
    centre = Placement(plan.length_lines / 2, plan.width_px / 2)
    return replace(plan, contents=(*plan.contents, PlacedItem(model, centre)))


def _centre(plan: ParcelPlan) -> TipPlacement:
    return TipPlacement(AIR_LINES + plan.length_lines / 2, plan.offset_px + plan.width_px / 2, 0.0)


# ------------------------------------------------------------------- library


def test_shipped_library_loads_with_every_default_category() -> None:
    library = load_library(shipped_library_dir())
    assert set(TipConfig().categories) <= set(library.categories)
    for item in library.items:
        assert item.attenuation_high.min() >= 0 and item.footprint.any()
        # Low energy is attenuated more than high energy by every real material.
        assert item.attenuation_low.sum() > item.attenuation_high.sum()


def test_library_round_trip_and_damage_is_refused(
    scanner: SimulatedScanner, tmp_path: Path
) -> None:
    item = render_item(scanner, "knife", np.random.default_rng(3), "knife-00")
    library = save_library(tmp_path / "lib", [item], pitch_mm=1.0, spectrum="test")
    (loaded,) = library.items
    np.testing.assert_allclose(loaded.attenuation_low, item.attenuation_low, rtol=2e-3, atol=2e-3)
    assert loaded.category == "knife" and library.spectrum == "test"

    npz = tmp_path / "lib" / "knife-00.npz"
    data = bytearray(npz.read_bytes())
    data[len(data) // 2] ^= 0xFF
    npz.write_bytes(bytes(data))
    with pytest.raises(TipLibraryError, match=r"knife-00\.npz is damaged"):
        load_library(tmp_path / "lib")

    (tmp_path / "lib" / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TipLibraryError, match="cannot be read"):
        load_library(tmp_path / "lib")
    with pytest.raises(TipLibraryError, match=r"index\.json missing"):
        load_library(tmp_path / "nothing-here")


def test_library_index_cannot_point_outside(tmp_path: Path) -> None:
    shutil.copytree(shipped_library_dir(), tmp_path / "lib")
    index = json.loads((tmp_path / "lib" / "index.json").read_text(encoding="utf-8"))
    index["items"][0]["file"] = "../../etc/passwd"
    (tmp_path / "lib" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(TipLibraryError, match="bad item entry"):
        load_library(tmp_path / "lib")


def test_item_with_impossible_values_is_refused() -> None:
    negative = np.full((4, 4), -0.5, np.float32)
    with pytest.raises(TipLibraryError, match="attenuation outside"):
        TipItem("bad", "knife", "", 1.0, negative, negative)


# ---------------------------------------------------------------- projection


@pytest.mark.parametrize("category", ["knife", "powder_packet", "scissors", "lithium_battery"])
def test_projection_adds_the_attenuation_the_real_item_adds(
    scanner: SimulatedScanner, calibration: CalibrationSet, plan: ParcelPlan, category: str
) -> None:
    item = render_item(scanner, category, np.random.default_rng(7), "item")
    raw = _noise_free_raw(scanner, plan, calibration)
    projected = project(raw, calibration, item, _centre(plan), np.random.default_rng(0))
    truth = _noise_free_raw(scanner, _truth_plan(plan, category, 7), calibration)
    good = ~calibration.bad_mask
    cap = 6.0  # beyond this the counts are too few to say anything
    for channel in ("high", "low"):
        dark = getattr(calibration, f"dark_{channel}")
        air = getattr(calibration, f"air_{channel}")

        def added(scan: RawScan, channel: str = channel, dark: NDArray[np.float32] = dark,
                  air: NDArray[np.float32] = air) -> float:
            a = _attenuation(getattr(scan, f"{channel}_counts"), dark, air)
            a0 = _attenuation(getattr(raw, f"{channel}_counts"), dark, air)
            return float(np.minimum(a, cap)[:, good].sum() - np.minimum(a0, cap)[:, good].sum())

        # Beam hardening by the parcel makes the product a few % too dark, no more.
        assert added(projected.raw) == pytest.approx(added(truth), rel=0.08), channel
    assert "tip" in projected.raw.flags and "tip" not in raw.flags


@pytest.mark.parametrize("category", ["knife", "scissors"])
def test_projected_item_carries_the_noise_of_a_real_one(
    scanner: SimulatedScanner, calibration: CalibrationSet, plan: ParcelPlan, category: str
) -> None:
    item = render_item(scanner, category, np.random.default_rng(7), "item")
    placement = _centre(plan)
    dark, air = calibration.dark_high, calibration.air_high

    def a(scan: RawScan) -> NDArray[np.float64]:
        return _attenuation(scan.high_counts, dark, air)

    # Noise of the projection: noisy projection minus the noise-free projection.
    clean = project(_noise_free_raw(scanner, plan, calibration), calibration, item, placement,
                    np.random.default_rng(0))
    noisy = project(_noisy_raw(scanner, plan, 4), calibration, item, placement,
                    np.random.default_rng(5))
    base = a(_noise_free_raw(scanner, plan, calibration))
    on_item = (a(clean.raw) - base > 0.3) & (a(clean.raw) < 3.5) & ~calibration.bad_mask
    projected_sd = float((a(noisy.raw) - a(clean.raw))[on_item].std())
    # Noise of the real thing: the simulator's noisy image of the truth minus its noise-free one.
    truth_plan = _truth_plan(plan, category, 7)
    truth_clean = a(_noise_free_raw(scanner, truth_plan, calibration))
    truth_noisy = a(_noisy_raw(scanner, truth_plan, 3))
    on_truth = (truth_clean - base > 0.3) & (truth_clean < 3.5) & ~calibration.bad_mask
    real_sd = float((truth_noisy - truth_clean)[on_truth].std())
    assert on_item.sum() > 500 and on_truth.sum() > 500
    assert projected_sd == pytest.approx(real_sd, rel=0.15)


def test_projection_changes_nothing_outside_the_item(
    scanner: SimulatedScanner, calibration: CalibrationSet, plan: ParcelPlan
) -> None:
    raw = _noisy_raw(scanner, plan, 4)
    before = raw.high_counts.copy()
    item = load_library(shipped_library_dir()).items[0]
    placement = choose_placement(raw, calibration, item, np.random.default_rng(2))
    projected = project(raw, calibration, item, placement, np.random.default_rng(2))
    np.testing.assert_array_equal(raw.high_counts, before)  # the real parcel is untouched
    changed = (projected.raw.high_counts != raw.high_counts) | (
        projected.raw.low_counts != raw.low_counts
    )
    rows, cols = np.nonzero(changed)
    box = projected.box
    # Blur tails reach a pixel or two beyond the footprint box, never further.
    assert rows.min() >= box.line0 - 3 and rows.max() < box.line1 + 3
    assert cols.min() >= box.px0 - 3 and cols.max() < box.px1 + 3
    # ...and the whole item lies on the parcel, not in the air beside it.
    assert inside_mask(raw, calibration)[box.line0:box.line1, box.px0:box.px1].mean() > 0.9


def test_parcel_too_small_for_the_item_is_said(
    scanner: SimulatedScanner, calibration: CalibrationSet
) -> None:
    tiny = ParcelPlan(60, 60, 400, (), (), "easy", "TINY")
    raw = _noisy_raw(scanner, replace(tiny, contents=(PlacedItem(
        THREAT_BUILDERS["powder_packet"](np.random.default_rng(1), 1.0), Placement(30, 30)),)), 1)
    knife = next(i for i in load_library(shipped_library_dir()).items if i.category == "knife")
    with pytest.raises(TipProjectionError, match="no room"):
        choose_placement(raw, calibration, knife, np.random.default_rng(0))


def test_projection_refuses_a_calibration_of_another_detector(
    scanner: SimulatedScanner, calibration: CalibrationSet, plan: ParcelPlan
) -> None:
    raw = _noisy_raw(scanner, plan, 4)
    narrow = replace(raw, high_counts=raw.high_counts[:, :512], low_counts=raw.low_counts[:, :512])
    item = load_library(shipped_library_dir()).items[0]
    with pytest.raises(TipProjectionError, match="detector width"):
        project(narrow, calibration, item, _centre(plan), np.random.default_rng(0))


# ------------------------------------------------------------------ schedule


def test_schedule_keeps_rate_spacing_and_categories(
    scanner: SimulatedScanner, calibration: CalibrationSet, plan: ParcelPlan
) -> None:
    library = load_library(shipped_library_dir())
    config = TipConfig(enabled=True, rate=1.0, min_parcels_between=2, categories=["knife"])
    scheduler = TipScheduler(config, library, np.random.default_rng(0))
    raw = _noisy_raw(scanner, plan, 4)
    carried = []
    for n in range(1, 10):
        projection = scheduler.maybe_project(replace(raw, scan_id=f"p{n}"), calibration)
        if projection is not None:
            assert projection.item.category == "knife"
            carried.append(n)
    assert carried == [3, 6, 9]

    rare = TipScheduler(TipConfig(enabled=True, rate=0.1, min_parcels_between=0), library,
                        np.random.default_rng(1))
    due = sum(rare.due() for _ in range(2000))
    assert 140 < due < 260  # binomial(2000, 0.1): mean 200, sd 13

    off = TipScheduler(TipConfig(enabled=False, rate=1.0, min_parcels_between=0), library)
    assert not any(off.due() for _ in range(100))


def test_schedule_without_matching_items_says_why() -> None:
    library = load_library(shipped_library_dir())
    with pytest.raises(TipLibraryError, match="matches the TIP rules"):
        TipScheduler(TipConfig(categories=["handgun"], max_item_length_mm=10.0), library)


# ------------------------------------------------------------------- scoring


def test_scores_and_per_inspector_figures() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)

    def tip(operator: str, verdict: Verdict, category: str, ms: float) -> TipResponse:
        return TipResponse("s", "i", category, operator, verdict, ms, now)

    responses = [
        tip("kim", Verdict.HOLD, "knife", 4000.0),
        tip("kim", Verdict.OPEN, "handgun", 2000.0),
        tip("kim", Verdict.CLEAR, "knife", 1500.0),
        tip("lee", Verdict.CLEAR, "handgun", 900.0),
    ]
    real = [RealDecision("kim", Verdict.CLEAR)] * 8 + [RealDecision("kim", Verdict.HOLD)] * 2
    stats = summarize(responses, real)
    kim, lee = stats["kim"], stats["lee"]
    assert responses[2].outcome is TipOutcome.MISS and responses[0].outcome is TipOutcome.HIT
    assert (kim.presented, kim.hits, kim.misses) == (3, 2, 1)
    assert kim.hit_rate == pytest.approx(2 / 3)
    assert kim.mean_hit_time_ms == pytest.approx(3000.0)  # misses do not count
    assert kim.hits_by_category == {"handgun": (1, 1), "knife": (1, 2)}
    assert kim.alarm_rate == pytest.approx(0.2)
    assert lee.hit_rate == 0.0 and lee.alarm_rate is None and lee.mean_hit_time_ms is None


def test_false_alarms_need_a_nothing_found_check() -> None:
    from station_app.physical_checks import CheckOutcome

    now = datetime(2026, 11, 23, tzinfo=UTC)
    real = [
        RealDecision("kim", Verdict.CLEAR),
        RealDecision("kim", Verdict.CLEAR),
        RealDecision("kim", Verdict.OPEN),  # flagged, not checked yet: an alarm
        RealDecision("kim", Verdict.HOLD, CheckOutcome.NOTHING_FOUND),  # a false alarm
        RealDecision("kim", Verdict.OPEN, CheckOutcome.PROHIBITED_ITEM),  # a find
        RealDecision("kim", Verdict.OPEN, CheckOutcome.OTHER),  # checked, neither
    ]
    # A TIP image is not a real parcel: its HOLD is a hit, never an alarm or a false alarm.
    tip = [TipResponse("s", "i", "knife", "kim", Verdict.HOLD, 1000.0, now)]
    kim = summarize(tip, real)["kim"]
    assert (kim.real_decisions, kim.real_alarms, kim.flags_checked) == (6, 4, 3)
    assert (kim.false_alarms, kim.unchecked_alarms) == (1, 1)
    assert kim.false_alarm_rate == pytest.approx(1 / 6)  # over real parcels decided
    assert kim.alarm_rate == pytest.approx(4 / 6)
    assert not RealDecision("kim", Verdict.CLEAR, CheckOutcome.NOTHING_FOUND).false_alarm
    only_tip = summarize(tip)["kim"]
    assert (only_tip.real_decisions, only_tip.false_alarms, only_tip.false_alarm_rate) == (
        0, 0, None)
